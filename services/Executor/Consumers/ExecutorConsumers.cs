using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts;
using CypherScoping.Executor.Execution;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Consumers;

/// <summary>OrderApproved → the order path. Same symbol one at a time (symbol lock), different symbols in parallel.</summary>
public sealed class OrderApprovedConsumer(OrderExecutor executor) : IConsumer<OrderApproved>
{
    public Task Consume(ConsumeContext<OrderApproved> context) =>
        executor.ExecuteAsync(context.Message, new ConsumeContextSink(context), context.CancellationToken);
}

public sealed class OrderApprovedConsumerDefinition : ConsumerDefinition<OrderApprovedConsumer>
{
    public OrderApprovedConsumerDefinition(IOptions<ExecutorOptions> options) => ConcurrentMessageLimit = options.Value.Concurrency;
}

/// <summary>MarketScanned → the paper exchange's candle (stops, take-profits, funding).</summary>
public sealed class MarketScannedConsumer(MarketFeed feed) : IConsumer<MarketScanned>
{
    public Task Consume(ConsumeContext<MarketScanned> context) =>
        feed.OnScannedAsync(context.Message, new ConsumeContextSink(context), context.CancellationToken);
}

public sealed class MarketScannedConsumerDefinition : ConsumerDefinition<MarketScannedConsumer>
{
    public MarketScannedConsumerDefinition(IOptions<ExecutorOptions> options) => ConcurrentMessageLimit = options.Value.Concurrency;
}

/// <summary>Risk's trading state, kept (persisted) as the Executor's own copy.</summary>
public sealed class TradingStateChangedConsumer(TradingStateStore store) : IConsumer<TradingStateChanged>
{
    public Task Consume(ConsumeContext<TradingStateChanged> context) =>
        store.SetAsync(context.Message.State, context.Message.PausedUntil, context.Message.OccurredAt, context.CancellationToken);
}

/// <summary>HaltTrading takes effect in the Executor at once (defence in depth; Risk confirms with TradingStateChanged).</summary>
public sealed class HaltTradingConsumer(TradingStateStore store) : IConsumer<HaltTrading>
{
    public Task Consume(ConsumeContext<HaltTrading> context) =>
        store.SetAsync(TradingState.Halted, null, context.Message.OccurredAt, context.CancellationToken);
}

public sealed class FlattenPositionsConsumer(FlattenService flatten) : IConsumer<FlattenPositions>
{
    public Task Consume(ConsumeContext<FlattenPositions> context) =>
        flatten.FlattenAsync(context.Message, new ConsumeContextSink(context), context.CancellationToken);
}

public sealed class CancelAllOrdersConsumer(FlattenService flatten) : IConsumer<CancelAllOrders>
{
    public Task Consume(ConsumeContext<CancelAllOrders> context) =>
        flatten.CancelAllAsync(context.Message, new ConsumeContextSink(context), context.CancellationToken);
}
