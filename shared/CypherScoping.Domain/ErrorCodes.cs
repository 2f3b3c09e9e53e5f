namespace CypherScoping.Domain;

/// <summary>The error codes of architecture §11. Never reuse a code for a different meaning.</summary>
public static class ErrorCodes
{
    public const string MissingCredentials = "E_MISSING_CREDENTIALS";
    public const string InvalidConfig = "E_INVALID_CONFIG";
    public const string SymbolDenied = "E_SYMBOL_DENIED";
    public const string SymbolNotInUniverse = "E_SYMBOL_NOT_IN_UNIVERSE";
    public const string UnknownSymbol = "E_UNKNOWN_SYMBOL";
    public const string TradingHalted = "E_TRADING_HALTED";
    public const string TradingPaused = "E_TRADING_PAUSED";
    public const string TradingReducing = "E_TRADING_REDUCING";
    public const string DailyTradeLimit = "E_DAILY_TRADE_LIMIT";
    public const string ExposureLimit = "E_EXPOSURE_LIMIT";
    public const string SizeBelowMin = "E_SIZE_BELOW_MIN";
    public const string LeverageLimit = "E_LEVERAGE_LIMIT";
    public const string SignalExpired = "E_SIGNAL_EXPIRED";
    public const string OrderExpired = "E_ORDER_EXPIRED";
    public const string ApprovalRejected = "E_APPROVAL_REJECTED";
    public const string ApprovalExpired = "E_APPROVAL_EXPIRED";
    public const string ApprovalPriceMoved = "E_APPROVAL_PRICE_MOVED";
    public const string DuplicateOrder = "E_DUPLICATE_ORDER";
    public const string RateLimited = "E_RATE_LIMITED";
    public const string ExchangeTimeout = "E_EXCHANGE_TIMEOUT";
    public const string ExchangeUnavailable = "E_EXCHANGE_UNAVAILABLE";
    public const string ExchangeRejected = "E_EXCHANGE_REJECTED";
    public const string AuthFailed = "E_AUTH_FAILED";
    public const string InsufficientBalance = "E_INSUFFICIENT_BALANCE";
    public const string OrderStateUnknown = "E_ORDER_STATE_UNKNOWN";
    public const string ReconciliationMismatch = "E_RECONCILIATION_MISMATCH";
    public const string BadMessage = "E_BAD_MESSAGE";
    public const string BadMarketData = "E_BAD_MARKET_DATA";
    /// <summary>Risk has no account snapshot from the Executor yet, so it cannot size (fail closed).</summary>
    public const string NoAccountData = "E_NO_ACCOUNT_DATA";
    /// <summary>A reduce-only signal found no open position on that side to reduce.</summary>
    public const string NothingToReduce = "E_NOTHING_TO_REDUCE";

    /// <summary>Every code, for documentation and tests.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(ErrorCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();
}
