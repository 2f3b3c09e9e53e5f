using System.Globalization;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Scanner;

/// <summary>What `cypher scan` / `cypher analyze` asked for.</summary>
public sealed record ScanRequest
{
    /// <summary>sim | kucoin | replay:SYM=FILE[,SYM=FILE] (null = configuration).</summary>
    public string? Market { get; init; }
    public IReadOnlyList<string> Symbols { get; init; } = [];
    /// <summary>Steps to run; 0 = until the data ends (replay) — sim/KuCoin default to one step after the warm-up.</summary>
    public int? Cycles { get; init; }
}

/// <summary>One symbol's state after the run: latest candle, indicators, score breakdown and the signal it would give now.</summary>
public sealed record SymbolReport
{
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public DateTimeOffset? CandleOpenTime { get; init; }
    public decimal? LastPrice { get; init; }
    public long Candles { get; init; }
    public bool Ready { get; init; }
    public decimal? Score { get; init; }
    public IReadOnlyDictionary<string, double?> Indicators { get; init; } = new Dictionary<string, double?>();
    public IReadOnlyDictionary<string, double> Breakdown { get; init; } = new Dictionary<string, double>();
    /// <summary>The signal the latest candle gives (cooldown ignored); null = no trade.</summary>
    public TradeSignal? WouldSignal { get; init; }
    /// <summary>Signals the run published (cooldown honoured).</summary>
    public int SignalsDuringRun { get; init; }
    public ContractTerms? Contract { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    public string? Error { get; init; }
}

public sealed record ScanReport(string Market, string Strategy, string ParameterHash, int Cycles, IReadOnlyList<SymbolReport> Symbols, IReadOnlyList<string> Warnings);

/// <summary>Runs the scanner without a bus for the CLI (no message, no order).</summary>
public static class ScanReports
{
    public static Dictionary<string, string?> Overrides(ScanRequest request)
    {
        var overrides = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(request.Market))
        {
            var market = request.Market.Trim();
            if (market.StartsWith("replay:", StringComparison.OrdinalIgnoreCase))
            {
                overrides["Scanner:Market"] = "replay";
                overrides["Scanner:Replay"] = market["replay:".Length..];
            }
            else
            {
                overrides["Scanner:Market"] = market;
            }
        }

        if (request.Symbols.Count > 0)
        {
            overrides["Scanner:Symbols"] = string.Join(",", request.Symbols);
        }

        return overrides;
    }

    /// <summary>Validate, build the engine, run the steps, report. Throws InvalidOperationException with every problem on bad input.</summary>
    public static async Task<ScanReport> RunAsync(IConfiguration configuration, ScanRequest request, Func<IExchange?> exchange, CancellationToken cancellationToken)
    {
        var options = new ScannerOptions();
        configuration.GetSection(ScannerOptions.SectionName).Bind(options);
        var trading = new TradingOptions();
        configuration.GetSection(TradingOptions.SectionName).Bind(trading);
        var symbols = new SymbolOptions();
        configuration.GetSection(SymbolOptions.SectionName).Bind(symbols);
        var problems = options.Validate(trading);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{ErrorCodes.InvalidConfig}: {string.Join("; ", problems)}");
        }

        var market = options.ResolveMarket(trading);
        var limit = request.Cycles ?? (market == MarketKind.Replay ? 0 : 1);
        if (limit <= 0 && market != MarketKind.Replay)
        {
            limit = 1; // simulated and live data never end
        }
        if (market == MarketKind.Simulated && options.SimStart is null)
        {
            // Simulated candles end at the present: the last step's candle closes at (about) now.
            options.SimStart = TimeProvider.System.GetUtcNow().AddMinutes(-options.IntervalMinutes * Math.Max(1, limit));
        }

