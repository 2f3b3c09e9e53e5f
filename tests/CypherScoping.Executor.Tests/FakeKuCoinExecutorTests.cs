using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Builders;
using CypherScoping.TestKit.FakeKuCoin;
using CypherScoping.Exchange.KuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Executor.Tests;

/// <summary>The Executor in live mode with the real KuCoin client (AddKuCoinExchange) against the local fake KuCoin server.</summary>
public sealed class FakeKuCoinExecutorTests
{
    private static async Task<(FakeKuCoinServer Fake, ExecutorHost Host)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 2000m);
        fake.SetPrice("SOLUSDTM", 150m);
        return (fake, await StartOnAsync(fake, settings ?? TestHosts.SqliteSettings()));
    }

    /// <summary>
    /// An Executor that died leaving an ETH entry's intent in <paramref name="status"/> (nothing sent to KuCoin), and the
    /// Executor that starts after it on the same ledger and the same fake.
    /// </summary>
    private static async Task<(FakeKuCoinServer Fake, ExecutorHost Restarted, OrderApproved Approval)> RestartWithIntentLeftAsync(string status)
    {
        var settings = TestHosts.SqliteSettings();
        var (fake, first) = await StartAsync(settings);
        var approval = OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m, ttl: TimeSpan.FromHours(1));
        await using (first)
        {
            await LedgerSeed.LeaveAsync(first.Get<OrderLedger>(), approval, status, DateTimeOffset.UtcNow);
        }

        return (fake, await StartOnAsync(fake, settings), approval);
    }

    /// <summary>An Executor in live mode against an existing fake (a restart keeps the exchange's state).</summary>
    private static async Task<ExecutorHost> StartOnAsync(FakeKuCoinServer fake, Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings);
        foreach (var (k, v) in fake.ClientSettings())
        {
            all[k] = v;
        }

        all["Trading:Mode"] = "live";
        all["KuCoin:RequestTimeoutMilliseconds"] = "1500";
        all["KuCoin:Reconciliation:LookupAttempts"] = "4";
        all["KuCoin:Reconciliation:LookupDelayMilliseconds"] = "100";
        all["Executor:FillPollDelayMs"] = "50";
        all["Executor:FlattenDelayMs"] = "50";
        return await ExecutorHost.StartAsync(all, registeredExchange: true);
    }

    private static int OrderPosts(FakeKuCoinServer fake) =>
        fake.Requests.Count(r => r.Method == "POST" && r.Path is "/api/v1/orders" or "/api/v1/st-orders");

    [Fact]
    public async Task The_same_approval_delivered_ten_times_reaches_kucoin_once()
    {
        var (fake, host) = await StartAsync();
        await using var _ = fake;
        await using var __ = host;
        var approval = OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m);

        for (var i = 0; i < 10; i++)
        {
            await host.PublishAsync(approval);
        }

        await host.ConsumedAsync<OrderApproved>(10);
        Assert.Equal(9, (await host.PublishedAsync<DuplicateOrderBlocked>(9)).Count);
        Assert.Equal(1, OrderPosts(fake));
        Assert.Single(fake.Orders, o => o.ClientOid == approval.ClientOrderId);
        Assert.Single(fake.Positions);
        Assert.Single(await host.PublishedAsync<PositionOpened>());
    }

    [Theory]
    [InlineData("XBTUSDTM")]
    [InlineData("BTC/USDT")]
    [InlineData("XBTUSDM")]
    public async Task A_denied_symbol_is_refused_without_any_request_reaching_kucoin(string symbol)
    {
        var (fake, host) = await StartAsync();
        await using var _ = fake;
        await using var __ = host;
        await host.PublishedAsync<AccountSnapshot>(); // startup reconciliation done
        var before = fake.Requests.Count;

        await host.PublishAsync(OrderBuilders.Approved(DateTimeOffset.UtcNow, symbol: symbol));

        var rejected = Assert.Single(await host.PublishedAsync<OrderRejected>());
        Assert.Equal(ErrorCodes.SymbolDenied, rejected.ErrorCode);
        Assert.True(rejected.RefusedBeforeExchange);
        await host.ConsumedAsync<OrderApproved>(1);
        Assert.Equal(before, fake.Requests.Count);
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task A_lost_response_is_reconciled_by_client_oid_and_adopted_never_resent()
    {
        var (fake, host) = await StartAsync();
        await using var _ = fake;
        await using var __ = host;
        fake.InjectFault(new FakeFault(FakeFaultKind.AcceptThenDropResponse) { Method = "POST" });
        var approval = OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m);

        await host.PublishAsync(approval);

        var placed = Assert.Single(await host.PublishedAsync<OrderPlaced>(1, timeoutSeconds: 30));
        Assert.Equal(approval.ClientOrderId, placed.ClientOrderId);
        Assert.Contains(await host.PublishedAsync<ExchangeErrorOccurred>(), e => e.Operation == "place_order" && e.ClientOrderId == approval.ClientOrderId);
        Assert.Equal(1, OrderPosts(fake));
        var order = Assert.Single(fake.Orders, o => o.ClientOid == approval.ClientOrderId);
        Assert.Equal(order.Id, placed.ExchangeOrderId);
        var intent = await host.Get<OrderLedger>().GetAsync(approval.ClientOrderId);
        Assert.Contains(intent!.Status, new[] { IntentStatus.Accepted, IntentStatus.Filled });
    }

    [Fact]
    public async Task Crash_after_kucoin_accepted_is_adopted_by_startup_reconciliation_without_a_duplicate()
    {
        var settings = TestHosts.SqliteSettings();
        var (fake, first) = await StartAsync(settings);
        await using var _ = fake;
        var approval = OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m, ttl: TimeSpan.FromHours(1));
        await using (first)
        {
            first.Get<Execution.ExecutorFaults>().AfterExchangeAnswered = _ => throw new InvalidOperationException("injected crash");
            await first.PublishAsync(approval);
            await first.ConsumedAsync<OrderApproved>(1);
            Assert.Equal(IntentStatus.Sent, (await first.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
        }

        await using var second = await StartOnAsync(fake, settings);
        Assert.Single(await second.PublishedAsync<OrderPlaced>());
        Assert.Equal(IntentStatus.Filled, (await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
        Assert.Empty(await second.PublishedAsync<ReconciliationMismatchDetected>(1, timeoutSeconds: 1));

        await second.PublishAsync(approval);
        Assert.Single(await second.PublishedAsync<DuplicateOrderBlocked>());
        Assert.Equal(1, OrderPosts(fake));
        Assert.Single(fake.Orders, o => o.ClientOid == approval.ClientOrderId);
    }

    [Fact]
    public async Task An_intent_left_reserved_is_cancelled_by_startup_reconciliation_and_never_posted()
    {
        // The process died after recording the intent, before marking it sent or calling KuCoin.
        var (fake, second, approval) = await RestartWithIntentLeftAsync(IntentStatus.Reserved);
        await using var _ = fake;
        await using var __ = second;

        Assert.Equal(0, OrderPosts(fake)); // startup reconciliation is over once StartAsync returns
        var rejected = Assert.Single(await second.PublishedAsync<OrderRejected>());
        Assert.Equal(approval.ClientOrderId, rejected.ClientOrderId);
        Assert.Equal(ErrorCodes.OrderStateUnknown, rejected.ErrorCode);
        Assert.True(rejected.RefusedBeforeExchange);
        Assert.Equal(IntentStatus.Cancelled, (await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
        Assert.Contains(fake.Requests, r => r.Method == "GET" && r.Path == "/api/v1/orders/byClientOid"); // it did ask
        Assert.Empty(fake.Orders);

        await second.PublishAsync(approval); // the broker redelivers the approval the dead process never acknowledged
        Assert.Single(await second.PublishedAsync<DuplicateOrderBlocked>());
        await second.ConsumedAsync<OrderApproved>(1);
        Assert.Equal(0, OrderPosts(fake));
        Assert.Empty(fake.Orders);
    }

    [Theory]
    [InlineData(IntentStatus.Sent)]
    [InlineData(IntentStatus.Unknown)]
    public async Task An_in_flight_intent_kucoin_does_not_have_is_cancelled_at_restart_and_not_reposted(string status)
    {
        // Marked in flight, but the POST never reached KuCoin.
        var (fake, second, approval) = await RestartWithIntentLeftAsync(status);
        await using var _ = fake;
        await using var __ = second;

        Assert.Equal(0, OrderPosts(fake)); // startup reconciliation is over once StartAsync returns
        var rejected = Assert.Single(await second.PublishedAsync<OrderRejected>());
        Assert.Equal(approval.ClientOrderId, rejected.ClientOrderId);
        Assert.Equal(ErrorCodes.OrderStateUnknown, rejected.ErrorCode);
        Assert.False(rejected.RefusedBeforeExchange);
        Assert.Equal(IntentStatus.Cancelled, (await second.Get<OrderLedger>().GetAsync(approval.ClientOrderId))!.Status);
        Assert.Empty(fake.Orders);
        Assert.Empty(await second.PublishedAsync<OrderPlaced>(1, timeoutSeconds: 1));
    }

    [Fact]
    public async Task Flatten_cancels_resting_and_stop_orders_and_closes_every_position_until_kucoin_is_flat()
    {
        var (fake, host) = await StartAsync();
        await using var _ = fake;
        await using var __ = host;
        await host.PublishAsync(OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m));
        await host.PublishedAsync<PositionOpened>();
        var exchange = host.Get<IExchange>();
        await exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "manualsol1", Symbol = "SOLUSDTM", Side = OrderSide.Sell, Size = 5, Leverage = 3 }, default);
        await exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "restingeth1", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Type = OrderType.Limit, Price = 1500m, Size = 2, Leverage = 3 }, default);
        Assert.Equal(2, fake.Positions.Count);
        Assert.Contains(fake.Orders, o => o.IsActive);
        Assert.Contains(fake.StopOrders, o => o.IsActive);

        await host.PublishAsync(OrderBuilders.Flatten(DateTimeOffset.UtcNow));

        var flattened = Assert.Single(await host.PublishedAsync<PositionsFlattened>(1, timeoutSeconds: 30));
        Assert.True(flattened.IsFlat);
        Assert.Empty(flattened.RemainingPositions);
        Assert.Equal(2, flattened.ClosedPositions);
        Assert.Empty(fake.Positions);
        Assert.DoesNotContain(fake.Orders, o => o.IsActive);
        Assert.DoesNotContain(fake.StopOrders, o => o.IsActive);
        var closed = Assert.Single(await host.PublishedAsync<PositionClosed>());
        Assert.Equal(ExitReasons.Flatten, closed.ExitReason);
    }

    [Fact]
    public async Task Direct_flatten_for_the_cli_needs_no_bus_and_leaves_kucoin_flat()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("SOLUSDTM", 150m);
        fake.SetPrice("ETHUSDTM", 2000m);
        var settings = fake.ClientSettings();
        settings["Trading:Mode"] = "live";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKuCoinExchange(configuration);
        await using (var provider = services.BuildServiceProvider())
        {
            var exchange = provider.GetRequiredService<IExchange>();
            await exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "sol1", Symbol = "SOLUSDTM", Side = OrderSide.Buy, Size = 4, Leverage = 2, StopLossPrice = 140m, TakeProfitPrice = 170m }, default);
            await exchange.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "eth1", Symbol = "ETHUSDTM", Side = OrderSide.Sell, Type = OrderType.Limit, Price = 2500m, Size = 3, Leverage = 2 }, default);
        }

        Assert.Single(fake.Positions);
        var output = new StringWriter();

        var result = await Execution.DirectFlatten.RunAsync(configuration, null, 5, output, default);

        Assert.Equal(Execution.DirectFlatten.Result.Flat, result);
        Assert.Empty(fake.Positions);
        Assert.DoesNotContain(fake.Orders, o => o.IsActive);
        Assert.DoesNotContain(fake.StopOrders, o => o.IsActive);
        Assert.Contains("FLAT", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fake.ApiSecret, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_loss_kucoin_executed_is_booked_as_a_losing_round_trip()
    {
        var (fake, host) = await StartAsync();
        await using var _ = fake;
        await using var __ = host;
        await host.PublishAsync(OrderBuilders.Approved(DateTimeOffset.UtcNow, entry: 2000m, stopLoss: 1950m, takeProfit: 2100m));
        await host.PublishedAsync<PositionOpened>();

        fake.SetPrice("ETHUSDTM", 1940m); // the exchange triggers the attached stop-loss
        Assert.Empty(fake.Positions);
        var sink = new Execution.ListSink();
        var closedCount = await host.Get<Execution.LivePositionSync>().SyncAsync(sink, default);

        Assert.Equal(1, closedCount);
        var closed = Assert.Single(sink.Events.OfType<PositionClosed>());
        Assert.Equal(ExitReasons.StopLoss, closed.ExitReason);
        Assert.Equal(TradeOutcome.Loss, closed.Outcome);
        Assert.True(closed.RealizedPnl < 0);
        Assert.Empty(await host.Get<OrderLedger>().OpenPositionsAsync());
        Assert.Equal(0, await host.Get<Execution.LivePositionSync>().SyncAsync(sink, default)); // booked once
    }
}
