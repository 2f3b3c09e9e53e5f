using System.Data.Common;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Messaging;

/// <summary>A consumer a service contributes to the bus, with its service-prefixed queue.</summary>
public sealed record ConsumerEntry(string Service, Type Consumer, Type? Definition, string? SharedQueue = null)
{
    /// <summary>The consumer's own queue, or the ordered queue it shares with the service's other consumers.</summary>
    public string QueueName => SharedQueue is null ? QueueNames.For(Service, Consumer) : $"{Service}-{SharedQueue}";
}

/// <summary>Collects consumers from every Add&lt;Service&gt;() so one bus can host one or all services.</summary>
public sealed class ConsumerRegistry
{
    private readonly List<ConsumerEntry> _entries = [];

    public IReadOnlyList<ConsumerEntry> Entries => _entries;

    public void Add(ConsumerEntry entry)
    {
        if (!_entries.Any(e => e.Consumer == entry.Consumer))
        {
            _entries.Add(entry);
        }
    }
}

public static class QueueNames
{
    /// <summary>risk + SignalGeneratedConsumer → risk-signal-generated.</summary>
    public static string For(string service, Type consumer)
    {
        var name = consumer.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick] + "-" + string.Join("-", consumer.GetGenericArguments().Select(a => a.Name));
        }

        if (name.EndsWith("Consumer", StringComparison.Ordinal))
        {
            name = name[..^"Consumer".Length];
        }

        return $"{service}-{Kebab(name)}";
    }

    public static string Kebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && pascal[i - 1] != '-' && (!char.IsUpper(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]))))
                {
                    sb.Append('-');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

/// <summary>Headers every Cypher publisher sets.</summary>
public static class CypherHeaders
{
    /// <summary>The publishing service (set when a process hosts exactly one service; one-process runs leave it unset).</summary>
    public const string Service = "Cypher-Service";

    /// <summary>Where AddServiceDefaults leaves the host's service name for AddCypherMessaging (builder.Properties).</summary>
    public const string ServiceNameProperty = "Cypher.ServiceName";
}

/// <summary>Thrown by consumers for a message that can never succeed: no retry, straight to the error queue.</summary>
public sealed class BadMessageException(string message) : Exception(message);

public static class MessagingRegistration
{
    /// <summary>Contribute a consumer (with an optional definition) to the bus under the service's queue prefix.</summary>
    /// <param name="sharedQueue">
    /// Put the consumer on one ordered queue (`service-sharedQueue`, one message at a time) with the service's other
    /// consumers of that queue: messages of different types are then handled in the order they were published
    /// (a single-writer state machine such as Risk needs this).
    /// </param>
    public static IServiceCollection AddCypherConsumer<TConsumer>(this IServiceCollection services, string service, string? sharedQueue = null)
        where TConsumer : class, IConsumer =>
        services.AddCypherConsumer(service, typeof(TConsumer), null, sharedQueue);

    public static IServiceCollection AddCypherConsumer<TConsumer, TDefinition>(this IServiceCollection services, string service, string? sharedQueue = null)
        where TConsumer : class, IConsumer
        where TDefinition : class, IConsumerDefinition<TConsumer> =>
        services.AddCypherConsumer(service, typeof(TConsumer), typeof(TDefinition), sharedQueue);

    public static IServiceCollection AddCypherConsumer(this IServiceCollection services, string service, Type consumer, Type? definition, string? sharedQueue = null)
    {
        Registry(services).Add(new ConsumerEntry(service, consumer, definition, sharedQueue));
        return services;
    }

    public static ConsumerRegistry Registry(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ConsumerRegistry))?.ImplementationInstance is ConsumerRegistry existing)
        {
            return existing;
        }

        var registry = new ConsumerRegistry();
        services.AddSingleton(registry);
        return registry;
    }

    /// <summary>
    /// Every message this process publishes carries the Cypher-Service header when the process is one service (the
    /// Auditor records it); a process hosting several services (the one-process run) leaves the Auditor to infer
    /// the publisher from the contract instead of naming the whole process.
    /// </summary>
    private static void StampPublisher(IBusFactoryConfigurator cfg, ConsumerRegistry registry, string? hostName)
    {
        var services = registry.Entries.Select(e => e.Service).Distinct(StringComparer.Ordinal).ToList();
        var name = services.Count switch
        {
            1 => services[0],
            0 => hostName,
            _ => null,
        };
        if (name is not null)
        {
            cfg.ConfigurePublish(p => p.UseExecute(context => context.Headers.Set(CypherHeaders.Service, name)));
        }
    }

    /// <summary>The concurrency limit of a definition-configured consumer's own queue (null: the transport default).</summary>
    private static int? EndpointLimit(IServiceProvider services, ConsumerRegistry registry, MessagingOptions options, string endpointName)
    {
        var entry = registry.Entries.FirstOrDefault(e => e.SharedQueue is null && e.Definition is not null
            && string.Equals((options.EntityPrefix ?? string.Empty) + e.QueueName, endpointName, StringComparison.Ordinal));
        if (entry is null)
        {
            return null;
        }

        var definition = services.GetService(typeof(IConsumerDefinition<>).MakeGenericType(entry.Consumer)) as IConsumerDefinition;
        return definition?.ConcurrentMessageLimit;
    }

    /// <summary>
    /// The one call that configures MassTransit: call it after every Add&lt;Service&gt;(). Transport from
    /// Messaging:Transport (InMemory | RabbitMq), retry for transient faults, the in-memory outbox (nothing is
    /// published when a consumer fails), usage telemetry off, and service-prefixed queues.
    /// </summary>
    /// <param name="testHarness">Use MassTransit's in-memory test harness (tests reuse the real registrations).</param>
    public static IHostApplicationBuilder AddCypherMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null, bool testHarness = false)
    {
        var options = builder.Configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>() ?? new MessagingOptions();
        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        var registry = Registry(builder.Services);
        builder.Services.AddSingleton(options);
        var hostName = builder.Properties.TryGetValue(CypherHeaders.ServiceNameProperty, out var named) ? named as string : null;

        Action<IBusRegistrationConfigurator> register = x =>
        {
            x.DisableUsageTelemetry();
            foreach (var entry in registry.Entries)
            {
                var consumer = entry.Definition is null ? x.AddConsumer(entry.Consumer) : x.AddConsumer(entry.Consumer, entry.Definition);
                var queue = (options.EntityPrefix ?? string.Empty) + entry.QueueName;
                consumer.Endpoint(e =>
                {
                    e.Name = queue;
                    if (entry.SharedQueue is not null)
                    {
                        e.ConcurrentMessageLimit = 1;
                    }
                });
            }

            configure?.Invoke(x);

            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                // A consumer definition's limit bounds only the consumer; the outbox publishes after it returns, so two
                // messages handled "one at a time" could still publish concurrently and reach other services out of
                // order. The same limit on the endpoint covers the whole receive, outbox included.
                if (EndpointLimit(context, registry, options, name) is { } limit)
                {
                    endpoint.ConcurrentMessageLimit = limit;
                }

                endpoint.UseMessageRetry(r =>
                {
                    r.Exponential(options.RetryLimit, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
                    r.Handle<TimeoutException>();
                    r.Handle<DbException>();
                    r.Handle<IOException>();
                    r.Handle<HttpRequestException>();
                    r.Ignore<BadMessageException>();
                });
                endpoint.UseInMemoryOutbox(context);
            });

            if (testHarness)
            {
                return; // the harness brings its own in-memory transport
            }

            if (options.Transport == TransportKind.RabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    StampPublisher(cfg, registry, hostName);
                    var uri = rabbit.ToUri();
                    cfg.Host(uri, h =>
                    {
                        if (string.IsNullOrEmpty(uri.UserInfo))
                        {
                            h.Username(rabbit.Username);
                            h.Password(rabbit.Password);
                        }
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    if (!string.IsNullOrEmpty(options.EntityPrefix))
                    {
                        cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, options.EntityPrefix));
                    }

                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    StampPublisher(cfg, registry, hostName);
                    cfg.ConfigureEndpoints(context);
                });
            }
        };

        // Start returns only when every receive endpoint is bound, so nothing published right after start is lost.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        if (testHarness)
        {
            builder.Services.AddMassTransitTestHarness(register);
        }
        else
        {
            builder.Services.AddMassTransit(register);
        }

        return builder;
    }
}
