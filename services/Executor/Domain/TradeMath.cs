using CypherScoping.Contracts;

namespace CypherScoping.Executor.Domain;

/// <summary>The numbers of a closed round trip.</summary>
public sealed record RoundTrip(decimal ExitPrice, decimal Gross, decimal Fees, decimal Funding, decimal Net, TradeOutcome Outcome, decimal RMultiple);

/// <summary>Round-trip arithmetic (decimal only).</summary>
public static class TradeMath
{
    /// <summary>PnL of moving from entry to exit on a number of lots.</summary>
    public static decimal Gross(PositionSide side, decimal entry, decimal exit, decimal lots, decimal multiplier) =>
        (exit - entry) * lots * multiplier * (side == PositionSide.Long ? 1m : -1m);

    /// <summary>
    /// Net = gross − fees − funding; win when net is positive; R = net ÷ the risk taken (loss at the stop);
    /// when the approval did not say, risk is |entry − stop| × size in base units.
    /// </summary>
    public static RoundTrip Close(PositionSide side, decimal entry, decimal stopLoss, decimal lots, decimal multiplier, decimal exitValue, decimal exitLots, decimal realizedGross, decimal fees, decimal funding, decimal riskAmount)
    {
        var exitPrice = exitLots == 0 ? entry : exitValue / exitLots;
        var net = realizedGross - fees - funding;
        var risk = riskAmount > 0 ? riskAmount : Math.Abs(entry - stopLoss) * lots * multiplier;
        var r = risk > 0 ? Math.Round(net / risk, 4, MidpointRounding.AwayFromZero) : 0m;
        return new RoundTrip(exitPrice, realizedGross, fees, funding, net, net > 0 ? TradeOutcome.Win : TradeOutcome.Loss, r);
    }
}
