using CypherScoping.Exchange;

namespace CypherScoping.Scanner.Domain;

public enum CandleStatus
{
    Accepted = 0,
    /// <summary>Malformed candle (E_BAD_MARKET_DATA): skipped, the indicators never see it.</summary>
    Rejected = 1,
}

/// <summary>What happened to one candle.</summary>
public readonly record struct CandleOutcome(CandleStatus Status, string? Problem, int MissingCandles, bool IndicatorsReset, StrategyEvaluation Evaluation);

/// <summary>Checks a candle before it may touch an indicator.</summary>
public static class CandleValidator
{
    /// <summary>Null when the candle is usable, else the reason it is not.</summary>
    public static string? Check(Candle candle, DateTimeOffset? previousOpenTime)
    {
        if (candle.Open <= 0 || candle.High <= 0 || candle.Low <= 0 || candle.Close <= 0)
        {
            return "non-positive price";
        }

        if (candle.Volume < 0)
        {
            return "negative volume";
        }

        if (candle.High < candle.Low)
        {
            return "high is below low";
        }

        if (candle.Open > candle.High || candle.Open < candle.Low || candle.Close > candle.High || candle.Close < candle.Low)
        {
            return "open or close outside the high-low range";
        }

        if (previousOpenTime is { } previous && candle.OpenTime <= previous)
        {
            return candle.OpenTime == previous ? "duplicate candle time" : "candle out of order (earlier than the previous one)";
        }

        return null;
    }
}

/// <summary>
/// One symbol's pipeline: validate → gap handling → strategy. A gap of up to <c>maxGapCandles</c> missing candles
/// is bridged (the next candle is treated as adjacent, and reported); a longer gap resets every indicator, so the
/// strategy warms up again and can never signal across it.
/// </summary>
public sealed class SymbolTracker
{
    private readonly long _intervalTicks;
    private readonly int _maxGapCandles;

    public SymbolTracker(string symbol, StrategyParameters parameters, TimeSpan interval, int maxGapCandles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Symbol = symbol;
        Interval = interval;
        _intervalTicks = interval.Ticks;
        _maxGapCandles = maxGapCandles;
        Strategy = new CypherScoreStrategy(parameters);
    }

    public string Symbol { get; }

    public TimeSpan Interval { get; }

    public CypherScoreStrategy Strategy { get; }

    public DateTimeOffset? LastOpenTime { get; private set; }

    public Candle? LastCandle { get; private set; }

    /// <summary>Accepted candles since the tracker was created.</summary>
    public long AcceptedCandles { get; private set; }

    public long RejectedCandles { get; private set; }

    public int GapsBridged { get; private set; }

    public int Resets { get; private set; }

    public CandleOutcome Process(Candle candle)
    {
        var problem = CandleValidator.Check(candle, LastOpenTime);
        if (problem is not null)
        {
            RejectedCandles++;
            return new CandleOutcome(CandleStatus.Rejected, problem, 0, false, Strategy.LastEvaluation);
        }

        var missing = 0;
        var reset = false;
        if (LastOpenTime is { } previous)
        {
            var steps = (candle.OpenTime - previous).Ticks / (double)_intervalTicks;
            missing = (int)Math.Min(int.MaxValue, Math.Ceiling(steps - 1 - 1e-9));
            if (missing > _maxGapCandles)
            {
                Strategy.Reset();
                Resets++;
                reset = true;
            }
            else if (missing > 0)
            {
                GapsBridged++;
            }
        }

        LastOpenTime = candle.OpenTime;
        LastCandle = candle;
        AcceptedCandles++;
        var evaluation = Strategy.Update((double)candle.Open, (double)candle.High, (double)candle.Low, (double)candle.Close, (double)candle.Volume);
        return new CandleOutcome(CandleStatus.Accepted, null, missing, reset, evaluation);
    }
}
