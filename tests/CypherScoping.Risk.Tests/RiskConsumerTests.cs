using System.Diagnostics;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.Persistence;
using CypherScoping.Risk.Data;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Builders;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CypherScoping.Risk.Tests;

/// <summary>A Risk host on MassTransit's test harness, built exactly like Program.cs, with a fake clock.</summary>
public sealed class RiskHost : IAsyncDisposable
{
    private RiskHost(IHost host, ITestHarness harness)
    {
        Host = host;
        Harness = harness;
    }

    public IHost Host { get; }
    public ITestHarness Harness { get; }

    public RiskEngine Engine => Host.Services.GetRequiredService<RiskEngine>();

    public static async Task<RiskHost> StartAsync(IDictionary<string, string?> settings, FakeTimeProvider clock)
    {
        var host = TestHosts.Build(RiskRegistration.ServiceName, settings, b => b.AddRisk(), harness: true, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.Configure<TestHarnessOptions>(o =>
            {
                o.TestTimeout = TimeSpan.FromMinutes(3);
                o.TestInactivityTimeout = TimeSpan.FromSeconds(2);
            });
        });
        await host.StartAsync();
        return new RiskHost(host, host.Services.GetRequiredService<ITestHarness>());
    }

    public Task Publish<T>(T message) where T : class => Harness.Bus.Publish(message);

    /// <summary>Wait until a message of type T matching the filter has been published (polls; bounded).</summary>
    public async Task<T> Published<T>(Func<T, bool> match, int skip = 0) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var found = Harness.Published.Select<T>().Select(m => m.Context.Message).Where(match).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no {typeof(T).Name} matching the filter was published");
    }

    public int Count<T>(Func<T, bool> match) where T : class =>
        Harness.Published.Select<T>().Select(m => m.Context.Message).Count(match);

    /// <summary>Publish a signal and wait for its decision (OrderApproved, OrderDenied or ApprovalRequested).</summary>
    public async Task<ICypherMessage> DecideAsync(SignalGenerated signal, int occurrence = 0)
    {
        await Publish(signal);
        return await DecisionFor(signal.SignalId, occurrence);
    }

    public async Task<ICypherMessage> DecisionFor(Guid signalId, int occurrence = 0)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var all = Harness.Published.Select<OrderApproved>().Select(m => (ICypherMessage)m.Context.Message).Where(m => ((OrderApproved)m).SignalId == signalId)
                .Concat(Harness.Published.Select<OrderDenied>().Select(m => (ICypherMessage)m.Context.Message).Where(m => ((OrderDenied)m).SignalId == signalId))
                .Concat(Harness.Published.Select<ApprovalRequested>().Select(m => (ICypherMessage)m.Context.Message).Where(m => ((ApprovalRequested)m).SignalId == signalId))
                .ToList();
            if (all.Count > occurrence)
            {
                return all[occurrence];
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no decision for signal {signalId}");
    }

    public async Task AccountAsync(decimal equity, DateTimeOffset at)
    {
        var snapshot = SignalBuilders.Account(equity, at);
        await Publish(snapshot);
        await WaitConsumed<AccountSnapshot>(m => m.CorrelationId == snapshot.CorrelationId);
    }

    public async Task WaitConsumed<T>(Func<T, bool> match) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (Harness.Consumed.Select<T>().Any(m => match(m.Context.Message)))
            {
                // consumed is recorded when the consumer returns; give the outbox a moment to deliver
                await Task.Delay(20);
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{typeof(T).Name} was not consumed");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}

/// <summary>Consumer behaviour, run on SQLite and on PostgreSQL (subclasses).</summary>
public abstract partial class RiskConsumerTests
{
    protected FakeTimeProvider Clock { get; } = new(SignalBuilders.Epoch);

    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    protected async Task<RiskHost> StartAsync(Dictionary<string, string?>? settings = null, params (string Key, string Value)[] extra)
    {
        settings ??= await SettingsAsync();
        settings["Risk:ClockTickSeconds"] = "0";
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        return await RiskHost.StartAsync(settings, Clock);
    }

    private SignalGenerated Signal(string symbol = "ETHUSDTM") => SignalBuilders.Long(symbol, at: Clock.GetUtcNow());

    [Fact]
    public async Task Valid_signal_is_approved_with_a_deterministic_client_order_id()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var signal = Signal();
        var approved = Assert.IsType<OrderApproved>(await risk.DecideAsync(signal));
        Assert.Equal(ClientOrderIds.FromSignal(signal.SignalId), approved.ClientOrderId);
        Assert.Equal(471m, approved.Size);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(30), approved.ExpiresAt);
    }

    [Fact]
    public async Task Without_an_account_snapshot_signals_are_denied_fail_closed()
    {
        await using var risk = await StartAsync();
        var denied = Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal()));
        Assert.Equal(ErrorCodes.NoAccountData, denied.ErrorCode);
    }

    [Fact]
    public async Task Bitcoin_spellings_are_denied_by_the_consumer()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        foreach (var spelling in Spellings.Bitcoin().Where((_, i) => i % 331 == 0))
        {
            var denied = Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal(spelling)));
            Assert.Equal(ErrorCodes.SymbolDenied, denied.ErrorCode);
        }

        Assert.Equal(0, risk.Count<OrderApproved>(_ => true));
    }

    [Fact]
    public async Task Malformed_signals_are_denied_as_bad_messages_without_faults()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var bad = new[]
        {
            Signal() with { EntryPrice = 0m },
            Signal() with { StopLoss = 2100m },
            Signal() with { Side = (PositionSide)9 },
            Signal() with { Contract = null! },
        };
        foreach (var s in bad)
        {
            var denied = Assert.IsType<OrderDenied>(await risk.DecideAsync(s));
            Assert.Equal(ErrorCodes.BadMessage, denied.ErrorCode);
        }

        Assert.False(risk.Harness.Published.Select<Fault<SignalGenerated>>().Any());
    }

    [Fact]
    public async Task Expired_signal_is_denied()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var signal = Signal() with { ExpiresAt = Clock.GetUtcNow().AddSeconds(-1) };
        Assert.Equal(ErrorCodes.SignalExpired, Assert.IsType<OrderDenied>(await risk.DecideAsync(signal)).ErrorCode);
    }

    [Fact]
    public async Task The_same_signal_delivered_twice_yields_one_decision()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var signal = Signal();
        var first = Assert.IsType<OrderApproved>(await risk.DecideAsync(signal));
        Clock.Advance(TimeSpan.FromSeconds(5));
        var second = Assert.IsType<OrderApproved>(await risk.DecideAsync(signal, occurrence: 1));
        Assert.Equal(first, second);
        await using var c = await risk.Engine.Database.OpenAsync();
        Assert.Equal(1, await risk.Engine.Store.CountDecisionsAsync(c, signal.SignalId));
        Assert.Equal(1, (await risk.Engine.Store.GetDayAsync(c, null, DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime))).Entries);
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reservations"));
    }

    [Fact]
    public async Task Reservations_keep_back_to_back_signals_inside_the_exposure_cap()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var total = 0m;
        for (var i = 0; i < 6; i++)
        {
            if (await risk.DecideAsync(Signal()) is OrderApproved a)
            {
                total += a.InitialMargin;
            }
        }

        Assert.True(total <= 8000m, $"margin approved {total} exceeds 0.8 × 10000");
        Assert.True(risk.Count<OrderDenied>(d => d.ErrorCode is ErrorCodes.ExposureLimit or ErrorCodes.LeverageLimit) > 0);
    }

    [Fact]
    public async Task Three_losses_pause_and_trading_resumes_after_the_cooldown()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        for (var i = 0; i < 2; i++)
        {
            var loss = SignalBuilders.Closed(TradeOutcome.Loss, Clock.GetUtcNow());
            await risk.Publish(loss);
            await risk.WaitConsumed<PositionClosed>(p => p.PositionId == loss.PositionId);
        }

        Assert.Equal(0, risk.Count<CircuitBreakerTripped>(_ => true));
        await risk.Publish(SignalBuilders.Closed(TradeOutcome.Loss, Clock.GetUtcNow()));
        var trip = await risk.Published<CircuitBreakerTripped>(t => t.Breaker == "consecutive_losses");
        Assert.Equal(Clock.GetUtcNow().AddHours(1), trip.PausedUntil);
        await risk.Published<TradingStateChanged>(t => t.State == TradingState.Paused);

        Assert.Equal(ErrorCodes.TradingPaused, Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal())).ErrorCode);
        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(ErrorCodes.TradingPaused, Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal())).ErrorCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.IsType<OrderApproved>(await risk.DecideAsync(Signal()));
        await risk.Published<TradingStateChanged>(t => t.State == TradingState.Active && t.PreviousState == TradingState.Paused);
    }

    [Fact]
    public async Task Five_exchange_errors_in_an_hour_halt_and_four_do_not()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        for (var i = 0; i < 4; i++)
        {
            var e = SignalBuilders.ExchangeError(Clock.GetUtcNow());
            await risk.Publish(e);
            await risk.WaitConsumed<ExchangeErrorOccurred>(x => x.CorrelationId == e.CorrelationId);
            Clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.IsType<OrderApproved>(await risk.DecideAsync(Signal()));
        await risk.Publish(SignalBuilders.ExchangeError(Clock.GetUtcNow()));
        await risk.Published<CircuitBreakerTripped>(t => t.Breaker == "api_errors" && t.Action == "halted");
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal())).ErrorCode);
    }

    [Fact]
    public async Task Of_two_snapshots_taken_at_the_same_time_the_higher_sequence_wins_whatever_the_arrival_order()
    {
        await using var risk = await StartAsync();
        var at = Clock.GetUtcNow();
        var newer = SignalBuilders.Account(8_000m, at) with { Sequence = 2 };
        var older = SignalBuilders.Account(10_000m, at) with { Sequence = 1 };
        await risk.Publish(newer);
        await risk.WaitConsumed<AccountSnapshot>(m => m.CorrelationId == newer.CorrelationId);
        await risk.Publish(older); // published together by the Executor, arrived second
        await risk.WaitConsumed<AccountSnapshot>(m => m.CorrelationId == older.CorrelationId);

        var status = await risk.Engine.GetStatusAsync();
        Assert.Equal(8_000m, status.LastEquity);
        Assert.Equal(8_000m, status.HighWaterMark); // the stale 10,000 never raised the high-water mark either
    }

    [Fact]
    public async Task Drawdown_at_the_threshold_halts()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromSeconds(1));
        await risk.AccountAsync(8_600m, Clock.GetUtcNow());
        Assert.IsType<OrderApproved>(await risk.DecideAsync(Signal()));
        Assert.Equal(1, risk.Count<CircuitBreakerTripped>(t => t.Breaker == "drawdown_warning"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await risk.AccountAsync(8_500m, Clock.GetUtcNow());
        await risk.Published<CircuitBreakerTripped>(t => t.Breaker == "drawdown" && t.Severity == AlertSeverity.Critical);
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal())).ErrorCode);
    }

    [Fact]
    public async Task Reconciliation_mismatch_halts()
    {
        await using var risk = await StartAsync();
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        await risk.Publish(new ReconciliationMismatchDetected { CorrelationId = Guid.NewGuid(), OccurredAt = Clock.GetUtcNow(), ErrorCode = ErrorCodes.ReconciliationMismatch, Details = "ledger says open, exchange says none" });
        await risk.Published<TradingStateChanged>(t => t.State == TradingState.Halted);
        Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await risk.DecideAsync(Signal())).ErrorCode);
    }

    [Fact]
    public async Task Halted_survives_a_restart_and_clears_only_on_resume()
    {
        var settings = await SettingsAsync();
        await using (var first = await StartAsync(settings))
        {
            await first.AccountAsync(10_000m, Clock.GetUtcNow());
            var halt = SignalBuilders.Halt("operator stop", Clock.GetUtcNow());
            await first.Publish(halt);
            await first.Published<TradingStateChanged>(t => t.State == TradingState.Halted);
        }

        Clock.Advance(TimeSpan.FromDays(2));
        await using (var second = await StartAsync(settings))
        {
            Assert.Equal(ErrorCodes.TradingHalted, Assert.IsType<OrderDenied>(await second.DecideAsync(Signal())).ErrorCode);
            Assert.Equal(TradingState.Halted, (await second.Engine.GetStatusAsync()).State);
            await second.Publish(SignalBuilders.Resume("checked", Clock.GetUtcNow()));
            await second.Published<TradingStateChanged>(t => t.State == TradingState.Active);
            Assert.IsType<OrderApproved>(await second.DecideAsync(Signal()));
        }
    }

    [Fact]
    public async Task Approval_inside_the_band_becomes_an_order()
    {
        await using var risk = await StartAsync(null, ("Risk:RequireManualApproval", "true"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var request = Assert.IsType<ApprovalRequested>(await risk.DecideAsync(Signal()));
        Assert.Single(await risk.Engine.ListApprovalsAsync());
        Clock.Advance(TimeSpan.FromSeconds(60));
        await risk.Publish(SignalBuilders.Decide(request.ApprovalId, approve: true, price: 2009m, Clock.GetUtcNow()));
        var approved = await risk.Published<OrderApproved>(o => o.SignalId == request.SignalId);
        Assert.Equal(request.ApprovalId, approved.ApprovalId);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(30), approved.ExpiresAt);
        Assert.True((await risk.Published<ApprovalDecided>(d => d.ApprovalId == request.ApprovalId)).Approved);
        Assert.Empty(await risk.Engine.ListApprovalsAsync());
    }

    [Fact]
    public async Task Approval_outside_the_band_is_denied()
    {
        await using var risk = await StartAsync(null, ("Risk:RequireManualApproval", "true"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var request = Assert.IsType<ApprovalRequested>(await risk.DecideAsync(Signal()));
        await risk.Publish(SignalBuilders.Decide(request.ApprovalId, approve: true, price: 2011m, Clock.GetUtcNow()));
        var denied = await risk.Published<OrderDenied>(o => o.SignalId == request.SignalId);
        Assert.Equal(ErrorCodes.ApprovalPriceMoved, denied.ErrorCode);
        Assert.Equal(0, risk.Count<OrderApproved>(_ => true));
    }

    [Fact]
    public async Task Expired_approval_is_denied()
    {
        await using var risk = await StartAsync(null, ("Risk:RequireManualApproval", "true"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var request = Assert.IsType<ApprovalRequested>(await risk.DecideAsync(Signal()));
        Clock.Advance(TimeSpan.FromSeconds(120));
        await risk.Publish(SignalBuilders.Decide(request.ApprovalId, approve: true, price: 2000m, Clock.GetUtcNow()));
        var denied = await risk.Published<OrderDenied>(o => o.SignalId == request.SignalId);
        Assert.Equal(ErrorCodes.ApprovalExpired, denied.ErrorCode);
        Assert.Equal(0, risk.Count<OrderApproved>(_ => true));
    }

    [Fact]
    public async Task Rejected_approval_is_denied()
    {
        await using var risk = await StartAsync(null, ("Risk:RequireManualApproval", "true"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var request = Assert.IsType<ApprovalRequested>(await risk.DecideAsync(Signal()));
        await risk.Publish(SignalBuilders.Decide(request.ApprovalId, approve: false, price: null, Clock.GetUtcNow()));
        Assert.Equal(ErrorCodes.ApprovalRejected, (await risk.Published<OrderDenied>(o => o.SignalId == request.SignalId)).ErrorCode);
        Assert.False((await risk.Published<ApprovalDecided>(d => d.ApprovalId == request.ApprovalId)).Approved);
        Assert.Equal(0, risk.Count<OrderApproved>(_ => true));
    }

    [Fact]
    public async Task Approval_rechecks_the_trading_state()
    {
        await using var risk = await StartAsync(null, ("Risk:RequireManualApproval", "true"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var request = Assert.IsType<ApprovalRequested>(await risk.DecideAsync(Signal()));
        await risk.Publish(SignalBuilders.Halt("stop", Clock.GetUtcNow()));
        await risk.Published<TradingStateChanged>(t => t.State == TradingState.Halted);
        await risk.Publish(SignalBuilders.Decide(request.ApprovalId, approve: true, price: 2000m, Clock.GetUtcNow()));
        Assert.Equal(ErrorCodes.TradingHalted, (await risk.Published<OrderDenied>(o => o.SignalId == request.SignalId)).ErrorCode);
    }

    [Fact]
    public async Task Ramp_advances_on_three_healthy_days_and_steps_back_after_a_trip()
    {
        await using var risk = await StartAsync(null, ("Risk:Profile", "live-conservative"));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        for (var day = 0; day < 3; day++)
        {
            var win = SignalBuilders.Closed(TradeOutcome.Win, Clock.GetUtcNow());
            await risk.Publish(win);
            await risk.WaitConsumed<PositionClosed>(p => p.PositionId == win.PositionId);
            Clock.Advance(TimeSpan.FromDays(1));
        }

        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        await risk.Published<RampStepChanged>(r => r.Day == 4);
        Assert.Equal(3, risk.Count<RampStepChanged>(r => r.Direction == "advance"));
        var status = await risk.Engine.GetStatusAsync();
        Assert.Equal("live-moderate", status.Profile);
        Assert.Equal(4, status.RampDay);

        for (var i = 0; i < 3; i++)
        {
            var loss = SignalBuilders.Closed(TradeOutcome.Loss, Clock.GetUtcNow());
            await risk.Publish(loss);
            await risk.WaitConsumed<PositionClosed>(p => p.PositionId == loss.PositionId);
        }

        Clock.Advance(TimeSpan.FromDays(1));
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var back = await risk.Published<RampStepChanged>(r => r.Direction == "step_back");
        Assert.Equal(3, back.Day);
        Assert.Equal("live-conservative", back.ToProfile);
    }
}

public sealed class RiskConsumerSqliteTests : RiskConsumerTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(TestHosts.SqliteSettings());

    /// <summary>
    /// Enforcement point 2 on the persisted path: every generated spelling (≥ 10,000) goes through RiskEngine.DecideSignalAsync —
    /// exactly what the SignalGenerated consumer runs (inbox, state, decision, persistence) — on the service's database.
    /// A sample also goes over the bus (Bitcoin_spellings_are_denied_by_the_consumer). ≈10 s on an idle machine.
    /// </summary>
    [Fact]
    public async Task Bitcoin_spellings_are_all_denied_on_the_persisted_consumer_path()
    {
        var settings = await SettingsAsync();
        settings["Logging:Level"] = "warning";
        await using var risk = await StartAsync(settings);
        await risk.AccountAsync(10_000m, Clock.GetUtcNow());
        var spellings = Spellings.Bitcoin();
        var failures = new List<string>();
        Assert.True(spellings.Count >= 10_000);
        foreach (var spelling in spellings)
        {
            var signal = SignalBuilders.Long(spelling, at: Clock.GetUtcNow());
            var published = await risk.Engine.DecideSignalAsync(signal);
            if (published is not [OrderDenied { ErrorCode: ErrorCodes.SymbolDenied, BaseAsset: "BTC" }])
            {
                failures.Add($"'{spelling}' → {string.Join(", ", published)}");
            }
        }

        Assert.Empty(failures);
    }
}

[Trait("Category", "Integration")]
public sealed class RiskConsumerPostgresTests : RiskConsumerTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => TestHosts.PostgresSettingsAsync();
}
