using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Benchmarks;

/// <summary>
/// Ledger throughput: the four writes one approval costs (reserve → sent → accepted → filled) on SQLite and PostgreSQL.
/// approvals/s = 1 / Mean. PostgreSQL comes from CYPHER_TEST_POSTGRES.
/// </summary>
[MemoryDiagnoser]
public class ExecutorLedgerBenchmarks
{
    private OrderLedger _ledger = null!;

    [Params("sqlite", "postgres")]
    public string Database { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var db = Database == "sqlite"
            ? ServiceDatabase.ForSqlite("executor", Path.Combine(Path.GetTempPath(), "cypher-bench", Guid.NewGuid().ToString("N"), "executor.db"))
            : ServiceDatabase.ForPostgres("executor", "executor_bench" + Guid.NewGuid().ToString("N")[..8],
                Environment.GetEnvironmentVariable("CYPHER_TEST_POSTGRES") ?? throw new InvalidOperationException("set CYPHER_TEST_POSTGRES"));
        MigrationRunner.ApplyAsync(db, MigrationRunner.FromAssembly(typeof(ExecutorRegistration).Assembly)).GetAwaiter().GetResult();
        _ledger = new OrderLedger(db);
    }

    [Benchmark(Description = "one approval through the ledger (4 writes)")]
    public async Task Approval()
    {
        var id = ClientOrderIds.FromSignal(Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await _ledger.TryReserveAsync(new OrderIntent
        {
            ClientOrderId = id, SignalId = Guid.NewGuid(), CorrelationId = Guid.NewGuid(), Purpose = IntentPurpose.Entry, Symbol = "ETHUSDTM",
            BaseAsset = "ETH", PositionSide = "Long", Side = "Buy", OrderType = "Market", Size = 1m, EntryPrice = 2000m, StopLoss = 1950m,
            TakeProfit = 2100m, Leverage = 5, ReduceOnly = false, RiskAmount = 0.5m, Status = IntentStatus.Reserved, CreatedAt = now, UpdatedAt = now,
        });
        await _ledger.SetStatusAsync(id, IntentStatus.Sent, now);
        await _ledger.SetStatusAsync(id, IntentStatus.Accepted, now, "x" + id);
        await _ledger.MarkFilledAsync(id, "x" + id, 1m, 2000m, 0.0012m, now);
    }

    [Benchmark(Description = "duplicate delivery blocked (reserve conflict)")]
    public Task<bool> Duplicate() => _ledger.TryReserveAsync(new OrderIntent
    {
        ClientOrderId = "csduplicate", SignalId = Guid.Empty, CorrelationId = Guid.Empty, Purpose = IntentPurpose.Entry, Symbol = "ETHUSDTM",
        BaseAsset = "ETH", PositionSide = "Long", Side = "Buy", OrderType = "Market", Size = 1m, EntryPrice = 2000m, StopLoss = 1950m,
        TakeProfit = 2100m, Leverage = 5, ReduceOnly = false, RiskAmount = 0.5m, Status = IntentStatus.Reserved, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    });
}

/// <summary>
/// OrderApproved → OrderPlaced on the in-memory bus with the paper exchange and the SQLite ledger (the one-process
/// paper run's path). BenchmarkDotNet reports the mean and P50/P95; p50/p99 from every measured call are printed at cleanup.
/// </summary>
public class ExecutorLatencyBenchmarks
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Waiting = new(StringComparer.Ordinal);
    private readonly List<double> _samples = [];
    private IHost _host = null!;
    private IBus _bus = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:SqliteDirectory"] = Path.Combine(Path.GetTempPath(), "cypher-bench", Guid.NewGuid().ToString("N")),
            ["Messaging:Transport"] = "InMemory",
            ["Paper:InitialEquity"] = "1000000000",
            ["Logging:Level"] = "warning",
        });
        builder.AddServiceDefaults(ExecutorRegistration.ServiceName);
        builder.AddExecutor();
        builder.AddCypherMessaging(x => x.AddConsumer<PlacedProbe>());
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _host.Services.GetRequiredService<PaperExchange>().OnCandle("ETHUSDTM", new Candle(DateTimeOffset.UtcNow.AddMinutes(-2), 2000m, 2001m, 1999m, 2000m, 10m));
        _bus = _host.Services.GetRequiredService<IBus>();
    }

    [Benchmark(Description = "OrderApproved → OrderPlaced (paper, in-memory bus, SQLite)")]
    public async Task ApprovedToPlaced()
    {
        var id = Guid.NewGuid();
        var clientOrderId = ClientOrderIds.FromSignal(id);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiting[clientOrderId] = done;
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        await _bus.Publish(new OrderApproved
        {
            SignalId = id, CorrelationId = id, OccurredAt = now, ExpiresAt = now.AddMinutes(5), ClientOrderId = clientOrderId, Symbol = "ETHUSDTM",
            BaseAsset = "ETH", PositionSide = PositionSide.Long, Side = OrderSide.Buy, OrderType = OrderType.Market, Size = 1m, SizeBase = 0.01m,
            EntryPrice = 2000m, StopLoss = 1900m, TakeProfit = 2200m, Leverage = 5, Notional = 20m, InitialMargin = 4m, RiskAmount = 1m, Profile = "paper",
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        lock (_samples)
        {
            _samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_samples.Count > 0)
        {
            var sorted = _samples.Order().ToArray();
            Console.WriteLine($"// OrderApproved→OrderPlaced over {sorted.Length} calls: p50 {sorted[sorted.Length / 2]:0.000} ms, p99 {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]:0.000} ms");
        }

        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    public sealed class PlacedProbe : IConsumer<OrderPlaced>
    {
        public Task Consume(ConsumeContext<OrderPlaced> context)
        {
            if (Waiting.TryRemove(context.Message.ClientOrderId, out var done))
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
