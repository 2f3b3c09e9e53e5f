using System.Text.Json;
using CypherScoping.Auditor.Domain;
using CypherScoping.Auditor.Workers;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using MassTransit;

namespace CypherScoping.Auditor.Consumers;

/// <summary>
/// A consumer anywhere gave up on a contract message (retries exhausted, or a bad message sent straight to the error
/// queue): MassTransit publishes Fault&lt;T&gt; and the trail records it as a <c>message_fault</c> error (E_BAD_MESSAGE
/// when the consumer called the message bad), so the operator and the paper gate see it.
/// </summary>
public sealed class AuditFaultConsumer<T>(AuditWriter writer) : IConsumer<Fault<T>>
    where T : class, ICypherMessage
{
    public async Task Consume(ConsumeContext<Fault<T>> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var fault = context.Message;
        var messageId = context.MessageId ?? fault.FaultId;
        var draft = AuditFaults.Map(
            typeof(T).Name,
            fault.FaultId,
            fault.FaultedMessageId,
            fault.Timestamp,
            fault.Message,
            AuditFaults.Exceptions(fault.Exceptions),
            context.Headers.Get<string>(AuditHeaders.Service),
            messageId);
        await writer.SubmitAsync(draft.Prepared(), context.CancellationToken);
    }
}

/// <summary>
/// A message no consumer could even read (not JSON, a broken envelope, a contract with missing or mistyped fields):
/// MassTransit moves it to the endpoint's <c>_error</c> queue untouched and publishes ReceiveFault, which the trail
/// records as a <c>message_fault</c> error with E_BAD_MESSAGE. One row per endpoint that refused it.
/// </summary>
public sealed class AuditReceiveFaultConsumer(AuditWriter writer) : IConsumer<ReceiveFault>
{
    public async Task Consume(ConsumeContext<ReceiveFault> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var fault = context.Message;
        var draft = AuditFaults.Map(
            AuditFaults.MessageTypeOf(fault.FaultMessageTypes),
            fault.FaultId,
            fault.FaultedMessageId,
            fault.Timestamp,
            null,
            AuditFaults.Exceptions(fault.Exceptions),
            context.Headers.Get<string>(AuditHeaders.Service),
            context.MessageId ?? fault.FaultId,
            unreadable: true);
        await writer.SubmitAsync(draft.Prepared(), context.CancellationToken);
    }
}

/// <summary>Maps a consumer fault to an audit row (pure).</summary>
public static class AuditFaults
{
    public const string EventType = "message_fault";

    public static AuditDraft Map(
        string messageType,
        Guid faultId,
        Guid? faultedMessageId,
        DateTime timestamp,
        ICypherMessage? message,
        IReadOnlyList<(string Type, string Message)> exceptions,
        string? service,
        Guid messageId,
        bool unreadable = false)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        var bad = unreadable || exceptions.Any(e => e.Type.EndsWith("BadMessageException", StringComparison.Ordinal));
        var original = message is null ? null : AuditEventMapper.Map(message, faultedMessageId ?? Guid.Empty);
        var payload = JsonSerializer.Serialize(
            new
            {
                faultId,
                faultedMessageId,
                messageType,
                reason = exceptions.Count > 0 ? $"{ShortType(exceptions[0].Type)}: {exceptions[0].Message}" : "consumer fault",
                exceptions = exceptions.Select(e => new { type = ShortType(e.Type), message = e.Message }),
                faultedMessage = original is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(original.Payload),
            },
            AuditEventMapper.PayloadJson);
        return new AuditDraft(
            messageId,
            new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc)),
            EventType,
            AuditLevels.Error,
            string.IsNullOrWhiteSpace(service) ? original?.Service ?? "unknown" : service.Trim().ToLowerInvariant(),
            message?.CorrelationId ?? Guid.Empty,
            original?.Symbol,
            original?.BaseAsset,
            bad ? ErrorCodes.BadMessage : null,
            AuditEventMapper.Redact(payload));
    }

    /// <summary>MassTransit's exception details as (type, message) pairs.</summary>
    public static IReadOnlyList<(string Type, string Message)> Exceptions(ExceptionInfo[]? exceptions) =>
        (exceptions ?? []).Select(e => (e?.ExceptionType ?? "Exception", e?.Message ?? string.Empty)).ToList();

    /// <summary>The contract a faulted message claimed to be ("urn:message:Ns:Type" → "Type"), or "unreadable".</summary>
    public static string MessageTypeOf(string[]? messageTypes) =>
        messageTypes is { Length: > 0 } types && !string.IsNullOrWhiteSpace(types[0]) ? types[0][(types[0].LastIndexOf(':') + 1)..] : "unreadable";

    private static string ShortType(string type) => type[(type.LastIndexOf('.') + 1)..];
}
