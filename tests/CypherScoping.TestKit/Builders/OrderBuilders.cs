using CypherScoping.Contracts;
using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;

namespace CypherScoping.TestKit.Builders;

/// <summary>Builders for the Executor's input messages (approvals, scans, state changes, operator commands).</summary>
public static class OrderBuilders
{
    /// <summary>An approval as Risk would send it; the client order id is derived from the signal id, as in production.</summary>
    public static OrderApproved Approved(
        DateTimeOffset now,
        string symbol = "ETHUSDTM",
        PositionSide side = PositionSide.Long,
        decimal lots = 10m,
        decimal entry = 2000m,
        decimal stopLoss = 1950m,
        decimal takeProfit = 2100m,
        int leverage = 5,
        TimeSpan? ttl = null,
        Guid? signalId = null,
        bool reduceOnly = false,
        decimal? riskAmount = null)
    {
        var id = signalId ?? Guid.NewGuid();
        var multiplier = ContractCatalog.Find(symbol)?.Multiplier ?? 0.01m;
        var sizeBase = lots * multiplier;
        return new OrderApproved
        {
            SignalId = id,
            CorrelationId = id,
            OccurredAt = now,
            ExpiresAt = now + (ttl ?? TimeSpan.FromMinutes(5)),
            ClientOrderId = ClientOrderIds.FromSignal(id),
            Symbol = symbol,
            BaseAsset = SymbolCanonicalizer.BaseAssetOf(symbol) ?? symbol,
            PositionSide = side,
            Side = reduceOnly ? Sides.ExitSide(side) : Sides.EntrySide(side),
            OrderType = OrderType.Market,
            Size = lots,
            SizeBase = sizeBase,
            EntryPrice = entry,
            StopLoss = stopLoss,
            TakeProfit = takeProfit,
            Leverage = leverage,
            Notional = sizeBase * entry,
            InitialMargin = sizeBase * entry / leverage,
            RiskAmount = riskAmount ?? Math.Abs(entry - stopLoss) * sizeBase,
            Profile = "paper",
            ReduceOnly = reduceOnly,
        };
    }

    /// <summary>The Scanner's MarketScanned for one closed candle.</summary>
    public static MarketScanned Scanned(string symbol, Candle candle, int intervalMinutes = 1) => new()
    {
        ScanId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = candle.OpenTime.AddMinutes(intervalMinutes),
        Symbol = symbol,
        BaseAsset = SymbolCanonicalizer.BaseAssetOf(symbol) ?? symbol,
        Source = "replay",
        IntervalMinutes = intervalMinutes,
        CandleOpenTime = candle.OpenTime,
        Open = candle.Open,
        High = candle.High,
        Low = candle.Low,
        Close = candle.Close,
        Volume = candle.Volume,
        LastPrice = candle.Close,
        CandleCount = 1,
        DurationMs = 0,
    };

    public static TradingStateChanged StateChanged(TradingState state, DateTimeOffset at, DateTimeOffset? pausedUntil = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at,
        State = state,
        PreviousState = TradingState.Active,
        Reason = "test",
        ChangedBy = "test",
        PausedUntil = pausedUntil,
    };

    public static FlattenPositions Flatten(DateTimeOffset at, string? symbol = null) => new()
    {
        CommandId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at,
        Reason = "test flatten",
        RequestedBy = "test",
        Symbol = symbol,
    };
}
