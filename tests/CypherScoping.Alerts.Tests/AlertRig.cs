using CypherScoping.Alerts;
using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Data;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using CypherScoping.Persistence;
using CypherScoping.TestKit.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Alerts.Tests;

/// <summary>
/// The alert pipeline without a bus: real channels, a real database (SQLite file or a fresh PostgreSQL schema),
/// a FakeTimeProvider and captured logs.
/// </summary>
public sealed class AlertRig : IAsyncDisposable
{
    private AlertRig(ServiceProvider provider, ServiceDatabase database, FakeTimeProvider? time, CapturingLoggerProvider logs)
    {
        Provider = provider;
        Database = database;
        Time = time;
        Logs = logs;
    }

    public ServiceProvider Provider { get; }

    public ServiceDatabase Database { get; }

    public FakeTimeProvider? Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public AlertDispatcher Dispatcher => Provider.GetRequiredService<AlertDispatcher>();

    public AlertStore Store => Provider.GetRequiredService<AlertStore>();

    public AlertSender Sender => Provider.GetRequiredService<AlertSender>();

    /// <summary>Short retries so tests stay quick.</summary>
    public static Dictionary<string, string?> FastRetries(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Alerts:Retry:BaseDelayMilliseconds"] = "20";
        settings["Alerts:Retry:MaxRetries"] = "3";
        settings["Alerts:Retry:MaxRetryAfterSeconds"] = "2";
        settings["Alerts:Retry:AttemptTimeoutSeconds"] = "5";
        return settings;
    }

    public static async Task<AlertRig> StartAsync(Dictionary<string, string?> settings, FakeTimeProvider? time = null, ServiceDatabase? database = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        database ??= ServiceDatabase.ForSqlite("alerts", Path.Combine(Path.GetTempPath(), "cypher-tests", Guid.NewGuid().ToString("N"), "alerts.db"));
        await MigrationRunner.ApplyAsync(database, MigrationRunner.FromAssembly(typeof(AlertsRegistration).Assembly));
        var services = new ServiceCollection();
        services.AddSingleton(logs.CreateFactory());
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        if (time is not null)
        {
            services.AddSingleton<TimeProvider>(time);
        }

        services.AddAlertChannels(configuration);
        services.AddKeyedSingleton(AlertsRegistration.ServiceName, database);
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertDispatcher>();
        return new AlertRig(services.BuildServiceProvider(), database, time, logs);
    }

    /// <summary>A second dispatcher on the same database (a restarted service).</summary>
    public Task<AlertRig> RestartAsync(Dictionary<string, string?> settings) => StartAsync(settings, Time, Database);

    public static Alert Make(AlertSeverity severity, string key = "k", string title = "something happened") => new()
    {
        Key = key,
        Severity = severity,
        Title = title,
        WhatToDo = "look at it",
        Fields = [new AlertField("Symbol", "ETHUSDTM")],
        CorrelationId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UnixEpoch,
        Source = "test",
    };

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync();
}
