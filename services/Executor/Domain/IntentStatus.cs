namespace CypherScoping.Executor.Domain;

/// <summary>Ledger states of an order intent: reserved → sent → accepted | rejected | unknown → filled | cancelled.</summary>
public static class IntentStatus
{
    public const string Reserved = "reserved";
    public const string Sent = "sent";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";
    public const string Filled = "filled";
    public const string Cancelled = "cancelled";

    /// <summary>States that startup reconciliation must resolve with the exchange.</summary>
    public static IReadOnlyList<string> NonFinal { get; } = [Reserved, Sent, Unknown, Accepted];

    public static bool IsFinal(string status) => status is Rejected or Filled or Cancelled;
}

/// <summary>Why an intent exists.</summary>
public static class IntentPurpose
{
    public const string Entry = "entry";
    public const string Exit = "exit";
    public const string Flatten = "flatten";
}

/// <summary>PositionClosed.ExitReason values.</summary>
public static class ExitReasons
{
    public const string StopLoss = "stop_loss";
    public const string TakeProfit = "take_profit";
    public const string Flatten = "flatten";
    public const string Signal = "signal";
    public const string Manual = "manual";
}
