namespace CypherScoping.Contracts.Market;

/// <summary>One symbol was scanned: the latest closed candle and the strategy score.</summary>
public sealed record MarketScanned : ICypherMessage
{
    public required Guid ScanId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    /// <summary>Source of the data: simulated, replay or kucoin.</summary>
    public required string Source { get; init; }
    public required int IntervalMinutes { get; init; }
    public required DateTimeOffset CandleOpenTime { get; init; }
    public required decimal Open { get; init; }
    public required decimal High { get; init; }
    public required decimal Low { get; init; }
    public required decimal Close { get; init; }
    public required decimal Volume { get; init; }
    public required decimal LastPrice { get; init; }
    /// <summary>Candles seen so far for this symbol (warm-up progress).</summary>
    public required int CandleCount { get; init; }
    public required double DurationMs { get; init; }
    /// <summary>Strategy score in [-100, 100]; null during warm-up.</summary>
    public decimal? Score { get; init; }
}

/// <summary>A candle or response was malformed and skipped (E_BAD_MARKET_DATA).</summary>
public sealed record BadMarketDataDetected : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Symbol { get; init; }
    public required string Source { get; init; }
    public required string ErrorCode { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset? CandleOpenTime { get; init; }
}
