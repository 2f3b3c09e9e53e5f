using System.Text.Json;
using CypherScoping.Cli.Commands;
using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;
using CypherScoping.TestKit;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Integration.Tests;

public class DryRunSizingTests
{
    private static readonly TradeSignal EthLong = new(PositionSide.Long, 2000m, 1950m, 2075m, 70, 20);

    [Fact]
    public void Analyze_dry_run_shows_the_order_risk_would_size_with_the_paper_profile()
    {
        // Equity 10,000, 2 % risk → budget 200. Long ETH at 2000, stop 1950: loss per ETH = 50 + 0.0006 × 3950 = 52.37;
        // 0.01 ETH per lot → 200 / 0.5237 = 381.9 → 381 lots (round down), notional 7,620 fits the 8,000 room at 1x.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Trading:Mode"] = "paper" }).Build();

        var text = DryRunSizing.Describe(configuration, EthLong, ContractCatalog.Find("ETHUSDTM")!.ToTerms());

        Assert.Contains("381 lots = 3.81 base, 1x", text, StringComparison.Ordinal);
        Assert.Contains("loss at stop 199.53 of budget 200", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_dry_run_says_when_risk_would_deny()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Risk:MinPositionSize"] = "1000" }).Build();

        var text = DryRunSizing.Describe(configuration, EthLong, ContractCatalog.Find("ETHUSDTM")!.ToTerms());

        Assert.Contains("risk would deny", text, StringComparison.Ordinal);
        Assert.Contains("E_SIZE_BELOW_MIN", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_kucoin_the_sized_order_is_validated_by_the_test_endpoint_and_nothing_is_placed()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 2000m);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(fake.ClientSettings()).Build();
        using var provider = new ServiceCollection().AddLogging().AddKuCoinExchange(configuration).BuildServiceProvider();

        var dry = await DryRunSizing.CheckWithKuCoinAsync(configuration, provider.GetRequiredService<IExchange>(), "ETHUSDTM", EthLong, ContractCatalog.Find("ETHUSDTM")!.ToTerms(), CancellationToken.None);

        // Sized from the account's equity (the fake's 10,000), not from a paper setting: the same 381 lots as above.
        Assert.Equal("KuCoin account", dry.EquitySource);
        Assert.Equal(381m, dry.Order!.Lots);
        var test = dry.KuCoinTest!;
        Assert.True(test.Accepted, test.Detail);
        var request = Assert.Single(fake.Requests, r => r.Path == "/api/v1/orders/test");
        Assert.True(request.Authenticated);
        Assert.Equal("200000", request.Code);
        Assert.Empty(fake.Orders);
        Assert.Empty(fake.StopOrders);
        Assert.Equal(0, fake.PlaceOrderCalls);
        Assert.Contains("ACCEPTED", DryRunSizing.Text(dry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_kucoin_a_test_order_the_exchange_refuses_is_reported_with_its_code()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var eth = ContractCatalog.Find("ETHUSDTM")!;
        fake.SetContract(eth with { MaxOrderQty = 100 }, 2000m); // the exchange's limit is tighter than the terms Risk sized with
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(fake.ClientSettings()).Build();
        using var provider = new ServiceCollection().AddLogging().AddKuCoinExchange(configuration).BuildServiceProvider();

        var dry = await DryRunSizing.CheckWithKuCoinAsync(configuration, provider.GetRequiredService<IExchange>(), "ETHUSDTM", EthLong, ContractCatalog.Find("ETHUSDTM")!.ToTerms(), CancellationToken.None);

        var test = dry.KuCoinTest!;
        Assert.False(test.Accepted);
        Assert.True(test.Answered);
        Assert.StartsWith("E_", test.ErrorCode, StringComparison.Ordinal);
        Assert.Contains("300000", test.Detail, StringComparison.Ordinal);
        Assert.Contains("FAILED", DryRunSizing.Text(dry), StringComparison.Ordinal);
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task Cypher_analyze_dry_run_on_kucoin_checks_the_order_with_kucoin_and_says_nothing_was_sent()
    {
        var (served, cut) = SignalCandles.SolEndingOnASignal();
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetCandles("SOLUSDTM", 60, served);
        fake.SetPrice("SOLUSDTM", served[^1].Close);
        var env = Path.Combine(Path.GetTempPath(), $"cypher-dry-{Guid.NewGuid():N}.env");
        await File.WriteAllLinesAsync(env, fake.ClientSettings().Select(kv => $"{kv.Key.Replace(":", "__", StringComparison.Ordinal)}={kv.Value}")
            .Concat(["TRADING_MODE=paper", "SIMULATION=false", "Scanner__IntervalMinutes=60", $"Scanner__HistoryCandles={Math.Min(cut, 800)}"]));

        var (exit, stdout, stderr) = await PaperRunTests.RunCliAsync("analyze", "--symbol", "SOLUSDTM", "--market", "kucoin", "--dry-run", "--json", "--env-file", env);

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {stderr}{stdout}");
        using var json = JsonDocument.Parse(stdout);
        var dry = json.RootElement.GetProperty("dryRunOrder");
        Assert.Equal("KuCoin account", dry.GetProperty("equitySource").GetString());
        Assert.True(dry.GetProperty("kuCoinTest").GetProperty("accepted").GetBoolean());
        Assert.False(json.RootElement.GetProperty("orderSent").GetBoolean());
        Assert.Single(fake.Requests, r => r.Path == "/api/v1/orders/test");
        Assert.Equal(0, fake.PlaceOrderCalls);
        Assert.Empty(fake.Orders);
        Assert.DoesNotContain(fake.ApiSecret, stdout, StringComparison.Ordinal);
    }
}

/// <summary>Real SOL hourly candles cut at the first hour the strategy signals, shifted so that hour is the last closed one.</summary>
internal static class SignalCandles
{
    public static (List<Candle> Served, int Cut) SolEndingOnASignal()
    {
        var candles = ReplayMarketDataSource.ReadCsv(SharedData.Candles("SOL-USDT-1h-2024-09_10-binance.csv")).Select(r => r.Candle!).ToList();
        var strategy = new CypherScoreStrategy(StrategyParameters.Default);
        var cut = -1;
        for (var i = 0; i < candles.Count && cut < 0; i++)
        {
            var c = candles[i];
            strategy.Update((double)c.Open, (double)c.High, (double)c.Low, (double)c.Close, (double)c.Volume);
            if (i >= 300 && strategy.Propose(c.Close, 0.001m) is not null)
            {
                cut = i;
            }
        }

        Assert.True(cut > 0, "the SOL file never signals: pick another file");
        var hour = TimeSpan.FromHours(1);
        var now = DateTimeOffset.UtcNow;
        var lastClosedOpen = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % hour.Ticks), TimeSpan.Zero) - hour;
        var shift = lastClosedOpen - candles[cut].OpenTime;
        return (candles.Take(cut + 1).Select(c => c with { OpenTime = c.OpenTime + shift }).ToList(), cut);
    }
}
