using CypherScoping.Auditor.Domain;

namespace CypherScoping.Auditor.Tests;

public sealed class StrategyHealthTests
{
    private static List<ClosedTrade> Trades(params decimal[] pnls) =>
        pnls.Select((p, i) => new ClosedTrade(i + 1, MessageFactory.T0.AddHours(i), i % 2 == 0 ? "ETHUSDTM" : "SOLUSDTM", p, p > 0)).ToList();

    [Fact]
    public void Healthy_trades_say_continue()
    {
        var report = StrategyHealth.Evaluate(Trades(10, 10, -5, 10, 10, -5, 10, 10, -5, 10), new HealthOptions());
        Assert.Equal(HealthActions.Continue, report.Action);
        Assert.Equal(0.7m, report.RecentWinRate);
        Assert.Equal(70m / 15m, report.ProfitFactor);
        Assert.Equal(5.5m, report.Expectancy);
    }

    [Fact]
    public void Win_rate_under_the_alert_line_says_alert()
    {
        // 4 wins of 10 = 40 %... below 50 % alert, not below 40 % rollback; PF 4*20/6*5 = 2.67, tiny drawdown.
        var report = StrategyHealth.Evaluate(Trades(20, -5, 20, -5, 20, -5, 20, -5, -5, -5), new HealthOptions { RollbackWinRate = 0.35m });
        Assert.Equal(HealthActions.Alert, report.Action);
        Assert.Contains("win rate", report.Recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deep_drawdown_says_rollback()
    {
        // 10000 → 11000 peak, then -1800 → 9200: drawdown 1800 / 11000 = 16.4 % ≥ 15 % (win rate 80 %, PF 4500/2300).
        var report = StrategyHealth.Evaluate(Trades(1000, -1800, 500, 500, 500, 500, 500, 500, 500, -500), new HealthOptions());
        Assert.Equal(HealthActions.Rollback, report.Action);
        Assert.Equal(1800m / 11000m, report.MaxDrawdown);
    }

    [Fact]
    public void Too_few_trades_say_continue_with_a_reason()
    {
        var report = StrategyHealth.Evaluate(Trades(-5, -5, -5), new HealthOptions());
        Assert.Equal(HealthActions.Continue, report.Action);
        Assert.Contains("not enough evidence", report.Recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_recent_window_counts()
    {
        var trades = Trades(-5, -5, -5, -5, -5, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
        var report = StrategyHealth.Evaluate(trades, new HealthOptions { RecentTrades = 10 });
        Assert.Equal(10, report.TradeCount);
        Assert.Equal(15, report.TotalTrades);
        Assert.Equal(1m, report.RecentWinRate);
        Assert.Null(report.ProfitFactor); // no losing trade in the window: infinite
        Assert.Equal(TradeStats.NoLossProfitFactor, report.ToMessage(Guid.NewGuid(), Guid.NewGuid(), MessageFactory.T0).ProfitFactor);
    }
}
