namespace CypherScoping.Contracts.Signals;

/// <summary>The strategy wants a position. Risk turns it into OrderApproved, OrderDenied or ApprovalRequested.</summary>
public sealed record SignalGenerated : ICypherMessage
{
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required PositionSide Side { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required decimal Score { get; init; }
    public required string StrategyId { get; init; }
    public required string ParameterHash { get; init; }
    public int IntervalMinutes { get; init; }
    /// <summary>The contract's terms as the exchange lists them (Risk sizes from these; missing → denied).</summary>
    public required ContractTerms Contract { get; init; }
    /// <summary>True when the signal only reduces or closes an existing position.</summary>
    public bool ReduceOnly { get; init; }
}
