using CypherScoping.Cli;
using CypherScoping.Contracts;
using CypherScoping.Executor;
using CypherScoping.Persistence;
using CypherScoping.Risk;
using CypherScoping.TestKit.Sinks;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Integration.Tests;

public class RollbackTests
{
    [Fact]
    public async Task Rollback_of_a_paper_run_with_open_positions_ends_flat_halted_on_paper_with_a_critical_alert()
    {
        await using var slack = await SlackWebhookSink.StartAsync();
        var options = new PaperRunOptions
        {
            Trades = 15,
            Seed = 3,
            RunDirectory = Path.Combine(Path.GetTempPath(), "cypher-rollback-" + Guid.NewGuid().ToString("N")),
            ShowProgress = false,
            Overrides = new Dictionary<string, string?> { ["Alerts:SlackWebhook"] = slack.WebhookUrl },
        };
        var (_, host) = await PaperRun.StartAndRunAsync(options, TextWriter.Null, CancellationToken.None);
        try
        {
            var executorDb = host.Services.GetRequiredKeyedService<ServiceDatabase>(ExecutorRegistration.ServiceName);
            Assert.NotEmpty(await ExecutorQueries.OpenPositionsAsync(executorDb)); // something to flatten

            var configuration = host.Services.GetRequiredService<IConfiguration>();
            var report = await Rollback.ExecuteAsync(host.Services.GetRequiredService<IBus>(), configuration, "test rollback", TimeSpan.FromSeconds(30), null, CancellationToken.None);

            Assert.True(report.Succeeded, report.ToText());
            Assert.Empty(await ExecutorQueries.OpenPositionsAsync(executorDb));
            Assert.True(report.Flatten!.IsFlat);
            var status = await host.Services.GetRequiredService<RiskEngine>().GetStatusAsync();
            Assert.Equal(TradingState.Halted, status.State);
            Assert.Equal("paper", status.Profile);
            var delivered = await slack.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
            Assert.Contains(delivered, r => r.Body.Contains("Rollback executed", StringComparison.Ordinal) && r.Body.Contains("critical", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Flatten_through_the_executor_closes_every_position_and_leaves_trading_armed()
    {
        var options = new PaperRunOptions
        {
            Trades = 15,
            Seed = 3,
            RunDirectory = Path.Combine(Path.GetTempPath(), "cypher-flatten-" + Guid.NewGuid().ToString("N")),
            ShowProgress = false,
        };
        var (_, host) = await PaperRun.StartAndRunAsync(options, TextWriter.Null, CancellationToken.None);
        try
        {
            var executorDb = host.Services.GetRequiredKeyedService<ServiceDatabase>(ExecutorRegistration.ServiceName);
            Assert.NotEmpty(await ExecutorQueries.OpenPositionsAsync(executorDb));

            var result = await BusFlatten.ExecuteAsync(host.Services.GetRequiredService<IBus>(), "test flatten", null, TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.NotNull(result);
            Assert.True(result.IsFlat, BusFlatten.ToText(result, TimeSpan.FromSeconds(30)));
            Assert.True(result.ClosedPositions > 0);
            Assert.Empty(await ExecutorQueries.OpenPositionsAsync(executorDb));
            Assert.StartsWith("PASS", BusFlatten.ToText(result, TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
            var status = await host.Services.GetRequiredService<RiskEngine>().GetStatusAsync();
            Assert.NotEqual(TradingState.Halted, status.State); // flatten closes; halting is rollback's (or `cypher halt`'s) job
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Flatten_without_a_broker_says_how_to_break_glass()
    {
        var env = Path.Combine(Path.GetTempPath(), $"cypher-{Guid.NewGuid():N}.env");
        await File.WriteAllTextAsync(env, "TRADING_MODE=paper\n");

        var (exit, _, stderr) = await PaperRunTests.RunCliAsync("flatten", "--env-file", env);

        Assert.Equal(Cli.Commands.ExitCodes.Unreachable, exit);
        Assert.Contains("RabbitMQ", stderr, StringComparison.Ordinal);
        Assert.Contains("cypher flatten --direct", stderr, StringComparison.Ordinal);
    }
}
