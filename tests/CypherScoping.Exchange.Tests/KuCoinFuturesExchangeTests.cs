using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit.FakeKuCoin;

namespace CypherScoping.Exchange.Tests;

/// <summary>The real client against the fake KuCoin server, endpoint by endpoint.</summary>
public sealed class KuCoinFuturesExchangeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static PlaceOrderRequest Market(string oid, OrderSide side, decimal size = 1, string symbol = "ETHUSDTM", int leverage = 5) => new()
    {
        ClientOid = oid,
        Symbol = symbol,
        Side = side,
        Type = OrderType.Market,
        Size = size,
        Leverage = leverage,
    };

    private static PlaceOrderRequest Limit(string oid, OrderSide side, decimal price, decimal size = 1, string symbol = "ETHUSDTM") => new()
    {
        ClientOid = oid,
        Symbol = symbol,
        Side = side,
        Type = OrderType.Limit,
        Price = price,
        Size = size,
        Leverage = 5,
    };

    [Fact]
    public async Task Server_time_status_and_offset()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.ClockSkew = TimeSpan.FromSeconds(30);
        await using var client = KuCoinTestClient.Create(fake);
        var time = await client.Exchange.GetServerTimeAsync(Ct);
        Assert.InRange(time - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(35));
        Assert.Equal("open", await client.Exchange.GetStatusAsync(Ct));

        // With the server 30 s ahead, signed calls still pass the ±5 s check thanks to the measured offset.
        var account = await client.Port.GetAccountOverviewAsync(Ct);
        Assert.Equal(10_000m, account.AccountEquity);
        Assert.InRange(client.Exchange.ServerTimeOffset, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(35));
    }

    [Fact]
    public async Task Clock_jump_on_the_server_is_handled_by_one_resync_after_400002()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        await client.Exchange.SyncTimeAsync(Ct);
        fake.ClockSkew = TimeSpan.FromSeconds(60);

        Assert.Equal(10_000m, (await client.Port.GetAccountOverviewAsync(Ct)).AccountEquity);
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("skew-1", OrderSide.Buy, 1000m), Ct));
        Assert.Contains(fake.Requests, r => r.Code == "400002");
        Assert.Single(fake.Orders);
    }

    [Fact]
    public async Task Reads_retry_transient_faults_and_malformed_market_data_ends_as_e_bad_market_data()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        fake.InjectFault(new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Path = "/api/v1/ticker", Count = 2 });
        Assert.True((await client.Port.GetTickerAsync("ETHUSDTM", Ct)).Price > 0); // 2 failures, then served
        Assert.Equal(3, fake.Requests.Count(r => r.Path == "/api/v1/ticker"));

        fake.InjectFault(new FakeFault(FakeFaultKind.MalformedJsonAfterProcessing) { Path = "/api/v1/ticker", Count = 10 });
        var bad = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetTickerAsync("ETHUSDTM", Ct));
        Assert.Equal(ErrorCodes.BadMarketData, bad.ErrorCode);
        Assert.Equal(6, fake.Requests.Count(r => r.Path == "/api/v1/ticker")); // bounded: 1 + 2 retries

        fake.InjectFault(new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Path = "/api/v1/positions", Count = 10 });
        var down = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetPositionsAsync(Ct));
        Assert.Equal(ErrorCodes.ExchangeUnavailable, down.ErrorCode);
        Assert.Equal("500000", down.ExchangeCode);
    }

    [Fact]
    public async Task Contracts_are_listed_cached_and_canonical()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var contracts = await client.Port.GetActiveContractsAsync(Ct);
        Assert.Contains(contracts, c => c.Symbol == "XBTUSDTM" && c.BaseCurrency == "BTC" && c.Multiplier == 0.001m);
        var eth = await client.Port.GetContractAsync("ETHUSDTM", Ct);
        Assert.Equal(0.01m, eth!.Multiplier);
        Assert.Null(await client.Port.GetContractAsync("NOPEUSDTM", Ct));
        Assert.Single(fake.Requests, r => r.Path == "/api/v1/contracts/active"); // cached

        var one = await client.Exchange.FetchContractAsync("XBTUSDTM", Ct);
        Assert.Equal("BTC", one.BaseCurrency);
        var unknown = await Assert.ThrowsAsync<ExchangeException>(() => client.Exchange.FetchContractAsync("NOPEUSDTM", Ct));
        Assert.Equal(ErrorCodes.UnknownSymbol, unknown.ErrorCode);
        Assert.Equal("100003", unknown.ExchangeCode);
    }

    [Fact]
    public async Task Ticker_parses_string_prices_and_nanosecond_time()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 3123.45m);
        await using var client = KuCoinTestClient.Create(fake);
        var ticker = await client.Port.GetTickerAsync("ETHUSDTM", Ct);
        Assert.Equal(3123.45m, ticker.Price);
        Assert.Equal(3123.44m, ticker.BestBidPrice);
        Assert.InRange(ticker.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Klines_are_paged_by_500_and_only_closed_candles_return()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        var to = DateTimeOffset.UtcNow;
        var from = to.AddMinutes(-1200); // 1200 one-minute candles → 3 pages
        var candles = await client.Port.GetKlinesAsync("ETHUSDTM", 1, from, to, Ct);
        Assert.InRange(candles.Count, 1198, 1200);
        Assert.All(candles, c => Assert.True(c.OpenTime.AddMinutes(1) <= DateTimeOffset.UtcNow.AddSeconds(1), "open candle returned"));
        Assert.Equal(candles.OrderBy(c => c.OpenTime).Select(c => c.OpenTime), candles.Select(c => c.OpenTime));
        Assert.Equal(candles.Count, candles.Select(c => c.OpenTime).Distinct().Count());
        var pages = fake.Requests.Where(r => r.Path == "/api/v1/kline/query").ToList();
        Assert.Equal(3, pages.Count);
        var bad = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetKlinesAsync("ETHUSDTM", 3, from, to, Ct));
        Assert.Equal(ErrorCodes.InvalidConfig, bad.ErrorCode);
    }

    [Fact]
    public async Task Market_order_fills_at_the_current_price_and_shows_in_fills_positions_and_done_orders()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 3000m);
        await using var client = KuCoinTestClient.Create(fake);

        var outcome = await client.Port.PlaceOrderAsync(Market("mkt-1", OrderSide.Buy, 3), Ct);
        var accepted = Assert.IsType<PlaceOrderOutcome.Accepted>(outcome);
        var order = await client.Port.GetOrderByClientOidAsync("mkt-1", Ct);
        Assert.Equal(accepted.OrderId, order!.Id);
        Assert.Equal(ExchangeOrderState.Filled, order.State);
        Assert.Equal(3m, order.FilledSize);
        Assert.Equal("mkt-1", (await client.Exchange.GetOrderAsync(accepted.OrderId, Ct))!.ClientOid);

        var fill = Assert.Single(await client.Port.GetRecentFillsAsync("ETHUSDTM", Ct));
        Assert.Equal(3000m, fill.Price);
        Assert.Equal(3m, fill.Size);
        Assert.Equal(accepted.OrderId, fill.OrderId);
        Assert.Single(await client.Exchange.GetFillsAsync("ETHUSDTM", accepted.OrderId, Ct));

        var position = Assert.Single(await client.Port.GetPositionsAsync(Ct));
        Assert.Equal(3m, position.CurrentQty);
        Assert.Equal(3000m, position.AvgEntryPrice);
        Assert.Equal(3m, (await client.Exchange.GetPositionAsync("ETHUSDTM", Ct))!.CurrentQty);
        Assert.Contains(await client.Port.GetRecentDoneOrdersAsync("ETHUSDTM", Ct), o => o.ClientOid == "mkt-1");

        // Closing with closeOrder flattens the position.
        var close = await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "close-1", Symbol = "ETHUSDTM", Side = OrderSide.Sell, Size = 3, CloseOrder = true }, Ct);
        Assert.IsType<PlaceOrderOutcome.Accepted>(close);
        Assert.Empty(await client.Port.GetPositionsAsync(Ct));
    }

    [Fact]
    public async Task Limit_order_rests_until_price_crosses_and_cancels_work_by_id_and_clientOid()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 3000m);
        await using var client = KuCoinTestClient.Create(fake);

        var a = Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("lim-a", OrderSide.Buy, 2900m), Ct));
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("lim-b", OrderSide.Buy, 2800m), Ct));
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("lim-c", OrderSide.Buy, 2700m), Ct));
        var open = await client.Port.GetOpenOrdersAsync("ETHUSDTM", Ct);
        Assert.Equal(3, open.Count);
        Assert.All(open, o => Assert.Equal(ExchangeOrderState.Open, o.State));

        fake.SetPrice("ETHUSDTM", 2890m); // crosses lim-a only
        var filled = await client.Port.GetOrderByClientOidAsync("lim-a", Ct);
        Assert.Equal(ExchangeOrderState.Filled, filled!.State);
        Assert.Equal(2900m, filled.AvgDealPrice);

        Assert.True(await client.Port.CancelOrderByClientOidAsync("lim-b", "ETHUSDTM", Ct));
        Assert.False(await client.Port.CancelOrderAsync(a.OrderId, Ct)); // already filled: 100004 → false
        var c = await client.Port.GetOrderByClientOidAsync("lim-c", Ct);
        Assert.True(await client.Port.CancelOrderAsync(c!.Id, Ct));
        Assert.Empty(await client.Port.GetOpenOrdersAsync("ETHUSDTM", Ct));
        Assert.Equal(ExchangeOrderState.Cancelled, (await client.Port.GetOrderByClientOidAsync("lim-b", Ct))!.State);
        Assert.Null(await client.Port.GetOrderByClientOidAsync("never-sent", Ct));
    }

    [Fact]
    public async Task Stop_loss_and_take_profit_attach_as_stop_orders_trigger_on_price_and_cancel_all_covers_both()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("ETHUSDTM", 3000m);
        await using var client = KuCoinTestClient.Create(fake);

        var entry = Market("st-1", OrderSide.Buy, 2) with { StopLossPrice = 2900m, TakeProfitPrice = 3200m };
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(entry, Ct));
        Assert.Equal("/api/v1/st-orders", fake.Requests.Last(r => r.Method == "POST").Path);
        var stops = await client.Port.GetOpenStopOrdersAsync("ETHUSDTM", Ct);
        Assert.Equal(2, stops.Count);
        Assert.Contains(stops, s => s.Stop == "down" && s.StopPrice == 2900m);
        Assert.Contains(stops, s => s.Stop == "up" && s.StopPrice == 3200m);

        fake.SetPrice("ETHUSDTM", 2890m); // stop-loss triggers, closes the long
        Assert.Empty(await client.Port.GetPositionsAsync(Ct));

        // Cancel-all covers resting orders and untriggered stop orders.
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("rest-1", OrderSide.Buy, 2000m), Ct));
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("rest-2", OrderSide.Sell, 4000m), Ct));
        var cancelled = await client.Port.CancelAllAsync("ETHUSDTM", Ct);
        Assert.Equal(3, cancelled); // two limits + the remaining take-profit stop
        Assert.Empty(await client.Port.GetOpenOrdersAsync("ETHUSDTM", Ct));
        Assert.Empty(await client.Port.GetOpenStopOrdersAsync("ETHUSDTM", Ct));
    }

    [Fact]
    public async Task Test_order_validates_without_placing()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(fake);
        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceTestOrderAsync(Market("dry-1", OrderSide.Buy), Ct));
        Assert.Empty(fake.Orders);
        Assert.Equal("/api/v1/orders/test", fake.Requests[^1].Path);
    }

    [Fact]
    public async Task Kucoin_errors_map_to_our_codes_with_kucoin_code_kept()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        fake.SetPrice("XBTUSDTM", 60_000m);
        await using var client = KuCoinTestClient.Create(fake);

        var poor = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Market("big-1", OrderSide.Buy, 100_000, "XBTUSDTM", 1), Ct));
        Assert.Equal(ErrorCodes.InsufficientBalance, poor.ErrorCode);
        Assert.Equal("300003", poor.ExchangeCode);

        var unknown = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Market("sym-1", OrderSide.Buy, 1, "NOPEUSDTM"), Ct));
        Assert.Equal(ErrorCodes.UnknownSymbol, unknown.ErrorCode);
        Assert.Equal("100003", unknown.ExchangeCode);

        Assert.IsType<PlaceOrderOutcome.Accepted>(await client.Port.PlaceOrderAsync(Limit("dup-1", OrderSide.Buy, 1000m), Ct));
        var dup = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Limit("dup-1", OrderSide.Buy, 1000m), Ct));
        Assert.Equal(ErrorCodes.DuplicateOrder, dup.ErrorCode);
        Assert.Equal("300018", dup.ExchangeCode);

        var invalid = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Market("bad oid!", OrderSide.Buy), Ct));
        Assert.Equal(ErrorCodes.ExchangeRejected, invalid.ErrorCode);
        Assert.Null(invalid.ExchangeCode); // refused before the network

        Assert.Equal(ErrorCodes.ExchangeUnavailable, KuCoinErrors.Map("300002", 200));
        Assert.Equal(ErrorCodes.ExchangeUnavailable, KuCoinErrors.Map("300015", 200));
        Assert.Equal(ErrorCodes.ExchangeUnavailable, KuCoinErrors.Map("", 502));
        Assert.Equal(ErrorCodes.ExchangeRejected, KuCoinErrors.Map("300016", 200));
        Assert.Equal(ErrorCodes.AuthFailed, KuCoinErrors.Map("400005", 401));
        Assert.Equal(ErrorCodes.RateLimited, KuCoinErrors.Map("1015", 200));
        Assert.Equal(ErrorCodes.RateLimited, KuCoinErrors.Map("200002", 200));
        Assert.Equal(ErrorCodes.UnknownSymbol, KuCoinErrors.Map("200003", 200));
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("passphrase")]
    [InlineData("key")]
    [InlineData("version")]
    public async Task Wrong_credentials_are_refused_with_e_auth_failed(string wrong)
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var settings = fake.ClientSettings();
        switch (wrong)
        {
            case "secret": settings["KuCoin:ApiSecret"] = "not-the-secret"; break;
            case "passphrase": settings["KuCoin:ApiPassphrase"] = "not-the-passphrase"; break;
            case "key": settings["KuCoin:ApiKey"] = "not-the-key"; break;
            default: settings["KuCoin:KeyVersion"] = "2"; break;
        }

        await using var client = KuCoinTestClient.Create(settings);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetAccountOverviewAsync(Ct));
        Assert.Equal(ErrorCodes.AuthFailed, ex.ErrorCode);
        Assert.StartsWith("400", ex.ExchangeCode, StringComparison.Ordinal);
        var rejected = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Market("auth-1", OrderSide.Buy), Ct));
        Assert.Equal(ErrorCodes.AuthFailed, rejected.ErrorCode);
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task Timestamp_outside_five_seconds_is_refused_by_the_fake()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var signer = new KuCoinSigner(fake.ApiKey, fake.ApiSecret, fake.ApiPassphrase, fake.KeyVersion);
        using var http = new HttpClient { BaseAddress = new Uri(fake.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/account-overview?currency=USDT");
        signer.Apply(request, DateTimeOffset.UtcNow.AddSeconds(-10).ToUnixTimeMilliseconds(), "/api/v1/account-overview?currency=USDT", null);
        using var response = await http.SendAsync(request);
        var envelope = KuCoinParser.ParseEnvelope(await response.Content.ReadAsStringAsync());
        Assert.Equal("400002", envelope.Code);
    }

    [Fact]
    public async Task Private_calls_without_credentials_fail_with_missing_credentials_and_send_nothing()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        await using var client = KuCoinTestClient.Create(new Dictionary<string, string?> { ["KuCoin:BaseUrl"] = fake.BaseUrl });
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetPositionsAsync(Ct));
        Assert.Equal(ErrorCodes.MissingCredentials, ex.ErrorCode);
        Assert.Contains("KUCOIN_API_KEY", ex.Message, StringComparison.Ordinal);
        var rejected = Assert.IsType<PlaceOrderOutcome.Rejected>(await client.Port.PlaceOrderAsync(Market("nocreds-1", OrderSide.Buy), Ct));
        Assert.Equal(ErrorCodes.MissingCredentials, rejected.ErrorCode);
        Assert.DoesNotContain(fake.Requests, r => r.Authenticated);
        Assert.Equal(0, fake.PlaceOrderCalls);
    }
}
