using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Builders;

namespace CypherScoping.Executor.Tests;

/// <summary>The order path on the MassTransit harness with the paper exchange and an embedded SQLite ledger.</summary>
public sealed class OrderPathTests
{
    private static readonly IReadOnlyList<Candle> Eth = CandleFile.Read(CandleFile.Eth);

    private static async Task<ExecutorHost> StartWithPriceAsync(Dictionary<string, string?>? settings = null)
    {
        var host = await ExecutorHost.StartAsync(settings ?? TestHosts.SqliteSettings());
        host.Paper.OnCandle("ETHUSDTM", Eth[0]);
        host.Clock.SetUtcNow(Eth[0].OpenTime.AddMinutes(1));
        return host;
    }

    [Fact]
    public async Task The_same_approval_delivered_ten_times_places_exactly_one_order()
    {
        await using var host = await StartWithPriceAsync();
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m);

        for (var i = 0; i < 10; i++)
        {
            await host.PublishAsync(approval);
        }

        await host.ConsumedAsync<OrderApproved>(10);
        var duplicates = await host.PublishedAsync<DuplicateOrderBlocked>(9);
        Assert.Equal(1, host.Paper.PlaceOrderCalls);
        Assert.Single(host.Paper.AllOrders(), o => o.ClientOid == approval.ClientOrderId);
        Assert.Single(await host.PublishedAsync<OrderPlaced>());
        Assert.Equal(9, duplicates.Count);
        Assert.All(duplicates, d => Assert.Equal(ErrorCodes.DuplicateOrder, d.ErrorCode));
        var counts = await host.Get<OrderLedger>().CountsAsync();
        Assert.Equal(1, counts.OrdersSent);
        Assert.Equal(9, counts.DuplicatesBlocked);
        Assert.Equal(1, counts.OrdersPerSymbol["ETHUSDTM"]);
    }

    [Fact]
    public async Task An_accepted_order_is_filled_opens_a_position_and_reports_the_account()
    {
        await using var host = await StartWithPriceAsync();
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m);

        await host.PublishAsync(approval);

        var opened = Assert.Single(await host.PublishedAsync<PositionOpened>());
        Assert.Equal(416.24m, opened.EntryPrice);
        Assert.Equal(PositionSide.Long, opened.Side);
        var filled = Assert.Single(await host.PublishedAsync<OrderFilled>());
        Assert.Equal(0.0249744m, filled.Fee);
        var snapshots = await host.PublishedAsync<AccountSnapshot>(2);
        var last = snapshots[^1];
        Assert.Single(last.OpenPositions);
        // Numbered in the order they were taken (Risk keeps the highest of those sharing a time).
        Assert.Equal(Enumerable.Range(1, snapshots.Count).Select(i => (long)i), snapshots.Select(x => x.Sequence).Order());
        Assert.Equal(414.50m, last.OpenPositions[0].StopLoss);
        Assert.Equal(IntentStatus.Filled, (await host.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
    }

    [Fact]
    public async Task An_account_snapshot_is_published_at_start_with_the_initial_equity()
    {
        await using var host = await ExecutorHost.StartAsync(TestHosts.SqliteSettings());

        var snapshot = (await host.PublishedAsync<AccountSnapshot>())[0];

        Assert.Equal(10_000m, snapshot.Equity);
        Assert.Empty(snapshot.OpenPositions);
    }

    [Fact]
    public async Task An_expired_approval_is_refused_and_never_sent()
    {
        await using var host = await StartWithPriceAsync();
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow().AddMinutes(-10), ttl: TimeSpan.FromMinutes(5));

        await host.PublishAsync(approval);

        var rejected = Assert.Single(await host.PublishedAsync<OrderRejected>());
        Assert.Equal(ErrorCodes.OrderExpired, rejected.ErrorCode);
        Assert.True(rejected.RefusedBeforeExchange);
        Assert.Equal(0, host.Paper.PlaceOrderCalls);
        Assert.Null(await host.Get<OrderLedger>().GetAsync(approval.ClientOrderId));
    }

    [Fact]
    public async Task An_approval_above_20x_leverage_is_refused_with_E_LEVERAGE_LIMIT_and_never_sent()
    {
        await using var host = await StartWithPriceAsync();
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m, leverage: 25);

        await host.PublishAsync(approval);

        var rejected = Assert.Single(await host.PublishedAsync<OrderRejected>());
        Assert.Equal(approval.ClientOrderId, rejected.ClientOrderId);
        Assert.Equal(ErrorCodes.LeverageLimit, rejected.ErrorCode);
        Assert.Contains("25x", rejected.Reason, StringComparison.Ordinal);
        Assert.True(rejected.RefusedBeforeExchange);
        Assert.Equal(0, host.Paper.PlaceOrderCalls);
        Assert.Empty(host.Paper.AllOrders());
        Assert.Null(await host.Get<OrderLedger>().GetAsync(approval.ClientOrderId));
    }

    [Theory]
    [InlineData("XBTUSDTM")]
    [InlineData("BTC/USDT")]
    [InlineData("btc-usdt-swap")]
    [InlineData("BTCUSDTM")]
    [InlineData("NOTACOIN!!")]
    [InlineData("PEPEUSDTM")]
    public async Task A_symbol_the_policy_refuses_never_reaches_the_exchange(string symbol)
    {
        await using var host = await StartWithPriceAsync();

        await host.PublishAsync(OrderBuilders.Approved(host.Clock.GetUtcNow(), symbol: symbol));

        var rejected = Assert.Single(await host.PublishedAsync<OrderRejected>());
        Assert.Contains(rejected.ErrorCode, new[] { ErrorCodes.SymbolDenied, ErrorCodes.UnknownSymbol, ErrorCodes.SymbolNotInUniverse });
        Assert.True(rejected.RefusedBeforeExchange);
        Assert.Equal(0, host.Paper.PlaceOrderCalls);
    }

    [Fact]
    public async Task Halted_refuses_entries_but_exits_and_flatten_still_work()
    {
        await using var host = await StartWithPriceAsync();
        var now = host.Clock.GetUtcNow();
        await host.PublishAsync(OrderBuilders.Approved(now, entry: 416.15m, stopLoss: 410m, takeProfit: 430m));
        await host.PublishedAsync<PositionOpened>();
        await host.PublishAsync(OrderBuilders.StateChanged(TradingState.Halted, now));
        await host.ConsumedAsync<TradingStateChanged>(1);

        var entry = OrderBuilders.Approved(now);
        await host.PublishAsync(entry);
        var rejected = (await host.PublishedAsync<OrderRejected>()).Single(r => r.ClientOrderId == entry.ClientOrderId);
        Assert.Equal(ErrorCodes.TradingHalted, rejected.ErrorCode);
        Assert.Equal(1, host.Paper.PlaceOrderCalls);

        await host.PublishAsync(OrderBuilders.Flatten(now));
        var flattened = Assert.Single(await host.PublishedAsync<PositionsFlattened>());
        Assert.True(flattened.IsFlat);
        Assert.Equal(1, flattened.ClosedPositions);
        Assert.Equal(2, flattened.CancelledOrders); // the attached stop-loss and take-profit
        Assert.Empty(await host.Paper.GetPositionsAsync(default));
        Assert.Empty(await host.Paper.GetOpenStopOrdersAsync(null, default));
        var closed = Assert.Single(await host.PublishedAsync<PositionClosed>());
        Assert.Equal(ExitReasons.Flatten, closed.ExitReason);
        Assert.Empty(await host.Get<OrderLedger>().OpenPositionsAsync());
    }

    [Fact]
    public async Task A_reduce_only_exit_passes_while_halted()
    {
        await using var host = await StartWithPriceAsync();
        var now = host.Clock.GetUtcNow();
        await host.PublishAsync(OrderBuilders.Approved(now, entry: 416.15m, stopLoss: 410m, takeProfit: 430m));
        await host.PublishedAsync<PositionOpened>();
        await host.PublishAsync(OrderBuilders.StateChanged(TradingState.Halted, now));
        await host.ConsumedAsync<TradingStateChanged>(1);

        await host.PublishAsync(OrderBuilders.Approved(now, reduceOnly: true, stopLoss: 0, takeProfit: 0));

        var closed = Assert.Single(await host.PublishedAsync<PositionClosed>());
        Assert.Equal(ExitReasons.Signal, closed.ExitReason);
        Assert.Empty(await host.Paper.GetPositionsAsync(default));
    }

    [Fact]
    public async Task Paused_refuses_entries_until_the_pause_is_over()
    {
        await using var host = await StartWithPriceAsync();
        var now = host.Clock.GetUtcNow();
        await host.PublishAsync(OrderBuilders.StateChanged(TradingState.Paused, now, pausedUntil: now.AddMinutes(30)));
        await host.ConsumedAsync<TradingStateChanged>(1);

        await host.PublishAsync(OrderBuilders.Approved(now));
        Assert.Equal(ErrorCodes.TradingPaused, Assert.Single(await host.PublishedAsync<OrderRejected>()).ErrorCode);

        host.Clock.Advance(TimeSpan.FromMinutes(31));
        await host.PublishAsync(OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 410m, takeProfit: 430m));
        Assert.Single(await host.PublishedAsync<OrderPlaced>());
    }

    [Fact]
    public async Task The_trading_state_survives_a_restart()
    {
        var settings = TestHosts.SqliteSettings();
        await using (var first = await ExecutorHost.StartAsync(settings))
        {
            await first.PublishAsync(OrderBuilders.StateChanged(TradingState.Halted, first.Clock.GetUtcNow()));
            await first.ConsumedAsync<TradingStateChanged>(1);
        }

        await using var second = await ExecutorHost.StartAsync(settings);
        second.Paper.OnCandle("ETHUSDTM", Eth[0]);
        await second.PublishAsync(OrderBuilders.Approved(second.Clock.GetUtcNow()));

        Assert.Equal(ErrorCodes.TradingHalted, Assert.Single(await second.PublishedAsync<OrderRejected>()).ErrorCode);
        Assert.Equal(0, second.Paper.PlaceOrderCalls);
    }

    [Fact]
    public async Task Stop_loss_on_a_later_candle_closes_the_round_trip_with_pnl_net_of_fees()
    {
        await using var host = await StartWithPriceAsync();
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m, riskAmount: 0.165m);
        await host.PublishAsync(approval);
        await host.PublishedAsync<PositionOpened>();

        await host.PublishAsync(OrderBuilders.Scanned("ETHUSDTM", Eth[1]));
        await host.ConsumedAsync<CypherScoping.Contracts.Market.MarketScanned>(1);
        await host.PublishAsync(OrderBuilders.Scanned("ETHUSDTM", Eth[2]));

        var closed = Assert.Single(await host.PublishedAsync<PositionClosed>());
        Assert.Equal(ExitReasons.StopLoss, closed.ExitReason);
        Assert.Equal(TradeOutcome.Loss, closed.Outcome);
        Assert.Equal(416.24m, closed.EntryPrice);
        Assert.Equal(414.41m, closed.ExitPrice);
        Assert.Equal(0.049839m, closed.Fees); // 0.0249744 + 0.0248646
        Assert.Equal(-0.232839m, closed.RealizedPnl); // −0.183 gross − fees
        Assert.Equal(-1.4111m, closed.RMultiple); // −0.232839 ÷ 0.165
        Assert.Equal(TimeSpan.FromMinutes(2), closed.HoldingTime); // filled at 00:01, stopped at the 00:02 candle's close (00:03)
        Assert.Equal(approval.CorrelationId, closed.CorrelationId);
        Assert.Equal(9999.767161m, (await host.PublishedAsync<AccountSnapshot>())[^1].Equity);
    }

    /// <summary>A paper exchange at ETH's first candle, its clock a minute in, and an entry approved at that time.</summary>
    private static (Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock, CypherScoping.Exchange.Paper.PaperExchange Paper, OrderApproved Approval) EthEntryScene()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Eth[0].OpenTime.AddMinutes(1));
        var paper = new CypherScoping.Exchange.Paper.PaperExchange(new CypherScoping.Exchange.Paper.PaperExchangeOptions(), clock);
        paper.OnCandle("ETHUSDTM", Eth[0]);
        return (clock, paper, OrderBuilders.Approved(clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m, ttl: TimeSpan.FromHours(1)));
    }

    /// <summary>An Executor that died leaving the approval's intent in <paramref name="status"/>, then the one that starts after it.</summary>
    private static async Task<ExecutorHost> RestartWithIntentLeftAsync(
        Dictionary<string, string?> settings, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, CypherScoping.Exchange.Paper.PaperExchange paper, OrderApproved approval, string status)
    {
        await using (var first = await ExecutorHost.StartAsync(settings, clock, paper))
        {
            await LedgerSeed.LeaveAsync(first.Get<OrderLedger>(), approval, status, clock.GetUtcNow());
        }

        return await ExecutorHost.StartAsync(settings, clock, paper);
    }

    [Fact]
    public async Task Crash_between_exchange_accept_and_ledger_record_is_adopted_on_restart_without_a_duplicate()
    {
        var settings = TestHosts.SqliteSettings();
        var (clock, paper, approval) = EthEntryScene();

        await using (var first = await ExecutorHost.StartAsync(settings, clock, paper))
        {
            first.Get<CypherScoping.Executor.Execution.ExecutorFaults>().AfterExchangeAnswered = _ => throw new InvalidOperationException("injected crash");
            await first.PublishAsync(approval);
            await first.ConsumedAsync<OrderApproved>(1);
            Assert.Equal(1, paper.PlaceOrderCalls);
            Assert.Equal(IntentStatus.Sent, (await first.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
            Assert.Empty(await first.PublishedAsync<OrderPlaced>(1, timeoutSeconds: 1));
        }

        await using var second = await ExecutorHost.StartAsync(settings, clock, paper);
        var placed = Assert.Single(await second.PublishedAsync<OrderPlaced>());
        Assert.Equal(approval.ClientOrderId, placed.ClientOrderId);
        Assert.Single(await second.PublishedAsync<PositionOpened>());
        var intent = await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId);
        Assert.Equal(IntentStatus.Filled, intent!.Status);
        Assert.Equal(placed.ExchangeOrderId, intent.ExchangeOrderId);
        Assert.Empty(await second.PublishedAsync<ReconciliationMismatchDetected>(1, timeoutSeconds: 1));

        await second.PublishAsync(approval); // the broker redelivers the original approval
        Assert.Single(await second.PublishedAsync<DuplicateOrderBlocked>());
        Assert.Equal(1, paper.PlaceOrderCalls);
        Assert.Single(paper.AllOrders(), o => o.ClientOid == approval.ClientOrderId);
    }

    [Fact]
    public async Task An_intent_left_reserved_at_restart_is_cancelled_and_never_sent()
    {
        var settings = TestHosts.SqliteSettings();
        var (clock, paper, approval) = EthEntryScene();
        // The process died after recording the intent, before marking it sent or calling the exchange.
        await using var second = await RestartWithIntentLeftAsync(settings, clock, paper, approval, IntentStatus.Reserved);

        Assert.Equal(0, paper.PlaceOrderCalls); // startup reconciliation is over once StartAsync returns
        var rejected = Assert.Single(await second.PublishedAsync<OrderRejected>());
        Assert.Equal(approval.ClientOrderId, rejected.ClientOrderId);
        Assert.Equal(ErrorCodes.OrderStateUnknown, rejected.ErrorCode);
        Assert.True(rejected.RefusedBeforeExchange);
        Assert.Equal(IntentStatus.Cancelled, (await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);

        await second.PublishAsync(approval); // the broker redelivers the approval the dead process never acknowledged
        Assert.Single(await second.PublishedAsync<DuplicateOrderBlocked>());
        Assert.Equal(0, paper.PlaceOrderCalls);
        Assert.Empty(paper.AllOrders());
        Assert.Empty(await second.PublishedAsync<OrderPlaced>(1, timeoutSeconds: 1));
    }

    [Theory]
    [InlineData(IntentStatus.Sent)]
    [InlineData(IntentStatus.Unknown)]
    public async Task An_in_flight_intent_the_exchange_does_not_have_is_cancelled_at_restart_and_not_resent(string status)
    {
        var settings = TestHosts.SqliteSettings();
        var (clock, paper, approval) = EthEntryScene();
        // Marked in flight, but the POST never reached the exchange (or the exchange dropped it).
        await using var second = await RestartWithIntentLeftAsync(settings, clock, paper, approval, status);

        Assert.Equal(0, paper.PlaceOrderCalls); // startup reconciliation is over once StartAsync returns
        var rejected = Assert.Single(await second.PublishedAsync<OrderRejected>());
        Assert.Equal(approval.ClientOrderId, rejected.ClientOrderId);
        Assert.Equal(ErrorCodes.OrderStateUnknown, rejected.ErrorCode);
        Assert.False(rejected.RefusedBeforeExchange);
        var intent = await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId);
        Assert.Equal(IntentStatus.Cancelled, intent!.Status);
        Assert.Null(intent.ExchangeOrderId);
        Assert.Empty(paper.AllOrders());
        Assert.Empty(await second.PublishedAsync<OrderPlaced>(1, timeoutSeconds: 1));
    }

    [Fact]
    public async Task A_position_on_the_exchange_that_the_ledger_does_not_know_halts_trading()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Eth[0].OpenTime.AddMinutes(1));
        var paper = new CypherScoping.Exchange.Paper.PaperExchange(new CypherScoping.Exchange.Paper.PaperExchangeOptions(), clock);
        paper.OnCandle("ETHUSDTM", Eth[0]);
        await paper.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "manual1", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Size = 3, Leverage = 2 }, default);

        await using var host = await ExecutorHost.StartAsync(TestHosts.SqliteSettings(), clock, paper);

        var mismatch = Assert.Single(await host.PublishedAsync<ReconciliationMismatchDetected>());
        Assert.Equal(ErrorCodes.ReconciliationMismatch, mismatch.ErrorCode);
        Assert.Equal("ETHUSDTM", mismatch.Symbol);
        Assert.Single(await host.PublishedAsync<HaltTrading>());
        await host.PublishAsync(OrderBuilders.Approved(clock.GetUtcNow()));
        Assert.Equal(ErrorCodes.TradingHalted, Assert.Single(await host.PublishedAsync<OrderRejected>()).ErrorCode);
        Assert.Equal(1, paper.PlaceOrderCalls);
        Assert.Single(await paper.GetPositionsAsync(default)); // never "fixed" by guessing
    }

    [Fact]
    public async Task A_redelivery_after_a_half_done_first_delivery_settles_it_from_the_exchange_and_sends_nothing()
    {
        await using var host = await StartWithPriceAsync();
        var faults = host.Get<CypherScoping.Executor.Execution.ExecutorFaults>();
        faults.AfterExchangeAnswered = _ => throw new InvalidOperationException("injected failure after the exchange answered");
        var approval = OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.50m, takeProfit: 418m);
        await host.PublishAsync(approval);
        await host.ConsumedAsync<OrderApproved>(1);
        faults.AfterExchangeAnswered = null;

        await host.PublishAsync(approval);

        Assert.Single(await host.PublishedAsync<DuplicateOrderBlocked>());
        Assert.Single(await host.PublishedAsync<OrderPlaced>());
        Assert.Single(await host.PublishedAsync<PositionOpened>());
        Assert.Equal(IntentStatus.Filled, (await host.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
        Assert.Equal(1, host.Paper.PlaceOrderCalls);
    }
}
