namespace CypherScoping.TestKit.FakeKuCoin;

/// <summary>How the fake KuCoin server behaves: credentials it accepts, pool quotas, window, starting balance.</summary>
public sealed record FakeKuCoinOptions
{
    public string ApiKey { get; init; } = "fake-api-key-0001";
    public string ApiSecret { get; init; } = "fake-api-secret-f03a5284-5c39-4aaa";
    public string ApiPassphrase { get; init; } = "fake-passphrase-Qw!1";
    /// <summary>The key version the fake's key has ("2" or "3"); requests must send this KC-API-KEY-VERSION.</summary>
    public string KeyVersion { get; init; } = "3";
    public int PublicPoolQuota { get; init; } = 2000;
    public int FuturesPoolQuota { get; init; } = 2000;
    /// <summary>Length of a rate-limit window (KuCoin: 30 s), starting at the first request of the window.</summary>
    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromSeconds(5);
    public decimal InitialBalance { get; init; } = 10_000m;
    public decimal TakerFeeRate { get; init; } = 0.0006m;
    public decimal MakerFeeRate { get; init; } = 0.0002m;
    /// <summary>Clock of the fake (windows, order times, timestamp check). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>Kinds of injected faults.</summary>
public enum FakeFaultKind
{
    /// <summary>HTTP 429 / code 429000 with gw-ratelimit-* headers; the request is not processed.</summary>
    RateLimited = 0,
    /// <summary>The request is processed (e.g. the order is accepted), then the response is held and the connection aborted.</summary>
    AcceptThenDropResponse = 1,
    /// <summary>HTTP 503 / code 500000 before processing (nothing happens).</summary>
    ServerErrorBeforeProcessing = 2,
    /// <summary>The request is processed, then HTTP 500 / code 500000 is answered.</summary>
    ServerErrorAfterProcessing = 3,
    /// <summary>The request is processed, then a truncated (malformed) JSON body is answered with HTTP 200.</summary>
    MalformedJsonAfterProcessing = 4,
    /// <summary>The request is answered normally, but only after <see cref="FakeFault.Delay"/>.</summary>
    SlowResponse = 5,
}

/// <summary>
/// A fault rule: applies to requests matching Method/Path (null = any); fires on every <see cref="Every"/>-th matching
/// request, at most <see cref="Count"/> times.
/// </summary>
public sealed class FakeFault
{
    public FakeFault(FakeFaultKind kind) => Kind = kind;

    public FakeFaultKind Kind { get; }
    public string? Method { get; init; }
    public string? Path { get; init; }
    public int Count { get; init; } = 1;
    public int Every { get; init; } = 1;
    /// <summary>For RateLimited: the reset countdown reported in gw-ratelimit-reset.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>For SlowResponse: how long the answer is held.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(200);

    internal int Seen { get; set; }
    internal int Fired { get; set; }

    /// <summary>How many times this fault has fired so far.</summary>
    public int TimesFired => Fired;
}

/// <summary>One request as the fake saw it.</summary>
public sealed record FakeRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    string Query,
    string Pool,
    int Weight,
    int HttpStatus,
    string Code,
    bool Authenticated,
    string? Fault);

/// <summary>An order (normal or stop) as the fake holds it.</summary>
public sealed record FakeOrder
{
    public required string Id { get; init; }
    public required string ClientOid { get; init; }
    public required string Symbol { get; init; }
    /// <summary>buy | sell.</summary>
    public required string Side { get; init; }
    /// <summary>limit | market.</summary>
    public required string Type { get; init; }
    public decimal? Price { get; init; }
    public required decimal Size { get; init; }
    public decimal FilledSize { get; init; }
    public decimal FilledValue { get; init; }
    public decimal AvgDealPrice { get; init; }
    public int Leverage { get; init; } = 1;
    public bool ReduceOnly { get; init; }
    public bool CloseOrder { get; init; }
    /// <summary>down | up for stop orders.</summary>
    public string? Stop { get; init; }
    public decimal? StopPrice { get; init; }
    public string? StopPriceType { get; init; }
    public bool StopTriggered { get; init; }
    /// <summary>open | done.</summary>
    public string Status { get; init; } = "open";
    public bool CancelExist { get; init; }
    public string MarginMode { get; init; } = "ISOLATED";
    public string? Remark { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndAt { get; init; }
    /// <summary>Queries see the order only from this time (visibility-lag fault).</summary>
    public DateTimeOffset VisibleAt { get; init; }

    public bool IsActive => Status == "open";
}

public sealed record FakeFill
{
    public required string TradeId { get; init; }
    public required string OrderId { get; init; }
    public required string Symbol { get; init; }
    public required string Side { get; init; }
    public required decimal Price { get; init; }
    public required decimal Size { get; init; }
    public required decimal Value { get; init; }
    public required decimal Fee { get; init; }
    public required decimal FeeRate { get; init; }
    public required string Liquidity { get; init; }
    public required string OrderType { get; init; }
    public required DateTimeOffset Time { get; init; }
    public DateTimeOffset VisibleAt { get; init; }
}

public sealed record FakePosition
{
    public required string Symbol { get; init; }
    /// <summary>Signed lots (negative = short).</summary>
    public decimal CurrentQty { get; init; }
    public decimal AvgEntryPrice { get; init; }
    public decimal RealisedPnl { get; init; }
    public int Leverage { get; init; } = 1;
    public DateTimeOffset OpenedAt { get; init; }
}
