using System.Globalization;
using System.Text;
using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;

namespace CypherScoping.Auditor.Domain;

public static class HealthActions
{
    public const string Continue = "continue";
    public const string Alert = "alert";
    public const string Rollback = "rollback";
}

/// <summary>The strategy health report over the most recent closed trades.</summary>
public sealed record HealthReport(
    string Action,
    decimal RecentWinRate,
    decimal? ProfitFactor,
    decimal MaxDrawdown,
    decimal Expectancy,
    int TradeCount,
    int TotalTrades,
    IReadOnlyList<SymbolHealth> PerSymbol,
    string Recommendation,
    TradeStats Stats)
{
    public StrategyHealthReported ToMessage(Guid reportId, Guid correlationId, DateTimeOffset at) => new()
    {
        ReportId = reportId,
        CorrelationId = correlationId,
        OccurredAt = at,
        Action = Action,
        RecentWinRate = RecentWinRate,
        ProfitFactor = ProfitFactor ?? TradeStats.NoLossProfitFactor,
        MaxDrawdown = MaxDrawdown,
        Expectancy = Expectancy,
        TradeCount = TradeCount,
        Recommendation = Recommendation,
        PerSymbol = PerSymbol,
    };

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            action = Action,
            recentWinRate = RecentWinRate,
            profitFactor = ProfitFactor,
            maxDrawdown = MaxDrawdown,
            expectancy = Expectancy,
            tradeCount = TradeCount,
            totalTrades = TotalTrades,
            netPnl = Stats.NetPnl,
            perSymbol = PerSymbol,
            recommendation = Recommendation,
        },
        AuditEventMapper.PayloadJson);

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Strategy health: {Action.ToUpperInvariant()}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  trades (recent/total)  {TradeCount}/{TotalTrades}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  recent win rate        {RecentWinRate:P2}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  profit factor          {TradeStats.FormatProfitFactor(ProfitFactor)}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  max drawdown           {MaxDrawdown:P2}").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"  expectancy             {Expectancy:0.####} USDT/trade").AppendLine();
        if (PerSymbol.Count > 0)
        {
            sb.AppendLine("  symbol        trades  win rate        pnl");
            foreach (var s in PerSymbol)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {s.Symbol,-12} {s.Trades,7}  {s.WinRate,8:P1} {s.Pnl,10:0.####}").AppendLine();
            }
        }

        sb.Append("  recommendation: ").AppendLine(Recommendation);
        return sb.ToString();
    }
}

/// <summary>
/// Daily strategy health (architecture phase 5): rollback when the recent trades breach the rollback thresholds,
/// alert when they breach the alert thresholds, continue otherwise (and while there is too little evidence).
/// </summary>
public static class StrategyHealth
{
    public static HealthReport Evaluate(IReadOnlyList<ClosedTrade> trades, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(trades);
        ArgumentNullException.ThrowIfNull(options);
        var recent = trades.Count > options.RecentTrades ? trades.Skip(trades.Count - options.RecentTrades).ToList() : trades;
        var stats = TradeStats.From(recent, options.StartingEquity);
        var perSymbol = recent
            .GroupBy(t => t.Symbol, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SymbolHealth
            {
                Symbol = g.Key,
                Trades = g.Count(),
                WinRate = (decimal)g.Count(t => t.Win) / g.Count(),
                Pnl = g.Sum(t => t.Pnl),
            })
            .ToList();

        string action;
        var reasons = new List<string>();
        if (stats.Trades < options.MinTrades)
        {
            action = HealthActions.Continue;
            reasons.Add($"only {stats.Trades} closed trades (need {options.MinTrades}); not enough evidence yet, keep the current phase");
        }
        else
        {
            var rollback = Breaches(stats, options.RollbackWinRate, options.RollbackProfitFactor, options.RollbackDrawdown);
            var alert = Breaches(stats, options.AlertWinRate, options.AlertProfitFactor, options.AlertDrawdown);
            if (rollback.Count > 0)
            {
                action = HealthActions.Rollback;
                reasons.Add("roll back to paper (cypher rollback) and investigate: " + string.Join("; ", rollback));
            }
            else if (alert.Count > 0)
            {
                action = HealthActions.Alert;
                reasons.Add("review the strategy before increasing risk: " + string.Join("; ", alert));
            }
            else
            {
                action = HealthActions.Continue;
                reasons.Add("healthy: keep the current phase and ramp");
            }
        }

        return new HealthReport(action, stats.WinRate, stats.ProfitFactor, stats.MaxDrawdown, stats.Expectancy, stats.Trades, trades.Count,
            perSymbol, string.Join(" ", reasons), stats);
    }

    private static List<string> Breaches(TradeStats stats, decimal winRate, decimal profitFactor, decimal drawdown)
    {
        var list = new List<string>();
        if (stats.WinRate < winRate)
        {
            list.Add($"win rate {stats.WinRate.ToString("P1", CultureInfo.InvariantCulture)} < {winRate.ToString("P1", CultureInfo.InvariantCulture)}");
        }

        if (stats.ProfitFactor is { } pf && pf < profitFactor)
        {
            list.Add($"profit factor {pf.ToString("0.00", CultureInfo.InvariantCulture)} < {profitFactor.ToString("0.00", CultureInfo.InvariantCulture)}");
        }

        if (stats.MaxDrawdown >= drawdown)
        {
            list.Add($"max drawdown {stats.MaxDrawdown.ToString("P1", CultureInfo.InvariantCulture)} >= {drawdown.ToString("P1", CultureInfo.InvariantCulture)}");
        }

        return list;
    }
}
