namespace CypherScoping.Auditor.Domain;

/// <summary>A closed round trip as the trail records it (trade_executed).</summary>
public sealed record ClosedTrade(long Seq, DateTimeOffset At, string Symbol, decimal Pnl, bool Win);

/// <summary>
/// Performance of a list of closed trades, in trail order. Win rate counts outcomes; profit factor is gross profit ÷
/// gross loss (null when there is no losing pnl: infinite); expectancy is the mean pnl per trade; drawdown is the
/// largest fall of equity (starting equity + cumulative pnl) from its running peak, as a fraction of that peak.
/// </summary>
public sealed record TradeStats(
    int Trades,
    int Wins,
    int Losses,
    decimal WinRate,
    decimal GrossProfit,
    decimal GrossLoss,
    decimal? ProfitFactor,
    decimal NetPnl,
    decimal Expectancy,
    decimal MaxDrawdown,
    decimal MaxDrawdownAmount)
{
    /// <summary>Profit factor reported where a number is required and no trade lost (display: inf).</summary>
    public const decimal NoLossProfitFactor = 999.99m;

    public static TradeStats From(IReadOnlyList<ClosedTrade> trades, decimal startingEquity)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var wins = 0;
        decimal grossProfit = 0m, grossLoss = 0m, net = 0m;
        var equity = startingEquity;
        var peak = startingEquity;
        decimal maxDd = 0m, maxDdAmount = 0m;
        foreach (var trade in trades)
        {
            if (trade.Win)
            {
                wins++;
            }

            if (trade.Pnl > 0m)
            {
                grossProfit += trade.Pnl;
            }
            else
            {
                grossLoss -= trade.Pnl;
            }

            net += trade.Pnl;
            equity += trade.Pnl;
            peak = Math.Max(peak, equity);
            var amount = peak - equity;
            if (amount > maxDdAmount)
            {
                maxDdAmount = amount;
            }

            if (peak > 0m && amount / peak > maxDd)
            {
                maxDd = amount / peak;
            }
        }

        var n = trades.Count;
        return new TradeStats(
            n,
            wins,
            n - wins,
            n == 0 ? 0m : (decimal)wins / n,
            grossProfit,
            grossLoss,
            grossLoss == 0m ? (grossProfit > 0m ? null : 0m) : grossProfit / grossLoss,
            net,
            n == 0 ? 0m : net / n,
            maxDd,
            maxDdAmount);
    }

    /// <summary>Profit factor as a number (no losing trade → <see cref="NoLossProfitFactor"/>).</summary>
    public decimal ProfitFactorValue => ProfitFactor ?? NoLossProfitFactor;

    public static string FormatProfitFactor(decimal? pf) => pf is null ? "inf" : pf.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
