using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Scanner.Domain;

/// <summary>Indicator values after a candle (NaN while an indicator warms up).</summary>
public readonly record struct IndicatorValues(
    double Close,
    double EmaFast,
    double EmaSlow,
    double Rsi,
    double MacdLine,
    double MacdSignal,
    double MacdHistogram,
    double BollingerMiddle,
    double BollingerUpper,
    double BollingerLower,
    double Atr,
    double Adx,
    double PlusDi,
    double MinusDi,
    double VolumeZ);

/// <summary>Weighted contribution of each component to the score (sum = score before clamping).</summary>
public readonly record struct ScoreBreakdown(double Ema, double Adx, double Rsi, double Macd, double Bollinger, double Volume)
{
    public double Total => Ema + Adx + Rsi + Macd + Bollinger + Volume;
}

/// <summary>The strategy's view after one candle. Score is NaN during warm-up.</summary>
public readonly record struct StrategyEvaluation(bool Ready, double Score, ScoreBreakdown Breakdown, IndicatorValues Indicators);

/// <summary>A trade the strategy wants: prices in decimal, stop on the losing side of entry.</summary>
public sealed record TradeSignal(PositionSide Side, decimal EntryPrice, decimal StopLoss, decimal TakeProfit, double Score, double Atr);

/// <summary>
/// CypherScore for one symbol: every indicator updated incrementally, a weighted score in [−100, 100] from trend
/// (EMA alignment, ADX with ±DI), momentum (RSI, MACD histogram), position in the Bollinger band and volume.
/// Long at score ≥ threshold, short at ≤ −threshold; stop = entry ∓ k·ATR; take-profit = multiple · stop distance;
/// cooldown in candles; nothing during warm-up. Deterministic: the same candles give the same signals.
/// </summary>
public sealed class CypherScoreStrategy
{
    private readonly StrategyParameters _p;
    private readonly Ema _emaFast;
    private readonly Ema _emaSlow;
    private readonly Rsi _rsi;
    private readonly Macd _macd;
    private readonly Bollinger _bollinger;
    private readonly Atr _atr;
    private readonly Adx _adx;
    private readonly VolumeZScore _volume;
    private readonly double _weightSum;
    private int _candlesSinceSignal = int.MaxValue;

    public CypherScoreStrategy(StrategyParameters parameters)
    {
        _p = parameters;
        var i = parameters.Indicators;
        _emaFast = new Ema(i.EmaFast);
        _emaSlow = new Ema(i.EmaSlow);
        _rsi = new Rsi(i.Rsi);
        _macd = new Macd(i.MacdFast, i.MacdSlow, i.MacdSignal);
        _bollinger = new Bollinger(i.Bollinger, i.BollingerK);
        _atr = new Atr(i.Atr);
        _adx = new Adx(i.Adx);
        _volume = new VolumeZScore(i.Volume);
        var w = parameters.Weights;
        _weightSum = w.Ema + w.Adx + w.Rsi + w.Macd + w.Bollinger + w.Volume;
    }

    public StrategyParameters Parameters => _p;

    /// <summary>Candles seen since the last reset.</summary>
    public int CandleCount { get; private set; }

    public bool IsWarm => _warm || (_warm = AllReady());

    private bool _warm;

    private bool AllReady() => _emaSlow.IsReady && _emaFast.IsReady && _rsi.IsReady && _macd.IsReady && _bollinger.IsReady && _atr.IsReady && _adx.IsReady && _volume.IsReady;

    public StrategyEvaluation LastEvaluation { get; private set; }

    /// <summary>Forget everything (after a long gap): warm-up starts again and no signal can span the gap.</summary>
    public void Reset()
    {
        _emaFast.Reset();
        _emaSlow.Reset();
        _rsi.Reset();
        _macd.Reset();
        _bollinger.Reset();
        _atr.Reset();
        _adx.Reset();
        _volume.Reset();
        CandleCount = 0;
        _warm = false;
        _candlesSinceSignal = int.MaxValue;
        LastEvaluation = default;
    }

