using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Risk.Domain;
using CypherScoping.TestKit.Builders;
using Xunit;

namespace CypherScoping.Risk.Tests;

/// <summary>
/// Safety invariants 4 (breakers hold across restarts) and 5 (daily cap and exposure on every approval) at the
/// consumer level. A restart is a second host on the same database, as in Halted_survives_a_restart_and_clears_only_on_resume.
/// </summary>
public abstract partial class RiskConsumerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Consecutive_losses_before_a_restart_count_towards_the_pause_after_it(bool restart)
    {
        await AcrossAsync(restart,
            async before =>
            {
                await before.AccountAsync(10_000m, Clock.GetUtcNow());
                await LoseAsync(before);
                await LoseAsync(before); // the default limit is 3: one short of a pause
                Assert.Equal(0, before.Count<CircuitBreakerTripped>(_ => true));
            },
            async after =>
            {
                Assert.Equal(2, (await after.Engine.GetStatusAsync()).ConsecutiveLosses);
                await LoseAsync(after);
                var trip = await after.Published<CircuitBreakerTripped>(t => t.Breaker == CircuitBreakers.ConsecutiveLosses);
                Assert.Equal(3m, trip.Value);
                Assert.Equal(ErrorCodes.TradingPaused, Assert.IsType<OrderDenied>(await after.DecideAsync(Signal())).ErrorCode);
            });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Exchange_errors_before_a_restart_count_towards_the_halt_after_it(bool restart)
    {
        await AcrossAsync(restart,
            async before =>
            {
                await before.AccountAsync(10_000m, Clock.GetUtcNow());
                for (var i = 0; i < 4; i++) // the default limit is 5 in an hour
                {
                    await ExchangeErrorAsync(before);
                    Clock.Advance(TimeSpan.FromMinutes(10));
                }

                Assert.Equal(0, before.Count<CircuitBreakerTripped>(_ => true));
            },
            async after =>
            {
                Assert.Equal(TradingState.Active, (await after.Engine.GetStatusAsync()).State);
                Clock.Advance(TimeSpan.FromMinutes(10)); // 50 minutes after the first error: still inside the window
                await ExchangeErrorAsync(after);
                var trip = await after.Published<CircuitBreakerTripped>(t => t.Breaker == CircuitBreakers.ApiErrors);
                Assert.Equal(5m, trip.Value);
                Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await after.DecideAsync(Signal())).ErrorCode);
            });
    }

    [Fact]
    public async Task Drawdown_halt_survives_a_restart_without_re_arming_and_clears_only_on_resume()
    {
        var settings = await SettingsAsync();
        await using (var first = await StartAsync(settings))
        {
            await first.AccountAsync(10_000m, Clock.GetUtcNow());
            Clock.Advance(TimeSpan.FromSeconds(1));
            await first.AccountAsync(8_500m, Clock.GetUtcNow());
            await first.Published<TradingStateChanged>(t => t.State == TradingState.Halted);
        }

        Clock.Advance(TimeSpan.FromDays(2));
        await using var second = await StartAsync(settings);
        var status = await second.Engine.GetStatusAsync();
        Assert.Equal(TradingState.Halted, status.State);
        Assert.Contains(CircuitBreakers.Drawdown, status.TrippedBreakers);

        // Still in drawdown: a re-armed breaker would trip (and announce) a second time.
        await second.AccountAsync(8_400m, Clock.GetUtcNow());
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);
        Assert.Equal(0, second.Count<CircuitBreakerTripped>(t => t.Breaker == CircuitBreakers.Drawdown));

        // Equity back at the peak does not lift a halt either.
        Clock.Advance(TimeSpan.FromSeconds(1));
        await second.AccountAsync(10_000m, Clock.GetUtcNow());
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);

        await second.Publish(SignalBuilders.Resume("drawdown reviewed", Clock.GetUtcNow()));
        await second.Published<CircuitBreakerReset>(r => r.Breaker == CircuitBreakers.Drawdown);
        await second.Published<TradingStateChanged>(t => t.State == TradingState.Active && t.PreviousState == TradingState.Halted);
        Assert.IsType<OrderApproved>(await second.DecideAsync(Signal()));
    }

    [Fact]
    public async Task Drawdown_is_measured_from_a_peak_reached_before_a_restart()
    {
        var settings = await SettingsAsync();
        await using (var first = await StartAsync(settings))
        {
            await first.AccountAsync(10_000m, Clock.GetUtcNow());
        }

        Clock.Advance(TimeSpan.FromMinutes(5));
        await using var second = await StartAsync(settings);
        Assert.Equal(10_000m, (await second.Engine.GetStatusAsync()).HighWaterMark);
        await second.AccountAsync(8_500m, Clock.GetUtcNow()); // 15 % below the pre-restart peak: the paper threshold
        var trip = await second.Published<CircuitBreakerTripped>(t => t.Breaker == CircuitBreakers.Drawdown);
        Assert.Equal(0.15m, trip.Value);
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);
    }

    [Fact]
    public async Task A_pause_survives_a_restart_and_ends_by_itself_when_its_time_is_up()
    {
        var settings = await SettingsAsync();
        var pausedAt = Clock.GetUtcNow();
        await using (var first = await StartAsync(settings))
        {
            await first.AccountAsync(10_000m, Clock.GetUtcNow());
            for (var i = 0; i < 3; i++)
            {
                await LoseAsync(first);
            }

            await first.Published<TradingStateChanged>(t => t.State == TradingState.Paused);
        }

        Clock.Advance(TimeSpan.FromMinutes(30));
        // The housekeeping clock on, as in production: nothing but time ends the pause.
        await using var second = await StartAsync(settings, ("Risk:ClockTickSeconds", "30"));
        var status = await second.Engine.GetStatusAsync();
        Assert.Equal(TradingState.Paused, status.State);
        Assert.Equal(pausedAt.AddHours(1), status.PausedUntil);
        Assert.Equal(ErrorCodes.TradingPaused, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);

        Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(ErrorCodes.TradingPaused, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await second.Published<TradingStateChanged>(t => t.State == TradingState.Active && t.PreviousState == TradingState.Paused);
        Assert.IsType<OrderApproved>(await second.DecideAsync(Signal()));
    }

    [Fact]
    public async Task Entries_stored_for_today_reach_the_daily_cap_and_the_next_signal_is_denied()
    {
        var settings = await SettingsAsync();
        settings["Risk:MaxDailyTrades"] = "2";
        await using (var first = await StartAsync(settings))
        {
            await first.AccountAsync(100_000m, Clock.GetUtcNow()); // exposure room for many more than two
            Assert.IsType<OrderApproved>(await first.DecideAsync(Signal()));
            Assert.IsType<OrderApproved>(await first.DecideAsync(Signal()));
        }

        Clock.Advance(TimeSpan.FromMinutes(5)); // same UTC day
        await using var second = await StartAsync(settings);
        Assert.Equal(2, (await second.Engine.GetStatusAsync()).EntriesToday);
        var denied = Assert.IsType<OrderDenied>(await second.DecideAsync(Signal()));
        Assert.Equal(ErrorCodes.DailyTradeLimit, denied.ErrorCode);
    }

    [Fact]
    public async Task Open_positions_the_executor_reports_at_the_exposure_cap_deny_the_next_signal()
    {
        await using var risk = await StartAsync();
        // Paper caps margin at 0.8 × equity; the Executor reports 8,000 USDT of margin on 10,000 USDT equity.
        var full = SignalBuilders.Account(10_000m, Clock.GetUtcNow(), TradingMode.Paper,
            SignalBuilders.Position("SOLUSDTM", 5_000m), SignalBuilders.Position("ADAUSDTM", 3_000m));
        await risk.Publish(full);
        await risk.WaitConsumed<AccountSnapshot>(m => m.CorrelationId == full.CorrelationId);

        var denied = Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal()));
        Assert.Equal(ErrorCodes.ExposureLimit, denied.ErrorCode);

        // The next report shows the positions closed: the same signal fits again.
        Clock.Advance(TimeSpan.FromSeconds(1));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        Assert.IsType<OrderApproved>(await risk.DecideAsync(Signal()));
    }

    /// <summary>Runs <paramref name="before"/> then <paramref name="after"/>: on one host, or on two hosts sharing the database (a restart).</summary>
    private async Task AcrossAsync(bool restart, Func<RiskHost, Task> before, Func<RiskHost, Task> after)
    {
        var settings = await SettingsAsync();
        if (!restart)
        {
            await using var only = await StartAsync(settings);
            await before(only);
            await after(only);
            return;
        }

        await using (var first = await StartAsync(settings))
        {
            await before(first);
        }

        await using var second = await StartAsync(settings);
        await after(second);
    }

    private async Task LoseAsync(RiskHost risk)
    {
        var loss = SignalBuilders.Closed(TradeOutcome.Loss, Clock.GetUtcNow());
        await risk.Publish(loss);
        await risk.WaitConsumed<PositionClosed>(p => p.PositionId == loss.PositionId);
    }

    private async Task ExchangeErrorAsync(RiskHost risk)
    {
        var error = SignalBuilders.ExchangeError(Clock.GetUtcNow());
        await risk.Publish(error);
        await risk.WaitConsumed<ExchangeErrorOccurred>(e => e.CorrelationId == error.CorrelationId);
    }
}