        TimeProvider time = market == MarketKind.KuCoin ? TimeProvider.System : new VirtualClock(TimeProvider.System.GetUtcNow());
        var maxCalls = configuration.GetValue("KuCoin:MaxConcurrentCalls", 3);
        using var engine = ScannerSetup.CreateEngine(options, trading, symbols.CreatePolicy(), time, maxCalls, exchange, Environment.GetEnvironmentVariable("HOSTNAME"), out var selection);
        if (engine.Symbols.Count == 0)
        {
            throw new InvalidOperationException($"nothing to scan: {string.Join("; ", selection.Warnings.DefaultIfEmpty("no symbol selected"))}");
        }

        var signals = new Dictionary<string, int>(StringComparer.Ordinal);
        var last = new Dictionary<string, SymbolScanResult>(StringComparer.Ordinal);
        var problemsBySymbol = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var cycles = 0;
        while (limit == 0 || cycles < limit)
        {
            var cycle = await engine.StepAsync(cancellationToken);
            cycles++;
            foreach (var r in cycle.Results)
            {
                if (r.Candle is not null || r.Failure is not null || !last.ContainsKey(r.Symbol))
                {
                    last[r.Symbol] = r;
                }

                if (r.Signal is not null)
                {
                    signals[r.Symbol] = signals.GetValueOrDefault(r.Symbol) + 1;
                }

                var list = problemsBySymbol.TryGetValue(r.Symbol, out var l) ? l : problemsBySymbol[r.Symbol] = [];
                list.AddRange(r.Problems.Select(p => p.Reason));
            }

            if (!cycle.MoreData)
            {
                break;
            }
        }

        var reports = engine.Symbols.Select(s => Report(engine, last[s], signals.GetValueOrDefault(s), problemsBySymbol.GetValueOrDefault(s) ?? [])).ToList();
        return new ScanReport(engine.Source.Name, engine.Parameters.Label, engine.ParameterHash, cycles, reports, selection.Warnings);
    }

    private static SymbolReport Report(ScanEngine engine, SymbolScanResult result, int signals, List<string> problems)
    {
        var tracker = engine.Tracker(result.Symbol);
        var evaluation = tracker?.Strategy.LastEvaluation ?? default;
        var i = evaluation.Indicators;
        var b = evaluation.Breakdown;
        static double? V(double x) => double.IsFinite(x) ? x : null;
        var last = tracker?.LastCandle;
        return new SymbolReport
        {
            Symbol = result.Symbol,
            BaseAsset = result.BaseAsset,
            CandleOpenTime = last?.OpenTime,
            LastPrice = last?.Close,
            Candles = tracker?.AcceptedCandles ?? 0,
            Ready = evaluation.Ready,
            Score = evaluation.Ready ? Math.Round((decimal)evaluation.Score, 2) : null,
            Indicators = new Dictionary<string, double?>
            {
                ["emaFast"] = V(i.EmaFast), ["emaSlow"] = V(i.EmaSlow), ["rsi"] = V(i.Rsi), ["macd"] = V(i.MacdLine), ["macdSignal"] = V(i.MacdSignal),
                ["macdHistogram"] = V(i.MacdHistogram), ["bollingerUpper"] = V(i.BollingerUpper), ["bollingerMiddle"] = V(i.BollingerMiddle),
                ["bollingerLower"] = V(i.BollingerLower), ["atr"] = V(i.Atr), ["adx"] = V(i.Adx), ["plusDi"] = V(i.PlusDi), ["minusDi"] = V(i.MinusDi),
                ["volumeZ"] = V(i.VolumeZ),
            },
            Breakdown = evaluation.Ready
                ? new Dictionary<string, double> { ["ema"] = b.Ema, ["adx"] = b.Adx, ["rsi"] = b.Rsi, ["macd"] = b.Macd, ["bollinger"] = b.Bollinger, ["volume"] = b.Volume }
                : new Dictionary<string, double>(),
            WouldSignal = last is not null && result.Contract is not null ? tracker!.Strategy.Propose(last.Close, result.Contract.TickSize) : null,
            SignalsDuringRun = signals,
            Contract = result.Contract,
            Problems = problems,
            Error = result.Failure is { } f ? $"{f.ErrorCode}: {f.Message}" : null,
        };
    }

    public static string Format(double? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "-";
}
