using System.Collections.Concurrent;
using System.Globalization;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;

namespace CypherScoping.Scanner.Market;

/// <summary>A row of market data that could not even be read as a candle (unparseable, NaN …).</summary>
public sealed record MarketProblem(DateTimeOffset? OpenTime, string Reason);

/// <summary>Closed candles, ascending, plus rows that could not be read, and whether the source has ended.</summary>
public sealed record MarketBatch(IReadOnlyList<Candle> Candles, IReadOnlyList<MarketProblem> Problems, bool EndOfData)
{
    public static MarketBatch Empty { get; } = new([], [], false);

    public static MarketBatch Ended { get; } = new([], [], true);
}

/// <summary>Where candles come from: Simulated (seeded), Replay (CSV files) or KuCoin (klines through IExchange).</summary>
public interface IMarketDataSource
{
    MarketKind Kind { get; }

    /// <summary>simulated, replay or kucoin (MarketScanned.Source).</summary>
    string Name { get; }

    TimeSpan IntervalOf(string symbol);

    /// <summary>Closed candles before the first scan, to warm the indicators (replay: none; the file warms itself).</summary>
    Task<MarketBatch> GetHistoryAsync(string symbol, int candles, CancellationToken cancellationToken);

    /// <summary>The next closed candle(s) after <paramref name="lastOpenTime"/>: exactly one step for sim/replay, every newly closed candle for KuCoin.</summary>
    Task<MarketBatch> GetNextAsync(string symbol, DateTimeOffset? lastOpenTime, CancellationToken cancellationToken);

    /// <summary>The contract's terms (catalog for sim/replay, the exchange's list for KuCoin), or null when unlisted.</summary>
    Task<ContractTerms?> GetContractAsync(string symbol, CancellationToken cancellationToken);
}

/// <summary>Seeded, deterministic simulated market (the default when SIMULATION=true).</summary>
public sealed class SimulatedMarketDataSource(ulong seed, TimeSpan interval, Func<DateTimeOffset> start) : IMarketDataSource
{
    private readonly ConcurrentDictionary<string, SimState> _states = new(StringComparer.Ordinal);
    private readonly Lazy<DateTimeOffset> _start = new(() => Floor(start(), interval));

    public MarketKind Kind => MarketKind.Simulated;

    public string Name => "simulated";

    public DateTimeOffset Start => _start.Value;

    public TimeSpan IntervalOf(string symbol) => interval;

    public Task<MarketBatch> GetHistoryAsync(string symbol, int candles, CancellationToken cancellationToken)
    {
        var state = State(symbol);
        lock (state)
        {
            if (state.Next > Start)
            {
                return Task.FromResult(MarketBatch.Empty); // history only before the first live candle
            }

            var list = new List<Candle>(candles);
            var t = Start - (interval * candles);
            for (var i = 0; i < candles; i++, t += interval)
            {
                list.Add(state.Model.Next(t));
            }

            state.Next = Start;
            state.HistoryDone = true;
            return Task.FromResult(new MarketBatch(list, [], false));
        }
    }

    public Task<MarketBatch> GetNextAsync(string symbol, DateTimeOffset? lastOpenTime, CancellationToken cancellationToken)
    {
        var state = State(symbol);
        lock (state)
        {
            var candle = state.Model.Next(state.Next);
            state.Next += interval;
            return Task.FromResult(new MarketBatch([candle], [], false));
        }
    }

    public Task<ContractTerms?> GetContractAsync(string symbol, CancellationToken cancellationToken) =>
        Task.FromResult(ContractCatalog.Find(symbol)?.ToTerms());

    internal static DateTimeOffset Floor(DateTimeOffset time, TimeSpan interval) =>
        new(time.UtcTicks - (time.UtcTicks % interval.Ticks), TimeSpan.Zero);

    private SimState State(string symbol) => _states.GetOrAdd(symbol, s =>
    {
        var tick = ContractCatalog.Find(s)?.TickSize ?? 0.0001m;
        return new SimState(new SimulatedPriceModel(seed, s, tick, interval)) { Next = Start };
    });

