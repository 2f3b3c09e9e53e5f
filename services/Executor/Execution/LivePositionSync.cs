using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;

namespace CypherScoping.Executor.Execution;

/// <summary>
/// Live mode: positions closed on the exchange by their attached stop-loss / take-profit are booked as round trips.
/// A tracked position the exchange no longer holds is closed with the exit fills found after it opened (exit reason
/// from the level the exit price is nearer to). Without such fills nothing is guessed: the position stays open in the
/// ledger and startup reconciliation reports the mismatch.
/// </summary>
public sealed class LivePositionSync(OrderLedger ledger, IExchange exchange, PositionTracker positions, SymbolLocks locks, TimeProvider time)
{
    public async Task<int> SyncAsync(IEventSink sink, CancellationToken cancellationToken)
    {
        if (exchange is PaperExchange)
        {
            return 0; // the paper exchange reports its exits through MarketFeed
        }

        var closedCount = 0;
        var onExchange = (await exchange.GetPositionsAsync(cancellationToken)).Where(p => p.CurrentQty != 0)
            .Select(p => SymbolLocks.KeyOf(p.Symbol)).ToHashSet(StringComparer.Ordinal);
        foreach (var tracked in await ledger.OpenPositionsAsync(cancellationToken))
        {
            if (onExchange.Contains(tracked.Symbol))
            {
                continue;
            }

            using var _ = await locks.AcquireAsync(tracked.Symbol, cancellationToken);
            var position = await ledger.OpenPositionAsync(tracked.Symbol, cancellationToken);
            if (position is null)
            {
                continue;
            }

            var exitSide = Sides.ExitSide(position.SideValue);
            var exits = (await exchange.GetRecentFillsAsync(position.Symbol, cancellationToken))
                .Where(f => f.Side == exitSide && f.TradeTime >= position.OpenedAt)
                .OrderBy(f => f.TradeTime)
                .ToList();
            var newExits = new List<Fill>();
            foreach (var fill in exits)
            {
                if (await ledger.TryRecordFillAsync(fill, null, "exchange_exit", cancellationToken))
                {
                    newExits.Add(fill);
                }
            }

            if (newExits.Count == 0)
            {
                continue;
            }

            var lots = newExits.Sum(f => f.Size);
            var price = newExits.Sum(f => f.Price * f.Size) / lots;
            var reason = Math.Abs(price - position.StopLoss) <= Math.Abs(price - position.TakeProfit) ? ExitReasons.StopLoss : ExitReasons.TakeProfit;
            var at = newExits.Max(f => f.TradeTime);
            foreach (var fill in newExits)
            {
                await sink.PublishAsync(new OrderFilled
                {
                    ClientOrderId = string.Empty,
                    ExchangeOrderId = fill.OrderId,
                    CorrelationId = position.CorrelationId,
                    OccurredAt = fill.TradeTime,
                    Symbol = position.Symbol,
                    BaseAsset = position.BaseAsset,
                    Side = fill.Side,
                    FilledSize = fill.Size,
                    FillPrice = fill.Price,
                    Fee = fill.Fee,
                    Liquidity = fill.Liquidity,
                    ReduceOnly = true,
                }, cancellationToken);
            }

            var closed = await positions.ApplyExitAsync(position.Symbol, lots, price, newExits.Sum(f => f.Fee), at, reason, cancellationToken);
            if (closed is not null)
            {
                closedCount++;
                await sink.PublishAsync(closed, cancellationToken);
            }
        }

        if (closedCount > 0)
        {
            await sink.PublishAsync(await positions.SnapshotAsync(Guid.NewGuid(), time.GetUtcNow(), cancellationToken), cancellationToken);
        }

        return closedCount;
    }
}