    /// <summary>Feed one closed candle; O(1), no allocation.</summary>
    public StrategyEvaluation Update(double open, double high, double low, double close, double volume)
    {
        CandleCount++;
        if (_candlesSinceSignal != int.MaxValue)
        {
            _candlesSinceSignal++;
        }

        _emaFast.Update(close);
        _emaSlow.Update(close);
        _rsi.Update(close);
        _macd.Update(close);
        _bollinger.Update(close);
        _atr.Update(high, low, close);
        _adx.Update(high, low, close);
        _volume.Update(volume);

        var values = new IndicatorValues(
            close, _emaFast.Value, _emaSlow.Value, _rsi.Value, _macd.Line, _macd.Signal, _macd.Histogram,
            _bollinger.Middle, _bollinger.Upper, _bollinger.Lower, _atr.Value, _adx.Value, _adx.PlusDi, _adx.MinusDi, _volume.Value);

        if (!IsWarm)
        {
            LastEvaluation = new StrategyEvaluation(false, double.NaN, default, values);
            return LastEvaluation;
        }

        var w = _p.Weights;
        var scale = 100.0 / _weightSum;
        var atr = values.Atr;
        var ema = atr > 0 ? Math.Tanh((values.EmaFast - values.EmaSlow) / (atr * _p.EmaSpreadAtr)) : 0;
        var adxStrength = Math.Clamp((values.Adx - _p.AdxFloor) / (_p.AdxFull - _p.AdxFloor), 0, 1);
        var adx = Math.Sign(values.PlusDi - values.MinusDi) * adxStrength;
        var rsi = Math.Clamp((values.Rsi - 50) / _p.RsiSpan, -1, 1);
        var macd = atr > 0 ? Math.Tanh(values.MacdHistogram / (atr * _p.MacdHistogramAtr)) : 0;
        var sd = _bollinger.StdDev;
        var band = sd > 0 ? Math.Clamp((close - values.BollingerMiddle) / (_bollinger.K * sd), -1, 1) : 0;
        var vol = Math.Sign(close - open) * Math.Clamp(values.VolumeZ / _p.VolumeZFull, 0, 1);

        var breakdown = new ScoreBreakdown(
            w.Ema * scale * ema, w.Adx * scale * adx, w.Rsi * scale * rsi, w.Macd * scale * macd, w.Bollinger * scale * band, w.Volume * scale * vol);
        var score = Math.Clamp(breakdown.Total, -100, 100);
        LastEvaluation = new StrategyEvaluation(true, score, breakdown, values);
        return LastEvaluation;
    }

    /// <summary>The signal the last evaluation gives, ignoring the cooldown (what `cypher analyze` shows).</summary>
    public TradeSignal? Propose(decimal entryPrice, decimal tickSize)
    {
        var e = LastEvaluation;
        if (!e.Ready || entryPrice <= 0 || !(e.Indicators.Atr > 0))
        {
            return null;
        }

        PositionSide side;
        if (e.Score >= _p.EntryThreshold)
        {
            side = PositionSide.Long;
        }
        else if (e.Score <= -_p.EntryThreshold)
        {
            side = PositionSide.Short;
        }
        else
        {
            return null;
        }

        var distance = (decimal)(_p.StopAtrMultiple * e.Indicators.Atr);
        var tick = tickSize > 0 ? tickSize : 0m;
        if (distance < tick)
        {
            distance = tick;
        }

        var target = distance * (decimal)_p.TakeProfitMultiple;
        decimal stop;
        decimal takeProfit;
        if (side == PositionSide.Long)
        {
            stop = Money.RoundToTick(entryPrice - distance, tick, MidpointRounding.ToNegativeInfinity);
            takeProfit = Money.RoundToTick(entryPrice + target, tick, MidpointRounding.ToPositiveInfinity);
            if (stop <= 0 || stop >= entryPrice || takeProfit <= entryPrice)
            {
                return null;
            }
        }
        else
        {
            stop = Money.RoundToTick(entryPrice + distance, tick, MidpointRounding.ToPositiveInfinity);
            takeProfit = Money.RoundToTick(entryPrice - target, tick, MidpointRounding.ToNegativeInfinity);
            if (stop <= entryPrice || takeProfit >= entryPrice || takeProfit <= 0)
            {
                return null;
            }
        }

        return new TradeSignal(side, entryPrice, stop, takeProfit, e.Score, e.Indicators.Atr);
    }

    /// <summary>The signal to publish for the last candle, honouring the cooldown (starts the cooldown when it fires).</summary>
    public TradeSignal? Decide(decimal entryPrice, decimal tickSize)
    {
        if (_candlesSinceSignal != int.MaxValue && _candlesSinceSignal <= _p.CooldownCandles)
        {
            return null;
        }

        var signal = Propose(entryPrice, tickSize);
        if (signal is not null)
        {
            _candlesSinceSignal = 0;
        }

        return signal;
    }
}
