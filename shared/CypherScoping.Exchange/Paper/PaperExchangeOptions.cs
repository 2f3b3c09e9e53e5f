namespace CypherScoping.Exchange.Paper;

/// <summary>Section "Paper": the simulated account and fill model of the paper exchange.</summary>
public sealed class PaperExchangeOptions
{
    public const string SectionName = "Paper";

    /// <summary>Starting wallet balance in USDT.</summary>
    public decimal InitialEquity { get; set; } = 10_000m;

    /// <summary>Slippage applied against the trader on every market (and triggered stop) fill, in basis points.</summary>
    public decimal SlippageBps { get; set; } = 2m;

    /// <summary>Funding rate charged per funding interval on the position's notional (positive: longs pay shorts).</summary>
    public decimal FundingRate { get; set; } = 0.0001m;

    /// <summary>Hours between funding settlements (KuCoin: 8, at 00:00, 08:00 and 16:00 UTC).</summary>
    public int FundingIntervalHours { get; set; } = 8;

    /// <summary>Every problem with these values (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (InitialEquity <= 0)
        {
            errors.Add($"Paper:InitialEquity must be positive (got {InitialEquity})");
        }

        if (SlippageBps is < 0 or > 1000)
        {
            errors.Add($"Paper:SlippageBps must be between 0 and 1000 (got {SlippageBps})");
        }

        if (FundingRate is < -0.05m or > 0.05m)
        {
            errors.Add($"Paper:FundingRate must be between -0.05 and 0.05 per interval (got {FundingRate})");
        }

        if (FundingIntervalHours is < 1 or > 24)
        {
            errors.Add($"Paper:FundingIntervalHours must be between 1 and 24 (got {FundingIntervalHours})");
        }

        return errors;
    }
}
