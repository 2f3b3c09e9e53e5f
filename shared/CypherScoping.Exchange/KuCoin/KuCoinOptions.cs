namespace CypherScoping.Exchange.KuCoin;

/// <summary>Section "KuCoin": credentials, host, concurrency and rate-limit budget of the futures REST client.</summary>
public sealed class KuCoinOptions
{
    public const string SectionName = "KuCoin";

    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }
    public string? ApiPassphrase { get; set; }
    /// <summary>"2" or "3" (as shown on KuCoin's API-management page).</summary>
    public string KeyVersion { get; set; } = "3";
    public string BaseUrl { get; set; } = "https://api-futures.kucoin.com";
    public int MaxConcurrentCalls { get; set; } = 3;
    public int PublicPoolQuota { get; set; } = 2000;
    public int FuturesPoolQuota { get; set; } = 2000;
    public int RequestTimeoutSeconds { get; set; } = 10;
    /// <summary>Sub-second request timeout for tests (wins over RequestTimeoutSeconds when set).</summary>
    public int? RequestTimeoutMilliseconds { get; set; }
    /// <summary>Rate-limit window (KuCoin: 30 s).</summary>
    public int RateLimitWindowMilliseconds { get; set; } = 30_000;
    /// <summary>Longest single wait for a pool reset after 429 (bounded back-off).</summary>
    public int MaxRateLimitWaitMilliseconds { get; set; } = 30_000;
    /// <summary>How often a request refused with 429 is retried (after waiting the reset) before E_RATE_LIMITED.</summary>
    public int MaxRateLimitRetries { get; set; } = 3;
    /// <summary>Share of each pool kept for cancels and closes when the budget is short.</summary>
    public decimal PriorityReserveRatio { get; set; } = 0.1m;
    /// <summary>Retries of idempotent reads (GET) after a timeout, 5xx or malformed body.</summary>
    public int ReadRetries { get; set; } = 2;
    /// <summary>Contract list cache lifetime.</summary>
    public int ContractCacheSeconds { get; set; } = 300;
    /// <summary>Re-sync the server-time offset this often.</summary>
    public int TimeSyncSeconds { get; set; } = 600;

    public TimeSpan RequestTimeout => RequestTimeoutMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(RequestTimeoutSeconds);

    public TimeSpan RateLimitWindow => TimeSpan.FromMilliseconds(RateLimitWindowMilliseconds);

    public TimeSpan MaxRateLimitWait => TimeSpan.FromMilliseconds(MaxRateLimitWaitMilliseconds);

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret) && !string.IsNullOrWhiteSpace(ApiPassphrase);

    /// <summary>The flat variable names of missing credentials (KUCOIN_API_KEY, …).</summary>
    public IReadOnlyList<string> MissingCredentials()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            missing.Add("KUCOIN_API_KEY");
        }

        if (string.IsNullOrWhiteSpace(ApiSecret))
        {
            missing.Add("KUCOIN_API_SECRET");
        }

        if (string.IsNullOrWhiteSpace(ApiPassphrase))
        {
            missing.Add("KUCOIN_API_PASSPHRASE");
        }

        return missing;
    }

    /// <summary>Every problem with these options; live mode requires credentials (E_MISSING_CREDENTIALS).</summary>
    public IReadOnlyList<string> Validate(bool live)
    {
        var problems = new List<string>();
        var missing = MissingCredentials();
        if (live && missing.Count > 0)
        {
            problems.Add($"{Domain.ErrorCodes.MissingCredentials}: live mode needs {string.Join(", ", missing)}");
        }

        if (KeyVersion is not ("2" or "3"))
        {
            problems.Add($"{Domain.ErrorCodes.InvalidConfig}: KUCOIN_API_KEY_VERSION must be 2 or 3");
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Domain.ErrorCodes.InvalidConfig}: KUCOIN_API_BASE_URL is not an http(s) URL");
        }

        if (MaxConcurrentCalls < 1 || PublicPoolQuota < 1 || FuturesPoolQuota < 1 || RateLimitWindowMilliseconds < 1)
        {
            problems.Add($"{Domain.ErrorCodes.InvalidConfig}: KuCoin concurrency, pool quotas and window must be positive");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Domain.ErrorCodes.InvalidConfig}: KUCOIN_REQUEST_TIMEOUT_SECONDS must be positive");
        }

        return problems;
    }

    /// <summary>No secret in ToString (options objects sometimes end up in logs).</summary>
    public override string ToString() => $"KuCoin(BaseUrl={BaseUrl}, KeyVersion={KeyVersion}, credentials={(HasCredentials ? "set" : "missing")})";
}
