using CypherScoping.Messaging;
using CypherScoping.Alerts.Data;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Alerts.Channels;

/// <summary>One delivery attempt of one alert on one channel (becomes AlertSent or AlertFailed).</summary>
public sealed record DeliveryReport(Alert Alert, ChannelResult Result);

/// <summary>
/// Sends alerts through every configured channel right now (no queue, no noise control): used by
/// `cypher alert test` and by the rollback command, which must reach a human whatever the throttle says.
/// </summary>
public sealed class AlertSender(IEnumerable<IAlertChannel> channels)
{
    public IReadOnlyList<IAlertChannel> Channels { get; } = channels.ToList();

    public IReadOnlyList<IAlertChannel> Configured => Channels.Where(c => c.IsConfigured).ToList();

    public IAlertChannel? Find(string name) => Channels.FirstOrDefault(c => c.Name == name);

    /// <summary>Send to every configured channel in parallel; one result per channel, never an exception.</summary>
    public async Task<IReadOnlyList<ChannelResult>> SendToAllAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(Configured.Select(c => c.SendAsync(alert, cancellationToken)));
        return results;
    }
}

/// <summary>
/// The queued path with noise control: intake (inbox + de-duplication + per-channel queue rows, one transaction)
/// and the drain (per channel: critical first, rate limit per minute with the excess folded into one summary,
/// "repeated N×" messages when a de-duplication window ends). State lives in the alerts schema, so a restart
/// neither re-sends nor forgets. One drain at a time per process (the Alerts service runs one replica).
/// </summary>
public sealed partial class AlertDispatcher(
    AlertStore store,
    AlertSender sender,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger) : IDisposable, IBackgroundWork
{
    private readonly SemaphoreSlim _drainGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _unsettled;

    /// <summary>Alerts queued since the delivery worker last finished a drain and published its reports.</summary>
    public int PendingWork => Volatile.Read(ref _unsettled);

    /// <summary>The worker drained and published everything it saw queued (<paramref name="seen"/> = PendingWork before the drain).</summary>
    public void Settled(int seen) => Interlocked.Add(ref _unsettled, -seen);

    public AlertSender Sender => sender;

    /// <summary>Channels that take this severity (configured and at or above their minimum).</summary>
    public IReadOnlyList<string> ChannelsFor(Alert alert) =>
        sender.Configured.Where(c => alert.Severity >= c.Options.MinSeverity).Select(c => c.Name).ToList();

    /// <summary>Accept an alert for delivery. messageKey makes it idempotent per source message.</summary>
    public async Task<IntakeOutcome> SubmitAsync(Alert alert, string? messageKey, CancellationToken cancellationToken = default)
    {
        var outcome = await store.SubmitAsync(alert, messageKey, ChannelsFor(alert), time.GetUtcNow(), options.Value.DedupWindow, cancellationToken);
        LogIntake(logger, alert.Key, alert.Severity, outcome);
        if (outcome == IntakeOutcome.Queued)
        {
            Interlocked.Increment(ref _unsettled);
            _wake.Release();
        }

        return outcome;
    }

    /// <summary>Wait until something was queued or the timeout passed (the worker's idle wait).</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _wake.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>Deliver what is due now; returns every delivery made (for AlertSent / AlertFailed).</summary>
    public async Task<IReadOnlyList<DeliveryReport>> DrainAsync(CancellationToken cancellationToken = default)
    {
        await _drainGate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var repeats = await store.TakeExpiredRepeatsAsync(now, options.Value.DedupWindow, cancellationToken);
            foreach (var repeat in repeats)
            {
                await store.EnqueueAsync(repeat, ChannelsFor(repeat), now, cancellationToken);
            }

            // Channels drain side by side: Slack waiting out a Retry-After never delays e-mail or the log.
            var perChannel = await Task.WhenAll(sender.Configured.Select(async channel =>
            {
                var reports = new List<DeliveryReport>();
                await DrainChannelAsync(channel, reports, cancellationToken);
                return reports;
            }));
            return perChannel.SelectMany(r => r).ToList();
        }
        finally
        {
            _drainGate.Release();
        }
    }

    private async Task DrainChannelAsync(IAlertChannel channel, List<DeliveryReport> reports, CancellationToken cancellationToken)
    {
        var limit = channel.Options.RateLimitPerMinute;
        var o = options.Value;
        if (o.CriticalRedeliveryRounds > 0)
        {
            await store.RequeueFailedCriticalsAsync(channel.Name, time.GetUtcNow() - TimeSpan.FromSeconds(o.CriticalRedeliveryDelaySeconds), 1 + o.CriticalRedeliveryRounds, cancellationToken);
        }

        var pending = await store.PendingAsync(channel.Name, cancellationToken);
        if (pending.Count > 0)
        {
            var sent = await store.CountSentSinceAsync(channel.Name, time.GetUtcNow() - NoiseControl.RateWindow, cancellationToken);
            var byId = pending.ToDictionary(p => p.Id);
            var plan = NoiseControl.Plan(pending.Select(p => new QueuedDelivery(p.Id, p.Alert.Severity, p.CreatedAt)), sent, limit);
            foreach (var (item, verdict) in plan)
            {
                var alert = byId[item.Id].Alert;
                if (verdict == RateVerdict.Fold)
                {
                    await store.MarkAsync(item.Id, "folded", time.GetUtcNow(), null, cancellationToken);
                    LogFolded(logger, channel.Name, alert.Key);
                    continue;
                }

                var result = await channel.SendAsync(alert, cancellationToken);
                await store.MarkAsync(item.Id, result.Delivered ? "sent" : "failed", time.GetUtcNow(), result.Error, cancellationToken);
                reports.Add(new DeliveryReport(alert, result));
            }
        }

        var folded = await store.FoldedAsync(channel.Name, cancellationToken);
        if (folded.Count == 0)
        {
            return;
        }

        var sentNow = await store.CountSentSinceAsync(channel.Name, time.GetUtcNow() - NoiseControl.RateWindow, cancellationToken);
        if (sentNow >= limit)
        {
            return; // the summary waits for room in the window
        }

        var summary = NoiseControl.Summary(channel.Name, folded.Select(f => f.Alert).ToList(), time.GetUtcNow());
        var summaryResult = await channel.SendAsync(summary, cancellationToken);
        await store.RecordSummaryAsync(channel.Name, summary, folded.Select(f => f.Id).ToList(), summaryResult.Delivered, summaryResult.Error, time.GetUtcNow(), cancellationToken);
        reports.Add(new DeliveryReport(summary, summaryResult));
    }

    public void Dispose()
    {
        _drainGate.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {AlertKey} ({Severity}): {Outcome}")]
    private static partial void LogIntake(ILogger logger, string alertKey, AlertSeverity severity, IntakeOutcome outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {AlertKey} folded into the next {Channel} summary (rate limit)")]
    private static partial void LogFolded(ILogger logger, string channel, string alertKey);
}
