using System.Globalization;
using System.Text;
using System.Text.Json;
using CypherScoping.Domain;

namespace CypherScoping.Auditor.Domain;

/// <summary>An order the trail says reached the exchange (order_placed).</summary>
public sealed record PlacedOrder(string ClientOrderId, string Symbol, string? BaseAsset);

/// <summary>What the paper gate judges, read from the audit trail.</summary>
public sealed record GateInput
{
    public required IReadOnlyList<PlacedOrder> Orders { get; init; }
    public required int SystemErrors { get; init; }
    public required int RateLimitErrors { get; init; }
    public required int BlockedDuplicates { get; init; }
    public required IReadOnlyList<ClosedTrade> Trades { get; init; }
    public int PolicyRejections { get; init; }
}

/// <summary>One line of the gate: value, threshold and verdict.</summary>
public sealed record GateCriterion(string Key, string Name, decimal? Value, string Display, string Threshold, bool Passed);

public sealed record GateReport(IReadOnlyList<GateCriterion> Criteria, TradeStats Stats, int BlockedDuplicates, int PolicyRejections)
{
    public bool Passed => Criteria.All(c => c.Passed);

    public GateCriterion this[string key] => Criteria.Single(c => c.Key == key);

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Paper trading gate");
        foreach (var c in Criteria)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {(c.Passed ? "PASS" : "FAIL")}  {c.Name,-32} {c.Display,12}   (required {c.Threshold})").AppendLine();
        }

        sb.Append(CultureInfo.InvariantCulture, $"  info  blocked duplicates (idempotency proof): {BlockedDuplicates}; policy rejections: {PolicyRejections}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  info  trades {Stats.Trades} (won {Stats.Wins}), net pnl {Stats.NetPnl:0.####}, expectancy {Stats.Expectancy:0.####}, max drawdown {Stats.MaxDrawdown:P2}").AppendLine();
        sb.Append(Passed ? "GATE PASSED: all criteria met" : $"GATE FAILED: {string.Join(", ", Criteria.Where(c => !c.Passed).Select(c => c.Key))}").AppendLine();
        return sb.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            passed = Passed,
            criteria = Criteria.Select(c => new { key = c.Key, name = c.Name, value = c.Value, display = c.Display, threshold = c.Threshold, result = c.Passed ? "PASS" : "FAIL" }),
            blockedDuplicates = BlockedDuplicates,
            policyRejections = PolicyRejections,
            trades = Stats.Trades,
            wins = Stats.Wins,
            winRate = Stats.WinRate,
            profitFactor = Stats.ProfitFactor,
            netPnl = Stats.NetPnl,
            expectancy = Stats.Expectancy,
            maxDrawdown = Stats.MaxDrawdown,
        },
        AuditEventMapper.PayloadJson);
}

/// <summary>
/// The paper-trading go/no-go (architecture §1 phase 2): orders placed, system errors, duplicate orders actually sent,
/// orders on denied symbols (by canonical base asset: XBTUSDTM is a bitcoin order), rate-limit errors, win rate and
/// profit factor, each against its configured threshold.
/// </summary>
public static class PaperGate
{
    public const string OrdersPlaced = "orders_placed";
    public const string SystemErrors = "system_errors";
    public const string DuplicateOrders = "duplicate_orders_sent";
    public const string DeniedSymbolOrders = "denied_symbol_orders";
    public const string RateLimitErrors = "rate_limit_errors";
    public const string WinRate = "win_rate";
    public const string ProfitFactor = "profit_factor";

    public static GateReport Evaluate(GateInput input, GateOptions options, SymbolPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);

        var duplicates = input.Orders.GroupBy(o => o.ClientOrderId, StringComparer.Ordinal).Sum(g => g.Count() - 1);
        var denied = input.Orders.Count(o => IsDenied(o, policy));
        var stats = TradeStats.From(input.Trades, options.StartingEquity);
        var pfPasses = stats.ProfitFactor is null ? stats.Trades > 0 : stats.ProfitFactor.Value >= options.MinProfitFactor;

        var criteria = new List<GateCriterion>
        {
            Count(OrdersPlaced, "orders placed", input.Orders.Count, $">= {options.MinOrdersPlaced}", input.Orders.Count >= options.MinOrdersPlaced),
            Count(SystemErrors, "system errors", input.SystemErrors, $"<= {options.MaxSystemErrors}", input.SystemErrors <= options.MaxSystemErrors),
            Count(DuplicateOrders, "duplicate orders sent", duplicates, $"<= {options.MaxDuplicateOrders}", duplicates <= options.MaxDuplicateOrders),
            Count(DeniedSymbolOrders, "orders on denied symbols", denied, $"<= {options.MaxDeniedSymbolOrders}", denied <= options.MaxDeniedSymbolOrders),
            Count(RateLimitErrors, "rate-limit errors", input.RateLimitErrors, $"<= {options.MaxRateLimitErrors}", input.RateLimitErrors <= options.MaxRateLimitErrors),
            new(WinRate, "win rate", stats.WinRate, stats.WinRate.ToString("P2", CultureInfo.InvariantCulture),
                $">= {options.MinWinRate.ToString("P2", CultureInfo.InvariantCulture)}", stats.Trades > 0 && stats.WinRate >= options.MinWinRate),
            new(ProfitFactor, "profit factor", stats.ProfitFactor, TradeStats.FormatProfitFactor(stats.ProfitFactor),
                $">= {options.MinProfitFactor.ToString("0.00", CultureInfo.InvariantCulture)}", pfPasses),
        };
        return new GateReport(criteria, stats, input.BlockedDuplicates, input.PolicyRejections);
    }

    /// <summary>Fail closed: an order whose symbol cannot be read is counted as denied.</summary>
    public static bool IsDenied(PlacedOrder order, SymbolPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(policy);
        var asset = SymbolCanonicalizer.BaseAssetOf(order.Symbol) ?? order.BaseAsset;
        return asset is null || policy.IsAssetDenied(asset);
    }

    private static GateCriterion Count(string key, string name, int value, string threshold, bool passed) =>
        new(key, name, value, value.ToString(CultureInfo.InvariantCulture), threshold, passed);
}
