using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Scanner;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Cli.Commands;

/// <summary>`cypher scan` and `cypher analyze`: run the scanner's own code on sim, replay or KuCoin data; never send an order.</summary>
public static class ScanCommands
{
    /// <summary>How the CLI gets the KuCoin client for --market kucoin (default: the real client from configuration).</summary>
    public static Func<IConfiguration, IExchange?>? ExchangeFactory { get; set; } = configuration =>
        new ServiceCollection().AddLogging().AddKuCoinExchange(configuration).BuildServiceProvider().GetRequiredService<IExchange>();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var market = new Option<string?>("--market") { Description = "sim | kucoin | replay:SYM=FILE[,SYM=FILE] (default: configuration)" };
        var cycles = new Option<int?>("--cycles") { Description = "scan steps to run (replay default: to the end of the files; sim/kucoin: 1 after warm-up)" };

        var symbols = new Option<string[]>("--symbol") { Description = "symbol(s) to scan (default: this scanner's symbols)", AllowMultipleArgumentsPerToken = true };
        var limit = new Option<int?>("--limit") { Description = "show at most N symbols, strongest score first" };
        var scan = new Command("scan", "Scan symbols: last price, CypherScore and the signal each would give now");
        scan.Options.Add(symbols);
        scan.Options.Add(limit);
        scan.Options.Add(CommonOptions.Json);
        scan.Options.Add(market);
        scan.Options.Add(cycles);
        scan.SetAction(async (parse, ct) =>
        {
            var request = new ScanRequest { Market = parse.GetValue(market), Symbols = parse.GetValue(symbols) ?? [], Cycles = parse.GetValue(cycles) };
            var (report, _, exit) = await RunAsync(parse, request, ct);
            if (report is null)
            {
                return exit;
            }

            var rows = report.Symbols.OrderByDescending(s => Math.Abs(s.Score ?? 0)).ThenBy(s => s.Symbol, StringComparer.Ordinal)
                .Take(parse.GetValue(limit) ?? int.MaxValue).ToList();
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report with { Symbols = rows }, Json));
                return ExitCodes.Ok;
            }

            Console.WriteLine($"market {report.Market} · strategy {report.Strategy} #{report.ParameterHash} · {report.Cycles} step(s)");
            Console.WriteLine($"{"SYMBOL",-11} {"CANDLE (UTC)",-17} {"LAST",14} {"SCORE",8} {"SIGNAL",-34} {"RUN",4}");
            foreach (var s in rows)
            {
                var signal = s.Error ?? (s.WouldSignal is { } w ? $"{w.Side} sl {w.StopLoss.ToString(CultureInfo.InvariantCulture)} tp {w.TakeProfit.ToString(CultureInfo.InvariantCulture)}" : s.Ready ? "none" : "warming up");
                Console.WriteLine($"{s.Symbol,-11} {s.CandleOpenTime?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-17} {s.LastPrice?.ToString(CultureInfo.InvariantCulture),14} {s.Score?.ToString("0.00", CultureInfo.InvariantCulture),8} {signal,-34} {s.SignalsDuringRun,4}");
            }

            PrintWarnings(report);
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(scan);

        var symbol = new Option<string>("--symbol") { Description = "symbol to analyze", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "show the order that would follow; nothing is sent (analyze never sends orders)" };
        var analyze = new Command("analyze", "Indicator values, score breakdown and the signal one symbol would give (no order is sent)");
        analyze.Options.Add(symbol);
        analyze.Options.Add(CommonOptions.Json);
        analyze.Options.Add(dryRun);
        analyze.Options.Add(market);
        analyze.Options.Add(cycles);
        analyze.SetAction(async (parse, ct) =>
        {
            var request = new ScanRequest { Market = parse.GetValue(market), Symbols = [parse.GetValue(symbol)!], Cycles = parse.GetValue(cycles) };
            var (report, configuration, exit) = await RunAsync(parse, request, ct);
            if (report is null)
            {
                return exit;
            }

            var s = report.Symbols.Single();
            var dry = parse.GetValue(dryRun) && s.WouldSignal is { } wouldSignal && s.Contract is { } contract
                ? await DryRunOrderAsync(configuration!, report.Market, s.Symbol, wouldSignal, contract, ct)
                : null;
            var exitCode = s.Error is not null ? ExitCodes.Unreachable
                : dry?.KuCoinTest is { Accepted: false } failed ? (failed.Answered ? ExitCodes.Failed : ExitCodes.Unreachable)
                : ExitCodes.Ok;
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { report.Market, report.Strategy, report.ParameterHash, report.Cycles, DryRun = true, OrderSent = false, Analysis = s, DryRunOrder = dry }, Json));
                return exitCode;
            }

            Console.WriteLine($"{s.Symbol} ({s.BaseAsset}) · market {report.Market} · strategy {report.Strategy} #{report.ParameterHash}");
            Console.WriteLine($"candle {s.CandleOpenTime:u} close {s.LastPrice?.ToString(CultureInfo.InvariantCulture)} · {s.Candles} candles · score {s.Score?.ToString("0.00", CultureInfo.InvariantCulture) ?? "warming up"}");
            Console.WriteLine("indicators:");
            foreach (var (name, value) in s.Indicators)
            {
                Console.WriteLine($"  {name,-16} {ScanReports.Format(value)}");
            }

            Console.WriteLine("score breakdown:");
            foreach (var (name, value) in s.Breakdown)
            {
                Console.WriteLine($"  {name,-16} {value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)}");
            }

            Console.WriteLine(s.WouldSignal is { } w
                ? $"signal: {w.Side} entry {w.EntryPrice.ToString(CultureInfo.InvariantCulture)} stop {w.StopLoss.ToString(CultureInfo.InvariantCulture)} take-profit {w.TakeProfit.ToString(CultureInfo.InvariantCulture)} (ATR {w.Atr.ToString("0.######", CultureInfo.InvariantCulture)})"
                : "signal: none");
            if (s.Contract is { } c)
            {
                Console.WriteLine($"contract: multiplier {c.Multiplier.ToString(CultureInfo.InvariantCulture)} tick {c.TickSize.ToString(CultureInfo.InvariantCulture)} max leverage {c.MaxLeverage}");
            }

            if (s.Error is not null)
            {
                Console.WriteLine($"error: {s.Error}");
            }

            if (dry is not null)
            {
                Console.WriteLine(DryRunSizing.Text(dry));
            }

            Console.WriteLine("dry run: no order was sent.");
            PrintWarnings(report);
            return exitCode;
        });
        root.Subcommands.Add(analyze);
    }

    /// <summary>The scan, with the configuration it ran on (analyze --dry-run sizes with the same settings).</summary>
    private static async Task<(ScanReport? Report, IConfiguration? Configuration, int Exit)> RunAsync(ParseResult parse, ScanRequest request, CancellationToken ct)
    {
        try
        {
            var configuration = CommonOptions.LoadConfiguration(parse, ScanReports.Overrides(request));
            var check = Hosting.ConfigCheck.Validate(configuration);
            if (!check.IsValid)
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, check.Errors));
                return (null, null, ExitCodes.InvalidConfig);
            }

            var report = await ScanReports.RunAsync(configuration, request, () => ExchangeFactory?.Invoke(configuration), ct);
            return (report, configuration, ExitCodes.Ok);
        }
        catch (Hosting.InvalidConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return (null, null, ExitCodes.InvalidConfig);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return (null, null, ex.Message.StartsWith(Domain.ErrorCodes.InvalidConfig, StringComparison.Ordinal) ? ExitCodes.InvalidConfig : ExitCodes.Failed);
        }
    }

    /// <summary>Risk's sizing; on KuCoin with real credentials, sized from the account and validated by KuCoin's test endpoint.</summary>
    private static async Task<DryRunOrder> DryRunOrderAsync(IConfiguration configuration, string market, string symbol, Scanner.Domain.TradeSignal signal, Contracts.ContractTerms terms, CancellationToken ct)
    {
        if (!string.Equals(market, "kucoin", StringComparison.OrdinalIgnoreCase))
        {
            return DryRunSizing.Size(configuration, signal, terms, null);
        }

        if (!DryRunSizing.HasCredentials(configuration) || ExchangeFactory?.Invoke(configuration) is not { } exchange)
        {
            return DryRunSizing.Size(configuration, signal, terms, null) with
            {
                Note = "not checked with KuCoin: set KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE to validate the order with POST /api/v1/orders/test",
            };
        }

        try
        {
            return await DryRunSizing.CheckWithKuCoinAsync(configuration, exchange, symbol, signal, terms, ct);
        }
        finally
        {
            (exchange as IDisposable)?.Dispose();
        }
    }

    private static void PrintWarnings(ScanReport report)
    {
        foreach (var warning in report.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        foreach (var s in report.Symbols.Where(s => s.Problems.Count > 0))
        {
            Console.Error.WriteLine($"warning: {s.Symbol}: {s.Problems.Count} bad candle(s) skipped (E_BAD_MARKET_DATA), first: {s.Problems[0]}");
        }
    }
}
