namespace CypherScoping.Contracts;

/// <summary>Every message carries the correlation id of its chain (one per signal) and when it happened.</summary>
public interface ICypherMessage
{
    Guid CorrelationId { get; }

    DateTimeOffset OccurredAt { get; }
}

/// <summary>Direction of a position or a signal.</summary>
public enum PositionSide
{
    Long = 0,
    Short = 1,
}

/// <summary>Side of an order on the exchange.</summary>
public enum OrderSide
{
    Buy = 0,
    Sell = 1,
}

public enum OrderType
{
    Market = 0,
    Limit = 1,
}

public enum TradingMode
{
    Paper = 0,
    Live = 1,
}

/// <summary>Risk's trading state (NautilusTrader's ACTIVE / REDUCING / HALTED plus a timed pause).</summary>
public enum TradingState
{
    Active = 0,
    Reducing = 1,
    Paused = 2,
    Halted = 3,
}

public enum TradeOutcome
{
    Win = 0,
    Loss = 1,
}

public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>One open position as the Executor reports it.</summary>
public sealed record PositionSnapshot
{
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    /// <summary>Size in lots (contracts).</summary>
    public required decimal Size { get; init; }
    /// <summary>Size in base-asset units (lots × multiplier).</summary>
    public required decimal SizeBase { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal MarkPrice { get; init; }
    public required decimal InitialMargin { get; init; }
    public required decimal UnrealizedPnl { get; init; }
    public required int Leverage { get; init; }
    public decimal? StopLoss { get; init; }
    public decimal? TakeProfit { get; init; }
}

/// <summary>Per-symbol line of a strategy health report.</summary>
public sealed record SymbolHealth
{
    public required string Symbol { get; init; }
    public required int Trades { get; init; }
    public required decimal WinRate { get; init; }
    public required decimal Pnl { get; init; }
}

/// <summary>The instrument terms a signal was generated for (from the exchange's contract list), so Risk can size it.</summary>
public sealed record ContractTerms
{
    /// <summary>Base units per lot (XBTUSDTM 0.001, ETHUSDTM 0.01).</summary>
    public required decimal Multiplier { get; init; }
    /// <summary>Minimum lots per order (normally 1).</summary>
    public required decimal LotSize { get; init; }
    public required decimal MaxOrderQty { get; init; }
    public required decimal TickSize { get; init; }
    public required int MaxLeverage { get; init; }
    public decimal TakerFeeRate { get; init; } = 0.0006m;
    public decimal MakerFeeRate { get; init; } = 0.0002m;
}
