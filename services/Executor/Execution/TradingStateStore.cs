using CypherScoping.Contracts;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;

namespace CypherScoping.Executor.Execution;

/// <summary>The Executor's persisted copy of the trading state (from TradingStateChanged / HaltTrading). Older news never overwrites newer.</summary>
public sealed class TradingStateStore(OrderLedger ledger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TradingStateView? _current;

    public async Task<TradingStateView> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _current ??= await ledger.GetTradingStateAsync(cancellationToken) ?? TradingStateView.Initial;
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Apply a state change; false when it is older than what we already know.</summary>
    public async Task<bool> SetAsync(TradingState state, DateTimeOffset? pausedUntil, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = _current ?? await ledger.GetTradingStateAsync(cancellationToken) ?? TradingStateView.Initial;
            if (occurredAt < current.UpdatedAt)
            {
                _current = current;
                return false;
            }

            var next = new TradingStateView(state, pausedUntil, occurredAt);
            await ledger.SaveTradingStateAsync(next, cancellationToken);
            _current = next;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
