using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Exchange.Paper;

/// <summary>A fill the paper exchange made while processing a candle (a triggered stop or a resting limit order).</summary>
/// <param name="Trigger">stop_loss, take_profit or limit.</param>
public sealed record PaperExecution(ExchangeOrder Order, Fill Fill, string Trigger, bool ReduceOnly);

/// <summary>A funding settlement: Amount is what the trader paid (negative: received).</summary>
public sealed record PaperFunding(string Symbol, DateTimeOffset Time, decimal Rate, decimal MarkPrice, decimal SignedLots, decimal Amount);

/// <summary>What one candle did on the paper exchange.</summary>
public sealed record PaperCandleResult(bool Applied, string? Problem, IReadOnlyList<PaperExecution> Executions, IReadOnlyList<PaperFunding> Funding)
{
    public static PaperCandleResult Skipped(string problem) => new(false, problem, [], []);
}

/// <summary>
/// The exchange port against market data with simulated fills (architecture §12). Fed with closed candles
/// (<see cref="OnCandle"/>): market orders fill at the latest close with slippage against the trader; fees are the
/// contract's taker/maker rates; funding is settled every <see cref="PaperExchangeOptions.FundingIntervalHours"/>
/// of candle time; attached stop-loss / take-profit orders trigger on later candles' low/high (both inside one candle:
/// the stop-loss wins, the pessimistic choice); equity and margin follow the contract multiplier. One-way positions
/// (signed lots). Thread-safe (one lock) and deterministic: the same calls in the same order give the same result.
/// </summary>
public sealed class PaperExchange : IExchange
{
    private readonly Lock _gate = new();
    private readonly PaperExchangeOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, MarketState> _markets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaperPosition> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaperOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaperOrder> _byClientOid = new(StringComparer.Ordinal);
    private readonly List<Fill> _fills = [];
    private readonly List<PaperFunding> _funding = [];
    private decimal _wallet;
    private long _sequence;
    private int _placeCalls;

