using CypherScoping.Scanner.Domain;

namespace CypherScoping.Scanner.Tests;

public class IndicatorTests
{
    public static TheoryData<string> Files => new()
    {
        "SOL-USDT-1h-2024-09_10-binance.csv",
        "ETH-USD-1m-2018-04-04_05-coinbase.csv",
        "ADA-USDT-PERP-1m-2022-12-13-binance.csv",
        "BTC-PERP-1m-2022-01-ftx.csv",
    };

    private static (double[] O, double[] H, double[] L, double[] C, double[] V) Columns(string file, int max = 12_000)
    {
        var candles = Batch.Load(file).Take(max).ToArray();
        return (
            candles.Select(c => (double)c.Open).ToArray(),
            candles.Select(c => (double)c.High).ToArray(),
            candles.Select(c => (double)c.Low).ToArray(),
            candles.Select(c => (double)c.Close).ToArray(),
            candles.Select(c => (double)c.Volume).ToArray());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Sma_and_ema_match_batch_computation(string file)
    {
        var (_, _, _, c, _) = Columns(file);
        var sma = new Sma(20);
        var ema = new Ema(21);
        var expectedSma = Batch.Sma(c, 20);
        var expectedEma = Batch.Ema(c, 21);
        for (var i = 0; i < c.Length; i++)
        {
            sma.Update(c[i]);
            ema.Update(c[i]);
            Batch.AssertClose(expectedSma[i], sma.Value, "SMA20", i);
            Batch.AssertClose(expectedEma[i], ema.Value, "EMA21", i);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Rsi_matches_batch_computation(string file)
    {
        var (_, _, _, c, _) = Columns(file);
        var rsi = new Rsi(14);
        var expected = Batch.Rsi(c, 14);
        for (var i = 0; i < c.Length; i++)
        {
            rsi.Update(c[i]);
            Batch.AssertClose(expected[i], rsi.Value, "RSI14", i);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Macd_matches_batch_computation(string file)
    {
        var (_, _, _, c, _) = Columns(file);
        var macd = new Macd(12, 26, 9);
        var fast = Batch.Ema(c, 12);
        var slow = Batch.Ema(c, 26);
        var line = c.Select((_, i) => fast[i] - slow[i]).ToArray();
        var signal = Batch.Ema(line, 9, start: 25);
        for (var i = 0; i < c.Length; i++)
        {
            macd.Update(c[i]);
            if (i >= 25)
            {
                Batch.AssertClose(line[i], macd.Line, "MACD line", i);
            }

            Batch.AssertClose(signal[i], macd.Signal, "MACD signal", i);
            Batch.AssertClose(double.IsNaN(signal[i]) ? double.NaN : line[i] - signal[i], macd.Histogram, "MACD histogram", i);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bollinger_matches_batch_computation(string file)
    {
        var (_, _, _, c, _) = Columns(file);
        var bands = new Bollinger(20, 2);
        var mid = Batch.Sma(c, 20);
        var sd = Batch.StdDev(c, 20);
        for (var i = 0; i < c.Length; i++)
        {
            bands.Update(c[i]);
            Batch.AssertClose(mid[i], bands.Middle, "BB middle", i);
            Batch.AssertClose(mid[i] + (2 * sd[i]), bands.Upper, "BB upper", i);
            Batch.AssertClose(mid[i] - (2 * sd[i]), bands.Lower, "BB lower", i);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Atr_and_adx_match_batch_computation(string file)
    {
        var (_, h, l, c, _) = Columns(file);
        var atr = new Atr(14);
        var adx = new Adx(14);
        var expectedAtr = Batch.Atr(h, l, c, 14);
        var (expectedAdx, plus, minus) = Batch.Adx(h, l, c, 14);
        for (var i = 0; i < c.Length; i++)
        {
            atr.Update(h[i], l[i], c[i]);
            adx.Update(h[i], l[i], c[i]);
            Batch.AssertClose(expectedAtr[i], atr.Value, "ATR14", i);
            Batch.AssertClose(expectedAdx[i], adx.Value, "ADX14", i);
            Batch.AssertClose(plus[i], adx.PlusDi, "+DI14", i);
            Batch.AssertClose(minus[i], adx.MinusDi, "-DI14", i);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Volume_zscore_matches_batch_computation(string file)
    {
        var (_, _, _, _, v) = Columns(file);
        var z = new VolumeZScore(20);
        var mean = Batch.Sma(v, 20);
        var sd = Batch.StdDev(v, 20);
        for (var i = 0; i < v.Length; i++)
        {
            z.Update(v[i]);
            var expected = double.IsNaN(mean[i]) ? double.NaN : sd[i] == 0 ? 0 : (v[i] - mean[i]) / sd[i];
            Batch.AssertClose(expected, z.Value, "volume z", i);
        }
    }

    [Fact]
    public void Rolling_window_does_not_drift_over_the_whole_btc_month()
    {
        // 45,031 BTC candles at ~46,000: the rolling update must still equal a fresh two-pass mean/std at the end.
        var candles = Batch.Load("BTC-PERP-1m-2022-01-ftx.csv");
        var closes = candles.Select(x => (double)x.Close).ToArray();
        var bands = new Bollinger(20, 2);
        foreach (var x in closes)
        {
            bands.Update(x);
        }

        var tail = closes[^20..];
        var mean = tail.Average();
        var sd = Math.Sqrt(tail.Sum(x => (x - mean) * (x - mean)) / 20);
        Batch.AssertClose(mean, bands.Middle, "BB middle", closes.Length - 1);
        Batch.AssertClose(mean + (2 * sd), bands.Upper, "BB upper", closes.Length - 1);
    }

    /// <summary>
    /// StockCharts ChartSchool, "Relative Strength Index (RSI)" worked example (cs-rsi.xls): 14-period Wilder RSI;
    /// the first value, at the 15th close, is 70.53, then 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38 …
    /// </summary>
    [Fact]
    public void Rsi_matches_the_stockcharts_worked_example()
    {
        double[] closes =
        [
            44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.6140, 46.2820,
            46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783,
            44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
        ];
        double[] published = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.30, 33.08, 37.77];
        var rsi = new Rsi(14);
        var values = closes.Select(rsi.Update).ToArray();
        Assert.True(values.Take(14).All(double.IsNaN), "RSI must not exist before 14 changes");
        for (var i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], Math.Round(values[14 + i], 2));
        }
    }

    /// <summary>
    /// StockCharts ChartSchool, "Moving Averages – Simple and Exponential" worked example: 10-day EMA seeded with the 10-day
    /// SMA of 22.27 … 22.43 (22.22), multiplier 2/11; the next EMA values are 22.21, 22.24, 22.27, 22.33, 22.52.
    /// </summary>
    [Fact]
    public void Ema_matches_the_stockcharts_worked_example()
    {
        double[] closes = [22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36];
        double[] published = [22.22, 22.21, 22.24, 22.27, 22.33, 22.52];
        var ema = new Ema(10);
        var values = closes.Select(ema.Update).ToArray();
        for (var i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], Math.Round(values[9 + i], 2));
        }
    }

    [Fact]
    public void Ema_of_a_straight_line_lags_by_half_the_window()
    {
        // Analytic check: for x_t = t the SMA-seeded EMA(n) is exactly t − (n−1)/2 from the first value on.
        var ema = new Ema(9);
        for (var t = 1; t <= 200; t++)
        {
            ema.Update(t);
            if (t >= 9)
            {
                Assert.Equal(t - 4.0, ema.Value, 9);
            }
        }
    }

    [Fact]
    public void Strategy_update_allocates_nothing()
    {
        var candles = Batch.Load("SOL-USDT-1h-2024-09_10-binance.csv");
        var strategy = new CypherScoreStrategy(StrategyParameters.Default);
        foreach (var c in candles.Take(200))
        {
            strategy.Update((double)c.Open, (double)c.High, (double)c.Low, (double)c.Close, (double)c.Volume);
        }

        var bars = candles.Skip(200).Select(c => ((double)c.Open, (double)c.High, (double)c.Low, (double)c.Close, (double)c.Volume)).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var (o, h, l, c, v) in bars)
        {
            strategy.Update(o, h, l, c, v);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
