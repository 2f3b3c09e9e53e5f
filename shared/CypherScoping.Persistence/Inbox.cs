using System.Data.Common;
using Dapper;

namespace CypherScoping.Persistence;

/// <summary>
/// Idempotent consumers: insert the message key in the consumer's own transaction. A duplicate delivery
/// inserts nothing (ON CONFLICT DO NOTHING — no check-then-insert race) and the consumer skips its side effects.
/// </summary>
public static class Inbox
{
    public static async Task<bool> TryAcceptAsync(DbConnection connection, DbTransaction transaction, string consumer, string messageKey, DateTimeOffset receivedAt)
    {
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO inbox (consumer, message_key, received_at) VALUES (@consumer, @messageKey, @at) ON CONFLICT DO NOTHING",
            new { consumer, messageKey, at = receivedAt.ToUnixTimeMilliseconds() },
            transaction);
        return inserted == 1;
    }
}
