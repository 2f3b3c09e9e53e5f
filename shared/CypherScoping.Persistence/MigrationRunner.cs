using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace CypherScoping.Persistence;

/// <summary>One migration script: a name that orders it and its SQL.</summary>
public sealed record MigrationScript(string Name, string Sql)
{
    public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// Applies a service's Sql/*.sql scripts once each, in name order, recording them in schema_history.
/// Every schema also gets the shared inbox table used by idempotent consumers.
/// </summary>
public static class MigrationRunner
{
    public const string InboxScriptName = "000_inbox.sql";

    public const string InboxSql = """
        CREATE TABLE IF NOT EXISTS inbox (
            consumer     TEXT   NOT NULL,
            message_key  TEXT   NOT NULL,
            received_at  BIGINT NOT NULL,
            PRIMARY KEY (consumer, message_key)
        );
        """;

    /// <summary>Scripts embedded in an assembly under a folder named Sql (resource names ending in .sql).</summary>
    public static IReadOnlyList<MigrationScript> FromAssembly(Assembly assembly)
    {
        var scripts = new List<MigrationScript> { new(InboxScriptName, InboxSql) };
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var parts = resource.Split('.');
            var name = parts.Length >= 2 ? $"{parts[^2]}.sql" : resource;
            scripts.Add(new MigrationScript(name, reader.ReadToEnd()));
        }

        return scripts.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Apply what is missing; returns the names applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(ServiceDatabase database, IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Dialect == SqlDialect.Postgres)
        {
            // Several replicas may start together: one migrates, the others wait.
            await connection.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{database.Schema}\"");
            await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = LockKey(database.Schema) });
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }

        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_history (
                    script      TEXT   NOT NULL PRIMARY KEY,
                    checksum    TEXT   NOT NULL,
                    applied_at  BIGINT NOT NULL
                );
                """);
            var applied = (await connection.QueryAsync<(string Script, string Checksum)>("SELECT script, checksum FROM schema_history"))
                .ToDictionary(r => r.Script, r => r.Checksum, StringComparer.Ordinal);
            var done = new List<string>();
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Name, out var checksum))
                {
                    if (!string.Equals(checksum, script.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"migration {script.Name} of {database.Service} changed after it was applied; add a new script instead of editing it");
                    }

                    continue;
                }

                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(Dialect(script.Sql, database.Dialect), transaction: tx);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_history (script, checksum, applied_at) VALUES (@Name, @Checksum, @At)",
                    new { script.Name, script.Checksum, At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                    tx);
                await tx.CommitAsync(cancellationToken);
                done.Add(script.Name);
            }

            return done;
        }
        finally
        {
            if (database.Dialect == SqlDialect.Postgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = LockKey(database.Schema) });
            }
        }
    }

    /// <summary>
    /// The few type tokens that differ between the two databases: {decimal} is NUMERIC on PostgreSQL and TEXT on
    /// SQLite (exact: SQLite's NUMERIC affinity would turn decimals into doubles); {autoid} is an auto-increment
    /// BIGINT primary key.
    /// </summary>
    public static string Dialect(string sql, SqlDialect dialect) => dialect == SqlDialect.Postgres
        ? sql.Replace("{decimal}", "NUMERIC", StringComparison.Ordinal).Replace("{autoid}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
        : sql.Replace("{decimal}", "TEXT", StringComparison.Ordinal).Replace("{autoid}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    private static long LockKey(string schema) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("cypher:" + schema)), 0);
}
