using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Risk;
using CypherScoping.Risk.Domain;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Benchmarks;

internal static class RiskBench
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public static SignalGenerated Signal(DateTimeOffset at, string symbol = "ETHUSDTM") => new()
    {
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at,
        ExpiresAt = at.AddMinutes(5),
        Symbol = symbol,
        BaseAsset = "ETH",
        Side = Contracts.PositionSide.Long,
        EntryPrice = 2000m,
        StopLoss = 1960m,
        TakeProfit = 2080m,
        Score = 60m,
        StrategyId = "bench",
        ParameterHash = "bench",
        Contract = ContractCatalog.Find(symbol)!.ToTerms(),
    };
}

/// <summary>The pure decision path: policy, sanity, state, caps, sizing, approval (decisions per second = 1e9 / mean ns).</summary>
[MemoryDiagnoser]
public class RiskDecisionBenchmarks
{
    private SignalGenerated _signal = null!;
    private SignalGenerated _denied = null!;
    private RiskContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signal = RiskBench.Signal(RiskBench.Start);
        _denied = RiskBench.Signal(RiskBench.Start, "XBTUSDTM");
        _context = new RiskContext
        {
            State = new RiskState(),
            Account = new AccountView(10_000m, [], RiskBench.Start),
            Limits = RiskLimits.Resolve(new RiskOptions(), RiskProfiles.Paper, 0),
            Policy = new SymbolOptions().CreatePolicy(),
            Now = RiskBench.Start,
            EntriesToday = 0,
        };
    }

    [Benchmark(Baseline = true)]
    public RiskDecision ApproveEntry() => RiskDecider.Decide(_signal, _context);

    [Benchmark]
    public RiskDecision DenyBitcoin() => RiskDecider.Decide(_denied, _context);

    [Benchmark]
    public SizingResult SizeOnly() => PositionSizer.Size(new SizingRequest(10_000m, 0m, Contracts.PositionSide.Long, 2000m, 1960m, _signal.Contract, 0.02m, 0.8m, 0.01m, 5));
}

/// <summary>
/// SignalGenerated → OrderApproved through the real Risk host (consumer, SQLite, in-memory bus), one signal at a time.
/// Prints p50/p99 of the per-signal latency at the end (BenchmarkDotNet's mean covers the same operation).
/// </summary>
public class RiskConsumerLatencyBenchmarks
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();
    private readonly List<double> _samples = [];
    private IHost _host = null!;
    private IBus _bus = null!;
    private VirtualClock _clock = null!;
    private string _directory = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "cypher-bench", Guid.NewGuid().ToString("N"));
        _clock = new VirtualClock(RiskBench.Start);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:SqliteDirectory"] = _directory,
            ["Messaging:Transport"] = "InMemory",
            ["Logging:Level"] = "warning",
            ["Risk:ClockTickSeconds"] = "0",
        });
        builder.AddServiceDefaults(RiskRegistration.ServiceName);
        builder.AddRisk();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddCypherMessaging();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _bus = _host.Services.GetRequiredService<IBus>();
        var probe = _bus.ConnectReceiveEndpoint("bench-probe", e =>
        {
            e.Handler<OrderApproved>(ctx => Complete(ctx.Message.SignalId));
            e.Handler<OrderDenied>(ctx => Complete(ctx.Message.SignalId));
        });
        probe.Ready.GetAwaiter().GetResult();
        var snapshot = new AccountSnapshot
        {
            CorrelationId = Guid.NewGuid(),
            OccurredAt = RiskBench.Start,
            Mode = Contracts.TradingMode.Paper,
            Equity = 10_000m,
            AvailableBalance = 10_000m,
            MarginUsed = 0m,
            UnrealizedPnl = 0m,
            OpenPositions = [],
        };
        _host.Services.GetRequiredService<RiskEngine>().OnAccountSnapshotAsync(snapshot).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task SignalToOrderApproved()
    {
        _clock.Advance(TimeSpan.FromSeconds(31)); // the previous approval's margin reservation has expired
        var signal = RiskBench.Signal(_clock.GetUtcNow());
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[signal.SignalId] = done;
        var watch = Stopwatch.StartNew();
        await _bus.Publish(signal);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _samples.Add(watch.Elapsed.TotalMilliseconds);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_samples.Count > 0)
        {
            var sorted = _samples.Order().ToArray();
            Console.WriteLine($"// Risk consumer latency over {sorted.Length} signals: p50 {Percentile(sorted, 0.50):0.000} ms, p99 {Percentile(sorted, 0.99):0.000} ms, max {sorted[^1]:0.000} ms");
        }

        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private Task Complete(Guid signalId)
    {
        if (_waiting.TryRemove(signalId, out var done))
        {
            done.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
