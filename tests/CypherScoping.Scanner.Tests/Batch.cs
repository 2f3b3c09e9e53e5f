using CypherScoping.Exchange;
using CypherScoping.Scanner.Market;
using CypherScoping.TestKit;

namespace CypherScoping.Scanner.Tests;

/// <summary>Straightforward whole-array indicator formulas (textbook definitions, recomputed per index) to check the incremental ones.</summary>
internal static class Batch
{
    public static Candle[] Load(string file) =>
        ReplayMarketDataSource.ReadCsv(SharedData.Candles(file)).Select(r => r.Candle!).ToArray();

    public static double[] Sma(double[] x, int n)
    {
        var result = Nan(x.Length);
        for (var i = n - 1; i < x.Length; i++)
        {
            var sum = 0.0;
            for (var j = i - n + 1; j <= i; j++)
            {
                sum += x[j];
            }

            result[i] = sum / n;
        }

        return result;
    }

    public static double[] StdDev(double[] x, int n)
    {
        var mean = Sma(x, n);
        var result = Nan(x.Length);
        for (var i = n - 1; i < x.Length; i++)
        {
            var ss = 0.0;
            for (var j = i - n + 1; j <= i; j++)
            {
                ss += (x[j] - mean[i]) * (x[j] - mean[i]);
            }

            result[i] = Math.Sqrt(ss / n);
        }

        return result;
    }

    /// <summary>EMA over the values from index <paramref name="start"/> on, seeded with their first n-value mean.</summary>
    public static double[] Ema(double[] x, int n, int start = 0)
    {
        var result = Nan(x.Length);
        if (x.Length - start < n)
        {
            return result;
        }

        var alpha = 2.0 / (n + 1);
        var seed = 0.0;
        for (var j = start; j < start + n; j++)
        {
            seed += x[j];
        }

        result[start + n - 1] = seed / n;
        for (var i = start + n; i < x.Length; i++)
        {
            result[i] = (alpha * x[i]) + ((1 - alpha) * result[i - 1]);
        }

        return result;
    }

    /// <summary>Wilder: simple mean of the first n values of <paramref name="x"/> from <paramref name="start"/>, then (prev·(n−1)+x)/n.</summary>
    public static double[] Wilder(double[] x, int n, int start)
    {
        var result = Nan(x.Length);
        if (x.Length - start < n)
        {
            return result;
        }

        var sum = 0.0;
        for (var j = start; j < start + n; j++)
        {
            sum += x[j];
        }

        result[start + n - 1] = sum / n;
        for (var i = start + n; i < x.Length; i++)
        {
            result[i] = ((result[i - 1] * (n - 1)) + x[i]) / n;
        }

        return result;
    }

    public static double[] Rsi(double[] close, int n)
    {
        var gains = new double[close.Length];
        var losses = new double[close.Length];
        for (var i = 1; i < close.Length; i++)
        {
            gains[i] = Math.Max(0, close[i] - close[i - 1]);
            losses[i] = Math.Max(0, close[i - 1] - close[i]);
        }

        var g = Wilder(gains, n, 1);
        var l = Wilder(losses, n, 1);
        var result = Nan(close.Length);
        for (var i = n; i < close.Length; i++)
        {
            result[i] = l[i] == 0 ? (g[i] == 0 ? 50 : 100) : 100 - (100 / (1 + (g[i] / l[i])));
        }

        return result;
    }

    public static double[] TrueRange(double[] h, double[] l, double[] c)
    {
        var tr = new double[h.Length];
        for (var i = 0; i < h.Length; i++)
        {
            tr[i] = i == 0 ? h[i] - l[i] : new[] { h[i] - l[i], Math.Abs(h[i] - c[i - 1]), Math.Abs(l[i] - c[i - 1]) }.Max();
        }

        return tr;
    }

    public static double[] Atr(double[] h, double[] l, double[] c, int n) => Wilder(TrueRange(h, l, c), n, 0);

    public static (double[] Adx, double[] PlusDi, double[] MinusDi) Adx(double[] h, double[] l, double[] c, int n)
    {
        var len = h.Length;
        var tr = TrueRange(h, l, c);
        var pdm = new double[len];
        var mdm = new double[len];
        for (var i = 1; i < len; i++)
        {
            var up = h[i] - h[i - 1];
            var down = l[i - 1] - l[i];
            pdm[i] = up > down && up > 0 ? up : 0;
            mdm[i] = down > up && down > 0 ? down : 0;
        }

        // Wilder's running sums: first = sum of moves 1..n, then S − S/n + x.
        double[] Smooth(double[] x)
        {
            var s = Nan(len);
            if (len <= n)
            {
                return s;
            }

            s[n] = x.Skip(1).Take(n).Sum();
            for (var i = n + 1; i < len; i++)
            {
                s[i] = s[i - 1] - (s[i - 1] / n) + x[i];
            }

            return s;
        }

        var str = Smooth(tr);
        var sp = Smooth(pdm);
        var sm = Smooth(mdm);
        var pdi = Nan(len);
        var mdi = Nan(len);
        var dx = Nan(len);
        for (var i = n; i < len; i++)
        {
            pdi[i] = str[i] == 0 ? 0 : 100 * sp[i] / str[i];
            mdi[i] = str[i] == 0 ? 0 : 100 * sm[i] / str[i];
            dx[i] = pdi[i] + mdi[i] == 0 ? 0 : 100 * Math.Abs(pdi[i] - mdi[i]) / (pdi[i] + mdi[i]);
        }

        return (Wilder(dx, n, n), pdi, mdi);
    }

    public static double[] Nan(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }

    public static void AssertClose(double expected, double actual, string what, int index)
    {
        if (double.IsNaN(expected))
        {
            Xunit.Assert.True(double.IsNaN(actual), $"{what}[{index}]: expected not ready (NaN), got {actual}");
            return;
        }

        var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected));
        Xunit.Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}[{index}]: expected {expected:R}, got {actual:R}");
    }
}
