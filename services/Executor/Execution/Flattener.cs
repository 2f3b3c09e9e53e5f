using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;

namespace CypherScoping.Executor.Execution;

/// <summary>What a flatten did and what (if anything) is still open.</summary>
public sealed record FlattenReport(
    bool IsFlat,
    int ClosedPositions,
    int CancelledOrders,
    int Attempts,
    IReadOnlyList<ExchangePosition> RemainingPositions,
    IReadOnlyList<ExchangeOrder> RemainingOrders,
    IReadOnlyList<string> CloseOrderIds,
    IReadOnlyList<string> Actions);

/// <summary>
/// Break-glass flatten against the exchange port only (no bus, no database): cancel every open and stop order,
/// close every position reduce-only at market, re-read until the exchange reports flat, at most
/// <paramref name="maxAttempts"/> rounds. Used by the Executor's FlattenPositions consumer and by
/// <c>cypher flatten --direct</c>. Closing orders are reduce-only, so a repeated round can never open or flip a position.
/// </summary>
public sealed class Flattener(IExchange exchange, int maxAttempts = 5, TimeSpan? delay = null)
{
    /// <summary>Called before each closing order is sent (the Executor records the intent in its ledger here).</summary>
    public Func<PlaceOrderRequest, ExchangePosition, CancellationToken, Task>? BeforeClose { get; init; }

    /// <param name="symbol">Only this symbol (any spelling), or null for everything.</param>
    /// <param name="closePositions">False: cancel orders only (CancelAllOrders).</param>
    /// <param name="nonce">Makes the closing clientOids unique to this flatten.</param>
    public async Task<FlattenReport> FlattenAsync(string? symbol, bool closePositions, string nonce, CancellationToken cancellationToken)
    {
        var only = symbol is null ? null : SymbolLocks.KeyOf(symbol);
        var actions = new List<string>();
        var closeIds = new List<string>();
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var cancelled = 0;
        IReadOnlyList<ExchangePosition> positions = [];
        IReadOnlyList<ExchangeOrder> orders = [];
        var attempt = 0;
        while (attempt < Math.Max(1, maxAttempts))
        {
            attempt++;
            try
            {
                (positions, orders) = await ReadAsync(only, cancellationToken);
                foreach (var sym in orders.Select(o => o.Symbol).Concat(closePositions ? positions.Select(p => p.Symbol) : []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    var n = await exchange.CancelAllAsync(sym, cancellationToken);
                    cancelled += n;
                    actions.Add($"attempt {attempt}: cancelled {n} open/stop orders on {sym}");
                }

                if (closePositions)
                {
                    foreach (var position in positions)
                    {
                        var request = new PlaceOrderRequest
                        {
                            ClientOid = ClientOrderIds.ForExit($"{nonce}{position.Symbol}", $"flatten{attempt}"),
                            Symbol = position.Symbol,
                            Side = position.CurrentQty > 0 ? OrderSide.Sell : OrderSide.Buy,
                            Type = OrderType.Market,
                            Size = Math.Abs(position.CurrentQty),
                            Leverage = (int)Math.Max(1m, Math.Round(position.Leverage, MidpointRounding.AwayFromZero)),
                            ReduceOnly = true,
                            CloseOrder = true,
                            Remark = "flatten",
                        };
                        if (BeforeClose is not null)
                        {
                            await BeforeClose(request, position, cancellationToken);
                        }

                        var outcome = await exchange.PlaceOrderAsync(request, cancellationToken);
                        closeIds.Add(request.ClientOid);
                        actions.Add($"attempt {attempt}: close {position.Symbol} {position.CurrentQty} lots reduce-only at market → {Describe(outcome)}");
                        if (outcome is PlaceOrderOutcome.Accepted)
                        {
                            closed.Add(position.Symbol);
                        }
                    }
                }

                (positions, orders) = await ReadAsync(only, cancellationToken);
                if (orders.Count == 0 && (!closePositions || positions.Count == 0))
                {
                    actions.Add($"attempt {attempt}: exchange reports flat");
                    return new FlattenReport(true, closed.Count, cancelled, attempt, [], [], closeIds, actions);
                }

                actions.Add($"attempt {attempt}: still open: {positions.Count} positions, {orders.Count} orders");
            }
            catch (ExchangeException ex)
            {
                actions.Add($"attempt {attempt}: exchange error {ex.ErrorCode}: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                actions.Add($"attempt {attempt}: network error: {ex.Message}");
            }

            if (attempt < maxAttempts && delay is { } d && d > TimeSpan.Zero)
            {
                await Task.Delay(d, cancellationToken);
            }
        }

        return new FlattenReport(false, closed.Count, cancelled, attempt, closePositions ? positions : [], orders, closeIds, actions);
    }

    private async Task<(IReadOnlyList<ExchangePosition> Positions, IReadOnlyList<ExchangeOrder> Orders)> ReadAsync(string? only, CancellationToken cancellationToken)
    {
        var positions = (await exchange.GetPositionsAsync(cancellationToken))
            .Where(p => p.CurrentQty != 0 && (only is null || SymbolLocks.KeyOf(p.Symbol) == only))
            .ToList();
        var open = await exchange.GetOpenOrdersAsync(only, cancellationToken);
        var stops = await exchange.GetOpenStopOrdersAsync(only, cancellationToken);
        return (positions, open.Concat(stops).ToList());
    }

    private static string Describe(PlaceOrderOutcome outcome) => outcome switch
    {
        PlaceOrderOutcome.Accepted a => $"accepted {a.OrderId}",
        PlaceOrderOutcome.Rejected r => $"rejected {r.ErrorCode} {r.ExchangeCode} {r.Message}",
        PlaceOrderOutcome.Unknown u => $"unknown {u.ErrorCode} {u.Reason} (re-read decides)",
        _ => outcome.GetType().Name,
    };
}
