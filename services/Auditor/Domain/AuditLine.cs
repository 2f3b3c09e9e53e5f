using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CypherScoping.Auditor.Domain;

/// <summary>
/// The JSONL mirror line of a row (architecture §10): compact JSON, no spaces, so the operator's
/// <c>grep -c '"eventType":"order_placed"'</c> and <c>jq</c> scripts work. Built from the row alone (the payload
/// holds the details), so the mirror can always be rebuilt from the trail.
/// </summary>
public static class AuditLine
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Payload members already shown as standard fields.</summary>
    private static readonly FrozenSet<string> Standard = new[]
    {
        "timestamp", "level", "eventType", "service", "correlationId", "symbol", "baseAsset", "errorCode", "message",
        "occurredAt", "seq", "messageId", "hash", "status", "pnl",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Human description per event type: {member} is replaced by the payload member.</summary>
    private static readonly FrozenDictionary<string, string> Templates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["market_scan"] = "{symbol} close {close} score {score}",
        ["signal_generated"] = "{side} signal on {symbol} at {entryPrice} (score {score})",
        ["policy_rejection"] = "{side} {symbol} denied: {reason}",
        ["approval_requested"] = "approval needed: {side} {size} {symbol} at {entryPrice}",
        ["approval_decided"] = "approval {approvalId} approved={approved} by {decidedBy}",
        ["order_approved"] = "{side} {size} {symbol} approved at {entryPrice}",
        ["order_placed"] = "{side} {size} {symbol} placed ({clientOrderId})",
        ["order_rejected"] = "{side} {symbol} rejected: {reason}",
        ["order_filled"] = "{side} {filledSize} {symbol} filled at {fillPrice}",
        ["position_opened"] = "{side} {size} {symbol} opened at {entryPrice}",
        ["trade_executed"] = "{side} {symbol} closed ({exitReason}): {outcome} pnl {realizedPnl}",
        ["duplicate_order_blocked"] = "duplicate order {clientOrderId} blocked (original {existingStatus})",
        ["exchange_error"] = "{operation}: {message}",
        ["trading_state_changed"] = "trading {previousState} -> {state}: {reason}",
        ["positions_flattened"] = "flatten by {requestedBy}: closed {closedPositions}, flat={isFlat}",
        ["alert_sent"] = "{severity} alert via {channel}: {title}",
        ["alert_failed"] = "{severity} alert via {channel} failed: {error}",
        ["health_report"] = "{action}: {recommendation}",
        ["service_started"] = "{service} {version} started on {host} ({mode})",
        ["config_loaded"] = "{service} configuration loaded ({profile}, {mode})",
        ["account_snapshot"] = "equity {equity}, margin used {marginUsed}",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string Format(AuditRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Format(row, Body(row.OccurredAt, row.Level, row.EventType, row.Service, row.CorrelationId, row.Symbol, row.BaseAsset, row.ErrorCode, row.Payload));
    }

    /// <summary>The line from a precomputed body: only seq, messageId and hash are added by the writer.</summary>
    public static string Format(AuditRow row, string body)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(body);
        return string.Create(CultureInfo.InvariantCulture, $"{body},\"seq\":{row.Seq},\"messageId\":\"{row.MessageId:D}\",\"hash\":\"{row.Hash}\"}}");
    }

    /// <summary>Everything of the line that does not depend on the row's place in the chain (no closing brace).</summary>
    public static string Body(DateTimeOffset occurredAt, string level, string eventType, string service, Guid correlationId, string? symbol, string? baseAsset, string? errorCode, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        using var doc = JsonDocument.Parse(payloadJson);
        var payload = doc.RootElement;
        var buffer = new ArrayBufferWriter<byte>(payloadJson.Length + 512);
        using var w = new Utf8JsonWriter(buffer, WriterOptions);
        w.WriteStartObject();
        w.WriteString("timestamp", occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("level", level);
        w.WriteString("eventType", eventType);
        w.WriteString("service", service);
        w.WriteString("correlationId", correlationId.ToString("D"));
        WriteNullable(w, "symbol", symbol);
        WriteNullable(w, "baseAsset", baseAsset);
        WriteNullable(w, "errorCode", errorCode);
        w.WriteString("message", Describe(eventType, payload));
        if (eventType == "circuit_breaker")
        {
            w.WriteString("status", payload.TryGetProperty("resetBy", out _) ? "reset" : "tripped");
        }

        if (eventType == "trade_executed" && payload.TryGetProperty("realizedPnl", out var pnl))
        {
            w.WritePropertyName("pnl");
            pnl.WriteTo(w);
        }

        if (payload.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in payload.EnumerateObject())
            {
                if (!Standard.Contains(member.Name))
                {
                    member.WriteTo(w);
                }
            }
        }

        w.Flush(); // the object is closed by Format, after seq, messageId and hash
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The seq a mirror line carries (to resume the mirror after a crash), or null.</summary>
    public static long? SeqOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Describe(string eventType, JsonElement payload)
    {
        if (eventType == "circuit_breaker")
        {
            return payload.TryGetProperty("resetBy", out _)
                ? Fill("{breaker} breaker reset by {resetBy}: {reason}", payload)
                : Fill("{breaker} breaker tripped ({action}): {reason}", payload);
        }

        if (Templates.TryGetValue(eventType, out var template))
        {
            return Fill(template, payload);
        }

        foreach (var name in new[] { "reason", "message", "details", "title", "error" })
        {
            if (AuditEventMapper.Text(payload, name) is { Length: > 0 } text)
            {
                return $"{eventType.Replace('_', ' ')}: {text}";
            }
        }

        return eventType.Replace('_', ' ');
    }

    private static string Fill(string template, JsonElement payload)
    {
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            sb.Append(payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) ? ValueText(value) : "?");
            i = close + 1;
        }

        return sb.ToString();
    }

    private static string ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Null => "-",
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number.ToString("0.############", CultureInfo.InvariantCulture), // 4880.0 and 4880 read alike
        _ => value.GetRawText(),
    };

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
