using CypherScoping.Contracts;
using CypherScoping.TestKit.FakeKuCoin;

namespace CypherScoping.Exchange.Tests;

/// <summary>
/// For each injected fault, 200 orders with distinct clientOids placed through PlaceOrderSafelyAsync end as exactly 200
/// orders on the fake exchange — none duplicated, none lost — and no request goes beyond the weight budget.
/// </summary>
public sealed class FaultMatrixTests
{
    private const int OrderCount = 200;

    public static TheoryData<string> Faults() =>
    [
        "rate-limited",
        "accept-then-drop-response",
        "5xx-before-processing",
        "5xx-after-processing",
        "malformed-json-after-processing",
        "visibility-delay-with-5xx-after-processing",
        "lookups-failing-with-5xx",
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Two_hundred_orders_end_as_exactly_two_hundred_on_the_exchange(string fault)
    {
        await using var fake = await FakeKuCoinServer.StartAsync(new FakeKuCoinOptions
        {
            FuturesPoolQuota = 500,
            PublicPoolQuota = 500,
            RateLimitWindow = TimeSpan.FromSeconds(1),
        });
        fake.DropResponseDelay = TimeSpan.FromSeconds(3);
        const string place = "/api/v1/orders";
        var injected = fault switch
        {
            "rate-limited" => new FakeFault(FakeFaultKind.RateLimited) { Method = "POST", Path = place, Every = 10, Count = 20, RetryAfter = TimeSpan.FromMilliseconds(50) },
            "accept-then-drop-response" => new FakeFault(FakeFaultKind.AcceptThenDropResponse) { Method = "POST", Path = place, Every = 10, Count = 20 },
            "5xx-before-processing" => new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Method = "POST", Path = place, Every = 10, Count = 20 },
            "5xx-after-processing" or "visibility-delay-with-5xx-after-processing" => new FakeFault(FakeFaultKind.ServerErrorAfterProcessing) { Method = "POST", Path = place, Every = 10, Count = 20 },
            "malformed-json-after-processing" => new FakeFault(FakeFaultKind.MalformedJsonAfterProcessing) { Method = "POST", Path = place, Every = 10, Count = 20 },
            "lookups-failing-with-5xx" => new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Method = "GET", Path = "/api/v1/orders/byClientOid", Every = 2, Count = 20 },
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        fake.InjectFault(injected);
        if (fault == "lookups-failing-with-5xx")
        {
            fake.InjectFault(new FakeFault(FakeFaultKind.AcceptThenDropResponse) { Method = "POST", Path = place, Every = 10, Count = 20 });
        }

        if (fault.StartsWith("visibility-delay", StringComparison.Ordinal))
        {
            fake.NewOrderVisibilityDelay = TimeSpan.FromMilliseconds(250);
        }

        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?>
        {
            ["KuCoin:RequestTimeoutMilliseconds"] = "700",
        });
        fake.SetPrice("ETHUSDTM", 3000m);

        var runId = Guid.NewGuid().ToString("N")[..8];
        var requests = Enumerable.Range(0, OrderCount).Select(i => new PlaceOrderRequest
        {
            ClientOid = $"fm-{runId}-{i:D4}",
            Symbol = "ETHUSDTM",
            Side = i % 4 < 2 ? OrderSide.Buy : OrderSide.Sell,
            Type = i % 2 == 0 ? OrderType.Market : OrderType.Limit,
            Price = i % 2 == 0 ? null : i % 4 < 2 ? 1000m : 9000m, // limit orders rest far from the price
            Size = 1,
            Leverage = 10,
        }).ToList();

        var outcomes = new PlaceOrderOutcome[OrderCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, OrderCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            outcomes[i] = await client.Reconciler.PlaceOrderSafelyAsync(requests[i], ct));

        Assert.True(injected.TimesFired > 0, "the fault never fired");
        Assert.All(outcomes, o => Assert.IsType<PlaceOrderOutcome.Accepted>(o));
        var orders = fake.Orders;
        Assert.Equal(OrderCount, orders.Count);
        Assert.Equal(requests.Select(r => r.ClientOid).Order(StringComparer.Ordinal), orders.Select(o => o.ClientOid).Order(StringComparer.Ordinal));
        var byOid = orders.ToDictionary(o => o.ClientOid, o => o.Id);
        for (var i = 0; i < OrderCount; i++)
        {
            Assert.Equal(byOid[requests[i].ClientOid], ((PlaceOrderOutcome.Accepted)outcomes[i]).OrderId);
        }

        Assert.Equal(0, fake.BudgetExceeded);
        if (fault is "rate-limited" or "5xx-before-processing")
        {
            // Refused requests were re-sent (only those): one extra POST per fault.
            Assert.Equal(OrderCount + injected.TimesFired, fake.PlaceOrderCalls);
        }
        else
        {
            // Processed-but-unanswered orders were found by reconciliation, never re-sent. That holds when the look-ups
            // fail too (lookups-failing-with-5xx): every dropped POST was processed, so its order exists and a retried
            // look-up or the open/done cross-check finds it — never Absent, so never re-submitted. A blind re-POST of a
            // resting order would be answered 300018 and end Accepted with 200 orders: only this count shows it.
            Assert.Equal(OrderCount, fake.PlaceOrderCalls);
        }
    }
}
