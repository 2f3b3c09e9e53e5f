using CypherScoping.Contracts;

namespace CypherScoping.Exchange;

/// <summary>
/// The exchange port (architecture §12). Implementations: KuCoinFuturesExchange (REST) and PaperExchange
/// (simulated fills against market data). Sizes are in lots; prices in quote currency.
/// Failures other than order placement throw <see cref="ExchangeException"/> carrying one of our error codes.
/// </summary>
public interface IExchange
{
    /// <summary>Active contracts (implementations cache them).</summary>
    Task<IReadOnlyList<ContractSpec>> GetActiveContractsAsync(CancellationToken cancellationToken);

    /// <summary>One contract from the active list, or null when the exchange does not list it.</summary>
    Task<ContractSpec?> GetContractAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>Closed candles only, ascending, paged internally (≤ 500 per call).</summary>
    Task<IReadOnlyList<Candle>> GetKlinesAsync(string symbol, int granularityMinutes, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<Ticker> GetTickerAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>USDT account overview.</summary>
    Task<AccountOverview> GetAccountOverviewAsync(CancellationToken cancellationToken);

    /// <summary>Place an order. Never throws for exchange answers: the outcome says Accepted, Rejected or Unknown.</summary>
    Task<PlaceOrderOutcome> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken);

    /// <summary>Validate an order without placing it (KuCoin /api/v1/orders/test).</summary>
    Task<PlaceOrderOutcome> PlaceTestOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken);

    Task<bool> CancelOrderAsync(string orderId, CancellationToken cancellationToken);

    Task<bool> CancelOrderByClientOidAsync(string clientOid, string symbol, CancellationToken cancellationToken);

    /// <summary>Cancel every open order and untriggered stop order of a symbol; returns how many were cancelled.</summary>
    Task<int> CancelAllAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>Normal or stop order by clientOid; null when the exchange does not know it (yet).</summary>
    Task<ExchangeOrder?> GetOrderByClientOidAsync(string clientOid, CancellationToken cancellationToken);

    Task<IReadOnlyList<ExchangeOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken cancellationToken);

    Task<IReadOnlyList<ExchangeOrder>> GetOpenStopOrdersAsync(string? symbol, CancellationToken cancellationToken);

    Task<IReadOnlyList<ExchangeOrder>> GetRecentDoneOrdersAsync(string? symbol, CancellationToken cancellationToken);

    Task<IReadOnlyList<Fill>> GetRecentFillsAsync(string? symbol, CancellationToken cancellationToken);

    /// <summary>Open positions (USDT-settled).</summary>
    Task<IReadOnlyList<ExchangePosition>> GetPositionsAsync(CancellationToken cancellationToken);

    Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken);
}

/// <summary>A failed exchange call, mapped to one of our error codes (architecture §11). Never carries secrets.</summary>
public sealed class ExchangeException : Exception
{
    public ExchangeException(string errorCode, string message, string? exchangeCode = null, int? httpStatus = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        ExchangeCode = exchangeCode;
        HttpStatus = httpStatus;
    }

    public string ErrorCode { get; }

    public string? ExchangeCode { get; }

    public int? HttpStatus { get; }
}
