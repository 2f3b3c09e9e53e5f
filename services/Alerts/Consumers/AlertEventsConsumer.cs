using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using MassTransit;

namespace CypherScoping.Alerts.Consumers;

/// <summary>
/// Thin adapter: every event a human must see → the rules → the dispatcher's intake (inbox + de-duplication +
/// queue, one transaction). Delivery happens in the AlertDeliveryWorker, so a slow Slack never blocks the queue.
/// One queue (alerts-alert-events) bound to every type below.
/// </summary>
public sealed class AlertEventsConsumer(AlertRules rules, AlertDispatcher dispatcher) :
    IConsumer<CircuitBreakerTripped>,
    IConsumer<TradingStateChanged>,
    IConsumer<PositionsFlattened>,
    IConsumer<ReconciliationMismatchDetected>,
    IConsumer<ExchangeErrorOccurred>,
    IConsumer<OrderRejected>,
    IConsumer<DuplicateOrderBlocked>,
    IConsumer<RampStepChanged>,
    IConsumer<StrategyHealthReported>,
    IConsumer<ServiceStarted>,
    IConsumer<RiskProfileChanged>
{
    public Task Consume(ConsumeContext<CircuitBreakerTripped> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<TradingStateChanged> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<PositionsFlattened> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<ReconciliationMismatchDetected> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<ExchangeErrorOccurred> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<OrderRejected> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<DuplicateOrderBlocked> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<RampStepChanged> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<StrategyHealthReported> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<ServiceStarted> context) => SubmitAsync(context, rules.For(context.Message));

    public Task Consume(ConsumeContext<RiskProfileChanged> context) => SubmitAsync(context, rules.For(context.Message));

    private Task SubmitAsync<T>(ConsumeContext<T> context, Alert? alert)
        where T : class
    {
        if (alert is null)
        {
            return Task.CompletedTask;
        }

        // Keyed by message id: a redelivery is recognised by the inbox and sends nothing twice.
        var messageKey = $"{typeof(T).Name}:{context.MessageId?.ToString("N") ?? alert.Key + ":" + context.Message.GetHashCode()}";
        return dispatcher.SubmitAsync(alert with { AlertId = context.MessageId ?? alert.AlertId }, messageKey, context.CancellationToken);
    }
}
