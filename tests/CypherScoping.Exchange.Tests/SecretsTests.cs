using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit.FakeKuCoin;

namespace CypherScoping.Exchange.Tests;

/// <summary>Secrets never appear in logs or exception messages (architecture §5.6).</summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task Failing_authenticated_calls_leak_neither_secret_nor_passphrase_nor_passphrase_header()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var settings = fake.ClientSettings();
        const string secret = "s3cr3t-Zq9-unique-8d1f";
        const string passphrase = "pa55-Xk7-unique-42c9";
        settings["KuCoin:ApiSecret"] = secret;
        settings["KuCoin:ApiPassphrase"] = passphrase;
        var passphraseHeader = new KuCoinSigner("k", secret, passphrase).PassphraseHeader;
        await using var client = KuCoinTestClient.Create(settings, new Dictionary<string, string?> { ["KuCoin:RequestTimeoutMilliseconds"] = "1500" });

        var messages = new List<string>();
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetAccountOverviewAsync(CancellationToken.None));
        Assert.Equal(ErrorCodes.AuthFailed, ex.ErrorCode);
        messages.Add(ex.ToString());
        var rejected = await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "leak-1", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Size = 1 }, CancellationToken.None);
        messages.Add(rejected.ToString());

        // A timed-out authenticated order and a 5xx answer produce warnings too.
        fake.DropResponseDelay = TimeSpan.FromSeconds(3);
        fake.InjectFault(new FakeFault(FakeFaultKind.AcceptThenDropResponse) { Method = "POST" });
        messages.Add((await client.Port.PlaceOrderAsync(new PlaceOrderRequest { ClientOid = "leak-2", Symbol = "ETHUSDTM", Side = OrderSide.Buy, Size = 1 }, CancellationToken.None)).ToString());
        fake.InjectFault(new FakeFault(FakeFaultKind.ServerErrorBeforeProcessing) { Count = 10 });
        messages.Add((await Assert.ThrowsAsync<ExchangeException>(() => client.Port.GetPositionsAsync(CancellationToken.None))).ToString());

        var logs = client.Logs.AllText;
        Assert.Contains("E_AUTH_FAILED", logs, StringComparison.Ordinal); // the failure was logged...
        Assert.Contains("System.Net.Http.HttpClient.kucoin-futures", logs, StringComparison.Ordinal); // ...and HTTP logging was captured
        foreach (var text in messages.Append(logs))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(passphrase, text, StringComparison.Ordinal);
            Assert.DoesNotContain(passphraseHeader, text, StringComparison.Ordinal);
        }

        var options = new KuCoinOptions { ApiKey = "k", ApiSecret = secret, ApiPassphrase = passphrase };
        Assert.DoesNotContain(secret, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(passphrase, options.ToString(), StringComparison.Ordinal);
    }
}
