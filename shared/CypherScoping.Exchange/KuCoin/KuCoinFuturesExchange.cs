using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Exchange.KuCoin;

/// <summary>
/// KuCoin Futures REST gateway (architecture §12). Signs per kucoin-futures-api.md §1.3 (v2/v3), keeps a server-time
/// offset, serialises each body once and signs exactly those bytes, parses tolerantly, enforces the weight budget and
/// concurrency cap through <see cref="KuCoinRateLimiter"/> and maps KuCoin codes to ours. Order placement never throws
/// for exchange answers and never retries a POST whose outcome is unknown (use <see cref="OrderReconciler"/>).
/// Secrets never reach logs or exception messages.
/// </summary>
public sealed partial class KuCoinFuturesExchange : IExchange, IDisposable
{
    public const string HttpClientName = "kucoin-futures";

    private static readonly int[] Granularities = [1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 10080];
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly JsonElement NullElement = CreateNull();
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly KuCoinOptions _options;
    private readonly KuCoinRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly ILogger<KuCoinFuturesExchange> _logger;
    private readonly KuCoinSigner? _signer;
    private readonly SemaphoreSlim _timeSync = new(1, 1);
    private readonly SemaphoreSlim _contractsGate = new(1, 1);
    private long _offsetMs;
    private DateTimeOffset? _lastSync;
    private IReadOnlyList<ContractSpec>? _contracts;
    private DateTimeOffset _contractsExpireAt;

    public KuCoinFuturesExchange(
        IHttpClientFactory httpClientFactory,
        IOptions<KuCoinOptions> options,
        KuCoinRateLimiter limiter,
        TimeProvider time,
        ILogger<KuCoinFuturesExchange> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _limiter = limiter;
        _time = time;
        _logger = logger;
        if (_options.HasCredentials)
        {
            _signer = new KuCoinSigner(_options.ApiKey!, _options.ApiSecret!, _options.ApiPassphrase!, _options.KeyVersion);
        }
    }

    public KuCoinRateLimiter RateLimiter => _limiter;

    public void Dispose()
    {
        _timeSync.Dispose();
        _contractsGate.Dispose();
    }

    /// <summary>Server time minus local time, as last measured.</summary>
    public TimeSpan ServerTimeOffset => TimeSpan.FromMilliseconds(Interlocked.Read(ref _offsetMs));

    // ---------------------------------------------------------------- market data

    public async Task<IReadOnlyList<ContractSpec>> GetActiveContractsAsync(CancellationToken cancellationToken)
    {
        if (_contracts is { } cached && _time.GetUtcNow() < _contractsExpireAt)
        {
            return cached;
        }

        await _contractsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_contracts is { } again && _time.GetUtcNow() < _contractsExpireAt)
            {
                return again;
            }