    private sealed class SimState(SimulatedPriceModel model)
    {
        public SimulatedPriceModel Model { get; } = model;

        public DateTimeOffset Next { get; set; }

        public bool HistoryDone { get; set; }
    }
}

/// <summary>
/// Replays CSV files (header timestamp,open,high,low,close,volume; ISO-8601 UTC) mapped to symbols
/// (SOLUSDTM=path). One candle per symbol per step; unreadable rows are reported, never fed to indicators.
/// </summary>
public sealed class ReplayMarketDataSource : IMarketDataSource
{
    private readonly Dictionary<string, ReplayFile> _files = new(StringComparer.Ordinal);

    public ReplayMarketDataSource(IEnumerable<(string Symbol, string Path)> mapping)
    {
        foreach (var (symbol, path) in mapping)
        {
            var key = SymbolCanonicalizer.TryParse(symbol, out var canonical, out _) ? canonical.FuturesSymbol : symbol.Trim().ToUpperInvariant();
            _files[key] = new ReplayFile(path);
        }
    }

    public MarketKind Kind => MarketKind.Replay;

    public string Name => "replay";

    /// <summary>Symbols that have a file (KuCoin spelling).</summary>
    public IReadOnlyCollection<string> Symbols => _files.Keys;

    public TimeSpan IntervalOf(string symbol) => File(symbol).Interval;

    public Task<MarketBatch> GetHistoryAsync(string symbol, int candles, CancellationToken cancellationToken) => Task.FromResult(MarketBatch.Empty);

    public Task<MarketBatch> GetNextAsync(string symbol, DateTimeOffset? lastOpenTime, CancellationToken cancellationToken)
    {
        var file = File(symbol);
        lock (file)
        {
            var problems = new List<MarketProblem>();
            while (file.Cursor < file.Rows.Count)
            {
                var row = file.Rows[file.Cursor++];
                if (row.Candle is not null)
                {
                    return Task.FromResult(new MarketBatch([row.Candle], problems, file.Cursor >= file.Rows.Count));
                }

                problems.Add(row.Problem!);
            }

            return Task.FromResult(new MarketBatch([], problems, true));
        }
    }

    public Task<ContractTerms?> GetContractAsync(string symbol, CancellationToken cancellationToken) =>
        Task.FromResult(ContractCatalog.Find(symbol)?.ToTerms());

    private ReplayFile File(string symbol) =>
        _files.TryGetValue(symbol, out var file) ? file : throw new InvalidOperationException($"no replay file is mapped to {symbol}");

    /// <summary>Parse one CSV file into candles and problems (the parser never throws on a bad row).</summary>
    public static IReadOnlyList<(Candle? Candle, MarketProblem? Problem)> ReadCsv(string path)
    {
        var rows = new List<(Candle?, MarketProblem?)>();
        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (header is null || !header.Trim().Equals("timestamp,open,high,low,close,volume", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{path}: expected the header timestamp,open,high,low,close,volume");
        }

        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            rows.Add(ParseRow(line, lineNumber));
        }

        return rows;
    }

