using CypherScoping.Auditor;
using CypherScoping.Cli.Commands;
using CypherScoping.Executor;
using CypherScoping.Persistence;
using CypherScoping.Risk;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Integration.Tests;

public class OperatorCommandTests
{
    private static string EnvFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cypher-{Guid.NewGuid():N}.env");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Config_check_exits_non_zero_and_names_every_bad_setting()
    {
        var env = EnvFile("MAX_LEVERAGE=25\nMAX_RISK_PER_TRADE=abc\nTRADING_MODE=lve\n");

        var (exit, stdout, _) = await PaperRunTests.RunCliAsync("config", "check", "--env-file", env);

        Assert.Equal(ExitCodes.InvalidConfig, exit);
        Assert.Contains("MAX_LEVERAGE=25", stdout, StringComparison.Ordinal);
        Assert.Contains("MAX_RISK_PER_TRADE=abc", stdout, StringComparison.Ordinal);
        Assert.Contains("TRADING_MODE=lve", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_passes_the_operators_paper_file_with_a_sandbox_warning()
    {
        var env = EnvFile("TRADING_MODE=paper\nSIMULATION=true\nKUCOIN_API_BASE_URL=https://api-sandbox-futures.kucoin.com\n");

        var (exit, stdout, _) = await PaperRunTests.RunCliAsync("config", "check", "--env-file", env);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("WARNING  KUCOIN_API_BASE_URL", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_fails_on_placeholder_credentials_and_paper_mode_and_says_which()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cypher-preflight-" + Guid.NewGuid().ToString("N"));
        var env = EnvFile($"TRADING_MODE=paper\nKUCOIN_API_KEY=your-live-api-key\nKUCOIN_API_SECRET=your-live-api-secret\nKUCOIN_API_PASSPHRASE=your-live-passphrase\nKUCOIN_API_BASE_URL=http://127.0.0.1:9\nDatabase__SqliteDirectory={dir}\n");

        var (exit, stdout, _) = await PaperRunTests.RunCliAsync("preflight", "live", "--env-file", env);

        Assert.Equal(ExitCodes.GateFailed, exit);
        Assert.Contains("FAIL  mode is live", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  credentials present", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  exchange reachable", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("your-live-api-secret", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_passes_against_a_reachable_exchange_with_accepted_credentials()
    {
        await using var fake = await FakeKuCoinServer.StartAsync();
        var dir = Path.Combine(Path.GetTempPath(), "cypher-preflight-" + Guid.NewGuid().ToString("N"));
        var settings = fake.ClientSettings();
        settings["Trading:Mode"] = "live";
        settings["Database:SqliteDirectory"] = dir;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        foreach (var (service, assembly) in new[] { ("risk", typeof(RiskRegistration).Assembly), ("executor", typeof(ExecutorRegistration).Assembly), ("auditor", typeof(AuditorRegistration).Assembly) })
        {
            await using var db = DatabaseOptions.Create(configuration, service);
            await MigrationRunner.ApplyAsync(db, MigrationRunner.FromAssembly(assembly));
        }

        var checks = await Preflight.RunAsync(configuration, CancellationToken.None);

        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(checks, c => c.Name == "credentials accepted");
        Assert.DoesNotContain(checks, c => c.Detail.Contains(fake.ApiSecret, StringComparison.Ordinal));
    }
}
