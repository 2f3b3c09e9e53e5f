using System.Diagnostics;
using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;

namespace CypherScoping.Scanner;

/// <summary>A symbol's fetch failed (exchange error, timeout, unreadable file); the other symbols carry on.</summary>
public sealed record ScanFailure(string Operation, string ErrorCode, string Message, string? ExchangeCode = null, int? HttpStatus = null);

/// <summary>The outcome of scanning one symbol in one cycle.</summary>
public sealed record SymbolScanResult
{
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required TimeSpan Interval { get; init; }
    /// <summary>The latest accepted candle of this cycle (null when nothing new arrived).</summary>
    public Candle? Candle { get; init; }
    public long CandleCount { get; init; }
    public double DurationMs { get; init; }
    public StrategyEvaluation Evaluation { get; init; }
    public TradeSignal? Signal { get; init; }
    public ContractTerms? Contract { get; init; }
    /// <summary>Rows and candles that were skipped as bad market data.</summary>
    public IReadOnlyList<MarketProblem> Problems { get; init; } = [];
    public bool EndOfData { get; init; }
    public ScanFailure? Failure { get; init; }
    public int GapsBridged { get; init; }
    public int Resets { get; init; }

    public DateTimeOffset? CloseTime => Candle is null ? null : Candle.OpenTime + Interval;
}

/// <summary>Everything one step produced, symbol-sorted.</summary>
public sealed record EngineCycle(IReadOnlyList<SymbolScanResult> Results, bool MoreData);

/// <summary>
/// The scanning core without a bus (reused by IScanCycle, the CLI and benchmarks): per-symbol trackers, history
/// warm-up, bounded concurrency, and per-symbol isolation of failures.
/// </summary>
public sealed class ScanEngine : IDisposable
{
    private readonly IMarketDataSource _source;
    private readonly StrategyParameters _parameters;
    private readonly int _maxGapCandles;
    private readonly int _historyCandles;
    private readonly TimeSpan _fetchTimeout;
    private readonly SemaphoreSlim _inFlight;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SymbolState> _states;

    public ScanEngine(
        IMarketDataSource source,
        IReadOnlyList<string> symbols,
        StrategyParameters parameters,
        TimeProvider time,
        int maxConcurrentFetches,
        int maxGapCandles,
        int? historyCandles = null,
        TimeSpan? fetchTimeout = null)
    {
        _source = source;
        _parameters = parameters;
        _time = time;
        _maxGapCandles = maxGapCandles;
        _historyCandles = historyCandles ?? (parameters.WarmUpCandles + parameters.Indicators.EmaSlow + 20);
        _fetchTimeout = fetchTimeout ?? TimeSpan.FromSeconds(20);
        _inFlight = new SemaphoreSlim(Math.Max(1, maxConcurrentFetches));
        Symbols = symbols.Order(StringComparer.Ordinal).ToList();
        _states = Symbols.ToDictionary(s => s, s => new SymbolState(s), StringComparer.Ordinal);
        ParameterHash = parameters.ComputeHash();
    }

    public IReadOnlyList<string> Symbols { get; }

    public IMarketDataSource Source => _source;

    public StrategyParameters Parameters => _parameters;

    public string ParameterHash { get; }

    /// <summary>The tracker of a symbol (created at its first scan), for inspection.</summary>
    public SymbolTracker? Tracker(string symbol) => _states.TryGetValue(symbol, out var s) ? s.Tracker : null;

    /// <summary>Most fetches in flight at once so far (bounded by MAX_CONCURRENT_API_CALLS).</summary>
    public int PeakInFlight => _peak;

    private int _current;
    private int _peak;

    /// <summary>One step for every symbol (in parallel, at most N fetches in flight); results sorted by symbol.</summary>
    public async Task<EngineCycle> StepAsync(CancellationToken cancellationToken)
    {
        var tasks = Symbols.Select(s => ScanSymbolAsync(_states[s], cancellationToken)).ToArray();
        var results = await Task.WhenAll(tasks);
        var more = results.Length > 0 && results.Any(r => !r.EndOfData);
        return new EngineCycle(results, more);
    }

