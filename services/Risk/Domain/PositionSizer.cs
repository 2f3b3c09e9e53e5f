using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Risk.Domain;

/// <summary>What the sizer needs: account, prices, the contract's terms and the limits.</summary>
public readonly record struct SizingRequest(
    decimal Equity,
    decimal OpenMargin,
    PositionSide Side,
    decimal Entry,
    decimal Stop,
    ContractTerms Contract,
    decimal MaxRiskPerTrade,
    decimal MaxExposureRatio,
    decimal MinPositionSize,
    int LeverageCap);

/// <summary>A sized entry: lots, base units, leverage, notional, initial margin and the loss if the stop is hit (fees included).</summary>
public sealed record SizedOrder(
    decimal Lots,
    decimal SizeBase,
    int Leverage,
    decimal Entry,
    decimal Stop,
    decimal Notional,
    decimal InitialMargin,
    decimal LossAtStop,
    decimal RiskBudget,
    int LeverageCeiling);

public readonly record struct SizingResult(SizedOrder? Order, string? ErrorCode, string Reason)
{
    public bool IsSized => Order is not null;

    public static SizingResult Deny(string code, string reason) => new(null, code, reason);
}

/// <summary>
/// Position sizing. Risk per trade = loss at the stop (price distance plus taker fees both ways) ÷ equity ≤
/// MaxRiskPerTrade; exposure = (initial margin of open positions + this one) ÷ equity ≤ MaxExposureRatio;
/// leverage is the smallest whole number that fits the exposure room and never exceeds min(limits cap, contract
/// maximum, 20, and the stop-distance cap that keeps liquidation beyond the stop). Sizes round down to the lot,
/// prices to the tick (the stop away from the entry, so rounding never adds risk).
/// </summary>
public static class PositionSizer
{
    /// <summary>Leverage × stop distance stays at or below this, so the liquidation price lies beyond the stop.</summary>
    public const decimal LiquidationBuffer = 0.8m;

    public static SizingResult Size(in SizingRequest r)
    {
        var c = r.Contract;
        if (r.Equity <= 0m)
        {
            return SizingResult.Deny(ErrorCodes.InsufficientBalance, $"equity is {r.Equity} USDT; nothing to risk");
        }

        var entry = Money.RoundToTick(r.Entry, c.TickSize);
        var stop = r.Side == PositionSide.Long
            ? Money.RoundToTick(r.Stop, c.TickSize, MidpointRounding.ToNegativeInfinity)
            : Money.RoundToTick(r.Stop, c.TickSize, MidpointRounding.ToPositiveInfinity);
        if (stop <= 0m || entry <= 0m || (r.Side == PositionSide.Long ? stop >= entry : stop <= entry))
        {
            return SizingResult.Deny(ErrorCodes.BadMessage, $"stop {r.Stop} and entry {r.Entry} collapse at tick {c.TickSize}");
        }

        var distance = Math.Abs(entry - stop);
        var fee = Math.Max(c.TakerFeeRate, 0m);
        var lossPerBase = distance + (fee * (entry + stop));
        var lotStep = c.LotSize;
        var m = c.Multiplier;
        var budget = r.Equity * r.MaxRiskPerTrade;
        var minLots = Math.Max(lotStep, Math.Ceiling(r.MinPositionSize / m / lotStep) * lotStep);

        var lotsByRisk = Money.FloorToStep(budget / (lossPerBase * m), lotStep);
        if (lotsByRisk < minLots)
        {
            return SizingResult.Deny(
                ErrorCodes.SizeBelowMin,
                $"risk budget {Round(budget)} USDT allows {lotsByRisk} lots ({lotsByRisk * m} base); minimum is {minLots} lots ({minLots * m} base)");
        }

        var maxQty = Money.FloorToStep(c.MaxOrderQty, lotStep);
        if (maxQty < minLots)
        {
            return SizingResult.Deny(ErrorCodes.SizeBelowMin, $"contract maximum order {c.MaxOrderQty} lots is below the minimum {minLots} lots");
        }

        var ceiling = Math.Min(Math.Min(r.LeverageCap, c.MaxLeverage), RiskLimits.HardMaxLeverage);
        var stopCap = (int)Math.Max(1m, Math.Floor(LiquidationBuffer * entry / distance));
        ceiling = Math.Min(ceiling, stopCap);
        if (ceiling < 1)
        {
            return SizingResult.Deny(ErrorCodes.LeverageLimit, $"leverage ceiling is {ceiling}x (limits {r.LeverageCap}x, contract {c.MaxLeverage}x)");
        }

        var room = (r.Equity * r.MaxExposureRatio) - r.OpenMargin;
        if (room <= 0m)
        {
            return SizingResult.Deny(
                ErrorCodes.ExposureLimit,
                $"open margin {Round(r.OpenMargin)} USDT already uses the exposure cap {r.MaxExposureRatio} × equity {Round(r.Equity)}");
        }

        var lotNotional = m * entry;
        var lotsByExposure = Money.FloorToStep(room * ceiling / lotNotional, lotStep);
        if (lotsByExposure < minLots)
        {
            var needed = (int)Math.Min(int.MaxValue, Math.Ceiling(minLots * lotNotional / room));
            return needed <= RiskLimits.HardMaxLeverage && needed > ceiling
                ? SizingResult.Deny(ErrorCodes.LeverageLimit, $"the minimum size needs {needed}x to fit the exposure room of {Round(room)} USDT; ceiling is {ceiling}x")
                : SizingResult.Deny(ErrorCodes.ExposureLimit, $"exposure room {Round(room)} USDT cannot hold the minimum size ({Round(minLots * lotNotional)} USDT notional)");
        }

        var lots = Math.Min(Math.Min(lotsByRisk, maxQty), lotsByExposure);
        var notional = lots * lotNotional;
        var leverage = (int)Math.Clamp(Math.Ceiling(notional / room), 1m, ceiling);
        var margin = notional / leverage;
        var loss = lots * m * lossPerBase;
        return new SizingResult(
            new SizedOrder(lots, lots * m, leverage, entry, stop, notional, margin, loss, budget, ceiling),
            null,
            "sized");
    }

    private static decimal Round(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
