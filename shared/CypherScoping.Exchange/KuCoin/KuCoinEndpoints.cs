namespace CypherScoping.Exchange.KuCoin;

/// <summary>KuCoin rate-limit resource pools (kucoin-futures-api.md §3).</summary>
public enum KuCoinPool
{
    Public = 0,
    Futures = 1,
}

/// <summary>Cancels and closes go before new entries when the weight budget is short.</summary>
public enum RequestPriority
{
    Normal = 0,
    High = 1,
}

/// <summary>One REST endpoint: method, path template, pool, weight, whether it is signed.</summary>
public sealed record KuCoinEndpoint(string Method, string Path, KuCoinPool Pool, int Weight, bool Private)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>The endpoints the client uses with KuCoin's pools and weights (SPEC, §3 of the doc).</summary>
public static class KuCoinEndpoints
{
    public static readonly KuCoinEndpoint Timestamp = new("GET", "/api/v1/timestamp", KuCoinPool.Public, 2, false);
    public static readonly KuCoinEndpoint Status = new("GET", "/api/v1/status", KuCoinPool.Public, 4, false);
    public static readonly KuCoinEndpoint ActiveContracts = new("GET", "/api/v1/contracts/active", KuCoinPool.Public, 3, false);
    public static readonly KuCoinEndpoint Contract = new("GET", "/api/v1/contracts/{symbol}", KuCoinPool.Public, 3, false);
    public static readonly KuCoinEndpoint Ticker = new("GET", "/api/v1/ticker", KuCoinPool.Public, 2, false);
    public static readonly KuCoinEndpoint Klines = new("GET", "/api/v1/kline/query", KuCoinPool.Public, 3, false);
    public static readonly KuCoinEndpoint AccountOverview = new("GET", "/api/v1/account-overview", KuCoinPool.Futures, 5, true);
    public static readonly KuCoinEndpoint PlaceOrder = new("POST", "/api/v1/orders", KuCoinPool.Futures, 2, true);
    public static readonly KuCoinEndpoint PlaceTestOrder = new("POST", "/api/v1/orders/test", KuCoinPool.Futures, 2, true);
    public static readonly KuCoinEndpoint PlaceStOrder = new("POST", "/api/v1/st-orders", KuCoinPool.Futures, 2, true);
    public static readonly KuCoinEndpoint CancelOrder = new("DELETE", "/api/v1/orders/{orderId}", KuCoinPool.Futures, 1, true);
    public static readonly KuCoinEndpoint CancelByClientOid = new("DELETE", "/api/v1/orders/client-order/{clientOid}", KuCoinPool.Futures, 1, true);
    public static readonly KuCoinEndpoint CancelAllOrders = new("DELETE", "/api/v3/orders", KuCoinPool.Futures, 10, true);
    public static readonly KuCoinEndpoint CancelAllStopOrders = new("DELETE", "/api/v1/stopOrders", KuCoinPool.Futures, 15, true);
    public static readonly KuCoinEndpoint Orders = new("GET", "/api/v1/orders", KuCoinPool.Futures, 2, true);
    public static readonly KuCoinEndpoint Order = new("GET", "/api/v1/orders/{orderId}", KuCoinPool.Futures, 5, true);
    public static readonly KuCoinEndpoint OrderByClientOid = new("GET", "/api/v1/orders/byClientOid", KuCoinPool.Futures, 5, true);
    public static readonly KuCoinEndpoint RecentDoneOrders = new("GET", "/api/v1/recentDoneOrders", KuCoinPool.Futures, 5, true);
    public static readonly KuCoinEndpoint StopOrders = new("GET", "/api/v1/stopOrders", KuCoinPool.Futures, 6, true);
    public static readonly KuCoinEndpoint Fills = new("GET", "/api/v1/fills", KuCoinPool.Futures, 5, true);
    public static readonly KuCoinEndpoint RecentFills = new("GET", "/api/v1/recentFills", KuCoinPool.Futures, 3, true);
    public static readonly KuCoinEndpoint Position = new("GET", "/api/v1/position", KuCoinPool.Futures, 2, true);
    public static readonly KuCoinEndpoint Positions = new("GET", "/api/v1/positions", KuCoinPool.Futures, 2, true);
}
