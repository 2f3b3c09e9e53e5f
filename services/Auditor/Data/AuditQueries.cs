using System.Globalization;
using System.Text;
using System.Text.Json;
using CypherScoping.Auditor.Domain;
using CypherScoping.Domain;
using CypherScoping.Persistence;
using Dapper;

namespace CypherScoping.Auditor.Data;

/// <summary>Progress of a run as the trail shows it (cypher monitor).</summary>
public sealed record MonitorSnapshot(
    IReadOnlyDictionary<string, long> ByEventType,
    long Total,
    long Errors,
    long Warnings,
    long PolicyBlocks,
    long OrdersPlaced,
    int OrdersTarget,
    IReadOnlyList<AuditRow> LastEvents)
{
    /// <summary>One JSON object; the last events as their audit-log lines.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new
    {
        ordersPlaced = OrdersPlaced,
        ordersTarget = OrdersTarget,
        errors = Errors,
        warnings = Warnings,
        policyBlocks = PolicyBlocks,
        total = Total,
        byEventType = ByEventType,
        lastEvents = LastEvents.Select(r => System.Text.Json.JsonDocument.Parse(AuditLine.Format(r)).RootElement),
    });

    public string ToText()
    {
        var sb = new StringBuilder();
        var pct = OrdersTarget > 0 ? Math.Min(100m, 100m * OrdersPlaced / OrdersTarget) : 100m;
        sb.Append(CultureInfo.InvariantCulture, $"orders placed {OrdersPlaced}/{OrdersTarget} ({pct:0.#} %)   errors {Errors}   warnings {Warnings}   policy blocks {PolicyBlocks}   events {Total}").AppendLine();
        foreach (var (type, count) in ByEventType.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {type,-26} {count,9}").AppendLine();
        }

        sb.AppendLine("last events:");
        foreach (var row in LastEvents)
        {
            using var doc = JsonDocument.Parse(row.Payload);
            sb.Append(CultureInfo.InvariantCulture, $"  {row.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} {row.Level,-7} [{row.EventType}] {AuditLine.Describe(row.EventType, doc.RootElement)}").AppendLine();
        }

        return sb.ToString();
    }
}

/// <summary>Read-side questions the CLI and the paper driver ask of the trail.</summary>
public static class AuditQueries
{
    /// <summary>The paper gate computed from the auditor's trail (what <c>cypher gate paper</c> and <c>cypher paper</c> print).</summary>
    public static async Task<GateReport> GatePaperAsync(ServiceDatabase auditorDb, GateOptions options, SymbolPolicy policy, CancellationToken cancellationToken = default)
    {
        var input = await GateInputAsync(auditorDb, cancellationToken);
        return PaperGate.Evaluate(input, options, policy);
    }

    public static async Task<GateInput> GateInputAsync(ServiceDatabase auditorDb, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditorDb);
        await using var connection = await auditorDb.OpenAsync(cancellationToken);
        var orders = new List<PlacedOrder>();
        foreach (var (symbol, baseAsset, payload) in await connection.QueryAsync<(string? Symbol, string? BaseAsset, string Payload)>(
                     "SELECT symbol, base_asset, payload FROM audit_events WHERE event_type = 'order_placed' ORDER BY seq"))
        {
            using var doc = JsonDocument.Parse(payload);
            var clientOrderId = doc.RootElement.TryGetProperty("clientOrderId", out var c) ? c.GetString() ?? string.Empty : string.Empty;
            orders.Add(new PlacedOrder(clientOrderId, symbol ?? string.Empty, baseAsset));
        }

        var counts = await connection.QuerySingleAsync<(long Errors, long RateLimited, long Blocked, long Denied)>($"""
            SELECT
              COALESCE(SUM(CASE WHEN level = '{AuditLevels.Error}' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN error_code = '{ErrorCodes.RateLimited}' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN event_type = 'duplicate_order_blocked' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN event_type = 'policy_rejection' THEN 1 ELSE 0 END), 0)
            FROM audit_events
            """);
        return new GateInput
        {
            Orders = orders,
            SystemErrors = (int)counts.Errors,
            RateLimitErrors = (int)counts.RateLimited,
            BlockedDuplicates = (int)counts.Blocked,
            PolicyRejections = (int)counts.Denied,
            Trades = await TradesAsync(connection, cancellationToken),
        };
    }

    /// <summary>The strategy health report over the most recent closed trades.</summary>
    public static async Task<HealthReport> HealthAsync(ServiceDatabase auditorDb, HealthOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditorDb);
        await using var connection = await auditorDb.OpenAsync(cancellationToken);
        return StrategyHealth.Evaluate(await TradesAsync(connection, cancellationToken), options);
    }

    public static async Task<IReadOnlyDictionary<string, long>> CountsByEventTypeAsync(ServiceDatabase auditorDb, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditorDb);
        await using var connection = await auditorDb.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Type, long Count)>("SELECT event_type, COUNT(*) FROM audit_events GROUP BY event_type");
        return rows.ToDictionary(r => r.Type, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>How many rows match one column value (level, event_type or error_code), for the operator's grep-style counts.</summary>
    public static async Task<long> CountAsync(ServiceDatabase auditorDb, string column, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditorDb);
        if (column is not ("level" or "event_type" or "error_code" or "service" or "base_asset" or "symbol"))
        {
            throw new ArgumentException($"cannot count by column '{column}'", nameof(column));
        }

        await using var connection = await auditorDb.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_events WHERE {column} = @value", new { value });
    }

    public static async Task<MonitorSnapshot> MonitorAsync(ServiceDatabase auditorDb, int ordersTarget, int lastEvents = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditorDb);
        var byType = await CountsByEventTypeAsync(auditorDb, cancellationToken);
        await using var connection = await auditorDb.OpenAsync(cancellationToken);
        var levels = (await connection.QueryAsync<(string Level, long Count)>("SELECT level, COUNT(*) FROM audit_events GROUP BY level"))
            .ToDictionary(r => r.Level, r => r.Count, StringComparer.Ordinal);
        var last = await AuditStore.LastAsync(auditorDb, lastEvents, cancellationToken: cancellationToken);
        return new MonitorSnapshot(
            byType,
            byType.Values.Sum(),
            levels.GetValueOrDefault(AuditLevels.Error),
            levels.GetValueOrDefault(AuditLevels.Warning),
            byType.GetValueOrDefault("policy_rejection"),
            byType.GetValueOrDefault("order_placed"),
            ordersTarget,
            last);
    }

    private static async Task<IReadOnlyList<ClosedTrade>> TradesAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var trades = new List<ClosedTrade>();
        var rows = await connection.QueryAsync<(long Seq, long OccurredAt, string? Symbol, string Payload)>(
            new CommandDefinition("SELECT seq, occurred_at, symbol, payload FROM audit_events WHERE event_type = 'trade_executed' ORDER BY occurred_at, symbol, seq", cancellationToken: cancellationToken));
        foreach (var (seq, occurredAt, symbol, payload) in rows)
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var pnl = root.TryGetProperty("realizedPnl", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDecimal() : 0m;
            var win = root.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String
                ? string.Equals(o.GetString(), "win", StringComparison.OrdinalIgnoreCase)
                : pnl > 0m;
            trades.Add(new ClosedTrade(seq, DateTimeOffset.FromUnixTimeMilliseconds(occurredAt), symbol ?? string.Empty, pnl, win));
        }

        return trades;
    }
}
