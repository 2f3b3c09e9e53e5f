using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;
using CypherScoping.TestKit;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace CypherScoping.Scanner.Tests;

public class ScannerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Simulated_market_gives_enough_signals_for_a_100_order_paper_run()
    {
        // cypher paper --trades 100 takes ~900 cycles of the 13-symbol default universe (strategy 1.1.0 only enters
        // strong trends); Risk and the executor turn most, not all, signals into orders: ask for over 120 per 1,000.
        using var engine = ScannerTestKit.Engine(ScannerTestKit.Sim());
        Assert.Equal(13, engine.Symbols.Count);
        var signals = await ScannerTestKit.CollectSignalsAsync(engine, 1000);
        var perSymbol = signals.GroupBy(s => s.Symbol).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"signals per 1000 cycles: {signals.Count} (long {signals.Count(s => s.Signal.Side == "Long")}, short {signals.Count(s => s.Signal.Side == "Short")})");
        output.WriteLine(string.Join(", ", perSymbol.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(signals.Count >= 120, $"only {signals.Count} signals in 1,000 cycles");
        Assert.Equal(13, perSymbol.Count);
        Assert.Contains(signals, s => s.Signal.Side == "Long");
        Assert.Contains(signals, s => s.Signal.Side == "Short");
    }

    [Fact]
    public async Task Same_seed_gives_the_same_signals_and_another_seed_does_not()
    {
        using var a = ScannerTestKit.Engine(ScannerTestKit.Sim(7));
        using var b = ScannerTestKit.Engine(ScannerTestKit.Sim(7));
        using var c = ScannerTestKit.Engine(ScannerTestKit.Sim(8));
        var first = await ScannerTestKit.CollectSignalsAsync(a, 300);
        var second = await ScannerTestKit.CollectSignalsAsync(b, 300);
        var other = await ScannerTestKit.CollectSignalsAsync(c, 300);
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Replay_is_deterministic()
    {
        var mapping = ScannerTestKit.Map("SOLUSDTM", "SOL-USDT-1h-2024-09_10-binance.csv") + "," + ScannerTestKit.Map("ETHUSDTM", "ETH-USD-1m-2018-04-04_05-coinbase.csv");
        using var a = ScannerTestKit.Engine(ScannerTestKit.Replay(mapping));
        using var b = ScannerTestKit.Engine(ScannerTestKit.Replay(mapping));
        var first = await ScannerTestKit.CollectSignalsAsync(a, 5000);
        var second = await ScannerTestKit.CollectSignalsAsync(b, 5000);
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Sol_replay_signals_put_stops_on_the_losing_side_of_entry()
    {
        using var engine = ScannerTestKit.Engine(ScannerTestKit.Replay(ScannerTestKit.Map("SOLUSDTM", "SOL-USDT-1h-2024-09_10-binance.csv")));
        Assert.Equal(["SOLUSDTM"], engine.Symbols);
        var signals = await ScannerTestKit.CollectSignalsAsync(engine, 2000);
        output.WriteLine($"SOL replay: {signals.Count} signals");
        Assert.NotEmpty(signals);
        Assert.Contains(signals, s => s.Signal.Side == "Long");
        Assert.Contains(signals, s => s.Signal.Side == "Short");
        foreach (var (_, time, s) in signals)
        {
            if (s.Side == "Long")
            {
                Assert.True(s.Stop < s.Entry && s.TakeProfit > s.Entry, $"{time}: long entry {s.Entry} stop {s.Stop} tp {s.TakeProfit}");
            }
            else
            {
                Assert.True(s.Stop > s.Entry && s.TakeProfit < s.Entry, $"{time}: short entry {s.Entry} stop {s.Stop} tp {s.TakeProfit}");
            }

            Assert.Equal(0m, s.Stop % 0.001m); // on SOLUSDTM's tick
        }
    }

    [Fact]
    public async Task Cooldown_and_warm_up_hold_on_real_data()
    {
        var parameters = StrategyParameters.Default;
        using var engine = ScannerTestKit.Engine(ScannerTestKit.Replay(ScannerTestKit.Map("SOLUSDTM", "SOL-USDT-1h-2024-09_10-binance.csv")));
        var signals = await ScannerTestKit.CollectSignalsAsync(engine, 2000);
        var first = Batch.Load("SOL-USDT-1h-2024-09_10-binance.csv")[0].OpenTime;
        Assert.All(signals, s => Assert.True((s.Time - first).TotalHours >= parameters.WarmUpCandles - 1, $"signal during warm-up at {s.Time}"));
        foreach (var (a, b) in signals.Zip(signals.Skip(1)))
        {
            Assert.True((b.Time - a.Time).TotalHours > parameters.CooldownCandles, $"cooldown broken: {a.Time} then {b.Time}");
        }
    }

    [Theory]
    [InlineData("XBTUSDTM,BTC/USDT,ETHUSDTM")]
    [InlineData("xbt-usdt, BTCUSDTM ,eth/usdt")]
    [InlineData("BTC-PERP,XBTUSDM,ETHUSDTM,BTC/USDT:USDT")]
    public async Task Denied_symbols_are_never_scanned_even_when_listed_explicitly(string list)
    {
        var options = ScannerTestKit.Sim(symbols: list);
        var selection = ScannerSetup.SelectSymbols(options, ScannerTestKit.DefaultPolicy(), MarketKind.Simulated, null, null);
        Assert.Equal(["ETHUSDTM"], selection.Symbols);
        Assert.Contains(selection.Warnings, w => w.Contains(ErrorCodes.SymbolDenied, StringComparison.Ordinal));
        using var engine = ScannerTestKit.Engine(options);
        var cycle = await engine.StepAsync(CancellationToken.None);
        Assert.Equal(["ETHUSDTM"], cycle.Results.Select(r => r.Symbol));
    }

    [Fact]
    public void Bitcoin_in_the_universe_is_still_never_in_any_shard()
    {
        var policy = SymbolPolicy.FromLists("XBTUSDTM,ETHUSDTM,BTC/USDT,SOLUSDTM", SymbolOptions.DefaultDenylist);
        for (var count = 1; count <= 4; count++)
        {
            for (var index = 0; index < count; index++)
            {
                var options = new ScannerOptions { ShardCount = count, ShardIndex = index };
                var selection = ScannerSetup.SelectSymbols(options, policy, MarketKind.Simulated, null, null);
                Assert.DoesNotContain(selection.Symbols, s => SymbolCanonicalizer.BaseAssetOf(s) == "BTC");
            }
        }
    }

    [Fact]
    public async Task Btc_replay_mapped_to_xbt_scans_nothing()
    {
        using var engine = ScannerTestKit.Engine(ScannerTestKit.Replay(ScannerTestKit.Map("XBTUSDTM", "BTC-PERP-1m-2022-01-ftx.csv")));
        Assert.Empty(engine.Symbols);
        var cycle = await engine.StepAsync(CancellationToken.None);
        Assert.Empty(cycle.Results);
        Assert.False(cycle.MoreData);
    }

    [Fact]
    public async Task Long_gap_in_real_data_resets_indicators_and_no_signal_spans_it()
    {
        // ETH 2018-04-04/05 (Coinbase) misses 427 minutes in one place and 4 in another.
        var file = "ETH-USD-1m-2018-04-04_05-coinbase.csv";
        var candles = Batch.Load(file);
        var gapEnd = candles.Zip(candles.Skip(1)).First(p => (p.Second.OpenTime - p.First.OpenTime).TotalMinutes > 100).Second.OpenTime;
        var options = ScannerTestKit.Replay(ScannerTestKit.Map("ETHUSDTM", file));
        options.MaxGapCandles = 5;
        using var engine = ScannerTestKit.Engine(options);
        var warm = StrategyParameters.Default.WarmUpCandles;
        var signals = new List<DateTimeOffset>();
        var afterGap = 0;
        while (true)
        {
            var cycle = await engine.StepAsync(CancellationToken.None);
            var r = Assert.Single(cycle.Results);
            if (r.Candle is { } c && c.OpenTime >= gapEnd && afterGap++ < warm - 1)
            {
                Assert.False(r.Evaluation.Ready, $"indicators ready {afterGap} candles after the gap");
                Assert.Null(r.Signal);
                Assert.Equal(afterGap, r.CandleCount);
            }

            if (r.Signal is not null)
            {
                signals.Add(r.Candle!.OpenTime);
            }

            if (!cycle.MoreData)
            {
                break;
            }
        }

        var tracker = engine.Tracker("ETHUSDTM")!;
        Assert.Equal(1, tracker.Resets);
        Assert.Equal(1, tracker.GapsBridged);
        Assert.DoesNotContain(signals, t => t >= gapEnd && t < gapEnd.AddMinutes(warm - 1));
    }

    [Fact]
    public void Short_gap_is_bridged_and_long_gap_resets_on_ltc()
    {
        // LTC 2018-04-04/06 misses 1, 1, 2 and 429 minutes.
        var candles = Batch.Load("LTC-USD-1m-2018-04-04_06-coinbase.csv");
        var tracker = new SymbolTracker("LTCUSDTM", StrategyParameters.Default, TimeSpan.FromMinutes(1), 2);
        var outcomes = candles.Select(tracker.Process).ToList();
        Assert.All(outcomes, o => Assert.Equal(CandleStatus.Accepted, o.Status));
        Assert.Equal(3, tracker.GapsBridged);
        Assert.Equal(1, tracker.Resets);
        Assert.Single(outcomes, o => o.IndicatorsReset);
        Assert.Equal(429, outcomes.Single(o => o.IndicatorsReset).MissingCandles);

        var strict = new SymbolTracker("LTCUSDTM", StrategyParameters.Default, TimeSpan.FromMinutes(1), 0);
        foreach (var c in candles)
        {
            strict.Process(c);
        }

        Assert.Equal(4, strict.Resets);
        Assert.Equal(0, strict.GapsBridged);
    }

    [Fact]
    public async Task Bad_candles_in_a_real_file_are_reported_and_skipped()
    {
        var lines = File.ReadAllLines(SharedData.Candles("SOL-USDT-1h-2024-09_10-binance.csv"));
        var corrupt = (string[])lines.Clone();
        string Swap(string line, int field, string value)
        {
            var parts = line.Split(',');
            parts[field] = value;
            return string.Join(',', parts);
        }

        corrupt[101] = Swap(corrupt[101], 2, "1.0");          // high below low
        corrupt[202] = Swap(corrupt[202], 3, "-5");           // non-positive price
        corrupt[303] = Swap(corrupt[303], 4, "NaN");          // not a number
        corrupt[404] = Swap(corrupt[404], 0, corrupt[10].Split(',')[0]); // out of order
        corrupt[505] = Swap(corrupt[505], 5, "oops");         // unreadable volume
        var dir = Directory.CreateTempSubdirectory("scanner-bad-");
        var path = Path.Combine(dir.FullName, "sol-corrupt.csv");
        await File.WriteAllLinesAsync(path, corrupt);
        var cleanPath = Path.Combine(dir.FullName, "sol-clean.csv");
        await File.WriteAllLinesAsync(cleanPath, lines.Where((_, i) => i is not (101 or 202 or 303 or 404 or 505)));
        try
        {
            using var engine = ScannerTestKit.Engine(ScannerTestKit.Replay($"SOLUSDTM={path}"));
            using var clean = ScannerTestKit.Engine(ScannerTestKit.Replay($"SOLUSDTM={cleanPath}"));
            var problems = new List<MarketProblem>();
            var scores = new List<double>();
            while (true)
            {
                var cycle = await engine.StepAsync(CancellationToken.None);
                var r = cycle.Results.Single();
                problems.AddRange(r.Problems);
                if (r.Candle is not null)
                {
                    scores.Add(r.Evaluation.Score);
                }

                if (!cycle.MoreData)
                {
                    break;
                }
            }

            Assert.Equal(5, problems.Count);
            Assert.Contains(problems, p => p.Reason.Contains("high is below low", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Reason.Contains("non-positive", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Reason.Contains("NaN", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Reason.Contains("out of order", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Reason.Contains("volume", StringComparison.Ordinal));

            // Skipped means skipped: the indicators saw exactly the clean candles.
            var cleanScores = new List<double>();
            while (true)
            {
                var cycle = await clean.StepAsync(CancellationToken.None);
                var r = cycle.Results.Single();
                if (r.Candle is not null)
                {
                    cleanScores.Add(r.Evaluation.Score);
                }

                if (!cycle.MoreData)
                {
                    break;
                }
            }

            Assert.Equal(cleanScores, scores);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Candle_validator_names_each_problem()
    {
        var t = ScannerTestKit.Start;
        Assert.Null(CandleValidator.Check(new Exchange.Candle(t, 10, 11, 9, 10.5m, 1), null));
        Assert.Equal("high is below low", CandleValidator.Check(new Exchange.Candle(t, 10, 9, 11, 10, 1), null));
        Assert.Equal("non-positive price", CandleValidator.Check(new Exchange.Candle(t, 0, 11, 9, 10, 1), null));
        Assert.Equal("negative volume", CandleValidator.Check(new Exchange.Candle(t, 10, 11, 9, 10, -1), null));
        Assert.Equal("open or close outside the high-low range", CandleValidator.Check(new Exchange.Candle(t, 12, 11, 9, 10, 1), null));
        Assert.Equal("duplicate candle time", CandleValidator.Check(new Exchange.Candle(t, 10, 11, 9, 10, 1), t));
        Assert.Contains("out of order", CandleValidator.Check(new Exchange.Candle(t, 10, 11, 9, 10, 1), t.AddMinutes(1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_failing_and_one_stalled_symbol_never_stop_the_others_and_fetches_stay_bounded()
    {
        var options = ScannerTestKit.Sim();
        options.FetchTimeoutSeconds = 1;
        var policy = ScannerTestKit.DefaultPolicy();
        var selection = ScannerSetup.SelectSymbols(options, policy, MarketKind.Simulated, null, null);
        var inner = ScannerSetup.CreateSource(MarketKind.Simulated, options, new VirtualClock(ScannerTestKit.Start), () => null);
        var source = new FaultySource(inner, "ADAUSDTM", "DOGEUSDTM");
        using var engine = new ScanEngine(source, selection.Symbols, StrategyParameters.Default, TimeProvider.System, 3, 5, null, TimeSpan.FromSeconds(1));
        var cycle = await engine.StepAsync(CancellationToken.None);
        Assert.Equal(13, cycle.Results.Count);
        var failed = cycle.Results.Single(r => r.Symbol == "ADAUSDTM").Failure!;
        Assert.Equal(ErrorCodes.ExchangeUnavailable, failed.ErrorCode);
        Assert.Equal(503, failed.HttpStatus);
        Assert.Equal(ErrorCodes.ExchangeTimeout, cycle.Results.Single(r => r.Symbol == "DOGEUSDTM").Failure!.ErrorCode);
        Assert.All(cycle.Results.Where(r => r.Symbol is not ("ADAUSDTM" or "DOGEUSDTM")), r =>
        {
            Assert.Null(r.Failure);
            Assert.NotNull(r.Candle);
        });
        Assert.InRange(source.PeakInFlight, 1, 3);
        Assert.InRange(engine.PeakInFlight, 1, 3);
    }

    [Fact]
    public void Strategy_file_overrides_the_default_and_changes_the_hash()
    {
        var json = StrategyParameters.ReadEmbedded().Replace("\"entryThreshold\": 80", "\"entryThreshold\": 65", StringComparison.Ordinal)
            .Replace("\"version\": \"1.1.0\"", "\"version\": \"9.9.9\"", StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"strategy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var custom = StrategyParameters.Load(path);
            Assert.Equal(65, custom.EntryThreshold);
            Assert.Equal("cypher-score@9.9.9", custom.Label);
            Assert.NotEqual(StrategyParameters.Default.ComputeHash(), custom.ComputeHash());
            Assert.Equal(StrategyParameters.Default.ComputeHash(), StrategyParameters.Parse(StrategyParameters.Default.ToJson(), "round trip").ComputeHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{\"schemaVersion\": 2}", "schemaVersion")]
    [InlineData("{\"entryThreshold\": 0}", "entryThreshold")]
    [InlineData("{\"indicators\": {\"emaFast\": 30, \"emaSlow\": 20}}", "fast periods")]
    [InlineData("{\"stopAtrMultiple\": -1}", "stopAtrMultiple")]
    [InlineData("{\"unknownKnob\": 1}", "unknownKnob")]
    [InlineData("not json", "strategy file")]
    public void Bad_strategy_file_is_refused_with_the_reason(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => StrategyParameters.Parse(json, "test.json"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_validation_lists_every_problem()
    {
        var options = new ScannerOptions { Market = "moon", IntervalMinutes = 7, ShardCount = 2, ShardIndex = 2, SignalTtlSeconds = 0 };
        var problems = options.Validate(new TradingOptions());
        Assert.Contains(problems, p => p.Contains("Scanner:Market=moon", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("IntervalMinutes=7", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SCANNER_SHARD_INDEX=2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SignalTtlSeconds=0", StringComparison.Ordinal));

        var badStrategy = Path.Combine(Path.GetTempPath(), $"strategy-{Guid.NewGuid():N}.json");
        File.WriteAllText(badStrategy, "{\"entryThreshold\": 500}");
        try
        {
            Assert.Contains(new ScannerOptions { StrategyFile = badStrategy }.Validate(new TradingOptions()), p => p.Contains("entryThreshold", StringComparison.Ordinal));
            Assert.Contains(new ScannerOptions { StrategyFile = "/nope/strategy.json" }.Validate(new TradingOptions()), p => p.Contains("does not exist", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(badStrategy);
        }

        var replay = new ScannerOptions { Market = "replay", Replay = "SOLUSDTM=/nope/missing.csv" };
        Assert.Contains(replay.Validate(new TradingOptions()), p => p.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Market_defaults_to_simulation_in_paper_and_kucoin_live()
    {
        Assert.Equal(MarketKind.Simulated, new ScannerOptions().ResolveMarket(new TradingOptions()));
        Assert.Equal(MarketKind.KuCoin, new ScannerOptions().ResolveMarket(new TradingOptions { Mode = TradingMode.Live }));
        Assert.Equal(MarketKind.KuCoin, new ScannerOptions().ResolveMarket(new TradingOptions { Simulation = false }));
        Assert.Equal(MarketKind.Replay, new ScannerOptions { Market = "replay" }.ResolveMarket(new TradingOptions()));
    }
}

public class ScanReportsTests
{
    [Fact]
    public async Task Analyze_report_gives_indicators_breakdown_and_a_stop_on_the_right_side()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(ScanReports.Overrides(new ScanRequest { Market = "replay:" + ScannerTestKit.Map("SOLUSDTM", "SOL-USDT-1h-2024-09_10-binance.csv"), Symbols = ["sol/usdt"] }))
            .Build();
        var report = await ScanReports.RunAsync(configuration, new ScanRequest(), () => null, CancellationToken.None);
        var s = Assert.Single(report.Symbols);
        Assert.Equal("SOLUSDTM", s.Symbol);
        Assert.Equal(1000, s.Candles);
        Assert.True(s.Ready);
        Assert.Equal(14, s.Indicators.Count);
        Assert.All(s.Indicators.Values, v => Assert.NotNull(v));
        Assert.Equal((double)s.Score!.Value, s.Breakdown.Values.Sum(), 1);
        Assert.True(s.SignalsDuringRun > 0);
        if (s.WouldSignal is { } w)
        {
            Assert.True(w.Side == Contracts.PositionSide.Long ? w.StopLoss < w.EntryPrice : w.StopLoss > w.EntryPrice);
        }
    }

    [Fact]
    public async Task Analyze_refuses_a_denied_symbol()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(ScanReports.Overrides(new ScanRequest { Market = "sim", Symbols = ["XBTUSDTM"] }))
            .Build();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ScanReports.RunAsync(configuration, new ScanRequest(), () => null, CancellationToken.None));
        Assert.Contains("E_SYMBOL_DENIED", ex.Message, StringComparison.Ordinal);
    }
}
