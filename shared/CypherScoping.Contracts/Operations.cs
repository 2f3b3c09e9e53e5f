namespace CypherScoping.Contracts.Operations;

public sealed record HaltTrading : ICypherMessage
{
    public required Guid CommandId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>Re-arm after a halt (the only way out of Halted).</summary>
public sealed record ResumeTrading : ICypherMessage
{
    public required Guid CommandId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>Cancel every order and close every position (Symbol null = all).</summary>
public sealed record FlattenPositions : ICypherMessage
{
    public required Guid CommandId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
    public string? Symbol { get; init; }
}

public sealed record CancelAllOrders : ICypherMessage
{
    public required Guid CommandId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
    public string? Symbol { get; init; }
}

/// <summary>An operator approves or rejects a pending approval.</summary>
public sealed record DecideApproval : ICypherMessage
{
    public required Guid ApprovalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required bool Approve { get; init; }
    public required string DecidedBy { get; init; }
    public string? Reason { get; init; }
    /// <summary>Price the operator saw; Risk checks it against the band.</summary>
    public decimal? CurrentPrice { get; init; }
}

/// <summary>Switch the active risk profile (paper, live-conservative, live-moderate, live-normal).</summary>
public sealed record ChangeRiskProfile : ICypherMessage
{
    public required Guid CommandId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Profile { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>The daily strategy health check. Action: continue, alert or rollback.</summary>
public sealed record StrategyHealthReported : ICypherMessage
{
    public required Guid ReportId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Action { get; init; }
    public required decimal RecentWinRate { get; init; }
    public required decimal ProfitFactor { get; init; }
    public required decimal MaxDrawdown { get; init; }
    public required decimal Expectancy { get; init; }
    public required int TradeCount { get; init; }
    public required string Recommendation { get; init; }
    public required IReadOnlyList<SymbolHealth> PerSymbol { get; init; }
}

public sealed record AlertSent : ICypherMessage
{
    public required Guid AlertId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Channel { get; init; }
    public required AlertSeverity Severity { get; init; }
    public required string Title { get; init; }
    public required string Key { get; init; }
    public required int Count { get; init; }
}

public sealed record AlertFailed : ICypherMessage
{
    public required Guid AlertId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Channel { get; init; }
    public required AlertSeverity Severity { get; init; }
    public required string Title { get; init; }
    public required string Error { get; init; }
}

public sealed record ServiceStarted : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Service { get; init; }
    public required TradingMode Mode { get; init; }
    public required string Version { get; init; }
    public required string Host { get; init; }
}

/// <summary>The effective configuration at start, secrets masked.</summary>
public sealed record ConfigurationLoaded : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Service { get; init; }
    public required TradingMode Mode { get; init; }
    public required string Profile { get; init; }
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
}
