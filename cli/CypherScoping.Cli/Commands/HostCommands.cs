using System.CommandLine;
using System.Text.Json;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Cli.Commands;

/// <summary>Hosting and configuration: run, config check (and the paper run, preflight, snapshot, dashboard, rollback).</summary>
public static class HostCommands
{
    public static void Register(RootCommand root)
    {
        root.Subcommands.Add(PaperCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(RollbackCommand());
        root.Subcommands.Add(ConfigCommand());
    }

    private static Command PaperCommand()
    {
        var trades = new Option<int>("--trades") { Description = "stop after this many orders", DefaultValueFactory = _ => 100 };
        var market = new Option<string>("--market") { Description = "sim | replay:SYMBOL=FILE[,SYMBOL=FILE…] | kucoin", DefaultValueFactory = _ => "sim" };
        var speed = new Option<string>("--speed") { Description = "max, or a multiple of real time (simulated and replayed data)", DefaultValueFactory = _ => "max" };
        var seed = new Option<long>("--seed") { Description = "seed of the simulated market (same seed, same run)", DefaultValueFactory = _ => 1 };
        var runDir = new Option<string?>("--run-dir") { Description = "where the run's databases and audit log go (default runtime/paper/<UTC time>)" };
        var maxCycles = new Option<int>("--max-cycles") { Description = "stop after this many scan steps", DefaultValueFactory = _ => 20_000 };
        var command = new Command("paper", "Paper trading in one process: Scanner, Risk, Executor (paper exchange), Auditor and Alerts on an in-memory bus with SQLite, on a virtual clock. Prints the paper gate.")
        {
            trades, market, speed, seed, runDir, maxCycles, CommonOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new PaperRunOptions
            {
                Trades = parse.GetValue(trades),
                Market = parse.GetValue(market)!,
                Speed = parse.GetValue(speed)!,
                Seed = parse.GetValue(seed),
                EnvFile = CypherConfiguration.ResolveEnvFile(parse.GetValue(CommonOptions.EnvFile)),
                RunDirectory = parse.GetValue(runDir),
                MaxCycles = parse.GetValue(maxCycles),
                ShowProgress = !Console.IsErrorRedirected || !parse.GetValue(CommonOptions.Json),
            };
            try
            {
                var outcome = await PaperRun.ExecuteAsync(options, Console.Error, ct);
                Console.WriteLine(parse.GetValue(CommonOptions.Json) ? outcome.Gate.ToJson() : outcome.Summary);
                return outcome.ExitCode;
            }
            catch (InvalidConfigurationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidConfig;
            }
        });
        return command;
    }

    private static Command RollbackCommand()
    {
        var scale = new Option<bool>("--scale-executor-to-zero") { Description = "also run kubectl scale deployment/executor --replicas=0" };
        var ns = new Option<string>("--namespace") { Description = "Kubernetes namespace of the deployment", DefaultValueFactory = _ => "cypherscoping" };
        var reason = new Option<string>("--reason") { Description = "why (goes to the audit trail and the alert)", DefaultValueFactory = _ => "operator rollback" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for each confirmation", DefaultValueFactory = _ => 60 };
        var command = new Command("rollback", "Phase 6: halt, flatten and verify flat, switch the profile to paper, send a critical alert; optionally scale the executor to zero.")
        {
            scale, ns, reason, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            return await CliBus.RunAsync(configuration, "rollback", async (bus, token) =>
            {
                var report = await Rollback.ExecuteAsync(
                    bus,
                    configuration,
                    parse.GetValue(reason)!,
                    TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    parse.GetValue(scale) ? parse.GetValue(ns) : null,
                    token);
                Console.WriteLine(report.ToText());
                return report.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
            }, ct);
        });
        return command;
    }

    private static Command RunCommand()
    {
        var service = new Argument<string>("service") { Description = "scanner | risk | executor | auditor | alerts | all" };
        var urls = new Option<string>("--urls") { Description = "HTTP address for health and metrics", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("run", "Host one service, or all five in one process (embedded SQLite and in-memory bus unless PostgreSQL/RabbitMQ are configured).")
        {
            service,
            urls,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(service)!.Trim().ToLowerInvariant();
            var services = name == "all" ? Composition.ServiceNames : [name];
            if (!services.All(s => Composition.ServiceNames.Contains(s)))
            {
                await Console.Error.WriteLineAsync($"unknown service '{name}': expected one of {string.Join(", ", Composition.ServiceNames)} or all");
                return ExitCodes.Failed;
            }

            try
            {
                await using var app = Composition.BuildWebHost(services, CypherConfiguration.ResolveEnvFile(parse.GetValue(CommonOptions.EnvFile)), new Dictionary<string, string?>(), parse.GetValue(urls)!);
                await app.RunAsync(ct);
                return ExitCodes.Ok;
            }
            catch (InvalidConfigurationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidConfig;
            }
        });
        return command;
    }

    private static Command ConfigCommand()
    {
        var check = new Command("check", "Load and validate the configuration; print effective settings (secrets masked), warnings and errors.")
        {
            CommonOptions.Json,
        };
        check.SetAction(parse =>
        {
            ConfigReport report;
            try
            {
                report = ConfigCheck.Validate(CommonOptions.LoadConfiguration(parse));
            }
            catch (InvalidConfigurationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidConfig;
            }

            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { valid = report.IsValid, errors = report.Errors, warnings = report.Warnings, settings = report.Effective }, JsonOutput.Options));
            }
            else
            {
                Console.WriteLine("Effective settings (secrets masked):");
                foreach (var (key, value) in report.Effective)
                {
                    Console.WriteLine($"  {key,-28} {value}");
                }

                foreach (var warning in report.Warnings)
                {
                    Console.WriteLine($"WARNING  {warning}");
                }

                foreach (var error in report.Errors)
                {
                    Console.WriteLine($"ERROR    {error}");
                }

                Console.WriteLine(report.IsValid ? "Configuration OK" : $"Configuration INVALID ({report.Errors.Count} problem(s))");
            }

            return report.IsValid ? ExitCodes.Ok : ExitCodes.InvalidConfig;
        });
        var command = new Command("config", "Configuration commands.");
        command.Subcommands.Add(check);
        return command;
    }
}

public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
