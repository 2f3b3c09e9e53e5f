using CypherScoping.Auditor.Consumers;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Auditor.Workers;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Auditor;

/// <summary>Registers the Auditor service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class AuditorRegistration
{
    public const string ServiceName = "auditor";

    public static IHostApplicationBuilder AddAuditor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuditOptions>>().Value);

        builder.AddServiceDatabase(ServiceName, typeof(AuditorRegistration).Assembly);
        builder.Services.AddSingleton<IHostedService>(sp => new AuditSchemaHostedService(sp.GetRequiredKeyedService<ServiceDatabase>(ServiceName)));

        builder.Services.AddSingleton(sp => new AuditWriter(
            sp.GetRequiredKeyedService<ServiceDatabase>(ServiceName),
            sp.GetRequiredService<AuditOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditWriter>>()));
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AuditWriter>());
        builder.Services.AddHostedService<DailyHealthWorker>();

        foreach (var type in AuditEventMapper.AuditedTypes)
        {
            builder.Services.AddCypherConsumer(
                ServiceName,
                typeof(AuditConsumer<>).MakeGenericType(type),
                typeof(AuditConsumerDefinition<>).MakeGenericType(type));
            builder.Services.AddCypherConsumer(ServiceName, typeof(AuditFaultConsumer<>).MakeGenericType(type), null);
        }

        builder.Services.AddCypherConsumer<AuditReceiveFaultConsumer>(ServiceName);

        return builder;
    }

    /// <summary>Open the auditor's database from configuration and make sure its schema is current (CLI, paper driver).</summary>
    public static async Task<ServiceDatabase> OpenDatabaseAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var database = DatabaseOptions.Create(configuration, ServiceName);
        await AuditSchema.MigrateAsync(database, cancellationToken);
        return database;
    }

    public static AuditOptions ReadOptions(IConfiguration configuration) =>
        configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();

    private sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuditOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    /// <summary>After the migrations (registered after them): the append-only triggers.</summary>
    private sealed class AuditSchemaHostedService(ServiceDatabase database) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => AuditSchema.EnsureAppendOnlyAsync(database, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
