using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Exchange.Tests;

public sealed class RateLimitTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Storm_of_429_is_waited_out_per_reset_header_without_hammering()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var events = new List<RateLimitedEventArgs>();
        client.Limiter.RateLimited += (_, e) => { lock (events) { events.Add(e); } };
        fake.InjectRateLimitStorm(3, TimeSpan.FromMilliseconds(300));

        var ticker = await client.Port.GetTickerAsync("ETHUSDTM", Ct);

        Assert.True(ticker.Price > 0);
        var calls = fake.Requests.Where(r => r.Path == "/api/v1/ticker").ToList();
        Assert.Equal(4, calls.Count); // 3 refused + 1 served: no hammering
        for (var i = 1; i < calls.Count; i++)
        {
            Assert.True(calls[i].At - calls[i - 1].At >= TimeSpan.FromMilliseconds(280), $"retry {i} came after {(calls[i].At - calls[i - 1].At).TotalMilliseconds} ms");
        }

        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(ErrorCodes.RateLimited, e.ErrorCode));
        Assert.All(events, e => Assert.Equal("429000", e.ExchangeCode));
        Assert.Contains("E_RATE_LIMITED", client.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_429_ends_in_e_rate_limited_after_bounded_waits_and_no_order()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?> { ["KuCoin:MaxRateLimitRetries"] = "2" });
        await client.Exchange.SyncTimeAsync(Ct);
        var events = new List<RateLimitedEventArgs>();
        client.Limiter.RateLimited += (_, e) => { lock (events) { events.Add(e); } };
        fake.InjectRateLimitStorm(100, TimeSpan.FromMilliseconds(100));

        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetAccountOverviewAsync(Ct));
        Assert.Equal(ErrorCodes.RateLimited, ex.ErrorCode);
        Assert.Equal("429000", ex.ExchangeCode);
        Assert.Equal(3, fake.Requests.Count(r => r.Path == "/api/v1/account-overview"));

        var outcome = await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "storm-1", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Size = 1 }, Ct);
        var rejected = Assert.IsType<PlaceOrderOutcome.Rejected>(outcome);
        Assert.Equal(ErrorCodes.RateLimited, rejected.ErrorCode);
        Assert.Equal(3, fake.PlaceOrderCalls);
        Assert.Empty(fake.Orders);
        Assert.Equal(2, events.Count(e => e.GaveUp));
    }

    [Fact]
    public async Task Client_keeps_within_the_weight_budget_by_waiting_for_the_window()
    {
        await using var fake = await FakeKuCoinServer.StartAsync(new FakeKuCoinOptions { FuturesPoolQuota = 40, RateLimitWindow = TimeSpan.FromMilliseconds(500) });
        await using var client = KuCoinTestClient.Create(fake);
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, ct) =>
        {
            var outcome = await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = $"budget-{i}", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Type = OrderType.Limit, Price = 100m, Size = 1 }, ct);
            Assert.IsType<PlaceOrderOutcome.Accepted>(outcome);
        });

        Assert.Equal(60, fake.Orders.Count);
        Assert.Equal(0, fake.BudgetExceeded); // 120 weight at 40 per window: the client waited, the server never refused
        Assert.Equal(60, fake.PlaceOrderCalls);
    }

    [Fact]
    public async Task Headers_correct_a_client_that_thinks_its_budget_is_larger()
    {
        await using var fake = await FakeKuCoinServer.StartAsync(new FakeKuCoinOptions { FuturesPoolQuota = 30, RateLimitWindow = TimeSpan.FromMilliseconds(500) });
        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?> { ["KuCoin:FuturesPoolQuota"] = "2000", ["KuCoin:RateLimitWindowMilliseconds"] = "100" });
        for (var i = 0; i < 40; i++)
        {
            var outcome = await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = $"hdr-{i}", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Type = OrderType.Limit, Price = 100m, Size = 1 }, Ct);
            Assert.IsType<PlaceOrderOutcome.Accepted>(outcome);
        }

        Assert.Equal(40, fake.Orders.Count);
        Assert.Equal(0, fake.BudgetExceeded); // the gw-ratelimit-limit header lowered the quota to the server's
        Assert.Equal(30, client.Limiter.Snapshot(KuCoinPool.Futures).Quota);
    }

    [Fact]
    public async Task At_most_max_concurrent_calls_are_in_flight()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.InjectFault(new FakeFault(FakeFaultKind.SlowResponse) { Path = "/api/v1/ticker", Count = 100, Delay = TimeSpan.FromMilliseconds(150) });
        await using var client = KuCoinTestClient.Create(fake, new Dictionary<string, string?> { ["KuCoin:MaxConcurrentCalls"] = "2" });
        var tickers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.Port.GetTickerAsync("ETHUSDTM", Ct)));
        Assert.All(tickers, t => Assert.True(t.Price > 0));
        Assert.Equal(6, fake.Requests.Count(r => r.Path == "/api/v1/ticker"));
        Assert.InRange(fake.MaxConcurrentRequests, 1, 2); // six callers, never more than two on the wire
    }

    [Fact]
    public async Task Cancels_and_closes_go_first_when_the_budget_is_short()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new KuCoinOptions { FuturesPoolQuota = 100, RateLimitWindowMilliseconds = 30_000, PriorityReserveRatio = 0.1m, MaxConcurrentCalls = 10 });
        using var limiter = new KuCoinRateLimiter(options, time, NullLogger<KuCoinRateLimiter>.Instance);
        for (var i = 0; i < 45; i++)
        {
            using var lease = await limiter.AcquireAsync(KuCoinPool.Futures, 2, RequestPriority.Normal, Ct);
        }

        // 90 used; the last 10 are reserved for cancels/closes.
        var entry = limiter.AcquireAsync(KuCoinPool.Futures, 2, RequestPriority.Normal, Ct).AsTask();
        Assert.False(entry.IsCompleted);
        using (var cancel = await limiter.AcquireAsync(KuCoinPool.Futures, 5, RequestPriority.High, Ct))
        using (var close = await limiter.AcquireAsync(KuCoinPool.Futures, 5, RequestPriority.High, Ct))
        {
            Assert.Equal(100, limiter.Snapshot(KuCoinPool.Futures).Used);
        }

        Assert.False(entry.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(31)); // new window
        (await entry).Dispose();
        Assert.Equal(2, limiter.Snapshot(KuCoinPool.Futures).Used);
    }

    [Fact]
    public async Task A_waiting_cancel_is_served_before_new_entries()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new KuCoinOptions { FuturesPoolQuota = 10, RateLimitWindowMilliseconds = 30_000, PriorityReserveRatio = 0m, MaxConcurrentCalls = 10 });
        using var limiter = new KuCoinRateLimiter(options, time, NullLogger<KuCoinRateLimiter>.Instance);
        (await limiter.AcquireAsync(KuCoinPool.Futures, 10, RequestPriority.Normal, Ct)).Dispose(); // window full
        var entry = limiter.AcquireAsync(KuCoinPool.Futures, 6, RequestPriority.Normal, Ct).AsTask();
        var cancel = limiter.AcquireAsync(KuCoinPool.Futures, 6, RequestPriority.High, Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(31));
        await Task.Delay(50);
        time.Advance(TimeSpan.FromMilliseconds(100));
        (await cancel).Dispose();
        await Task.Delay(50);
        Assert.False(entry.IsCompleted); // 6 + 6 > 10: the entry waits for the next window, the cancel went first
        time.Advance(TimeSpan.FromSeconds(31));
        (await entry).Dispose();
    }
}
