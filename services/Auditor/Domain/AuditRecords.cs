namespace CypherScoping.Auditor.Domain;

/// <summary>Audit levels (architecture §10).</summary>
public static class AuditLevels
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
}

/// <summary>A message mapped to an audit row, before the writer gives it its place in the chain.</summary>
public sealed record AuditDraft(
    Guid MessageId,
    DateTimeOffset OccurredAt,
    string EventType,
    string Level,
    string Service,
    Guid CorrelationId,
    string? Symbol,
    string? BaseAsset,
    string? ErrorCode,
    string Payload)
{
    private string? _contentHash;
    private string? _lineBody;

    /// <summary>SHA-256 of the content columns (computed once, off the writer's path).</summary>
    public string ContentHash => _contentHash ??= AuditChain.ContentHash(this);

    /// <summary>The JSONL line without seq, messageId and hash (computed once, off the writer's path).</summary>
    public string LineBody => _lineBody ??= AuditLine.Body(OccurredAt, Level, EventType, Service, CorrelationId, Symbol, BaseAsset, ErrorCode, Payload);

    /// <summary>Compute the hash and line body now (the consumer does it, in parallel, before queueing for the writer).</summary>
    public AuditDraft Prepared()
    {
        _ = ContentHash;
        _ = LineBody;
        return this;
    }
}

/// <summary>One row of the append-only trail (architecture §10).</summary>
public sealed record AuditRow(
    long Seq,
    Guid MessageId,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string EventType,
    string Level,
    string Service,
    Guid CorrelationId,
    string? Symbol,
    string? BaseAsset,
    string? ErrorCode,
    string Payload,
    string PrevHash,
    string Hash)
{
    /// <summary>Place a draft in the chain after the row (seq, hash) given.</summary>
    public static AuditRow Chain(AuditDraft draft, long seq, string prevHash, DateTimeOffset recordedAt)
    {
        var row = new AuditRow(seq, draft.MessageId, draft.OccurredAt, recordedAt, draft.EventType, draft.Level, draft.Service,
            draft.CorrelationId, draft.Symbol, draft.BaseAsset, draft.ErrorCode, draft.Payload, prevHash, string.Empty);
        return row with { Hash = AuditChain.Link(seq, recordedAt, draft.ContentHash, prevHash) };
    }
}
