using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Execution;

/// <summary>
/// Keeps the Executor's positions in step with its fills: entries open (or add to) a position, exits reduce it and
/// the last exit closes it as a round trip (PositionClosed). Callers hold the symbol's lock.
/// </summary>
public sealed class PositionTracker(OrderLedger ledger, IExchange exchange, IOptions<TradingOptions> trading) : IDisposable
{
    /// <summary>One snapshot at a time: the number a snapshot gets follows the order in which its state was read.</summary>
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);

    public void Dispose() => _snapshotGate.Dispose();

    public TradingMode Mode => trading.Value.Mode;

    public async Task<decimal> MultiplierAsync(string symbol, CancellationToken cancellationToken)
    {
        var spec = ContractCatalog.Find(symbol) ?? await exchange.GetContractAsync(symbol, cancellationToken);
        return spec?.Multiplier ?? throw new ExchangeException(ErrorCodes.UnknownSymbol, $"no contract terms for {symbol}");
    }

    /// <summary>An entry fill. Returns PositionOpened for a new position (null when it added to an existing one).</summary>
    public async Task<(PositionOpened? Opened, PositionClosed? Closed)> ApplyEntryAsync(OrderIntent intent, decimal lots, decimal price, decimal fee, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var multiplier = await MultiplierAsync(intent.Symbol, cancellationToken);
        var existing = await ledger.OpenPositionAsync(intent.Symbol, cancellationToken);
        PositionClosed? closed = null;
        if (existing is not null && existing.Side != intent.PositionSide)
        {
            // One-way mode nets an opposite entry against the open position first.
            var netted = Math.Min(existing.OpenLots, lots);
            var feeShare = fee * netted / lots;
            closed = await ApplyExitAsync(intent.Symbol, netted, price, feeShare, at, ExitReasons.Signal, cancellationToken);
            lots -= netted;
            fee -= feeShare;
            existing = null;
            if (lots <= 0)
            {
                return (null, closed);
            }
        }

        if (existing is not null)
        {
            var total = existing.OpenLots + lots;
            existing.EntryPrice = ((existing.EntryPrice * existing.OpenLots) + (price * lots)) / total;
            existing.Size += lots;
            existing.InitialMargin += lots * multiplier * price / existing.Leverage;
            existing.Fees += fee;
            await ledger.SavePositionAsync(existing, cancellationToken);
            return (null, closed);
        }

        var position = new TrackedPosition
        {
            PositionId = intent.ClientOrderId,
            CorrelationId = intent.CorrelationId,
            Symbol = intent.Symbol,
            BaseAsset = intent.BaseAsset,
            Side = intent.PositionSide,
            Size = lots,
            Multiplier = multiplier,
            EntryPrice = price,
            StopLoss = intent.StopLoss,
            TakeProfit = intent.TakeProfit,
            Leverage = intent.Leverage,
            InitialMargin = lots * multiplier * price / intent.Leverage,
            RiskAmount = intent.RiskAmount,
            Fees = fee,
            Funding = 0m,
            ExitSize = 0m,
            ExitValue = 0m,
            RealizedGross = 0m,
            Status = "open",
            OpenedAt = at,
        };
        await ledger.SavePositionAsync(position, cancellationToken);
        var opened = new PositionOpened
        {
            PositionId = position.PositionId,
            CorrelationId = position.CorrelationId,
            OccurredAt = at,
            Symbol = position.Symbol,
            BaseAsset = position.BaseAsset,
            Side = position.SideValue,
            Size = lots,
            SizeBase = lots * multiplier,
            EntryPrice = price,
            StopLoss = position.StopLoss,
            TakeProfit = position.TakeProfit,
            Leverage = position.Leverage,
            InitialMargin = position.InitialMargin,
            Mode = Mode,
        };
        return (opened, closed);
    }

    /// <summary>An exit fill. Returns PositionClosed when it closed the position; null when partial or nothing was tracked.</summary>
    public async Task<PositionClosed?> ApplyExitAsync(string symbol, decimal lots, decimal price, decimal fee, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        var position = await ledger.OpenPositionAsync(symbol, cancellationToken);
        if (position is null || lots <= 0)
        {
            return null;
        }

        var closing = Math.Min(lots, position.OpenLots);
        position.RealizedGross += TradeMath.Gross(position.SideValue, position.EntryPrice, price, closing, position.Multiplier);
        position.ExitSize += closing;
        position.ExitValue += closing * price;
        position.Fees += fee;
        if (position.OpenLots > 0)
        {
            await ledger.SavePositionAsync(position, cancellationToken);
            return null;
        }

        var trip = TradeMath.Close(position.SideValue, position.EntryPrice, position.StopLoss, position.Size, position.Multiplier,
            position.ExitValue, position.ExitSize, position.RealizedGross, position.Fees, position.Funding, position.RiskAmount);
        position.Status = "closed";
        position.ExitReason = reason;
        position.RealizedPnl = trip.Net;
        position.ClosedAt = at;
        await ledger.SavePositionAsync(position, cancellationToken);
        return new PositionClosed
        {
            PositionId = position.PositionId,
            CorrelationId = position.CorrelationId,
            OccurredAt = at,
            Symbol = position.Symbol,
            BaseAsset = position.BaseAsset,
            Side = position.SideValue,
            Size = position.Size,
            SizeBase = position.Size * position.Multiplier,
            EntryPrice = position.EntryPrice,
            ExitPrice = trip.ExitPrice,
            RealizedPnl = trip.Net,
            Fees = trip.Fees,
            Funding = trip.Funding,
            Outcome = trip.Outcome,
            RMultiple = trip.RMultiple,
            HoldingTime = at - position.OpenedAt,
            ExitReason = reason,
            Mode = Mode,
        };
    }

    /// <summary>Funding paid (positive) or received (negative) by the open position of a symbol.</summary>
    public async Task ApplyFundingAsync(string symbol, decimal amount, CancellationToken cancellationToken)
    {
        var position = await ledger.OpenPositionAsync(symbol, cancellationToken);
        if (position is null)
        {
            return;
        }

        position.Funding += amount;
        await ledger.SavePositionAsync(position, cancellationToken);
    }

    /// <summary>The account as the exchange reports it, with the stops the Executor knows about.</summary>
    public async Task<AccountSnapshot> SnapshotAsync(Guid correlationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await _snapshotGate.WaitAsync(cancellationToken);
        try
        {
            return await TakeSnapshotAsync(correlationId, at, cancellationToken);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }

    private async Task<AccountSnapshot> TakeSnapshotAsync(Guid correlationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var overview = await exchange.GetAccountOverviewAsync(cancellationToken);
        var positions = await exchange.GetPositionsAsync(cancellationToken);
        var tracked = (await ledger.OpenPositionsAsync(cancellationToken)).ToDictionary(p => p.Symbol, StringComparer.Ordinal);
        var open = new List<PositionSnapshot>();
        foreach (var p in positions.Where(p => p.CurrentQty != 0))
        {
            var multiplier = ContractCatalog.Find(p.Symbol)?.Multiplier ?? (await exchange.GetContractAsync(p.Symbol, cancellationToken))?.Multiplier ?? 0m;
            var book = tracked.GetValueOrDefault(SymbolLocks.KeyOf(p.Symbol));
            open.Add(new PositionSnapshot
            {
                Symbol = p.Symbol,
                BaseAsset = SymbolCanonicalizer.BaseAssetOf(p.Symbol) ?? p.Symbol,
                Side = p.CurrentQty > 0 ? PositionSide.Long : PositionSide.Short,
                Size = Math.Abs(p.CurrentQty),
                SizeBase = Math.Abs(p.CurrentQty) * multiplier,
                EntryPrice = p.AvgEntryPrice,
                MarkPrice = p.MarkPrice,
                InitialMargin = p.PosInit,
                UnrealizedPnl = p.UnrealisedPnl,
                Leverage = (int)Math.Max(1m, Math.Round(p.Leverage, MidpointRounding.AwayFromZero)),
                StopLoss = book?.StopLoss,
                TakeProfit = book?.TakeProfit,
            });
        }

        return new AccountSnapshot
        {
            CorrelationId = correlationId,
            OccurredAt = at,
            Mode = Mode,
            Equity = overview.AccountEquity,
            AvailableBalance = overview.AvailableBalance,
            MarginUsed = overview.PositionMargin + overview.OrderMargin,
            UnrealizedPnl = overview.UnrealisedPnl,
            OpenPositions = open,
            Sequence = await ledger.NextSnapshotSequenceAsync(cancellationToken),
        };
    }
}
