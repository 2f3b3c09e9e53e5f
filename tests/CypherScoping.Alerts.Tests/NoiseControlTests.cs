using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using FsCheck;
using FsCheck.Fluent;

namespace CypherScoping.Alerts.Tests;

public class NoiseControlTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Same_key_inside_the_window_is_suppressed_and_after_it_is_sent()
    {
        var window = TimeSpan.FromMinutes(10);
        Assert.Equal(DedupVerdict.Send, NoiseControl.Dedup(null, T0, window));
        Assert.Equal(DedupVerdict.Suppress, NoiseControl.Dedup(new DedupState(T0, 0), T0.AddMinutes(9), window));
        Assert.Equal(DedupVerdict.Send, NoiseControl.Dedup(new DedupState(T0, 3), T0.AddMinutes(10), window));
    }

    [Fact]
    public void Plan_sends_critical_first_and_folds_only_non_critical_above_the_limit()
    {
        var queue = new[]
        {
            new QueuedDelivery(1, AlertSeverity.Info, T0),
            new QueuedDelivery(2, AlertSeverity.Warning, T0.AddSeconds(1)),
            new QueuedDelivery(3, AlertSeverity.Critical, T0.AddSeconds(2)),
            new QueuedDelivery(4, AlertSeverity.Critical, T0.AddSeconds(3)),
        };
        var plan = NoiseControl.Plan(queue, sentInWindow: 1, limitPerMinute: 2);
        Assert.Equal([3L, 4L, 2L, 1L], plan.Select(p => p.Item.Id));
        Assert.Equal([RateVerdict.Send, RateVerdict.Send, RateVerdict.Fold, RateVerdict.Fold], plan.Select(p => p.Verdict));
    }

    [Fact]
    public void Plan_properties_criticals_never_fold_and_non_critical_sends_respect_the_budget()
    {
        var gen =
            from severities in Gen.ListOf(Gen.Elements(AlertSeverity.Info, AlertSeverity.Warning, AlertSeverity.Critical))
            from sent in Gen.Choose(0, 30)
            from limit in Gen.Choose(1, 20)
            select (severities, sent, limit);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (severities, sent, limit) = input;
            var queue = severities.Select((s, i) => new QueuedDelivery(i, s, T0.AddSeconds(i))).ToList();
            var plan = NoiseControl.Plan(queue, sent, limit);
            var criticalsAllSent = plan.Where(p => p.Item.Severity == AlertSeverity.Critical).All(p => p.Verdict == RateVerdict.Send);
            var criticalCount = queue.Count(q => q.Severity == AlertSeverity.Critical);
            var nonCriticalSent = plan.Count(p => p.Item.Severity != AlertSeverity.Critical && p.Verdict == RateVerdict.Send);
            var budgetKept = nonCriticalSent <= Math.Max(0, limit - sent - criticalCount);
            var nothingLost = plan.Count == queue.Count;
            var criticalFirst = plan.TakeWhile(p => p.Item.Severity == AlertSeverity.Critical).Count() == criticalCount;
            return criticalsAllSent && budgetKept && nothingLost && criticalFirst;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Summary_counts_every_folded_alert()
    {
        var folded = new[]
        {
            AlertRig.Make(AlertSeverity.Warning, "a", "A") with { Count = 2 },
            AlertRig.Make(AlertSeverity.Info, "b", "B"),
            AlertRig.Make(AlertSeverity.Warning, "a", "A"),
        };
        var summary = NoiseControl.Summary("slack", folded, T0);
        Assert.Equal(4, summary.Count);
        Assert.Equal(AlertSeverity.Warning, summary.Severity);
        Assert.Contains(summary.Fields, f => f.Name == "WARNING ×3" && f.Value == "A");
        Assert.Contains(summary.Fields, f => f.Name == "INFO ×1" && f.Value == "B");
    }
}
