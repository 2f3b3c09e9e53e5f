using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CypherScoping.Exchange.KuCoin;

public static class KuCoinRegistration
{
    /// <summary>
    /// KuCoin options (validated at start: live mode without key/secret/passphrase → E_MISSING_CREDENTIALS naming the
    /// variables), the named HttpClient (auth headers redacted from HTTP logging), the rate limiter, the exchange as
    /// <see cref="IExchange"/> and <see cref="KuCoinFuturesExchange"/>, and the <see cref="OrderReconciler"/>.
    /// </summary>
    public static IServiceCollection AddKuCoinExchange(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKuCoinMarketData(configuration);
        services.TryAddSingleton<IExchange>(sp => sp.GetRequiredService<KuCoinFuturesExchange>());
        services.TryAddSingleton<OrderReconciler>();
        return services;
    }

    /// <summary>
    /// The KuCoin client as <see cref="KuCoinFuturesExchange"/> only, for reading market data. It does NOT claim the
    /// <see cref="IExchange"/> port: in a one-process paper run the Scanner reads KuCoin while the Executor's orders
    /// must go to the paper exchange, never to KuCoin.
    /// </summary>
    public static IServiceCollection AddKuCoinMarketData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KuCoinOptions>().Bind(configuration.GetSection(KuCoinOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KuCoinOptions>>(new KuCoinOptionsValidator(configuration));
        services.AddOptions<OrderReconcilerOptions>().Bind(configuration.GetSection(OrderReconcilerOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(KuCoinFuturesExchange.HttpClientName, (sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<KuCoinOptions>>().Value;
                client.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // per-request timeout on the TimeProvider
            })
            .RedactLoggedHeaders(_ => true);
        services.TryAddSingleton<KuCoinRateLimiter>();
        services.TryAddSingleton<KuCoinFuturesExchange>();
        return services;
    }

    private sealed class KuCoinOptionsValidator(IConfiguration configuration) : IValidateOptions<KuCoinOptions>
    {
        public ValidateOptionsResult Validate(string? name, KuCoinOptions options)
        {
            var live = string.Equals(configuration["Trading:Mode"], "live", StringComparison.OrdinalIgnoreCase);
            var problems = options.Validate(live);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
