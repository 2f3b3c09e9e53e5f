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

    public string ToText() => FirstBreak is null
        ? $"audit trail intact: {RowsChecked} rows, head hash {HeadHash}"
        : $"audit trail BROKEN at seq {FirstBreak.Seq} (message {FirstBreak.MessageId}): {FirstBreak.Reason} ({RowsChecked} rows checked)";
}

/// <summary>
/// The hash chain: hash = SHA-256 over every column of the row (seq, ids, times, classification, payload) and the
/// previous row's hash. Fields are length-prefixed so no two different rows serialise to the same text.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string ComputeHash(AuditRow row)
    {
        var sb = new StringBuilder(row.Payload.Length + 256);
        Append(sb, row.Seq.ToString(CultureInfo.InvariantCulture));
        Append(sb, row.MessageId.ToString("D"));
        Append(sb, row.OccurredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(sb, row.RecordedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(sb, row.EventType);
        Append(sb, row.Level);
        Append(sb, row.Service);
        Append(sb, row.CorrelationId.ToString("D"));
        Append(sb, row.Symbol);
        Append(sb, row.BaseAsset);
        Append(sb, row.ErrorCode);
        Append(sb, row.Payload);
        Append(sb, row.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
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
