using System.Globalization;
using CypherScoping.Auditor.Domain;

namespace CypherScoping.Auditor.Data;

/// <summary>Export formats of the trail: the JSONL mirror format, or CSV with the columns of architecture §10.</summary>
public static class AuditExport
{
    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditRow> rows, TextWriter output, bool csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        long count = 0;
        if (csv)
        {
            await output.WriteLineAsync(AuditStore.Columns.Replace(" ", string.Empty, StringComparison.Ordinal));
        }

        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await output.WriteLineAsync(csv ? CsvLine(row) : AuditLine.Format(row));
            count++;
        }

        await output.FlushAsync(cancellationToken);
        return count;
    }

    public static string CsvLine(AuditRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string[] fields =
        [
            row.Seq.ToString(CultureInfo.InvariantCulture),
            row.MessageId.ToString("D"),
            row.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            row.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            row.EventType, row.Level, row.Service, row.CorrelationId.ToString("D"),
            row.Symbol ?? string.Empty, row.BaseAsset ?? string.Empty, row.ErrorCode ?? string.Empty,
            row.Payload, row.PrevHash, row.Hash,
        ];
        return string.Join(',', fields.Select(Quote));
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
