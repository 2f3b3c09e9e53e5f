using BenchmarkDotNet.Attributes;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;

namespace CypherScoping.Benchmarks;

/// <summary>
/// Scanner throughput on one core: the BTC-PERP month (45,031 one-minute candles) looped to 10 million candles through
/// every indicator plus the CypherScore decision, the full per-symbol pipeline (validation, gap check, decimal → double),
/// and the memory one tracked symbol costs.
/// Run: dotnet run -c Release --project bench/CypherScoping.Benchmarks -- --filter *ScannerBenchmarks* --job short
/// </summary>
[MemoryDiagnoser]
public class ScannerBenchmarks
{
    public const int LoopedCandles = 10_000_000;

    private double[] _o = [];
    private double[] _h = [];
    private double[] _l = [];
    private double[] _c = [];
    private double[] _v = [];
    private decimal[] _close = [];
    private Candle[] _candles = [];

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(FindSharedData(), "candles", "BTC-PERP-1m-2022-01-ftx.csv");
        _candles = ReplayMarketDataSource.ReadCsv(path).Select(r => r.Candle!).ToArray();
        _o = _candles.Select(x => (double)x.Open).ToArray();
        _h = _candles.Select(x => (double)x.High).ToArray();
        _l = _candles.Select(x => (double)x.Low).ToArray();
        _c = _candles.Select(x => (double)x.Close).ToArray();
        _v = _candles.Select(x => (double)x.Volume).ToArray();
        _close = _candles.Select(x => x.Close).ToArray();
    }

    /// <summary>All indicators + score + signal decision, 10 M candles (the BTC month looped).</summary>
    [Benchmark(OperationsPerInvoke = LoopedCandles)]
    public int IndicatorsAndStrategy10MCandles()
    {
        var strategy = new CypherScoreStrategy(StrategyParameters.Default);
        var signals = 0;
        var n = _c.Length;
        for (var i = 0; i < LoopedCandles; i++)
        {
            var k = i % n;
            var e = strategy.Update(_o[k], _h[k], _l[k], _c[k], _v[k]);
            if (e.Ready && strategy.Decide(_close[k], 0.1m) is not null)
            {
                signals++;
            }
        }

        return signals;
    }

    /// <summary>Full per-symbol pipeline on Candle records (validation, gap handling, decimal conversion, indicators, score).</summary>
    [Benchmark(OperationsPerInvoke = 45_031)]
    public long TrackerPipelineBtcMonth()
    {
        var tracker = new SymbolTracker("ETHUSDTM", StrategyParameters.Default, TimeSpan.FromMinutes(1), 5);
        foreach (var candle in _candles)
        {
            tracker.Process(candle);
        }

        return tracker.AcceptedCandles;
    }

    /// <summary>Memory of one tracked symbol (allocated bytes of a fresh tracker = its whole state).</summary>
    [Benchmark]
    public SymbolTracker MemoryPerTrackedSymbol() => new("ETHUSDTM", StrategyParameters.Default, TimeSpan.FromMinutes(15), 5);

    private static string FindSharedData()
    {
        var fromEnv = Environment.GetEnvironmentVariable("CYPHER_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "candles")))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("../shared/data not found (set CYPHER_SHARED_DATA)");
    }
}