    public static (Candle? Candle, MarketProblem? Problem) ParseRow(string line, int lineNumber)
    {
        var parts = line.Split(',');
        if (parts.Length != 6)
        {
            return (null, new MarketProblem(null, $"line {lineNumber}: expected 6 fields, found {parts.Length}"));
        }

        if (!DateTimeOffset.TryParse(parts[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return (null, new MarketProblem(null, $"line {lineNumber}: timestamp '{parts[0]}' is not ISO-8601"));
        }

        Span<decimal> values = stackalloc decimal[5];
        string[] names = ["open", "high", "low", "close", "volume"];
        for (var i = 0; i < 5; i++)
        {
            var text = parts[i + 1].Trim();
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                var reason = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsFinite(d)
                    ? $"{names[i]} is {text} (not a finite number)"
                    : $"{names[i]} '{text}' is not a number";
                return (null, new MarketProblem(time, $"line {lineNumber}: {reason}"));
            }
        }

        return (new Candle(time, values[0], values[1], values[2], values[3], values[4]), null);
    }

    private sealed class ReplayFile
    {
        private readonly Lazy<(IReadOnlyList<(Candle? Candle, MarketProblem? Problem)> Rows, TimeSpan Interval)> _data;

        public ReplayFile(string path) => _data = new(() =>
        {
            var rows = ReadCsv(path);
            var times = rows.Where(r => r.Candle is not null).Select(r => r.Candle!.OpenTime).Take(500).ToList();
            var deltas = times.Zip(times.Skip(1), (a, b) => b - a).Where(d => d > TimeSpan.Zero).ToList();
            return (rows, deltas.Count > 0 ? deltas.Min() : TimeSpan.FromMinutes(1));
        });

        public IReadOnlyList<(Candle? Candle, MarketProblem? Problem)> Rows => _data.Value.Rows;

        public TimeSpan Interval => _data.Value.Interval;

        public int Cursor { get; set; }
    }
}

/// <summary>
/// KuCoin klines and contract specs through <see cref="IExchange"/>: closed candles only, history back-filled in
/// pages of at most 500 candles, every newly closed candle on each poll.
/// </summary>
public sealed class KuCoinMarketDataSource(IExchange exchange, TimeProvider time, TimeSpan interval) : IMarketDataSource
{
    public const int PageSize = 500;

    private readonly ConcurrentDictionary<string, ContractTerms?> _contracts = new(StringComparer.Ordinal);

    public MarketKind Kind => MarketKind.KuCoin;

    public string Name => "kucoin";

    public TimeSpan IntervalOf(string symbol) => interval;

    public async Task<MarketBatch> GetHistoryAsync(string symbol, int candles, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var end = SimulatedMarketDataSource.Floor(now, interval); // open time of the candle still forming
        var from = end - (interval * candles);
        var all = new List<Candle>(candles);
        for (var pageStart = from; pageStart < end; pageStart += interval * PageSize)
        {
            var pageEnd = pageStart + (interval * PageSize) < end ? pageStart + (interval * PageSize) : end;
            var page = await exchange.GetKlinesAsync(symbol, (int)interval.TotalMinutes, pageStart, pageEnd, cancellationToken);
            all.AddRange(page);
        }

        return new MarketBatch(ClosedAscending(all, now, null), [], false);
    }

    public async Task<MarketBatch> GetNextAsync(string symbol, DateTimeOffset? lastOpenTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = lastOpenTime is { } last ? last + interval : SimulatedMarketDataSource.Floor(now, interval) - (interval * 2);
        var pageEnd = from + (interval * PageSize);
        var to = pageEnd < now ? pageEnd : now;
        if (to <= from)
        {
            return MarketBatch.Empty;
        }

        var candles = await exchange.GetKlinesAsync(symbol, (int)interval.TotalMinutes, from, to, cancellationToken);
        return new MarketBatch(ClosedAscending(candles, now, lastOpenTime), [], false);
    }

    public async Task<ContractTerms?> GetContractAsync(string symbol, CancellationToken cancellationToken)
    {
        if (_contracts.TryGetValue(symbol, out var cached))
        {
            return cached;
        }

        var spec = await exchange.GetContractAsync(symbol, cancellationToken);
        var terms = spec?.ToTerms();
        _contracts[symbol] = terms;
        return terms;
    }

    /// <summary>Only candles whose close time has passed, after the last one seen, ascending, no duplicates.</summary>
    private List<Candle> ClosedAscending(IEnumerable<Candle> candles, DateTimeOffset now, DateTimeOffset? after) =>
        candles.Where(c => c.OpenTime + interval <= now && (after is null || c.OpenTime > after))
            .GroupBy(c => c.OpenTime)
            .Select(g => g.First())
            .OrderBy(c => c.OpenTime)
            .ToList();
}
