using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Executor.Data;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Executor.Execution;

/// <summary>A symbol where the ledger and the exchange disagree.</summary>
public sealed record PositionMismatch(string Symbol, decimal LedgerLots, decimal ExchangeLots);

/// <summary>
/// Startup reconciliation (architecture §5.2): every intent left non-final is resolved with the exchange (adopted
/// when the exchange has it, cancelled when confirmed absent, never re-sent); then exchange positions are compared
/// with the ledger's. A mismatch publishes ReconciliationMismatchDetected and HaltTrading — never a guess.
/// </summary>
public sealed partial class Reconciler(
    OrderLedger ledger,
    IExchange exchange,
    OrderExecutor executor,
    PositionTracker positions,
    TradingStateStore tradingState,
    SymbolLocks locks,
    TimeProvider time,
    ILogger<Reconciler> logger)
{
    public async Task<IReadOnlyList<PositionMismatch>> RunAsync(IEventSink sink, CancellationToken cancellationToken)
    {
        var correlationId = Guid.NewGuid();
        try
        {
            foreach (var intent in await ledger.NonFinalAsync(cancellationToken))
            {
                using var _ = await locks.AcquireAsync(intent.Symbol, cancellationToken);
                LogReconciling(logger, intent.ClientOrderId, intent.Status);
                await executor.ReconcileAsync(intent, sink, publishPlaced: intent.Status != Domain.IntentStatus.Accepted, cancellationToken);
            }

            var mismatches = await CompareAsync(cancellationToken);
            if (mismatches.Count > 0)
            {
                await HaltAsync(mismatches, correlationId, sink, cancellationToken);
            }

            await sink.PublishAsync(await positions.SnapshotAsync(correlationId, time.GetUtcNow(), cancellationToken), cancellationToken);
            return mismatches;
        }
        catch (Exception ex) when (ex is ExchangeException or HttpRequestException or TimeoutException)
        {
            // Cannot compare: refuse to trade until a human looks (and say why), never assume the ledger is right.
            var now = time.GetUtcNow();
            var code = ex is ExchangeException ee ? ee.ErrorCode : ErrorCodes.ExchangeUnavailable;
            LogFailed(logger, code, ex.GetType().Name);
            await sink.PublishAsync(new ExchangeErrorOccurred
            {
                CorrelationId = correlationId,
                OccurredAt = now,
                Operation = "startup_reconciliation",
                ErrorCode = code,
                Message = $"startup reconciliation could not read the exchange ({ex.GetType().Name}); trading halted",
            }, cancellationToken);
            await HaltAsync([], correlationId, sink, cancellationToken, $"startup reconciliation failed: {code}");
            return [];
        }
    }

    public async Task<IReadOnlyList<PositionMismatch>> CompareAsync(CancellationToken cancellationToken)
    {
        var onExchange = (await exchange.GetPositionsAsync(cancellationToken))
            .Where(p => p.CurrentQty != 0)
            .GroupBy(p => SymbolLocks.KeyOf(p.Symbol), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.CurrentQty), StringComparer.Ordinal);
        var inLedger = (await ledger.OpenPositionsAsync(cancellationToken))
            .GroupBy(p => p.Symbol, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.SignedOpenLots), StringComparer.Ordinal);
        return onExchange.Keys.Union(inLedger.Keys).Order(StringComparer.Ordinal)
            .Select(s => new PositionMismatch(s, inLedger.GetValueOrDefault(s), onExchange.GetValueOrDefault(s)))
            .Where(m => m.LedgerLots != m.ExchangeLots)
            .ToList();
    }

    private async Task HaltAsync(IReadOnlyList<PositionMismatch> mismatches, Guid correlationId, IEventSink sink, CancellationToken cancellationToken, string? reason = null)
    {
        var now = time.GetUtcNow();
        foreach (var m in mismatches)
        {
            LogMismatch(logger, m.Symbol, m.LedgerLots, m.ExchangeLots);
            await sink.PublishAsync(new ReconciliationMismatchDetected
            {
                CorrelationId = correlationId,
                OccurredAt = now,
                Symbol = m.Symbol,
                ErrorCode = ErrorCodes.ReconciliationMismatch,
                Details = $"ledger has {m.LedgerLots} lots of {m.Symbol}, the exchange has {m.ExchangeLots}; trading halted, nothing adjusted",
            }, cancellationToken);
        }

        await tradingState.SetAsync(TradingState.Halted, null, now, cancellationToken);
        await sink.PublishAsync(new HaltTrading
        {
            CommandId = Guid.NewGuid(),
            CorrelationId = correlationId,
            OccurredAt = now,
            Reason = reason ?? $"{ErrorCodes.ReconciliationMismatch}: {string.Join(", ", mismatches.Select(m => $"{m.Symbol} ledger {m.LedgerLots} vs exchange {m.ExchangeLots}"))}",
            RequestedBy = ExecutorRegistration.ServiceName,
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling intent {ClientOrderId} left in status {Status}")]
    private static partial void LogReconciling(ILogger logger, string clientOrderId, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation mismatch on {Symbol}: ledger {LedgerLots} lots, exchange {ExchangeLots} lots; halting")]
    private static partial void LogMismatch(ILogger logger, string symbol, decimal ledgerLots, decimal exchangeLots);

    [LoggerMessage(Level = LogLevel.Error, Message = "Startup reconciliation failed ({ErrorCode}, {Exception}); halting")]
    private static partial void LogFailed(ILogger logger, string errorCode, string exception);
}
