using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Exchange.Paper;
using CypherScoping.Executor.Workers;
using CypherScoping.TestKit;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Executor.Tests;

/// <summary>Paper orders never reach KuCoin; live orders never land on the paper exchange.</summary>
public sealed class ExchangeModeGuardTests
{
    [Fact]
    public async Task The_guard_names_a_venue_that_does_not_match_the_mode()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(fake.ClientSettings()).Build();
        using var provider = new ServiceCollection().AddLogging().AddKuCoinExchange(configuration).BuildServiceProvider();
        var kucoin = provider.GetRequiredService<IExchange>();
        var paper = new PaperExchange(new PaperExchangeOptions(), TimeProvider.System);

        Assert.Contains("TRADING_MODE=paper", ExchangeModeGuard.Check(TradingMode.Paper, kucoin), StringComparison.Ordinal);
        Assert.Contains("TRADING_MODE=live", ExchangeModeGuard.Check(TradingMode.Live, paper), StringComparison.Ordinal);
        Assert.Null(ExchangeModeGuard.Check(TradingMode.Paper, paper));
        Assert.Null(ExchangeModeGuard.Check(TradingMode.Live, kucoin));
    }

    [Fact]
    public async Task A_paper_executor_sharing_a_host_whose_exchange_port_is_kucoin_refuses_to_start()
    {
        // As in one process where another registration claimed IExchange for KuCoin before the Executor's turn.
        await using var fake = await FakeKuCoinServer.StartAsync();
        var settings = TestHosts.SqliteSettings();
        foreach (var (k, v) in fake.ClientSettings())
        {
            settings[k] = v;
        }

        settings["Trading:Mode"] = "paper";
        using var host = TestHosts.Build(ExecutorRegistration.ServiceName, settings, b =>
        {
            b.Services.AddKuCoinExchange(b.Configuration);
            b.AddExecutor();
        });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("E_INVALID_CONFIG", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.PlaceOrderCalls);
    }

    [Fact]
    public void The_scanners_kucoin_registration_does_not_claim_the_order_port()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KuCoin:BaseUrl"] = "http://127.0.0.1:9" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddKuCoinMarketData(configuration).BuildServiceProvider();

        Assert.NotNull(provider.GetService<KuCoinFuturesExchange>());
        Assert.Null(provider.GetService<IExchange>());
    }
}
