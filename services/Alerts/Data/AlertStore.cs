using System.Data.Common;
using System.Text.Json;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using CypherScoping.Persistence;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Alerts.Data;

public enum IntakeOutcome
{
    /// <summary>Queued for delivery on the listed channels.</summary>
    Queued = 0,
    /// <summary>Same key inside the de-duplication window: counted, sent later as "repeated N×".</summary>
    Suppressed = 1,
    /// <summary>This message was already handled (inbox).</summary>
    DuplicateMessage = 2,
    /// <summary>No configured channel takes this severity.</summary>
    NoChannel = 3,
}

/// <summary>A queued delivery read back from the outbox.</summary>
public sealed record OutboxItem(long Id, string Channel, Alert Alert, DateTimeOffset CreatedAt);

/// <summary>Dapper access to the alerts schema: de-duplication windows and the per-channel delivery queue.</summary>
public sealed class AlertStore([FromKeyedServices(AlertsRegistration.ServiceName)] ServiceDatabase database)
{
    private const string Consumer = "alerts";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ServiceDatabase Database => database;

    /// <summary>
    /// Accept one alert in one transaction: inbox (when a message key is given), de-duplication window, and a
    /// queue row per channel. Concurrency-safe without SELECT … FOR UPDATE: the window is claimed by an insert
    /// or a conditional update, whichever wins; the loser counts as a repeat.
    /// </summary>
    public async Task<IntakeOutcome> SubmitAsync(Alert alert, string? messageKey, IReadOnlyList<string> channels, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            if (messageKey is not null && !await Inbox.TryAcceptAsync(connection, transaction, Consumer, messageKey, now))
            {
                return IntakeOutcome.DuplicateMessage;
            }

            var payload = JsonSerializer.Serialize(alert, Json);
            var toSend = alert;
            var claimed = await connection.ExecuteAsync(
                """
                INSERT INTO alert_dedup (alert_key, window_start, suppressed, severity, last_payload, updated_at)
                VALUES (@Key, @Now, 0, @Severity, @Payload, @Now) ON CONFLICT (alert_key) DO NOTHING
                """,
                new { alert.Key, Now = now.ToUnixTimeMilliseconds(), Severity = (int)alert.Severity, Payload = payload }, transaction) == 1;
            if (!claimed)
            {
                var row = await connection.QuerySingleAsync<(long WindowStart, long Suppressed)>(
                    "SELECT window_start, suppressed FROM alert_dedup WHERE alert_key = @Key", new { alert.Key }, transaction);
                var state = new DedupState(DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart), (int)row.Suppressed);
                if (NoiseControl.Dedup(state, now, window) == DedupVerdict.Send)
                {
                    claimed = await connection.ExecuteAsync(
                        """
                        UPDATE alert_dedup SET window_start = @Now, suppressed = 0, severity = @Severity, last_payload = @Payload, updated_at = @Now
                        WHERE alert_key = @Key AND window_start = @WindowStart AND suppressed = @Suppressed
                        """,
                        new { alert.Key, Now = now.ToUnixTimeMilliseconds(), Severity = (int)alert.Severity, Payload = payload, row.WindowStart, row.Suppressed },
                        transaction) == 1;
                    if (claimed && row.Suppressed > 0)
                    {
                        // Repeats of the previous window not yet reported ride along with this one.
                        toSend = alert with { Count = alert.Count + (int)row.Suppressed };
                    }
                }

                if (!claimed)
                {
                    await connection.ExecuteAsync(
                        """
                        UPDATE alert_dedup SET suppressed = suppressed + @Count,
                            severity = CASE WHEN severity > @Severity THEN severity ELSE @Severity END,
                            last_payload = @Payload, updated_at = @Now
                        WHERE alert_key = @Key
                        """,
                        new { alert.Key, alert.Count, Now = now.ToUnixTimeMilliseconds(), Severity = (int)alert.Severity, Payload = payload }, transaction);
                    await transaction.CommitAsync(cancellationToken);
                    return IntakeOutcome.Suppressed;
                }
            }

            if (channels.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return IntakeOutcome.NoChannel;
            }

