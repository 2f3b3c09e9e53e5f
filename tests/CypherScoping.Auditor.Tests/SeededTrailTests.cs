using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Domain;
using CypherScoping.TestKit;

namespace CypherScoping.Auditor.Tests;

/// <summary>
/// A trail with answers computed by hand. Ten closed trades, in time order, pnl (USDT):
///   ETHUSDTM: +30, -10, +20, -40      SOLUSDTM: +25, +15, -5, +50, -20, +35
/// wins 6/10 = 0.6; gross profit 30+20+25+15+50+35 = 175; gross loss 10+40+5+20 = 75; profit factor 175/75 = 2.3333…;
/// net 100, expectancy 100/10 = 10; equity from 10000: 10030, 10020, 10040, 10000, 10025, 10040, 10035, 10085, 10065,
/// 10100 → deepest fall 40 from the 10040 peak: drawdown 40/10040 = 0.0039840637…;
/// ETH 2 of 4 won (0.5), pnl 0; SOL 4 of 6 won (0.6666…), pnl 100.
/// </summary>
public sealed class SeededTrailTests
{
    private static readonly decimal[] EthPnls = [30m, -10m, 20m, -40m];
    private static readonly decimal[] SolPnls = [25m, 15m, -5m, 50m, -20m, 35m];

    private static async Task<AuditorHost> SeedAsync(params object[] extra)
    {
        var auditor = await AuditorHost.StartAsync(TestHosts.SqliteSettings());
        var messages = new List<object>();
        var at = MessageFactory.T0;
        foreach (var pnl in EthPnls)
        {
            messages.Add(MessageFactory.Trade("ETHUSDTM", pnl, at = at.AddHours(1)));
        }

        foreach (var pnl in SolPnls)
        {
            messages.Add(MessageFactory.Trade("SOLUSDTM", pnl, at = at.AddHours(1)));
        }

        for (var i = 0; i < 100; i++)
        {
            messages.Add(MessageFactory.OrderPlaced($"cid-{i:000}", i % 2 == 0 ? "ETHUSDTM" : "SOLUSDTM"));
        }

        messages.Add(MessageFactory.Duplicate("cid-007"));
        messages.Add(MessageFactory.Denied("XBTUSDTM", "E_SYMBOL_DENIED"));
        messages.Add(MessageFactory.Denied("BTC/USDT", "E_SYMBOL_DENIED"));
        messages.AddRange(extra);
        foreach (var m in messages)
        {
            await auditor.PublishAsync(m);
        }

        await auditor.WaitForRowsAsync(messages.Count);
        return auditor;
    }

    [Fact]
    public async Task Gate_and_health_give_the_hand_computed_numbers()
    {
        await using var auditor = await SeedAsync();
        var gate = await AuditQueries.GatePaperAsync(auditor.Database, new GateOptions(), new SymbolOptions().CreatePolicy());

        Assert.True(gate.Passed, gate.ToText());
        Assert.Equal(100m, gate[PaperGate.OrdersPlaced].Value);
        Assert.Equal(0m, gate[PaperGate.SystemErrors].Value);
        Assert.Equal(0m, gate[PaperGate.DuplicateOrders].Value);
        Assert.Equal(0m, gate[PaperGate.DeniedSymbolOrders].Value);
        Assert.Equal(0m, gate[PaperGate.RateLimitErrors].Value);
        Assert.Equal(0.6m, gate[PaperGate.WinRate].Value);
        Assert.Equal(2.3333333333m, Math.Round(gate[PaperGate.ProfitFactor].Value!.Value, 10));
        Assert.Equal(1, gate.BlockedDuplicates);
        Assert.Equal(2, gate.PolicyRejections);
        Assert.Equal(10m, gate.Stats.Expectancy);
        Assert.Equal(100m, gate.Stats.NetPnl);

        var health = await AuditQueries.HealthAsync(auditor.Database, new HealthOptions());
        Assert.Equal(HealthActions.Continue, health.Action);
        Assert.Equal(10, health.TradeCount);
        Assert.Equal(0.6m, health.RecentWinRate);
        Assert.Equal(2.3333333333m, Math.Round(health.ProfitFactor!.Value, 10));
        Assert.Equal(10m, health.Expectancy);
        Assert.Equal(0.0039840637m, Math.Round(health.MaxDrawdown, 10));
        Assert.Equal(40m, health.Stats.MaxDrawdownAmount);
        var eth = Assert.Single(health.PerSymbol, s => s.Symbol == "ETHUSDTM");
        Assert.Equal((4, 0.5m, 0m), (eth.Trades, eth.WinRate, eth.Pnl));
        var sol = Assert.Single(health.PerSymbol, s => s.Symbol == "SOLUSDTM");
        Assert.Equal((6, 0.6666666667m, 100m), (sol.Trades, Math.Round(sol.WinRate, 10), sol.Pnl));
    }

    [Fact]
    public async Task A_bitcoin_order_in_the_trail_fails_only_the_denied_symbol_criterion()
    {
        await using var auditor = await SeedAsync(MessageFactory.OrderPlaced("cid-xbt", "XBTUSDTM"));
        var gate = await AuditQueries.GatePaperAsync(auditor.Database, new GateOptions(), new SymbolOptions().CreatePolicy());
        Assert.Equal([PaperGate.DeniedSymbolOrders], gate.Criteria.Where(c => !c.Passed).Select(c => c.Key));
        Assert.Equal(1m, gate[PaperGate.DeniedSymbolOrders].Value);
    }

    [Fact]
    public async Task An_order_sent_twice_and_an_exchange_error_fail_their_criteria()
    {
        await using var auditor = await SeedAsync(MessageFactory.OrderPlaced("cid-042"), MessageFactory.ExchangeError("E_RATE_LIMITED"));
        var gate = await AuditQueries.GatePaperAsync(auditor.Database, new GateOptions(), new SymbolOptions().CreatePolicy());
        Assert.Equal([PaperGate.SystemErrors, PaperGate.DuplicateOrders, PaperGate.RateLimitErrors], gate.Criteria.Where(c => !c.Passed).Select(c => c.Key));
    }
}
