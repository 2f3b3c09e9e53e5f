using CypherScoping.Auditor.Domain;
using CypherScoping.Domain;

namespace CypherScoping.Auditor.Tests;

/// <summary>Each gate criterion fails on its own when its input crosses the threshold, and passes exactly at it.</summary>
public sealed class PaperGateTests
{
    private static readonly SymbolPolicy Policy = new SymbolOptions().CreatePolicy(); // BTC denied in every spelling
    private static readonly GateOptions Options = new();

    private static List<PlacedOrder> Orders(int n) => Enumerable.Range(0, n).Select(i => new PlacedOrder($"cid-{i}", "ETHUSDTM", "ETH")).ToList();

    private static List<ClosedTrade> Trades(int wins, decimal winPnl, int losses, decimal lossPnl) =>
        Enumerable.Range(0, wins).Select(i => new ClosedTrade(i, MessageFactory.T0.AddMinutes(i), "ETHUSDTM", winPnl, true))
            .Concat(Enumerable.Range(0, losses).Select(i => new ClosedTrade(1000 + i, MessageFactory.T0.AddHours(1).AddMinutes(i), "SOLUSDTM", lossPnl, false)))
            .ToList();

    /// <summary>100 orders, no errors, 60 % wins, profit factor 3: passes everything.</summary>
    private static GateInput Passing() => new()
    {
        Orders = Orders(100),
        SystemErrors = 0,
        RateLimitErrors = 0,
        BlockedDuplicates = 4,
        Trades = Trades(60, 10m, 40, -5m),
    };

    private static string[] Failed(GateInput input) =>
        PaperGate.Evaluate(input, Options, Policy).Criteria.Where(c => !c.Passed).Select(c => c.Key).ToArray();

    [Fact]
    public void The_passing_trail_passes_every_criterion()
    {
        var report = PaperGate.Evaluate(Passing(), Options, Policy);
        Assert.True(report.Passed, report.ToText());
        Assert.Equal(7, report.Criteria.Count);
        Assert.Equal(0.6m, report[PaperGate.WinRate].Value);
        Assert.Equal(3m, report[PaperGate.ProfitFactor].Value);
        Assert.Equal(4, report.BlockedDuplicates);
    }

    [Fact]
    public void Orders_placed_fails_alone_below_the_target() =>
        Assert.Equal([PaperGate.OrdersPlaced], Failed(Passing() with { Orders = Orders(99) }));

    [Fact]
    public void One_system_error_fails_alone() =>
        Assert.Equal([PaperGate.SystemErrors], Failed(Passing() with { SystemErrors = 1 }));

    [Fact]
    public void A_duplicate_order_actually_sent_fails_alone()
    {
        var orders = Orders(100);
        orders.Add(orders[17] with { });
        Assert.Equal([PaperGate.DuplicateOrders], Failed(Passing() with { Orders = orders }));
    }

    [Theory]
    [InlineData("XBTUSDTM")]
    [InlineData("BTC/USDT")]
    [InlineData("btc-usdt-swap")]
    [InlineData("not a symbol!")]
    public void An_order_on_a_denied_symbol_fails_alone_judged_by_canonical_base_asset(string symbol)
    {
        var orders = Orders(100);
        orders.Add(new PlacedOrder("cid-btc", symbol, null));
        Assert.Equal([PaperGate.DeniedSymbolOrders], Failed(Passing() with { Orders = orders }));
    }

    [Fact]
    public void One_rate_limit_error_fails_alone() =>
        Assert.Equal([PaperGate.RateLimitErrors], Failed(Passing() with { RateLimitErrors = 1 }));

    [Fact]
    public void Win_rate_below_55_percent_fails_alone_and_55_passes()
    {
        Assert.Equal([PaperGate.WinRate], Failed(Passing() with { Trades = Trades(54, 10m, 46, -5m) })); // 54 %, PF 2.35
        Assert.Empty(Failed(Passing() with { Trades = Trades(55, 10m, 45, -5m) }));
    }

    [Fact]
    public void Profit_factor_below_1_5_fails_alone_and_1_5_passes()
    {
        Assert.Equal([PaperGate.ProfitFactor], Failed(Passing() with { Trades = Trades(60, 5m, 40, -5.01m) })); // 300 / 200.4
        Assert.Empty(Failed(Passing() with { Trades = Trades(60, 5m, 40, -5m) })); // exactly 1.5
    }

    [Fact]
    public void Thresholds_come_from_options()
    {
        var strict = new GateOptions { MinOrdersPlaced = 150, MinWinRate = 0.7m, MinProfitFactor = 4m };
        var failed = PaperGate.Evaluate(Passing(), strict, Policy).Criteria.Where(c => !c.Passed).Select(c => c.Key);
        Assert.Equal([PaperGate.OrdersPlaced, PaperGate.WinRate, PaperGate.ProfitFactor], failed);
    }

    [Fact]
    public void No_trades_fails_win_rate_and_profit_factor() =>
        Assert.Equal([PaperGate.WinRate, PaperGate.ProfitFactor], Failed(Passing() with { Trades = [] }));

    [Fact]
    public void Text_report_lists_every_criterion_with_pass_or_fail()
    {
        var text = PaperGate.Evaluate(Passing() with { SystemErrors = 2 }, Options, Policy).ToText();
        Assert.Contains("FAIL  system errors", text, StringComparison.Ordinal);
        Assert.Contains("PASS  orders placed", text, StringComparison.Ordinal);
        Assert.Contains("GATE FAILED: system_errors", text, StringComparison.Ordinal);
    }
}
