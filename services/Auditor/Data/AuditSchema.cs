using CypherScoping.Persistence;
using Dapper;

namespace CypherScoping.Auditor.Data;

/// <summary>
/// Schema of the trail: the portable migration (Data/Sql) plus the dialect-specific triggers that make the table
/// append-only (UPDATE, DELETE and, on PostgreSQL, TRUNCATE are refused). Idempotent; runs at every start.
/// </summary>
public static class AuditSchema
{
    public const string PostgresTriggers = """
        CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        CREATE OR REPLACE TRIGGER audit_events_no_modify BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
        """;

    public const string SqliteTriggers = """
        CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END;
        CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END;
        """;

    /// <summary>Migrate (as the host does) and install the append-only triggers. Used by the CLI and tools.</summary>
    public static async Task MigrateAsync(ServiceDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await MigrationRunner.ApplyAsync(database, MigrationRunner.FromAssembly(typeof(AuditSchema).Assembly), cancellationToken);
        await EnsureAppendOnlyAsync(database, cancellationToken);
    }

    public static async Task EnsureAppendOnlyAsync(ServiceDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Dialect == SqlDialect.Postgres)
        {
            // Replicas starting together would race on CREATE OR REPLACE: serialise on the schema's lock.
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", new { key = AuditStore.LockKey(database.Schema) }, tx);
            await connection.ExecuteAsync(PostgresTriggers, transaction: tx);
            await tx.CommitAsync(cancellationToken);
        }
        else
        {
            await connection.ExecuteAsync(SqliteTriggers);
        }
    }
}
