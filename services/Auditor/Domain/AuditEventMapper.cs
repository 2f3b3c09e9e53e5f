using System.Collections.Frozen;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Auditor.Domain;

/// <summary>
/// Maps any contract message to an audit row: event type (architecture §10, snake_case of the type name for
/// contracts added later), level, publishing service, symbol and canonical base asset, error code, and the
/// payload as compact JSON with secret-looking values masked. One generic path: no per-type code is required.
/// </summary>
public static class AuditEventMapper
{
    /// <summary>Payload JSON: camelCase, enums as snake_case words (win, long, buy), compact, readable characters.</summary>
    public static readonly JsonSerializerOptions PayloadJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly FrozenDictionary<string, string> EventTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["MarketScanned"] = "market_scan",
        ["SignalGenerated"] = "signal_generated",
        ["OrderDenied"] = "policy_rejection",
        ["ApprovalRequested"] = "approval_requested",
        ["ApprovalDecided"] = "approval_decided",
        ["OrderApproved"] = "order_approved",
        ["OrderPlaced"] = "order_placed",
        ["OrderRejected"] = "order_rejected",
        ["OrderFilled"] = "order_filled",
        ["PositionOpened"] = "position_opened",
        ["PositionClosed"] = "trade_executed",
        ["DuplicateOrderBlocked"] = "duplicate_order_blocked",
        ["ExchangeErrorOccurred"] = "exchange_error",
        ["CircuitBreakerTripped"] = "circuit_breaker",
        ["CircuitBreakerReset"] = "circuit_breaker",
        ["TradingStateChanged"] = "trading_state_changed",
        ["PositionsFlattened"] = "positions_flattened",
        ["AlertSent"] = "alert_sent",
        ["AlertFailed"] = "alert_failed",
        ["StrategyHealthReported"] = "health_report",
        ["ServiceStarted"] = "service_started",
        ["ConfigurationLoaded"] = "config_loaded",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Who publishes what (architecture §3); namespaces decide for contracts not listed.</summary>
    private static readonly FrozenDictionary<string, string> Publishers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AlertSent"] = "alerts",
        ["AlertFailed"] = "alerts",
        ["StrategyHealthReported"] = "auditor",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> NamespacePublishers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Market"] = "scanner",
        ["Signals"] = "scanner",
        ["Risk"] = "risk",
        ["Orders"] = "executor",
        ["Operations"] = "operator",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] SecretMarkers = ["secret", "passphrase", "password", "apikey", "webhook", "connection", "token", "rabbitmqurl", "privatekey"];

    /// <summary>Every message type the Auditor records: each ICypherMessage record in the Contracts assembly.</summary>
    public static IReadOnlyList<Type> AuditedTypes { get; } = typeof(ICypherMessage).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && typeof(ICypherMessage).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    public static string EventTypeOf(Type type) => EventTypes.TryGetValue(type.Name, out var known) ? known : SnakeCase(type.Name);

    public static AuditDraft Map(ICypherMessage message, Guid messageId, string? publishingService = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        var payload = Redact(JsonSerializer.Serialize(message, type, PayloadJson));
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        var symbol = Text(root, "symbol");
        var baseAsset = SymbolCanonicalizer.BaseAssetOf(symbol)
            ?? (Text(root, "baseAsset") is { Length: > 0 } b ? SymbolCanonicalizer.NormalizeAsset(b) : null);
        var service = !string.IsNullOrWhiteSpace(publishingService)
            ? publishingService.Trim().ToLowerInvariant()
            : ServiceOf(type, root);
        return new AuditDraft(
            messageId,
            message.OccurredAt,
            EventTypeOf(type),
            LevelOf(type.Name, root),
            service,
            message.CorrelationId,
            symbol,
            symbol is null ? null : baseAsset,
            Text(root, "errorCode"),
            payload);
    }

    /// <summary>Errors for failures, warnings for denials, refusals and breaker events, info for the rest.</summary>
    public static string LevelOf(string typeName, JsonElement payload) => typeName switch
    {
        "ExchangeErrorOccurred" or "AlertFailed" or "ReconciliationMismatchDetected" => AuditLevels.Error,
        "OrderRejected" => Bool(payload, "refusedBeforeExchange") == true ? AuditLevels.Warning : AuditLevels.Error,
        "PositionsFlattened" => Bool(payload, "isFlat") == false ? AuditLevels.Error : AuditLevels.Info,
        "OrderDenied" or "DuplicateOrderBlocked" or "CircuitBreakerTripped" or "CircuitBreakerReset" or "BadMarketDataDetected" => AuditLevels.Warning,
        "ApprovalDecided" => Bool(payload, "approved") == true ? AuditLevels.Info : AuditLevels.Warning,
        "TradingStateChanged" => Text(payload, "state") is "halted" or "paused" ? AuditLevels.Warning : AuditLevels.Info,
        "StrategyHealthReported" => Text(payload, "action") is "alert" or "rollback" ? AuditLevels.Warning : AuditLevels.Info,
        _ => Text(payload, "errorCode") is { Length: > 0 } ? AuditLevels.Warning : AuditLevels.Info,
    };

    public static string ServiceOf(Type type, JsonElement payload)
    {
        if (Text(payload, "service") is { Length: > 0 } declared)
        {
            return declared.Trim().ToLowerInvariant();
        }

        if (Publishers.TryGetValue(type.Name, out var publisher))
        {
            return publisher;
        }

        var area = type.Namespace?.Split('.')[^1];
        return area is not null && NamespacePublishers.TryGetValue(area, out var byArea) ? byArea : "unknown";
    }

    public static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (!char.IsUpper(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]))))
                {
                    sb.Append('_');
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

    /// <summary>Mask any value whose property or dictionary key names a secret (publishers mask too; this is the second lock).</summary>
    public static string Redact(string json)
    {
        if (!SecretMarkers.Any(m => json.Contains(m, StringComparison.OrdinalIgnoreCase))
            && !json.Contains("api_key", StringComparison.OrdinalIgnoreCase)
            && !json.Contains("rabbitmq_url", StringComparison.OrdinalIgnoreCase))
        {
            return json;
        }

        var node = JsonNode.Parse(json);
        if (node is null || !RedactNode(node))
        {
            return json;
        }

        return node.ToJsonString(PayloadJson);
    }

    public static bool IsSecretName(string name)
    {
        var normalized = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        return SecretMarkers.Any(m => normalized.Contains(m, StringComparison.Ordinal)) && !normalized.EndsWith("version", StringComparison.Ordinal);
    }

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    internal static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null;

    private static bool RedactNode(JsonNode node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (IsSecretName(key) && value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 && !s.StartsWith("****", StringComparison.Ordinal))
                    {
                        obj[key] = "****";
                        changed = true;
                    }
                    else if (value is not null)
                    {
                        changed |= RedactNode(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        changed |= RedactNode(item);
                    }
                }

                break;
        }

        return changed;
    }
}
