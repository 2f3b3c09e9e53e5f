using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CypherScoping.Persistence;

public enum SqlDialect
{
    Postgres = 0,
    Sqlite = 1,
}

/// <summary>
/// One service's own database: a PostgreSQL schema (search_path set to it, so SQL stays unqualified and
/// portable) or, for embedded one-process runs, its own SQLite file under runtime/.
/// Services never read each other's tables.
/// </summary>
public sealed class ServiceDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    private ServiceDatabase(string service, string schema, SqlDialect dialect, NpgsqlDataSource? postgres, string? sqlite, string location)
    {
        Service = service;
        Schema = schema;
        Dialect = dialect;
        _postgres = postgres;
        _sqliteConnectionString = sqlite;
        Location = location;
        DapperSetup.EnsureRegistered();
    }

    public string Service { get; }

    /// <summary>PostgreSQL schema (also the logical name on SQLite).</summary>
    public string Schema { get; }

    public SqlDialect Dialect { get; }

    /// <summary>Where the data lives, without credentials (for logs and reports).</summary>
    public string Location { get; }

    public static ServiceDatabase ForPostgres(string service, string schema, string connectionString)
    {
        if (!IsSafeIdentifier(schema))
        {
            throw new ArgumentException($"schema name '{schema}' must be lower-case letters, digits and underscores", nameof(schema));
        }

        var csb = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        var location = $"postgres://{csb.Host}:{csb.Port}/{csb.Database} schema {schema}";
        var dataSource = new NpgsqlDataSourceBuilder(csb.ConnectionString).Build();
        return new ServiceDatabase(service, schema, SqlDialect.Postgres, dataSource, null, location);
    }

    public static ServiceDatabase ForSqlite(string service, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var csb = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 };
        return new ServiceDatabase(service, service, SqlDialect.Sqlite, null, csb.ConnectionString, full);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Open a connection and begin a transaction (BEGIN IMMEDIATE on SQLite, so writers queue instead of deadlocking).</summary>
    public async Task<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    internal static bool IsSafeIdentifier(string name) =>
        name.Length is > 0 and <= 60 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && !char.IsDigit(name[0]);
}
