using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.TestKit.FakeKuCoin;

namespace CypherScoping.Exchange.Tests;

public sealed class OrderReconcilerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static PlaceOrderRequest Limit(string oid) => new()
    {
        ClientOid = oid,
        Symbol = "ETHUSDTM",
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Price = 1000m,
        Size = 1,
        Leverage = 5,
    };

    [Fact]
    public async Task An_order_never_sent_is_confirmed_absent_after_all_checks()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var result = await client.Reconciler.ReconcileAsync("never-sent-1", "ETHUSDTM", DateTimeOffset.UtcNow, Ct);
        Assert.IsType<ReconcileResult.Absent>(result);
        var paths = fake.Requests.Select(r => r.Path).ToHashSet();
        Assert.Contains("/api/v1/orders/byClientOid", paths);
        Assert.Contains("/api/v1/orders", paths);
        Assert.Contains("/api/v1/stopOrders", paths);
        Assert.Contains("/api/v1/recentDoneOrders", paths);
        Assert.Contains("/api/v1/recentFills", paths);
        Assert.Equal(5, fake.Requests.Count(r => r.Path == "/api/v1/orders/byClientOid")); // bounded look-ups
    }

    [Fact]
    public async Task When_checks_fail_the_order_stays_unknown_and_is_not_resubmitted()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?> { ["KuCoin:ReadRetries"] = "0" });
        await client.Exchange.SyncTimeAsync(Ct);
        fake.InjectFault(new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Method = "POST" });
        fake.InjectFault(new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Method = "GET", Count = 1000 });

        var outcome = await client.Reconciler.PlaceOrderSafelyAsync(Limit("unk-1"), Ct);

        var unknown = Assert.IsType<PlaceOrderOutcome.Unknown>(outcome);
        Assert.Equal(ErrorCodes.OrderStateUnknown, unknown.ErrorCode);
        Assert.Equal(1, fake.PlaceOrderCalls); // never re-sent without a confirmed absence
    }

    [Fact]
    public async Task Duplicate_clientOid_resolves_to_the_existing_order_without_a_second_one()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var first = Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("dup-a"), Ct));
        var again = Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Reconciler.PlaceOrderSafelyAsync(Limit("dup-a"), Ct));
        Assert.Equal(first.OrderId, again.OrderId);
        Assert.Single(fake.Orders);
    }

    [Fact]
    public async Task Lag_longer_than_the_lookups_goes_resubmit_then_300018_then_lookup_and_finds_the_one_order()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.NewOrderVisibilityDelay = TimeSpan.FromMilliseconds(2000);
        fake.DropResponseDelay = TimeSpan.FromSeconds(3);
        fake.InjectFault(new FakeFault(FakeFaultKind.AcceptThenDropResponse) { Method = "POST" });
        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?>
        {
            ["KuCoin:RequestTimeoutMilliseconds"] = "800",
            ["KuCoin:Reconciliation:LookupAttempts"] = "3",
            ["KuCoin:Reconciliation:LookupDelayMilliseconds"] = "200",
        });

        var outcome = Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Reconciler.PlaceOrderSafelyAsync(Limit("lag-1"), Ct));

        var order = Assert.Single(fake.Orders);
        Assert.Equal(order.Id, outcome.OrderId);
        Assert.Equal(2, fake.PlaceOrderCalls); // the re-submit with the same clientOid hit 300018
        Assert.Contains(fake.Requests, r => r.Path == "/api/v1/orders" && r.Method == "POST" && r.Code == "300018");
    }

    [Fact]
    public async Task Reconciler_works_over_any_exchange_port()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var reconciler = new OrderReconciler(client.Port, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<OrderReconciler>.Instance);
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("port-1"), Ct));
        var found = Assert.IsType<ReconcileResult.Found>(await reconciler.ReconcileAsync("port-1", "ETHUSDTM", null, Ct));
        Assert.Equal("port-1", found.Order.ClientOid);
    }
}
