using CypherScoping.Exchange;

namespace CypherScoping.TestKit.FakeKuCoin;

/// <summary>
/// The fake exchange's book-keeping: prices, orders, stop orders, fills, positions and the USDT balance. Every
/// member is called under <see cref="Gate"/>. Market orders fill at the current price; limit orders rest until the
/// price crosses; stop orders trigger when the price reaches their stop price.
/// </summary>
internal sealed class FakeKuCoinMarket
{
    private readonly FakeKuCoinOptions _options;
    private readonly Dictionary<string, decimal> _prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<decimal>> _pricePaths = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Symbol, int Granularity), List<Candle>> _candles = new();
    private readonly List<FakeOrder> _orders = [];
    private readonly List<FakeFill> _fills = [];
    private readonly Dictionary<string, FakePosition> _positions = new(StringComparer.Ordinal);
    private long _nextId = 300_000_000_000_000_000;
    private long _nextTradeId = 1_900_000_000_000;

    public FakeKuCoinMarket(FakeKuCoinOptions options)
    {
        _options = options;
        Balance = options.InitialBalance;
        foreach (var spec in ContractCatalog.All)
        {
            Contracts[spec.Symbol] = spec;
            _prices[spec.Symbol] = DefaultPrice(spec);
        }
    }

    public object Gate { get; } = new();

    public Dictionary<string, ContractSpec> Contracts { get; } = new(StringComparer.Ordinal);

    public decimal Balance { get; private set; }

    public TimeSpan VisibilityDelay { get; set; }

    public IReadOnlyList<FakeOrder> Orders => _orders;

    public IReadOnlyList<FakeFill> Fills => _fills;

    public IEnumerable<FakePosition> Positions => _positions.Values.Where(p => p.CurrentQty != 0);

    public DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    public decimal Price(string symbol) => _prices.TryGetValue(symbol, out var p) ? p : 0m;

    public void SetPrice(string symbol, decimal price)
    {
        _prices[symbol] = price;
        Match(symbol);
    }

    public void ScriptPrices(string symbol, IEnumerable<decimal> path) => _pricePaths[symbol] = new Queue<decimal>(path);

    public bool StepPrice(string symbol)
    {
        if (!_pricePaths.TryGetValue(symbol, out var q) || q.Count == 0)
        {
            return false;
        }

        SetPrice(symbol, q.Dequeue());
        return true;
    }

    public void SetCandles(string symbol, int granularity, IEnumerable<Candle> candles) =>
        _candles[(symbol, granularity)] = candles.OrderBy(c => c.OpenTime).ToList();

    public IReadOnlyList<Candle> Candles(string symbol, int granularity, DateTimeOffset from, DateTimeOffset to)
    {
        var step = TimeSpan.FromMinutes(granularity);
        if (_candles.TryGetValue((symbol, granularity), out var scripted))
        {
            return scripted.Where(c => c.OpenTime >= from && c.OpenTime < to && c.OpenTime <= Now).Take(500).ToList();
        }

        // Synthetic candles around the current price, including the still-open one (clients must drop it).
        var price = Price(symbol);
        var startMs = from.ToUnixTimeMilliseconds();
        var stepMs = (long)step.TotalMilliseconds;
        var aligned = DateTimeOffset.FromUnixTimeMilliseconds((startMs + stepMs - 1) / stepMs * stepMs);
        var result = new List<Candle>();
        for (var t = aligned; t < to && t <= Now && result.Count < 500; t += step)
        {
            var wiggle = (t.ToUnixTimeMilliseconds() / stepMs % 7 - 3) * 0.001m * price;
            var open = price + wiggle;
            var close = price - wiggle;
            result.Add(new Candle(t, open, Math.Max(open, close) + 0.002m * price, Math.Min(open, close) - 0.002m * price, close, 100 + Math.Abs(wiggle), null));
        }

        return result;
    }

    public FakeOrder? FindByClientOid(string clientOid, bool visibleOnly) =>
        _orders.LastOrDefault(o => o.ClientOid == clientOid && (!visibleOnly || o.VisibleAt <= Now));

    public FakeOrder? FindById(string id, bool visibleOnly) =>
        _orders.FirstOrDefault(o => o.Id == id && (!visibleOnly || o.VisibleAt <= Now));

    public IEnumerable<FakeOrder> Visible => _orders.Where(o => o.VisibleAt <= Now);

    public IEnumerable<FakeFill> VisibleFills => _fills.Where(f => f.VisibleAt <= Now);

    /// <summary>Accept an order (already validated for shape). Returns (code, msg, order).</summary>
    public (string Code, string Msg, FakeOrder? Order) Place(FakeOrder order, bool dryRun)
    {
        if (!Contracts.TryGetValue(order.Symbol, out var spec))
        {
            return ("100003", "Contract parameter invalid.", null);
        }

        if (_orders.Any(o => o.ClientOid == order.ClientOid && o.IsActive))
        {
            return ("300018", "clientOid parameter repeated", null);
        }

        if (order.Type == "limit" && order.Price is null)
        {
            return ("300000", "Price parameter invalid.", null);
        }

        var position = _positions.GetValueOrDefault(order.Symbol);
        if (order.CloseOrder)
        {
            if (position is null || position.CurrentQty == 0)
            {
                return ("300009", "No open positions to close.", null);
            }

            order = order with { Side = position.CurrentQty > 0 ? "sell" : "buy", Size = Math.Abs(position.CurrentQty), ReduceOnly = true };
        }

        if (order.Size <= 0 || order.Size > spec.MaxOrderQty)
        {
            return ("300000", "Order size parameter invalid.", null);
        }

        if (!order.ReduceOnly && order.Stop is null)
        {
            var price = order.Price ?? Price(order.Symbol);
            var margin = order.Size * spec.Multiplier * price / Math.Max(1, order.Leverage);
            if (margin > Available())
            {
                return ("300003", "Balance insufficient!", null);
            }
        }

        if (dryRun)
        {
            return ("200000", "", order);
        }

        var now = Now;
        order = order with
        {
            Id = (_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture),
            CreatedAt = now,
            UpdatedAt = now,
            VisibleAt = now + VisibilityDelay,
        };
        _orders.Add(order);
        if (order.Stop is null)
        {
            TryExecute(order.Id);
        }
        else
        {
            TriggerStops(order.Symbol);
        }

        return ("200000", "", FindById(order.Id, visibleOnly: false));
    }

    public bool Cancel(string id)
    {
        var index = _orders.FindIndex(o => o.Id == id);
        if (index < 0 || !_orders[index].IsActive)
        {
            return false;
        }

        _orders[index] = _orders[index] with { Status = "done", CancelExist = true, UpdatedAt = Now, EndAt = Now };
        return true;
    }

    public decimal Available()
    {
        var used = 0m;
        foreach (var p in Positions)
        {
            var spec = Contracts[p.Symbol];
            used += Math.Abs(p.CurrentQty) * spec.Multiplier * p.AvgEntryPrice / Math.Max(1, p.Leverage);
        }

        return Balance - used;
    }

    public decimal UnrealisedPnl() => Positions.Sum(p => (Price(p.Symbol) - p.AvgEntryPrice) * p.CurrentQty * Contracts[p.Symbol].Multiplier);

    public decimal PositionMargin(FakePosition p) =>
        Math.Abs(p.CurrentQty) * Contracts[p.Symbol].Multiplier * p.AvgEntryPrice / Math.Max(1, p.Leverage);

    private void Match(string symbol)
    {
        TriggerStops(symbol);
        foreach (var id in _orders.Where(o => o.Symbol == symbol && o.IsActive && o.Stop is null).Select(o => o.Id).ToList())
        {
            TryExecute(id);
        }
    }

    private void TriggerStops(string symbol)
    {
        var price = Price(symbol);
        foreach (var stop in _orders.Where(o => o.Symbol == symbol && o.IsActive && o.Stop is not null && !o.StopTriggered).ToList())
        {
            var hit = stop.Stop == "down" ? price <= stop.StopPrice : price >= stop.StopPrice;
            if (!hit)
            {
                continue;
            }

            var index = _orders.FindIndex(o => o.Id == stop.Id);
            _orders[index] = stop with { StopTriggered = true, UpdatedAt = Now };
            TryExecute(stop.Id);
        }
    }

    private void TryExecute(string id)
    {
        var index = _orders.FindIndex(o => o.Id == id);
        var order = _orders[index];
        var price = Price(order.Symbol);
        decimal fillPrice;
        string liquidity;
        if (order.Type == "market")
        {
            fillPrice = price;
            liquidity = "taker";
        }
        else
        {
            var limit = order.Price!.Value;
            var crosses = order.Side == "buy" ? price <= limit : price >= limit;
            if (!crosses)
            {
                return;
            }

            fillPrice = limit;
            liquidity = "maker";
        }

        var position = _positions.GetValueOrDefault(order.Symbol) ?? new FakePosition { Symbol = order.Symbol, Leverage = order.Leverage };
        var size = order.Size - order.FilledSize;
        if (order.ReduceOnly || order.CloseOrder)
        {
            var reducible = order.Side == "buy" ? Math.Max(0, -position.CurrentQty) : Math.Max(0, position.CurrentQty);
            if (reducible == 0)
            {
                _orders[index] = order with { Status = "done", CancelExist = true, UpdatedAt = Now, EndAt = Now };
                return;
            }

            size = Math.Min(size, reducible);
        }

        var spec = Contracts[order.Symbol];
        var value = size * spec.Multiplier * fillPrice;
        var feeRate = liquidity == "taker" ? _options.TakerFeeRate : _options.MakerFeeRate;
        var fee = value * feeRate;
        var signed = order.Side == "buy" ? size : -size;
        position = ApplyFill(position, signed, fillPrice, spec.Multiplier, order.Leverage);
        Balance -= fee;
        _positions[order.Symbol] = position;
        var now = Now;
        _fills.Add(new FakeFill
        {
            TradeId = (_nextTradeId++).ToString(System.Globalization.CultureInfo.InvariantCulture),
            OrderId = order.Id,
            Symbol = order.Symbol,
            Side = order.Side,
            Price = fillPrice,
            Size = size,
            Value = value,
            Fee = fee,
            FeeRate = feeRate,
            Liquidity = liquidity,
            OrderType = order.Type,
            Time = now,
            VisibleAt = order.VisibleAt > now ? order.VisibleAt : now,
        });
        var filled = order.FilledSize + size;
        var cancelRest = filled < order.Size; // reduce-only excess is cancelled
        _orders[index] = order with
        {
            FilledSize = filled,
            FilledValue = order.FilledValue + value,
            AvgDealPrice = (order.AvgDealPrice * order.FilledSize + fillPrice * size) / filled,
            Status = "done",
            CancelExist = cancelRest,
            UpdatedAt = now,
            EndAt = now,
        };
    }

    private FakePosition ApplyFill(FakePosition position, decimal signedSize, decimal price, decimal multiplier, int leverage)
    {
        var qty = position.CurrentQty;
        if (qty == 0 || Math.Sign(qty) == Math.Sign(signedSize))
        {
            var newQty = qty + signedSize;
            var avg = (Math.Abs(qty) * position.AvgEntryPrice + Math.Abs(signedSize) * price) / Math.Abs(newQty);
            return position with { CurrentQty = newQty, AvgEntryPrice = avg, Leverage = leverage, OpenedAt = qty == 0 ? Now : position.OpenedAt };
        }

        var closing = Math.Min(Math.Abs(qty), Math.Abs(signedSize));
        var pnl = (price - position.AvgEntryPrice) * closing * Math.Sign(qty) * multiplier;
        Balance += pnl;
        var remaining = qty + signedSize;
        if (remaining == 0)
        {
            return position with { CurrentQty = 0, AvgEntryPrice = 0, RealisedPnl = position.RealisedPnl + pnl };
        }

        return Math.Sign(remaining) == Math.Sign(qty)
            ? position with { CurrentQty = remaining, RealisedPnl = position.RealisedPnl + pnl }
            : position with { CurrentQty = remaining, AvgEntryPrice = price, RealisedPnl = position.RealisedPnl + pnl, OpenedAt = Now };
    }

    private static decimal DefaultPrice(ContractSpec spec) => spec.Symbol switch
    {
        "XBTUSDTM" => 60_000m,
        "ETHUSDTM" => 3_000m,
        "SOLUSDTM" => 150m,
        "BCHUSDTM" => 400m,
        "LTCUSDTM" => 80m,
        _ => 10m,
    };
}
