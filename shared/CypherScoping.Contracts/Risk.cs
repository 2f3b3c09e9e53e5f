namespace CypherScoping.Contracts.Risk;

/// <summary>Risk approved a sized order; the Executor places it unless it has expired.</summary>
public sealed record OrderApproved : ICypherMessage
{
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Deterministic from SignalId; at most 40 chars of [A-Za-z0-9_-].</summary>
    public required string ClientOrderId { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide PositionSide { get; init; }
    public required OrderSide Side { get; init; }
    public required OrderType OrderType { get; init; }
    /// <summary>Size in lots.</summary>
    public required decimal Size { get; init; }
    /// <summary>Size in base-asset units.</summary>
    public required decimal SizeBase { get; init; }
    public required decimal EntryPrice { get; init; }
    /// <summary>Limit price (null for market orders).</summary>
    public decimal? LimitPrice { get; init; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required int Leverage { get; init; }
    public required decimal Notional { get; init; }
    public required decimal InitialMargin { get; init; }
    /// <summary>Loss at the stop, in USDT.</summary>
    public required decimal RiskAmount { get; init; }
    public required string Profile { get; init; }
    public bool ReduceOnly { get; init; }
    public Guid? ApprovalId { get; init; }
}

/// <summary>Risk refused the signal (policy_rejection). The exchange refusing is OrderRejected.</summary>
public sealed record OrderDenied : ICypherMessage
{
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public string? BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    public required string ErrorCode { get; init; }
    public required string Reason { get; init; }
}

/// <summary>A human must approve this order before it goes out.</summary>
public sealed record ApprovalRequested : ICypherMessage
{
    public required Guid ApprovalId { get; init; }
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    public required decimal Size { get; init; }
    public required decimal Notional { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required int Leverage { get; init; }
    /// <summary>Allowed price move (in percent) between request and approval.</summary>
    public required decimal PriceBandPercent { get; init; }
    public required string Reason { get; init; }
}

/// <summary>An approval was approved, rejected or expired.</summary>
public sealed record ApprovalDecided : ICypherMessage
{
    public required Guid ApprovalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required bool Approved { get; init; }
    public required string DecidedBy { get; init; }
    public string? ErrorCode { get; init; }
    public string? Reason { get; init; }
}

public sealed record TradingStateChanged : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required TradingState State { get; init; }
    public required TradingState PreviousState { get; init; }
    public required string Reason { get; init; }
    public required string ChangedBy { get; init; }
    public DateTimeOffset? PausedUntil { get; init; }
}

/// <summary>A breaker tripped. Breaker: drawdown, consecutive_losses, api_errors, win_rate, drawdown_warning.</summary>
public sealed record CircuitBreakerTripped : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Breaker { get; init; }
    public required decimal Value { get; init; }
    public required decimal Threshold { get; init; }
    /// <summary>What the trip did: halted, paused, alert or warning.</summary>
    public required string Action { get; init; }
    public required AlertSeverity Severity { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset? PausedUntil { get; init; }
}

public sealed record CircuitBreakerReset : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Breaker { get; init; }
    public required string Reason { get; init; }
    public required string ResetBy { get; init; }
}

/// <summary>The live ramp moved (advance), stayed (hold) or went back (step_back), and why.</summary>
public sealed record RampStepChanged : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string FromProfile { get; init; }
    public required string ToProfile { get; init; }
    public required int Day { get; init; }
    public required string Direction { get; init; }
    public required string Reason { get; init; }
}

/// <summary>The active risk profile changed (operator command, rollback or ramp).</summary>
public sealed record RiskProfileChanged : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string FromProfile { get; init; }
    public required string ToProfile { get; init; }
    public required string ChangedBy { get; init; }
    public required string Reason { get; init; }
}
