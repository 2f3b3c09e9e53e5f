using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CypherScoping.Exchange;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CypherScoping.TestKit.FakeKuCoin;

/// <summary>
/// A local fake of KuCoin's futures REST API: a real Kestrel server on 127.0.0.1 (random port) with KuCoin's paths,
/// envelopes and field types. It verifies signature, passphrase, key version and timestamp (±5 s), counts weights per
/// pool per window and answers 429/429000 when a pool is exhausted, and can inject faults.
/// <code>await using var kucoin = await FakeKuCoinServer.StartAsync();</code>
/// </summary>
public sealed class FakeKuCoinServer : IAsyncDisposable
{
    private static readonly Dictionary<string, (string Pool, int Weight)> Weights = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/timestamp"] = ("Public", 2),
        ["GET /api/v1/status"] = ("Public", 4),
        ["GET /api/v1/contracts/active"] = ("Public", 3),
        ["GET /api/v1/contracts/{symbol}"] = ("Public", 3),
        ["GET /api/v1/ticker"] = ("Public", 2),
        ["GET /api/v1/kline/query"] = ("Public", 3),
        ["GET /api/v1/account-overview"] = ("Futures", 5),
        ["POST /api/v1/orders"] = ("Futures", 2),
        ["POST /api/v1/orders/test"] = ("Futures", 2),
        ["POST /api/v1/st-orders"] = ("Futures", 2),
        ["DELETE /api/v1/orders/{orderId}"] = ("Futures", 1),
        ["DELETE /api/v1/orders/client-order/{clientOid}"] = ("Futures", 1),
        ["DELETE /api/v3/orders"] = ("Futures", 10),
        ["DELETE /api/v1/stopOrders"] = ("Futures", 15),
        ["GET /api/v1/orders"] = ("Futures", 2),
        ["GET /api/v1/orders/{orderId}"] = ("Futures", 5),
        ["GET /api/v1/orders/byClientOid"] = ("Futures", 5),
        ["GET /api/v1/recentDoneOrders"] = ("Futures", 5),
        ["GET /api/v1/stopOrders"] = ("Futures", 6),
        ["GET /api/v1/fills"] = ("Futures", 5),
        ["GET /api/v1/recentFills"] = ("Futures", 3),
        ["GET /api/v1/position"] = ("Futures", 2),
        ["GET /api/v1/positions"] = ("Futures", 2),
    };

    private readonly WebApplication _app;
    private readonly FakeKuCoinOptions _options;
    private readonly FakeKuCoinMarket _market;
    private readonly object _requestGate = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly List<FakeFault> _faults = [];
    private readonly Dictionary<string, PoolWindow> _pools = new(StringComparer.Ordinal);
    private readonly string _expectedPassphraseHeader;
    private int _placeOrderCalls;
    private int _budgetExceeded;
    private int _inFlight;
    private int _maxInFlight;

    private FakeKuCoinServer(WebApplication app, FakeKuCoinOptions options)
    {
        _app = app;
        _options = options;
        _market = new FakeKuCoinMarket(options);
        _pools["Public"] = new PoolWindow(options.PublicPoolQuota);
        _pools["Futures"] = new PoolWindow(options.FuturesPoolQuota);
        _expectedPassphraseHeader = Sign(options.ApiSecret, options.ApiPassphrase);
    }

    public string BaseUrl { get; private set; } = "";
    public string ApiKey => _options.ApiKey;
    public string ApiSecret => _options.ApiSecret;
    public string ApiPassphrase => _options.ApiPassphrase;
    public string KeyVersion => _options.KeyVersion;
    public FakeKuCoinOptions Options => _options;

    /// <summary>Skew of the fake's clock relative to its TimeProvider (tests of the timestamp check and time sync).</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>How long a dropped response is held before the connection is aborted.</summary>
    public TimeSpan DropResponseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>New orders (and their fills) become visible to queries only after this delay.</summary>
    public TimeSpan NewOrderVisibilityDelay
    {
        get { lock (_market.Gate) { return _market.VisibilityDelay; } }
        set { lock (_market.Gate) { _market.VisibilityDelay = value; } }
    }

    public static async Task<FakeKuCoinServer> StartAsync(FakeKuCoinOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeKuCoinOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeKuCoinServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.BaseUrl = addresses.First().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>Configuration for the real KuCoin client pointed at this fake (section keys, KuCoin:*).</summary>
    public Dictionary<string, string?> ClientSettings() => new()
    {
        ["KuCoin:ApiKey"] = ApiKey,
        ["KuCoin:ApiSecret"] = ApiSecret,
        ["KuCoin:ApiPassphrase"] = ApiPassphrase,
        ["KuCoin:KeyVersion"] = KeyVersion,
        ["KuCoin:BaseUrl"] = BaseUrl,
        ["KuCoin:PublicPoolQuota"] = _options.PublicPoolQuota.ToString(CultureInfo.InvariantCulture),
        ["KuCoin:FuturesPoolQuota"] = _options.FuturesPoolQuota.ToString(CultureInfo.InvariantCulture),
        ["KuCoin:RateLimitWindowMilliseconds"] = ((long)_options.RateLimitWindow.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
    };

    // ---- test API: market ----

    public void SetPrice(string symbol, decimal price)
    {
        lock (_market.Gate) { _market.SetPrice(symbol, price); }
    }

    public decimal GetPrice(string symbol)
    {
        lock (_market.Gate) { return _market.Price(symbol); }
    }

    /// <summary>Script a price path; each <see cref="StepPrice"/> moves to the next price (and matches orders).</summary>
    public void ScriptPrices(string symbol, IEnumerable<decimal> path)
    {
        lock (_market.Gate) { _market.ScriptPrices(symbol, path); }
    }

    public bool StepPrice(string symbol)
    {
        lock (_market.Gate) { return _market.StepPrice(symbol); }
    }

    public void SetCandles(string symbol, int granularityMinutes, IEnumerable<Candle> candles)
    {
        lock (_market.Gate) { _market.SetCandles(symbol, granularityMinutes, candles); }
    }

    public void SetContract(ContractSpec spec, decimal price)
    {
        lock (_market.Gate)
        {
            _market.Contracts[spec.Symbol] = spec;
            _market.SetPrice(spec.Symbol, price);
        }
    }

    // ---- test API: snapshots ----

    /// <summary>Every normal (non-stop) order ever accepted, in acceptance order, visible or not.</summary>
    public IReadOnlyList<FakeOrder> Orders
    {
        get { lock (_market.Gate) { return _market.Orders.Where(o => o.Stop is null).ToList(); } }
    }

    /// <summary>Every stop order ever accepted (triggered or not).</summary>
    public IReadOnlyList<FakeOrder> StopOrders
    {
        get { lock (_market.Gate) { return _market.Orders.Where(o => o.Stop is not null).ToList(); } }
    }

    public IReadOnlyList<FakeFill> Fills
    {
        get { lock (_market.Gate) { return _market.Fills.ToList(); } }
    }

    public IReadOnlyList<FakePosition> Positions
    {
        get { lock (_market.Gate) { return _market.Positions.ToList(); } }
    }

    public decimal Balance
    {
        get { lock (_market.Gate) { return _market.Balance; } }
    }

    public IReadOnlyList<FakeRequest> Requests
    {
        get { lock (_requestGate) { return _requests.ToList(); } }
    }

    /// <summary>How many POST /api/v1/orders requests arrived (any outcome).</summary>
    public int PlaceOrderCalls => Volatile.Read(ref _placeOrderCalls);

    /// <summary>The most requests the fake has been handling at the same time (received, answer not yet started).</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Requests refused because a pool's weight budget was exhausted (not injected 429s).</summary>
    public int BudgetExceeded => Volatile.Read(ref _budgetExceeded);

    // ---- test API: faults ----

    public void InjectFault(FakeFault fault)
    {
        lock (_requestGate) { _faults.Add(fault); }
    }

    /// <summary>The next <paramref name="count"/> requests get HTTP 429 / 429000 with a reset of <paramref name="retryAfter"/>.</summary>
    public void InjectRateLimitStorm(int count, TimeSpan retryAfter) =>
        InjectFault(new FakeFault(FakeFaultKind.RateLimited) { Count = count, RetryAfter = retryAfter });

    public void ClearFaults()
    {
        lock (_requestGate) { _faults.Clear(); }
    }

    public void ResetRateLimits()
    {
        lock (_requestGate)
        {
            foreach (var pool in _pools.Values)
            {
                pool.Start = null;
                pool.Used = 0;
            }
        }
    }

    // ---- request handling ----

    private sealed class PoolWindow(int quota)
    {
        public int Quota { get; } = quota;
        public DateTimeOffset? Start { get; set; }
        public int Used { get; set; }
    }

    private sealed record Reply(int Status, string Body, string Code);

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max)
            {
                break;
            }
        }

        // A request stops counting as in flight when its answer starts (or when it ends without one).
        var done = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        context.Response.OnStarting(() =>
        {
            Leave();
            return Task.CompletedTask;
        });
        try
        {
            await HandleCoreAsync(context);
        }
        finally
        {
            Leave();
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method.ToUpperInvariant();
        var path = request.Path.Value ?? "/";
        var query = request.QueryString.Value ?? "";
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var route = RouteKey(method, path);
        var (pool, weight) = route is not null && Weights.TryGetValue(route, out var w) ? w : ("Public", 1);
        var isPrivate = pool == "Futures";
        if (method == "POST" && path == "/api/v1/orders")
        {
            Interlocked.Increment(ref _placeOrderCalls);
        }

        FakeFault? fault;
        (int Limit, int Remaining, long ResetMs) limits;
        bool exhausted;
        lock (_requestGate)
        {
            fault = NextFault(method, path);
            exhausted = fault?.Kind != FakeFaultKind.RateLimited && !TryConsume(pool, weight);
            limits = Limits(pool);
            if (exhausted)
            {
                _budgetExceeded++;
            }
        }

        var response = context.Response;
        response.Headers["gw-ratelimit-limit"] = limits.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["gw-ratelimit-remaining"] = limits.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["gw-ratelimit-reset"] = limits.ResetMs.ToString(CultureInfo.InvariantCulture);

        if (fault?.Kind == FakeFaultKind.SlowResponse)
        {
            await Task.Delay(fault.Delay, context.RequestAborted);
        }

        Reply reply;
        if (fault?.Kind == FakeFaultKind.RateLimited)
        {
            response.Headers["gw-ratelimit-remaining"] = "0";
            response.Headers["gw-ratelimit-reset"] = ((long)fault.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            reply = Error(429, "429000", "Too Many Requests");
        }
        else if (exhausted)
        {
            reply = Error(429, "429000", "Too Many Requests");
        }
        else if (route is null)
        {
            reply = Error(404, "404000", "Not Found");
        }
        else if (isPrivate && Authenticate(request, method, path + query, body) is { } authError)
        {
            reply = authError;
        }
        else if (fault?.Kind == FakeFaultKind.ServerErrorBeforeProcessing)
        {
            reply = Error(503, "500000", "Service Unavailable");
        }
        else
        {
            try
            {
                lock (_market.Gate)
                {
                    reply = Dispatch(route, method, path, request.Query, body);
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                reply = Error(400, "300000", "request parameter illegal");
            }

            switch (fault?.Kind)
            {
                case FakeFaultKind.ServerErrorAfterProcessing:
                    reply = Error(500, "500000", "Internal Server Error");
                    break;
                case FakeFaultKind.MalformedJsonAfterProcessing:
                    reply = new Reply(200, "{\"code\":\"200000\",\"data\":{\"orderId\":", "malformed");
                    break;
                case FakeFaultKind.AcceptThenDropResponse:
                    Log(method, path, query, pool, weight, 0, "dropped", isPrivate, fault);
                    try
                    {
                        await Task.Delay(DropResponseDelay, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        // the client gave up, as intended
                    }

                    context.Abort();
                    return;
            }
        }

        Log(method, path, query, pool, weight, reply.Status, reply.Code, isPrivate, fault);
        response.StatusCode = reply.Status;
        response.ContentType = "application/json";
        await response.WriteAsync(reply.Body, context.RequestAborted);
    }

    private void Log(string method, string path, string query, string pool, int weight, int status, string code, bool authenticated, FakeFault? fault)
    {
        lock (_requestGate)
        {
            _requests.Add(new FakeRequest(Now, method, path, query, pool, weight, status, code, authenticated, fault?.Kind.ToString()));
        }
    }

    private FakeFault? NextFault(string method, string path)
    {
        foreach (var fault in _faults)
        {
            if (fault.Fired >= fault.Count ||
                (fault.Method is not null && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase)) ||
                (fault.Path is not null && fault.Path != path))
            {
                continue;
            }

            fault.Seen++;
            if (fault.Seen % Math.Max(1, fault.Every) == 0)
            {
                fault.Fired++;
                return fault;
            }
        }

        return null;
    }

    private bool TryConsume(string poolName, int weight)
    {
        var pool = _pools[poolName];
        var now = Now;
        if (pool.Start is null || now >= pool.Start.Value + _options.RateLimitWindow)
        {
            pool.Start = now;
            pool.Used = 0;
        }

        if (pool.Used + weight > pool.Quota)
        {
            return false;
        }

        pool.Used += weight;
        return true;
    }

    private (int Limit, int Remaining, long ResetMs) Limits(string poolName)
    {
        var pool = _pools[poolName];
        var reset = pool.Start is null ? _options.RateLimitWindow : pool.Start.Value + _options.RateLimitWindow - Now;
        return (pool.Quota, Math.Max(0, pool.Quota - pool.Used), Math.Max(0, (long)Math.Ceiling(reset.TotalMilliseconds)));
    }

    private Reply? Authenticate(HttpRequest request, string method, string endpoint, string body)
    {
        string? Header(string name) => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        var key = Header("KC-API-KEY");
        var sign = Header("KC-API-SIGN");
        var timestamp = Header("KC-API-TIMESTAMP");
        var passphrase = Header("KC-API-PASSPHRASE");
        var version = Header("KC-API-KEY-VERSION");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(sign) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(passphrase))
        {
            return Error(401, "400001", "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ||
            (DateTimeOffset.FromUnixTimeMilliseconds(ms) - (Now + ClockSkew)).Duration() > _options.TimestampTolerance)
        {
            return Error(401, "400002", "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds");
        }

        if (key != _options.ApiKey)
        {
            return Error(401, "400003", "KC-API-KEY not exists");
        }

        if (version is not null && version is not ("2" or "3"))
        {
            return Error(401, "400009", "Invalid KC-API-KEY-VERSION");
        }

        if ((version ?? "1") != _options.KeyVersion || passphrase != _expectedPassphraseHeader)
        {
            return Error(401, "400004", "Invalid KC-API-PASSPHRASE");
        }

        var expected = Sign(_options.ApiSecret, timestamp + method + endpoint + body);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sign)))
        {
            return Error(401, "400005", "Signature is invalid");
        }

        if (request.ContentLength > 0 && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Error(415, "415000", "Unsupported Media Type");
        }

        return null;
    }

    private static string Sign(string secret, string message) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    private static string? RouteKey(string method, string path)
    {
        var exact = method + " " + path;
        if (Weights.ContainsKey(exact))
        {
            return exact;
        }

        if (method == "GET" && path.StartsWith("/api/v1/contracts/", StringComparison.Ordinal))
        {
            return "GET /api/v1/contracts/{symbol}";
        }

        if (method == "DELETE" && path.StartsWith("/api/v1/orders/client-order/", StringComparison.Ordinal))
        {
            return "DELETE /api/v1/orders/client-order/{clientOid}";
        }

        if (path.StartsWith("/api/v1/orders/", StringComparison.Ordinal) && path.Count(c => c == '/') == 4)
        {
            return method switch
            {
                "DELETE" => "DELETE /api/v1/orders/{orderId}",
                "GET" => "GET /api/v1/orders/{orderId}",
                _ => null,
            };
        }

        return null;
    }

    // ---- endpoints (called under the market lock) ----

    private Reply Dispatch(string route, string method, string path, IQueryCollection query, string body)
    {
        string? Q(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        var now = Now;
        switch (route)
        {
            case "GET /api/v1/timestamp":
                return Ok((now + ClockSkew).ToUnixTimeMilliseconds());
            case "GET /api/v1/status":
                return Ok(new { status = "open", msg = "" });
            case "GET /api/v1/contracts/active":
                return Ok(_market.Contracts.Values.Select(ContractJson).ToList());
            case "GET /api/v1/contracts/{symbol}":
            {
                var symbol = path["/api/v1/contracts/".Length..];
                return _market.Contracts.TryGetValue(symbol, out var spec) ? Ok(ContractJson(spec)) : Error(200, "100003", "Contract parameter invalid.");
            }

            case "GET /api/v1/ticker":
            {
                var symbol = Q("symbol") ?? "";
                if (!_market.Contracts.TryGetValue(symbol, out var contract))
                {
                    return Error(200, "100003", "Contract parameter invalid.");
                }

                var price = _market.Price(symbol);
                var tick = contract.TickSize;
                return Ok(new
                {
                    sequence = 1697895100310L,
                    symbol,
                    side = "buy",
                    size = 1,
                    tradeId = "1697901180000",
                    price = S(price),
                    bestBidPrice = S(price - tick),
                    bestBidSize = 10,
                    bestAskPrice = S(price + tick),
                    bestAskSize = 10,
                    ts = now.ToUnixTimeMilliseconds() * 1_000_000,
                });
            }

            case "GET /api/v1/kline/query":
            {
                var symbol = Q("symbol") ?? "";
                if (!_market.Contracts.ContainsKey(symbol))
                {
                    return Error(200, "100003", "Contract parameter invalid.");
                }

                var granularity = int.Parse(Q("granularity") ?? "", CultureInfo.InvariantCulture);
                var from = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Q("from") ?? "0", CultureInfo.InvariantCulture));
                var to = Q("to") is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(t, CultureInfo.InvariantCulture)) : now;
                var candles = _market.Candles(symbol, granularity, from, to);
                return Ok(candles.Select(c => new object[] { c.OpenTime.ToUnixTimeMilliseconds(), c.Open, c.High, c.Low, c.Close, c.Volume, c.Turnover ?? c.Volume * c.Close }).ToList());
            }

            case "GET /api/v1/account-overview":
            {
                var unrealised = _market.UnrealisedPnl();
                var positionMargin = _market.Positions.Sum(_market.PositionMargin);
                return Ok(new
                {
                    accountEquity = _market.Balance + unrealised,
                    unrealisedPNL = unrealised,
                    marginBalance = _market.Balance,
                    positionMargin,
                    orderMargin = 0m,
                    frozenFunds = 0m,
                    availableBalance = _market.Available(),
                    currency = Q("currency") ?? "XBT",
                    riskRatio = 0m,
                    maxWithdrawAmount = _market.Available(),
                });
            }

            case "POST /api/v1/orders":
            case "POST /api/v1/orders/test":
            case "POST /api/v1/st-orders":
                return PlaceOrder(route, body);

            case "DELETE /api/v1/orders/{orderId}":
            {
                var id = path["/api/v1/orders/".Length..];
                return _market.Cancel(id) ? Ok(new { cancelledOrderIds = new[] { id } }) : Error(200, "100004", "The order cannot be canceled");
            }

            case "DELETE /api/v1/orders/client-order/{clientOid}":
            {
                var clientOid = path["/api/v1/orders/client-order/".Length..];
                if (string.IsNullOrEmpty(Q("symbol")))
                {
                    return Error(400, "100001", "symbol is required");
                }

                var order = _market.Orders.LastOrDefault(o => o.ClientOid == clientOid && o.Symbol == Q("symbol") && o.IsActive);
                return order is not null && _market.Cancel(order.Id) ? Ok(new { clientOid }) : Error(200, "100004", "The order cannot be canceled");
            }

            case "DELETE /api/v3/orders":
            case "DELETE /api/v1/stopOrders":
            {
                var symbol = Q("symbol");
                if (string.IsNullOrEmpty(symbol))
                {
                    return Error(400, "100001", "symbol is required");
                }

                var stops = route == "DELETE /api/v1/stopOrders";
                var ids = _market.Orders
                    .Where(o => o.Symbol == symbol && o.IsActive && (stops ? o.Stop is not null && !o.StopTriggered : o.Stop is null || o.StopTriggered))
                    .Select(o => o.Id).ToList();
                foreach (var id in ids)
                {
                    _market.Cancel(id);
                }

                return Ok(new { cancelledOrderIds = ids });
            }

            case "GET /api/v1/orders":
            case "GET /api/v1/stopOrders":
            {
                var stops = route == "GET /api/v1/stopOrders";
                var status = stops ? "active" : Q("status") ?? "done";
                var symbol = Q("symbol");
                var items = _market.Visible
                    .Where(o => symbol is null || o.Symbol == symbol)
                    .Where(o => stops ? o.Stop is not null && !o.StopTriggered && o.IsActive
                                      : (o.Stop is null || o.StopTriggered) && (status == "active" ? o.IsActive : !o.IsActive))
                    .OrderByDescending(o => o.CreatedAt)
                    .ToList();
                var page = int.Parse(Q("currentPage") ?? "1", CultureInfo.InvariantCulture);
                var size = Math.Clamp(int.Parse(Q("pageSize") ?? "50", CultureInfo.InvariantCulture), 1, 1000);
                return Ok(new
                {
                    currentPage = page,
                    pageSize = size,
                    totalNum = items.Count,
                    totalPage = (items.Count + size - 1) / size,
                    items = items.Skip((page - 1) * size).Take(size).Select(OrderJson).ToList(),
                });
            }

            case "GET /api/v1/orders/{orderId}":
            {
                var order = _market.FindById(path["/api/v1/orders/".Length..], visibleOnly: true);
                return order is null ? Error(200, "100001", "error.getOrder.orderNotExist") : Ok(OrderJson(order));
            }

            case "GET /api/v1/orders/byClientOid":
            {
                var order = _market.FindByClientOid(Q("clientOid") ?? "", visibleOnly: true);
                return order is null ? Error(200, "100001", "error.getOrder.orderNotExist") : Ok(OrderJson(order));
            }

            case "GET /api/v1/recentDoneOrders":
            {
                var symbol = Q("symbol");
                return Ok(_market.Visible.Where(o => !o.IsActive && (symbol is null || o.Symbol == symbol) && o.UpdatedAt > now.AddHours(-24))
                    .OrderByDescending(o => o.UpdatedAt).Take(1000).Select(OrderJson).ToList());
            }

            case "GET /api/v1/recentFills":
            case "GET /api/v1/fills":
            {
                var symbol = Q("symbol");
                var orderId = Q("orderId");
                var fills = _market.VisibleFills.Where(f => (symbol is null || f.Symbol == symbol) && (orderId is null || f.OrderId == orderId))
                    .OrderByDescending(f => f.Time).Take(1000).Select(FillJson).ToList();
                if (route == "GET /api/v1/recentFills")
                {
                    return Ok(fills);
                }

                return Ok(new { currentPage = 1, pageSize = 1000, totalNum = fills.Count, totalPage = 1, items = fills });
            }

            case "GET /api/v1/positions":
                return Ok(_market.Positions.Select(PositionJson).ToList());

            case "GET /api/v1/position":
            {
                var symbol = Q("symbol") ?? "";
                if (!_market.Contracts.ContainsKey(symbol))
                {
                    return Error(200, "100003", "Contract parameter invalid.");
                }

                var position = _market.Positions.FirstOrDefault(p => p.Symbol == symbol) ?? new FakePosition { Symbol = symbol };
                return Ok(PositionJson(position));
            }

            default:
                return Error(404, "404000", "Not Found");
        }
    }

    private Reply PlaceOrder(string route, string body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;
        decimal? Dec(string name) => Str(name) is { } s ? decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
        bool Bool(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

        var clientOid = Str("clientOid");
        if (string.IsNullOrEmpty(clientOid) || clientOid.Length > 40 || !clientOid.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return Error(200, "300000", "clientOid parameter invalid");
        }

        var closeOrder = Bool("closeOrder");
        var side = Str("side");
        if (!closeOrder && side is not ("buy" or "sell"))
        {
            return Error(200, "300000", "side parameter invalid");
        }

        var type = Str("type") ?? "limit";
        if (type is not ("limit" or "market"))
        {
            return Error(200, "300000", "type parameter invalid");
        }

        if (!closeOrder && Dec("size") is null)
        {
            return Error(200, "300000", "size parameter invalid");
        }

        var stop = Str("stop");
        if (stop is not null and not ("up" or "down") || (stop is not null && (Dec("stopPrice") is null || Str("stopPriceType") is null)))
        {
            return Error(200, "300000", "stop parameters invalid");
        }

        var order = new FakeOrder
        {
            Id = "",
            ClientOid = clientOid,
            Symbol = Str("symbol") ?? "",
            Side = side ?? "sell",
            Type = closeOrder ? "market" : type,
            Price = type == "limit" ? Dec("price") : null,
            Size = Dec("size") ?? 0,
            Leverage = (int)(Dec("leverage") ?? 1),
            ReduceOnly = Bool("reduceOnly"),
            CloseOrder = closeOrder,
            Stop = stop,
            StopPrice = Dec("stopPrice"),
            StopPriceType = Str("stopPriceType"),
            MarginMode = Str("marginMode") ?? "ISOLATED",
            Remark = Str("remark"),
            CreatedAt = Now,
        };
        var (code, msg, placed) = _market.Place(order, dryRun: route == "POST /api/v1/orders/test");
        if (code != "200000" || placed is null)
        {
            return Error(200, code, msg);
        }

        if (route == "POST /api/v1/st-orders")
        {
            var exit = placed.Side == "buy" ? "sell" : "buy";
            foreach (var (suffix, trigger, direction) in new[] { ("tp", Dec("triggerStopUpPrice"), "up"), ("sl", Dec("triggerStopDownPrice"), "down") })
            {
                if (trigger is { } price)
                {
                    _market.Place(new FakeOrder
                    {
                        Id = "",
                        ClientOid = $"{clientOid}-{suffix}"[..Math.Min(40, clientOid.Length + 3)],
                        Symbol = placed.Symbol,
                        Side = exit,
                        Type = "market",
                        Size = placed.Size,
                        Leverage = placed.Leverage,
                        ReduceOnly = true,
                        CloseOrder = true,
                        Stop = direction,
                        StopPrice = price,
                        StopPriceType = Str("stopPriceType") ?? "TP",
                        CreatedAt = Now,
                    }, dryRun: false);
                }
            }
        }

        return Ok(new { orderId = placed.Id == "" ? null : placed.Id, clientOid });
    }

    private static Reply Ok(object? data) =>
        new(200, JsonSerializer.Serialize(new { code = "200000", data }), "200000");

    private static Reply Error(int status, string code, string msg) =>
        new(status, JsonSerializer.Serialize(new { code, msg }), code);

    private static string S(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static long Ns(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000 + 123_456;

    private static object ContractJson(ContractSpec s) => new Dictionary<string, object?>
    {
        ["symbol"] = s.Symbol,
        ["rootSymbol"] = s.SettleCurrency,
        ["type"] = s.Type,
        ["baseCurrency"] = s.BaseCurrency == "BTC" ? "XBT" : s.BaseCurrency,
        ["quoteCurrency"] = s.QuoteCurrency,
        ["settleCurrency"] = s.SettleCurrency,
        ["maxOrderQty"] = s.MaxOrderQty,
        ["maxPrice"] = 1_000_000.0,
        ["lotSize"] = s.LotSize,
        ["tickSize"] = s.TickSize,
        ["multiplier"] = s.Multiplier,
        ["makerFeeRate"] = s.MakerFeeRate,
        ["takerFeeRate"] = s.TakerFeeRate,
        ["isInverse"] = s.IsInverse,
        ["status"] = s.Status,
        ["openInterest"] = "6748176",
        ["maxLeverage"] = s.MaxLeverage,
        ["fundingFeeRate"] = s.FundingFeeRate ?? 0.0001m,
        ["expireDate"] = null,
    };

    private static object OrderJson(FakeOrder o) => new Dictionary<string, object?>
    {
        ["id"] = o.Id,
        ["symbol"] = o.Symbol,
        ["type"] = o.Type,
        ["side"] = o.Side,
        ["price"] = S(o.Price ?? 0m),
        ["size"] = o.Size,
        ["value"] = S(o.Size * (o.Price ?? 0m)),
        ["dealValue"] = S(o.FilledValue),
        ["dealSize"] = o.FilledSize,
        ["stp"] = "",
        ["stop"] = o.Stop ?? "",
        ["stopPriceType"] = o.StopPriceType ?? "",
        ["stopTriggered"] = o.StopTriggered,
        ["stopPrice"] = o.StopPrice,
        ["timeInForce"] = "GTC",
        ["postOnly"] = false,
        ["hidden"] = false,
        ["iceberg"] = false,
        ["leverage"] = o.Leverage.ToString(CultureInfo.InvariantCulture),
        ["forceHold"] = false,
        ["closeOrder"] = o.CloseOrder,
        ["visibleSize"] = 0,
        ["clientOid"] = o.ClientOid,
        ["remark"] = o.Remark,
        ["tags"] = "",
        ["isActive"] = o.IsActive,
        ["cancelExist"] = o.CancelExist,
        ["createdAt"] = o.CreatedAt.ToUnixTimeMilliseconds(),
        ["updatedAt"] = o.UpdatedAt.ToUnixTimeMilliseconds(),
        ["endAt"] = o.EndAt?.ToUnixTimeMilliseconds(),
        ["orderTime"] = Ns(o.CreatedAt),
        ["settleCurrency"] = "USDT",
        ["marginMode"] = o.MarginMode,
        ["avgDealPrice"] = S(o.AvgDealPrice),
        ["filledSize"] = o.FilledSize,
        ["filledValue"] = S(o.FilledValue),
        ["status"] = o.Status,
        ["reduceOnly"] = o.ReduceOnly,
    };

    private static object FillJson(FakeFill f) => new Dictionary<string, object?>
    {
        ["symbol"] = f.Symbol,
        ["tradeId"] = f.TradeId,
        ["orderId"] = f.OrderId,
        ["side"] = f.Side,
        ["liquidity"] = f.Liquidity,
        ["forceTaker"] = false,
        ["price"] = S(f.Price),
        ["size"] = f.Size,
        ["value"] = S(f.Value),
        ["openFeePay"] = S(f.Fee),
        ["closeFeePay"] = "0",
        ["stop"] = "",
        ["feeRate"] = S(f.FeeRate),
        ["fixFee"] = "0",
        ["feeCurrency"] = "USDT",
        ["marginMode"] = "ISOLATED",
        ["fee"] = S(f.Fee),
        ["settleCurrency"] = "USDT",
        ["orderType"] = f.OrderType,
        ["displayType"] = f.OrderType,
        ["tradeType"] = "trade",
        ["subTradeType"] = null,
        ["tradeTime"] = Ns(f.Time),
        ["createdAt"] = f.Time.ToUnixTimeMilliseconds(),
    };

    private object PositionJson(FakePosition p)
    {
        var mark = _market.Price(p.Symbol);
        var multiplier = _market.Contracts[p.Symbol].Multiplier;
        return new Dictionary<string, object?>
        {
            ["id"] = "500000000000" + Math.Abs(p.Symbol.GetHashCode(StringComparison.Ordinal) % 1_000_000).ToString(CultureInfo.InvariantCulture),
            ["symbol"] = p.Symbol,
            ["crossMode"] = false,
            ["marginMode"] = "ISOLATED",
            ["positionSide"] = "BOTH",
            ["isOpen"] = p.CurrentQty != 0,
            ["currentQty"] = p.CurrentQty,
            ["avgEntryPrice"] = p.AvgEntryPrice,
            ["markPrice"] = mark,
            ["markValue"] = p.CurrentQty * multiplier * mark,
            ["unrealisedPnl"] = (mark - p.AvgEntryPrice) * p.CurrentQty * multiplier,
            ["realisedPnl"] = p.RealisedPnl,
            ["leverage"] = p.Leverage,
            ["realLeverage"] = p.Leverage,
            ["posInit"] = p.CurrentQty == 0 ? 0m : _market.PositionMargin(p),
            ["liquidationPrice"] = p.CurrentQty == 0 ? 0m : p.AvgEntryPrice * (1 - Math.Sign(p.CurrentQty) * 0.9m / Math.Max(1, p.Leverage)),
            ["openingTimestamp"] = p.OpenedAt.ToUnixTimeMilliseconds(),
            ["currentTimestamp"] = Now.ToUnixTimeMilliseconds(),
            ["settleCurrency"] = "USDT",
            ["isInverse"] = false,
        };
    }
}
