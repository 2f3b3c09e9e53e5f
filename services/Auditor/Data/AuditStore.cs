using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CypherScoping.Auditor.Domain;
using CypherScoping.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CypherScoping.Auditor.Data;

/// <summary>
/// The trail's only write path is <see cref="AppendAsync"/> (INSERT; there is no update or delete in code). Rows
/// are chained in seq order under a lock (PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE), message ids already
/// present are skipped (redelivery adds nothing), and the batch commits as one transaction.
/// </summary>
public static class AuditStore
{
    public const string Columns = "seq, message_id, occurred_at, recorded_at, event_type, level, service, correlation_id, symbol, base_asset, error_code, payload, prev_hash, hash";

    public static long LockKey(string schema) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("cypher-audit:" + schema)), 0);

    /// <summary>Append drafts in order; returns the rows written (duplicates of earlier messages are left out).</summary>
    public static async Task<IReadOnlyList<AuditRow>> AppendAsync(ServiceDatabase database, IReadOnlyList<AuditDraft> drafts, DateTimeOffset recordedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return [];
        }

        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            if (database.Dialect == SqlDialect.Postgres)
            {
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@p0)", LockKey(database.Schema), cancellationToken);
            }

            var (lastSeq, lastHash) = await HeadAsync(connection, transaction, cancellationToken);
            var existing = await ExistingAsync(connection, transaction, database.Dialect, drafts, cancellationToken);
            var rows = new List<AuditRow>(drafts.Count);
            foreach (var draft in drafts)
            {
                if (!existing.Add(draft.MessageId.ToString("D")))
                {
                    continue; // redelivery (or the same message twice in one batch): one row only
                }

                var row = AuditRow.Chain(draft, lastSeq + 1, lastHash, recordedAt);
                rows.Add(row);
                lastSeq = row.Seq;
                lastHash = row.Hash;
            }

            if (rows.Count > 0)
            {
                if (database.Dialect == SqlDialect.Postgres)
                {
                    await CopyAsync((NpgsqlConnection)connection, rows, cancellationToken);
                }
                else
                {
                    await InsertSqliteAsync((SqliteConnection)connection, (SqliteTransaction)transaction, rows, cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return rows;
        }
    }

    /// <summary>Rows in seq order after <paramref name="afterSeq"/>, streamed.</summary>
    public static async IAsyncEnumerable<AuditRow> ReadAsync(
        ServiceDatabase database,
        long afterSeq = 0,
        string? eventType = null,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_events WHERE seq > @after");
        Add(command, "@after", afterSeq);
        if (eventType is not null)
        {
            sql.Append(" AND event_type = @type");
            Add(command, "@type", eventType);
        }

        if (from is not null)
        {
            sql.Append(" AND occurred_at >= @from");
            Add(command, "@from", from.Value.ToUnixTimeMilliseconds());
        }

        if (to is not null)
        {
            sql.Append(" AND occurred_at < @to");
            Add(command, "@to", to.Value.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY seq");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRow(reader);
        }
    }

    /// <summary>The last <paramref name="count"/> rows (optionally of one event type), oldest first.</summary>
    public static async Task<IReadOnlyList<AuditRow>> LastAsync(ServiceDatabase database, int count, string? eventType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_events {(eventType is null ? string.Empty : "WHERE event_type = @type ")}ORDER BY seq DESC LIMIT @n";
        if (eventType is not null)
        {
            Add(command, "@type", eventType);
        }

        Add(command, "@n", count);
        var rows = new List<AuditRow>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }

        rows.Reverse();
        return rows;
    }

    public static async Task<ChainVerification> VerifyAsync(ServiceDatabase database, CancellationToken cancellationToken = default)
    {
        var verifier = new AuditChain.Verifier();
        await foreach (var row in ReadAsync(database, cancellationToken: cancellationToken))
        {
            if (!verifier.Add(row))
            {
                break;
            }
        }

        return verifier.Result();
    }

    public static AuditRow ReadRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new AuditRow(
            r.GetInt64(0),
            Guid.Parse(r.GetString(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
            r.GetString(4),
            r.GetString(5),
            r.GetString(6),
            Guid.Parse(r.GetString(7)),
            r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : r.GetString(10),
            r.GetString(11),
            r.GetString(12),
            r.GetString(13));
    }

    private static async Task<(long Seq, string Hash)> HeadAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : (0L, AuditChain.Genesis);
    }

    private static async Task<HashSet<string>> ExistingAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, IReadOnlyList<AuditDraft> drafts, CancellationToken ct)
    {
        var ids = drafts.Select(d => d.MessageId.ToString("D")).Distinct(StringComparer.Ordinal).ToArray();
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (dialect == SqlDialect.Postgres)
        {
            command.CommandText = "SELECT message_id FROM audit_events WHERE message_id = ANY(@ids)";
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            await ReadIdsAsync(command, found, ct);
            return found;
        }

        // SQLite: IN lists of at most 500 parameters.
        foreach (var chunk in ids.Chunk(500))
        {
            command.Parameters.Clear();
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Add(command, names[i], chunk[i]);
            }

            command.CommandText = $"SELECT message_id FROM audit_events WHERE message_id IN ({string.Join(',', names)})";
            await ReadIdsAsync(command, found, ct);
        }

        return found;
    }

    private static async Task ReadIdsAsync(DbCommand command, HashSet<string> found, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetString(0));
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<AuditRow> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY audit_events ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(row.Seq, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(row.MessageId.ToString("D"), NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.OccurredAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(row.RecordedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(row.EventType, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Level, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Service, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.CorrelationId.ToString("D"), NpgsqlDbType.Text, ct);
            await WriteNullableAsync(importer, row.Symbol, ct);
            await WriteNullableAsync(importer, row.BaseAsset, ct);
            await WriteNullableAsync(importer, row.ErrorCode, ct);
            await importer.WriteAsync(row.Payload, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.PrevHash, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Hash, NpgsqlDbType.Text, ct);
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(ct);
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlDbType.Text, ct);
        }
    }

    private static async Task InsertSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, List<AuditRow> rows, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO audit_events ({Columns}) VALUES (@seq, @mid, @occ, @rec, @type, @level, @service, @corr, @symbol, @base, @error, @payload, @prev, @hash)";
        var p = new[] { "@seq", "@mid", "@occ", "@rec", "@type", "@level", "@service", "@corr", "@symbol", "@base", "@error", "@payload", "@prev", "@hash" }
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        await command.PrepareAsync(ct);
        foreach (var row in rows)
        {
            p[0].Value = row.Seq;
            p[1].Value = row.MessageId.ToString("D");
            p[2].Value = row.OccurredAt.ToUnixTimeMilliseconds();
            p[3].Value = row.RecordedAt.ToUnixTimeMilliseconds();
            p[4].Value = row.EventType;
            p[5].Value = row.Level;
            p[6].Value = row.Service;
            p[7].Value = row.CorrelationId.ToString("D");
            p[8].Value = (object?)row.Symbol ?? DBNull.Value;
            p[9].Value = (object?)row.BaseAsset ?? DBNull.Value;
            p[10].Value = (object?)row.ErrorCode ?? DBNull.Value;
            p[11].Value = row.Payload;
            p[12].Value = row.PrevHash;
            p[13].Value = row.Hash;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, object value, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Add(command, "@p0", value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
