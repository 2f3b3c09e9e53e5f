using CypherScoping.Contracts;
using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Signals;
using MassTransit;

namespace CypherScoping.Risk.Consumers;

internal static class Publishing
{
    public static async Task PublishAllAsync(this ConsumeContext context, IReadOnlyList<ICypherMessage> messages)
    {
        foreach (var message in messages)
        {
            await context.Publish(message, message.GetType(), context.CancellationToken);
        }
    }
}

/// <summary>SignalGenerated → OrderApproved | OrderDenied | ApprovalRequested (one decision per signal).</summary>
public sealed class SignalGeneratedConsumer(RiskEngine engine) : IConsumer<SignalGenerated>
{
    public async Task Consume(ConsumeContext<SignalGenerated> context) =>
        await context.PublishAllAsync(await engine.DecideSignalAsync(context.Message, context.CancellationToken));
}

/// <summary>One signal at a time: exposure and daily caps must never race, and paper runs stay deterministic.</summary>
public sealed class SignalGeneratedConsumerDefinition : ConsumerDefinition<SignalGeneratedConsumer>
{
    public SignalGeneratedConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SignalGeneratedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.ConcurrentMessageLimit = 1;
    }
}

public sealed class AccountSnapshotConsumer(RiskEngine engine) : IConsumer<AccountSnapshot>
{
    public async Task Consume(ConsumeContext<AccountSnapshot> context) =>
        await context.PublishAllAsync(await engine.OnAccountSnapshotAsync(context.Message, context.CancellationToken));
}

public sealed class PositionClosedConsumer(RiskEngine engine) : IConsumer<PositionClosed>
{
    public async Task Consume(ConsumeContext<PositionClosed> context) =>
        await context.PublishAllAsync(await engine.OnPositionClosedAsync(context.Message, context.CancellationToken));
}

public sealed class ExchangeErrorOccurredConsumer(RiskEngine engine) : IConsumer<ExchangeErrorOccurred>
{
    public async Task Consume(ConsumeContext<ExchangeErrorOccurred> context) =>
        await context.PublishAllAsync(await engine.OnExchangeErrorAsync(context.Message, MessageKey(context), context.CancellationToken));

    internal static string MessageKey(ConsumeContext context) => (context.MessageId ?? NewId.NextGuid()).ToString("D");
}

public sealed class HaltTradingConsumer(RiskEngine engine) : IConsumer<HaltTrading>
{
    public async Task Consume(ConsumeContext<HaltTrading> context)
    {
        var m = context.Message;
        await context.PublishAllAsync(await engine.HaltAsync(m.Reason, m.RequestedBy, m.CorrelationId, m.CommandId.ToString("D"), context.CancellationToken));
    }
}

public sealed class ResumeTradingConsumer(RiskEngine engine) : IConsumer<ResumeTrading>
{
    public async Task Consume(ConsumeContext<ResumeTrading> context)
    {
        var m = context.Message;
        await context.PublishAllAsync(await engine.ResumeAsync(m.Reason, m.RequestedBy, m.CorrelationId, m.CommandId.ToString("D"), context.CancellationToken));
    }
}

public sealed class DecideApprovalConsumer(RiskEngine engine) : IConsumer<DecideApproval>
{
    public async Task Consume(ConsumeContext<DecideApproval> context) =>
        await context.PublishAllAsync(await engine.DecideApprovalAsync(context.Message, context.CancellationToken));
}

public sealed class ChangeRiskProfileConsumer(RiskEngine engine) : IConsumer<ChangeRiskProfile>
{
    public async Task Consume(ConsumeContext<ChangeRiskProfile> context)
    {
        var m = context.Message;
        await context.PublishAllAsync(await engine.ChangeProfileAsync(m.Profile, m.Reason, m.RequestedBy, m.CorrelationId, m.CommandId.ToString("D"), context.CancellationToken));
    }
}

/// <summary>The exchange and the Executor's ledger disagree: halt until an operator has looked.</summary>
public sealed class ReconciliationMismatchDetectedConsumer(RiskEngine engine) : IConsumer<ReconciliationMismatchDetected>
{
    public async Task Consume(ConsumeContext<ReconciliationMismatchDetected> context) =>
        await context.PublishAllAsync(await engine.OnReconciliationMismatchAsync(context.Message, ExchangeErrorOccurredConsumer.MessageKey(context), context.CancellationToken));
}

/// <summary>Keeps the latest price per symbol for approvals that arrive without one (memory only).</summary>
public sealed class MarketPriceConsumer(LatestPrices prices) : IConsumer<MarketScanned>
{
    public Task Consume(ConsumeContext<MarketScanned> context)
    {
        prices.Set(context.Message.Symbol, context.Message.LastPrice);
        return Task.CompletedTask;
    }
}
