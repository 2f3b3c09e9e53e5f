using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Execution;

/// <summary>FlattenPositions / CancelAllOrders inside the service: the <see cref="Flattener"/> plus the ledger and position book. Works while Halted.</summary>
public sealed partial class FlattenService(
    IExchange exchange,
    OrderLedger ledger,
    OrderExecutor executor,
    PositionTracker positions,
    SymbolLocks locks,
    IOptions<ExecutorOptions> options,
    TimeProvider time,
    ILogger<FlattenService> logger)
{
    public async Task<FlattenReport> FlattenAsync(FlattenPositions command, IEventSink sink, CancellationToken cancellationToken)
    {
        var report = await RunAsync(command.CommandId, command.CorrelationId, command.Symbol, closePositions: true, cancellationToken);

        // Book the closing fills (OrderPlaced, OrderFilled, PositionClosed with exit reason flatten).
        foreach (var clientOid in report.CloseOrderIds)
        {
            var intent = await ledger.GetAsync(clientOid, cancellationToken);
            if (intent is null || IntentStatus.IsFinal(intent.Status))
            {
                continue;
            }

            using var _ = await locks.AcquireAsync(intent.Symbol, cancellationToken);
            await executor.ReconcileAsync(intent, sink, publishPlaced: true, cancellationToken);
        }

        var now = time.GetUtcNow();
        LogFlattened(logger, report.IsFlat, report.ClosedPositions, report.CancelledOrders, report.Attempts);
        await sink.PublishAsync(new PositionsFlattened
        {
            CorrelationId = command.CorrelationId,
            OccurredAt = now,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            IsFlat = report.IsFlat,
            ClosedPositions = report.ClosedPositions,
            CancelledOrders = report.CancelledOrders,
            Attempts = report.Attempts,
            RemainingPositions = report.RemainingPositions.Select(p => new PositionSnapshot
            {
                Symbol = p.Symbol,
                BaseAsset = SymbolCanonicalizer.BaseAssetOf(p.Symbol) ?? p.Symbol,
                Side = p.CurrentQty > 0 ? PositionSide.Long : PositionSide.Short,
                Size = Math.Abs(p.CurrentQty),
                SizeBase = Math.Abs(p.CurrentQty) * (ContractCatalog.Find(p.Symbol)?.Multiplier ?? 0m),
                EntryPrice = p.AvgEntryPrice,
                MarkPrice = p.MarkPrice,
                InitialMargin = p.PosInit,
                UnrealizedPnl = p.UnrealisedPnl,
                Leverage = (int)Math.Max(1m, Math.Round(p.Leverage, MidpointRounding.AwayFromZero)),
            }).ToList(),
        }, cancellationToken);
        await sink.PublishAsync(await positions.SnapshotAsync(command.CorrelationId, now, cancellationToken), cancellationToken);
        return report;
    }

    public async Task<FlattenReport> CancelAllAsync(CancelAllOrders command, IEventSink sink, CancellationToken cancellationToken)
    {
        var report = await RunAsync(command.CommandId, command.CorrelationId, command.Symbol, closePositions: false, cancellationToken);
        LogCancelled(logger, report.CancelledOrders, report.IsFlat);
        await sink.PublishAsync(await positions.SnapshotAsync(command.CorrelationId, time.GetUtcNow(), cancellationToken), cancellationToken);
        return report;
    }

    private Task<FlattenReport> RunAsync(Guid commandId, Guid correlationId, string? symbol, bool closePositions, CancellationToken cancellationToken)
    {
        var delay = exchange is PaperExchange ? TimeSpan.Zero : TimeSpan.FromMilliseconds(options.Value.FlattenDelayMs);
        var flattener = new Flattener(exchange, options.Value.FlattenAttempts, delay)
        {
            // The closing order is an intent like any other: in the ledger before it is sent.
            BeforeClose = async (request, position, ct) =>
            {
                var now = time.GetUtcNow();
                var intent = new OrderIntent
                {
                    ClientOrderId = request.ClientOid,
                    SignalId = commandId,
                    CorrelationId = correlationId,
                    Purpose = IntentPurpose.Flatten,
                    Symbol = SymbolLocks.KeyOf(request.Symbol),
                    BaseAsset = SymbolCanonicalizer.BaseAssetOf(request.Symbol) ?? request.Symbol,
                    PositionSide = (position.CurrentQty > 0 ? PositionSide.Long : PositionSide.Short).ToString(),
                    Side = request.Side.ToString(),
                    OrderType = OrderType.Market.ToString(),
                    Size = request.Size,
                    EntryPrice = position.AvgEntryPrice,
                    StopLoss = 0m,
                    TakeProfit = 0m,
                    Leverage = request.Leverage,
                    ReduceOnly = true,
                    RiskAmount = 0m,
                    Status = IntentStatus.Sent,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                await ledger.TryReserveAsync(intent, ct);
            },
        };
        return flattener.FlattenAsync(symbol, closePositions, commandId.ToString("N"), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flatten finished: flat={IsFlat}, closed {Closed} positions, cancelled {Cancelled} orders in {Attempts} attempts")]
    private static partial void LogFlattened(ILogger logger, bool isFlat, int closed, int cancelled, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel-all finished: cancelled {Cancelled} orders, no orders left={NoneLeft}")]
    private static partial void LogCancelled(ILogger logger, int cancelled, bool noneLeft);
}
