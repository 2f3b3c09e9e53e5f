using CypherScoping.Domain;
using CypherScoping.Scanner.Market;
using CypherScoping.TestKit;

namespace CypherScoping.Scanner.Tests;

internal static class ScannerTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static SymbolPolicy DefaultPolicy() => new SymbolOptions().CreatePolicy();

    public static ScanEngine Engine(ScannerOptions options, SymbolPolicy? policy = null, TimeProvider? time = null, int maxCalls = 3) =>
        ScannerSetup.CreateEngine(options, new TradingOptions(), policy ?? DefaultPolicy(), time ?? new VirtualClock(Start), maxCalls, () => null, null, out _);

    public static ScannerOptions Sim(long seed = 42, string? symbols = null) => new()
    {
        Market = "sim",
        Seed = seed,
        Symbols = symbols,
        SimStart = Start,
    };

    public static ScannerOptions Replay(string mapping) => new() { Market = "replay", Replay = mapping };

    public static string Map(string symbol, string file) => $"{symbol}={SharedData.Candles(file)}";

    /// <summary>Run the engine until the data ends (or the cycle limit) and collect every signal with its symbol.</summary>
    public static async Task<List<(string Symbol, DateTimeOffset Time, TradeSignalView Signal)>> CollectSignalsAsync(ScanEngine engine, int maxCycles)
    {
        var signals = new List<(string, DateTimeOffset, TradeSignalView)>();
        for (var i = 0; i < maxCycles; i++)
        {
            var cycle = await engine.StepAsync(CancellationToken.None);
            foreach (var r in cycle.Results.Where(r => r.Signal is not null))
            {
                var s = r.Signal!;
                signals.Add((r.Symbol, r.Candle!.OpenTime, new TradeSignalView(s.Side.ToString(), s.EntryPrice, s.StopLoss, s.TakeProfit, Math.Round(s.Score, 9))));
            }

            if (!cycle.MoreData)
            {
                break;
            }
        }

        return signals;
    }
}

internal sealed record TradeSignalView(string Side, decimal Entry, decimal Stop, decimal TakeProfit, double Score);

/// <summary>A market-data source for isolation tests: wraps the simulated market, fails or stalls on chosen symbols, and counts calls in flight.</summary>
internal sealed class FaultySource(IMarketDataSource inner, string failingSymbol, string slowSymbol) : IMarketDataSource
{
    private int _inFlight;

    public int PeakInFlight { get; private set; }

    public MarketKind Kind => inner.Kind;

    public string Name => inner.Name;

    public TimeSpan IntervalOf(string symbol) => inner.IntervalOf(symbol);

    public Task<MarketBatch> GetHistoryAsync(string symbol, int candles, CancellationToken cancellationToken) =>
        TrackAsync(symbol, () => inner.GetHistoryAsync(symbol, candles, cancellationToken), cancellationToken);

    public Task<MarketBatch> GetNextAsync(string symbol, DateTimeOffset? lastOpenTime, CancellationToken cancellationToken) =>
        TrackAsync(symbol, () => inner.GetNextAsync(symbol, lastOpenTime, cancellationToken), cancellationToken);

    public Task<Contracts.ContractTerms?> GetContractAsync(string symbol, CancellationToken cancellationToken) => inner.GetContractAsync(symbol, cancellationToken);

    private async Task<MarketBatch> TrackAsync(string symbol, Func<Task<MarketBatch>> call, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        lock (this)
        {
            PeakInFlight = Math.Max(PeakInFlight, now);
        }

        try
        {
            await Task.Delay(20, cancellationToken);
            if (symbol == failingSymbol)
            {
                throw new Exchange.ExchangeException(ErrorCodes.ExchangeUnavailable, "503 from the klines endpoint", httpStatus: 503);
            }

            if (symbol == slowSymbol)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await call();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
