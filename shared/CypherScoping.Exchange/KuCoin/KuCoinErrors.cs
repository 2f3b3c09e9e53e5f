using CypherScoping.Domain;

namespace CypherScoping.Exchange.KuCoin;

/// <summary>KuCoin codes → our error codes (architecture §11; issue 4).</summary>
public static class KuCoinErrors
{
    public const string Success = "200000";
    public const string TooManyRequests = "429000";
    public const string DuplicateClientOid = "300018";
    public const string NotCancelable = "100004";
    public const string TimestampInvalid = "400002";

    /// <summary>Rate-limit answers: 429000 (pool exhausted), 1015 (Cloudflare, 30 s), 200002 (business layer, 10 s).</summary>
    public static bool IsRateLimited(int httpStatus, string code) => httpStatus == 429 || code is TooManyRequests or "1015" or "200002";

    /// <summary>Default back-off when the headers give no reset.</summary>
    public static TimeSpan DefaultBackoff(string code) => code switch
    {
        "1015" => TimeSpan.FromSeconds(30),
        "200002" => TimeSpan.FromSeconds(10),
        _ => TimeSpan.FromSeconds(1),
    };

    public static string Map(string code, int httpStatus, string? message = null)
    {
        if (IsRateLimited(httpStatus, code))
        {
            return ErrorCodes.RateLimited;
        }

        switch (code)
        {
            case "400001" or "400002" or "400003" or "400004" or "400005" or "400006" or "400007" or "400008" or "400009" or "411100":
                return ErrorCodes.AuthFailed;
            case "300003" or "200005":
                return ErrorCodes.InsufficientBalance;
            case DuplicateClientOid or "126044":
                return ErrorCodes.DuplicateOrder;
            case "100003" or "200003":
                return ErrorCodes.UnknownSymbol;
            case "300002" or "300015" or "500000" or "100002":
                return ErrorCodes.ExchangeUnavailable;
        }

        if (message is not null && code == "400100")
        {
            if (message.Contains("clientOidDuplicated", StringComparison.OrdinalIgnoreCase))
            {
                return ErrorCodes.DuplicateOrder;
            }

            if (message.Contains("insufficient balance", StringComparison.OrdinalIgnoreCase))
            {
                return ErrorCodes.InsufficientBalance;
            }
        }

        if (httpStatus >= 500)
        {
            return ErrorCodes.ExchangeUnavailable;
        }

        if (httpStatus is 401 or 403 && code.StartsWith("400", StringComparison.Ordinal))
        {
            return ErrorCodes.AuthFailed;
        }

        return ErrorCodes.ExchangeRejected;
    }

    /// <summary>The "order does not exist" answer of a lookup (shape unconfirmed: 100001 orderNotExist, or null data).</summary>
    public static bool IsOrderNotFound(string code, string? message) =>
        code == "100001" && message is not null &&
        (message.Contains("NotExist", StringComparison.OrdinalIgnoreCase) || message.Contains("not exist", StringComparison.OrdinalIgnoreCase));
}
