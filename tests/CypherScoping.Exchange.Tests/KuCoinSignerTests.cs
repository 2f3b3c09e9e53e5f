using CypherScoping.Exchange.KuCoin;

namespace CypherScoping.Exchange.Tests;

/// <summary>Test vectors of kucoin-futures-api.md §1.4.</summary>
public sealed class KuCoinSignerTests
{
    private const string SecretB = "f03a5284-5c39-4aaa-9b20-dea10bdcf8e3";

    [Fact]
    public void Vector_a_official_sdk_signature_and_passphrase()
    {
        var signer = new KuCoinSigner("test_api_key", "test_api_secret", "test_passphrase");
        Assert.Equal("jie/gxS38wLFFaBwl/cAzFbAzlI8MIny96jSXrB+iP4=", signer.Sign("test_plain"));
        Assert.Equal("Ikr9KjwgA4urCb5Az1TNKgQELW10z84iOq+wsZsRRz0=", signer.PassphraseHeader);
        Assert.Equal("3", signer.KeyVersion);
    }

    [Fact]
    public void Vector_a_headers_carry_millisecond_timestamp_and_version()
    {
        var signer = new KuCoinSigner("test_api_key", "test_api_secret", "test_passphrase");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/timestamp");
        signer.Apply(request, 1234567890000, "/api/v1/timestamp", null);
        Assert.Equal("1234567890000", request.Headers.GetValues("KC-API-TIMESTAMP").Single());
        Assert.Equal("3", request.Headers.GetValues("KC-API-KEY-VERSION").Single());
        Assert.Equal("test_api_key", request.Headers.GetValues("KC-API-KEY").Single());
        Assert.Equal(signer.PassphraseHeader, request.Headers.GetValues("KC-API-PASSPHRASE").Single());
        Assert.Equal(signer.Sign("1234567890000GET/api/v1/timestamp"), request.Headers.GetValues("KC-API-SIGN").Single());
    }

    [Fact]
    public void Vector_b_kucoin_documentation_example()
    {
        var signer = new KuCoinSigner("k", SecretB, "p");
        Assert.Equal("1547015186532POST/api/v1/deposit-addresses{\"currency\":\"BTC\"}", KuCoinSigner.Prehash(1547015186532, "post", "/api/v1/deposit-addresses", "{\"currency\":\"BTC\"}"));
        Assert.Equal("7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=", signer.SignRequest(1547015186532, "POST", "/api/v1/deposit-addresses", "{\"currency\":\"BTC\"}"));
    }

    [Fact]
    public void Vector_c_broken_futures_doc_example_does_not_match_the_claimed_signature()
    {
        var signer = new KuCoinSigner("k", SecretB, "p");
        var signature = signer.SignRequest(1547015186532, "POST", "/api/v1/deposit-address", "{\"currency\":\"XBT\"}");
        Assert.NotEqual("7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=", signature);
        Assert.Equal("ni2D7a6NKPHHdIN/Rm8ZUix5xheGowT54v/5nIG+ztc=", signature);
    }

    [Theory]
    [InlineData("GET", "/api/v1/timestamp", "", "mTjldHYKsFDjqnp7sY4qV8PQ3SPdhP4tz8seXEt49kQ=")]
    [InlineData("GET", "/api/v1/orders?status=active&symbol=XBTUSDTM", "", "JhVDGCFt2QxeE7aPaPd/BPtmgLaILMoGkgyambusH+E=")]
    [InlineData("DELETE", "/api/v1/orders/client-order/5c52e11203aa677f33e493fb?symbol=XBTUSDTM", "", "E6rfAuE+TnBpaolEI0esVyNCCb8WhbgSGaXYwpv1HW4=")]
    [InlineData("POST", "/api/v1/orders", "{\"clientOid\":\"5c52e11203aa677f33e493fb\",\"side\":\"buy\",\"symbol\":\"XBTUSDTM\",\"leverage\":3,\"type\":\"limit\",\"price\":\"0.1\",\"size\":1,\"timeInForce\":\"GTC\",\"marginMode\":\"ISOLATED\"}", "9EJjWbcUJe3jsNEqlQ1zKrDlq+0vZz9JtPEaPV0Ua/o=")]
    public void Vector_d_futures_shaped_requests(string method, string endpoint, string body, string expected)
    {
        var signer = new KuCoinSigner("k", SecretB, "p");
        Assert.Equal(expected, signer.SignRequest(1547015186532, method, endpoint, body));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void Vector_d_passphrase_header_for_key_versions_2_and_3(string version)
    {
        var signer = new KuCoinSigner("k", SecretB, "QWIxMjM0NTY3OCkoKiZeJSQjQA==", version);
        Assert.Equal("HFkKIy8cKfQF3Ognmbamq9Bd8VfYy3eUQj7uC8NvMes=", signer.PassphraseHeader);
        Assert.Equal(version, signer.KeyVersion);
    }

    [Fact]
    public void Serialised_order_body_is_signed_byte_for_byte_as_vector_d()
    {
        var body = KuCoinFuturesExchange.SerializeOrder(new PlaceOrderRequest
        {
            ClientOid = "5c52e11203aa677f33e493fb",
            Symbol = "XBTUSDTM",
            Side = Contracts.OrderSide.Buy,
            Type = Contracts.OrderType.Limit,
            Price = 0.10m,
            Size = 1,
            Leverage = 3,
        });
        Assert.Equal("{\"clientOid\":\"5c52e11203aa677f33e493fb\",\"side\":\"buy\",\"symbol\":\"XBTUSDTM\",\"leverage\":3,\"type\":\"limit\",\"price\":\"0.1\",\"size\":1,\"timeInForce\":\"GTC\",\"marginMode\":\"ISOLATED\"}", body);
        Assert.Equal("9EJjWbcUJe3jsNEqlQ1zKrDlq+0vZz9JtPEaPV0Ua/o=", new KuCoinSigner("k", SecretB, "p").SignRequest(1547015186532, "POST", "/api/v1/orders", body));
    }

    [Fact]
    public void Signer_never_prints_its_secret()
    {
        var signer = new KuCoinSigner("k", SecretB, "my-passphrase");
        Assert.DoesNotContain(SecretB, signer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("my-passphrase", signer.ToString(), StringComparison.Ordinal);
    }
}
