using CypherScoping.Hosting;
using System.Text.RegularExpressions;
using CypherScoping.Risk.Domain;
using CypherScoping.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace CypherScoping.Risk.Tests;

/// <summary>Safety invariant 5: leverage configured above the 20× ceiling stops the Risk service at start.</summary>
public sealed partial class RiskStartupTests
{
    [Fact]
    public async Task The_service_refuses_to_start_with_max_leverage_above_20_in_its_settings()
    {
        var settings = TestHosts.SqliteSettings();
        settings["Risk:MaxLeverage"] = "25";
        var failure = await StartFailureAsync(settings);
        AssertNamesKeyAndCeiling(failure);
    }

    [Fact]
    public async Task The_service_refuses_to_start_with_MAX_LEVERAGE_25_in_its_env_file()
    {
        var settings = TestHosts.SqliteSettings();
        var envFile = Path.Combine(Path.GetTempPath(), $"risk-{Guid.NewGuid():N}.env");
        await File.WriteAllTextAsync(envFile, "MAX_LEVERAGE=25\n");
        settings["env-file"] = envFile;
        try
        {
            var failure = await StartFailureAsync(settings);
            AssertNamesKeyAndCeiling(failure);
        }
        finally
        {
            File.Delete(envFile);
        }
    }

    [Fact]
    public async Task Every_configuration_problem_is_listed_at_once_even_one_the_binder_cannot_convert()
    {
        var settings = TestHosts.SqliteSettings();
        settings["Risk:MaxLeverage"] = "25";
        settings["Trading:Mode"] = "lve";
        settings["Risk:MaxRiskPerTrade"] = "abc";
        var failure = await StartFailureAsync(settings);

        var invalid = Assert.IsType<InvalidConfigurationException>(failure);
        Assert.StartsWith("E_INVALID_CONFIG", invalid.Message, StringComparison.Ordinal);
        Assert.Contains(invalid.Problems, p => p.Contains("MAX_LEVERAGE", StringComparison.Ordinal));
        Assert.Contains(invalid.Problems, p => p.Contains("TRADING_MODE", StringComparison.Ordinal));
        Assert.Contains(invalid.Problems, p => p.Contains("MAX_RISK_PER_TRADE", StringComparison.Ordinal));
    }

    /// <summary>
    /// Risk's own validation refuses the value too, without the configuration guard every service shares
    /// (which runs first in a host built by AddServiceDefaults).
    /// </summary>
    [Fact]
    public void The_risk_options_refuse_max_leverage_above_20_on_their_own()
    {
        var settings = TestHosts.SqliteSettings();
        settings["Risk:MaxLeverage"] = "25";
        using var host = TestHosts.Build(RiskRegistration.ServiceName, settings, b => b.AddRisk(), harness: true);
        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RiskOptions>>().Value);
        AssertNamesKeyAndCeiling(ex);
    }

    private static async Task<Exception> StartFailureAsync(Dictionary<string, string?> settings)
    {
        using var host = TestHosts.Build(RiskRegistration.ServiceName, settings, b => b.AddRisk(), harness: true);
        var failure = await Record.ExceptionAsync(() => host.StartAsync());
        if (failure is null)
        {
            await host.StopAsync(); // it should not have started; stop it cleanly before failing
        }

        Assert.NotNull(failure);
        return failure;
    }

    private static void AssertNamesKeyAndCeiling(Exception ex)
    {
        var message = ex.ToString();
        Assert.Contains("MAX_LEVERAGE", message, StringComparison.Ordinal);
        Assert.Matches(Ceiling(), message);
    }

    /// <summary>The 20× ceiling as the messages write it ("[1, 20]" or "20x"), not the refused 25.</summary>
    [GeneratedRegex(@"\b20(x|\b)")]
    private static partial Regex Ceiling();
}