            await EnqueueAsync(connection, transaction, toSend, channels, now);
            await transaction.CommitAsync(cancellationToken);
            return IntakeOutcome.Queued;
        }
    }

    /// <summary>
    /// Record one exchange error (once per message key) and return how many fall inside the window ending at
    /// <paramref name="at"/>, by event time. Persisted, so a burst that straddles a restart is still a burst.
    /// </summary>
    public async Task<int> CountExchangeErrorAsync(string messageKey, DateTimeOffset at, TimeSpan window, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var since = (at - window).ToUnixTimeMilliseconds();
            await connection.ExecuteAsync(
                "INSERT INTO alert_exchange_errors (message_key, occurred_at) VALUES (@MessageKey, @At) ON CONFLICT (message_key) DO NOTHING",
                new { MessageKey = messageKey, At = at.ToUnixTimeMilliseconds() }, transaction);
            await connection.ExecuteAsync("DELETE FROM alert_exchange_errors WHERE occurred_at <= @Since", new { Since = since }, transaction);
            var count = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM alert_exchange_errors WHERE occurred_at > @Since AND occurred_at <= @At",
                new { Since = since, At = at.ToUnixTimeMilliseconds() }, transaction);
            await transaction.CommitAsync(cancellationToken);
            return (int)count;
        }
    }

    /// <summary>
    /// Windows that ended with suppressed repeats: reset them and return the "repeated N×" alerts to queue.
    /// </summary>
    public async Task<IReadOnlyList<Alert>> TakeExpiredRepeatsAsync(DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        var cutoff = (now - window).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Key, long WindowStart, long Suppressed, long Severity, string Payload)>(
            "SELECT alert_key, window_start, suppressed, severity, last_payload FROM alert_dedup WHERE suppressed > 0 AND window_start <= @cutoff",
            new { cutoff })).ToList();
        var repeats = new List<Alert>();
        foreach (var row in rows)
        {
            // Claim the repeats (a concurrent intake may have claimed them first).
            var claimed = await connection.ExecuteAsync(
                "UPDATE alert_dedup SET suppressed = 0, updated_at = @now WHERE alert_key = @Key AND window_start = @WindowStart AND suppressed = @Suppressed",
                new { row.Key, row.WindowStart, row.Suppressed, now = now.ToUnixTimeMilliseconds() });
            if (claimed == 1)
            {
                var last = JsonSerializer.Deserialize<Alert>(row.Payload, Json)!;
                repeats.Add(NoiseControl.Repeat(last with { Severity = (AlertSeverity)row.Severity }, (int)row.Suppressed, window));
            }
        }

        return repeats;
    }

    public async Task EnqueueAsync(Alert alert, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (channels.Count == 0)
        {
            return;
        }

        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            await EnqueueAsync(connection, transaction, alert, channels, now);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<OutboxItem>> PendingAsync(string channel, CancellationToken cancellationToken) =>
        await ReadAsync(channel, "pending", cancellationToken);

    public async Task<IReadOnlyList<OutboxItem>> FoldedAsync(string channel, CancellationToken cancellationToken) =>
        await ReadAsync(channel, "folded", cancellationToken);

    /// <summary>Messages the channel sent (successfully or not — each is an attempt on the wire) since a time.</summary>
    public async Task<int> CountSentSinceAsync(string channel, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM alert_outbox WHERE channel = @channel AND status IN ('sent', 'failed') AND completed_at > @since",
            new { channel, since = since.ToUnixTimeMilliseconds() });
    }

    public async Task MarkAsync(long id, string status, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE alert_outbox SET status = @status, completed_at = @at, error = @error, attempts = attempts + (CASE WHEN @status IN ('sent', 'failed') THEN 1 ELSE 0 END) WHERE id = @id",
            new { id, status, at = at.ToUnixTimeMilliseconds(), error });
    }

    /// <summary>
    /// Critical alerts whose delivery failed go back to the queue after a pause, for a bounded number of rounds
    /// (each round is a full resilience-pipeline attempt): a critical alert must arrive.
    /// </summary>
    public async Task<int> RequeueFailedCriticalsAsync(string channel, DateTimeOffset failedBefore, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            """
            UPDATE alert_outbox SET status = 'pending'
            WHERE channel = @channel AND status = 'failed' AND severity = @critical AND attempts < @maxAttempts AND completed_at <= @failedBefore
            """,
            new { channel, critical = (int)AlertSeverity.Critical, maxAttempts, failedBefore = failedBefore.ToUnixTimeMilliseconds() });
    }

    /// <summary>Record a summary that was sent, and mark the alerts it folded.</summary>
    public async Task RecordSummaryAsync(string channel, Alert summary, IReadOnlyList<long> foldedIds, bool delivered, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            await EnqueueAsync(connection, transaction, summary, [channel], now, delivered ? "sent" : "failed", error);
            foreach (var id in foldedIds)
            {
                await connection.ExecuteAsync("UPDATE alert_outbox SET status = 'summarized', completed_at = @at WHERE id = @id",
                    new { id, at = now.ToUnixTimeMilliseconds() }, transaction);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Counts per (channel, status): for reports and tests.</summary>
    public async Task<IReadOnlyDictionary<(string Channel, string Status), int>> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Channel, string Status, long Count)>(
            "SELECT channel, status, COUNT(*) FROM alert_outbox GROUP BY channel, status");
        return rows.ToDictionary(r => (r.Channel, r.Status), r => (int)r.Count);
    }

    private async Task<IReadOnlyList<OutboxItem>> ReadAsync(string channel, string status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string Channel, string Payload, long CreatedAt)>(
            "SELECT id, channel, payload, created_at FROM alert_outbox WHERE channel = @channel AND status = @status ORDER BY severity DESC, id",
            new { channel, status });
        return rows.Select(r => new OutboxItem(r.Id, r.Channel, JsonSerializer.Deserialize<Alert>(r.Payload, Json)!, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt))).ToList();
    }

    private static async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, Alert alert, IReadOnlyList<string> channels, DateTimeOffset now, string status = "pending", string? error = null)
    {
        var payload = JsonSerializer.Serialize(alert, Json);
        foreach (var channel in channels)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO alert_outbox (alert_id, channel, severity, alert_key, payload, item_count, created_at, status, completed_at, error)
                VALUES (@AlertId, @Channel, @Severity, @Key, @Payload, @Count, @Now, @Status, @CompletedAt, @Error)
                ON CONFLICT (alert_id, channel) DO NOTHING
                """,
                new
                {
                    AlertId = alert.AlertId.ToString("D"),
                    Channel = channel,
                    Severity = (int)alert.Severity,
                    alert.Key,
                    Payload = payload,
                    alert.Count,
                    Now = now.ToUnixTimeMilliseconds(),
                    Status = status,
                    CompletedAt = status == "pending" ? (long?)null : now.ToUnixTimeMilliseconds(),
                    Error = error,
                },
                transaction);
        }
    }
}
