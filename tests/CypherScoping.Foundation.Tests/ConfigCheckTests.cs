using CypherScoping.Domain;
using CypherScoping.Hosting;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Foundation.Tests;

public class ConfigCheckTests
{
    private static ConfigReport Check(string envText)
    {
        var (values, errors) = EnvFile.Parse(envText);
        Assert.Empty(errors);
        var config = new ConfigurationBuilder().AddInMemoryCollection(CypherConfiguration.MapFlatKeys(values)).Build();
        return ConfigCheck.Validate(config);
    }

    [Theory]
    [InlineData("MAX_LEVERAGE")]
    [InlineData("MAX_EXPOSURE_RATIO")]
    [InlineData("MAX_RISK_PER_TRADE")]
    [InlineData("CIRCUIT_BREAKER_THRESHOLD")]
    [InlineData("MAX_DAILY_TRADES")]
    public void An_unset_risk_limit_shows_as_the_profiles_value_not_a_number_that_may_be_wrong(string key)
    {
        // Risk resolves these from the active profile (live-moderate allows 10x, for one): a fixed default would lie.
        Assert.Equal(Settings.FromProfile, Check("TRADING_MODE=paper\n").Effective[key]);
        Assert.Equal("7", Check($"{key}=7\n").Effective[key]);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_error()
    {
        var report = Check("MAX_LEVERAGE=25\nMAX_RISK_PER_TRADE=abc\nTRADING_MODE=lve\n");

        Assert.Equal(3, report.Errors.Count);
        Assert.Contains(report.Errors, e => e.StartsWith("MAX_LEVERAGE=25", StringComparison.Ordinal) && e.Contains("20", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("MAX_RISK_PER_TRADE=abc", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("TRADING_MODE=lve", StringComparison.Ordinal));

        var config = new ConfigurationBuilder().AddInMemoryCollection(CypherConfiguration.MapFlatKeys(EnvFile.Parse("MAX_LEVERAGE=25\nMAX_RISK_PER_TRADE=abc\nTRADING_MODE=lve\n").Values)).Build();
        var ex = Assert.Throws<InvalidConfigurationException>(() => ConfigCheck.ThrowIfInvalid(config));
        Assert.Contains(ErrorCodes.InvalidConfig, ex.Message, StringComparison.Ordinal);
        Assert.Contains("MAX_LEVERAGE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MAX_RISK_PER_TRADE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TRADING_MODE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_paper_file_is_valid_but_warns_about_the_dead_sandbox_host()
    {
        var report = Check(EnvFileTests.PaperFile);

        Assert.True(report.IsValid, string.Join("; ", report.Errors));
        Assert.Contains(report.Warnings, w => w.StartsWith("KUCOIN_API_BASE_URL", StringComparison.Ordinal) && w.Contains("sandbox", StringComparison.Ordinal));
    }

    [Fact]
    public void Live_mode_with_placeholder_credentials_names_each_key()
    {
        var report = Check(EnvFileTests.LiveFile);

        Assert.False(report.IsValid);
        Assert.Contains(report.Errors, e => e.Contains("KUCOIN_API_KEY is a placeholder", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Contains("KUCOIN_API_SECRET is a placeholder", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Contains("KUCOIN_API_PASSPHRASE is a placeholder", StringComparison.Ordinal));
        Assert.All(report.Errors, e => Assert.DoesNotContain("your-live-api-secret", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Live_mode_without_credentials_is_missing_credentials_naming_the_variables()
    {
        var report = Check("TRADING_MODE=live\nKUCOIN_API_KEY=abcdef123456\n");

        var error = Assert.Single(report.Errors, e => e.StartsWith(ErrorCodes.MissingCredentials, StringComparison.Ordinal));
        Assert.Contains("KUCOIN_API_SECRET", error, StringComparison.Ordinal);
        Assert.Contains("KUCOIN_API_PASSPHRASE", error, StringComparison.Ordinal);
        Assert.DoesNotContain("KUCOIN_API_KEY,", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_masked_in_the_effective_settings()
    {
        var report = Check("KUCOIN_API_SECRET=s3cr3t-value-123\nALERT_SLACK_WEBHOOK=https://hooks.example.test/abc\n");

        Assert.DoesNotContain(report.Effective.Values, v => v.Contains("s3cr3t", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Effective.Values, v => v.Contains("hooks.example.test", StringComparison.Ordinal));
        Assert.StartsWith("****", report.Effective["KUCOIN_API_SECRET"], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_universe_is_an_error_and_an_undenied_bitcoin_a_warning()
    {
        var report = Check("TRADING_UNIVERSE=XBTUSDTM\nDENYLIST_SYMBOLS=BTC\n");
        Assert.Contains(report.Errors, e => e.StartsWith("TRADING_UNIVERSE", StringComparison.Ordinal));

        var open = Check("DENYLIST_SYMBOLS=DOGEUSDTM\n");
        Assert.Contains(open.Warnings, w => w.Contains("bitcoin is not denied", StringComparison.Ordinal));
    }

    [Fact]
    public void Unlimited_daily_trades_is_accepted()
    {
        var report = Check("MAX_DAILY_TRADES=unlimited\n");
        Assert.True(report.IsValid, string.Join("; ", report.Errors));
    }
}
