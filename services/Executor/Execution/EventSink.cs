using MassTransit;

namespace CypherScoping.Executor.Execution;

/// <summary>Where the Executor's events go: the consume context (in-memory outbox) inside a consumer, the bus elsewhere.</summary>
public interface IEventSink
{
    Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class;
}

public sealed class ConsumeContextSink(ConsumeContext context) : IEventSink
{
    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class => context.Publish(message, cancellationToken);
}

public sealed class BusSink(IPublishEndpoint publish) : IEventSink
{
    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class => publish.Publish(message, cancellationToken);
}

/// <summary>Collects events (CLI and tests).</summary>
public sealed class ListSink : IEventSink
{
    private readonly List<object> _events = [];

    public IReadOnlyList<object> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        lock (_events)
        {
            _events.Add(message);
        }

        return Task.CompletedTask;
    }
}
