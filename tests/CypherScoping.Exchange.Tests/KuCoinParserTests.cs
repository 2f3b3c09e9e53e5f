using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit;

namespace CypherScoping.Exchange.Tests;

/// <summary>Every KuCoin example response in ../shared/data/kucoin-futures parses into our models with its values.</summary>
public sealed class KuCoinParserTests
{
    public static TheoryData<string> ResponseFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(SharedData.Require(), "kucoin-futures"), "*.response.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    private static JsonElement Data(string file)
    {
        var envelope = KuCoinParser.ParseEnvelope(File.ReadAllText(SharedData.KuCoin(file)));
        Assert.True(envelope.IsSuccess, file);
        return envelope.Data;
    }

    [Fact]
    public void All_23_example_responses_are_present()
    {
        Assert.Equal(23, ResponseFiles().Count);
    }

    [Theory]
    [MemberData(nameof(ResponseFiles))]
    public void Example_response_parses_with_its_values(string file)
    {
        var data = Data(file);
        switch (file)
        {
            case "DELETE_api_v1_orders_client_order_clientOid.response.json":
                Assert.Equal(["017485b0-2957-4681-8a14-5d46b35aee0d"], KuCoinParser.ParseCancelledIds(data));
                break;
            case "DELETE_api_v1_orders_orderId.response.json":
            case "DELETE_api_v1_stopOrders.response.json":
            case "DELETE_api_v3_orders.response.json":
            {
                var ids = KuCoinParser.ParseCancelledIds(data);
                Assert.NotEmpty(ids);
                Assert.All(ids, id => Assert.Matches("^[0-9a-f]+$", id));
                if (file != "DELETE_api_v1_orders_orderId.response.json")
                {
                    Assert.Equal(["235919172150824960", "235919172150824961"], ids);
                }

                break;
            }

            case "GET_api_v1_account_overview.response.json":
            {
                var a = KuCoinParser.ParseAccount(data);
                Assert.Equal("USDT", a.Currency);
                Assert.Equal(394.439280806m, a.AccountEquity);
                Assert.Equal(290.326799096m, a.AvailableBalance);
                Assert.Equal(20.15278m, a.UnrealisedPnl);
                Assert.Equal(102.20664159m, a.PositionMargin);
                break;
            }

            case "GET_api_v1_contracts_active.response.json":
            {
                var contracts = KuCoinParser.ParseContracts(data);
                Assert.NotEmpty(contracts);
                var xbt = contracts.First(c => c.Symbol == "XBTUSDTM");
                Assert.Equal("BTC", xbt.BaseCurrency); // XBT canonicalised
                Assert.Equal(0.001m, xbt.Multiplier);
                Assert.True(xbt.TickSize > 0);
                break;
            }

            case "GET_api_v1_contracts_symbol.response.json":
            {
                var c = KuCoinParser.ParseContract(data);
                Assert.Equal("XBTUSDTM", c.Symbol);
                Assert.Equal("BTC", c.BaseCurrency);
                Assert.Equal(0.001m, c.Multiplier);
                Assert.Equal(0.1m, c.TickSize);
                Assert.Equal(125, c.MaxLeverage);
                Assert.Equal(0.0002m, c.MakerFeeRate); // 2.0E-4
                Assert.Equal(0.0006m, c.TakerFeeRate); // 6.0E-4
                Assert.Equal(0.000052m, c.FundingFeeRate); // 5.2E-5
                Assert.Equal(86378.69m, c.MarkPrice);
                Assert.Equal("FFWCSX", c.Type);
                Assert.False(c.IsInverse);
                break;
            }

            case "GET_api_v1_fills.response.json":
            {
                var f = Assert.Single(KuCoinParser.ParseFills(data));
                Assert.Equal("1828954878212", f.TradeId);
                Assert.Equal("284486580251463680", f.OrderId);
                Assert.Equal(86275.1m, f.Price);
                Assert.Equal(0.05176506m, f.Fee);
                Assert.Equal(OrderSide.Buy, f.Side);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1740640088244), f.TradeTime); // ns
                break;
            }

