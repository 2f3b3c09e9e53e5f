namespace CypherScoping.Contracts.Orders;

/// <summary>The exchange (or the paper exchange) accepted the order.</summary>
public sealed record OrderPlaced : ICypherMessage
{
    public required string ClientOrderId { get; init; }
    public required string ExchangeOrderId { get; init; }
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required OrderSide Side { get; init; }
    public required OrderType OrderType { get; init; }
    public required decimal Size { get; init; }
    public decimal? Price { get; init; }
    public required int Leverage { get; init; }
    public required bool ReduceOnly { get; init; }
    public required TradingMode Mode { get; init; }
}

/// <summary>The order did not go out, or the exchange refused it. Risk refusing is OrderDenied.</summary>
public sealed record OrderRejected : ICypherMessage
{
    public required string ClientOrderId { get; init; }
    public Guid? SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public string? BaseAsset { get; init; }
    public required OrderSide Side { get; init; }
    public required string ErrorCode { get; init; }
    /// <summary>KuCoin's own code when the exchange answered.</summary>
    public string? ExchangeCode { get; init; }
    public required string Reason { get; init; }
    /// <summary>True when the order never reached the exchange (expiry, policy, state).</summary>
    public required bool RefusedBeforeExchange { get; init; }
}

public sealed record OrderFilled : ICypherMessage
{
    public required string ClientOrderId { get; init; }
    public required string ExchangeOrderId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required OrderSide Side { get; init; }
    public required decimal FilledSize { get; init; }
    public required decimal FillPrice { get; init; }
    public required decimal Fee { get; init; }
    /// <summary>taker or maker.</summary>
    public required string Liquidity { get; init; }
    public required bool ReduceOnly { get; init; }
}

public sealed record PositionOpened : ICypherMessage
{
    public required string PositionId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    public required decimal Size { get; init; }
    public required decimal SizeBase { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required int Leverage { get; init; }
    public required decimal InitialMargin { get; init; }
    public required TradingMode Mode { get; init; }
}

/// <summary>A round trip ended (audit: trade_executed).</summary>
public sealed record PositionClosed : ICypherMessage
{
    public required string PositionId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    public required decimal Size { get; init; }
    public required decimal SizeBase { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal ExitPrice { get; init; }
    /// <summary>Realised PnL net of fees and funding, in USDT.</summary>
    public required decimal RealizedPnl { get; init; }
    public required decimal Fees { get; init; }
    public required decimal Funding { get; init; }
    public required TradeOutcome Outcome { get; init; }
    public required decimal RMultiple { get; init; }
    public required TimeSpan HoldingTime { get; init; }
    /// <summary>stop_loss, take_profit, flatten, signal or manual.</summary>
    public required string ExitReason { get; init; }
    public required TradingMode Mode { get; init; }
}

/// <summary>A second delivery of an approval was stopped by the ledger (E_DUPLICATE_ORDER).</summary>
public sealed record DuplicateOrderBlocked : ICypherMessage
{
    public required string ClientOrderId { get; init; }
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string ErrorCode { get; init; }
    /// <summary>The ledger status of the original intent.</summary>
    public required string ExistingStatus { get; init; }
}

public sealed record ExchangeErrorOccurred : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>What we were doing: place_order, cancel, account, klines …</summary>
    public required string Operation { get; init; }
    public string? Symbol { get; init; }
    public string? BaseAsset { get; init; }
    public string? ClientOrderId { get; init; }
    public required string ErrorCode { get; init; }
    public string? ExchangeCode { get; init; }
    public int? HttpStatus { get; init; }
    public required string Message { get; init; }
}

public sealed record AccountSnapshot : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required TradingMode Mode { get; init; }
    public required decimal Equity { get; init; }
    public required decimal AvailableBalance { get; init; }
    public required decimal MarginUsed { get; init; }
    public required decimal UnrealizedPnl { get; init; }
    public required IReadOnlyList<PositionSnapshot> OpenPositions { get; init; }

    /// <summary>
    /// Order in which the Executor took its snapshots (one counter per Executor database), so a consumer keeps the
    /// newest even when two published at the same time arrive swapped. 0: not numbered (always taken by time alone).
    /// </summary>
    public long Sequence { get; init; }
}

public sealed record PositionsFlattened : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string RequestedBy { get; init; }
    public required string Reason { get; init; }
    public required bool IsFlat { get; init; }
    public required int ClosedPositions { get; init; }
    public required int CancelledOrders { get; init; }
    public required int Attempts { get; init; }
    public required IReadOnlyList<PositionSnapshot> RemainingPositions { get; init; }
}

/// <summary>The exchange and the ledger disagree (E_RECONCILIATION_MISMATCH); trading halts.</summary>
public sealed record ReconciliationMismatchDetected : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public string? Symbol { get; init; }
    public string? ClientOrderId { get; init; }
    public required string ErrorCode { get; init; }
    public required string Details { get; init; }
}
