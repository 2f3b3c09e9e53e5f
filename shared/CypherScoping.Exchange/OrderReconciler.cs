using CypherScoping.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Exchange;

/// <summary>How hard the reconciler looks before it decides (section KuCoin:Reconciliation).</summary>
public sealed class OrderReconcilerOptions
{
    public const string SectionName = "KuCoin:Reconciliation";

    /// <summary>Look-ups by clientOid before the cross-checks (orders can become visible with a lag).</summary>
    public int LookupAttempts { get; set; } = 4;
    public int LookupDelayMilliseconds { get; set; } = 1000;
    /// <summary>How often a confirmed-absent order may be re-submitted (same clientOid) by PlaceOrderSafelyAsync.</summary>
    public int MaxResubmits { get; set; } = 2;
    /// <summary>After 300018 (the order exists), how many full reconciliation rounds to look for it.</summary>
    public int DuplicateLookupRounds { get; set; } = 3;
}

/// <summary>Result of reconciling an order whose placement outcome is unknown.</summary>
public abstract record ReconcileResult
{
    /// <summary>The exchange knows the order (open, stop, done or filled).</summary>
    public sealed record Found(ExchangeOrder Order) : ReconcileResult;

    /// <summary>Every check answered and none knows the order: it was not placed. Only now may it be re-submitted.</summary>
    public sealed record Absent : ReconcileResult;

    /// <summary>Could not decide (a check failed, or something unexplained happened). Do not re-submit; try later.</summary>
    public sealed record StillUnknown(string Reason) : ReconcileResult;
}

/// <summary>
/// Lost-response reconciliation (kucoin-futures-api.md §5), usable with any <see cref="IExchange"/>: look the order up
/// by clientOid with short bounded re-tries, then cross-check recent fills, open orders, untriggered stop orders and
/// recent done orders. A POST with an unknown outcome is never retried blindly: <see cref="PlaceOrderSafelyAsync"/>
/// re-submits (with the SAME clientOid) only an order confirmed absent, and treats 300018 (duplicate clientOid) as
/// "the original exists" and goes back to the look-up.
/// </summary>
public sealed partial class OrderReconciler
{
    private readonly IExchange _exchange;
    private readonly TimeProvider _time;
    private readonly ILogger<OrderReconciler> _logger;
    private readonly OrderReconcilerOptions _options;

    public OrderReconciler(IExchange exchange, TimeProvider time, ILogger<OrderReconciler> logger, IOptions<OrderReconcilerOptions>? options = null)
    {
        _exchange = exchange;
        _time = time;
        _logger = logger;
        _options = options?.Value ?? new OrderReconcilerOptions();
    }

    public async Task<ReconcileResult> ReconcileAsync(string clientOid, string symbol, DateTimeOffset? submittedAt, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var attempts = Math.Max(1, _options.LookupAttempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                if (await _exchange.GetOrderByClientOidAsync(clientOid, cancellationToken).ConfigureAwait(false) is { } order)
                {
                    LogFound(_logger, clientOid, order.Id, "byClientOid", attempt);
                    return new ReconcileResult.Found(order);
                }
            }
            catch (ExchangeException ex)
            {
                failures.Add($"byClientOid: {ex.ErrorCode}");
            }

            if (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_options.LookupDelayMilliseconds), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        // Cross-checks. Fills first: any order that filled before this read is in one of the lists read after it.
        IReadOnlyList<Fill> fills = [];
        var known = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            fills = await _exchange.GetRecentFillsAsync(symbol, cancellationToken).ConfigureAwait(false);
        }
        catch (ExchangeException ex)
        {
            failures.Add($"recentFills: {ex.ErrorCode}");
        }

        var lists = new (string Name, Func<Task<IReadOnlyList<ExchangeOrder>>> Load)[]
        {
            ("openOrders", () => _exchange.GetOpenOrdersAsync(symbol, cancellationToken)),
            ("stopOrders", () => _exchange.GetOpenStopOrdersAsync(symbol, cancellationToken)),
            ("recentDoneOrders", () => _exchange.GetRecentDoneOrdersAsync(symbol, cancellationToken)),
        };
        foreach (var (name, load) in lists)
        {
            try
            {
                foreach (var order in await load().ConfigureAwait(false))
                {
                    if (order.ClientOid == clientOid)
                    {
                        LogFound(_logger, clientOid, order.Id, name, attempts);
                        return new ReconcileResult.Found(order);
                    }

                    known.Add(order.Id);
                }
            }
            catch (ExchangeException ex)
            {
                failures.Add($"{name}: {ex.ErrorCode}");
            }
        }

