namespace CypherScoping.Executor;

/// <summary>Section "Executor": bounded polling and flatten rounds (look-ups of unknown orders: KuCoin:Reconciliation). Delays apply only to a live exchange.</summary>
public sealed class ExecutorOptions
{
    public const string SectionName = "Executor";

    /// <summary>Reads of a just-accepted order to learn its fill.</summary>
    public int FillPollAttempts { get; set; } = 5;

    public int FillPollDelayMs { get; set; } = 500;

    /// <summary>Rounds of cancel + close + re-read before flatten reports what is still open.</summary>
    public int FlattenAttempts { get; set; } = 5;

    public int FlattenDelayMs { get; set; } = 1000;

    /// <summary>
    /// Approvals and candles processed at once (different symbols; the same symbol is always one at a time).
    /// 1 makes a paper run bit-for-bit repeatable (order ids and snapshot order do not depend on thread timing).
    /// </summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>AccountSnapshot timer in live mode (seconds; 0 = off).</summary>
    public int SnapshotIntervalSeconds { get; set; } = 60;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (FillPollAttempts is < 1 or > 50)
        {
            errors.Add("Executor:FillPollAttempts must be 1..50");
        }

        if (Concurrency is < 1 or > 64)
        {
            errors.Add("Executor:Concurrency must be 1..64");
        }

        if (FlattenAttempts is < 1 or > 20)
        {
            errors.Add("Executor:FlattenAttempts must be 1..20");
        }

        if (FillPollDelayMs < 0 || FlattenDelayMs < 0 || SnapshotIntervalSeconds < 0)
        {
            errors.Add("Executor delays must not be negative");
        }

        return errors;
    }
}
