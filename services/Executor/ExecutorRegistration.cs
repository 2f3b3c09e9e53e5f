using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Consumers;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Execution;
using CypherScoping.Executor.Workers;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor;

/// <summary>Registers the Executor service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class ExecutorRegistration
{
    public const string ServiceName = "executor";

    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddServiceDatabase(ServiceName, typeof(ExecutorRegistration).Assembly);

        services.AddOptions<ExecutorOptions>()
            .Bind(builder.Configuration.GetSection(ExecutorOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Executor options are invalid (see Executor:* ranges)")
            .ValidateOnStart();
        services.AddOptions<PaperExchangeOptions>()
            .Bind(builder.Configuration.GetSection(PaperExchangeOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Paper options are invalid (InitialEquity > 0, SlippageBps 0..1000, FundingRate -0.05..0.05, FundingIntervalHours 1..24)")
            .ValidateOnStart();

        AddExchange(builder);

        services.TryAddSingleton(sp => new OrderLedger(sp.GetRequiredKeyedService<ServiceDatabase>(ServiceName)));
        services.TryAddSingleton<TradingStateStore>();
        services.TryAddSingleton<SymbolLocks>();
        services.TryAddSingleton<ExecutorReadiness>();
        services.TryAddSingleton<ExecutorFaults>();
        services.TryAddSingleton<PositionTracker>();
        services.TryAddSingleton<OrderExecutor>();
        services.TryAddSingleton<FlattenService>();
        services.TryAddSingleton<MarketFeed>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<LivePositionSync>();

        services.AddHostedService<ExchangeModeGuard>(); // first: nothing runs on the wrong venue
        services.AddHostedService<StartupReconciliationService>();
        services.AddHostedService<AccountSnapshotWorker>();

        services.AddCypherConsumer<OrderApprovedConsumer, OrderApprovedConsumerDefinition>(ServiceName);
        services.AddCypherConsumer<MarketScannedConsumer, MarketScannedConsumerDefinition>(ServiceName);
        services.AddCypherConsumer<TradingStateChangedConsumer>(ServiceName);
        services.AddCypherConsumer<HaltTradingConsumer>(ServiceName);
        services.AddCypherConsumer<FlattenPositionsConsumer>(ServiceName);
        services.AddCypherConsumer<CancelAllOrdersConsumer>(ServiceName);
        return builder;
    }

    /// <summary>The exchange port: the paper exchange when Trading:Mode=paper, KuCoin when live.</summary>
    private static void AddExchange(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(sp => new PaperExchange(sp.GetRequiredService<IOptions<PaperExchangeOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        var mode = builder.Configuration.GetSection(TradingOptions.SectionName).Get<TradingOptions>()?.Mode ?? TradingMode.Paper;
        if (mode == TradingMode.Live)
        {
            services.AddKuCoinExchange(builder.Configuration);
        }
        else
        {
            services.TryAddSingleton<IExchange>(sp => sp.GetRequiredService<PaperExchange>());
        }

        services.TryAddSingleton<OrderReconciler>();
    }
}
