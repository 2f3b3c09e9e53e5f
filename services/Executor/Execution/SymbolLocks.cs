using System.Collections.Concurrent;
using CypherScoping.Domain;

namespace CypherScoping.Executor.Execution;

/// <summary>One order (or candle, or flatten step) per symbol at a time; different symbols run in parallel.</summary>
public sealed class SymbolLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public static string KeyOf(string symbol) =>
        SymbolCanonicalizer.TryParse(symbol, out var s, out _) ? s.FuturesSymbol : symbol.Trim().ToUpperInvariant();

    public async Task<IDisposable> AcquireAsync(string symbol, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(KeyOf(symbol), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

/// <summary>Opens once startup reconciliation is done; orders wait for it (nothing is sent before the ledger and the exchange agree).</summary>
public sealed class ExecutorReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public void MarkReady() => _ready.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);
}

/// <summary>
/// Fault injection for crash tests: called right after the exchange answered a placement and before the ledger
/// records the answer. Throwing here simulates the process dying between the two. Never set in production.
/// </summary>
public sealed class ExecutorFaults
{
    public Action<string>? AfterExchangeAnswered { get; set; }
}
