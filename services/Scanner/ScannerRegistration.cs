using CypherScoping.Domain;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Scanner.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CypherScoping.Scanner;

/// <summary>Registers the Scanner service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class ScannerRegistration
{
    public const string ServiceName = "scanner";

    public static IHostApplicationBuilder AddScanner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScannerOptions>()
            .Bind(builder.Configuration.GetSection(ScannerOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ScannerOptions>, ScannerOptionsValidator>();
        var options = builder.Configuration.GetSection(ScannerOptions.SectionName).Get<ScannerOptions>() ?? new ScannerOptions();
        var trading = builder.Configuration.GetSection(TradingOptions.SectionName).Get<TradingOptions>() ?? new TradingOptions();
        if (ScannerOptions.ParseMarket(options.Market ?? string.Empty) == MarketKind.KuCoin || (string.IsNullOrWhiteSpace(options.Market) && !trading.IsSimulation))
        {
            // Market data from KuCoin's klines. The client is registered for reading only: it never becomes the
            // IExchange an Executor in the same process would send orders to.
            builder.Services.AddKuCoinMarketData(builder.Configuration);
        }

        builder.Services.AddSingleton<ScanCycle>();
        builder.Services.AddSingleton<IScanCycle>(sp => sp.GetRequiredService<ScanCycle>());
        builder.Services.AddHostedService<ScannerWorker>();
        return builder;
    }

    private sealed class ScannerOptionsValidator(IOptions<TradingOptions> trading) : IValidateOptions<ScannerOptions>
    {
        public ValidateOptionsResult Validate(string? name, ScannerOptions options)
        {
            var problems = options.Validate(trading.Value);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
