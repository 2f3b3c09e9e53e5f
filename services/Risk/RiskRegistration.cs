using CypherScoping.Domain;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.Risk.Consumers;
using CypherScoping.Risk.Domain;
using CypherScoping.Risk.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Risk;

/// <summary>Registers the Risk service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class RiskRegistration
{
    public const string ServiceName = "risk";

    /// <summary>
    /// Every Risk consumer shares one ordered queue, one message at a time: Risk is a single-writer state machine, and
    /// fills, snapshots, breakers and signals must be applied in the order they happened, not in whichever queue
    /// wins a race.
    /// </summary>
    public const string StateQueue = "state";

    public static IHostApplicationBuilder AddRisk(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RiskOptions>()
            .Bind(builder.Configuration.GetSection(RiskOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RiskOptions>, RiskOptionsValidator>();
        builder.Services.AddOptions<RiskServiceOptions>().Bind(builder.Configuration.GetSection(RiskOptions.SectionName));
        builder.AddServiceDatabase(ServiceName, typeof(RiskRegistration).Assembly);
        builder.Services.AddSingleton<LatestPrices>();
        builder.Services.AddSingleton(sp => new RiskEngine(
            sp.GetRequiredKeyedService<ServiceDatabase>(ServiceName),
            sp.GetRequiredService<IOptions<RiskOptions>>().Value,
            sp.GetRequiredService<IOptions<TradingOptions>>().Value,
            sp.GetRequiredService<SymbolPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<LatestPrices>(),
            sp.GetRequiredService<ILogger<RiskEngine>>()));
        builder.Services.AddHostedService<RiskClockWorker>();

        var s = builder.Services;
        s.AddCypherConsumer<SignalGeneratedConsumer, SignalGeneratedConsumerDefinition>(ServiceName, StateQueue);
        s.AddCypherConsumer<AccountSnapshotConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<PositionClosedConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<ExchangeErrorOccurredConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<HaltTradingConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<ResumeTradingConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<DecideApprovalConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<ChangeRiskProfileConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<ReconciliationMismatchDetectedConsumer>(ServiceName, StateQueue);
        s.AddCypherConsumer<MarketPriceConsumer>(ServiceName, StateQueue);
        return builder;
    }

    /// <summary>Lists every problem with the Risk settings at start.</summary>
    private sealed class RiskOptionsValidator : IValidateOptions<RiskOptions>
    {
        public ValidateOptionsResult Validate(string? name, RiskOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
