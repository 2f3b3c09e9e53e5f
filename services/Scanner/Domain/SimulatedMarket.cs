using CypherScoping.Domain;
using CypherScoping.Exchange;

namespace CypherScoping.Scanner.Domain;

/// <summary>Small, fast, seedable PRNG (xoshiro256**, seeded through SplitMix64): identical streams on every platform.</summary>
public sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spare = double.NaN;

    public SeededRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Marsaglia polar method).</summary>
    public double NextGaussian()
    {
        if (!double.IsNaN(_spare))
        {
            var spare = _spare;
            _spare = double.NaN;
            return spare;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * factor;
        return u * factor;
    }

    /// <summary>Stable 64-bit FNV-1a of a string (string.GetHashCode is randomised per process).</summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

/// <summary>
/// Realistic OHLCV for one symbol: a regime-switching random walk (range / up-trend / down-trend, Markov switching)
/// with GARCH(1,1) volatility clustering, weak mean reversion to the symbol's price level, volume rising with the
/// size of the move, prices on the contract's tick. Seeded and deterministic per (seed, symbol).
/// </summary>
public sealed class SimulatedPriceModel
{
    private const double Alpha = 0.08;
    private const double Beta = 0.90;

    private static readonly Dictionary<string, (double Price, double Volume)> Levels = new(StringComparer.Ordinal)
    {
        ["XBTUSDTM"] = (60_000, 400), ["ETHUSDTM"] = (3_000, 5_000), ["SOLUSDTM"] = (150, 60_000), ["XRPUSDTM"] = (0.6, 8_000_000),
        ["ADAUSDTM"] = (0.45, 9_000_000), ["DOGEUSDTM"] = (0.12, 40_000_000), ["MATICUSDTM"] = (0.7, 5_000_000),
        ["LINKUSDTM"] = (15, 300_000), ["AVAXUSDTM"] = (30, 150_000), ["DOTUSDTM"] = (6, 600_000), ["UNIUSDTM"] = (8, 400_000),
        ["ATOMUSDTM"] = (8, 400_000), ["LTCUSDTM"] = (80, 60_000), ["BCHUSDTM"] = (350, 15_000), ["ETCUSDTM"] = (22, 200_000),
    };

    private readonly SeededRandom _random;
    private readonly double _anchor;
    private readonly double _baseVolume;
    private readonly double _baseVariance;
    private readonly decimal _tick;
    private double _price;
    private double _variance;
    private double _lastShock;
    private int _regime;

    public SimulatedPriceModel(ulong seed, string symbol, decimal tickSize, TimeSpan interval, double annualVolatility = 0.8)
    {
        _random = new SeededRandom(seed ^ SeededRandom.StableHash(symbol));
        var (price, volume) = Levels.TryGetValue(symbol, out var level)
            ? level
            : (5 + (SeededRandom.StableHash(symbol) % 200), 100_000);
        _anchor = price * Math.Exp(0.1 * _random.NextGaussian());
        _price = _anchor;
        _baseVolume = volume * Math.Sqrt(interval.TotalMinutes);
        var perInterval = annualVolatility * Math.Sqrt(interval.TotalMinutes / (365.0 * 24 * 60));
        _baseVariance = perInterval * perInterval;
        _variance = _baseVariance;
        _tick = tickSize > 0 ? tickSize : 0.0001m;
        _regime = (int)(_random.NextDouble() * 3);
    }

    /// <summary>0 range, 1 up-trend, 2 down-trend.</summary>
    public int Regime => _regime;

    public Candle Next(DateTimeOffset openTime)
    {
        if (_random.NextDouble() > 0.985)
        {
            _regime = (_regime + 1 + (int)(_random.NextDouble() * 2)) % 3;
        }

        // GARCH(1,1) on the innovation alone: the regime's scale and drift stay out of the recursion, so the variance
        // reverts to the configured level (feeding the scaled return back in made trend regimes explosive).
        _variance = (_baseVariance * (1 - Alpha - Beta)) + (Alpha * _lastShock * _lastShock) + (Beta * _variance);
        var shock = Math.Sqrt(_variance) * _random.NextGaussian();
        _lastShock = shock;
        var scale = _regime == 0 ? 0.85 : 1.15;
        var sigma = Math.Sqrt(_variance) * scale;
        var drift = _regime switch { 1 => 0.15 * sigma, 2 => -0.15 * sigma, _ => 0.0 };
        drift -= 0.002 * Math.Log(_price / _anchor);
        var r = drift + (scale * shock);

        var open = _price;
        var close = open * Math.Exp(r);
        var high = Math.Max(open, close) * Math.Exp(Math.Abs(_random.NextGaussian()) * sigma * 0.4);
        var low = Math.Min(open, close) * Math.Exp(-Math.Abs(_random.NextGaussian()) * sigma * 0.4);
        var volume = _baseVolume * Math.Exp(0.35 * _random.NextGaussian()) * (1 + (1.5 * Math.Abs(r) / Math.Sqrt(_baseVariance)));
        _price = close;

        var o = OnTick(open);
        var c = OnTick(close);
        var h = Math.Max(Math.Max(o, c), Money.RoundToTick((decimal)high, _tick, MidpointRounding.ToPositiveInfinity));
        var l = Math.Min(Math.Min(o, c), Money.RoundToTick((decimal)low, _tick, MidpointRounding.ToNegativeInfinity));
        if (l <= 0)
        {
            l = _tick;
        }

        return new Candle(openTime, o, h, l, c, Math.Round((decimal)volume, 3));
    }

    private decimal OnTick(double price)
    {
        var p = Money.RoundToTick((decimal)price, _tick);
        return p <= 0 ? _tick : p;
    }
}