    private async Task<SymbolScanResult> ScanSymbolAsync(SymbolState state, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var problems = new List<MarketProblem>();
        var baseAsset = SymbolCanonicalizer.BaseAssetOf(state.Symbol) ?? state.Symbol;
        if (state.Ended)
        {
            return new SymbolScanResult { Symbol = state.Symbol, BaseAsset = baseAsset, Interval = state.Tracker?.Interval ?? TimeSpan.FromMinutes(1), EndOfData = true };
        }

        try
        {
            state.Tracker ??= new SymbolTracker(state.Symbol, _parameters, _source.IntervalOf(state.Symbol), _maxGapCandles);
            var tracker = state.Tracker;
            Candle? historyLatest = null;
            if (!state.WarmedUp)
            {
                var history = await FetchAsync(ct => _source.GetHistoryAsync(state.Symbol, _historyCandles, ct), cancellationToken);
                historyLatest = Feed(tracker, history, problems);
                state.WarmedUp = true;
            }

            var batch = await FetchAsync(ct => _source.GetNextAsync(state.Symbol, tracker.LastOpenTime, ct), cancellationToken);
            // First scan of a live source: when nothing closed since the back-fill, its newest candle is the one to scan.
            var latest = Feed(tracker, batch, problems) ?? historyLatest;
            state.Ended = batch.EndOfData;
            state.Contract ??= await FetchAsync(ct => _source.GetContractAsync(state.Symbol, ct), cancellationToken);

            TradeSignal? signal = null;
            if (latest is not null && state.Contract is not null)
            {
                // Only the newest candle may signal: older candles of a catch-up batch are already stale.
                signal = tracker.Strategy.Decide(latest.Close, state.Contract.TickSize);
            }

            return new SymbolScanResult
            {
                Symbol = state.Symbol,
                BaseAsset = baseAsset,
                Interval = tracker.Interval,
                Candle = latest,
                CandleCount = tracker.Strategy.CandleCount,
                DurationMs = _time.GetElapsedTime(started).TotalMilliseconds,
                Evaluation = tracker.Strategy.LastEvaluation,
                Signal = signal,
                Contract = state.Contract,
                Problems = problems,
                EndOfData = batch.EndOfData,
                GapsBridged = tracker.GapsBridged,
                Resets = tracker.Resets,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var failure = ex switch
            {
                ExchangeException e => new ScanFailure("klines", e.ErrorCode, e.Message, e.ExchangeCode, e.HttpStatus),
                OperationCanceledException or TimeoutException => new ScanFailure("klines", ErrorCodes.ExchangeTimeout, $"fetching {state.Symbol} took longer than {_fetchTimeout.TotalSeconds:0}s"),
                _ => new ScanFailure("market_data", ErrorCodes.BadMarketData, $"{ex.GetType().Name}: {ex.Message}"),
            };
            return new SymbolScanResult
            {
                Symbol = state.Symbol,
                BaseAsset = baseAsset,
                Interval = state.Tracker?.Interval ?? TimeSpan.FromMinutes(1),
                CandleCount = state.Tracker?.Strategy.CandleCount ?? 0,
                DurationMs = _time.GetElapsedTime(started).TotalMilliseconds,
                Problems = problems,
                Failure = failure,
            };
        }
    }

    private static Candle? Feed(SymbolTracker tracker, MarketBatch batch, List<MarketProblem> problems)
    {
        problems.AddRange(batch.Problems);
        Candle? latest = null;
        foreach (var candle in batch.Candles)
        {
            var outcome = tracker.Process(candle);
            if (outcome.Status == CandleStatus.Rejected)
            {
                problems.Add(new MarketProblem(candle.OpenTime, outcome.Problem!));
            }
            else
            {
                latest = candle;
            }
        }

        return latest;
    }

    private async Task<T> FetchAsync<T>(Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
    {
        // Waiting for a slot is not part of the timeout: only the call itself is bounded.
        await _inFlight.WaitAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_fetchTimeout);
        var now = Interlocked.Increment(ref _current);
        InterlockedMax(ref _peak, now);
        Task<T> call;
        try
        {
            call = fetch(timeout.Token);
        }
        catch
        {
            ReleaseSlot();
            throw;
        }

        try
        {
            return await call.WaitAsync(timeout.Token);
        }
        finally
        {
            // An abandoned (timed-out) call keeps its slot until it really ends, so the bound holds for the exchange too.
            if (call.IsCompleted)
            {
                ReleaseSlot();
            }
            else
            {
                _ = call.ContinueWith(_ => ReleaseSlot(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private void ReleaseSlot()
    {
        Interlocked.Decrement(ref _current);
        try
        {
            _inFlight.Release();
        }
        catch (ObjectDisposedException)
        {
            // the engine was disposed while an abandoned call was still winding down
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public void Dispose() => _inFlight.Dispose();

    private sealed class SymbolState(string symbol)
    {
        public string Symbol { get; } = symbol;

        public SymbolTracker? Tracker { get; set; }

        public bool WarmedUp { get; set; }

        public bool Ended { get; set; }

        public ContractTerms? Contract { get; set; }
    }
}
