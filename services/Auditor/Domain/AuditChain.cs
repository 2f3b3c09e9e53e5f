using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CypherScoping.Auditor.Domain;

/// <summary>Where a chain breaks: the first row whose content, link or place is wrong.</summary>
public sealed record ChainBreak(long Seq, Guid MessageId, string Reason);

/// <summary>The result of verifying the whole trail.</summary>
public sealed record ChainVerification(long RowsChecked, string HeadHash, ChainBreak? FirstBreak)
{
    public bool IsIntact => FirstBreak is null;

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new
    {
        intact = IsIntact,
        rowsChecked = RowsChecked,
        headHash = HeadHash,
        firstBreak = FirstBreak is null ? null : new { seq = FirstBreak.Seq, messageId = FirstBreak.MessageId, reason = FirstBreak.Reason },
    });

    public string ToText() => FirstBreak is null
        ? $"audit trail intact: {RowsChecked} rows, head hash {HeadHash}"
        : $"audit trail BROKEN at seq {FirstBreak.Seq} (message {FirstBreak.MessageId}): {FirstBreak.Reason} ({RowsChecked} rows checked)";
}

/// <summary>
/// The hash chain: hash = SHA-256(seq, recorded_at, content hash, prev_hash), where the content hash is SHA-256 over
/// every other column (ids, time, classification, symbol, error code, payload). Changing any column, removing or
/// reordering a row breaks the chain. Fields are length-prefixed so no two different rows serialise to the same text.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string ComputeHash(AuditRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Link(row.Seq, row.RecordedAt, ContentHash(row.MessageId, row.OccurredAt, row.EventType, row.Level, row.Service, row.CorrelationId, row.Symbol, row.BaseAsset, row.ErrorCode, row.Payload), row.PrevHash);
    }

    /// <summary>The hash of a row: its place (seq, recorded_at), its content hash and the previous row's hash.</summary>
    public static string Link(long seq, DateTimeOffset recordedAt, string contentHash, string prevHash)
    {
        var sb = new StringBuilder(200);
        Append(sb, seq.ToString(CultureInfo.InvariantCulture));
        Append(sb, recordedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(sb, contentHash);
        Append(sb, prevHash);
        return Sha256(sb);
    }

    /// <summary>
    /// SHA-256 over every content column (message id, time, classification, symbol, error code, payload). Computed by
    /// the consumers in parallel; the single writer then only links it into the chain.
    /// </summary>
    public static string ContentHash(Guid messageId, DateTimeOffset occurredAt, string eventType, string level, string service, Guid correlationId, string? symbol, string? baseAsset, string? errorCode, string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var sb = new StringBuilder(payload.Length + 256);
        Append(sb, messageId.ToString("D"));
        Append(sb, occurredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(sb, eventType);
        Append(sb, level);
        Append(sb, service);
        Append(sb, correlationId.ToString("D"));
        Append(sb, symbol);
        Append(sb, baseAsset);
        Append(sb, errorCode);
        Append(sb, payload);
        return Sha256(sb);
    }

    public static string ContentHash(AuditDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return ContentHash(draft.MessageId, draft.OccurredAt, draft.EventType, draft.Level, draft.Service, draft.CorrelationId, draft.Symbol, draft.BaseAsset, draft.ErrorCode, draft.Payload);
    }

    private static string Sha256(StringBuilder sb)
    {
        var text = sb.ToString();
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(text, rented);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, n), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Incremental verifier: feed rows in seq order; the first problem is kept.</summary>
    public sealed class Verifier
    {
        private long _lastSeq;
        private string _lastHash = Genesis;

        public long Checked { get; private set; }

        public ChainBreak? FirstBreak { get; private set; }

        public string HeadHash => _lastHash;

        /// <summary>False once a break is found (stop reading).</summary>
        public bool Add(AuditRow row)
        {
            if (FirstBreak is not null)
            {
                return false;
            }

            Checked++;
            if (row.Seq != _lastSeq + 1)
            {
                FirstBreak = new ChainBreak(row.Seq, row.MessageId, $"sequence gap: expected seq {_lastSeq + 1} (rows missing or renumbered)");
            }
            else if (!string.Equals(row.PrevHash, _lastHash, StringComparison.Ordinal))
            {
                FirstBreak = new ChainBreak(row.Seq, row.MessageId, $"prev_hash does not match the hash of seq {_lastSeq}");
            }
            else if (!string.Equals(ComputeHash(row), row.Hash, StringComparison.Ordinal))
            {
                FirstBreak = new ChainBreak(row.Seq, row.MessageId, "hash does not match the row's content (row modified)");
            }

            _lastSeq = row.Seq;
            _lastHash = row.Hash;
            return FirstBreak is null;
        }

        public ChainVerification Result() => new(Checked, _lastHash, FirstBreak);
    }

    private static void Append(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            sb.Append("~;");
            return;
        }

        sb.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }
}
