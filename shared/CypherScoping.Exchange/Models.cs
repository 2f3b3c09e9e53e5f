using CypherScoping.Contracts;

namespace CypherScoping.Exchange;

/// <summary>Contract metadata. BaseCurrency is canonical (BTC, never XBT); Symbol is KuCoin's (XBTUSDTM).</summary>
public sealed record ContractSpec
{
    public required string Symbol { get; init; }
    public required string BaseCurrency { get; init; }
    public required string QuoteCurrency { get; init; }
    public required string SettleCurrency { get; init; }
    /// <summary>Base units per lot (XBTUSDTM: 0.001).</summary>
    public required decimal Multiplier { get; init; }
    public required decimal LotSize { get; init; }
    public required decimal MaxOrderQty { get; init; }
    public required decimal TickSize { get; init; }
    public required int MaxLeverage { get; init; }
    public decimal MakerFeeRate { get; init; } = 0.0002m;
    public decimal TakerFeeRate { get; init; } = 0.0006m;
    public string Status { get; init; } = "Open";
    public bool IsInverse { get; init; }
    /// <summary>FFWCSX perpetual, FFICSX delivery.</summary>
    public string Type { get; init; } = "FFWCSX";
    public decimal? MarkPrice { get; init; }
    public decimal? FundingFeeRate { get; init; }
}

public sealed record Candle(DateTimeOffset OpenTime, decimal Open, decimal High, decimal Low, decimal Close, decimal Volume, decimal? Turnover = null);

public sealed record Ticker
{
    public required string Symbol { get; init; }
    public required decimal Price { get; init; }
    public decimal BestBidPrice { get; init; }
    public decimal BestAskPrice { get; init; }
    public required DateTimeOffset Time { get; init; }
}

public sealed record AccountOverview
{
    public required string Currency { get; init; }
    public required decimal AccountEquity { get; init; }
    public required decimal AvailableBalance { get; init; }
    public decimal UnrealisedPnl { get; init; }
    public decimal MarginBalance { get; init; }
    public decimal PositionMargin { get; init; }
    public decimal OrderMargin { get; init; }
}

public sealed record PlaceOrderRequest
{
    /// <summary>≤ 40 chars of [A-Za-z0-9_-]; the idempotency key.</summary>
    public required string ClientOid { get; init; }
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public OrderType Type { get; init; } = OrderType.Market;
    /// <summary>Lots.</summary>
    public required decimal Size { get; init; }
    public decimal? Price { get; init; }
    public int Leverage { get; init; } = 1;
    public bool ReduceOnly { get; init; }
    public bool CloseOrder { get; init; }
    /// <summary>Attached stop-loss (KuCoin st-orders triggerStopDownPrice/UpPrice by side).</summary>
    public decimal? StopLossPrice { get; init; }
    public decimal? TakeProfitPrice { get; init; }
    public string MarginMode { get; init; } = "ISOLATED";
    public string? Remark { get; init; }
}

/// <summary>Place-order outcome: Accepted(orderId) | Rejected(code) | Unknown (must be reconciled, never re-sent blindly).</summary>
public abstract record PlaceOrderOutcome
{
    public sealed record Accepted(string OrderId) : PlaceOrderOutcome;

    public sealed record Rejected(string ErrorCode, string? ExchangeCode, string Message) : PlaceOrderOutcome;

    public sealed record Unknown(string ErrorCode, string Reason) : PlaceOrderOutcome;
}

public enum ExchangeOrderState
{
    Open = 0,
    PartiallyFilled = 1,
    Filled = 2,
    Cancelled = 3,
}

public sealed record ExchangeOrder
{
    public required string Id { get; init; }
    public required string ClientOid { get; init; }
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public required OrderType Type { get; init; }
    public decimal? Price { get; init; }
    public required decimal Size { get; init; }
    public decimal FilledSize { get; init; }
    public decimal FilledValue { get; init; }
    public decimal? AvgDealPrice { get; init; }
    public required ExchangeOrderState State { get; init; }
    public bool ReduceOnly { get; init; }
    public bool CloseOrder { get; init; }
    /// <summary>down / up for stop orders, null otherwise.</summary>
    public string? Stop { get; init; }
    public decimal? StopPrice { get; init; }
    public int Leverage { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

public sealed record Fill
{
    public required string TradeId { get; init; }
    public required string OrderId { get; init; }
    public required string Symbol { get; init; }
    public required OrderSide Side { get; init; }
    public required decimal Price { get; init; }
    public required decimal Size { get; init; }
    public decimal Value { get; init; }
    public decimal Fee { get; init; }
    public decimal FeeRate { get; init; }
    /// <summary>taker or maker.</summary>
    public string Liquidity { get; init; } = "taker";
    public required DateTimeOffset TradeTime { get; init; }
}

public sealed record ExchangePosition
{
    public required string Symbol { get; init; }
    /// <summary>Signed lots: negative is short.</summary>
    public required decimal CurrentQty { get; init; }
    public required decimal AvgEntryPrice { get; init; }
    public decimal MarkPrice { get; init; }
    public decimal UnrealisedPnl { get; init; }
    public decimal RealisedPnl { get; init; }
    public decimal Leverage { get; init; }
    /// <summary>Initial margin of the position (posInit).</summary>
    public decimal PosInit { get; init; }
    public decimal? LiquidationPrice { get; init; }
    public bool IsOpen { get; init; } = true;
}
