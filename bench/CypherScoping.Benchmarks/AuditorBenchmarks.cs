using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Auditor.Workers;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Benchmarks;

/// <summary>Shared setup: PostgreSQL from CYPHER_TEST_POSTGRES (fresh schema per run) or SQLite in a temp directory.</summary>
internal static class AuditBench
{
    public static string Postgres => Environment.GetEnvironmentVariable("CYPHER_TEST_POSTGRES")
        ?? throw new InvalidOperationException("set CYPHER_TEST_POSTGRES to benchmark the auditor on PostgreSQL");

    public static string TempDir() => Path.Combine(Path.GetTempPath(), "cypher-bench", Guid.NewGuid().ToString("N"));

    public static string Schema() => "bench_" + Guid.NewGuid().ToString("N")[..12];

    public static OrderPlaced Order(int i) => new()
    {
        ClientOrderId = "bench-" + i.ToString(CultureInfo.InvariantCulture),
        ExchangeOrderId = "ex-" + i.ToString(CultureInfo.InvariantCulture),
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UnixEpoch.AddSeconds(i),
        Symbol = "ETHUSDTM",
        BaseAsset = "ETH",
        Side = OrderSide.Buy,
        OrderType = OrderType.Market,
        Size = 3m,
        Leverage = 5,
        ReduceOnly = false,
        Mode = TradingMode.Paper,
    };
}

/// <summary>
/// Events per second into the trail through the single writer (batched, chained, committed, mirrored to JSONL):
/// 10 000 concurrent submissions per operation, as many audit consumers would make them.
/// events/s = 1 / (mean time per operation) — the reported Mean is per event (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class AuditWriterBenchmarks
{
    private const int Events = 10_000;
    private ServiceDatabase _db = null!;
    private AuditWriter _writer = null!;
    private string _dir = null!;
    private int _next;

    [Params("postgres", "sqlite")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        _dir = AuditBench.TempDir();
        _db = Store == "postgres"
            ? ServiceDatabase.ForPostgres("auditor", AuditBench.Schema(), AuditBench.Postgres)
            : ServiceDatabase.ForSqlite("auditor", Path.Combine(_dir, "auditor.db"));
        AuditSchema.MigrateAsync(_db).GetAwaiter().GetResult();
        _writer = new AuditWriter(_db, new AuditOptions { LogPath = Path.Combine(_dir, "audit.log"), BatchSize = 2000 }, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _db.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public Task AppendEvents()
    {
        var tasks = new Task[Events];
        for (var i = 0; i < Events; i++)
        {
            var n = Interlocked.Increment(ref _next);
            tasks[i] = _writer.SubmitAsync(AuditEventMapper.Map(AuditBench.Order(n), Guid.NewGuid()).Prepared());
        }

        return Task.WhenAll(tasks);
    }
}

/// <summary>
/// End to end under load: publish 5 000 events on the in-memory bus to a running Auditor (its real registration)
/// and wait until every JSONL line is written. Mean is per event; the publish→line lag percentiles of all
/// iterations are printed at the end of the run ("AUDIT LAG ...").
/// </summary>
public class AuditPipelineBenchmarks
{
    private const int Events = 5_000;
    private const int PacedEvents = 1_000;
    private readonly ConcurrentBag<double> _lagsMs = [];
    private readonly ConcurrentBag<double> _pacedLagsMs = [];
    private IHost _host = null!;
    private IBus _bus = null!;
    private string _log = null!;
    private long _offset;
    private int _next;

    [Params("postgres", "sqlite")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var dir = AuditBench.TempDir();
        Directory.CreateDirectory(dir);
        _log = Path.Combine(dir, "audit.log");
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "InMemory",
            ["Audit:LogPath"] = _log,
            ["Audit:HealthReportEnabled"] = "false",
            ["Database:SqliteDirectory"] = dir,
            ["Logging:Level"] = "warning",
        };
        if (Store == "postgres")
        {
            settings["ConnectionStrings:Postgres"] = AuditBench.Postgres;
            settings["Database:SchemaSuffix"] = "_" + AuditBench.Schema();
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(AuditorRegistration.ServiceName);
        builder.AddAuditor();
        builder.AddCypherMessaging();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _bus = _host.Services.GetRequiredService<IBus>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        Print("saturating", _lagsMs);
        Print("paced 2000/s", _pacedLagsMs);
    }

    private void Print(string mode, ConcurrentBag<double> bag)
    {
        var lags = bag.Order().ToArray();
        if (lags.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"AUDIT LAG {Store} {mode}: events {lags.Length}, publish→JSONL line p50 {P(lags, 0.50):0.0} ms, p95 {P(lags, 0.95):0.0} ms, p99 {P(lags, 0.99):0.0} ms, max {lags[^1]:0.0} ms"));
        }
    }

    /// <summary>1 000 events published at about 2 000 per second (20 every 10 ms): the lag when the Auditor keeps up.</summary>
    [Benchmark(OperationsPerInvoke = PacedEvents)]
    public async Task PacedPublishUntilMirrored()
    {
        var first = _next + 1;
        var published = new long[PacedEvents];
        var watcher = WaitForLinesAsync(first, published, _pacedLagsMs); // reads lines as they are written, not after
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < PacedEvents; i++)
        {
            if (i % 20 == 0)
            {
                var due = TimeSpan.FromMilliseconds(i / 2.0) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            var n = Interlocked.Increment(ref _next);
            Volatile.Write(ref published[i], Stopwatch.GetTimestamp());
            await _bus.Publish(AuditBench.Order(n));
        }

        await watcher;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task PublishUntilMirrored()
    {
        var first = _next + 1;
        var published = new long[Events];
        var watcher = WaitForLinesAsync(first, published, _lagsMs);
        for (var i = 0; i < Events; i++)
        {
            var n = Interlocked.Increment(ref _next);
            Volatile.Write(ref published[i], Stopwatch.GetTimestamp());
            await _bus.Publish(AuditBench.Order(n));
        }

        await watcher;
    }

    /// <summary>Started before the first publish: each line's lag is taken when the line appears in the file.</summary>
    private async Task WaitForLinesAsync(int first, long[] published, ConcurrentBag<double> lagsMs)
    {
        await Task.Yield();
        var seen = 0;
        var partial = new StringBuilder();
        while (seen < published.Length)
        {
            await using (var stream = new FileStream(_log, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Seek(_offset, SeekOrigin.Begin);
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync();
                _offset = stream.Position;
                var now = Stopwatch.GetTimestamp();
                partial.Append(text);
                var all = partial.ToString();
                var end = all.LastIndexOf('\n');
                if (end >= 0)
                {
                    foreach (var line in all[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var at = line.IndexOf("\"clientOrderId\":\"bench-", StringComparison.Ordinal);
                        if (at < 0)
                        {
                            continue;
                        }

                        var start = at + "\"clientOrderId\":\"bench-".Length;
                        var n = int.Parse(line.AsSpan(start, line.IndexOf('"', start) - start), CultureInfo.InvariantCulture);
                        lagsMs.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref published[n - first]), now).TotalMilliseconds);
                        seen++;
                    }

                    partial.Clear().Append(all[(end + 1)..]);
                }
            }

            if (seen < published.Length)
            {
                await Task.Delay(1);
            }
        }
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
