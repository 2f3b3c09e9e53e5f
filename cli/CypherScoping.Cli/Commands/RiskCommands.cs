using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CypherScoping.Domain;
using CypherScoping.Risk;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Cli.Commands;

/// <summary>Operator verbs over the Risk service: approvals, halt/resume, profile, status and the symbol policy check.</summary>
public static class RiskCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Subcommands.Add(Approvals());
        root.Subcommands.Add(Decide("approve", "approve a pending order (re-checks state, limits, expiry and the price band)", approve: true));
        root.Subcommands.Add(Decide("reject", "reject a pending order", approve: false));
        root.Subcommands.Add(Halt());
        root.Subcommands.Add(Resume());
        root.Subcommands.Add(Policy());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(Profile());
    }

    private static Command Approvals()
    {
        var all = new Option<bool>("--all") { Description = "include decided and expired approvals" };
        var command = new Command("approvals", "list orders waiting for manual approval") { CommonOptions.Json, all };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            var approvals = await admin.ApprovalsAsync(parse.GetValue(all), ct);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(approvals.Select(a => new
                {
                    a.ApprovalId, a.SignalId, a.Symbol, Side = a.Signal.Side, a.RequestedPrice, a.BandPercent, a.Notional, a.RequestedAt, a.ExpiresAt, a.Status, a.DecidedBy, a.ErrorCode, a.Reason,
                }), Json));
                return ExitCodes.Ok;
            }

            if (approvals.Count == 0)
            {
                Console.WriteLine("no pending approvals");
            }

            foreach (var a in approvals)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{a.ApprovalId}  {a.Symbol,-10} {a.Signal.Side,-5} price {a.RequestedPrice} (±{a.BandPercent} %)  notional {a.Notional:0.##} USDT  expires {a.ExpiresAt:u}  {a.Status}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Decide(string name, string description, bool approve)
    {
        var id = new Argument<Guid>("id") { Description = "approval id (see `cypher approvals`)" };
        var reason = new Option<string?>("--reason") { Description = "why (kept in the audit trail)" };
        var price = new Option<decimal?>("--price") { Description = "current price you see; checked against the band (default: latest scanned price)" };
        var command = new Command(name, description) { id, reason };
        if (approve)
        {
            command.Options.Add(price);
        }

        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            var result = await admin.DecideAsync(parse.GetValue(id), approve, Operator(), parse.GetValue(reason), approve ? parse.GetValue(price) : null, ct);
            return Print(result);
        });
        return command;
    }

    private static Command Halt()
    {
        var reason = new Option<string>("--reason") { Description = "why trading stops", Required = true };
        var command = new Command("halt", "halt trading: no new entries until `cypher resume` (exits still pass)") { reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            return Print(await admin.HaltAsync(parse.GetValue(reason)!, Operator(), ct));
        });
        return command;
    }

    private static Command Resume()
    {
        var reason = new Option<string?>("--reason") { Description = "why it is safe again" };
        var command = new Command("resume", "re-arm after a halt or pause (resets the breakers)") { reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            return Print(await admin.ResumeAsync(parse.GetValue(reason) ?? "operator resume", Operator(), ct));
        });
        return command;
    }

    private static Command Profile()
    {
        var name = new Argument<string>("name") { Description = "paper | live-conservative | live-moderate | live-normal" };
        var reason = new Option<string?>("--reason") { Description = "why" };
        var set = new Command("set", "switch the risk profile (explicit settings still win)") { name, reason };
        set.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            return Print(await admin.SetProfileAsync(parse.GetValue(name)!, parse.GetValue(reason) ?? "operator", Operator(), ct));
        });
        var command = new Command("profile", "risk phase profiles");
        command.Subcommands.Add(set);
        return command;
    }

    private static Command Status()
    {
        var status = new Command("status", "trading state, profile, ramp, breakers and the limits in force") { CommonOptions.Json };
        status.SetAction(async (parse, ct) =>
        {
            await using var admin = await RiskAdmin.OpenAsync(CommonOptions.LoadConfiguration(parse), ct: ct);
            var s = await admin.StatusAsync(ct);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(s, Json));
                return ExitCodes.Ok;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"state      {s.State}{(s.PausedUntil is { } u ? $" until {u:u}" : "")} — {s.Reason} (by {s.ChangedBy} at {s.ChangedAt:u})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile    {s.Profile} (ramp day {s.RampDay})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"equity     {s.LastEquity?.ToString(CultureInfo.InvariantCulture) ?? "no snapshot"} (high-water {s.HighWaterMark}, drawdown {s.Drawdown:P2})"));
            Console.WriteLine($"breakers   {(s.TrippedBreakers.Count == 0 ? "none tripped" : string.Join(", ", s.TrippedBreakers))}; consecutive losses {s.ConsecutiveLosses}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"today      {s.EntriesToday} entries (cap {s.Limits.DailyTrades?.ToString(CultureInfo.InvariantCulture) ?? "none"}); {s.PendingApprovals} pending approval(s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"limits     exposure {s.Limits.MaxExposureRatio}, risk/trade {s.Limits.MaxRiskPerTrade}, leverage ≤ {s.Limits.LeverageCap}x, breaker {s.Limits.BreakerThreshold}, approval {s.Limits.Approval}"));
            return ExitCodes.Ok;
        });
        var command = new Command("risk", "the Risk service");
        command.Subcommands.Add(status);
        return command;
    }

    private static Command Policy()
    {
        var check = new Command("check", "print the trading universe and denylist in canonical form; fail when bitcoin is not denied or the universe is empty") { CommonOptions.Json };
        check.SetAction((parse, _) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            var options = configuration.GetSection(SymbolOptions.SectionName).Get<SymbolOptions>() ?? new SymbolOptions();
            var report = PolicyReport.Build(options);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json));
            }
            else
            {
                Console.WriteLine("trading universe:");
                foreach (var e in report.Universe)
                {
                    Console.WriteLine($"  {e.Entry,-20} → {e.Canonical ?? "UNPARSEABLE"}{(e.Status == "allowed" ? "" : $"  ({e.Status})")}");
                }

                Console.WriteLine("denylist:");
                foreach (var e in report.Denylist)
                {
                    Console.WriteLine($"  {e.Entry,-20} → {e.Canonical ?? "UNPARSEABLE"}");
                }

                Console.WriteLine($"denied assets: {string.Join(", ", report.DeniedAssets)}");
                Console.WriteLine($"bitcoin denied: {(report.BitcoinDenied ? "yes" : "NO")}; tradable symbols: {report.TradableCount}");
                foreach (var p in report.Problems)
                {
                    Console.Error.WriteLine($"problem: {p}");
                }
            }

            return Task.FromResult(report.Problems.Count > 0 ? ExitCodes.InvalidConfig : report.Ok ? ExitCodes.Ok : ExitCodes.Failed);
        });
        var command = new Command("policy", "the symbol policy");
        command.Subcommands.Add(check);
        return command;
    }

    private static int Print(AdminResult result)
    {
        Console.WriteLine(result.Summary);
        foreach (var e in result.Events)
        {
            Console.WriteLine($"  {e.GetType().Name}: {JsonSerializer.Serialize(e, e.GetType(), Json).ReplaceLineEndings(" ")}");
        }

        return result.Ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Operator() => $"cli:{Environment.UserName}";
}