            case "GET_api_v1_kline_query.response.json":
            {
                var candles = KuCoinParser.ParseCandles(data);
                Assert.Equal(3, candles.Count);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1728576000000), candles[0].OpenTime);
                Assert.Equal(60791.1m, candles[0].Open);
                Assert.Equal(61035m, candles[0].High);
                Assert.Equal(58940m, candles[0].Low);
                Assert.Equal(60300m, candles[0].Close);
                Assert.Equal(5501167m, candles[0].Volume);
                Assert.Null(candles[0].Turnover); // six elements
                break;
            }

            case "GET_api_v1_orders.response.json":
            case "GET_api_v1_stopOrders.response.json":
            {
                var o = Assert.Single(KuCoinParser.ParseOrders(data));
                Assert.Equal("230181737576050688", o.Id);
                Assert.Equal("PEOPLEUSDTM", o.Symbol);
                Assert.Equal(0.05m, o.Price);
                Assert.Equal(10m, o.Size);
                Assert.Equal(ExchangeOrderState.Open, o.State);
                Assert.Equal("5a80bd847f1811ef8a7faa665a37b3d7", o.ClientOid);
                Assert.Equal(1, o.Leverage);
                break;
            }

            case "GET_api_v1_orders_byClientOid.response.json":
            {
                var o = KuCoinParser.ParseOrder(data);
                Assert.Equal("250444645610336256", o.Id);
                Assert.Equal("5c52e11203aa677f33e493fb", o.ClientOid);
                Assert.Equal("XRPUSDTM", o.Symbol);
                Assert.Equal(OrderType.Limit, o.Type);
                Assert.Equal(0.1m, o.Price);
                Assert.Equal(3, o.Leverage); // "3" as string
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1732523858568), o.CreatedAt);
                Assert.Equal(ExchangeOrderState.Open, o.State);
                break;
            }

            case "GET_api_v1_orders_order_id.response.json":
            {
                var o = KuCoinParser.ParseOrder(data);
                Assert.False(string.IsNullOrEmpty(o.Id));
                Assert.False(string.IsNullOrEmpty(o.Symbol));
                Assert.True(o.Size > 0);
                break;
            }

            case "GET_api_v1_position.response.json":
            {
                var p = Assert.Single(KuCoinParser.ParsePositions(data));
                Assert.Equal("XBTUSDTM", p.Symbol);
                Assert.Equal(1m, p.CurrentQty);
                Assert.Equal(67430.9m, p.AvgEntryPrice);
                Assert.Equal(68900.7m, p.MarkPrice);
                Assert.Equal(1.4698m, p.UnrealisedPnl);
                Assert.Equal(22.4769666644m, p.PosInit);
                Assert.Equal(45314.33m, p.LiquidationPrice);
                Assert.Equal(2.88m, p.Leverage);
                break;
            }

            case "GET_api_v1_positions.response.json":
            {
                var positions = KuCoinParser.ParsePositions(data);
                Assert.NotEmpty(positions);
                Assert.All(positions, p => Assert.False(string.IsNullOrEmpty(p.Symbol)));
                break;
            }

            case "GET_api_v1_recentDoneOrders.response.json":
            {
                var orders = KuCoinParser.ParseOrders(data);
                Assert.NotEmpty(orders);
                Assert.All(orders, o => Assert.True(o.State is ExchangeOrderState.Filled or ExchangeOrderState.Cancelled));
                break;
            }

            case "GET_api_v1_recentFills.response.json":
            {
                var fills = KuCoinParser.ParseFills(data);
                Assert.Equal(2, fills.Count);
                Assert.Equal("1784277229880", fills[0].TradeId);
                Assert.Equal(67430.9m, fills[0].Price);
                Assert.Equal(0.04045854m, fills[0].Fee);
                Assert.Equal(0.0006m, fills[0].FeeRate);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1729155616320), fills[0].TradeTime);
                break;
            }

            case "GET_api_v1_status.response.json":
                Assert.Equal("open", KuCoinParser.String(data, "status"));
                break;

            case "GET_api_v1_ticker.response.json":
            {
                var t = KuCoinParser.ParseTicker(data);
                Assert.Equal("XBTUSDM", t.Symbol);
                Assert.Equal(67158.4m, t.Price);
                Assert.Equal(67169.6m, t.BestBidPrice);
                Assert.Equal(67169.7m, t.BestAskPrice);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1729163001780), t.Time); // ns
                break;
            }

            case "GET_api_v1_timestamp.response.json":
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1729260030774), KuCoinParser.ParseServerTime(data));
                break;

            case "POST_api_v1_orders.response.json":
            case "POST_api_v1_orders_test.response.json":
            case "POST_api_v1_st_orders.response.json":
                Assert.Equal("234125150956625920", KuCoinParser.String(data, "orderId"));
                Assert.Equal("5c52e11203aa677f33e493fb", KuCoinParser.String(data, "clientOid"));
                break;

            default:
                Assert.Fail($"{file} has no parsing check: add one");
                break;
        }
    }

    [Fact]
    public void Candles_with_seven_elements_and_string_numbers_parse()
    {
        using var doc = JsonDocument.Parse("[[1790982120000,\"84483.5\",84499.4,84483.5,84499.4,322,27205.9061]]");
        var c = Assert.Single(KuCoinParser.ParseCandles(doc.RootElement));
        Assert.Equal(84483.5m, c.Open);
        Assert.Equal(27205.9061m, c.Turnover);
    }

    [Theory]
    [InlineData("1729163001780000000")] // ns
    [InlineData("1729163001780000")] // µs
    [InlineData("1729163001780")] // ms
    public void Times_in_ns_us_and_ms_are_the_same_instant(string raw)
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1729163001780), KuCoinParser.FromEpoch(decimal.Parse(raw, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Envelope_code_may_be_a_number_and_malformed_json_is_a_format_error()
    {
        Assert.True(KuCoinParser.ParseEnvelope("{\"code\":200000,\"data\":1}").IsSuccess);
        Assert.Equal("429000", KuCoinParser.ParseEnvelope("{\"code\":\"429000\",\"msg\":\"Too Many Requests\"}").Code);
        Assert.Throws<FormatException>(() => KuCoinParser.ParseEnvelope("{\"code\":\"200000\",\"data\":{\"orderId\":"));
        Assert.Throws<FormatException>(() => KuCoinParser.ParseEnvelope("<html>502</html>"));
    }

    [Fact]
    public void Candle_with_high_below_low_is_rejected()
    {
        using var doc = JsonDocument.Parse("[[1790982120000,10,9,11,10,1]]");
        Assert.Throws<FormatException>(() => KuCoinParser.ParseCandles(doc.RootElement));
    }
}
