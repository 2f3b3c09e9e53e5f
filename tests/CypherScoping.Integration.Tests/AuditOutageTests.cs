using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Cli;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.TestKit;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CypherScoping.Integration.Tests;

/// <summary>
/// Invariant 6 across a database outage: every event lands in the trail exactly once even when the Auditor loses its
/// database for longer than the bus's retries while events keep coming. The outage is made with a TCP proxy in front
/// of the real server, so nothing else on the machine notices.
/// </summary>
public class AuditOutageTests
{
    private const int Events = 120;

    [Fact(Timeout = 300_000)]
    [Trait("Category", "Integration")]
    public async Task A_database_outage_longer_than_the_bus_retries_loses_and_doubles_nothing()
    {
        var postgres = new NpgsqlConnectionStringBuilder(await TestServers.PostgresAsync());
        await using var proxy = new TcpProxy(postgres.Host!, postgres.Port);
        proxy.Open();
        postgres.Host = "127.0.0.1";
        postgres.Port = proxy.Port;
        postgres.Timeout = 3;
        var settings = await SettingsAsync();
        settings["ConnectionStrings:Postgres"] = postgres.ConnectionString;
        settings["Database:SchemaSuffix"] = TestServers.UniqueSuffix();

        await RunAsync(settings, async publish =>
        {
            await publish(0, Events / 2);
            proxy.Cut();
            await publish(Events / 2, Events);
            await Task.Delay(TimeSpan.FromSeconds(10)); // well past the bus's own retries (about 3 s)
            proxy.Open();
        });
    }

    private static async Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = new Dictionary<string, string?>(await TestHosts.RabbitSettingsAsync())
        {
            ["Trading:Mode"] = "paper",
            ["Logging:Level"] = "fatal", // the outage is logged loudly by design; the trail is what is checked
            ["Audit:LogPath"] = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.log"),
        };
        return settings;
    }

    private static async Task RunAsync(Dictionary<string, string?> settings, Func<Func<int, int, Task>, Task> scenario)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        using var auditor = BuildHost("auditor", settings);
        var publisherSettings = new Dictionary<string, string?>(settings);
        foreach (var (k, v) in TestHosts.SqliteSettings())
        {
            publisherSettings.TryAdd(k, v);
        }

        using var publisher = BuildHost("publisher", publisherSettings);
        await auditor.StartAsync();
        await publisher.StartAsync();
        try
        {
            var bus = publisher.Services.GetRequiredService<IBus>();
            var sent = new List<Guid>();
            async Task Publish(int from, int to)
            {
                for (var i = from; i < to; i++)
                {
                    var id = NewId.NextGuid();
                    sent.Add(id);
                    await bus.Publish(
                        new ServiceStarted { CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, Service = "publisher", Mode = TradingMode.Paper, Version = "1", Host = $"{tag}-{i}" },
                        ctx => ctx.MessageId = id);
                }
            }

            await scenario(Publish);

            var database = auditor.Services.GetRequiredKeyedService<ServiceDatabase>(AuditorRegistration.ServiceName);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            List<Guid> landed;
            while ((landed = await LandedAsync(database, tag)).Count < Events && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            await Task.Delay(1000); // a (wrong) duplicate from a redelivery would land now
            landed = await LandedAsync(database, tag);
            Assert.Equal(sent.Order().ToList(), landed.Order().ToList());
            Assert.True((await AuditStore.VerifyAsync(database)).IsIntact, "the hash chain is intact after the outage");
            Assert.Empty(await AuditStore.LastAsync(database, 10, "message_fault"));
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.StopAsync(stopping.Token);
            await auditor.StopAsync(stopping.Token);
        }
    }

    private static async Task<List<Guid>> LandedAsync(ServiceDatabase database, string tag)
    {
        var ids = new List<Guid>();
        await foreach (var row in AuditStore.ReadAsync(database, eventType: "service_started"))
        {
            if (row.Payload.Contains(tag, StringComparison.Ordinal))
            {
                ids.Add(row.MessageId);
            }
        }

        return ids;
    }

    private static IHost BuildHost(string service, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(service);
        Composition.AddServices(builder, service == "auditor" ? [service] : []);
        builder.AddCypherMessaging();
        return builder.Build();
    }
}
