using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Persistence;

/// <summary>
/// Section "Database". PostgreSQL when ConnectionStrings:Postgres is set (schema = service name plus an
/// optional suffix for test isolation); otherwise SQLite files under SqliteDirectory (runtime/ by default).
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string SqliteDirectory { get; set; } = "runtime";

    /// <summary>Appended to every schema name (tests: a fresh schema per test class).</summary>
    public string? SchemaSuffix { get; set; }

    /// <summary>Per-service SQLite file override (the Executor's comes from IDEMPOTENCY_STORE_PATH).</summary>
    public Dictionary<string, string> SqlitePaths { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public static ServiceDatabase Create(IConfiguration configuration, string service)
    {
        var options = configuration.GetSection(SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return ServiceDatabase.ForPostgres(service, service + (options.SchemaSuffix ?? string.Empty), postgres);
        }

        var path = options.SqlitePaths.TryGetValue(service, out var explicitPath) && !string.IsNullOrWhiteSpace(explicitPath)
            ? explicitPath
            : Path.Combine(options.SqliteDirectory, $"{service}.db");
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            path = Path.ChangeExtension(path, ".db"); // IDEMPOTENCY_STORE_PATH from the older JSON store
        }

        return ServiceDatabase.ForSqlite(service, path);
    }
}

public static partial class DatabaseRegistration
{
    /// <summary>
    /// Register the service's database as a keyed singleton (key = service name), migrate it before anything
    /// else starts, and add a readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase(this IHostApplicationBuilder builder, string service, Assembly migrations)
    {
        builder.Services.AddKeyedSingleton(service, (sp, _) => DatabaseOptions.Create(sp.GetRequiredService<IConfiguration>(), service));
        builder.Services.AddSingleton<IHostedService>(sp => new MigrationHostedService(
            sp.GetRequiredKeyedService<ServiceDatabase>(service),
            MigrationRunner.FromAssembly(migrations),
            sp.GetRequiredService<ILogger<MigrationHostedService>>()));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"database-{service}",
            sp => new DatabaseHealthCheck(sp.GetRequiredKeyedService<ServiceDatabase>(service)),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    private sealed partial class MigrationHostedService(ServiceDatabase database, IReadOnlyList<MigrationScript> scripts, ILogger<MigrationHostedService> logger)
        : IHostedLifecycleService
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            var applied = await MigrationRunner.ApplyAsync(database, scripts, cancellationToken);
            LogMigrated(logger, database.Service, database.Location, applied.Count);
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Database for {Service} at {Location} is migrated ({Applied} scripts applied now)")]
        private static partial void LogMigrated(ILogger logger, string service, string location, int applied);
    }

    private sealed class DatabaseHealthCheck(ServiceDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy(database.Location);
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"{database.Service} database unreachable: {ex.GetType().Name}");
            }
        }
    }
}
