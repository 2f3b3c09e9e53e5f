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
        s.AddCypherConsumer<SignalGeneratedConsumer, SignalGeneratedConsumerDefinition>(ServiceName);
        s.AddCypherConsumer<AccountSnapshotConsumer>(ServiceName);
        s.AddCypherConsumer<PositionClosedConsumer>(ServiceName);
        s.AddCypherConsumer<ExchangeErrorOccurredConsumer>(ServiceName);
        s.AddCypherConsumer<HaltTradingConsumer>(ServiceName);
        s.AddCypherConsumer<ResumeTradingConsumer>(ServiceName);
        s.AddCypherConsumer<DecideApprovalConsumer>(ServiceName);
        s.AddCypherConsumer<ChangeRiskProfileConsumer>(ServiceName);
        s.AddCypherConsumer<ReconciliationMismatchDetectedConsumer>(ServiceName);
        s.AddCypherConsumer<MarketPriceConsumer>(ServiceName);
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
