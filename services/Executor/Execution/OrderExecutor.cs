using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Execution;

/// <summary>
/// The order path (architecture §5, invariants 1–3 and 6): refuse before the exchange when the approval expired,
/// trading is halted/paused for an entry, the symbol fails the policy or live credentials are missing; record the
/// intent before calling the exchange (a second delivery is blocked as E_DUPLICATE_ORDER); place; follow the fill;
/// an unknown outcome is looked up by clientOid, never re-sent.
/// </summary>
public sealed partial class OrderExecutor(
    OrderLedger ledger,
    IExchange exchange,
    SymbolPolicy policy,
    TradingStateStore tradingState,
    PositionTracker positions,
    SymbolLocks locks,
    ExecutorReadiness readiness,
    ExecutorFaults faults,
    OrderReconciler reconciler,
    IOptions<TradingOptions> trading,
    IOptions<ExecutorOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<OrderExecutor> logger)
{
    private static readonly string[] CredentialKeys = ["KuCoin:ApiKey", "KuCoin:ApiSecret", "KuCoin:ApiPassphrase"];
    private static readonly string[] CredentialNames = ["KUCOIN_API_KEY", "KUCOIN_API_SECRET", "KUCOIN_API_PASSPHRASE"];

    private bool IsPaper => exchange is PaperExchange;

    public async Task ExecuteAsync(OrderApproved approval, IEventSink sink, CancellationToken cancellationToken)
    {
        await readiness.WaitAsync(cancellationToken);
        using var _ = await locks.AcquireAsync(approval.Symbol, cancellationToken);
        var now = time.GetUtcNow();
        var state = await tradingState.GetAsync(cancellationToken);
        var refusal = OrderGate.Check(approval, now, state, policy, trading.Value.Mode, MissingCredentials());
        if (refusal is not null)
        {
            LogRefused(logger, approval.ClientOrderId, approval.Symbol, refusal.ErrorCode, refusal.Reason);
            await sink.PublishAsync(Rejected(approval, refusal.ErrorCode, refusal.Reason, null, refusedBeforeExchange: true, now), cancellationToken);
            return;
        }

        var symbol = SymbolLocks.KeyOf(approval.Symbol);
        var intent = ToIntent(approval, symbol, now);
        if (!await ledger.TryReserveAsync(intent, cancellationToken))
        {
            var existing = await ledger.GetAsync(approval.ClientOrderId, cancellationToken);
            var status = existing?.Status ?? "unknown";
            await ledger.RecordDuplicateAsync(approval.ClientOrderId, status, now, cancellationToken);
            LogDuplicate(logger, approval.ClientOrderId, status);
            await sink.PublishAsync(new DuplicateOrderBlocked
            {
                ClientOrderId = approval.ClientOrderId,
                SignalId = approval.SignalId,
                CorrelationId = approval.CorrelationId,
                OccurredAt = now,
                Symbol = symbol,
                BaseAsset = approval.BaseAsset,
                ErrorCode = ErrorCodes.DuplicateOrder,
                ExistingStatus = status,
            }, cancellationToken);
            if (existing is not null && !IntentStatus.IsFinal(existing.Status))
            {
                // The first delivery died part-way (we hold the symbol lock, so nothing is in flight): settle it from
                // the exchange — adopt or mark absent — and never send it again.
                await ReconcileAsync(existing, sink, publishPlaced: existing.Status != IntentStatus.Accepted, cancellationToken);
            }

            return;
        }

        await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Sent, now, cancellationToken: cancellationToken);
        PlaceOrderOutcome outcome;
        try
        {
            outcome = await exchange.PlaceOrderAsync(ToRequest(intent), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The client should not throw for a placement; if it does, we cannot know whether the order went out.
            outcome = new PlaceOrderOutcome.Unknown(ErrorCodes.OrderStateUnknown, ex.GetType().Name);
        }

        faults.AfterExchangeAnswered?.Invoke(intent.ClientOrderId);
        await HandleOutcomeAsync(intent, outcome, sink, cancellationToken);
    }

    /// <summary>Apply an exchange answer to an intent in state sent.</summary>
    public async Task HandleOutcomeAsync(OrderIntent intent, PlaceOrderOutcome outcome, IEventSink sink, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case PlaceOrderOutcome.Accepted accepted:
                await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Accepted, now, accepted.OrderId, cancellationToken: cancellationToken);
                await PublishPlacedAsync(intent, accepted.OrderId, sink, now, cancellationToken);
                await FollowAsync(intent, accepted.OrderId, sink, cancellationToken);
                break;
            case PlaceOrderOutcome.Rejected rejected:
                await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Rejected, now, errorCode: rejected.ErrorCode, reason: rejected.Message, cancellationToken: cancellationToken);
                LogExchangeRejected(logger, intent.ClientOrderId, rejected.ErrorCode, rejected.ExchangeCode);
                await sink.PublishAsync(Rejected(intent, rejected.ErrorCode, rejected.Message, rejected.ExchangeCode, false, now), cancellationToken);
                break;
            case PlaceOrderOutcome.Unknown unknown:
                await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Unknown, now, errorCode: unknown.ErrorCode, reason: unknown.Reason, cancellationToken: cancellationToken);
                LogUnknown(logger, intent.ClientOrderId, unknown.ErrorCode);
                await sink.PublishAsync(new ExchangeErrorOccurred
                {
                    CorrelationId = intent.CorrelationId,
                    OccurredAt = now,
                    Operation = "place_order",
                    Symbol = intent.Symbol,
                    BaseAsset = intent.BaseAsset,
                    ClientOrderId = intent.ClientOrderId,
                    ErrorCode = unknown.ErrorCode,
                    Message = $"order outcome unknown ({unknown.Reason}); looking it up by clientOid, never re-sending",
                }, cancellationToken);
                await ReconcileAsync(intent, sink, publishPlaced: true, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome.GetType().Name}");
        }
    }

    /// <summary>
    /// Resolve an intent whose fate we do not know (after Unknown, or left non-final by a crash): look it up by
    /// clientOid (bounded), cross-check the open/stop/done lists, adopt what the exchange has; confirmed absent → cancelled.
    /// </summary>
    public async Task ReconcileAsync(OrderIntent intent, IEventSink sink, bool publishPlaced, CancellationToken cancellationToken)
    {
        var (order, decided) = await LookUpAsync(intent, cancellationToken);
        var now = time.GetUtcNow();
        if (!decided)
        {
            // Could not decide: stay unknown (startup reconciliation or the next look settles it); never re-send.
            await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Unknown, now, errorCode: ErrorCodes.OrderStateUnknown, reason: "exchange could not confirm the order either way", cancellationToken: cancellationToken);
            await sink.PublishAsync(new ExchangeErrorOccurred
            {
                CorrelationId = intent.CorrelationId,
                OccurredAt = now,
                Operation = "reconcile_order",
                Symbol = intent.Symbol,
                BaseAsset = intent.BaseAsset,
                ClientOrderId = intent.ClientOrderId,
                ErrorCode = ErrorCodes.OrderStateUnknown,
                Message = "order state still unknown after reconciliation; left unknown, not re-sent",
            }, cancellationToken);
            return;
        }

        if (order is null)
        {
            if (intent.Status == IntentStatus.Accepted && intent.ExchangeOrderId is not null)
            {
                // Accepted earlier but gone from every list: the exchange no longer knows it. Say so; never guess a fill.
                await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Cancelled, now, reason: "accepted order not found on the exchange during reconciliation", cancellationToken: cancellationToken);
                return;
            }

            var reason = intent.Status == IntentStatus.Reserved
                ? "reserved but never sent (crash before the call); confirmed absent on the exchange, not sent"
                : "outcome unknown and the order is absent on the exchange after reconciliation; not re-sent";
            await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Cancelled, now, errorCode: ErrorCodes.OrderStateUnknown, reason: reason, cancellationToken: cancellationToken);
            LogAbsent(logger, intent.ClientOrderId);
            await sink.PublishAsync(Rejected(intent, ErrorCodes.OrderStateUnknown, reason, null, intent.Status == IntentStatus.Reserved, now), cancellationToken);
            return;
        }

        LogAdopted(logger, intent.ClientOrderId, order.Id, order.State);
        await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Accepted, now, order.Id, cancellationToken: cancellationToken);
        if (publishPlaced)
        {
            await PublishPlacedAsync(intent, order.Id, sink, now, cancellationToken);
        }

        await FollowAsync(intent, order.Id, sink, cancellationToken, order);
    }

    /// <summary>The order by clientOid; Decided=false when the exchange could not tell (try again later, never re-send).</summary>
    private async Task<(ExchangeOrder? Order, bool Decided)> LookUpAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        if (!IsPaper)
        {
            // The gateway's lost-response reconciliation (kucoin-futures-api.md §5): bounded look-ups plus cross-checks.
            var result = await reconciler.ReconcileAsync(intent.ClientOrderId, intent.Symbol, intent.CreatedAt, cancellationToken);
            return result switch
            {
                ReconcileResult.Found found => (found.Order, true),
                ReconcileResult.Absent => (null, true),
                _ => (null, false),
            };
        }

        // The paper exchange has no visibility lag: one look is conclusive.
        var order = await exchange.GetOrderByClientOidAsync(intent.ClientOrderId, cancellationToken)
            ?? (await exchange.GetRecentDoneOrdersAsync(intent.Symbol, cancellationToken)).FirstOrDefault(o => o.ClientOid == intent.ClientOrderId);
        return (order, true);
    }

    /// <summary>Read an accepted order until it is filled or final (bounded); record the fill and the position change.</summary>
    private async Task FollowAsync(OrderIntent intent, string orderId, IEventSink sink, CancellationToken cancellationToken, ExchangeOrder? known = null)
    {
        var attempts = IsPaper ? 1 : options.Value.FillPollAttempts;
        var order = known;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            order ??= await exchange.GetOrderByClientOidAsync(intent.ClientOrderId, cancellationToken);
            if (order is not null && order.State is ExchangeOrderState.Filled or ExchangeOrderState.Cancelled)
            {
                break;
            }

            if (attempt < attempts)
            {
                order = null;
                await Task.Delay(options.Value.FillPollDelayMs, cancellationToken);
            }
        }

        var now = time.GetUtcNow();
        if (order is null || order.State is ExchangeOrderState.Open or ExchangeOrderState.PartiallyFilled)
        {
            return; // resting; a later read (reconciliation or the snapshot worker) picks the fill up
        }

        if (order.FilledSize <= 0)
        {
            await ledger.SetStatusAsync(intent.ClientOrderId, IntentStatus.Cancelled, now, orderId, reason: "cancelled on the exchange without a fill", cancellationToken: cancellationToken);
            return;
        }

        var fill = await FillOfAsync(order, intent.ClientOrderId, intent.Purpose, cancellationToken);
        await ledger.MarkFilledAsync(intent.ClientOrderId, order.Id, fill.Size, fill.Price, fill.Fee, now, cancellationToken);
        var at = fill.TradeTime == default ? now : fill.TradeTime;
        await sink.PublishAsync(new OrderFilled
        {
            ClientOrderId = intent.ClientOrderId,
            ExchangeOrderId = order.Id,
            CorrelationId = intent.CorrelationId,
            OccurredAt = at,
            Symbol = intent.Symbol,
            BaseAsset = intent.BaseAsset,
            Side = intent.SideValue,
            FilledSize = fill.Size,
            FillPrice = fill.Price,
            Fee = fill.Fee,
            Liquidity = fill.Liquidity,
            ReduceOnly = intent.ReduceOnly,
        }, cancellationToken);

        if (intent.ReduceOnly)
        {
            var closed = await positions.ApplyExitAsync(intent.Symbol, fill.Size, fill.Price, fill.Fee, at,
                intent.Purpose == IntentPurpose.Flatten ? ExitReasons.Flatten : ExitReasons.Signal, cancellationToken);
            if (closed is not null)
            {
                await sink.PublishAsync(closed, cancellationToken);
            }
        }
        else
        {
            var (opened, closed) = await positions.ApplyEntryAsync(intent, fill.Size, fill.Price, fill.Fee, at, cancellationToken);
            if (closed is not null)
            {
                await sink.PublishAsync(closed, cancellationToken);
            }

            if (opened is not null)
            {
                await sink.PublishAsync(opened, cancellationToken);
            }
        }

        await sink.PublishAsync(await positions.SnapshotAsync(intent.CorrelationId, now, cancellationToken), cancellationToken);
    }

    /// <summary>The order's fills as one (size-weighted price, summed fee); recorded once each by trade id.</summary>
    private async Task<Fill> FillOfAsync(ExchangeOrder order, string clientOrderId, string reason, CancellationToken cancellationToken)
    {
        var fills = (await exchange.GetRecentFillsAsync(order.Symbol, cancellationToken)).Where(f => f.OrderId == order.Id).ToList();
        foreach (var f in fills)
        {
            await ledger.TryRecordFillAsync(f, clientOrderId, reason, cancellationToken);
        }

        if (fills.Count > 0)
        {
            var size = fills.Sum(f => f.Size);
            return fills[0] with
            {
                Size = size,
                Price = fills.Sum(f => f.Price * f.Size) / size,
                Fee = fills.Sum(f => f.Fee),
                Value = fills.Sum(f => f.Value),
                TradeTime = fills.Max(f => f.TradeTime),
            };
        }

        // Fills can lag on a live exchange: derive from the order (taker fee of the contract).
        var spec = ContractCatalog.Find(order.Symbol) ?? await exchange.GetContractAsync(order.Symbol, cancellationToken);
        var multiplier = spec?.Multiplier ?? 1m;
        var price = order.AvgDealPrice ?? (order.FilledSize > 0 ? order.FilledValue / (order.FilledSize * multiplier) : 0m);
        var value = order.FilledValue > 0 ? order.FilledValue : order.FilledSize * multiplier * price;
        return new Fill
        {
            TradeId = $"derived-{order.Id}",
            OrderId = order.Id,
            Symbol = order.Symbol,
            Side = order.Side,
            Price = price,
            Size = order.FilledSize,
            Value = value,
            Fee = value * (spec?.TakerFeeRate ?? 0.0006m),
            FeeRate = spec?.TakerFeeRate ?? 0.0006m,
            Liquidity = "taker",
            TradeTime = default,
        };
    }

    private async Task PublishPlacedAsync(OrderIntent intent, string orderId, IEventSink sink, DateTimeOffset now, CancellationToken cancellationToken)
    {
        LogPlaced(logger, intent.ClientOrderId, orderId, intent.Symbol);
        await sink.PublishAsync(new OrderPlaced
        {
            ClientOrderId = intent.ClientOrderId,
            ExchangeOrderId = orderId,
            SignalId = intent.SignalId,
            CorrelationId = intent.CorrelationId,
            OccurredAt = now,
            Symbol = intent.Symbol,
            BaseAsset = intent.BaseAsset,
            Side = intent.SideValue,
            OrderType = intent.OrderTypeValue,
            Size = intent.Size,
            Price = intent.LimitPrice,
            Leverage = intent.Leverage,
            ReduceOnly = intent.ReduceOnly,
            Mode = trading.Value.Mode,
        }, cancellationToken);
    }

    public IReadOnlyList<string> MissingCredentials()
    {
        if (trading.Value.Mode != TradingMode.Live)
        {
            return [];
        }

        var missing = new List<string>();
        for (var i = 0; i < CredentialKeys.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(configuration[CredentialKeys[i]]))
            {
                missing.Add(CredentialNames[i]);
            }
        }

        return missing;
    }

    public static PlaceOrderRequest ToRequest(OrderIntent intent) => new()
    {
        ClientOid = intent.ClientOrderId,
        Symbol = intent.Symbol,
        Side = intent.SideValue,
        Type = intent.OrderTypeValue,
        Size = intent.Size,
        Price = intent.OrderTypeValue == OrderType.Limit ? intent.LimitPrice : null,
        Leverage = intent.Leverage,
        ReduceOnly = intent.ReduceOnly,
        StopLossPrice = intent.ReduceOnly || intent.StopLoss <= 0 ? null : intent.StopLoss,
        TakeProfitPrice = intent.ReduceOnly || intent.TakeProfit <= 0 ? null : intent.TakeProfit,
    };

    /// <summary>The ledger entry an approval becomes (status Reserved), recorded before anything is sent.</summary>
    public static OrderIntent ToIntent(OrderApproved a, string symbol, DateTimeOffset now) => new()
    {
        ClientOrderId = a.ClientOrderId,
        SignalId = a.SignalId,
        CorrelationId = a.CorrelationId,
        Purpose = a.ReduceOnly ? IntentPurpose.Exit : IntentPurpose.Entry,
        Symbol = symbol,
        BaseAsset = SymbolCanonicalizer.BaseAssetOf(symbol) ?? a.BaseAsset,
        PositionSide = a.PositionSide.ToString(),
        Side = a.Side.ToString(),
        OrderType = a.OrderType.ToString(),
        Size = a.Size,
        LimitPrice = a.LimitPrice,
        EntryPrice = a.EntryPrice,
        StopLoss = a.StopLoss,
        TakeProfit = a.TakeProfit,
        Leverage = a.Leverage,
        ReduceOnly = a.ReduceOnly,
        RiskAmount = a.RiskAmount,
        Status = IntentStatus.Reserved,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static OrderRejected Rejected(OrderApproved a, string code, string reason, string? exchangeCode, bool refusedBeforeExchange, DateTimeOffset now) => new()
    {
        ClientOrderId = a.ClientOrderId,
        SignalId = a.SignalId,
        CorrelationId = a.CorrelationId,
        OccurredAt = now,
        Symbol = a.Symbol,
        BaseAsset = SymbolCanonicalizer.BaseAssetOf(a.Symbol) ?? a.BaseAsset,
        Side = a.Side,
        ErrorCode = code,
        ExchangeCode = exchangeCode,
        Reason = reason,
        RefusedBeforeExchange = refusedBeforeExchange,
    };

    private static OrderRejected Rejected(OrderIntent i, string code, string reason, string? exchangeCode, bool refusedBeforeExchange, DateTimeOffset now) => new()
    {
        ClientOrderId = i.ClientOrderId,
        SignalId = i.SignalId,
        CorrelationId = i.CorrelationId,
        OccurredAt = now,
        Symbol = i.Symbol,
        BaseAsset = i.BaseAsset,
        Side = i.SideValue,
        ErrorCode = code,
        ExchangeCode = exchangeCode,
        Reason = reason,
        RefusedBeforeExchange = refusedBeforeExchange,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {ClientOrderId} for {Symbol} refused before the exchange: {ErrorCode} {Reason}")]
    private static partial void LogRefused(ILogger logger, string clientOrderId, string symbol, string errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duplicate delivery of {ClientOrderId} blocked (ledger status {Status})")]
    private static partial void LogDuplicate(ILogger logger, string clientOrderId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {ClientOrderId} placed as {ExchangeOrderId} on {Symbol}")]
    private static partial void LogPlaced(ILogger logger, string clientOrderId, string exchangeOrderId, string symbol);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {ClientOrderId} rejected by the exchange: {ErrorCode} ({ExchangeCode})")]
    private static partial void LogExchangeRejected(ILogger logger, string clientOrderId, string errorCode, string? exchangeCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {ClientOrderId} outcome unknown ({ErrorCode}); reconciling by clientOid")]
    private static partial void LogUnknown(ILogger logger, string clientOrderId, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {ClientOrderId} confirmed absent on the exchange; marked cancelled, not re-sent")]
    private static partial void LogAbsent(ILogger logger, string clientOrderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {ClientOrderId} adopted from the exchange as {ExchangeOrderId} ({State})")]
    private static partial void LogAdopted(ILogger logger, string clientOrderId, string exchangeOrderId, ExchangeOrderState state);
}
