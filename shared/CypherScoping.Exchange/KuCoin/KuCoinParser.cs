using System.Globalization;
using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Exchange.KuCoin;

/// <summary>The KuCoin envelope: code (string or number), msg, data.</summary>
public readonly record struct KuCoinEnvelope(string Code, string? Message, JsonElement Data)
{
    public bool IsSuccess => Code is "200000" or "200";
}

/// <summary>
/// Tolerant parsing of KuCoin futures JSON into our models: numbers as JSON numbers or strings, exponent form,
/// nanosecond or millisecond times, 6- or 7-element candles, code as string or number. Malformed input throws
/// <see cref="FormatException"/> (callers map it to E_BAD_MARKET_DATA / an unknown outcome).
/// </summary>
public static class KuCoinParser
{
    public static KuCoinEnvelope ParseEnvelope(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return ParseEnvelope(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("KuCoin response is not valid JSON", ex);
        }
    }

    public static KuCoinEnvelope ParseEnvelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var code))
        {
            throw new FormatException("KuCoin response has no code");
        }

        var codeText = code.ValueKind == JsonValueKind.String ? code.GetString() ?? "" : code.GetRawText();
        var msg = root.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new KuCoinEnvelope(codeText, msg, data);
    }

    // ---- primitives ----

    public static decimal? DecimalOrNull(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? ToDecimal(v) : null;

    public static decimal Decimal(JsonElement obj, string name) => DecimalOrNull(obj, name) ?? 0m;

    public static decimal RequiredDecimal(JsonElement obj, string name) =>
        DecimalOrNull(obj, name) ?? throw new FormatException($"KuCoin field '{name}' is missing or not a number");

    public static decimal? ToDecimal(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                if (v.TryGetDecimal(out var d))
                {
                    return d;
                }

                return decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) ? d : (decimal)v.GetDouble();
            case JsonValueKind.String:
                var s = v.GetString();
                if (string.IsNullOrWhiteSpace(s))
                {
                    return null;
                }

                return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d)
                    ? d
                    : throw new FormatException($"KuCoin number '{Truncate(s)}' is not a number");
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            default:
                throw new FormatException($"KuCoin number has unexpected JSON kind {v.ValueKind}");
        }
    }

    public static string? String(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static string RequiredString(JsonElement obj, string name) =>
        String(obj, name) is { Length: > 0 } s ? s : throw new FormatException($"KuCoin field '{name}' is missing");

    public static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) &&
        (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Epoch in s, ms, µs or ns (by magnitude) → time.</summary>
    public static DateTimeOffset FromEpoch(decimal value)
    {
        var abs = Math.Abs(value);
        var ms = abs switch
        {
            >= 100_000_000_000_000_000m => value / 1_000_000m, // ns
            >= 100_000_000_000_000m => value / 1_000m, // µs
            >= 100_000_000_000m => value, // ms
            _ => value * 1000m, // s
        };
        return DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Truncate(ms));
    }

    public static DateTimeOffset? Time(JsonElement obj, string name) => DecimalOrNull(obj, name) is { } v && v != 0 ? FromEpoch(v) : null;

    public static OrderSide Side(string? side) => side?.ToLowerInvariant() switch
    {
        "buy" => OrderSide.Buy,
        "sell" => OrderSide.Sell,
        _ => throw new FormatException($"KuCoin side '{Truncate(side)}' is unknown"),
    };

    // ---- models ----

    public static DateTimeOffset ParseServerTime(JsonElement data) =>
        FromEpoch(ToDecimal(data) ?? throw new FormatException("KuCoin server time is missing"));

    public static ContractSpec ParseContract(JsonElement c)
    {
        var baseCurrency = RequiredString(c, "baseCurrency");
        return new ContractSpec
        {
            Symbol = RequiredString(c, "symbol"),
            BaseCurrency = SymbolCanonicalizer.NormalizeAsset(baseCurrency),
            QuoteCurrency = String(c, "quoteCurrency") ?? "USDT",
            SettleCurrency = String(c, "settleCurrency") ?? "USDT",
            Multiplier = Math.Abs(RequiredDecimal(c, "multiplier")),
            LotSize = DecimalOrNull(c, "lotSize") ?? 1m,
            MaxOrderQty = DecimalOrNull(c, "maxOrderQty") ?? 1_000_000m,
            TickSize = RequiredDecimal(c, "tickSize"),
            MaxLeverage = (int)(DecimalOrNull(c, "maxLeverage") ?? 1m),
            MakerFeeRate = DecimalOrNull(c, "makerFeeRate") ?? 0.0002m,
            TakerFeeRate = DecimalOrNull(c, "takerFeeRate") ?? 0.0006m,
            Status = String(c, "status") ?? "Open",
            IsInverse = Bool(c, "isInverse"),
            Type = String(c, "type") ?? "FFWCSX",
            MarkPrice = DecimalOrNull(c, "markPrice"),
            FundingFeeRate = DecimalOrNull(c, "fundingFeeRate"),
        };
    }

    public static IReadOnlyList<ContractSpec> ParseContracts(JsonElement data) => Items(data).Select(ParseContract).ToList();

    /// <summary>[time, open, high, low, close, volume(, turnover)] arrays, ascending.</summary>
    public static IReadOnlyList<Candle> ParseCandles(JsonElement data)
    {
        var result = new List<Candle>();
        foreach (var row in Items(data))
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() < 6)
            {
                throw new FormatException("KuCoin candle is not an array of 6 or 7 numbers");
            }

            decimal At(int i) => ToDecimal(row[i]) ?? throw new FormatException($"KuCoin candle element {i} is null");
            var candle = new Candle(FromEpoch(At(0)), At(1), At(2), At(3), At(4), At(5), row.GetArrayLength() >= 7 ? ToDecimal(row[6]) : null);
            if (candle.High < candle.Low || candle.Open <= 0 || candle.Close <= 0)
            {
                throw new FormatException("KuCoin candle has impossible prices");
            }

            result.Add(candle);
        }

        result.Sort((a, b) => a.OpenTime.CompareTo(b.OpenTime));
        return result;
    }

    public static Ticker ParseTicker(JsonElement t) => new()
    {
        Symbol = RequiredString(t, "symbol"),
        Price = RequiredDecimal(t, "price"),
        BestBidPrice = Decimal(t, "bestBidPrice"),
        BestAskPrice = Decimal(t, "bestAskPrice"),
        Time = Time(t, "ts") ?? DateTimeOffset.UnixEpoch,
    };

    public static AccountOverview ParseAccount(JsonElement a) => new()
    {
        Currency = String(a, "currency") ?? "USDT",
        AccountEquity = RequiredDecimal(a, "accountEquity"),
        AvailableBalance = RequiredDecimal(a, "availableBalance"),
        UnrealisedPnl = DecimalOrNull(a, "unrealisedPNL") ?? Decimal(a, "unrealisedPnl"),
        MarginBalance = Decimal(a, "marginBalance"),
        PositionMargin = Decimal(a, "positionMargin"),
        OrderMargin = Decimal(a, "orderMargin"),
    };

    public static ExchangeOrder ParseOrder(JsonElement o)
    {
        var status = String(o, "status");
        var size = Decimal(o, "size");
        var filled = DecimalOrNull(o, "filledSize") ?? Decimal(o, "dealSize");
        var isActive = status is not null ? status == "open" : Bool(o, "isActive");
        var state = isActive
            ? filled > 0 ? ExchangeOrderState.PartiallyFilled : ExchangeOrderState.Open
            : Bool(o, "cancelExist") ? ExchangeOrderState.Cancelled : ExchangeOrderState.Filled;
        var price = DecimalOrNull(o, "price");
        var avg = DecimalOrNull(o, "avgDealPrice");
        var stop = String(o, "stop");
        return new ExchangeOrder
        {
            Id = RequiredString(o, "id"),
            ClientOid = String(o, "clientOid") ?? "",
            Symbol = RequiredString(o, "symbol"),
            Side = Side(String(o, "side")),
            Type = string.Equals(String(o, "type"), "market", StringComparison.OrdinalIgnoreCase) ? OrderType.Market : OrderType.Limit,
            Price = price is > 0 ? price : null,
            Size = size,
            FilledSize = filled,
            FilledValue = DecimalOrNull(o, "filledValue") ?? Decimal(o, "dealValue"),
            AvgDealPrice = avg is > 0 ? avg : null,
            State = state,
            ReduceOnly = Bool(o, "reduceOnly"),
            CloseOrder = Bool(o, "closeOrder"),
            Stop = string.IsNullOrEmpty(stop) ? null : stop,
            StopPrice = DecimalOrNull(o, "stopPrice") is > 0 and var sp ? sp : null,
            Leverage = (int)(DecimalOrNull(o, "leverage") ?? 0m),
            CreatedAt = Time(o, "createdAt") ?? Time(o, "orderTime") ?? DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>A plain array or a paginated {items:[…]} of orders.</summary>
    public static IReadOnlyList<ExchangeOrder> ParseOrders(JsonElement data) => Items(data).Select(ParseOrder).ToList();

    public static Fill ParseFill(JsonElement f) => new()
    {
        TradeId = RequiredString(f, "tradeId"),
        OrderId = RequiredString(f, "orderId"),
        Symbol = RequiredString(f, "symbol"),
        Side = Side(String(f, "side")),
        Price = RequiredDecimal(f, "price"),
        Size = RequiredDecimal(f, "size"),
        Value = Decimal(f, "value"),
        Fee = Decimal(f, "fee"),
        FeeRate = Decimal(f, "feeRate"),
        Liquidity = String(f, "liquidity") ?? "taker",
        TradeTime = Time(f, "tradeTime") ?? Time(f, "createdAt") ?? DateTimeOffset.UnixEpoch,
    };

    public static IReadOnlyList<Fill> ParseFills(JsonElement data) => Items(data).Select(ParseFill).ToList();

    public static ExchangePosition ParsePosition(JsonElement p)
    {
        var liquidation = DecimalOrNull(p, "liquidationPrice");
        var qty = Decimal(p, "currentQty");
        return new ExchangePosition
        {
            Symbol = RequiredString(p, "symbol"),
            CurrentQty = qty,
            AvgEntryPrice = Decimal(p, "avgEntryPrice"),
            MarkPrice = Decimal(p, "markPrice"),
            UnrealisedPnl = Decimal(p, "unrealisedPnl"),
            RealisedPnl = Decimal(p, "realisedPnl"),
            Leverage = DecimalOrNull(p, "leverage") ?? Decimal(p, "realLeverage"),
            PosInit = Decimal(p, "posInit"),
            LiquidationPrice = liquidation is > 0 ? liquidation : null,
            IsOpen = p.TryGetProperty("isOpen", out _) ? Bool(p, "isOpen") : qty != 0,
        };
    }

    /// <summary>An array of positions, or a single position object (v1 position / v2 shapes).</summary>
    public static IReadOnlyList<ExchangePosition> ParsePositions(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && !data.TryGetProperty("items", out _)
            ? [ParsePosition(data)]
            : Items(data).Select(ParsePosition).ToList();

    public static IReadOnlyList<string> ParseCancelledIds(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("cancelledOrderIds", out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            return ids.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.GetRawText()).ToList();
        }

        return data.ValueKind == JsonValueKind.Object && String(data, "clientOid") is { } oid ? [oid] : [];
    }

    /// <summary>The array itself, or the "items" of a page; null/absent → empty.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement data) => data.ValueKind switch
    {
        JsonValueKind.Array => data.EnumerateArray(),
        JsonValueKind.Object when data.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array => items.EnumerateArray(),
        JsonValueKind.Object when data.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Null => [],
        JsonValueKind.Null or JsonValueKind.Undefined => [],
        _ => throw new FormatException($"KuCoin list has unexpected JSON kind {data.ValueKind}"),
    };

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 32 ? s : s[..32];
}
