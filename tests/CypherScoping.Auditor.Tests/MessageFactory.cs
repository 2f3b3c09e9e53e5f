using System.Collections;
using System.Reflection;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;

namespace CypherScoping.Auditor.Tests;

/// <summary>
/// Builds an instance of any contract by reflection (every settable member filled with a plausible value), so a test
/// can prove every contract — including ones added later — lands in the trail. Plus typed builders for seeded trails.
/// </summary>
internal static class MessageFactory
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static object Build(Type type, string symbol = "ETHUSDTM")
    {
        var instance = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"cannot create {type}");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var value = ValueFor(property, symbol);
            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        return instance;
    }

    private static object? ValueFor(PropertyInfo property, string symbol)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var name = property.Name;
        if (type == typeof(string))
        {
            return name switch
            {
                "Symbol" => symbol,
                "BaseAsset" => symbol[..3],
                "ErrorCode" => "E_EXCHANGE_REJECTED",
                "ClientOrderId" => "cid-" + Guid.NewGuid().ToString("N")[..20],
                _ => $"{name.ToLowerInvariant()}-value",
            };
        }

        if (type == typeof(Guid))
        {
            return Guid.NewGuid();
        }

        if (type == typeof(DateTimeOffset))
        {
            return T0;
        }

        if (type == typeof(decimal))
        {
            return 1.5m;
        }

        if (type == typeof(int))
        {
            return 3;
        }

        if (type == typeof(long))
        {
            return 3L;
        }

        if (type == typeof(double))
        {
            return 1.25;
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromMinutes(15);
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(0);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var def
            && (def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>)))
        {
            return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()));
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var array = Array.CreateInstance(element, 1);
            array.SetValue(element == typeof(string) ? "item" : Build(element, symbol), 0);
            return array;
        }

        if (type.IsClass)
        {
            return Build(type, symbol);
        }

        throw new NotSupportedException($"MessageFactory cannot fill {property.DeclaringType?.Name}.{name} of type {type}; extend it");
    }

    public static OrderPlaced OrderPlaced(string clientOrderId, string symbol = "ETHUSDTM", DateTimeOffset? at = null) => new()
    {
        ClientOrderId = clientOrderId,
        ExchangeOrderId = "ex-" + clientOrderId,
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? T0,
        Symbol = symbol,
        BaseAsset = symbol[..3],
        Side = OrderSide.Buy,
        OrderType = OrderType.Market,
        Size = 2m,
        Leverage = 3,
        ReduceOnly = false,
        Mode = TradingMode.Paper,
    };

    public static PositionClosed Trade(string symbol, decimal pnl, DateTimeOffset at) => new()
    {
        PositionId = "pos-" + Guid.NewGuid().ToString("N")[..12],
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at,
        Symbol = symbol,
        BaseAsset = symbol[..3],
        Side = PositionSide.Long,
        Size = 4m,
        SizeBase = 0.04m,
        EntryPrice = 2000m,
        ExitPrice = 2010m,
        RealizedPnl = pnl,
        Fees = 0.12m,
        Funding = 0m,
        Outcome = pnl > 0m ? TradeOutcome.Win : TradeOutcome.Loss,
        RMultiple = 1m,
        HoldingTime = TimeSpan.FromHours(1),
        ExitReason = pnl > 0m ? "take_profit" : "stop_loss",
        Mode = TradingMode.Paper,
    };

    public static OrderDenied Denied(string symbol, string errorCode) => new()
    {
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Symbol = symbol,
        Side = PositionSide.Long,
        ErrorCode = errorCode,
        Reason = $"{symbol} refused ({errorCode})",
    };

    public static DuplicateOrderBlocked Duplicate(string clientOrderId) => new()
    {
        ClientOrderId = clientOrderId,
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Symbol = "ETHUSDTM",
        BaseAsset = "ETH",
        ErrorCode = "E_DUPLICATE_ORDER",
        ExistingStatus = "placed",
    };

    public static ExchangeErrorOccurred ExchangeError(string errorCode) => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Operation = "place_order",
        Symbol = "SOLUSDTM",
        BaseAsset = "SOL",
        ErrorCode = errorCode,
        HttpStatus = 503,
        Message = "exchange unavailable",
    };

    public static CircuitBreakerTripped Tripped() => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Breaker = "consecutive_losses",
        Value = 3m,
        Threshold = 3m,
        Action = "paused",
        Severity = AlertSeverity.Warning,
        Reason = "3 losing trades in a row",
    };

    public static CircuitBreakerReset Reset() => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Breaker = "consecutive_losses",
        Reason = "cool-down over",
        ResetBy = "risk",
    };

    public static ConfigurationLoaded Config(string secret) => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = T0,
        Service = "executor",
        Mode = TradingMode.Live,
        Profile = "live-conservative",
        Settings = new Dictionary<string, string>
        {
            ["KUCOIN_API_SECRET"] = secret,
            ["KUCOIN_API_PASSPHRASE"] = secret,
            ["ALERT_SLACK_WEBHOOK"] = "https://hooks.slack.com/services/" + secret,
            ["TRADING_MODE"] = "live",
        },
        Warnings = [],
    };
}
