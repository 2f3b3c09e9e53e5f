using CypherScoping.Contracts;

namespace CypherScoping.Alerts.Domain;

/// <summary>One line of an alert's key facts (shown as a Slack field, an e-mail line, a log property).</summary>
public sealed record AlertField(string Name, string Value);

/// <summary>
/// What a human must see: a severity, a title, a one-line "what to do", the key facts and the correlation id.
/// <see cref="Key"/> identifies "the same alert" for de-duplication; <see cref="Count"/> is how many occurrences
/// this one message stands for (repeats folded by de-duplication, or alerts folded into a rate-limit summary).
/// </summary>
public sealed record Alert
{
    public Guid AlertId { get; init; } = Guid.NewGuid();
    public required string Key { get; init; }
    public required AlertSeverity Severity { get; init; }
    public required string Title { get; init; }
    public required string WhatToDo { get; init; }
    public IReadOnlyList<AlertField> Fields { get; init; } = [];
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>The event that raised it (audit event type: circuit_breaker, trading_state_changed, …) or "test".</summary>
    public required string Source { get; init; }
    public int Count { get; init; } = 1;
}

public static class AlertSeverities
{
    public static string Label(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => "CRITICAL",
        AlertSeverity.Warning => "WARNING",
        _ => "INFO",
    };

    /// <summary>Parse info | warning | critical (case-insensitive; warn accepted).</summary>
    public static bool TryParse(string? text, out AlertSeverity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "info" or "information":
                severity = AlertSeverity.Info;
                return true;
            case "warning" or "warn":
                severity = AlertSeverity.Warning;
                return true;
            case "critical" or "crit":
                severity = AlertSeverity.Critical;
                return true;
            default:
                severity = AlertSeverity.Info;
                return false;
        }
    }

    public static AlertSeverity Max(AlertSeverity a, AlertSeverity b) => a >= b ? a : b;
}
