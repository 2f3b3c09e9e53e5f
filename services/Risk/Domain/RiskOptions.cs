namespace CypherScoping.Risk.Domain;

/// <summary>
/// Section "Risk". Nullable limits are "not configured": the phase profile decides them. A value given
/// explicitly always wins over the profile (architecture §8), except that leverage is the minimum of every
/// ceiling and manual approval is required when either the profile or the setting asks for it.
/// </summary>
public sealed class RiskOptions
{
    public const string SectionName = "Risk";

    /// <summary>paper, live-conservative, live-moderate, live-normal (default: paper in paper mode, live-conservative in live).</summary>
    public string? Profile { get; set; }

    public decimal? MaxExposureRatio { get; set; }

    public decimal? MaxRiskPerTrade { get; set; }

    /// <summary>Minimum order size in base-asset units.</summary>
    public decimal MinPositionSize { get; set; } = 0.01m;

    /// <summary>Drawdown (fraction) from the equity high-water mark that halts trading.</summary>
    public decimal? CircuitBreakerThreshold { get; set; }

    public int CircuitBreakerCooldownSeconds { get; set; } = 3600;

    /// <summary>Drawdown in percent that raises a warning.</summary>
    public decimal MaxDrawdownPercent { get; set; } = 10m;

    public bool RequireManualApproval { get; set; }

    /// <summary>Entries per UTC day; null = the profile decides (unlimited in paper). 0 means no entries at all.</summary>
    public int? MaxDailyTrades { get; set; }

    public int? MaxLeverage { get; set; }

    public int ApprovalTtlSeconds { get; set; } = 120;

    public decimal ApprovalPriceBandPercent { get; set; } = 0.5m;

    /// <summary>Notional (USDT) above which "above threshold" profiles ask for approval.</summary>
    public decimal ApprovalNotionalThreshold { get; set; } = 1000m;

    /// <summary>Lifetime of an OrderApproved before the Executor must refuse it.</summary>
    public int OrderTtlSeconds { get; set; } = 30;

    /// <summary>Paper win rate (fraction 0..1) the live win rate is compared with; null disables win-rate checks.</summary>
    public decimal? WinRateBaseline { get; set; }

    /// <summary>Closed trades in the rolling win-rate window.</summary>
    public int WinRateWindow { get; set; } = 20;

    public int ConsecutiveLossLimit { get; set; } = 3;

    public int ApiErrorLimit { get; set; } = 5;

    public int ApiErrorWindowSeconds { get; set; } = 3600;

    /// <summary>Let the live ramp move the profile day by day.</summary>
    public bool RampEnabled { get; set; } = true;

    /// <summary>Every problem with these values (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Profile is not null && !RiskProfiles.IsKnown(Profile))
        {
            problems.Add($"RISK_PROFILE={Profile}: must be one of {string.Join(", ", RiskProfiles.Names)}");
        }

        Check(MaxExposureRatio is null or (> 0m and <= 10m), "MAX_EXPOSURE_RATIO must be in (0, 10]");
        Check(MaxRiskPerTrade is null or (> 0m and <= 0.5m), "MAX_RISK_PER_TRADE must be in (0, 0.5]");
        Check(MinPositionSize >= 0m, "MIN_POSITION_SIZE must not be negative");
        Check(CircuitBreakerThreshold is null or (> 0m and <= 1m), "CIRCUIT_BREAKER_THRESHOLD must be in (0, 1]");
        Check(CircuitBreakerCooldownSeconds > 0, "CIRCUIT_BREAKER_COOLDOWN must be positive");
        Check(MaxDrawdownPercent is > 0m and <= 100m, "MAX_DRAWDOWN_PERCENT must be in (0, 100]");
        Check(MaxDailyTrades is null or >= 0, "MAX_DAILY_TRADES must not be negative");
        Check(MaxLeverage is null or (>= 1 and <= RiskLimits.HardMaxLeverage), $"MAX_LEVERAGE must be in [1, {RiskLimits.HardMaxLeverage}]");
        Check(ApprovalTtlSeconds > 0, "Risk:ApprovalTtlSeconds must be positive");
        Check(ApprovalPriceBandPercent is > 0m and <= 50m, "Risk:ApprovalPriceBandPercent must be in (0, 50]");
        Check(ApprovalNotionalThreshold >= 0m, "Risk:ApprovalNotionalThreshold must not be negative");
        Check(OrderTtlSeconds > 0, "Risk:OrderTtlSeconds must be positive");
        Check(WinRateBaseline is null or (>= 0m and <= 1m), "Risk:WinRateBaseline must be a fraction in [0, 1]");
        Check(WinRateWindow > 0, "Risk:WinRateWindow must be positive");
        Check(ConsecutiveLossLimit > 0, "Risk:ConsecutiveLossLimit must be positive");
        Check(ApiErrorLimit > 0, "Risk:ApiErrorLimit must be positive");
        Check(ApiErrorWindowSeconds > 0, "Risk:ApiErrorWindowSeconds must be positive");
        return problems;

        void Check(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }
    }
}
