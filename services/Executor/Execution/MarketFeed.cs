using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Orders;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Data;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Executor.Execution;

/// <summary>
/// Feeds MarketScanned candles to the paper exchange (stops, take-profits, resting limits, funding) and books what
/// happened: OrderFilled, PositionClosed, AccountSnapshot. A live exchange needs no feed.
/// </summary>
public sealed partial class MarketFeed(IExchange exchange, OrderLedger ledger, PositionTracker positions, SymbolLocks locks, TimeProvider time, ILogger<MarketFeed> logger)
{
    public async Task OnScannedAsync(MarketScanned scan, IEventSink sink, CancellationToken cancellationToken)
    {
        if (exchange is not PaperExchange paper)
        {
            return;
        }

        using var _ = await locks.AcquireAsync(scan.Symbol, cancellationToken);
        var symbol = SymbolLocks.KeyOf(scan.Symbol);
        var result = paper.OnCandle(symbol, new Candle(scan.CandleOpenTime, scan.Open, scan.High, scan.Low, scan.Close, scan.Volume), scan.IntervalMinutes);
        if (!result.Applied)
        {
            LogSkipped(logger, symbol, result.Problem ?? "skipped");
            return;
        }

        foreach (var funding in result.Funding)
        {
            await positions.ApplyFundingAsync(symbol, funding.Amount, cancellationToken);
        }

        foreach (var execution in result.Executions)
        {
            await BookAsync(symbol, execution, sink, cancellationToken);
        }

        var hasPosition = await ledger.OpenPositionAsync(symbol, cancellationToken) is not null;
        if (result.Executions.Count > 0 || result.Funding.Count > 0 || hasPosition)
        {
            await sink.PublishAsync(await positions.SnapshotAsync(scan.CorrelationId, time.GetUtcNow(), cancellationToken), cancellationToken);
        }
    }

    private async Task BookAsync(string symbol, PaperExecution execution, IEventSink sink, CancellationToken cancellationToken)
    {
        var fill = execution.Fill;
        var order = execution.Order;
        await ledger.TryRecordFillAsync(fill, order.ClientOid, execution.Trigger, cancellationToken);
        var intent = await ledger.GetAsync(order.ClientOid, cancellationToken);
        var position = await ledger.OpenPositionAsync(symbol, cancellationToken);
        var correlation = intent?.CorrelationId ?? position?.CorrelationId ?? Guid.Empty;
        if (intent is not null)
        {
            await ledger.MarkFilledAsync(intent.ClientOrderId, order.Id, fill.Size, fill.Price, fill.Fee, fill.TradeTime, cancellationToken);
        }

        await sink.PublishAsync(new OrderFilled
        {
            ClientOrderId = order.ClientOid,
            ExchangeOrderId = order.Id,
            CorrelationId = correlation,
            OccurredAt = fill.TradeTime,
            Symbol = symbol,
            BaseAsset = position?.BaseAsset ?? intent?.BaseAsset ?? symbol,
            Side = fill.Side,
            FilledSize = fill.Size,
            FillPrice = fill.Price,
            Fee = fill.Fee,
            Liquidity = fill.Liquidity,
            ReduceOnly = execution.ReduceOnly,
        }, cancellationToken);

        if (execution.ReduceOnly)
        {
            var closed = await positions.ApplyExitAsync(symbol, fill.Size, fill.Price, fill.Fee, fill.TradeTime, execution.Trigger == "limit" ? "signal" : execution.Trigger, cancellationToken);
            if (closed is not null)
            {
                await sink.PublishAsync(closed, cancellationToken);
            }
        }
        else if (intent is not null)
        {
            var (opened, closed) = await positions.ApplyEntryAsync(intent, fill.Size, fill.Price, fill.Fee, fill.TradeTime, cancellationToken);
            if (closed is not null)
            {
                await sink.PublishAsync(closed, cancellationToken);
            }

            if (opened is not null)
            {
                await sink.PublishAsync(opened, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Paper exchange skipped a candle for {Symbol}: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string symbol, string problem);
}
