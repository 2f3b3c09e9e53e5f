namespace CypherScoping.Domain;

/// <summary>
/// A clock that only moves when told to: accelerated paper runs and replays set it to the close time of the
/// candle being processed, so expiries, cool-downs and daily counters follow market time, not wall time.
/// Timers are not supported (paper components poll through the driver).
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Move forward to a time (never backwards).</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ticks);
            if (time.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, time.UtcTicks, current) != current);
    }

    public void Advance(TimeSpan delta) => AdvanceTo(GetUtcNow() + delta);
}
