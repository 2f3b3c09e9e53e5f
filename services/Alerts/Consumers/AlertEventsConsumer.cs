using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Data;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Alerts.Consumers;

/// <summary>
/// Thin adapter: every event a human must see → the rules → the dispatcher's intake (inbox + de-duplication +
/// queue, one transaction). Delivery happens in the AlertDeliveryWorker, so a slow Slack never blocks the queue.
/// One queue (alerts-alert-events) bound to every type below. Exchange errors are first counted in the alerts
/// database, which decides whether they make a burst.
/// </summary>
public sealed partial class AlertEventsConsumer(AlertRules rules, AlertDispatcher dispatcher, AlertStore store, ILogger<AlertEventsConsumer> logger) :
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

    public async Task Consume(ConsumeContext<ExchangeErrorOccurred> context)
    {
        var m = context.Message;
        var errors = await store.CountExchangeErrorAsync(MessageKey(context, "exchange_error"), m.OccurredAt, rules.ExchangeErrorBurstWindow, context.CancellationToken);
        LogExchangeErrors(logger, m.ErrorCode, m.Operation, errors, rules.ExchangeErrorBurstWindow.TotalMinutes);
        await SubmitAsync(context, rules.For(m, errors));
    }

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
        return dispatcher.SubmitAsync(alert with { AlertId = context.MessageId ?? alert.AlertId }, MessageKey(context, alert.Key), context.CancellationToken);
    }

    private static string MessageKey<T>(ConsumeContext<T> context, string fallback)
        where T : class =>
        $"{typeof(T).Name}:{context.MessageId?.ToString("N") ?? fallback + ":" + context.Message.GetHashCode()}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exchange error {ErrorCode} on {Operation}: {Errors} in the last {WindowMinutes} min")]
    private static partial void LogExchangeErrors(ILogger logger, string errorCode, string operation, int errors, double windowMinutes);
}
