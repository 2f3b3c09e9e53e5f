using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.TestKit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Scanner.Tests;

public class ScanCycleHarnessTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 2, 8, 0, 0, TimeSpan.Zero);

    private static async Task<(IHost Host, ITestHarness Harness, IScanCycle Cycle, VirtualClock Clock)> StartAsync(Dictionary<string, string?> extra)
    {
        var settings = TestHosts.SqliteSettings();
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        var clock = new VirtualClock(Start);
        var host = TestHosts.Build("scanner", settings, b => b.AddScanner(), harness: true, services => services.AddSingleton<TimeProvider>(clock));
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<ITestHarness>();
        return (host, harness, host.Services.GetRequiredService<IScanCycle>(), clock);
    }

    [Fact]
    public async Task Run_once_advances_the_virtual_clock_and_publishes_scans_and_signals_in_symbol_order()
    {
        var (host, harness, cycle, clock) = await StartAsync([]);
        try
        {
            Assert.Equal(13, cycle.Symbols.Count);
            await Task.Delay(300);
            Assert.False(harness.Published.Select<MarketScanned>().Any()); // under a VirtualClock only the driver steps the scanner
            var first = await cycle.RunOnceAsync(CancellationToken.None);
            Assert.True(first.MoreData);
            Assert.Equal(13, first.SymbolsScanned);
            Assert.Equal(Start.AddMinutes(15), first.DataTime); // first simulated candle opens at the start and closes 15 min later
            Assert.Equal(first.DataTime, clock.GetUtcNow());

            var scans = harness.Published.Select<MarketScanned>().Select(m => m.Context.Message).ToList();
            Assert.Equal(13, scans.Count);
            Assert.Equal(cycle.Symbols, scans.Select(s => s.Symbol));
            Assert.Equal(cycle.Symbols.Order(StringComparer.Ordinal), scans.Select(s => s.Symbol));
            Assert.All(scans, s =>
            {
                Assert.Equal("simulated", s.Source);
                Assert.Equal(15, s.IntervalMinutes);
                Assert.Equal(Start, s.CandleOpenTime);
                Assert.Equal(clock.GetUtcNow(), s.OccurredAt);
                Assert.NotNull(s.Score); // history warmed the indicators
                Assert.InRange(s.Score!.Value, -100m, 100m);
                Assert.True(s.Low <= s.Open && s.Open <= s.High && s.Low <= s.Close && s.Close <= s.High);
            });
            Assert.DoesNotContain(scans, s => s.BaseAsset == "BTC");

            var published = first.SignalsPublished;
            for (var i = 0; i < 60 && published < 3; i++)
            {
                published += (await cycle.RunOnceAsync(CancellationToken.None)).SignalsPublished;
            }

            var signals = harness.Published.Select<SignalGenerated>().Select(m => m.Context.Message).ToList();
            Assert.Equal(published, signals.Count);
            Assert.True(signals.Count >= 3, $"only {signals.Count} signals in 60 cycles");
            Assert.All(signals, s =>
            {
                Assert.Equal(s.OccurredAt.AddSeconds(120), s.ExpiresAt);
                Assert.Equal("cypher-score@1.1.0", s.StrategyId);
                Assert.Equal(16, s.ParameterHash.Length);
                Assert.Equal(s.SignalId, s.CorrelationId);
                Assert.Equal(SymbolCanonicalizer.BaseAssetOf(s.Symbol), s.BaseAsset);
                Assert.Equal(Exchange.ContractCatalog.Find(s.Symbol)!.Multiplier, s.Contract.Multiplier);
                Assert.Equal(15, s.IntervalMinutes);
                Assert.True(s.Side == Contracts.PositionSide.Long ? s.StopLoss < s.EntryPrice && s.TakeProfit > s.EntryPrice : s.StopLoss > s.EntryPrice && s.TakeProfit < s.EntryPrice);
                var scan = scans.Concat(harness.Published.Select<MarketScanned>().Select(m => m.Context.Message))
                    .First(m => m.Symbol == s.Symbol && m.OccurredAt == s.OccurredAt);
                Assert.Equal(scan.Close, s.EntryPrice);
            });
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Explicit_bitcoin_symbols_are_never_scanned_or_signalled()
    {
        var (host, harness, cycle, _) = await StartAsync(new() { ["Scanner:Symbols"] = "XBTUSDTM,BTC/USDT,SOLUSDTM" });
        try
        {
            Assert.Equal(["SOLUSDTM"], cycle.Symbols);
            for (var i = 0; i < 30; i++)
            {
                await cycle.RunOnceAsync(CancellationToken.None);
            }

            Assert.All(harness.Published.Select<MarketScanned>(), m => Assert.Equal("SOLUSDTM", m.Context.Message.Symbol));
            Assert.All(harness.Published.Select<SignalGenerated>(), m => Assert.Equal("SOLUSDTM", m.Context.Message.Symbol));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Btc_replay_mapped_to_xbt_scans_nothing_and_reports_no_more_data()
    {
        var (host, harness, cycle, _) = await StartAsync(new()
        {
            ["Scanner:Market"] = "replay",
            ["Scanner:Replay"] = $"XBTUSDTM={SharedData.Candles("BTC-PERP-1m-2022-01-ftx.csv")}",
        });
        try
        {
            var result = await cycle.RunOnceAsync(CancellationToken.None);
            Assert.False(result.MoreData);
            Assert.Equal(0, result.SymbolsScanned);
            Assert.Equal(0, result.SignalsPublished);
            Assert.False(harness.Published.Select<MarketScanned>().Any());
            Assert.False(harness.Published.Select<SignalGenerated>().Any());
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Bad_candles_in_a_replay_publish_bad_market_data_events()
    {
        var lines = File.ReadAllLines(SharedData.Candles("ADA-USDT-PERP-1m-2022-12-13-binance.csv")).Take(40).ToArray();
        lines[5] = "2022-12-13T00:04:00Z,0.3067,0.3060,0.3070,0.3068,100"; // high < low
        lines[6] = "2022-12-13T00:05:00Z,NaN,0.3072,0.3067,0.3071,100";
        var path = Path.Combine(Path.GetTempPath(), $"ada-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(path, lines);
        var (host, harness, cycle, clock) = await StartAsync(new() { ["Scanner:Market"] = "replay", ["Scanner:Replay"] = $"ADAUSDTM={path}" });
        try
        {
            ScanCycleResult result;
            var cycles = 0;
            do
            {
                result = await cycle.RunOnceAsync(CancellationToken.None);
                cycles++;
            }
            while (result.MoreData && cycles < 100);

            Assert.False(result.MoreData);
            var bad = harness.Published.Select<BadMarketDataDetected>().Select(m => m.Context.Message).ToList();
            Assert.Equal(2, bad.Count);
            Assert.All(bad, b => Assert.Equal(ErrorCodes.BadMarketData, b.ErrorCode));
            Assert.Contains(bad, b => b.Reason.Contains("high is below low", StringComparison.Ordinal));
            Assert.Contains(bad, b => b.Reason.Contains("NaN", StringComparison.Ordinal));
            Assert.Equal(37, harness.Published.Select<MarketScanned>().Count());
            Assert.Equal(new DateTimeOffset(2022, 12, 13, 0, 39, 0, TimeSpan.Zero), result.DataTime);
            Assert.True(clock.GetUtcNow() >= Start); // the clock never moves backwards to replay time
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Worker_replays_a_whole_file_on_its_own_when_auto_run_is_on_and_then_goes_idle()
    {
        var (host, harness, cycle, clock) = await StartAsync(new()
        {
            ["Scanner:AutoRun"] = "true",
            ["Scanner:Market"] = "replay",
            ["Scanner:Replay"] = $"ADAUSDTM={SharedData.Candles("ADA-USDT-PERP-1m-2022-12-13-binance.csv")}",
        });
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (harness.Published.Select<MarketScanned>().Count() < 1440 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            await Task.Delay(300);
            var scans = harness.Published.Select<MarketScanned>().Select(m => m.Context.Message).ToList();
            Assert.Equal(1440, scans.Count); // every candle once, then idle at the end of the data
            Assert.Equal(scans.Select(s => s.CandleOpenTime).Order(), scans.Select(s => s.CandleOpenTime));
            Assert.Equal(1440, scans[^1].CandleCount);
            Assert.Equal(Start, clock.GetUtcNow()); // replay time (2022) is behind the clock: the clock never goes back
            Assert.Equal(["ADAUSDTM"], cycle.Symbols);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
