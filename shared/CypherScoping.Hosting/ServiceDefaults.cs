using CypherScoping.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using ILogger = Microsoft.Extensions.Logging.ILogger;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CypherScoping.Hosting;

/// <summary>Section "Service": which service this host is (for logs and audit rows).</summary>
public sealed class ServiceIdentity
{
    public required string Name { get; init; }
}

/// <summary>
/// Service defaults shared by every host: configuration (.env + flat keys), validation of every setting at
/// start, Serilog, TimeProvider, health checks and Prometheus metrics.
/// </summary>
public static partial class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder; // one process hosting several services: defaults once
        }

        builder.Services.AddSingleton<ServiceDefaultsMarker>();
        var envFile = CypherConfiguration.ResolveEnvFile(builder.Configuration[CypherConfiguration.EnvFileKey]);
        var configManager = (IConfigurationManager)builder.Configuration;
        var overrides = builder.Configuration.AsEnumerable().Where(kv => kv.Value is not null).ToList();
        configManager.AddCypherSources(envFile);
        // Values given explicitly to this host (command line, tests) stay on top.
        configManager.AddInMemoryCollection(overrides.Where(kv => kv.Key.Contains(':', StringComparison.Ordinal) || kv.Key == CypherConfiguration.EnvFileKey));

        builder.Services.AddSingleton(new ServiceIdentity { Name = serviceName });
        builder.Properties[Messaging.CypherHeaders.ServiceNameProperty] = serviceName; // a publisher with no consumers (the CLI) still names itself
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<TradingOptions>().Bind(builder.Configuration.GetSection(TradingOptions.SectionName));
        builder.Services.AddOptions<SymbolOptions>().Bind(builder.Configuration.GetSection(SymbolOptions.SectionName));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SymbolOptions>>().Value.CreatePolicy());

        // Refuse to start on bad configuration, listing every problem: the first hosted service, checking as it is
        // constructed, i.e. before any other hosted service is built (some bind options in their constructors, where a
        // value the binder cannot convert would otherwise stop the host with that one problem) and before the
        // services' own start-up validation.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ConfigurationGuard>());

        Serilog.SerilogServiceCollectionExtensions.AddSerilog(builder.Services, (services, logger) => ConfigureSerilog(logger, builder.Configuration, serviceName));
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static Serilog.LoggerConfiguration ConfigureSerilog(Serilog.LoggerConfiguration logger, IConfiguration configuration, string serviceName)
    {
        logger.MinimumLevel.Is(ParseLevel(configuration["Logging:Level"]))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", serviceName);
        return Console.IsOutputRedirected
            ? logger.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Service}: {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose);
    }

    public static LogEventLevel ParseLevel(string? level) => (level ?? "info").Trim().ToLowerInvariant() switch
    {
        "verbose" or "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "warn" or "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };

    /// <summary>/health/live (process up), /health/ready (broker and database reachable), /metrics (Prometheus).</summary>
    public static IEndpointRouteBuilder MapServiceDefaults(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealth,
            // A degraded bus (endpoints cannot reach the broker) is not ready to take traffic.
            ResultStatusCodes =
            {
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy] = StatusCodes.Status200OK,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapMetrics("/metrics");
        return app;
    }

    private static Task WriteHealth(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
        return context.Response.WriteAsync(body);
    }

    private sealed class ServiceDefaultsMarker;

    private sealed partial class ConfigurationGuard(IConfiguration configuration, ServiceIdentity identity, ILogger<ConfigurationGuard> logger) : IHostedLifecycleService
    {
        private readonly ConfigReport _report = ConfigCheck.ThrowIfInvalid(configuration);

        public Task StartingAsync(CancellationToken cancellationToken)
        {
            foreach (var warning in _report.Warnings)
            {
                LogWarning(logger, identity.Name, warning);
            }

            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} configuration warning: {Warning}")]
        private static partial void LogWarning(ILogger logger, string service, string warning);
    }
}
