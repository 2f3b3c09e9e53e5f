using System.Globalization;
using CypherScoping.Domain;

namespace CypherScoping.Scanner;

/// <summary>Section "Scanner".</summary>
public sealed class ScannerOptions
{
    public const string SectionName = "Scanner";

    /// <summary>KuCoin granularities (minutes).</summary>
    public static readonly int[] ValidIntervals = [1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 10080];

    /// <summary>SCAN_INTERVAL: seconds between KuCoin polls.</summary>
    public int ScanIntervalSeconds { get; set; } = 300;

    /// <summary>SCANNER_SYMBOLS: explicit list (comma separated, any spelling); empty = this shard of the universe.</summary>
    public string? Symbols { get; set; }

    /// <summary>SCANNER_SHARD_INDEX; default: the ordinal at the end of HOSTNAME (scanner-2 → 2), else 0.</summary>
    public int? ShardIndex { get; set; }

    public int ShardCount { get; set; } = 1;

    /// <summary>sim | replay | kucoin; default sim when Trading simulation is on, else kucoin.</summary>
    public string? Market { get; set; }

    /// <summary>Replay files: SOLUSDTM=path,ETHUSDTM=path.</summary>
    public string? Replay { get; set; }

    /// <summary>Seed of the simulated market.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Candle interval in minutes (sim and KuCoin; replay reads it from the file).</summary>
    public int IntervalMinutes { get; set; } = 15;

    /// <summary>
    /// Run scan cycles in the background. Default: on, except when the TimeProvider is a VirtualClock (a driver such as
    /// cypher paper steps IScanCycle itself); set false explicitly when a driver calls IScanCycle.
    /// </summary>
    public bool? AutoRun { get; set; }

    /// <summary>Pause between simulated/replay cycles under a real clock (0 = as fast as possible).</summary>
    public int PaceMilliseconds { get; set; } = 1000;

    public int SignalTtlSeconds { get; set; } = 120;

    /// <summary>Gaps up to this many missing candles are bridged; longer gaps reset the indicators.</summary>
    public int MaxGapCandles { get; set; } = 5;

    /// <summary>Strategy JSON file; empty = the embedded cypher-score.json.</summary>
    public string? StrategyFile { get; set; }

    /// <summary>Candles of history fetched/generated to warm the indicators before the first scan.</summary>
    public int? HistoryCandles { get; set; }

    /// <summary>Per-symbol fetch timeout, so one slow symbol never holds up the others.</summary>
    public int FetchTimeoutSeconds { get; set; } = 20;

    /// <summary>Start of simulated time (ISO-8601); default: the clock's now, floored to the interval.</summary>
    public DateTimeOffset? SimStart { get; set; }

    /// <summary>Salt for deterministic signal ids (default: market source and seed).</summary>
    public string? RunId { get; set; }

    public MarketKind ResolveMarket(TradingOptions trading) =>
        string.IsNullOrWhiteSpace(Market)
            ? (trading.IsSimulation ? MarketKind.Simulated : MarketKind.KuCoin)
            : ParseMarket(Market) ?? throw new InvalidOperationException($"Scanner:Market={Market}: must be sim, replay or kucoin");

    public static MarketKind? ParseMarket(string value) => value.Trim().ToLowerInvariant() switch
    {
        "sim" or "simulated" or "simulation" => MarketKind.Simulated,
        "replay" => MarketKind.Replay,
        "kucoin" or "live" => MarketKind.KuCoin,
        _ => null,
    };

    /// <summary>SOLUSDTM=path,ETHUSDTM=path → (symbol as written, path).</summary>
    public static IReadOnlyList<(string Symbol, string Path)> ParseReplay(string? mapping)
    {
        var result = new List<(string, string)>();
        foreach (var entry in SymbolPolicy.SplitList(mapping))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == entry.Length - 1)
            {
                throw new InvalidOperationException($"Scanner:Replay entry '{entry}' must look like SYMBOL=path");
            }

            result.Add((entry[..eq].Trim(), entry[(eq + 1)..].Trim()));
        }

        return result;
    }

    public IReadOnlyList<string> Validate(TradingOptions trading)
    {
        var problems = new List<string>();
        MarketKind? market = null;
        if (!string.IsNullOrWhiteSpace(Market) && ParseMarket(Market) is null)
        {
            problems.Add($"Scanner:Market={Market}: must be sim, replay or kucoin");
        }
        else
        {
            market = ResolveMarket(trading);
        }

        if (!ValidIntervals.Contains(IntervalMinutes))
        {
            problems.Add($"Scanner:IntervalMinutes={IntervalMinutes}: must be one of {string.Join(", ", ValidIntervals.Select(i => i.ToString(CultureInfo.InvariantCulture)))}");
        }

        if (ShardCount < 1)
        {
            problems.Add($"SCANNER_SHARD_COUNT={ShardCount}: must be at least 1");
        }

        if (ShardIndex is { } index && (index < 0 || index >= ShardCount))
        {
            problems.Add($"SCANNER_SHARD_INDEX={index}: must be in [0, {ShardCount - 1}] for SCANNER_SHARD_COUNT={ShardCount}");
        }

        if (SignalTtlSeconds is < 1 or > 86_400)
        {
            problems.Add($"Scanner:SignalTtlSeconds={SignalTtlSeconds}: must be between 1 and 86400");
        }

        if (MaxGapCandles is < 0 or > 100_000)
        {
            problems.Add($"Scanner:MaxGapCandles={MaxGapCandles}: must be between 0 and 100000");
        }

        if (ScanIntervalSeconds < 1 || PaceMilliseconds < 0 || FetchTimeoutSeconds < 1)
        {
            problems.Add("SCAN_INTERVAL, Scanner:FetchTimeoutSeconds must be ≥ 1 and Scanner:PaceMilliseconds ≥ 0");
        }

        if (HistoryCandles is < 0 or > 100_000)
        {
            problems.Add($"Scanner:HistoryCandles={HistoryCandles}: must be between 0 and 100000");
        }

        if (market == MarketKind.Replay)
        {
            try
            {
                var files = ParseReplay(Replay);
                if (files.Count == 0)
                {
                    problems.Add("Scanner:Replay is required for Scanner:Market=replay (SOLUSDTM=path,ETHUSDTM=path)");
                }

                problems.AddRange(files.Where(f => !File.Exists(f.Path)).Select(f => $"Scanner:Replay {f.Symbol}: file {f.Path} does not exist"));
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (!string.IsNullOrWhiteSpace(StrategyFile))
        {
            try
            {
                Domain.StrategyParameters.Load(StrategyFile);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"Scanner:StrategyFile: {ex.Message}");
            }
        }

        return problems;
    }
}

public enum MarketKind
{
    Simulated = 0,
    Replay = 1,
    KuCoin = 2,
}
