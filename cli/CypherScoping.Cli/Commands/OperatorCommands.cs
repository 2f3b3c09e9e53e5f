using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Executor;
using CypherScoping.Hosting;
using CypherScoping.Persistence;
using CypherScoping.Risk;
using CypherScoping.Scanner.Domain;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Cli.Commands;

/// <summary>The operator's phase commands: preflight live (4.1), snapshot (3.3), dashboard (5.1).</summary>
public static class OperatorCommands
{
    public static void Register(RootCommand root)
    {
        root.Subcommands.Add(PreflightCommand());
        root.Subcommands.Add(SnapshotCommand());
        root.Subcommands.Add(DashboardCommand());
    }

    private static Command PreflightCommand()
    {
        var live = new Command("live", "Phase 4.1: credentials, live mode, risk settings, symbol policy, database, exchange and breaker state. PASS/FAIL per line.")
        {
            CommonOptions.Json,
        };
        live.SetAction(async (parse, ct) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            var checks = await Preflight.RunAsync(configuration, ct);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { passed = checks.All(c => c.Passed), checks }, JsonOutput.Options));
            }
            else
            {
                foreach (var check in checks)
                {
                    Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name,-28} {check.Detail}");
                }

                Console.WriteLine(checks.All(c => c.Passed) ? "PREFLIGHT PASSED" : "PREFLIGHT FAILED");
            }

            return checks.All(c => c.Passed) ? ExitCodes.Ok : ExitCodes.GateFailed;
        });
        var command = new Command("preflight", "Checks before a phase starts.");
        command.Subcommands.Add(live);
        return command;
    }

    private static Command SnapshotCommand()
    {
        var outDir = new Option<string>("--out") { Description = "parent folder", DefaultValueFactory = _ => "deployment-snapshots" };
        var command = new Command("snapshot", "Phase 3.3: write deployment-snapshots/<UTC time>/ with the effective config (secrets masked), the strategy file, the latest health report and the gate report.")
        {
            outDir, CommonOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            var dir = await Snapshot.WriteAsync(configuration, parse.GetValue(outDir)!, DateTimeOffset.UtcNow, ct);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { directory = dir, files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal) }));
                return ExitCodes.Ok;
            }

            Console.WriteLine($"Snapshot written to {dir}");
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                Console.WriteLine($"  {Path.GetFileName(file)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DashboardCommand()
    {
        var once = new Option<bool>("--once") { Description = "print one frame and exit" };
        var interval = new Option<int>("--interval") { Description = "seconds between frames", DefaultValueFactory = _ => 5 };
        var command = new Command("dashboard", "Phase 5.1: trades today, win rate, errors, trading and breaker state, open positions, last trade; refreshing.")
        {
            once, interval, CommonOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            do
            {
                var frame = await Dashboard.FrameAsync(configuration, DateTimeOffset.UtcNow, ct);
                if (parse.GetValue(CommonOptions.Json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(frame, JsonOutput.Options));
                }
                else
                {
                    if (!parse.GetValue(once) && !Console.IsOutputRedirected)
                    {
                        Console.Clear();
                    }

                    Console.WriteLine(frame.ToText());
                }

                if (parse.GetValue(once))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(interval))), ct);
            }
            while (!ct.IsCancellationRequested);
            return ExitCodes.Ok;
        });
        return command;
    }
}

public sealed record PreflightCheck(string Name, bool Passed, string Detail);

