using System.Globalization;

namespace CypherScoping.Auditor;

/// <summary>Section "Audit": the JSONL mirror, the writer, the daily health report, the paper gate thresholds.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>JSONL mirror of the trail (AUDIT_LOG_PATH).</summary>
    public string LogPath { get; set; } = "runtime/audit.log";

    /// <summary>Most rows committed in one transaction by the single writer.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Messages each audit endpoint handles at once (they wait for the batch commit, so this feeds the batches).</summary>
    public int ConcurrentMessageLimit { get; set; } = 128;

    /// <summary>
    /// How long the writer waits for an unreachable database (retrying the same batch, messages unacknowledged)
    /// before failing the batch back to the bus. Longer than a database restart, so an outage loses nothing.
    /// </summary>
    public int DatabaseOutageSeconds { get; set; } = 300;

    public bool HealthReportEnabled { get; set; } = true;

    /// <summary>UTC time of day (HH:mm) when the daily strategy health report is published.</summary>
    public string HealthReportTimeUtc { get; set; } = "00:05";

    public GateOptions Gate { get; set; } = new();

    public HealthOptions Health { get; set; } = new();

    public TimeOnly HealthReportTime =>
        TimeOnly.TryParseExact(HealthReportTimeUtc, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : new TimeOnly(0, 5);

    /// <summary>Every problem at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(LogPath))
        {
            errors.Add("Audit:LogPath (AUDIT_LOG_PATH) must not be empty");
        }

        if (BatchSize is < 1 or > 50_000)
        {
            errors.Add($"Audit:BatchSize={BatchSize}: must be between 1 and 50000");
        }

        if (DatabaseOutageSeconds is < 0 or > 3600)
        {
            errors.Add($"Audit:DatabaseOutageSeconds={DatabaseOutageSeconds}: must be between 0 and 3600");
        }

        if (ConcurrentMessageLimit is < 1 or > 10_000)
        {
            errors.Add($"Audit:ConcurrentMessageLimit={ConcurrentMessageLimit}: must be between 1 and 10000");
        }

        if (!TimeOnly.TryParseExact(HealthReportTimeUtc, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"Audit:HealthReportTimeUtc={HealthReportTimeUtc}: must be a UTC time of day like 00:05");
        }

        errors.AddRange(Gate.Validate());
        errors.AddRange(Health.Validate());
        return errors;
    }
}

/// <summary>Section "Audit:Gate": the paper-trading go/no-go thresholds.</summary>
public sealed class GateOptions
{
    public int MinOrdersPlaced { get; set; } = 100;
    public int MaxSystemErrors { get; set; }
    public int MaxDuplicateOrders { get; set; }
    public int MaxDeniedSymbolOrders { get; set; }
    public int MaxRateLimitErrors { get; set; }

    /// <summary>Fraction of closed trades that won (0.55 = 55 %).</summary>
    public decimal MinWinRate { get; set; } = 0.55m;

    public decimal MinProfitFactor { get; set; } = 1.5m;

    /// <summary>Equity the drawdown is measured from (Paper:InitialEquity).</summary>
    public decimal StartingEquity { get; set; } = 10_000m;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinOrdersPlaced < 0 || MaxSystemErrors < 0 || MaxDuplicateOrders < 0 || MaxDeniedSymbolOrders < 0 || MaxRateLimitErrors < 0)
        {
            errors.Add("Audit:Gate counts must not be negative");
        }

        if (MinWinRate is < 0m or > 1m)
        {
            errors.Add($"Audit:Gate:MinWinRate={MinWinRate}: a fraction between 0 and 1 (0.55 = 55 %)");
        }

        if (MinProfitFactor < 0m)
        {
            errors.Add($"Audit:Gate:MinProfitFactor={MinProfitFactor}: must not be negative");
        }

        if (StartingEquity <= 0m)
        {
            errors.Add($"Audit:Gate:StartingEquity={StartingEquity}: must be positive");
        }

        return errors;
    }
}

/// <summary>Section "Audit:Health": the strategy health check (window and action thresholds).</summary>
public sealed class HealthOptions
{
    /// <summary>The most recent closed trades the report looks at.</summary>
    public int RecentTrades { get; set; } = 50;

    /// <summary>Below this many trades the report says continue (not enough evidence).</summary>
    public int MinTrades { get; set; } = 10;

    public decimal StartingEquity { get; set; } = 10_000m;

    public decimal AlertWinRate { get; set; } = 0.50m;
    public decimal AlertProfitFactor { get; set; } = 1.3m;
    public decimal AlertDrawdown { get; set; } = 0.10m;
    public decimal RollbackWinRate { get; set; } = 0.40m;
    public decimal RollbackProfitFactor { get; set; } = 1.0m;
    public decimal RollbackDrawdown { get; set; } = 0.15m;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RecentTrades < 1)
        {
            errors.Add($"Audit:Health:RecentTrades={RecentTrades}: must be at least 1");
        }

        if (MinTrades < 0)
        {
            errors.Add($"Audit:Health:MinTrades={MinTrades}: must not be negative");
        }

        if (StartingEquity <= 0m)
        {
            errors.Add($"Audit:Health:StartingEquity={StartingEquity}: must be positive");
        }

        foreach (var (name, value) in new[] { ("AlertWinRate", AlertWinRate), ("RollbackWinRate", RollbackWinRate), ("AlertDrawdown", AlertDrawdown), ("RollbackDrawdown", RollbackDrawdown) })
        {
            if (value is < 0m or > 1m)
            {
                errors.Add($"Audit:Health:{name}={value}: a fraction between 0 and 1");
            }
        }

        return errors;
    }
}
