using CypherScoping.Contracts;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.TestKit;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace CypherScoping.Foundation.Tests;

public class MessagingTests
{
    private static IHost BuildHost(IDictionary<string, string?> settings, string service, Action<IHostApplicationBuilder> add)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(service);
        add(builder);
        builder.AddCypherMessaging();
        return builder.Build();
    }

    [Fact]
    public void Queue_names_carry_the_service_prefix()
    {
        Assert.Equal("risk-signal-generated", QueueNames.For("risk", typeof(SignalGeneratedConsumer)));
        Assert.Equal("foundation-ping", QueueNames.For("foundation", typeof(PingConsumer)));
    }

    [Fact]
    public async Task In_memory_transport_delivers_within_one_process()
    {
        var settings = TestHosts.SqliteSettings();
        using var host = BuildHost(settings, PingService.Name, b => b.AddPingService());
        await host.StartAsync();
        var counter = host.Services.GetRequiredService<DeliveryCounter>();

        await host.Services.GetRequiredService<IBus>().Publish(PingService.NewPing());
        await PingService.WaitUntilAsync(() => counter.Count == 1, TimeSpan.FromSeconds(20), "in-memory delivery");

        Assert.Equal(1, counter.Count);
        await host.StopAsync();
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_message_published_by_one_host_is_consumed_by_another_over_rabbitmq()
    {
        var rabbit = await TestHosts.RabbitSettingsAsync();
        var publisherSettings = new Dictionary<string, string?>(rabbit);
        foreach (var kv in TestHosts.SqliteSettings())
        {
            publisherSettings.TryAdd(kv.Key, kv.Value);
        }

        var consumerSettings = new Dictionary<string, string?>(publisherSettings);
        using var consumerHost = BuildHost(consumerSettings, PingService.Name, b => b.AddPingService());
        using var publisherHost = BuildHost(publisherSettings, "publisher", _ => { });
        await consumerHost.StartAsync();
        await publisherHost.StartAsync();
        var counter = consumerHost.Services.GetRequiredService<DeliveryCounter>();

        await publisherHost.Services.GetRequiredService<IBus>().Publish(PingService.NewPing(7m));
        await PingService.WaitUntilAsync(() => counter.Count == 1, TimeSpan.FromSeconds(60), "delivery over RabbitMQ");

        // The queue on the broker carries the service prefix (plus this run's isolation prefix).
        var prefix = rabbit["Messaging:EntityPrefix"]!;
        var factory = new ConnectionFactory { Uri = new Uri(rabbit["RabbitMq:Url"]!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclarePassiveAsync(prefix + "foundation-ping");
        Assert.Equal(prefix + "foundation-ping", queue.QueueName);

        await publisherHost.StopAsync();
        await consumerHost.StopAsync();
        await channel.QueueDeleteAsync(prefix + "foundation-ping");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Messages_carry_the_publishing_service_over_rabbitmq_but_not_from_a_process_hosting_several()
    {
        var settings = new Dictionary<string, string?>(await TestHosts.RabbitSettingsAsync());
        foreach (var kv in TestHosts.SqliteSettings())
        {
            settings.TryAdd(kv.Key, kv.Value);
        }

        var seen = new HeaderLog();
        using var consumerHost = BuildHost(settings, PingService.Name, b =>
        {
            b.AddPingService();
            b.Services.AddSingleton(seen);
        });
        using var cliHost = BuildHost(settings, "cli", _ => { });
        using var sharedHost = BuildHost(settings, "paper", b =>
        {
            b.Services.AddCypherConsumer<HeaderProbeConsumer>("alpha");
            b.Services.AddCypherConsumer<OtherProbeConsumer>("beta");
        });
        await consumerHost.StartAsync();
        await cliHost.StartAsync();
        await sharedHost.StartAsync();
        try
        {
            var counter = consumerHost.Services.GetRequiredService<DeliveryCounter>();
            await cliHost.Services.GetRequiredService<IBus>().Publish(PingService.NewPing(1m));
            await PingService.WaitUntilAsync(() => counter.Count == 1, TimeSpan.FromSeconds(60), "ping from the cli host");
            await sharedHost.Services.GetRequiredService<IBus>().Publish(PingService.NewPing(2m));
            await PingService.WaitUntilAsync(() => counter.Count == 2, TimeSpan.FromSeconds(60), "ping from the shared host");

            Assert.Equal("cli", seen.ByAmount[1m]);
            Assert.Equal(string.Empty, seen.ByAmount[2m]); // several services in one process: the Auditor infers instead
        }
        finally
        {
            await sharedHost.StopAsync();
            await cliHost.StopAsync();
            await consumerHost.StopAsync();
        }
    }

    private sealed class SignalGeneratedConsumer : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context) => Task.CompletedTask;
    }

    private sealed class HeaderProbeConsumer : IConsumer<Ping2>
    {
        public Task Consume(ConsumeContext<Ping2> context) => Task.CompletedTask;
    }

    private sealed class OtherProbeConsumer : IConsumer<Ping2>
    {
        public Task Consume(ConsumeContext<Ping2> context) => Task.CompletedTask;
    }
}

/// <summary>A second test-only message, so probe consumers do not compete for pings.</summary>
public sealed record Ping2 : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The Cypher-Service header of each ping the ping consumer saw, by amount (empty: no header).</summary>
public sealed class HeaderLog
{
    public System.Collections.Concurrent.ConcurrentDictionary<decimal, string> ByAmount { get; } = new();
}