public static class Preflight
{
    public static async Task<IReadOnlyList<PreflightCheck>> RunAsync(IConfiguration configuration, CancellationToken ct)
    {
        var checks = new List<PreflightCheck>();
        var report = ConfigCheck.Validate(configuration);
        var mode = configuration["Trading:Mode"] ?? "paper";
        checks.Add(new("mode is live", mode.Equals("live", StringComparison.OrdinalIgnoreCase), $"TRADING_MODE={mode}"));
        var credentialProblems = report.Errors.Where(e => e.Contains(ErrorCodes.MissingCredentials, StringComparison.Ordinal)).ToList();
        var missing = new[] { "KuCoin:ApiKey", "KuCoin:ApiSecret", "KuCoin:ApiPassphrase" }.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        var placeholders = new[] { "KuCoin:ApiKey", "KuCoin:ApiSecret", "KuCoin:ApiPassphrase" }.Where(k => configuration[k] is { } v && ConfigCheck.IsPlaceholder(v)).ToList();
        checks.Add(new("credentials present", missing.Count == 0 && placeholders.Count == 0,
            missing.Count + placeholders.Count == 0 ? "key, secret and passphrase set (not shown)" : string.Join("; ", credentialProblems.DefaultIfEmpty("KUCOIN_API_KEY/SECRET/PASSPHRASE missing or placeholders"))));
        var otherErrors = report.Errors.Except(credentialProblems).ToList();
        checks.Add(new("configuration valid", otherErrors.Count == 0, otherErrors.Count == 0 ? $"{report.Warnings.Count} warning(s)" : string.Join("; ", otherErrors)));
        checks.Add(new("risk settings", true, string.Join(", ", new[] { "RISK_PROFILE", "MAX_EXPOSURE_RATIO", "MAX_RISK_PER_TRADE", "MAX_LEVERAGE", "MAX_DAILY_TRADES", "REQUIRE_MANUAL_APPROVAL", "CIRCUIT_BREAKER_THRESHOLD" }
            .Select(k => $"{k}={(report.Effective.TryGetValue(k, out var v) ? v : "(profile)")}"))));

        var symbols = new SymbolOptions();
        configuration.GetSection(SymbolOptions.SectionName).Bind(symbols);
        var policy = PolicyReport.Build(symbols);
        checks.Add(new("symbol policy", policy.Ok, $"bitcoin denied: {(policy.BitcoinDenied ? "yes" : "NO")}, tradable symbols: {policy.TradableCount}"));

        foreach (var service in new[] { "risk", "executor", "auditor" })
        {
            checks.Add(await DatabaseCheckAsync(configuration, service, ct));
        }

        checks.AddRange(await ExchangeChecksAsync(configuration, ct));

        try
        {
            await using var admin = await RiskAdmin.OpenAsync(configuration, ct: ct);
            var status = await admin.StatusAsync(ct);
            checks.Add(new("breakers clear", status.State == TradingState.Active && status.TrippedBreakers.Count == 0,
                $"state {status.State}{(status.TrippedBreakers.Count > 0 ? ", tripped: " + string.Join(", ", status.TrippedBreakers) : string.Empty)}, profile {status.Profile}"));
        }
        catch (Exception ex)
        {
            checks.Add(new("breakers clear", false, $"risk state unreadable: {ex.GetType().Name}"));
        }

        return checks;
    }

    private static async Task<PreflightCheck> DatabaseCheckAsync(IConfiguration configuration, string service, CancellationToken ct)
    {
        try
        {
            await using var db = DatabaseOptions.Create(configuration, service);
            await using var connection = await db.OpenAsync(ct);
            var applied = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_history");
            return new($"{service} database migrated", applied > 0, $"{applied} migration(s) at {db.Location}");
        }
        catch (Exception ex)
        {
            return new($"{service} database migrated", false, $"not migrated or unreachable ({ex.GetType().Name}); start the service once to migrate");
        }
    }

    private static async Task<IReadOnlyList<PreflightCheck>> ExchangeChecksAsync(IConfiguration configuration, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddKuCoinExchange(configuration);
        await using var provider = services.BuildServiceProvider();
        var exchange = provider.GetRequiredService<IExchange>();
        var checks = new List<PreflightCheck>();
        try
        {
            var serverTime = await exchange.GetServerTimeAsync(ct);
            checks.Add(new("exchange reachable", true, $"server time {serverTime:O}"));
        }
        catch (Exception ex)
        {
            checks.Add(new("exchange reachable", false, ex is ExchangeException ee ? $"{ee.ErrorCode}: {ee.Message}" : ex.GetType().Name));
            checks.Add(new("credentials accepted", false, "exchange unreachable"));
            return checks;
        }

        try
        {
            var account = await exchange.GetAccountOverviewAsync(ct);
            checks.Add(new("credentials accepted", true, $"USDT equity {account.AccountEquity.ToString("0.00", CultureInfo.InvariantCulture)}, available {account.AvailableBalance.ToString("0.00", CultureInfo.InvariantCulture)}"));
        }
        catch (Exception ex)
        {
            checks.Add(new("credentials accepted", false, ex is ExchangeException ee ? $"{ee.ErrorCode}: {ee.Message}" : ex.GetType().Name));
        }

        return checks;
    }
}