            var data = await SendAsync(KuCoinEndpoints.ActiveContracts, KuCoinEndpoints.ActiveContracts.Path, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
            var contracts = Parse(() => KuCoinParser.ParseContracts(data), KuCoinEndpoints.ActiveContracts);
            _contracts = contracts;
            _contractsExpireAt = _time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(1, _options.ContractCacheSeconds));
            return contracts;
        }
        finally
        {
            _contractsGate.Release();
        }
    }

    public async Task<ContractSpec?> GetContractAsync(string symbol, CancellationToken cancellationToken)
    {
        var contracts = await GetActiveContractsAsync(cancellationToken).ConfigureAwait(false);
        return contracts.FirstOrDefault(c => string.Equals(c.Symbol, symbol, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One contract straight from GET /api/v1/contracts/{symbol} (not cached); E_UNKNOWN_SYMBOL when unlisted.</summary>
    public async Task<ContractSpec> FetchContractAsync(string symbol, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Contract, "/api/v1/contracts/" + Segment(symbol), null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseContract(data), KuCoinEndpoints.Contract);
    }

    public async Task<IReadOnlyList<Candle>> GetKlinesAsync(string symbol, int granularityMinutes, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (Array.IndexOf(Granularities, granularityMinutes) < 0)
        {
            throw new ExchangeException(ErrorCodes.InvalidConfig, $"KuCoin has no {granularityMinutes}-minute candles (1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 10080)");
        }

        var step = TimeSpan.FromMinutes(granularityMinutes);
        var now = _time.GetUtcNow() + ServerTimeOffset;
        if (to > now)
        {
            to = now;
        }

        var byTime = new SortedDictionary<DateTimeOffset, Candle>();
        var page = TimeSpan.FromTicks(step.Ticks * 500);
        for (var cursor = from; cursor < to; cursor += page)
        {
            var pageEnd = cursor + page < to ? cursor + page : to;
            var query = $"symbol={Segment(symbol)}&granularity={granularityMinutes.ToString(CultureInfo.InvariantCulture)}" +
                        $"&from={cursor.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}&to={pageEnd.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
            var data = await SendAsync(KuCoinEndpoints.Klines, KuCoinEndpoints.Klines.Path + "?" + query, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
            var candles = Parse(() => KuCoinParser.ParseCandles(data), KuCoinEndpoints.Klines);
            foreach (var candle in candles)
            {
                // Closed candles only, inside the requested range.
                if (candle.OpenTime >= from && candle.OpenTime < to && candle.OpenTime + step <= now)
                {
                    byTime[candle.OpenTime] = candle;
                }
            }
        }

        return byTime.Values.ToList();
    }

    public async Task<Ticker> GetTickerAsync(string symbol, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Ticker, KuCoinEndpoints.Ticker.Path + "?symbol=" + Segment(symbol), null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseTicker(data), KuCoinEndpoints.Ticker);
    }

    public async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Timestamp, KuCoinEndpoints.Timestamp.Path, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseServerTime(data), KuCoinEndpoints.Timestamp);
    }

    /// <summary>GET /api/v1/status: open | close | cancelonly.</summary>
    public async Task<string> GetStatusAsync(CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Status, KuCoinEndpoints.Status.Path, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return KuCoinParser.String(data, "status") ?? "unknown";
    }

    // ---------------------------------------------------------------- account

    public async Task<AccountOverview> GetAccountOverviewAsync(CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.AccountOverview, KuCoinEndpoints.AccountOverview.Path + "?currency=USDT", null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseAccount(data), KuCoinEndpoints.AccountOverview);
    }

    public async Task<IReadOnlyList<ExchangePosition>> GetPositionsAsync(CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Positions, KuCoinEndpoints.Positions.Path + "?currency=USDT", null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParsePositions(data), KuCoinEndpoints.Positions).Where(p => p.CurrentQty != 0).ToList();
    }

    /// <summary>GET /api/v1/position?symbol= (a flat position has CurrentQty 0).</summary>
    public async Task<ExchangePosition?> GetPositionAsync(string symbol, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Position, KuCoinEndpoints.Position.Path + "?symbol=" + Segment(symbol), null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        var positions = Parse(() => KuCoinParser.ParsePositions(data), KuCoinEndpoints.Position);
        return positions.Count > 0 ? positions[0] : null;
    }

    // ---------------------------------------------------------------- orders

    public Task<PlaceOrderOutcome> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken) =>
        PlaceAsync(request, test: false, cancellationToken);

    public Task<PlaceOrderOutcome> PlaceTestOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken) =>
        PlaceAsync(request, test: true, cancellationToken);

    public async Task<bool> CancelOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.CancelOrder, "/api/v1/orders/" + Segment(orderId), null, RequestPriority.High, cancellationToken, notCancelableIsNull: true).ConfigureAwait(false);
        return data.ValueKind != JsonValueKind.Undefined;
    }

    public async Task<bool> CancelOrderByClientOidAsync(string clientOid, string symbol, CancellationToken cancellationToken)
    {
        var path = "/api/v1/orders/client-order/" + Segment(clientOid) + "?symbol=" + Segment(symbol);
        var data = await SendAsync(KuCoinEndpoints.CancelByClientOid, path, null, RequestPriority.High, cancellationToken, notCancelableIsNull: true).ConfigureAwait(false);
        return data.ValueKind != JsonValueKind.Undefined;
    }

    public async Task<int> CancelAllAsync(string symbol, CancellationToken cancellationToken)
    {
        var orders = await SendAsync(KuCoinEndpoints.CancelAllOrders, KuCoinEndpoints.CancelAllOrders.Path + "?symbol=" + Segment(symbol), null, RequestPriority.High, cancellationToken).ConfigureAwait(false);
        var stops = await SendAsync(KuCoinEndpoints.CancelAllStopOrders, KuCoinEndpoints.CancelAllStopOrders.Path + "?symbol=" + Segment(symbol), null, RequestPriority.High, cancellationToken).ConfigureAwait(false);
        return KuCoinParser.ParseCancelledIds(orders).Count + KuCoinParser.ParseCancelledIds(stops).Count;
    }

    public async Task<ExchangeOrder?> GetOrderByClientOidAsync(string clientOid, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.OrderByClientOid, KuCoinEndpoints.OrderByClientOid.Path + "?clientOid=" + Segment(clientOid), null, RequestPriority.High, cancellationToken, notFoundIsNull: true).ConfigureAwait(false);
        return data.ValueKind is JsonValueKind.Object ? Parse(() => KuCoinParser.ParseOrder(data), KuCoinEndpoints.OrderByClientOid) : null;
    }

    /// <summary>GET /api/v1/orders/{orderId}; null when unknown.</summary>
    public async Task<ExchangeOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var data = await SendAsync(KuCoinEndpoints.Order, "/api/v1/orders/" + Segment(orderId), null, RequestPriority.High, cancellationToken, notFoundIsNull: true).ConfigureAwait(false);
        return data.ValueKind is JsonValueKind.Object ? Parse(() => KuCoinParser.ParseOrder(data), KuCoinEndpoints.Order) : null;
    }

    public Task<IReadOnlyList<ExchangeOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken cancellationToken) =>
        GetPagedOrdersAsync(KuCoinEndpoints.Orders, "status=active" + (symbol is null ? "" : "&symbol=" + Segment(symbol)), cancellationToken);

    public Task<IReadOnlyList<ExchangeOrder>> GetOpenStopOrdersAsync(string? symbol, CancellationToken cancellationToken) =>
        GetPagedOrdersAsync(KuCoinEndpoints.StopOrders, symbol is null ? "" : "symbol=" + Segment(symbol), cancellationToken);

    public async Task<IReadOnlyList<ExchangeOrder>> GetRecentDoneOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var path = KuCoinEndpoints.RecentDoneOrders.Path + (symbol is null ? "" : "?symbol=" + Segment(symbol));
        var data = await SendAsync(KuCoinEndpoints.RecentDoneOrders, path, null, RequestPriority.High, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseOrders(data), KuCoinEndpoints.RecentDoneOrders);
    }

    public async Task<IReadOnlyList<Fill>> GetRecentFillsAsync(string? symbol, CancellationToken cancellationToken)
    {
        var path = KuCoinEndpoints.RecentFills.Path + (symbol is null ? "" : "?symbol=" + Segment(symbol));
        var data = await SendAsync(KuCoinEndpoints.RecentFills, path, null, RequestPriority.High, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseFills(data), KuCoinEndpoints.RecentFills);
    }

    /// <summary>GET /api/v1/fills (paginated, first page of up to 1000), optionally for one order.</summary>
    public async Task<IReadOnlyList<Fill>> GetFillsAsync(string? symbol, string? orderId, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (orderId is not null)
        {
            query.Add("orderId=" + Segment(orderId));
        }

        if (symbol is not null)
        {
            query.Add("symbol=" + Segment(symbol));
        }

        query.Add("pageSize=1000");
        var data = await SendAsync(KuCoinEndpoints.Fills, KuCoinEndpoints.Fills.Path + "?" + string.Join('&', query), null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        return Parse(() => KuCoinParser.ParseFills(data), KuCoinEndpoints.Fills);
    }

    private async Task<IReadOnlyList<ExchangeOrder>> GetPagedOrdersAsync(KuCoinEndpoint endpoint, string filter, CancellationToken cancellationToken)
    {
        var result = new List<ExchangeOrder>();
        for (var page = 1; page <= 20; page++)
        {
            var query = (filter.Length > 0 ? filter + "&" : "") + "currentPage=" + page.ToString(CultureInfo.InvariantCulture) + "&pageSize=1000";
            var data = await SendAsync(endpoint, endpoint.Path + "?" + query, null, RequestPriority.High, cancellationToken).ConfigureAwait(false);
            result.AddRange(Parse(() => KuCoinParser.ParseOrders(data), endpoint));
            var totalPage = data.ValueKind == JsonValueKind.Object ? (int)KuCoinParser.Decimal(data, "totalPage") : 1;
            if (page >= totalPage)
            {
                break;
            }
        }

        return result;
    }

    private async Task<PlaceOrderOutcome> PlaceAsync(PlaceOrderRequest request, bool test, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            LogOrderInvalid(_logger, ErrorCodes.ExchangeRejected, request.ClientOid, problem);
            return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, null, "invalid order: " + problem);
        }

        if (_signer is null)
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.MissingCredentials, null, MissingCredentialsMessage());
        }

        var withStops = request.StopLossPrice is not null || request.TakeProfitPrice is not null;
        var endpoint = test ? KuCoinEndpoints.PlaceTestOrder : withStops ? KuCoinEndpoints.PlaceStOrder : KuCoinEndpoints.PlaceOrder;
        var body = SerializeOrder(request);
        var priority = request.ReduceOnly || request.CloseOrder ? RequestPriority.High : RequestPriority.Normal;
        var rateRetries = 0;
        var resynced = false;
        while (true)
        {
            try
            {
                await EnsureTimeSyncAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ExchangeException ex)
            {
                // Nothing was sent: a definitive, retryable refusal.
                LogOrderRejected(_logger, ex.ErrorCode, request.ClientOid, ex.ExchangeCode ?? "", "server time unavailable");
                return new PlaceOrderOutcome.Rejected(ex.ErrorCode, ex.ExchangeCode, "order not sent: " + ex.Message);
            }

            var result = await SendOnceAsync(endpoint, endpoint.Path, body, priority, cancellationToken).ConfigureAwait(false);
            switch (result.Kind)
            {
                case ResultKind.Response when result.Envelope.IsSuccess && result.Status < 300:
                {
                    var orderId = KuCoinParser.String(result.Envelope.Data, "orderId");
                    if (!string.IsNullOrEmpty(orderId))
                    {
                        LogOrderAccepted(_logger, request.ClientOid, request.Symbol, orderId);
                        return new PlaceOrderOutcome.Accepted(orderId);
                    }

                    if (test)
                    {
                        return new PlaceOrderOutcome.Accepted("");
                    }

                    LogOrderUnknown(_logger, ErrorCodes.OrderStateUnknown, request.ClientOid, "success without orderId");
                    return new PlaceOrderOutcome.Unknown(ErrorCodes.OrderStateUnknown, "KuCoin answered success without an orderId");
                }

                case ResultKind.Response when KuCoinErrors.IsRateLimited(result.Status, result.Envelope.Code):
                {
                    // Refused at the gateway, not placed: safe to send again after the reset.
                    var gaveUp = ++rateRetries > _options.MaxRateLimitRetries;
                    var wait = _limiter.OnRateLimited(endpoint.Pool, result.Envelope.Code, result.Reset, gaveUp);
                    if (gaveUp)
                    {
                        return new PlaceOrderOutcome.Rejected(ErrorCodes.RateLimited, result.Envelope.Code, $"KuCoin rate limit: still refused after {_options.MaxRateLimitRetries} waits (last {(long)wait.TotalMilliseconds} ms)");
                    }

                    continue;
                }

                case ResultKind.Response when result.Envelope.Code == KuCoinErrors.TimestampInvalid && !resynced:
                    resynced = true;
                    _lastSync = null; // re-sync before the next attempt (the refused request was not placed)
                    continue;

                case ResultKind.Response when result.Status >= 500 || result.Envelope.Code == "500000":
                    LogOrderUnknown(_logger, ErrorCodes.ExchangeUnavailable, request.ClientOid, "HTTP " + result.Status.ToString(CultureInfo.InvariantCulture));
                    return new PlaceOrderOutcome.Unknown(ErrorCodes.ExchangeUnavailable, $"KuCoin answered HTTP {result.Status} ({result.Envelope.Code}) after the order was sent");

                case ResultKind.Response:
                {
                    var code = KuCoinErrors.Map(result.Envelope.Code, result.Status, result.Envelope.Message);
                    LogOrderRejected(_logger, code, request.ClientOid, result.Envelope.Code, result.Envelope.Message ?? "");
                    return new PlaceOrderOutcome.Rejected(code, result.Envelope.Code, $"KuCoin {result.Envelope.Code}: {result.Envelope.Message}");
                }

                case ResultKind.Timeout:
                    LogOrderUnknown(_logger, ErrorCodes.ExchangeTimeout, request.ClientOid, "timeout");
                    return new PlaceOrderOutcome.Unknown(ErrorCodes.ExchangeTimeout, $"no answer within {(long)_options.RequestTimeout.TotalMilliseconds} ms");

                case ResultKind.Malformed:
                    LogOrderUnknown(_logger, ErrorCodes.ExchangeUnavailable, request.ClientOid, "malformed response");
                    return new PlaceOrderOutcome.Unknown(ErrorCodes.ExchangeUnavailable, $"malformed KuCoin response (HTTP {result.Status})");

                default:
                    LogOrderUnknown(_logger, ErrorCodes.ExchangeUnavailable, request.ClientOid, result.Error ?? "network error");
                    return new PlaceOrderOutcome.Unknown(ErrorCodes.ExchangeUnavailable, "network error: " + (result.Error ?? "unknown"));
            }
        }
    }

    private static string? Validate(PlaceOrderRequest r)
    {
        if (string.IsNullOrEmpty(r.ClientOid) || r.ClientOid.Length > 40 || !r.ClientOid.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return "clientOid must be 1-40 characters of [A-Za-z0-9_-]";
        }

        if (string.IsNullOrWhiteSpace(r.Symbol) || !r.Symbol.All(char.IsAsciiLetterOrDigit))
        {
            return "symbol must be a KuCoin futures symbol (e.g. ETHUSDTM)";
        }

        if (!r.CloseOrder && (r.Size <= 0 || r.Size != decimal.Truncate(r.Size)))
        {
            return "size must be a positive whole number of lots";
        }

        if (r.Type == OrderType.Limit && r.Price is not > 0)
        {
            return "a limit order needs a positive price";
        }

        if (r.Leverage < 1)
        {
            return "leverage must be at least 1";
        }

        if (r.MarginMode is not ("ISOLATED" or "CROSS"))
        {
            return "marginMode must be ISOLATED or CROSS";
        }

        return null;
    }

    /// <summary>The exact JSON body (no spaces; prices as strings, size/leverage as integers). Serialised once, signed and sent as is.</summary>
    public static string SerializeOrder(PlaceOrderRequest r)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("clientOid", r.ClientOid);
            w.WriteString("side", r.Side == OrderSide.Buy ? "buy" : "sell");
            w.WriteString("symbol", r.Symbol);
            w.WriteNumber("leverage", r.Leverage);
            w.WriteString("type", r.Type == OrderType.Market ? "market" : "limit");
            if (r.Type == OrderType.Limit && r.Price is { } price)
            {
                w.WriteString("price", Text(price));
            }

            if (!r.CloseOrder)
            {
                w.WriteNumber("size", (long)r.Size);
            }

            if (r.Type == OrderType.Limit)
            {
                w.WriteString("timeInForce", "GTC");
            }

            if (r.ReduceOnly)
            {
                w.WriteBoolean("reduceOnly", true);
            }

            if (r.CloseOrder)
            {
                w.WriteBoolean("closeOrder", true);
            }

            w.WriteString("marginMode", r.MarginMode);
            if (!string.IsNullOrEmpty(r.Remark))
            {
                w.WriteString("remark", r.Remark.Length <= 100 ? r.Remark : r.Remark[..100]);
            }

            if (r.StopLossPrice is not null || r.TakeProfitPrice is not null)
            {
                // A long's stop-loss is below (down) and its take-profit above (up); a short's the other way round.
                var (up, down) = r.Side == OrderSide.Buy ? (r.TakeProfitPrice, r.StopLossPrice) : (r.StopLossPrice, r.TakeProfitPrice);
                if (up is { } u)
                {
                    w.WriteString("triggerStopUpPrice", Text(u));
                }

                if (down is { } d)
                {
                    w.WriteString("triggerStopDownPrice", Text(d));
                }

                w.WriteString("stopPriceType", "TP");
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Text(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- transport

    private enum ResultKind
    {
        Response = 0,
        Timeout = 1,
        Network = 2,
        Malformed = 3,
    }

    private readonly record struct RawResult(ResultKind Kind, int Status, KuCoinEnvelope Envelope, TimeSpan? Reset, string? Error);

    /// <summary>
    /// Send with the read policy: rate-limit answers wait for the reset and retry (bounded, then E_RATE_LIMITED);
    /// a timestamp rejection re-syncs the clock once; GETs retry timeouts/5xx/malformed bodies a bounded number of times.
    /// Returns data (default when notFoundIsNull/notCancelableIsNull matched).
    /// </summary>
    private async Task<JsonElement> SendAsync(
        KuCoinEndpoint endpoint,
        string pathAndQuery,
        string? body,
        RequestPriority priority,
        CancellationToken cancellationToken,
        bool notFoundIsNull = false,
        bool notCancelableIsNull = false)
    {
        if (endpoint.Private && _signer is null)
        {
            throw new ExchangeException(ErrorCodes.MissingCredentials, MissingCredentialsMessage());
        }

        var rateRetries = 0;
        var readRetries = 0;
        var resynced = false;
        var idempotent = endpoint.Method == "GET";
        while (true)
        {
            if (endpoint.Private)
            {
                await EnsureTimeSyncAsync(cancellationToken).ConfigureAwait(false);
            }

            var result = await SendOnceAsync(endpoint, pathAndQuery, body, priority, cancellationToken).ConfigureAwait(false);
            var envelope = result.Envelope;
            switch (result.Kind)
            {
                case ResultKind.Response when envelope.IsSuccess && result.Status < 300:
                    return envelope.Data.ValueKind == JsonValueKind.Undefined ? NullElement : envelope.Data;

                case ResultKind.Response when KuCoinErrors.IsRateLimited(result.Status, envelope.Code):
                {
                    var gaveUp = ++rateRetries > _options.MaxRateLimitRetries;
                    _limiter.OnRateLimited(endpoint.Pool, envelope.Code, result.Reset, gaveUp);
                    if (gaveUp)
                    {
                        throw new ExchangeException(ErrorCodes.RateLimited, $"KuCoin {endpoint}: rate limited, still refused after {_options.MaxRateLimitRetries} waits", envelope.Code, result.Status);
                    }

                    continue;
                }

                case ResultKind.Response when envelope.Code == KuCoinErrors.TimestampInvalid && !resynced:
                    resynced = true;
                    await SyncTimeAsync(cancellationToken).ConfigureAwait(false);
                    continue;

                case ResultKind.Response when notFoundIsNull && KuCoinErrors.IsOrderNotFound(envelope.Code, envelope.Message):
                    return default;

                case ResultKind.Response when notCancelableIsNull && envelope.Code == KuCoinErrors.NotCancelable:
                    return default;

                case ResultKind.Response:
                {
                    var code = KuCoinErrors.Map(envelope.Code, result.Status, envelope.Message);
                    if (code == ErrorCodes.ExchangeUnavailable && idempotent && readRetries++ < _options.ReadRetries)
                    {
                        continue;
                    }

                    LogCallFailed(_logger, code, endpoint.Method, endpoint.Path, envelope.Code, result.Status);
                    throw new ExchangeException(code, $"KuCoin {endpoint} failed: {envelope.Code} {envelope.Message}", envelope.Code, result.Status);
                }

                case ResultKind.Timeout:
                    if (idempotent && readRetries++ < _options.ReadRetries)
                    {
                        continue;
                    }

                    LogCallFailed(_logger, ErrorCodes.ExchangeTimeout, endpoint.Method, endpoint.Path, "timeout", 0);
                    throw new ExchangeException(ErrorCodes.ExchangeTimeout, $"KuCoin {endpoint}: no answer within {(long)_options.RequestTimeout.TotalMilliseconds} ms");

                case ResultKind.Malformed:
                {
                    if (idempotent && readRetries++ < _options.ReadRetries)
                    {
                        continue;
                    }

                    var code = endpoint.Private ? ErrorCodes.ExchangeUnavailable : ErrorCodes.BadMarketData;
                    LogCallFailed(_logger, code, endpoint.Method, endpoint.Path, "malformed", result.Status);
                    throw new ExchangeException(code, $"KuCoin {endpoint}: malformed response (HTTP {result.Status})", null, result.Status);
                }

                default:
                    if (idempotent && readRetries++ < _options.ReadRetries)
                    {
                        continue;
                    }

                    LogCallFailed(_logger, ErrorCodes.ExchangeUnavailable, endpoint.Method, endpoint.Path, "network", 0);
                    throw new ExchangeException(ErrorCodes.ExchangeUnavailable, $"KuCoin {endpoint}: {result.Error}");
            }
        }
    }

    /// <summary>One HTTP exchange: budget + slot, sign, send, read headers and body. Never throws except for caller cancellation.</summary>
    private async Task<RawResult> SendOnceAsync(KuCoinEndpoint endpoint, string pathAndQuery, string? body, RequestPriority priority, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(endpoint.Pool, endpoint.Weight, priority, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), pathAndQuery);
        if (body is not null)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = JsonContentType;
            request.Content = content;
        }

        if (endpoint.Private)
        {
            var timestamp = (_time.GetUtcNow() + ServerTimeOffset).ToUnixTimeMilliseconds();
            _signer!.Apply(request, timestamp, pathAndQuery, body);
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = _httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var reset = ReadHeaders(endpoint.Pool, response);
            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            try
            {
                return new RawResult(ResultKind.Response, status, KuCoinParser.ParseEnvelope(text), reset, null);
            }
            catch (FormatException)
            {
                return new RawResult(ResultKind.Malformed, status, default, reset, "malformed body");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RawResult(ResultKind.Timeout, 0, default, null, "timeout");
        }
        catch (HttpRequestException ex)
        {
            return new RawResult(ResultKind.Network, 0, default, null, ex.HttpRequestError.ToString());
        }
        catch (IOException ex)
        {
            return new RawResult(ResultKind.Network, 0, default, null, ex.GetType().Name);
        }
    }

    private TimeSpan? ReadHeaders(KuCoinPool pool, HttpResponseMessage response)
    {
        static long? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

        var limit = Header(response, "gw-ratelimit-limit");
        var remaining = Header(response, "gw-ratelimit-remaining");
        var reset = Header(response, "gw-ratelimit-reset");
        // A 429 answer only blocks the pool until its reset (OnRateLimited); its remaining=0 is not folded into the
        // window count, so an injected or per-endpoint refusal does not idle the whole window.
        if ((int)response.StatusCode != 429 && (limit is not null || remaining is not null || reset is not null))
        {
            _limiter.OnHeaders(pool, (int?)limit, (int?)remaining, reset);
        }

        return reset is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
    }

    private async Task EnsureTimeSyncAsync(CancellationToken cancellationToken)
    {
        if (_lastSync is { } last && _time.GetUtcNow() - last < TimeSpan.FromSeconds(Math.Max(1, _options.TimeSyncSeconds)))
        {
            return;
        }

        await SyncTimeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Measure server time − local time from GET /api/v1/timestamp (midpoint of the round trip).</summary>
    public async Task SyncTimeAsync(CancellationToken cancellationToken)
    {
        await _timeSync.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = _time.GetUtcNow();
            var server = await GetServerTimeAsync(cancellationToken).ConfigureAwait(false);
            var after = _time.GetUtcNow();
            var local = before + (after - before) / 2;
            var offset = (long)(server - local).TotalMilliseconds;
            Interlocked.Exchange(ref _offsetMs, offset);
            _lastSync = after;
            LogTimeSynced(_logger, offset);
        }
        finally
        {
            _timeSync.Release();
        }
    }

    private T Parse<T>(Func<T> parse, KuCoinEndpoint endpoint)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or KeyNotFoundException or IndexOutOfRangeException)
        {
            var code = endpoint.Private ? ErrorCodes.ExchangeUnavailable : ErrorCodes.BadMarketData;
            LogCallFailed(_logger, code, endpoint.Method, endpoint.Path, "unparseable", 200);
            throw new ExchangeException(code, $"KuCoin {endpoint}: unexpected response shape ({ex.Message})", null, 200, ex);
        }
    }

    private static JsonElement CreateNull()
    {
        using var doc = JsonDocument.Parse("null");
        return doc.RootElement.Clone();
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private string MissingCredentialsMessage() =>
        $"KuCoin credentials are not configured: {string.Join(", ", _options.MissingCredentials())}";

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "KuCoin accepted order {ClientOid} on {Symbol} as {OrderId}")]
    private static partial void LogOrderAccepted(ILogger logger, string clientOid, string symbol, string orderId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "{ErrorCode}: KuCoin rejected order {ClientOid}: {ExchangeCode} {ExchangeMessage}")]
    private static partial void LogOrderRejected(ILogger logger, string errorCode, string clientOid, string exchangeCode, string exchangeMessage);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "{ErrorCode}: outcome of order {ClientOid} is unknown ({Reason}); it must be reconciled, never re-sent blindly")]
    private static partial void LogOrderUnknown(ILogger logger, string errorCode, string clientOid, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{ErrorCode}: order {ClientOid} not sent: {Problem}")]
    private static partial void LogOrderInvalid(ILogger logger, string errorCode, string clientOid, string problem);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "{ErrorCode}: KuCoin {Method} {Path} failed ({ExchangeCode}, HTTP {HttpStatus})")]
    private static partial void LogCallFailed(ILogger logger, string errorCode, string method, string path, string exchangeCode, int httpStatus);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "KuCoin server time offset {OffsetMs} ms")]
    private static partial void LogTimeSynced(ILogger logger, long offsetMs);
}