        if (failures.Count > 0)
        {
            var reason = "checks failed: " + string.Join(", ", failures);
            LogStillUnknown(_logger, ErrorCodes.OrderStateUnknown, clientOid, reason);
            return new ReconcileResult.StillUnknown(reason);
        }

        // A fill since the attempt that belongs to no order we can see could be ours (market order filled instantly).
        var since = (submittedAt ?? DateTimeOffset.MinValue.AddYears(1)) - TimeSpan.FromSeconds(1);
        var unexplained = fills.Where(f => f.TradeTime >= since && !known.Contains(f.OrderId)).Select(f => f.OrderId).Distinct().ToList();
        if (unexplained.Count > 0)
        {
            var reason = $"fills of {unexplained.Count} unidentified order(s) since the attempt";
            LogStillUnknown(_logger, ErrorCodes.ReconciliationMismatch, clientOid, reason);
            return new ReconcileResult.StillUnknown(reason);
        }

        LogAbsent(_logger, clientOid, symbol);
        return new ReconcileResult.Absent();
    }

    /// <summary>
    /// Place an order and settle an unknown outcome: Accepted(orderId) (placed, or found by reconciliation), Rejected
    /// (definitive), or Unknown(E_ORDER_STATE_UNKNOWN) when reconciliation could not decide — never a blind re-send.
    /// </summary>
    public async Task<PlaceOrderOutcome> PlaceOrderSafelyAsync(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var submittedAt = _time.GetUtcNow();
        var outcome = await _exchange.PlaceOrderAsync(request, cancellationToken).ConfigureAwait(false);
        var resubmits = 0;
        while (true)
        {
            switch (outcome)
            {
                case PlaceOrderOutcome.Accepted:
                    return outcome;

                case PlaceOrderOutcome.Rejected { ErrorCode: ErrorCodes.DuplicateOrder }:
                {
                    // 300018: an active order with this clientOid exists — find it (it may still be invisible), never place another.
                    for (var round = 0; round < Math.Max(1, _options.DuplicateLookupRounds); round++)
                    {
                        if (await ReconcileAsync(request.ClientOid, request.Symbol, submittedAt, cancellationToken).ConfigureAwait(false) is ReconcileResult.Found f)
                        {
                            return new PlaceOrderOutcome.Accepted(f.Order.Id);
                        }
                    }

                    return new PlaceOrderOutcome.Unknown(ErrorCodes.OrderStateUnknown, "KuCoin reports the clientOid in use (300018) but the order cannot be read yet");
                }

                case PlaceOrderOutcome.Rejected:
                    return outcome;

                case PlaceOrderOutcome.Unknown unknown:
                {
                    var result = await ReconcileAsync(request.ClientOid, request.Symbol, submittedAt, cancellationToken).ConfigureAwait(false);
                    switch (result)
                    {
                        case ReconcileResult.Found f:
                            return new PlaceOrderOutcome.Accepted(f.Order.Id);
                        case ReconcileResult.StillUnknown s:
                            return new PlaceOrderOutcome.Unknown(ErrorCodes.OrderStateUnknown, $"{unknown.ErrorCode}: {unknown.Reason}; reconciliation: {s.Reason}");
                    }

                    if (resubmits >= _options.MaxResubmits)
                    {
                        return new PlaceOrderOutcome.Unknown(ErrorCodes.OrderStateUnknown, $"{unknown.ErrorCode}: {unknown.Reason}; confirmed absent but re-submit budget used");
                    }

                    resubmits++;
                    LogResubmit(_logger, request.ClientOid, resubmits);
                    submittedAt = _time.GetUtcNow();
                    outcome = await _exchange.PlaceOrderAsync(request, cancellationToken).ConfigureAwait(false);
                    break;
                }

                default:
                    return outcome;
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Reconciled order {ClientOid}: found {OrderId} via {Source} (attempt {Attempt})")]
    private static partial void LogFound(ILogger logger, string clientOid, string orderId, string source, int attempt);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "{ErrorCode}: order {ClientOid} still unknown after reconciliation: {Reason}")]
    private static partial void LogStillUnknown(ILogger logger, string errorCode, string clientOid, string reason);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Order {ClientOid} confirmed absent on {Symbol}")]
    private static partial void LogAbsent(ILogger logger, string clientOid, string symbol);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Re-submitting confirmed-absent order {ClientOid} with the same clientOid (re-submit {Count})")]
    private static partial void LogResubmit(ILogger logger, string clientOid, int count);
}
