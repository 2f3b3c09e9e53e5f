using CypherScoping.Hosting;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Foundation.Tests;

public class EnvFileTests
{
    public const string PaperFile = """
        # Trading Mode
        TRADING_MODE=paper
        SIMULATION=true

        # KuCoin API (Use testnet for paper trading)
        KUCOIN_API_KEY=your-testnet-api-key
        KUCOIN_API_SECRET=your-testnet-api-secret
        KUCOIN_API_PASSPHRASE=your-testnet-passphrase
        KUCOIN_API_BASE_URL=https://api-sandbox-futures.kucoin.com

        # Symbol Policy (enforced by symbol-policy.ts)
        TRADING_UNIVERSE=ETHUSDTM,SOLUSDTM,XRPUSDTM,ADAUSDTM,DOGEUSDTM,MATICUSDTM,LINKUSDTM,AVAXUSDTM,DOTUSDTM,UNIUSDTM,ATOMUSDTM,LTCUSDTM,BCHUSDTM,ETCUSDTM
        DENYLIST_SYMBOLS=BTC/USDT,BTCUSDT,BTCUSDTM,XBT/USDT,XBTUSDT,XBTUSDTM
        DEFAULT_SYMBOL=ETHUSDTM

        # Logging
        AUDIT_LOG_PATH=runtime/audit.log
        IDEMPOTENCY_STORE_PATH=runtime/idempotency-store.json
        LOG_LEVEL=info

        # Rate Limiting
        MAX_CONCURRENT_API_CALLS=3
        """;

    public const string LiveFile = """
        TRADING_MODE=live
        SIMULATION=false
        KUCOIN_API_KEY=your-live-api-key
        KUCOIN_API_SECRET=your-live-api-secret
        KUCOIN_API_PASSPHRASE=your-live-passphrase
        KUCOIN_API_BASE_URL=https://api-futures.kucoin.com
        MAX_EXPOSURE_RATIO=0.5          # 50% (reduced from 80%)
        MAX_RISK_PER_TRADE=0.01         # 1% (reduced from 2%)
        MIN_POSITION_SIZE=0.01
        CIRCUIT_BREAKER_THRESHOLD=0.10  # 10% (reduced from 15%)
        MAX_DRAWDOWN_PERCENT=5          # 5% (reduced from 10%)
        REQUIRE_MANUAL_APPROVAL=true    # Human confirmation for each trade
        MAX_DAILY_TRADES=10             # Limit exposure on first day
        AUDIT_LOG_PATH=runtime/audit-live.log
        IDEMPOTENCY_STORE_PATH=runtime/idempotency-store-live.json
        LOG_LEVEL=debug
        ALERT_EMAIL=your-email@example.com
        ALERT_SLACK_WEBHOOK=https://hooks.slack.com/services/YOUR/WEBHOOK/URL
        """;

    private static IConfigurationRoot Load(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cypher-{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        try
        {
            return new ConfigurationBuilder().AddCypherSources(path).Build();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Paper_file_parses_to_the_values_it_states()
    {
        var (values, errors) = EnvFile.Parse(PaperFile);

        Assert.Empty(errors);
        Assert.Equal(13, values.Count);
        Assert.Equal("paper", values["TRADING_MODE"]);
        Assert.Equal("true", values["SIMULATION"]);
        Assert.Equal("https://api-sandbox-futures.kucoin.com", values["KUCOIN_API_BASE_URL"]);
        Assert.Equal(14, values["TRADING_UNIVERSE"].Split(',').Length);
        Assert.Equal("BTC/USDT,BTCUSDT,BTCUSDTM,XBT/USDT,XBTUSDT,XBTUSDTM", values["DENYLIST_SYMBOLS"]);
        Assert.Equal("runtime/idempotency-store.json", values["IDEMPOTENCY_STORE_PATH"]);
        Assert.Equal("3", values["MAX_CONCURRENT_API_CALLS"]);
    }

    [Fact]
    public void Live_file_values_lose_their_inline_comments()
    {
        var (values, errors) = EnvFile.Parse(LiveFile);

        Assert.Empty(errors);
        Assert.Equal("0.5", values["MAX_EXPOSURE_RATIO"]);
        Assert.Equal("0.01", values["MAX_RISK_PER_TRADE"]);
        Assert.Equal("0.10", values["CIRCUIT_BREAKER_THRESHOLD"]);
        Assert.Equal("5", values["MAX_DRAWDOWN_PERCENT"]);
        Assert.Equal("true", values["REQUIRE_MANUAL_APPROVAL"]);
        Assert.Equal("10", values["MAX_DAILY_TRADES"]);
        Assert.Equal("debug", values["LOG_LEVEL"]);
        Assert.Equal("https://hooks.slack.com/services/YOUR/WEBHOOK/URL", values["ALERT_SLACK_WEBHOOK"]);
    }

    [Fact]
    public void Flat_keys_map_onto_their_sections()
    {
        var config = Load(LiveFile);

        Assert.Equal("live", config["Trading:Mode"]);
        Assert.Equal("0.5", config["Risk:MaxExposureRatio"]);
        Assert.Equal("true", config["Risk:RequireManualApproval"]);
        Assert.Equal("10", config["Risk:MaxDailyTrades"]);
        Assert.Equal("runtime/idempotency-store-live.json", config["Database:SqlitePaths:executor"]);
        Assert.Equal("https://api-futures.kucoin.com", config["KuCoin:BaseUrl"]);
    }

    [Fact]
    public void Quotes_hashes_inside_values_and_export_prefix_are_handled()
    {
        var (values, errors) = EnvFile.Parse("""
            export A="quoted # not a comment"  # comment
            B='single'
            C=abc#not-a-comment
            D=
            """);

        Assert.Empty(errors);
        Assert.Equal("quoted # not a comment", values["A"]);
        Assert.Equal("single", values["B"]);
        Assert.Equal("abc#not-a-comment", values["C"]);
        Assert.Equal(string.Empty, values["D"]);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_line_number()
    {
        var (_, errors) = EnvFile.Parse("TRADING_MODE=paper\n\nthis line has no equals sign\nX=\"unterminated\n");

        Assert.Equal(2, errors.Count);
        Assert.Equal(3, errors[0].Line);
        Assert.Contains("expected KEY=value", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(4, errors[1].Line);
    }

    [Fact]
    public void Loading_a_malformed_file_stops_with_the_line_number()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => Load("TRADING_MODE=paper\nbroken\n"));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }
}
