using CypherScoping.Domain;

namespace CypherScoping.Risk.Domain;

/// <summary>The limits in force: the profile for the current ramp day, overridden by explicit configuration.</summary>
public sealed record RiskLimits
{
    public const int HardMaxLeverage = HardLimits.MaxLeverage;

    public required string Profile { get; init; }
    public required int RampDay { get; init; }
    public required decimal MaxExposureRatio { get; init; }
    public required decimal MaxRiskPerTrade { get; init; }
    public required decimal MinPositionSize { get; init; }
    public required decimal BreakerThreshold { get; init; }
    /// <summary>Drawdown (fraction) that raises a warning event.</summary>
    public required decimal DrawdownWarning { get; init; }
    /// <summary>min(profile maximum, MAX_LEVERAGE, 20); the contract maximum is applied per signal.</summary>
    public required int LeverageCap { get; init; }
    public required int? DailyTrades { get; init; }
    public required ApprovalMode Approval { get; init; }
    public required decimal ApprovalNotionalThreshold { get; init; }
    public required TimeSpan ApprovalTtl { get; init; }
    public required decimal PriceBandPercent { get; init; }
    public required TimeSpan OrderTtl { get; init; }
    public required TimeSpan Cooldown { get; init; }
    public required int ConsecutiveLossLimit { get; init; }
    public required int ApiErrorLimit { get; init; }
    public required TimeSpan ApiErrorWindow { get; init; }
    public required decimal? WinRateBaseline { get; init; }
    public required int WinRateWindow { get; init; }
    public required bool RampEnabled { get; init; }

    public static RiskLimits Resolve(RiskOptions options, string profileName, int rampDay)
    {
        var profile = RiskProfiles.Get(profileName, rampDay);
        return new RiskLimits
        {
            Profile = profile.Name,
            RampDay = rampDay,
            MaxExposureRatio = options.MaxExposureRatio ?? profile.MaxExposureRatio,
            MaxRiskPerTrade = options.MaxRiskPerTrade ?? profile.MaxRiskPerTrade,
            MinPositionSize = options.MinPositionSize,
            BreakerThreshold = options.CircuitBreakerThreshold ?? profile.BreakerThreshold,
            DrawdownWarning = options.MaxDrawdownPercent / 100m,
            LeverageCap = Math.Min(Math.Min(profile.MaxLeverage, options.MaxLeverage ?? HardMaxLeverage), HardMaxLeverage),
            DailyTrades = options.MaxDailyTrades ?? profile.DailyTrades,
            Approval = options.RequireManualApproval ? ApprovalMode.EveryTrade : profile.Approval,
            ApprovalNotionalThreshold = options.ApprovalNotionalThreshold,
            ApprovalTtl = TimeSpan.FromSeconds(options.ApprovalTtlSeconds),
            PriceBandPercent = options.ApprovalPriceBandPercent,
            OrderTtl = TimeSpan.FromSeconds(options.OrderTtlSeconds),
            Cooldown = TimeSpan.FromSeconds(options.CircuitBreakerCooldownSeconds),
            ConsecutiveLossLimit = options.ConsecutiveLossLimit,
            ApiErrorLimit = options.ApiErrorLimit,
            ApiErrorWindow = TimeSpan.FromSeconds(options.ApiErrorWindowSeconds),
            WinRateBaseline = options.WinRateBaseline,
            WinRateWindow = options.WinRateWindow,
            RampEnabled = options.RampEnabled,
        };
    }
}
