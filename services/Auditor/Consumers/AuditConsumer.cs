using CypherScoping.Auditor.Domain;
using CypherScoping.Auditor.Workers;
using CypherScoping.Contracts;
using CypherScoping.Messaging;
using MassTransit;

namespace CypherScoping.Auditor.Consumers;

/// <summary>Headers the Auditor reads.</summary>
public static class AuditHeaders
{
    /// <summary>Name of the publishing service, when the publisher sets it (otherwise inferred from the contract).</summary>
    public const string Service = CypherHeaders.Service;
}

/// <summary>
/// The one generic audit path: registered for every contract type by reflection, so a new contract is audited
/// with no new Auditor code. Keyed by MassTransit's MessageId; returns only after the row is committed.
/// </summary>
public sealed class AuditConsumer<T>(AuditWriter writer) : IConsumer<T>
    where T : class, ICypherMessage
{
    public async Task Consume(ConsumeContext<T> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var messageId = context.MessageId ?? throw new BadMessageException($"{typeof(T).Name} arrived without a MessageId; it cannot be audited exactly once");
        var service = context.Headers.Get<string>(AuditHeaders.Service);
        var draft = AuditEventMapper.Map(context.Message, messageId, service).Prepared(); // hashing and formatting in parallel
        await writer.SubmitAsync(draft, context.CancellationToken);
    }
}

public sealed class AuditConsumerDefinition<T> : ConsumerDefinition<AuditConsumer<T>>
    where T : class, ICypherMessage
{
    public AuditConsumerDefinition(AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConcurrentMessageLimit = options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AuditConsumer<T>> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PrefetchCount = Math.Max(endpointConfigurator.PrefetchCount, ConcurrentMessageLimit ?? 16);
    }
}
