namespace CypherScoping.Scanner.Domain;

// Incremental indicators: O(1) per update, no allocation after construction. Math in double (prices in
// messages stay decimal). Each indicator is "ready" once it has seen enough values; before that its value is NaN.

/// <summary>
/// Mean and population variance of the last N values (ring buffer, rolling Welford update). The sums are
/// recomputed exactly from the buffer every 16·N updates so rounding never drifts (amortised O(1)).
/// </summary>
public sealed class RollingWindow
{
    private readonly double[] _buffer;
    private int _count;
    private int _next;
    private int _sinceResync;
    private double _mean;
    private double _m2;

    public RollingWindow(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        Period = period;
        _buffer = new double[period];
    }

    public int Period { get; }

    public bool IsReady => _count == Period;

    public int Count => _count;

    public double Mean => _count == 0 ? double.NaN : _mean;

    /// <summary>Population variance (divides by N).</summary>
    public double Variance => _count == 0 ? double.NaN : Math.Max(0, _m2 / _count);

    public double StdDev => Math.Sqrt(Variance);

    public void Add(double value)
    {
        if (_count < Period)
        {
            _buffer[_next] = value;
            if (++_next == Period)
            {
                _next = 0;
            }

            _count++;
            var delta = value - _mean;
            _mean += delta / _count;
            _m2 += delta * (value - _mean);
            return;
        }

        var old = _buffer[_next];
        _buffer[_next] = value;
        if (++_next == Period)
        {
            _next = 0;
        }

        var oldMean = _mean;
        _mean += (value - old) / Period;
        _m2 += (value - old) * (value - _mean + old - oldMean);
        if (++_sinceResync >= 16 * Period)
        {
            Resync();
        }
    }

    public void Reset()
    {
        Array.Clear(_buffer);
        _count = 0;
        _next = 0;
        _sinceResync = 0;
        _mean = 0;
        _m2 = 0;
    }

    private void Resync()
    {
        _sinceResync = 0;
        var sum = 0.0;
        for (var i = 0; i < _count; i++)
        {
            sum += _buffer[i];
        }

        var mean = sum / _count;
        var m2 = 0.0;
        for (var i = 0; i < _count; i++)
        {
            var d = _buffer[i] - mean;
            m2 += d * d;
        }

        _mean = mean;
        _m2 = m2;
    }
}

/// <summary>Simple moving average.</summary>
public sealed class Sma(int period)
{
    private readonly RollingWindow _window = new(period);

    public int Period => _window.Period;

    public bool IsReady => _window.IsReady;

    public double Value => _window.IsReady ? _window.Mean : double.NaN;

    public double Update(double value)
    {
        _window.Add(value);
        return Value;
    }

    public void Reset() => _window.Reset();
}

/// <summary>Exponential moving average, alpha = 2/(N+1), seeded with the simple average of the first N values.</summary>
public sealed class Ema
{
    private readonly double _alpha;
    private int _count;
    private double _sum;

    public Ema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        Period = period;
        _alpha = 2.0 / (period + 1);
    }

    public int Period { get; }

    public bool IsReady => _count >= Period;

    public double Value { get; private set; } = double.NaN;

    public double Update(double value)
    {
        if (_count < Period)
        {
            _sum += value;
            _count++;
            if (_count == Period)
            {
                Value = _sum / Period;
            }

            return Value;
        }

        Value += _alpha * (value - Value);
        return Value;
    }

    public void Reset()
    {
        _count = 0;
        _sum = 0;
        Value = double.NaN;
    }
}

/// <summary>Wilder's RSI: average gain/loss seeded with the simple mean of the first N changes, then smoothed by 1/N.</summary>
public sealed class Rsi
{
    private double _previous = double.NaN;
    private int _changes;
    private double _avgGain;
    private double _avgLoss;

    public Rsi(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        Period = period;
    }

    public int Period { get; }

