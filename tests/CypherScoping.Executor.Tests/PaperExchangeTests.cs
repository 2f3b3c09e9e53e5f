using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Executor.Tests;

/// <summary>
/// Worked examples on real candles (ETH-USD 1m, Coinbase, 2018-04-04) with ETHUSDTM terms: multiplier 0.01,
/// tick 0.01, taker 0.06 %, 2 bps slippage. Every expected number below was computed by hand from the CSV rows quoted.
/// </summary>
public sealed class PaperExchangeTests
{
    private static readonly IReadOnlyList<Candle> Eth = CandleFile.Read(CandleFile.Eth);

    private static PaperExchange NewExchange(decimal slippageBps = 2m, decimal fundingRate = 0.0001m) =>
        new(new PaperExchangeOptions { InitialEquity = 10_000m, SlippageBps = slippageBps, FundingRate = fundingRate }, new FakeTimeProvider(Eth[0].OpenTime));

    private static void Feed(PaperExchange exchange, int from, int toInclusive)
    {
        for (var i = from; i <= toInclusive; i++)
        {
            Assert.True(exchange.OnCandle("ETHUSDTM", Eth[i]).Applied);
        }
    }

    private static Task<PlaceOrderOutcome> Buy(PaperExchange exchange, string id, decimal? sl, decimal? tp, OrderSide side = OrderSide.Buy) =>
        exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = id, Symbol = "ETHUSDTM", Side = side, Size = 10, Leverage = 5, StopLossPrice = sl, TakeProfitPrice = tp }, default);

    [Fact]
    public async Task Market_buy_fills_at_the_close_plus_slippage_rounded_up_to_the_tick_and_pays_the_taker_fee()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 0); // 00:00 close 416.15

        var outcome = await Buy(exchange, "e1", 414.50m, 418.00m);

        var order = await exchange.GetOrderByClientOidAsync("e1", default);
        Assert.IsType<PlaceOrderOutcome.Accepted>(outcome);
        Assert.Equal(ExchangeOrderState.Filled, order!.State);
        Assert.Equal(416.24m, order.AvgDealPrice); // 416.15 × 1.0002 = 416.23323 → 416.24
        var fill = Assert.Single(await exchange.GetRecentFillsAsync("ETHUSDTM", default));
        Assert.Equal(0.0249744m, fill.Fee); // 10 lots × 0.01 × 416.24 × 0.0006
        var position = Assert.Single(await exchange.GetPositionsAsync(default));
        Assert.Equal(10m, position.CurrentQty);
        Assert.Equal(8.3248m, position.PosInit); // 41.624 notional (0.1 ETH × 416.24) ÷ 5
        var account = await exchange.GetAccountOverviewAsync(default);
        Assert.Equal(10_000m - 0.0249744m + ((416.15m - 416.24m) * 0.1m), account.AccountEquity);
        Assert.Equal(2, (await exchange.GetOpenStopOrdersAsync("ETHUSDTM", default)).Count);
    }

    [Fact]
    public async Task Stop_loss_triggers_on_a_later_low_and_cancels_the_take_profit()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 0);
        await Buy(exchange, "e1", 414.50m, 418.00m);

        Feed(exchange, 1, 1); // low 414.99: above the stop
        Assert.Single(await exchange.GetPositionsAsync(default));
        var result = exchange.OnCandle("ETHUSDTM", Eth[2]); // 00:02 open 415, low 414.25 → stop at 414.50

        var execution = Assert.Single(result.Executions);
        Assert.Equal("stop_loss", execution.Trigger);
        Assert.Equal(414.41m, execution.Fill.Price); // 414.50 × 0.9998 = 414.4171 → 414.41
        Assert.Equal(0.0248646m, execution.Fill.Fee);
        Assert.Empty(await exchange.GetPositionsAsync(default));
        Assert.Empty(await exchange.GetOpenStopOrdersAsync(null, default));
        // gross (414.41 − 416.24) × 0.1 = −0.183; fees 0.0249744 + 0.0248646
        Assert.Equal(10_000m - 0.183m - 0.0249744m - 0.0248646m, exchange.WalletBalance);
        Assert.Equal(9999.767161m, exchange.WalletBalance);
    }

    [Fact]
    public async Task Take_profit_triggers_on_a_later_high()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 15); // 00:15 close 414.57
        await Buy(exchange, "e1", 413.00m, 415.50m); // 414.57 × 1.0002 = 414.652914 → 414.66

        var result = exchange.OnCandle("ETHUSDTM", Eth[16]); // 00:16 open 414.58 high 415.82 low 414.58

        var execution = Assert.Single(result.Executions);
        Assert.Equal("take_profit", execution.Trigger);
        Assert.Equal(415.41m, execution.Fill.Price); // 415.50 × 0.9998 = 415.4169 → 415.41
        // gross (415.41 − 414.66) × 0.1 = 0.075; fees 0.0248796 + 0.0249246 → net 0.0251958
        Assert.Equal(10_000.0251958m, exchange.WalletBalance);
        Assert.Empty(await exchange.GetOpenStopOrdersAsync(null, default));
    }

    [Fact]
    public async Task When_one_candle_spans_stop_and_take_profit_the_stop_wins()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 34); // 00:34 close 414.99
        await Buy(exchange, "e1", 414.60m, 415.20m); // fill 415.08

        var result = exchange.OnCandle("ETHUSDTM", Eth[35]); // 00:35 high 415.30 low 414.51: both levels inside

        var execution = Assert.Single(result.Executions);
        Assert.Equal("stop_loss", execution.Trigger);
        Assert.Equal(414.51m, execution.Fill.Price); // 414.60 × 0.9998 = 414.51708 → 414.51
        Assert.Equal(10_000m - 0.057m - 0.0249048m - 0.0248706m, exchange.WalletBalance);
        Assert.Contains(exchange.AllOrders(), o => o.ClientOid == "e1-tp" && o.State == ExchangeOrderState.Cancelled);
    }

    [Fact]
    public async Task Funding_is_settled_at_the_eight_hour_boundary_of_candle_time_and_a_short_receives_it()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 478); // 07:58 close 405.04
        await Buy(exchange, "s1", null, null, OrderSide.Sell); // 405.04 × 0.9998 = 404.958992 → 404.95, fee 0.024297

        var result = exchange.OnCandle("ETHUSDTM", Eth[479]); // 07:59 → 08:00, close 405.00

        var funding = Assert.Single(result.Funding);
        Assert.Equal(new DateTimeOffset(2018, 4, 4, 8, 0, 0, TimeSpan.Zero), funding.Time);
        Assert.Equal(-0.00405m, funding.Amount); // −10 lots × 0.01 × 405.00 × 0.0001: the short is paid
        Assert.Equal(10_000m - 0.024297m + 0.00405m, exchange.WalletBalance);
        Feed(exchange, 480, 481); // no boundary until 16:00
        Assert.Single(exchange.FundingHistory());
    }

    [Fact]
    public async Task A_long_pays_funding()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 478);
        await Buy(exchange, "l1", null, null); // 405.04 × 1.0002 = 405.121008 → 405.13

        var funding = Assert.Single(exchange.OnCandle("ETHUSDTM", Eth[479]).Funding);

        Assert.Equal(0.00405m, funding.Amount);
    }

    [Fact]
    public async Task A_repeated_client_oid_is_refused_like_kucoin_300018()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 0);
        await Buy(exchange, "e1", null, null);

        var second = await Buy(exchange, "e1", null, null);

        var rejected = Assert.IsType<PlaceOrderOutcome.Rejected>(second);
        Assert.Equal("300018", rejected.ExchangeCode);
        Assert.Single(await exchange.GetPositionsAsync(default));
    }

    [Fact]
    public async Task Reduce_only_without_a_position_is_refused_and_never_opens_one()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 0);

        var outcome = await exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "r1", Symbol = "ETHUSDTM", Side = OrderSide.Sell, Size = 5, ReduceOnly = true }, default);

        Assert.IsType<PlaceOrderOutcome.Rejected>(outcome);
        Assert.Empty(await exchange.GetPositionsAsync(default));
    }

    [Fact]
    public async Task A_stale_or_repeated_candle_changes_nothing()
    {
        var exchange = NewExchange();
        Feed(exchange, 0, 0);
        await Buy(exchange, "e1", 414.50m, 418.00m);
        Feed(exchange, 1, 2); // stop fills at candle 2
        var wallet = exchange.WalletBalance;

        var again = exchange.OnCandle("ETHUSDTM", Eth[2]);

        Assert.False(again.Applied);
        Assert.Equal(wallet, exchange.WalletBalance);
    }

    [Fact]
    public async Task Same_calls_give_the_same_result()
    {
        async Task<decimal> Run()
        {
            var exchange = NewExchange();
            Feed(exchange, 0, 0);
            await Buy(exchange, "a", 414.50m, 418.00m);
            Feed(exchange, 1, 400);
            await Buy(exchange, "b", null, null, OrderSide.Sell);
            Feed(exchange, 401, 600);
            return exchange.WalletBalance + (await exchange.GetAccountOverviewAsync(default)).UnrealisedPnl;
        }

        Assert.Equal(await Run(), await Run());
    }
}
