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
}