    public PaperExchange(PaperExchangeOptions options, TimeProvider time)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _time = time;
        _wallet = options.InitialEquity;
    }

    /// <summary>How many times PlaceOrderAsync was called (accepted or not): tests prove "no call" with it.</summary>
    public int PlaceOrderCalls
    {
        get
        {
            lock (_gate)
            {
                return _placeCalls;
            }
        }
    }

    /// <summary>Wallet balance: initial equity + realised PnL − fees − funding (excludes unrealised PnL).</summary>
    public decimal WalletBalance
    {
        get
        {
            lock (_gate)
            {
                return _wallet;
            }
        }
    }

    /// <summary>Every order the exchange accepted, in creation order (including stop orders).</summary>
    public IReadOnlyList<ExchangeOrder> AllOrders()
    {
        lock (_gate)
        {
            return _orders.Values.OrderBy(o => o.Sequence).Select(o => o.ToExchangeOrder()).ToList();
        }
    }

    public IReadOnlyList<PaperFunding> FundingHistory()
    {
        lock (_gate)
        {
            return _funding.ToList();
        }
    }

    /// <summary>The latest close seen for a symbol, or null.</summary>
    public decimal? LastPrice(string symbol)
    {
        lock (_gate)
        {
            return _markets.TryGetValue(Normalize(symbol), out var m) ? m.Last.Close : null;
        }
    }

    /// <summary>
    /// Feed one closed candle. In order: attached stops (stop-loss before take-profit), resting limit orders,
    /// funding boundaries crossed up to the candle's close, then the candle's close becomes the price. A candle
    /// that is malformed, for an unlisted symbol, or not newer than the last one is skipped (duplicate deliveries are harmless).
    /// </summary>
    public PaperCandleResult OnCandle(string symbol, Candle candle, int intervalMinutes = 1)
    {
        var spec = ContractCatalog.Find(symbol);
        if (spec is null)
        {
            return PaperCandleResult.Skipped($"{symbol} is not a listed contract");
        }

        if (candle.Open <= 0 || candle.High <= 0 || candle.Low <= 0 || candle.Close <= 0 || candle.High < candle.Low
            || candle.Open > candle.High || candle.Open < candle.Low || candle.Close > candle.High || candle.Close < candle.Low || intervalMinutes <= 0)
        {
            return PaperCandleResult.Skipped($"malformed candle for {spec.Symbol} at {candle.OpenTime:O}");
        }

        var closeTime = candle.OpenTime.AddMinutes(intervalMinutes);
        lock (_gate)
        {
            if (_markets.TryGetValue(spec.Symbol, out var market) && closeTime <= market.CloseTime)
            {
                return PaperCandleResult.Skipped($"candle for {spec.Symbol} at {candle.OpenTime:O} is not newer than the last one");
            }

            var executions = new List<PaperExecution>();
            TriggerStops(spec, candle, closeTime, executions);
            FillRestingLimits(spec, candle, closeTime, executions);
            var funding = SettleFunding(spec, market?.CloseTime ?? candle.OpenTime, closeTime, candle.Close);
            var history = market?.History ?? [];
            history.Add(candle);
            _markets[spec.Symbol] = new MarketState(candle, closeTime, history);
            return new PaperCandleResult(true, null, executions, funding);
        }
    }

    public Task<IReadOnlyList<ContractSpec>> GetActiveContractsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContractSpec>>(ContractCatalog.All.OrderBy(c => c.Symbol, StringComparer.Ordinal).ToList());

    public Task<ContractSpec?> GetContractAsync(string symbol, CancellationToken cancellationToken) =>
        Task.FromResult(ContractCatalog.Find(symbol));

    public Task<IReadOnlyList<Candle>> GetKlinesAsync(string symbol, int granularityMinutes, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Candle> result = _markets.TryGetValue(Normalize(symbol), out var m)
                ? m.History.Where(c => c.OpenTime >= from && c.OpenTime < to).ToList()
                : [];
            return Task.FromResult(result);
        }
    }

    public Task<Ticker> GetTickerAsync(string symbol, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var name = Normalize(symbol);
            if (!_markets.TryGetValue(name, out var m))
            {
                throw new ExchangeException(ErrorCodes.BadMarketData, $"paper exchange has no price for {name} yet");
            }

            return Task.FromResult(new Ticker { Symbol = name, Price = m.Last.Close, BestBidPrice = m.Last.Close, BestAskPrice = m.Last.Close, Time = m.CloseTime });
        }
    }

    public Task<AccountOverview> GetAccountOverviewAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var unrealised = _positions.Values.Sum(Unrealised);
            var margin = _positions.Values.Sum(p => p.Margin);
            var equity = _wallet + unrealised;
            return Task.FromResult(new AccountOverview
            {
                Currency = "USDT",
                AccountEquity = equity,
                AvailableBalance = equity - margin,
                UnrealisedPnl = unrealised,
                MarginBalance = _wallet,
                PositionMargin = margin,
                OrderMargin = 0m,
            });
        }
    }

    public Task<PlaceOrderOutcome> PlaceOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _placeCalls++;
            var problem = Validate(request, out var spec, out var size);
            if (problem is not null)
            {
                return Task.FromResult(problem);
            }

            var order = NewOrder(request, spec!, size);
            var fillTime = _markets[spec!.Symbol].CloseTime;
            if (request.Type == OrderType.Market || IsMarketable(request, spec.Symbol))
            {
                var reference = request.Type == OrderType.Market ? _markets[spec.Symbol].Last.Close : request.Price!.Value;
                var price = request.Type == OrderType.Market ? Slip(reference, request.Side, spec.TickSize) : reference;
                Execute(order, spec, price, spec.TakerFeeRate, "taker", fillTime);
                AttachStops(order, request, spec);
            }
            else
            {
                order.PendingStopLoss = request.StopLossPrice;
                order.PendingTakeProfit = request.TakeProfitPrice;
            }

            return Task.FromResult<PlaceOrderOutcome>(new PlaceOrderOutcome.Accepted(order.Id));
        }
    }

    public Task<PlaceOrderOutcome> PlaceTestOrderAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var problem = Validate(request, out _, out _);
            return Task.FromResult(problem ?? new PlaceOrderOutcome.Accepted("test"));
        }
    }

    public Task<bool> CancelOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_orders.TryGetValue(orderId, out var order) && Cancel(order));
        }
    }

    public Task<bool> CancelOrderByClientOidAsync(string clientOid, string symbol, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byClientOid.TryGetValue(clientOid, out var order) && Cancel(order));
        }
    }

    public Task<int> CancelAllAsync(string symbol, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var name = Normalize(symbol);
            var count = _orders.Values.Where(o => o.Symbol == name && o.State == ExchangeOrderState.Open).ToList().Count(Cancel);
            return Task.FromResult(count);
        }
    }

    public Task<ExchangeOrder?> GetOrderByClientOidAsync(string clientOid, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byClientOid.TryGetValue(clientOid, out var order) ? order.ToExchangeOrder() : null);
        }
    }

    public Task<IReadOnlyList<ExchangeOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken cancellationToken) =>
        Task.FromResult(Query(o => o.State == ExchangeOrderState.Open && o.Stop is null && Matches(o, symbol)));

    public Task<IReadOnlyList<ExchangeOrder>> GetOpenStopOrdersAsync(string? symbol, CancellationToken cancellationToken) =>
        Task.FromResult(Query(o => o.State == ExchangeOrderState.Open && o.Stop is not null && Matches(o, symbol)));

    public Task<IReadOnlyList<ExchangeOrder>> GetRecentDoneOrdersAsync(string? symbol, CancellationToken cancellationToken) =>
        Task.FromResult(Query(o => o.State is ExchangeOrderState.Filled or ExchangeOrderState.Cancelled && Matches(o, symbol)));

    public Task<IReadOnlyList<Fill>> GetRecentFillsAsync(string? symbol, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var name = symbol is null ? null : Normalize(symbol);
            IReadOnlyList<Fill> fills = _fills.Where(f => name is null || f.Symbol == name).Reverse().ToList();
            return Task.FromResult(fills);
        }
    }

    public Task<IReadOnlyList<ExchangePosition>> GetPositionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ExchangePosition> result = _positions.Values
                .Where(p => p.Qty != 0)
                .OrderBy(p => p.Symbol, StringComparer.Ordinal)
                .Select(p => new ExchangePosition
                {
                    Symbol = p.Symbol,
                    CurrentQty = p.Qty,
                    AvgEntryPrice = p.AvgEntry,
                    MarkPrice = Mark(p.Symbol),
                    UnrealisedPnl = Unrealised(p),
                    RealisedPnl = p.RealisedGross - p.Fees - p.Funding,
                    Leverage = p.Leverage,
                    PosInit = p.Margin,
                })
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken) => Task.FromResult(_time.GetUtcNow());

    private static string Normalize(string symbol) =>
        SymbolCanonicalizer.TryParse(symbol, out var s, out _) ? s.FuturesSymbol : symbol.Trim().ToUpperInvariant();

    private static bool Matches(PaperOrder order, string? symbol) => symbol is null || order.Symbol == Normalize(symbol);

    private IReadOnlyList<ExchangeOrder> Query(Func<PaperOrder, bool> predicate)
    {
        lock (_gate)
        {
            return _orders.Values.Where(predicate).OrderBy(o => o.Sequence).Select(o => o.ToExchangeOrder()).ToList();
        }
    }

    private PlaceOrderOutcome? Validate(PlaceOrderRequest request, out ContractSpec? spec, out decimal size)
    {
        size = 0;
        spec = ContractCatalog.Find(request.Symbol);
        if (!ClientOrderIds.IsValid(request.ClientOid))
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, "400100", "clientOid must be 1–40 characters of [A-Za-z0-9_-]");
        }

        if (_byClientOid.ContainsKey(request.ClientOid))
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.DuplicateOrder, "300018", "clientOid parameter repeated");
        }

        if (spec is null)
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.UnknownSymbol, "100001", $"contract {request.Symbol} does not exist");
        }

        if (!_markets.TryGetValue(spec.Symbol, out var market))
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, null, $"paper exchange has no price for {spec.Symbol} yet");
        }

        if (request.Type == OrderType.Limit && (request.Price is null || request.Price <= 0))
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, "400100", "limit order needs a positive price");
        }

        if (request.Leverage < 1 || request.Leverage > spec.MaxLeverage)
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.LeverageLimit, "400100", $"leverage {request.Leverage} is outside 1..{spec.MaxLeverage}");
        }

        var position = _positions.GetValueOrDefault(spec.Symbol);
        var signed = position?.Qty ?? 0m;
        var reducing = (request.Side == OrderSide.Sell && signed > 0) || (request.Side == OrderSide.Buy && signed < 0);
        size = request.Size;
        if (request.CloseOrder || request.ReduceOnly)
        {
            if (!reducing)
            {
                return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, "300009", $"no {spec.Symbol} position for a reduce-only {request.Side} order");
            }

            size = request.CloseOrder ? Math.Abs(signed) : Math.Min(request.Size, Math.Abs(signed));
        }

        if (size <= 0 || size != decimal.Truncate(size) || size > spec.MaxOrderQty)
        {
            return new PlaceOrderOutcome.Rejected(ErrorCodes.ExchangeRejected, "400100", $"size {request.Size} must be a whole number of lots between 1 and {spec.MaxOrderQty}");
        }

        if (!reducing || size > Math.Abs(signed))
        {
            var opening = reducing ? size - Math.Abs(signed) : size;
            var price = request.Price ?? market.Last.Close;
            var required = (opening * spec.Multiplier * price / request.Leverage) + (opening * spec.Multiplier * price * spec.TakerFeeRate);
            var available = _wallet + _positions.Values.Sum(Unrealised) - _positions.Values.Sum(p => p.Margin);
            if (required > available)
            {
                return new PlaceOrderOutcome.Rejected(ErrorCodes.InsufficientBalance, "300003", $"needs {required:0.########} USDT of margin, {available:0.########} available");
            }
        }

        return null;
    }

    private PaperOrder NewOrder(PlaceOrderRequest request, ContractSpec spec, decimal size)
    {
        var order = new PaperOrder
        {
            Sequence = ++_sequence,
            Id = $"paper-{_sequence:D10}",
            ClientOid = request.ClientOid,
            Symbol = spec.Symbol,
            Side = request.Side,
            Type = request.Type,
            Price = request.Price,
            Size = size,
            ReduceOnly = request.ReduceOnly || request.CloseOrder,
            CloseOrder = request.CloseOrder,
            Leverage = request.Leverage,
            CreatedAt = _markets[spec.Symbol].CloseTime,
        };
        _orders[order.Id] = order;
        _byClientOid[order.ClientOid] = order;
        return order;
    }

    private bool IsMarketable(PlaceOrderRequest request, string symbol)
    {
        var last = _markets[symbol].Last.Close;
        return request.Side == OrderSide.Buy ? request.Price >= last : request.Price <= last;
    }

    /// <summary>Price moved against the trader by the slippage, rounded to the tick in the trader's disfavour.</summary>
    private decimal Slip(decimal price, OrderSide side, decimal tick)
    {
        var factor = _options.SlippageBps / 10_000m;
        var raw = side == OrderSide.Buy ? price * (1 + factor) : price * (1 - factor);
        if (tick <= 0)
        {
            return raw;
        }

        var steps = raw / tick;
        return (side == OrderSide.Buy ? Math.Ceiling(steps) : Math.Floor(steps)) * tick;
    }

    private void AttachStops(PaperOrder entry, PlaceOrderRequest request, ContractSpec spec) =>
        AttachStops(entry, request.StopLossPrice, request.TakeProfitPrice, spec);

    private void AttachStops(PaperOrder entry, decimal? stopLoss, decimal? takeProfit, ContractSpec spec)
    {
        if (entry.ReduceOnly)
        {
            return;
        }

        var exitSide = entry.Side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
        if (stopLoss is { } sl)
        {
            AddStop(entry, spec, exitSide, sl, entry.Side == OrderSide.Buy ? "down" : "up", "stop_loss", "-sl");
        }

        if (takeProfit is { } tp)
        {
            AddStop(entry, spec, exitSide, tp, entry.Side == OrderSide.Buy ? "up" : "down", "take_profit", "-tp");
        }
    }

    private void AddStop(PaperOrder entry, ContractSpec spec, OrderSide side, decimal stopPrice, string direction, string purpose, string suffix)
    {
        var clientOid = entry.ClientOid.Length + suffix.Length <= 40 ? entry.ClientOid + suffix : entry.ClientOid[..(40 - suffix.Length)] + suffix;
        var stop = new PaperOrder
        {
            Sequence = ++_sequence,
            Id = $"paper-{_sequence:D10}",
            ClientOid = clientOid,
            Symbol = spec.Symbol,
            Side = side,
            Type = OrderType.Market,
            Size = entry.FilledSize,
            ReduceOnly = true,
            CloseOrder = true,
            Stop = direction,
            StopPrice = stopPrice,
            Purpose = purpose,
            Leverage = entry.Leverage,
            CreatedAt = entry.CreatedAt,
        };
        _orders[stop.Id] = stop;
        _byClientOid[stop.ClientOid] = stop;
    }

    private void TriggerStops(ContractSpec spec, Candle candle, DateTimeOffset at, List<PaperExecution> executions)
    {
        // Stop-losses first: when a candle spans both levels we cannot know the path, so assume the worse one.
        var stops = _orders.Values
            .Where(o => o.Symbol == spec.Symbol && o.State == ExchangeOrderState.Open && o.Stop is not null)
            .OrderBy(o => o.Purpose == "stop_loss" ? 0 : 1)
            .ThenBy(o => o.Sequence)
            .ToList();
        foreach (var stop in stops)
        {
            if (stop.State != ExchangeOrderState.Open)
            {
                continue; // cancelled by an earlier exit in this candle
            }

            var triggered = stop.Stop == "down" ? candle.Low <= stop.StopPrice : candle.High >= stop.StopPrice;
            if (!triggered)
            {
                continue;
            }

            var position = _positions.GetValueOrDefault(spec.Symbol);
            var reducing = position is not null && ((stop.Side == OrderSide.Sell && position.Qty > 0) || (stop.Side == OrderSide.Buy && position.Qty < 0));
            if (!reducing)
            {
                Cancel(stop);
                continue;
            }

            // A gap through the level fills at the open; otherwise at the level. Then slippage, as a market order.
            var trigger = stop.StopPrice!.Value;
            var reference = stop.Stop == "down" ? Math.Min(trigger, candle.Open) : Math.Max(trigger, candle.Open);
            stop.Size = stop.CloseOrder ? Math.Abs(position!.Qty) : Math.Min(stop.Size, Math.Abs(position!.Qty));
            stop.StopTriggered = true;
            var fill = Execute(stop, spec, Slip(reference, stop.Side, spec.TickSize), spec.TakerFeeRate, "taker", at);
            executions.Add(new PaperExecution(stop.ToExchangeOrder(), fill, stop.Purpose ?? "stop", true));
        }
    }

    private void FillRestingLimits(ContractSpec spec, Candle candle, DateTimeOffset at, List<PaperExecution> executions)
    {
        var resting = _orders.Values
            .Where(o => o.Symbol == spec.Symbol && o.State == ExchangeOrderState.Open && o.Stop is null && o.Type == OrderType.Limit)
            .OrderBy(o => o.Sequence)
            .ToList();
        foreach (var order in resting)
        {
            var limit = order.Price!.Value;
            var touched = order.Side == OrderSide.Buy ? candle.Low <= limit : candle.High >= limit;
            if (!touched)
            {
                continue;
            }

            if (order.ReduceOnly)
            {
                var position = _positions.GetValueOrDefault(spec.Symbol);
                var reducing = position is not null && ((order.Side == OrderSide.Sell && position.Qty > 0) || (order.Side == OrderSide.Buy && position.Qty < 0));
                if (!reducing)
                {
                    Cancel(order);
                    continue;
                }

                order.Size = Math.Min(order.Size, Math.Abs(position!.Qty));
            }

            // A gap through the limit fills at the (better) open.
            var price = order.Side == OrderSide.Buy ? Math.Min(limit, candle.Open) : Math.Max(limit, candle.Open);
            var fill = Execute(order, spec, price, spec.MakerFeeRate, "maker", at);
            AttachStops(order, order.PendingStopLoss, order.PendingTakeProfit, spec);
            executions.Add(new PaperExecution(order.ToExchangeOrder(), fill, "limit", order.ReduceOnly));
        }
    }

    private List<PaperFunding> SettleFunding(ContractSpec spec, DateTimeOffset from, DateTimeOffset to, decimal markPrice)
    {
        var result = new List<PaperFunding>();
        if (!_positions.TryGetValue(spec.Symbol, out var position) || position.Qty == 0)
        {
            return result;
        }

        var interval = TimeSpan.FromHours(_options.FundingIntervalHours).Ticks;
        // Every boundary b (a multiple of the interval since the epoch) with from < b <= to.
        var first = ((from.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / interval) + 1;
        for (var k = first; (k * interval) + DateTimeOffset.UnixEpoch.UtcTicks <= to.UtcTicks; k++)
        {
            var boundary = new DateTimeOffset((k * interval) + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero);
            if (boundary <= position.OpenedAt)
            {
                continue;
            }

            var amount = position.Qty * spec.Multiplier * markPrice * _options.FundingRate;
            _wallet -= amount;
            position.Funding += amount;
            var entry = new PaperFunding(spec.Symbol, boundary, _options.FundingRate, markPrice, position.Qty, amount);
            _funding.Add(entry);
            result.Add(entry);
        }

        return result;
    }

    private Fill Execute(PaperOrder order, ContractSpec spec, decimal price, decimal feeRate, string liquidity, DateTimeOffset at)
    {
        var lots = order.Size;
        var value = lots * spec.Multiplier * price;
        var fee = value * feeRate;
        var position = _positions.GetValueOrDefault(spec.Symbol);
        if (position is null || position.Qty == 0)
        {
            position = new PaperPosition { Symbol = spec.Symbol, OpenedAt = at, Leverage = order.Leverage };
            _positions[spec.Symbol] = position;
        }

        var signedFill = order.Side == OrderSide.Buy ? lots : -lots;
        var remaining = signedFill;
        if (position.Qty != 0 && Math.Sign(position.Qty) != Math.Sign(signedFill))
        {
            var closing = Math.Min(Math.Abs(position.Qty), lots);
            var direction = position.Qty > 0 ? 1m : -1m;
            var gross = (price - position.AvgEntry) * closing * spec.Multiplier * direction;
            position.RealisedGross += gross;
            _wallet += gross;
            position.Margin -= position.Margin * closing / Math.Abs(position.Qty);
            position.Qty -= direction * closing;
            remaining = signedFill + (direction * closing);
        }

        if (remaining != 0)
        {
            if (position.Qty == 0)
            {
                position.AvgEntry = 0;
                position.Margin = 0;
                position.Leverage = order.Leverage;
                position.OpenedAt = at;
            }

            var newQty = position.Qty + remaining;
            position.AvgEntry = ((position.AvgEntry * Math.Abs(position.Qty)) + (price * Math.Abs(remaining))) / Math.Abs(newQty);
            position.Margin += Math.Abs(remaining) * spec.Multiplier * price / order.Leverage;
            position.Qty = newQty;
        }

        position.Fees += fee;
        _wallet -= fee;
        order.FilledSize += lots;
        order.FilledValue += value;
        order.AvgDealPrice = price;
        order.State = ExchangeOrderState.Filled;
        order.UpdatedAt = at;
        var fill = new Fill
        {
            TradeId = $"paper-trade-{++_sequence:D10}",
            OrderId = order.Id,
            Symbol = spec.Symbol,
            Side = order.Side,
            Price = price,
            Size = lots,
            Value = value,
            Fee = fee,
            FeeRate = feeRate,
            Liquidity = liquidity,
            TradeTime = at,
        };
        _fills.Add(fill);

        if (position.Qty == 0)
        {
            _positions.Remove(spec.Symbol);
            foreach (var stop in _orders.Values.Where(o => o.Symbol == spec.Symbol && o.State == ExchangeOrderState.Open && o.ReduceOnly).ToList())
            {
                Cancel(stop); // one-cancels-other: the remaining stop / take-profit dies with the position
            }
        }

        return fill;
    }

    private static bool Cancel(PaperOrder order)
    {
        if (order.State != ExchangeOrderState.Open)
        {
            return false;
        }

        order.State = ExchangeOrderState.Cancelled;
        return true;
    }

    private decimal Mark(string symbol) => _markets.TryGetValue(symbol, out var m) ? m.Last.Close : 0m;

    private decimal Unrealised(PaperPosition p)
    {
        var spec = ContractCatalog.Find(p.Symbol)!;
        var mark = Mark(p.Symbol);
        return mark == 0 ? 0 : (mark - p.AvgEntry) * p.Qty * spec.Multiplier;
    }

    private sealed record MarketState(Candle Last, DateTimeOffset CloseTime, List<Candle> History);

    private sealed class PaperPosition
    {
        public required string Symbol { get; init; }
        public decimal Qty { get; set; }
        public decimal AvgEntry { get; set; }
        public decimal Margin { get; set; }
        public int Leverage { get; set; }
        public decimal RealisedGross { get; set; }
        public decimal Fees { get; set; }
        public decimal Funding { get; set; }
        public DateTimeOffset OpenedAt { get; set; }
    }

    private sealed class PaperOrder
    {
        public required long Sequence { get; init; }
        public required string Id { get; init; }
        public required string ClientOid { get; init; }
        public required string Symbol { get; init; }
        public required OrderSide Side { get; init; }
        public required OrderType Type { get; init; }
        public decimal? Price { get; init; }
        public decimal Size { get; set; }
        public decimal FilledSize { get; set; }
        public decimal FilledValue { get; set; }
        public decimal? AvgDealPrice { get; set; }
        public ExchangeOrderState State { get; set; } = ExchangeOrderState.Open;
        public bool ReduceOnly { get; init; }
        public bool CloseOrder { get; init; }
        public string? Stop { get; init; }
        public decimal? StopPrice { get; init; }
        public bool StopTriggered { get; set; }
        public string? Purpose { get; init; }
        public int Leverage { get; init; }
        public decimal? PendingStopLoss { get; set; }
        public decimal? PendingTakeProfit { get; set; }
        public required DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? UpdatedAt { get; set; }

        public ExchangeOrder ToExchangeOrder() => new()
        {
            Id = Id,
            ClientOid = ClientOid,
            Symbol = Symbol,
            Side = Side,
            Type = Type,
            Price = Price,
            Size = Size,
            FilledSize = FilledSize,
            FilledValue = FilledValue,
            AvgDealPrice = AvgDealPrice,
            State = State,
            ReduceOnly = ReduceOnly,
            CloseOrder = CloseOrder,
            Stop = Stop,
            StopPrice = StopPrice,
            Leverage = Leverage,
            CreatedAt = CreatedAt,
        };
    }
}
