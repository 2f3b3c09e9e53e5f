using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;

namespace CypherScoping.Scanner;

/// <summary>The symbols this scanner scans, and the ones it refused (with the reason).</summary>
public sealed record SymbolSelection(IReadOnlyList<string> Symbols, IReadOnlyList<string> Warnings, string Origin);

/// <summary>Builds the scanner's pieces from options (shared by the service, the CLI and tests).</summary>
public static class ScannerSetup
{
    /// <summary>
    /// SCANNER_SYMBOLS when given; else the replay mapping (replay); else this shard of the universe. Every symbol then
    /// passes the symbol policy: denied (any spelling, XBT ≡ BTC), unknown or outside the universe → never scanned.
    /// </summary>
    public static SymbolSelection SelectSymbols(ScannerOptions options, SymbolPolicy policy, MarketKind market, IReadOnlyCollection<string>? replaySymbols, string? hostName)
    {
        IEnumerable<string> requested;
        string origin;
        var warnings = new List<string>();
        var explicitList = SymbolPolicy.SplitList(options.Symbols);
        if (explicitList.Count > 0)
        {
            requested = explicitList;
            origin = "SCANNER_SYMBOLS";
        }
        else if (market == MarketKind.Replay && replaySymbols is not null)
        {
            requested = replaySymbols;
            origin = "Scanner:Replay";
        }
        else
        {
            var index = options.ShardIndex ?? Sharding.OrdinalFromHostName(hostName) ?? 0;
            if (index >= options.ShardCount)
            {
                throw new InvalidOperationException(
                    $"{ErrorCodes.InvalidConfig}: shard index {index} (from SCANNER_SHARD_INDEX or HOSTNAME={hostName}) is outside SCANNER_SHARD_COUNT={options.ShardCount}");
            }

            requested = Sharding.ShardOf(policy.Universe, index, options.ShardCount);
            origin = $"shard {index}/{options.ShardCount}";
        }

        var selected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in requested)
        {
            var decision = policy.Evaluate(raw);
            if (!decision.Allowed)
            {
                warnings.Add($"{raw} is not scanned: {decision.ErrorCode} {decision.Reason}");
                continue;
            }

            var symbol = decision.Symbol!.Value.FuturesSymbol;
            if (market == MarketKind.Replay && replaySymbols is not null && !replaySymbols.Contains(symbol))
            {
                warnings.Add($"{raw} is not scanned: no replay file is mapped to it");
                continue;
            }

            selected.Add(symbol);
        }

        return new SymbolSelection(selected.ToList(), warnings, origin);
    }

    public static IMarketDataSource CreateSource(MarketKind market, ScannerOptions options, TimeProvider time, Func<IExchange?> exchange) => market switch
    {
        MarketKind.Simulated => new SimulatedMarketDataSource(
            unchecked((ulong)options.Seed), TimeSpan.FromMinutes(options.IntervalMinutes), () => options.SimStart ?? time.GetUtcNow()),
        MarketKind.Replay => new ReplayMarketDataSource(ScannerOptions.ParseReplay(options.Replay)),
        _ => new KuCoinMarketDataSource(
            exchange() ?? throw new InvalidOperationException("Scanner:Market=kucoin needs an IExchange (the KuCoin client) registered"),
            time,
            TimeSpan.FromMinutes(options.IntervalMinutes)),
    };

    public static ScanEngine CreateEngine(
        ScannerOptions options,
        TradingOptions trading,
        SymbolPolicy policy,
        TimeProvider time,
        int maxConcurrentCalls,
        Func<IExchange?> exchange,
        string? hostName,
        out SymbolSelection selection)
    {
        var market = options.ResolveMarket(trading);
        var source = CreateSource(market, options, time, exchange);
        selection = SelectSymbols(options, policy, market, (source as ReplayMarketDataSource)?.Symbols, hostName);
        var parameters = StrategyParameters.Load(options.StrategyFile);
        return new ScanEngine(source, selection.Symbols, parameters, time, maxConcurrentCalls, options.MaxGapCandles, options.HistoryCandles, TimeSpan.FromSeconds(options.FetchTimeoutSeconds));
    }
}
