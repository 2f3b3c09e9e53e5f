using System.Collections.Concurrent;
using MassTransit;

namespace CypherScoping.Messaging;

/// <summary>
/// Work a service does off the bus that ends in a publish (e.g. the Alerts delivery worker): while it is pending
/// the system is not idle. Registered in DI; stepped runs add every source to their <see cref="BusQuiescence"/>.
/// </summary>
public interface IBackgroundWork
{
    /// <summary>Units of work accepted and not yet finished (finished includes publishing what they produce).</summary>
    int PendingWork { get; }
}

/// <summary>
/// Knows when every message published on the bus has been fully handled by every endpoint that consumes it.
/// Accelerated paper runs step the system and wait for quiescence between steps, so a seeded run is
/// deterministic and never outruns its consumers. Expected deliveries come from the consumer registry
/// (message type → queues); each (message id, queue) pair is cleared when that queue finishes receiving it.
/// </summary>
public sealed class BusQuiescence : IPublishObserver, IReceiveObserver
{
    private readonly Dictionary<Type, string[]> _queuesByMessage;
    private readonly ConcurrentDictionary<(Guid MessageId, string Queue), byte> _pending = new();
    private readonly List<IBackgroundWork> _work = [];
    private long _faults;

    public BusQuiescence(ConsumerRegistry registry, MessagingOptions options)
    {
        _queuesByMessage = registry.Entries
            .SelectMany(e => ConsumedTypes(e.Consumer).Select(t => (Type: t, Queue: (options.EntityPrefix ?? string.Empty) + e.QueueName)))
            .GroupBy(x => x.Type)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Queue).Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Deliveries not yet finished.</summary>
    public int Pending => _pending.Count;

    /// <summary>Receives that faulted (the message went to the error queue).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Also wait for these services' off-bus work (see <see cref="IBackgroundWork"/>).</summary>
    public void Track(IEnumerable<IBackgroundWork> work)
    {
        lock (_work)
        {
            _work.AddRange(work.Where(w => !_work.Contains(w)));
        }
    }

    private bool WorkPending()
    {
        lock (_work)
        {
            return _work.Any(w => w.PendingWork > 0);
        }
    }

    public void Attach(IBus bus)
    {
        bus.ConnectPublishObserver(this);
        bus.ConnectReceiveObserver(this);
    }

    public async Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var quietChecks = 0;
        while (quietChecks < 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_pending.IsEmpty && !WorkPending())
            {
                quietChecks++;
            }
            else
            {
                quietChecks = 0;
                if (DateTime.UtcNow > deadline)
                {
                    var sample = string.Join(", ", _pending.Keys.Take(5).Select(k => k.Queue));
                    throw new TimeoutException($"bus still busy after {timeout}: {_pending.Count} deliveries pending ({sample}){(WorkPending() ? ", background work pending" : string.Empty)}");
                }
            }

            await Task.Delay(1, cancellationToken);
        }
    }

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class
    {
        if (context.MessageId is { } id && _queuesByMessage.TryGetValue(typeof(T), out var queues))
        {
            foreach (var queue in queues)
            {
                _pending.TryAdd((id, queue), 0);
            }
        }

        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class
    {
        if (context.MessageId is { } id && _queuesByMessage.TryGetValue(typeof(T), out var queues))
        {
            foreach (var queue in queues)
            {
                _pending.TryRemove((id, queue), out _);
            }
        }

        return Task.CompletedTask;
    }

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        Clear(context);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask; // not here: the outbox publishes after the consumer, before PostReceive

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class
    {
        Interlocked.Increment(ref _faults);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        Interlocked.Increment(ref _faults);
        Clear(context);
        return Task.CompletedTask;
    }

    private void Clear(ReceiveContext context)
    {
        if (context.GetMessageId() is { } id)
        {
            _pending.TryRemove((id, QueueOf(context.InputAddress)), out _);
        }
    }

    private static string QueueOf(Uri inputAddress) => inputAddress.AbsolutePath.Trim('/').Split('/').Last();

    private static IEnumerable<Type> ConsumedTypes(Type consumer) => consumer.GetInterfaces()
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
        .Select(i => i.GetGenericArguments()[0])
        .Select(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Batch<>) ? t.GetGenericArguments()[0] : t);
}
