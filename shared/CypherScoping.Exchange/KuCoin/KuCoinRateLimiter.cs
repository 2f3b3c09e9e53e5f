using CypherScoping.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Exchange.KuCoin;

/// <summary>Raised whenever KuCoin refuses a call for rate reasons (E_RATE_LIMITED).</summary>
public sealed class RateLimitedEventArgs(KuCoinPool pool, string exchangeCode, TimeSpan wait, bool gaveUp) : EventArgs
{
    public string ErrorCode => ErrorCodes.RateLimited;
    public KuCoinPool Pool { get; } = pool;
    public string ExchangeCode { get; } = exchangeCode;
    public TimeSpan Wait { get; } = wait;
    /// <summary>True when the client stopped retrying and reported E_RATE_LIMITED to its caller.</summary>
    public bool GaveUp { get; } = gaveUp;
}

/// <summary>
/// Client-side budget for KuCoin's rate limit 2.0: at most MaxConcurrentCalls in flight, and per pool a weight budget per
/// window (a window starts at the first request, like KuCoin's). The budget is corrected by the gw-ratelimit-* headers
/// (the server's remaining count and reset countdown; a window is only ever extended, never shortened, so a stale header
/// cannot make the client overrun). Weight still in flight when a window ends is carried into the next one, because it
/// may land in either window on the server. After a 429 the pool is blocked until the reset the headers give (bounded).
/// A share of each pool (PriorityReserveRatio) is kept for cancels and closes; while a high-priority call waits, new
/// normal calls wait behind it. Waits use the injected TimeProvider.
/// </summary>
public sealed partial class KuCoinRateLimiter : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(25);
    private readonly KuCoinOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KuCoinRateLimiter> _logger;
    private readonly SemaphoreSlim _concurrency;
    private readonly object _gate = new();
    private readonly PoolState[] _pools;
    private int _rateLimitedCount;

    public KuCoinRateLimiter(IOptions<KuCoinOptions> options, TimeProvider time, ILogger<KuCoinRateLimiter> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _concurrency = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentCalls));
        _pools = [new PoolState(Math.Max(1, _options.PublicPoolQuota)), new PoolState(Math.Max(1, _options.FuturesPoolQuota))];
    }

    /// <summary>Every rate-limit answer (429/429000, 1015, 200002) and every give-up.</summary>
    public event EventHandler<RateLimitedEventArgs>? RateLimited;

    /// <summary>How many rate-limit answers the client has received.</summary>
    public int RateLimitedCount => Volatile.Read(ref _rateLimitedCount);

    public int MaxConcurrentCalls => _options.MaxConcurrentCalls;

    /// <summary>Snapshot of a pool: (quota, used in the current window, in flight, window end, blocked until).</summary>
    public (int Quota, int Used, int InFlight, DateTimeOffset? WindowEnd, DateTimeOffset BlockedUntil) Snapshot(KuCoinPool pool)
    {
        lock (_gate)
        {
            var s = _pools[(int)pool];
            Roll(s, _time.GetUtcNow());
            return (s.Quota, s.Used, s.InFlight, s.WindowEnd, s.BlockedUntil);
        }
    }

    /// <summary>Wait for budget in <paramref name="pool"/> and a concurrency slot. Dispose the lease when the call is done.</summary>
    public async ValueTask<Lease> AcquireAsync(KuCoinPool pool, int weight, RequestPriority priority, CancellationToken cancellationToken)
    {
        var state = _pools[(int)pool];
        if (weight > state.Quota)
        {
            throw new ExchangeException(ErrorCodes.RateLimited, $"request weight {weight} exceeds the {pool} pool quota {state.Quota}");
        }

        if (priority == RequestPriority.High)
        {
            lock (_gate)
            {
                state.HighWaiting++;
            }
        }

        var counted = priority == RequestPriority.High;
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_gate)
                {
                    var now = _time.GetUtcNow();
                    Roll(state, now);
                    if (state.BlockedUntil > now)
                    {
                        wait = state.BlockedUntil - now;
                    }
                    else
                    {
                        var reserve = priority == RequestPriority.High ? 0 : (int)Math.Ceiling(state.Quota * _options.PriorityReserveRatio);
                        var yieldToHigh = priority == RequestPriority.Normal && state.HighWaiting > 0;
                        if (!yieldToHigh && state.Used + weight <= state.Quota - reserve)
                        {
                            state.Used += weight;
                            state.InFlight += weight;
                            state.WindowEnd ??= now + _options.RateLimitWindow + Guard;
                            if (counted)
                            {
                                state.HighWaiting--;
                                counted = false;
                            }

                            break;
                        }

                        wait = state.WindowEnd is { } end ? end - now : Guard;
                        if (yieldToHigh)
                        {
                            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, Guard.Ticks));
                        }
                    }
                }

                if (wait <= TimeSpan.Zero)
                {
                    wait = TimeSpan.FromMilliseconds(1);
                }

                LogBudgetWait(_logger, pool, weight, priority, (long)wait.TotalMilliseconds);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (counted)
            {
                lock (_gate)
                {
                    state.HighWaiting--;
                }
            }
        }

        try
        {
            await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(pool, weight);
            throw;
        }

        return new Lease(this, pool, weight);
    }

    /// <summary>Correct the budget from KuCoin's gw-ratelimit-limit / -remaining / -reset headers.</summary>
    public void OnHeaders(KuCoinPool pool, int? limit, int? remaining, long? resetMs)
    {
        lock (_gate)
        {
            var state = _pools[(int)pool];
            var now = _time.GetUtcNow();
            Roll(state, now);
            if (limit is > 0 and var l)
            {
                state.Quota = Math.Min(state.ConfiguredQuota, l);
                if (remaining is { } r)
                {
                    state.Used = Math.Max(state.Used, Math.Min(l, Math.Max(0, l - r)));
                }
            }

            if (resetMs is >= 0 and var ms)
            {
                var end = now + TimeSpan.FromMilliseconds(ms) + Guard;
                state.WindowEnd = state.WindowEnd is { } current && current > end ? current : end;
            }
        }
    }

    /// <summary>KuCoin refused a call (429/429000, 1015, 200002): block the pool until the reset (bounded).</summary>
    public TimeSpan OnRateLimited(KuCoinPool pool, string exchangeCode, TimeSpan? reset, bool gaveUp)
    {
        var wait = reset ?? KuCoinErrors.DefaultBackoff(exchangeCode);
        if (wait < TimeSpan.FromMilliseconds(10))
        {
            wait = TimeSpan.FromMilliseconds(10);
        }

        if (wait > _options.MaxRateLimitWait)
        {
            wait = _options.MaxRateLimitWait;
        }

        lock (_gate)
        {
            var state = _pools[(int)pool];
            var until = _time.GetUtcNow() + wait;
            if (until > state.BlockedUntil)
            {
                state.BlockedUntil = until;
            }
        }

        Interlocked.Increment(ref _rateLimitedCount);
        LogRateLimited(_logger, ErrorCodes.RateLimited, pool, exchangeCode, (long)wait.TotalMilliseconds, gaveUp);
        RateLimited?.Invoke(this, new RateLimitedEventArgs(pool, exchangeCode, wait, gaveUp));
        return wait;
    }

    public void Dispose() => _concurrency.Dispose();

    private void Release(KuCoinPool pool, int weight)
    {
        lock (_gate)
        {
            var state = _pools[(int)pool];
            state.InFlight = Math.Max(0, state.InFlight - weight);
        }
    }

    private void Roll(PoolState state, DateTimeOffset now)
    {
        if (state.WindowEnd is { } end && now >= end)
        {
            // Weight still in flight may be counted by the server in the new window: keep it, in a window starting now.
            state.Used = state.InFlight;
            state.WindowEnd = state.InFlight > 0 ? now + _options.RateLimitWindow + Guard : null;
        }
    }

    /// <summary>A held concurrency slot and in-flight weight; dispose when the HTTP call has completed.</summary>
    public sealed class Lease : IDisposable
    {
        private KuCoinRateLimiter? _owner;

        internal Lease(KuCoinRateLimiter owner, KuCoinPool pool, int weight)
        {
            _owner = owner;
            Pool = pool;
            Weight = weight;
        }

        public KuCoinPool Pool { get; }
        public int Weight { get; }

        public void Dispose()
        {
            var owner = Interlocked.Exchange(ref _owner, null);
            if (owner is not null)
            {
                owner.Release(Pool, Weight);
                owner._concurrency.Release();
            }
        }
    }

    private sealed class PoolState(int quota)
    {
        public int ConfiguredQuota { get; } = quota;
        public int Quota { get; set; } = quota;
        public int Used { get; set; }
        public int InFlight { get; set; }
        public DateTimeOffset? WindowEnd { get; set; }
        public DateTimeOffset BlockedUntil { get; set; }
        public int HighWaiting { get; set; }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "KuCoin {Pool} pool: waiting {WaitMs} ms for weight {Weight} ({Priority})")]
    private static partial void LogBudgetWait(ILogger logger, KuCoinPool pool, int weight, RequestPriority priority, long waitMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{ErrorCode}: KuCoin {Pool} pool refused a call (code {ExchangeCode}); waiting {WaitMs} ms before any further call in that pool (gave up: {GaveUp})")]
    private static partial void LogRateLimited(ILogger logger, string errorCode, KuCoinPool pool, string exchangeCode, long waitMs, bool gaveUp);
}