    public bool IsReady => _changes >= Period;

    public double Value { get; private set; } = double.NaN;

    public double Update(double close)
    {
        if (double.IsNaN(_previous))
        {
            _previous = close;
            return Value;
        }

        var change = close - _previous;
        _previous = close;
        var gain = change > 0 ? change : 0;
        var loss = change < 0 ? -change : 0;
        _changes++;
        if (_changes <= Period)
        {
            _avgGain += gain;
            _avgLoss += loss;
            if (_changes < Period)
            {
                return Value;
            }

            _avgGain /= Period;
            _avgLoss /= Period;
        }
        else
        {
            _avgGain = ((_avgGain * (Period - 1)) + gain) / Period;
            _avgLoss = ((_avgLoss * (Period - 1)) + loss) / Period;
        }

        Value = FromAverages(_avgGain, _avgLoss);
        return Value;
    }

    public static double FromAverages(double avgGain, double avgLoss)
    {
        if (avgLoss == 0)
        {
            return avgGain == 0 ? 50 : 100;
        }

        return 100 - (100 / (1 + (avgGain / avgLoss)));
    }

    public void Reset()
    {
        _previous = double.NaN;
        _changes = 0;
        _avgGain = 0;
        _avgLoss = 0;
        Value = double.NaN;
    }
}

/// <summary>MACD line = EMA(fast) − EMA(slow); signal = EMA(signal) of the MACD line once it exists; histogram = line − signal.</summary>
public sealed class Macd(int fast, int slow, int signal)
{
    private readonly Ema _fast = new(fast);
    private readonly Ema _slow = new(slow);
    private readonly Ema _signal = new(signal);

    public bool IsReady => _signal.IsReady;

    public double Line { get; private set; } = double.NaN;

    public double Signal => _signal.Value;

    public double Histogram => IsReady ? Line - Signal : double.NaN;

    public int WarmUp => Math.Max(_fast.Period, _slow.Period) + _signal.Period - 1;

    public void Update(double close)
    {
        _fast.Update(close);
        _slow.Update(close);
        if (_fast.IsReady && _slow.IsReady)
        {
            Line = _fast.Value - _slow.Value;
            _signal.Update(Line);
        }
    }

    public void Reset()
    {
        _fast.Reset();
        _slow.Reset();
        _signal.Reset();
        Line = double.NaN;
    }
}

/// <summary>Bollinger bands: SMA(N) ± K · population standard deviation of the last N closes.</summary>
public sealed class Bollinger(int period, double k)
{
    private readonly RollingWindow _window = new(period);

    public bool IsReady => _window.IsReady;

    public double K { get; } = k;

    public double Middle => IsReady ? _window.Mean : double.NaN;

    public double StdDev => IsReady ? _window.StdDev : double.NaN;

    public double Upper => Middle + (K * StdDev);

    public double Lower => Middle - (K * StdDev);

    public void Update(double close) => _window.Add(close);

    public void Reset() => _window.Reset();
}

/// <summary>
/// Wilder's average true range. TR of the first candle is high − low; afterwards max(high − low, |high − prevClose|,
/// |low − prevClose|). ATR = mean of the first N true ranges, then (ATR·(N−1) + TR)/N.
/// </summary>
public sealed class Atr
{
    private double _previousClose = double.NaN;
    private int _count;
    private double _sum;

    public Atr(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        Period = period;
    }

    public int Period { get; }

    public bool IsReady => _count >= Period;

    public double Value { get; private set; } = double.NaN;

    public double Update(double high, double low, double close)
    {
        var tr = TrueRange(high, low, _previousClose);
        _previousClose = close;
        _count++;
        if (_count < Period)
        {
            _sum += tr;
        }
        else if (_count == Period)
        {
            _sum += tr;
            Value = _sum / Period;
        }
        else
        {
            Value = ((Value * (Period - 1)) + tr) / Period;
        }

        return Value;
    }

