using BenchmarkDotNet.Attributes;
using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Benchmarks;

/// <summary>
/// KuCoin gateway costs: signing + order serialisation per request (CPU only), and client overhead per call against
/// the fake KuCoin server on loopback (a public GET, a signed GET, a signed order POST).
/// Run: dotnet run -c Release --project bench/CypherScoping.Benchmarks -- --filter '*ExchangeBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private readonly KuCoinSigner _signer = new("bench-key", "f03a5284-5c39-4aaa-9b20-dea10bdcf8e3", "bench-passphrase");
    private readonly PlaceOrderRequest _order = new()
    {
        ClientOid = "5c52e11203aa677f33e493fb",
        Symbol = "XBTUSDTM",
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Price = 60000.1m,
        Size = 1,
        Leverage = 3,
    };

    private FakeKuCoinServer _fake = null!;
    private ServiceProvider _services = null!;
    private KuCoinFuturesExchange _exchange = null!;
    private int _sequence;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Quotas high enough that the budget never throttles the measurement.
        _fake = await FakeKuCoinServer.StartAsync(new FakeKuCoinOptions { PublicPoolQuota = 100_000_000, FuturesPoolQuota = 100_000_000 });
        var settings = _fake.ClientSettings();
        settings["KuCoin:MaxConcurrentCalls"] = "3";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKuCoinExchange(configuration);
        _services = services.BuildServiceProvider();
        _exchange = _services.GetRequiredService<KuCoinFuturesExchange>();
        await _exchange.SyncTimeAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Benchmark(Description = "sign a GET (prehash + HMAC + base64)")]
    public string SignGet() => _signer.SignRequest(1547015186532, "GET", "/api/v1/orders?status=active&symbol=XBTUSDTM", null);

    [Benchmark(Description = "serialise + sign an order body")]
    public string SerialiseAndSignOrder()
    {
        var body = KuCoinFuturesExchange.SerializeOrder(_order);
        return _signer.SignRequest(1547015186532, "POST", "/api/v1/orders", body);
    }

    [Benchmark(Description = "public GET /api/v1/ticker via fake (loopback)")]
    public Task<Ticker> PublicTicker() => _exchange.GetTickerAsync("XBTUSDTM", CancellationToken.None);

    [Benchmark(Description = "signed GET /api/v1/account-overview via fake (loopback)")]
    public Task<AccountOverview> SignedAccount() => _exchange.GetAccountOverviewAsync(CancellationToken.None);

    [Benchmark(Description = "signed POST /api/v1/orders/test via fake (loopback)")]
    public Task<PlaceOrderOutcome> SignedTestOrder() =>
        _exchange.PlaceTestOrderAsync(_order with { ClientOid = "b" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture) }, CancellationToken.None);
}
