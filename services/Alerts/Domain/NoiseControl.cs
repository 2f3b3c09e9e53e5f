using System.Globalization;
using CypherScoping.Contracts;

namespace CypherScoping.Alerts.Domain;

/// <summary>The remembered state of one alert key (de-duplication window).</summary>
public sealed record DedupState(DateTimeOffset WindowStart, int Suppressed);

public enum DedupVerdict
{
    /// <summary>First of its key in the window: send now.</summary>
    Send = 0,
    /// <summary>Same key inside the window: count it; it goes out later as one "repeated N×" message.</summary>
    Suppress = 1,
}

/// <summary>One queued delivery for a channel, as the rate limiter sees it.</summary>
public sealed record QueuedDelivery(long Id, AlertSeverity Severity, DateTimeOffset CreatedAt);

public enum RateVerdict
{
    Send = 0,
    /// <summary>Over the channel's rate: folded into the next summary message.</summary>
    Fold = 1,
}

/// <summary>
/// Noise control as pure decisions: de-duplication by key within a window, and a per-channel rate limit
/// (N messages per sliding minute) that folds the excess into a summary. Critical alerts are never folded and
/// are sent before anything else in the queue.
/// </summary>
public static class NoiseControl
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    public static DedupVerdict Dedup(DedupState? state, DateTimeOffset now, TimeSpan window) =>
        state is null || now >= state.WindowStart + window ? DedupVerdict.Send : DedupVerdict.Suppress;

    /// <summary>
    /// Order the queue (critical first, then by age) and decide each item. <paramref name="sentInWindow"/> is how
    /// many messages the channel sent in the last minute; criticals are sent even above the limit (and count).
    /// </summary>
    public static IReadOnlyList<(QueuedDelivery Item, RateVerdict Verdict)> Plan(IEnumerable<QueuedDelivery> queue, int sentInWindow, int limitPerMinute)
    {
        var plan = new List<(QueuedDelivery, RateVerdict)>();
        var sent = sentInWindow;
        foreach (var item in queue.OrderByDescending(q => q.Severity).ThenBy(q => q.CreatedAt).ThenBy(q => q.Id))
        {
            if (item.Severity == AlertSeverity.Critical || sent < limitPerMinute)
            {
                plan.Add((item, RateVerdict.Send));
                sent++;
            }
            else
            {
                plan.Add((item, RateVerdict.Fold));
            }
        }

        return plan;
    }

    /// <summary>The "repeated N×" message for occurrences suppressed by de-duplication.</summary>
    public static Alert Repeat(Alert last, int suppressed, TimeSpan window) => last with
    {
        AlertId = Guid.NewGuid(),
        Count = suppressed,
        Title = $"{last.Title} (repeated {suppressed}× more within {window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min)",
    };

    /// <summary>One summary for alerts folded by a channel's rate limit; its count is the sum of theirs.</summary>
    public static Alert Summary(string channel, IReadOnlyList<Alert> folded, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfZero(folded.Count);
        var total = folded.Sum(a => a.Count);
        var severity = folded.Max(a => a.Severity);
        var lines = folded
            .GroupBy(a => (a.Severity, a.Title))
            .OrderByDescending(g => g.Key.Severity).ThenByDescending(g => g.Sum(a => a.Count))
            .Take(10)
            .Select(g => new AlertField($"{AlertSeverities.Label(g.Key.Severity)} ×{g.Sum(a => a.Count).ToString(CultureInfo.InvariantCulture)}", g.Key.Title))
            .ToList();
        var groups = folded.GroupBy(a => (a.Severity, a.Title)).Count();
        if (groups > lines.Count)
        {
            lines.Add(new AlertField("…", $"{groups - lines.Count} more kinds (see the audit trail)"));
        }

        return new Alert
        {
            Key = $"summary:{channel}",
            Severity = severity,
            Title = $"{total} alert(s) held back by the {channel} rate limit",
            WhatToDo = "Many alerts in a short time: look at the audit trail (cypher audit) and the log for the full list.",
            Fields = lines,
            CorrelationId = folded[^1].CorrelationId,
            OccurredAt = now,
            Source = "alert_summary",
            Count = total,
        };
    }
}
