using System.Globalization;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using CypherScoping.Executor.Execution;
using CypherScoping.TestKit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Executor.Tests;

/// <summary>Reads the shared candle CSVs (timestamp,open,high,low,close,volume) in place; never copies them.</summary>
public static class CandleFile
{
    public static IReadOnlyList<Candle> Read(string file)
    {
        var path = SharedData.Candles(file);
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var p = line.Split(',');
            return new Candle(
                DateTimeOffset.Parse(p[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                decimal.Parse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture),
                decimal.Parse(p[2], NumberStyles.Float, CultureInfo.InvariantCulture),
                decimal.Parse(p[3], NumberStyles.Float, CultureInfo.InvariantCulture),
                decimal.Parse(p[4], NumberStyles.Float, CultureInfo.InvariantCulture),
                decimal.Parse(p[5], NumberStyles.Float, CultureInfo.InvariantCulture));
        }).ToList();
    }

    public const string Eth = "ETH-USD-1m-2018-04-04_05-coinbase.csv";
    public const string Btc = "BTC-PERP-1m-2022-01-ftx.csv";
}

/// <summary>An Executor host on the MassTransit test harness with a paper exchange and a fake clock the test controls.</summary>
public sealed class ExecutorHost : IAsyncDisposable
{
    private ExecutorHost(IHost host, ITestHarness harness, PaperExchange paper, FakeTimeProvider clock)
    {
        Host = host;
        Harness = harness;
        Paper = paper;
        Clock = clock;
    }

    public IHost Host { get; }

    public ITestHarness Harness { get; }

    public PaperExchange Paper { get; }

    public FakeTimeProvider Clock { get; }

    public T Get<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<ExecutorHost> StartAsync(
        IDictionary<string, string?> settings,
        FakeTimeProvider? clock = null,
        PaperExchange? paper = null,
        IExchange? exchange = null,
        Action<IServiceCollection>? configure = null,
        bool registeredExchange = false)
    {
        clock ??= new FakeTimeProvider(new DateTimeOffset(2018, 4, 4, 0, 0, 0, TimeSpan.Zero));
        paper ??= new PaperExchange(new PaperExchangeOptions(), clock);
        var host = TestHosts.Build(ExecutorRegistration.ServiceName, settings, b => b.AddExecutor(), harness: true, configureServices: s =>
        {
            if (registeredExchange)
            {
                // The exchange the registration chose (live: the real KuCoin client) on the system clock.
                configure?.Invoke(s);
                return;
            }

            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton(paper);
            if (exchange is not null)
            {
                s.AddSingleton(exchange);
            }
            else
            {
                s.AddSingleton<IExchange>(paper);
            }

            configure?.Invoke(s);
        });
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(20);
        return new ExecutorHost(host, harness, paper, clock);
    }

    public Task PublishAsync<T>(T message)
        where T : class => Harness.Bus.Publish(message);

    /// <summary>Wait (bounded) until n messages of a type were published, then return them.</summary>
    public async Task<IReadOnlyList<T>> PublishedAsync<T>(int atLeast = 1, int timeoutSeconds = 20)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var found = Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Wait (bounded) until the executor consumed n messages of a type (successfully or with a fault).</summary>
    public async Task ConsumedAsync<T>(int count, int timeoutSeconds = 20)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (Harness.Consumed.Select<T>().Count() < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        await Harness.InactivityTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync();
        }
        finally
        {
            Host.Dispose();
        }
    }
}

/// <summary>
/// Leaves an intent in the ledger as a process that died part-way would have: recorded (reserved) and, for later
/// states, marked as the order path marks them — without anything reaching the exchange.
/// </summary>
public static class LedgerSeed
{
    public static async Task<OrderIntent> LeaveAsync(OrderLedger ledger, OrderApproved approval, string status, DateTimeOffset at)
    {
        var intent = OrderExecutor.ToIntent(approval, SymbolLocks.KeyOf(approval.Symbol), at);
        if (!await ledger.TryReserveAsync(intent))
        {
            throw new InvalidOperationException($"intent {approval.ClientOrderId} already in the ledger");
        }

        if (status != IntentStatus.Reserved)
        {
            await ledger.SetStatusAsync(approval.ClientOrderId, status, at);
        }

        return (await ledger.GetAsync(approval.ClientOrderId))!;
    }
}
