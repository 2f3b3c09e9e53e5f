using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Cli;
using CypherScoping.Domain;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.Scanner;
using CypherScoping.TestKit;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Integration.Tests;

/// <summary>
/// The five services as separate hosts over real RabbitMQ and PostgreSQL, stepped like the one-process paper run
/// with the same seed, give the same audit counts by event type as the in-process run, and a clean trail.
/// </summary>
public class DistributedRunTests
{
    private const int Cycles = 120;

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Separate_hosts_over_rabbitmq_and_postgres_match_the_in_process_run()
    {
        var inProcessDir = Path.Combine(Path.GetTempPath(), "cypher-paper-" + Guid.NewGuid().ToString("N"));
        var options = new PaperRunOptions { Trades = int.MaxValue, MaxCycles = Cycles, Seed = 7, RunDirectory = inProcessDir, ShowProgress = false };
        var inProcess = await PaperRun.ExecuteAsync(options, TextWriter.Null, CancellationToken.None);
        var expected = AuditLog.CountByEventType(Path.Combine(inProcessDir, "audit.log"));

        var settings = new Dictionary<string, string?>(await TestHosts.PostgresSettingsAsync());
        foreach (var (k, v) in await TestHosts.RabbitSettingsAsync())
        {
            settings[k] = v; // RabbitMQ transport wins over the in-memory default of the PostgreSQL settings
        }

        settings["Trading:Mode"] = "paper";
        settings["Trading:Simulation"] = "true";
        settings["Scanner:Market"] = "sim";
        settings["Scanner:Seed"] = "7";
        settings["Logging:Level"] = "error";
        foreach (var (k, v) in PaperRun.SteppedSettings)
        {
            settings[k] = v;
        }

        settings["Audit:LogPath"] = Path.Combine(inProcessDir, "distributed-audit.log");

        var clock = new VirtualClock(PaperRun.SimulatedStart);
        // Consumers first, producers last, so nothing is published before its queues exist.
        var order = new[] { "auditor", "alerts", "risk", "executor", "scanner" };
        var hosts = order.ToDictionary(name => name, name => BuildHost(name, settings, clock));
        try
        {
            var registry = new ConsumerRegistry();
            foreach (var host in hosts.Values)
            {
                foreach (var entry in host.Services.GetRequiredService<ConsumerRegistry>().Entries)
                {
                    registry.Add(entry);
                }
            }

            var quiescence = new BusQuiescence(registry, hosts["scanner"].Services.GetRequiredService<MessagingOptions>());
            var progress = new PaperProgress(hosts["risk"].Services.GetRequiredService<SymbolPolicy>());
            foreach (var host in hosts.Values)
            {
                var bus = host.Services.GetRequiredService<IBus>();
                quiescence.Attach(bus);
                quiescence.Track(host.Services.GetServices<IBackgroundWork>());
                bus.ConnectPublishObserver(progress);
            }

            foreach (var name in order)
            {
                await hosts[name].StartAsync();
            }

            await quiescence.WaitForIdleAsync(TimeSpan.FromMinutes(2));
            var (cycles, _) = await PaperRun.StepAsync(
                hosts["scanner"].Services.GetRequiredService<IScanCycle>(), quiescence, progress, options, TimeSpan.Zero, TextWriter.Null, CancellationToken.None);

            var auditorDb = hosts["auditor"].Services.GetRequiredKeyedService<ServiceDatabase>(AuditorRegistration.ServiceName);
            var actual = new SortedDictionary<string, int>(
                (await AuditQueries.CountsByEventTypeAsync(auditorDb)).ToDictionary(kv => kv.Key, kv => (int)kv.Value),
                StringComparer.Ordinal);

            Assert.Equal(inProcess.Result.Cycles, cycles);
            Assert.True(expected.GetValueOrDefault("order_placed") > 0, "the in-process run placed no order: nothing to compare");

            // Start-up events differ by design (five hosts announce themselves, one process announces once).
            string[] startup = ["service_started", "config_loaded"];
            var expectedTrail = expected.Where(kv => !startup.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var actualTrail = actual.Where(kv => !startup.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(
                string.Join(Environment.NewLine, expectedTrail.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")),
                string.Join(Environment.NewLine, actualTrail.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));

            // Stronger still: the same events at the same virtual times on the same symbols (alerts included, since
            // stepping waits for the Alerts delivery worker as well as for the bus).
            var expectedTimeline = AuditLog.Timeline(Path.Combine(inProcessDir, "audit.log"), startup);
            var actualTimeline = AuditLog.Timeline(Path.Combine(inProcessDir, "distributed-audit.log"), startup);
            Assert.Equal(expectedTimeline.Count, actualTimeline.Count);
            var firstDifference = expectedTimeline.Zip(actualTimeline).Select((pair, i) => (pair, i)).FirstOrDefault(x => x.pair.First != x.pair.Second);
            Assert.True(firstDifference.pair == default, $"timelines differ at #{firstDifference.i}: {firstDifference.pair.First} vs {firstDifference.pair.Second}");

            foreach (var bad in new[] { "exchange_error", "message_fault", "duplicate_order_blocked" })
            {
                Assert.Equal(0, actual.GetValueOrDefault(bad));
            }

            Assert.Equal(0, progress.DeniedAssetOrders);
            Assert.Equal(0L, quiescence.Faults);

            // The operator's `cypher flatten`, as a separate process over the same broker, empties the Executor's book.
            var executorDb = hosts["executor"].Services.GetRequiredKeyedService<ServiceDatabase>(Executor.ExecutorRegistration.ServiceName);
            Assert.NotEmpty(await Executor.ExecutorQueries.OpenPositionsAsync(executorDb)); // the seeded run ends with positions open
            var env = Path.Combine(inProcessDir, "operator.env");
            await File.WriteAllLinesAsync(env, [
                "TRADING_MODE=paper", "MESSAGING_TRANSPORT=RabbitMq", $"RABBITMQ_URL={settings["RabbitMq:Url"]}", $"Messaging__EntityPrefix={settings["Messaging:EntityPrefix"]}"]);
            var (exit, stdout, stderr) = await PaperRunTests.RunCliAsync("flatten", "--reason", "distributed test", "--timeout", "60", "--env-file", env);
            Assert.True(exit == 0, $"cypher flatten exited {exit}: {stdout}{stderr}");
            Assert.Contains("PASS  flat", stdout, StringComparison.Ordinal);
            Assert.Empty(await Executor.ExecutorQueries.OpenPositionsAsync(executorDb));
        }
        finally
        {
            foreach (var name in order.Reverse())
            {
                await hosts[name].StopAsync();
                hosts[name].Dispose();
            }
        }
    }

    private static IHost BuildHost(string service, IDictionary<string, string?> settings, VirtualClock clock)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddServiceDefaults(service);
        Composition.AddServices(builder, [service]);
        builder.AddCypherMessaging();
        return builder.Build();
    }
}
