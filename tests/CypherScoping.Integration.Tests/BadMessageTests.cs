using System.Text;
using System.Text.Json;
using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Cli;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace CypherScoping.Integration.Tests;

/// <summary>
/// Invariant 7 over the real broker: a message no consumer can read goes, bytes untouched, to the endpoint's error
/// queue, is audited as an E_BAD_MESSAGE error naming the service that refused it, and never becomes a decision.
/// </summary>
public class BadMessageTests
{
    private const string SignalUrn = "urn:message:CypherScoping.Contracts.Signals:SignalGenerated";

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Unreadable_signals_go_to_the_error_queue_and_the_trail_and_risk_decides_nothing()
    {
        var settings = new Dictionary<string, string?>(TestHosts.SqliteSettings());
        foreach (var (k, v) in await TestHosts.RabbitSettingsAsync())
        {
            settings[k] = v;
        }

        settings["Trading:Mode"] = "paper";
        settings["Logging:Level"] = "fatal"; // MassTransit logs each refusal with its stack trace; the trail is what is checked
        var prefix = settings["Messaging:EntityPrefix"]!;
        using var auditor = BuildHost("auditor", settings);
        using var risk = BuildHost("risk", settings);
        await auditor.StartAsync();
        await risk.StartAsync();
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(settings["RabbitMq:Url"]!) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var bad = new Dictionary<Guid, string>
            {
                [Guid.NewGuid()] = "this is not json",
                [Guid.NewGuid()] = Envelope("""{"symbol":42}"""),
                [Guid.NewGuid()] = Envelope("{}"),
            };
            foreach (var (id, body) in bad)
            {
                var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = id.ToString() };
                await channel.BasicPublishAsync(prefix + "CypherScoping.Contracts.Signals:SignalGenerated", string.Empty, false, properties, Encoding.UTF8.GetBytes(body));
            }

            var database = auditor.Services.GetRequiredKeyedService<ServiceDatabase>(AuditorRegistration.ServiceName);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            IReadOnlyList<AuditRow> faults;
            while ((faults = await RiskFaultsAsync(database)).Count < bad.Count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            // Audited once per message, as a bad message, by the service whose queue refused it.
            Assert.Equal(bad.Count, faults.Count);
            Assert.All(faults, row =>
            {
                Assert.Equal("error", row.Level);
                Assert.Equal("E_BAD_MESSAGE", row.ErrorCode);
            });
            var faulted = faults.Select(row => JsonDocument.Parse(row.Payload).RootElement.GetProperty("faultedMessageId").GetGuid()).Order().ToList();
            Assert.Equal(bad.Keys.Order().ToList(), faulted);
            Assert.Contains(faults, row => row.Payload.Contains("missing required properties", StringComparison.Ordinal));

            // Nothing is lost: the error queue holds the three messages as they were sent.
            var errorQueue = prefix + "risk-state_error";
            Assert.Equal((uint)bad.Count, (await channel.QueueDeclarePassiveAsync(errorQueue)).MessageCount);
            var bodies = new List<string>();
            while (await channel.BasicGetAsync(errorQueue, autoAck: true) is { } got)
            {
                bodies.Add(Encoding.UTF8.GetString(got.Body.Span));
            }

            Assert.Equal(bad.Values.Order(StringComparer.Ordinal), bodies.Order(StringComparer.Ordinal));

            // And nothing was decided on them.
            var counts = await AuditQueries.CountsByEventTypeAsync(database);
            foreach (var decision in new[] { "order_approved", "order_denied", "approval_requested" })
            {
                Assert.Equal(0, counts.GetValueOrDefault(decision));
            }
        }
        finally
        {
            await risk.StopAsync();
            await auditor.StopAsync();
        }
    }

    private static string Envelope(string message) =>
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["{{SignalUrn}}"],"message":{{message}}}""";

    private static async Task<IReadOnlyList<AuditRow>> RiskFaultsAsync(ServiceDatabase database) =>
        (await AuditStore.LastAsync(database, 100, "message_fault")).Where(row => row.Service == "risk").ToList();

    private static IHost BuildHost(string service, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(service);
        Composition.AddServices(builder, [service]);
        builder.AddCypherMessaging();
        return builder.Build();
    }
}
