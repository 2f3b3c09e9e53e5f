using CypherScoping.Exchange.KuCoin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CypherScoping.Exchange.Tests;

public sealed class KuCoinRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddKuCoinExchange(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Live_mode_without_credentials_refuses_to_start_naming_every_missing_variable()
    {
        using var host = Build(new() { ["Trading:Mode"] = "live" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("E_MISSING_CREDENTIALS", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KUCOIN_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KUCOIN_API_SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KUCOIN_API_PASSPHRASE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_mode_names_only_the_missing_passphrase_and_never_echoes_the_given_secret()
    {
        using var host = Build(new() { ["Trading:Mode"] = "live", ["KuCoin:ApiKey"] = "key-1", ["KuCoin:ApiSecret"] = "secret-value-77" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("KUCOIN_API_PASSPHRASE", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KUCOIN_API_SECRET", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-77", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_mode_starts_without_credentials_and_registers_one_exchange_and_the_reconciler()
    {
        using var host = Build(new() { ["Trading:Mode"] = "paper" });
        await host.StartAsync();
        var exchange = host.Services.GetRequiredService<KuCoinFuturesExchange>();
        Assert.Same(exchange, host.Services.GetRequiredService<IExchange>());
        Assert.NotNull(host.Services.GetRequiredService<OrderReconciler>());
        Assert.NotNull(host.Services.GetRequiredService<KuCoinRateLimiter>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Bad_key_version_is_refused_at_start()
    {
        using var host = Build(new() { ["KuCoin:KeyVersion"] = "1" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("KUCOIN_API_KEY_VERSION", ex.Message, StringComparison.Ordinal);
    }
}
