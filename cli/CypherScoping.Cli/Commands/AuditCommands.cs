using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Domain;
using CypherScoping.Persistence;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Cli.Commands;

/// <summary>cypher audit tail|export|verify, cypher gate paper, cypher monitor, cypher health — read the Auditor's trail.</summary>
public static class AuditCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var audit = new Command("audit", "the append-only audit trail");
        audit.Subcommands.Add(Tail());
        audit.Subcommands.Add(Export());
        audit.Subcommands.Add(Verify());
        root.Subcommands.Add(audit);

        var gate = new Command("gate", "go/no-go gates computed from the audit trail");
        gate.Subcommands.Add(GatePaper());
        root.Subcommands.Add(gate);
        root.Subcommands.Add(Monitor());
        root.Subcommands.Add(Health());
    }

    private static Command Tail()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "keep printing new events" };
        var type = new Option<string?>("--type") { Description = "only this event type (order_placed, policy_rejection, …)" };
        var lines = new Option<int>("--lines", "-n") { Description = "how many recent events", DefaultValueFactory = _ => 20 };
        var command = new Command("tail", "print the latest audit events as JSONL") { follow, type, lines, CommonOptions.Json };
        command.SetAction((parse, ct) => WithDatabase(parse, async (db, _) =>
        {
            var last = await AuditStore.LastAsync(db, Math.Max(1, parse.GetValue(lines)), parse.GetValue(type), ct);
            foreach (var row in last)
            {
                Console.WriteLine(AuditLine.Format(row));
            }

            var seq = last.Count > 0 ? last[^1].Seq : 0;
            while (parse.GetValue(follow) && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (ct.IsCancellationRequested)
                {
                    break;
                }

                await foreach (var row in AuditStore.ReadAsync(db, seq, parse.GetValue(type), cancellationToken: ct))
                {
                    Console.WriteLine(AuditLine.Format(row));
                    seq = row.Seq;
                }
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Export()
    {
        var from = new Option<string?>("--from") { Description = "first occurred_at included (ISO 8601, e.g. 2026-03-01 or 2026-03-01T12:00Z)" };
        var to = new Option<string?>("--to") { Description = "occurred_at excluded from here on (ISO 8601)" };
        var jsonl = new Option<bool>("--jsonl") { Description = "JSON lines, the audit log format (default)" };
        var csv = new Option<bool>("--csv") { Description = "CSV with the trail's columns" };
        var output = new Option<string?>("--out") { Description = "write to this file instead of standard output" };
        var command = new Command("export", "export the trail for a time range") { from, to, jsonl, csv, output };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(jsonl) && parse.GetValue(csv))
            {
                Console.Error.WriteLine("choose one of --jsonl or --csv");
                return Task.FromResult(ExitCodes.Failed);
            }

            if (!TryTime(parse.GetValue(from), "--from", out var fromTime) || !TryTime(parse.GetValue(to), "--to", out var toTime))
            {
                return Task.FromResult(ExitCodes.Failed);
            }

            return WithDatabase(parse, async (db, _) =>
            {
                var path = parse.GetValue(output);
                await using var writer = path is null ? null : new StreamWriter(path, append: false);
                var count = await AuditExport.WriteAsync(AuditStore.ReadAsync(db, 0, null, fromTime, toTime, ct), writer ?? Console.Out, parse.GetValue(csv), ct);
                if (path is not null)
                {
                    Console.Error.WriteLine($"{count} events written to {path}");
                }

                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }

    private static Command Verify()
    {
        var command = new Command("verify", "check the hash chain; reports the first broken row") { CommonOptions.Json };
        command.SetAction((parse, ct) => WithDatabase(parse, async (db, _) =>
        {
            var result = await AuditStore.VerifyAsync(db, ct);
            Console.WriteLine(parse.GetValue(CommonOptions.Json) ? result.ToJson() : result.ToText());
            return result.IsIntact ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));
        return command;
    }

    private static Command GatePaper()
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var command = new Command("paper", "the paper-trading go/no-go: exit 0 only when every criterion passes") { json };
        command.SetAction((parse, ct) => WithDatabase(parse, async (db, configuration) =>
        {
            var symbols = configuration.GetSection(SymbolOptions.SectionName).Get<SymbolOptions>() ?? new SymbolOptions();
            var report = await AuditQueries.GatePaperAsync(db, AuditorRegistration.ReadOptions(configuration).Gate, symbols.CreatePolicy(), ct);
            Console.WriteLine(parse.GetValue(json) ? report.ToJson() : report.ToText());
            return report.Passed ? ExitCodes.Ok : ExitCodes.GateFailed;
        }, ct));
        return command;
    }

    private static Command Monitor()
    {
        var once = new Option<bool>("--once") { Description = "print one snapshot and exit" };
        var interval = new Option<int>("--interval") { Description = "seconds between refreshes", DefaultValueFactory = _ => 5 };
        var target = new Option<int?>("--target") { Description = "orders to reach (default: the paper gate's minimum)" };
        var command = new Command("monitor", "progress of a run: events by type, errors, policy blocks, orders toward the target, last events")
        {
            once, interval, target, CommonOptions.Json,
        };
        command.SetAction((parse, ct) => WithDatabase(parse, async (db, configuration) =>
        {
            var goal = parse.GetValue(target) ?? AuditorRegistration.ReadOptions(configuration).Gate.MinOrdersPlaced;
            while (true)
            {
                var snapshot = await AuditQueries.MonitorAsync(db, goal, 10, ct);
                var json = parse.GetValue(CommonOptions.Json);
                if (!parse.GetValue(once) && !json && !Console.IsOutputRedirected)
                {
                    Console.Clear();
                }

                Console.WriteLine(json ? snapshot.ToJson() : snapshot.ToText()); // --json: one object per refresh (JSON lines)
                if (parse.GetValue(once) || ct.IsCancellationRequested)
                {
                    return ExitCodes.Ok;
                }

                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(interval))), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (ct.IsCancellationRequested)
                {
                    return ExitCodes.Ok;
                }
            }
        }, ct));
        return command;
    }

    private static Command Health()
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var output = new Option<string?>("--out") { Description = "also write the report to this file" };
        var command = new Command("health", "strategy health: continue | alert | rollback, with win rate, profit factor, drawdown, expectancy") { json, output };
        command.SetAction((parse, ct) => WithDatabase(parse, async (db, configuration) =>
        {
            var report = await AuditQueries.HealthAsync(db, AuditorRegistration.ReadOptions(configuration).Health, ct);
            var text = parse.GetValue(json) ? report.ToJson() : report.ToText();
            Console.WriteLine(text);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, text + Environment.NewLine, ct);
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<int> WithDatabase(ParseResult parse, Func<ServiceDatabase, IConfiguration, Task<int>> action, CancellationToken ct)
    {
        var configuration = CommonOptions.LoadConfiguration(parse);
        ServiceDatabase? db = null;
        try
        {
            db = await AuditorRegistration.OpenDatabaseAsync(configuration, ct);
            return await action(db, configuration);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"the auditor database ({db?.Location ?? "not opened"}) cannot be read: {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Unreachable;
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync();
            }
        }
    }

    private static bool TryTime(string? text, string option, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        Console.Error.WriteLine($"{option} '{text}' is not a date/time (use ISO 8601, e.g. 2026-03-01T12:00Z)");
        return false;
    }
}
