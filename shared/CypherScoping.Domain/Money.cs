namespace CypherScoping.Domain;

/// <summary>Rounding helpers for prices and sizes (decimal only).</summary>
public static class Money
{
    /// <summary>Round a size down to a whole multiple of the step (never up: never more risk than computed).</summary>
    public static decimal FloorToStep(decimal value, decimal step) =>
        step <= 0 ? value : Math.Floor(value / step) * step;

    /// <summary>Round a price to the nearest tick.</summary>
    public static decimal RoundToTick(decimal price, decimal tick) =>
        tick <= 0 ? price : Math.Round(price / tick, MidpointRounding.AwayFromZero) * tick;

    /// <summary>Round a price to the tick in the direction that keeps a stop conservative.</summary>
    public static decimal RoundToTick(decimal price, decimal tick, MidpointRounding mode) =>
        tick <= 0 ? price : Math.Round(price / tick, 0, mode) * tick;
}

public static class Sides
{
    public static Contracts.OrderSide EntrySide(Contracts.PositionSide side) =>
        side == Contracts.PositionSide.Long ? Contracts.OrderSide.Buy : Contracts.OrderSide.Sell;

    public static Contracts.OrderSide ExitSide(Contracts.PositionSide side) =>
        side == Contracts.PositionSide.Long ? Contracts.OrderSide.Sell : Contracts.OrderSide.Buy;
}