    public static double TrueRange(double high, double low, double previousClose) =>
        double.IsNaN(previousClose)
            ? high - low
            : Math.Max(high - low, Math.Max(Math.Abs(high - previousClose), Math.Abs(low - previousClose)));

    public void Reset()
    {
        _previousClose = double.NaN;
        _count = 0;
        _sum = 0;
        Value = double.NaN;
    }
}

/// <summary>
/// Wilder's directional movement: +DM/−DM and TR summed over the first N moves, then X − X/N + x; +DI = 100·+DM/TR,
/// DX = 100·|+DI − −DI|/(+DI + −DI); ADX = mean of the first N DX, then Wilder-smoothed. Ready after 2N candles.
/// </summary>
public sealed class Adx
{
    private double _prevHigh = double.NaN;
    private double _prevLow;
    private double _prevClose;
    private int _moves;
    private double _tr;
    private double _plusDm;
    private double _minusDm;
    private int _dxCount;
    private double _dxSum;

    public Adx(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        Period = period;
    }

    public int Period { get; }

    public bool IsReady => _dxCount >= Period;

    public double Value { get; private set; } = double.NaN;

    public double PlusDi { get; private set; } = double.NaN;

    public double MinusDi { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        if (double.IsNaN(_prevHigh))
        {
            _prevHigh = high;
            _prevLow = low;
            _prevClose = close;
            return;
        }

        var up = high - _prevHigh;
        var down = _prevLow - low;
        var plusDm = up > down && up > 0 ? up : 0;
        var minusDm = down > up && down > 0 ? down : 0;
        var tr = Atr.TrueRange(high, low, _prevClose);
        _prevHigh = high;
        _prevLow = low;
        _prevClose = close;
        _moves++;
        if (_moves <= Period)
        {
            _tr += tr;
            _plusDm += plusDm;
            _minusDm += minusDm;
            if (_moves < Period)
            {
                return;
            }
        }
        else
        {
            _tr = _tr - (_tr / Period) + tr;
            _plusDm = _plusDm - (_plusDm / Period) + plusDm;
            _minusDm = _minusDm - (_minusDm / Period) + minusDm;
        }

        PlusDi = _tr == 0 ? 0 : 100 * _plusDm / _tr;
        MinusDi = _tr == 0 ? 0 : 100 * _minusDm / _tr;
        var diSum = PlusDi + MinusDi;
        var dx = diSum == 0 ? 0 : 100 * Math.Abs(PlusDi - MinusDi) / diSum;
        _dxCount++;
        if (_dxCount < Period)
        {
            _dxSum += dx;
        }
        else if (_dxCount == Period)
        {
            _dxSum += dx;
            Value = _dxSum / Period;
        }
        else
        {
            Value = ((Value * (Period - 1)) + dx) / Period;
        }
    }

    public void Reset()
    {
        _prevHigh = double.NaN;
        _moves = 0;
        _tr = 0;
        _plusDm = 0;
        _minusDm = 0;
        _dxCount = 0;
        _dxSum = 0;
        Value = double.NaN;
        PlusDi = double.NaN;
        MinusDi = double.NaN;
    }
}

/// <summary>(volume − mean) / population std-dev over the last N volumes, the current one included; 0 when flat.</summary>
public sealed class VolumeZScore(int period)
{
    private readonly RollingWindow _window = new(period);

    public bool IsReady => _window.IsReady;

    public double Value { get; private set; } = double.NaN;

    public double Update(double volume)
    {
        _window.Add(volume);
        if (!_window.IsReady)
        {
            return Value;
        }

        var sd = _window.StdDev;
        Value = sd <= 1e-12 * Math.Max(1, Math.Abs(_window.Mean)) ? 0 : (volume - _window.Mean) / sd;
        return Value;
    }

    public void Reset()
    {
        _window.Reset();
        Value = double.NaN;
    }
}