public static class Snapshot
{
    public static async Task<string> WriteAsync(IConfiguration configuration, string parent, DateTimeOffset at, CancellationToken ct)
    {
        var dir = Path.GetFullPath(Path.Combine(parent, at.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(dir);
        var report = ConfigCheck.Validate(configuration);
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new { takenAt = at, valid = report.IsValid, settings = report.Effective, warnings = report.Warnings, errors = report.Errors }, JsonOutput.Options), ct);

        var strategyPath = configuration["Scanner:StrategyFile"];
        var strategy = string.IsNullOrWhiteSpace(strategyPath) ? StrategyParameters.ReadEmbedded() : await File.ReadAllTextAsync(strategyPath, ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "strategy.json"), strategy, ct);

        try
        {
            await using var auditor = await AuditorRegistration.OpenDatabaseAsync(configuration, ct);
            var options = AuditorRegistration.ReadOptions(configuration);
            var symbols = new SymbolOptions();
            configuration.GetSection(SymbolOptions.SectionName).Bind(symbols);
            var gate = await AuditQueries.GatePaperAsync(auditor, options.Gate, symbols.CreatePolicy(), ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "gate-report.txt"), gate.ToText(), ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "gate-report.json"), gate.ToJson(), ct);
            var health = await AuditQueries.HealthAsync(auditor, options.Health, ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "health-report.json"), JsonSerializer.Serialize(health, JsonOutput.Options), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "reports-unavailable.txt"), $"audit trail unreadable: {ex.GetType().Name}: {ex.Message}", ct);
        }

        return dir;
    }
}

public sealed record DashboardFrame(
    DateTimeOffset At,
    string TradingState,
    string Profile,
    IReadOnlyList<string> TrippedBreakers,
    int TradesToday,
    decimal WinRate,
    int Errors,
    decimal? Equity,
    IReadOnlyList<DashboardPosition> OpenPositions,
    string? LastTrade)
{
    public string ToText()
    {
        var lines = new List<string>
        {
            $"CypherScoping dashboard — {At:yyyy-MM-dd HH:mm:ss} UTC",
            $"state {TradingState}   profile {Profile}   breakers {(TrippedBreakers.Count == 0 ? "clear" : string.Join(", ", TrippedBreakers))}",
            $"trades today {TradesToday}   win rate {WinRate:P1}   errors {Errors}   equity {(Equity is { } e ? e.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}",
            $"open positions ({OpenPositions.Count}):",
        };
        lines.AddRange(OpenPositions.Select(p => $"  {p.Symbol,-12} {p.Side,-5} {p.Lots,10} lots @ {p.EntryPrice,-12} stop {p.StopLoss,-12} take {p.TakeProfit,-12}"));
        lines.Add($"last trade: {LastTrade ?? "none"}");
        return string.Join(Environment.NewLine, lines);
    }
}

public sealed record DashboardPosition(string Symbol, string Side, decimal Lots, decimal EntryPrice, decimal StopLoss, decimal TakeProfit);

public static class Dashboard
{
    public static async Task<DashboardFrame> FrameAsync(IConfiguration configuration, DateTimeOffset now, CancellationToken ct)
    {
        await using var admin = await RiskAdmin.OpenAsync(configuration, ct: ct);
        var status = await admin.StatusAsync(ct);
        await using var executorDb = DatabaseOptions.Create(configuration, ExecutorRegistration.ServiceName);
        await MigrationRunner.ApplyAsync(executorDb, MigrationRunner.FromAssembly(typeof(ExecutorRegistration).Assembly), ct);
        var open = await ExecutorQueries.OpenPositionsAsync(executorDb, ct);
        var closed = await ExecutorQueries.ClosedPositionsAsync(executorDb, ct);
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var today = closed.Where(p => p.ClosedAt >= dayStart).ToList();
        var wins = closed.Count(p => p.RealizedPnl > 0);
        var counts = await ExecutorQueries.LedgerCountsAsync(executorDb, ct);
        var last = closed.OrderByDescending(p => p.ClosedAt).FirstOrDefault();
        return new DashboardFrame(
            now,
            status.State.ToString(),
            status.Profile,
            status.TrippedBreakers,
            today.Count,
            closed.Count == 0 ? 0m : (decimal)wins / closed.Count,
            counts.OrdersRejected + counts.OrdersUnknown,
            status.LastEquity,
            open.Select(p => new DashboardPosition(p.Symbol, p.Side, p.OpenLots, p.EntryPrice, p.StopLoss, p.TakeProfit)).ToList(),
            last is null ? null : $"{last.ClosedAt:yyyy-MM-dd HH:mm} {last.Symbol} {last.Side} {last.ExitReason} pnl {last.RealizedPnl?.ToString("0.00", CultureInfo.InvariantCulture)}");
    }
}
