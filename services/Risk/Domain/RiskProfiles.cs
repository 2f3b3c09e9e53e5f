namespace CypherScoping.Risk.Domain;

/// <summary>When a human has to approve an entry.</summary>
public enum ApprovalMode
{
    None = 0,
    EveryTrade = 1,
    AboveThreshold = 2,
}

/// <summary>One row of the phase-profile table (architecture §8), for one ramp day.</summary>
public sealed record RiskProfile(
    string Name,
    decimal MaxExposureRatio,
    decimal MaxRiskPerTrade,
    decimal BreakerThreshold,
    int MaxLeverage,
    int? DailyTrades,
    ApprovalMode Approval);

/// <summary>
/// The phase profiles and the ramp calendar: ramp day 1–3 is live-conservative (3, 10, 20 trades; approval of
/// every trade on days 1–2, above the notional threshold on day 3), days 4–7 live-moderate, day 8 on live-normal.
/// </summary>
public static class RiskProfiles
{
    public const string Paper = "paper";
    public const string LiveConservative = "live-conservative";
    public const string LiveModerate = "live-moderate";
    public const string LiveNormal = "live-normal";

    public static IReadOnlyList<string> Names { get; } = [Paper, LiveConservative, LiveModerate, LiveNormal];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(Normalize(name));

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public static bool IsLive(string name) => Normalize(name) != Paper;

    /// <summary>The ramp day a profile starts on (0 for paper, which has no ramp).</summary>
    public static int FirstRampDay(string name) => Normalize(name) switch
    {
        LiveConservative => 1,
        LiveModerate => 4,
        LiveNormal => 8,
        _ => 0,
    };

    /// <summary>The live profile for a ramp day.</summary>
    public static string ForRampDay(int day) => day <= 3 ? LiveConservative : day <= 7 ? LiveModerate : LiveNormal;

    /// <summary>The profile's limits on a ramp day (live-conservative's caps and approvals depend on the day).</summary>
    public static RiskProfile Get(string name, int rampDay) => Normalize(name) switch
    {
        Paper => new(Paper, 0.8m, 0.02m, 0.15m, 5, null, ApprovalMode.None),
        LiveConservative => Math.Max(rampDay, 1) switch
        {
            1 => new(LiveConservative, 0.5m, 0.01m, 0.10m, 5, 3, ApprovalMode.EveryTrade),
            2 => new(LiveConservative, 0.5m, 0.01m, 0.10m, 5, 10, ApprovalMode.EveryTrade),
            _ => new(LiveConservative, 0.5m, 0.01m, 0.10m, 5, 20, ApprovalMode.AboveThreshold),
        },
        LiveModerate => new(LiveModerate, 0.65m, 0.015m, 0.10m, 10, 30, ApprovalMode.AboveThreshold),
        LiveNormal => new(LiveNormal, 0.8m, 0.02m, 0.15m, 10, null, ApprovalMode.None),
        _ => throw new ArgumentException($"unknown risk profile '{name}'", nameof(name)),
    };
}
