using CypherScoping.Contracts;
using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Orders;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Execution;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Builders;

namespace CypherScoping.Executor.Tests;

public sealed class ReplayTests
{
    /// <summary>
    /// The whole BTC-PERP January 2022 file through the executor path: every candle fed as MarketScanned, and an
    /// approval for the file's own symbol every hour. Bitcoin is denied (BTC-PERP ≡ XBTUSDTM), so nothing may be ordered.
    /// </summary>
    [Fact]
    public async Task A_replay_of_btc_perp_produces_no_order_at_all()
    {
        var candles = CandleFile.Read(CandleFile.Btc);
        await using var host = await ExecutorHost.StartAsync(TestHosts.SqliteSettings());
        var feed = host.Get<MarketFeed>();
        var executor = host.Get<OrderExecutor>();
        var sink = new ListSink();

        for (var i = 0; i < candles.Count; i++)
        {
            host.Clock.SetUtcNow(candles[i].OpenTime.AddMinutes(1));
            await feed.OnScannedAsync(OrderBuilders.Scanned("BTC-PERP", candles[i]), sink, default);
            if (i % 60 == 0)
            {
                var side = i % 120 == 0 ? PositionSide.Long : PositionSide.Short;
                await executor.ExecuteAsync(OrderBuilders.Approved(host.Clock.GetUtcNow(), symbol: "BTC-PERP", side: side, lots: 1, entry: candles[i].Close, stopLoss: candles[i].Close * 0.99m, takeProfit: candles[i].Close * 1.02m), sink, default);
            }
        }

        Assert.True(candles.Count > 40_000);
        Assert.Equal(0, host.Paper.PlaceOrderCalls);
        Assert.Empty(host.Paper.AllOrders());
        Assert.DoesNotContain(sink.Events, e => e is OrderPlaced or OrderFilled or PositionOpened);
        Assert.All(sink.Events.OfType<OrderRejected>(), r => Assert.Equal(CypherScoping.Domain.ErrorCodes.SymbolDenied, r.ErrorCode));
        Assert.Equal(candles.Count / 60 + 1, sink.Events.OfType<OrderRejected>().Count());
        Assert.Equal(0, (await host.Get<OrderLedger>().CountsAsync()).OrdersSent);
    }
}
