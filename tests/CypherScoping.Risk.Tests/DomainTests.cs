using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.Risk.Domain;
using CypherScoping.TestKit.Builders;
using Xunit;

namespace CypherScoping.Risk.Tests;

internal static class Domain
{
    public static readonly DateTimeOffset Now = SignalBuilders.Epoch;
    public static readonly SymbolPolicy Policy = new SymbolOptions().CreatePolicy();

    public static RiskLimits Limits(RiskOptions? options = null, string profile = RiskProfiles.Paper, int day = 0) =>
        RiskLimits.Resolve(options ?? new RiskOptions(), profile, day);

    public static RiskContext Context(RiskState? state = null, decimal? equity = 10_000m, RiskLimits? limits = null, int entriesToday = 0, DateTimeOffset? now = null, params PositionSnapshot[] positions) => new()
    {
        State = state ?? new RiskState(),
        Account = equity is { } e ? new AccountView(e, positions, Now) : null,
        Limits = limits ?? Limits(),
        Policy = Policy,
        Now = now ?? Now,
        EntriesToday = entriesToday,
    };
}

public class RiskDeciderTests
{
    [Fact]
    public void Valid_signal_is_approved_with_deterministic_client_order_id_and_expiry()
    {
        var signal = SignalBuilders.Long();
        var d = RiskDecider.Decide(signal, Domain.Context());
        var approved = Assert.IsType<OrderApproved>(d.Message);
        Assert.Equal(ClientOrderIds.FromSignal(signal.SignalId), approved.ClientOrderId);
        Assert.Equal(Domain.Now.AddSeconds(30), approved.ExpiresAt);
        Assert.Equal("ETHUSDTM", approved.Symbol);
        Assert.Equal(OrderSide.Buy, approved.Side);
        Assert.Equal(471m, approved.Size);
        Assert.Equal(signal.CorrelationId, approved.CorrelationId);
        Assert.Equal("paper", approved.Profile);
    }

    public static TheoryData<string, Func<SignalGenerated, SignalGenerated>> Malformed => new()
    {
        { "zero entry", s => s with { EntryPrice = 0m } },
        { "negative stop", s => s with { StopLoss = -1m } },
        { "zero take-profit", s => s with { TakeProfit = 0m } },
        { "stop above entry for a long", s => s with { StopLoss = 2010m } },
        { "stop equal to entry", s => s with { StopLoss = 2000m } },
        { "take-profit below entry for a long", s => s with { TakeProfit = 1990m } },
        { "stop below entry for a short", s => s with { Side = PositionSide.Short, TakeProfit = 1900m } },
        { "unknown side", s => s with { Side = (PositionSide)7 } },
        { "missing contract", s => s with { Contract = null! } },
        { "zero multiplier", s => s with { Contract = s.Contract with { Multiplier = 0m } } },
        { "zero tick", s => s with { Contract = s.Contract with { TickSize = 0m } } },
        { "absurd price", s => s with { EntryPrice = 1e20m, StopLoss = 1e19m, TakeProfit = 2e20m } },
        { "decimal max", s => s with { EntryPrice = decimal.MaxValue, StopLoss = 1m, TakeProfit = decimal.MaxValue } },
        { "empty id", s => s with { SignalId = Guid.Empty } },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_signals_are_denied_as_bad_messages(string why, Func<SignalGenerated, SignalGenerated> mutate)
    {
        var d = RiskDecider.Decide(mutate(SignalBuilders.Long()), Domain.Context());
        var denied = Assert.IsType<OrderDenied>(d.Message);
        Assert.True(denied.ErrorCode == ErrorCodes.BadMessage, $"{why}: {denied.ErrorCode} {denied.Reason}");
    }

    [Fact]
    public void Stop_collapsing_onto_entry_at_the_tick_is_a_bad_message()
    {
        var s = SignalBuilders.Long(entry: 2000.001m, stop: 2000.0001m, takeProfit: 2100m);
        Assert.Equal(ErrorCodes.BadMessage, RiskDecider.Decide(s, Domain.Context()).Denied?.ErrorCode);
    }

    [Fact]
    public void Expired_signal_is_denied()
    {
        var s = SignalBuilders.Long();
        Assert.Equal(ErrorCodes.SignalExpired, RiskDecider.Decide(s, Domain.Context(now: s.ExpiresAt)).Denied?.ErrorCode);
        Assert.NotNull(RiskDecider.Decide(s, Domain.Context(now: s.ExpiresAt.AddTicks(-1))).Approved);
    }

    [Theory]
    [InlineData("XBTUSDTM", ErrorCodes.SymbolDenied)]
    [InlineData("btc/usdt:usdt", ErrorCodes.SymbolDenied)]
    [InlineData("PEPEUSDTM", ErrorCodes.SymbolNotInUniverse)]
    [InlineData("???", ErrorCodes.UnknownSymbol)]
    [InlineData("", ErrorCodes.UnknownSymbol)]
    public void Symbol_policy_is_enforced(string symbol, string code) =>
        Assert.Equal(code, RiskDecider.Decide(SignalBuilders.Long(symbol), Domain.Context()).Denied?.ErrorCode);

    /// <summary>Enforcement point 2: every generated bitcoin spelling (≥ 10,000) through the decision the consumer makes.</summary>
    [Fact]
    public void Ten_thousand_bitcoin_spellings_are_denied_by_the_risk_decision()
    {
        var spellings = Spellings.Bitcoin();
        Assert.True(spellings.Count >= 10_000, $"only {spellings.Count} spellings");
        var context = Domain.Context();
        var failures = spellings
            .Select(s => (s, d: RiskDecider.Decide(SignalBuilders.Long(s), context)))
            .Where(x => x.d.Message is not OrderDenied { ErrorCode: ErrorCodes.SymbolDenied, BaseAsset: "BTC" })
            .Select(x => $"'{x.s}' → {x.d.Message}")
            .Take(10)
            .ToList();
        Assert.Empty(failures);
    }

    [Fact]
    public void Denied_base_asset_field_is_denied_even_with_an_allowed_symbol() =>
        Assert.Equal(ErrorCodes.SymbolDenied, RiskDecider.Decide(SignalBuilders.Long() with { BaseAsset = "XBT" }, Domain.Context()).Denied?.ErrorCode);

    [Fact]
    public void No_account_snapshot_fails_closed() =>
        Assert.Equal(ErrorCodes.NoAccountData, RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(equity: null)).Denied?.ErrorCode);

    [Theory]
    [InlineData(TradingState.Halted, ErrorCodes.TradingHalted)]
    [InlineData(TradingState.Paused, ErrorCodes.TradingPaused)]
    [InlineData(TradingState.Reducing, ErrorCodes.TradingReducing)]
    public void Only_active_allows_entries(TradingState st, string code)
    {
        var state = new RiskState { State = st, PausedUntil = Domain.Now.AddHours(1) };
        Assert.Equal(code, RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(state)).Denied?.ErrorCode);
    }

    [Theory]
    [InlineData(TradingState.Halted)]
    [InlineData(TradingState.Paused)]
    [InlineData(TradingState.Reducing)]
    public void Reduce_only_passes_every_state(TradingState st)
    {
        var state = new RiskState { State = st, PausedUntil = Domain.Now.AddHours(1) };
        var signal = SignalBuilders.Long() with { ReduceOnly = true };
        var approved = RiskDecider.Decide(signal, Domain.Context(state, positions: SignalBuilders.Position("ETHUSDTM", 100m, lots: 12m))).Approved;
        Assert.NotNull(approved);
        Assert.True(approved.ReduceOnly);
        Assert.Equal(OrderSide.Sell, approved.Side);
        Assert.Equal(12m, approved.Size);
    }

    [Fact]
    public void Reduce_only_without_a_position_is_denied() =>
        Assert.Equal(ErrorCodes.NothingToReduce, RiskDecider.Decide(SignalBuilders.Long() with { ReduceOnly = true }, Domain.Context()).Denied?.ErrorCode);

    [Fact]
    public void Daily_cap_denies_at_the_cap_and_not_one_before()
    {
        var limits = Domain.Limits(new RiskOptions { MaxDailyTrades = 3 });
        Assert.NotNull(RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(limits: limits, entriesToday: 2)).Approved);
        Assert.Equal(ErrorCodes.DailyTradeLimit, RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(limits: limits, entriesToday: 3)).Denied?.ErrorCode);
    }

    [Fact]
    public void Open_positions_and_reservations_count_against_exposure()
    {
        var full = Domain.Context(positions: SignalBuilders.Position("SOLUSDTM", 8000m));
        Assert.Equal(ErrorCodes.ExposureLimit, RiskDecider.Decide(SignalBuilders.Long(), full).Denied?.ErrorCode);
        var reserved = Domain.Context() with { ReservedMargin = 8000m };
        Assert.Equal(ErrorCodes.ExposureLimit, RiskDecider.Decide(SignalBuilders.Long(), reserved).Denied?.ErrorCode);
    }

    [Fact]
    public void Approval_is_requested_when_required_and_default_is_no_order()
    {
        var limits = Domain.Limits(new RiskOptions { RequireManualApproval = true });
        var signal = SignalBuilders.Long();
        var d = RiskDecider.Decide(signal, Domain.Context(limits: limits));
        var request = Assert.IsType<ApprovalRequested>(d.Message);
        Assert.Equal(ApprovalRules.IdFor(signal.SignalId), request.ApprovalId);
        Assert.Equal(Domain.Now.AddSeconds(120), request.ExpiresAt);
        Assert.Equal(0.5m, request.PriceBandPercent);
    }

    [Fact]
    public void Above_threshold_profiles_ask_only_above_the_notional_threshold()
    {
        var options = new RiskOptions { ApprovalNotionalThreshold = 5000m };
        var limits = Domain.Limits(options, RiskProfiles.LiveModerate, 4);
        // moderate: risk 0.015 → 150 budget → 353 lots → 7060 notional > 5000 → approval
        Assert.Equal(DecisionKind.ApprovalRequested, RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(limits: limits)).Kind);
        var small = Domain.Limits(options, RiskProfiles.LiveModerate, 4);
        Assert.Equal(DecisionKind.Approved, RiskDecider.Decide(SignalBuilders.Long(), Domain.Context(equity: 1000m, limits: small)).Kind);
    }
}

public class ProfileTests
{
    [Theory]
    [InlineData("paper", 0, 0.8, 0.02, 0.15, 5, null, ApprovalMode.None)]
    [InlineData("live-conservative", 1, 0.5, 0.01, 0.10, 5, 3, ApprovalMode.EveryTrade)]
    [InlineData("live-conservative", 2, 0.5, 0.01, 0.10, 5, 10, ApprovalMode.EveryTrade)]
    [InlineData("live-conservative", 3, 0.5, 0.01, 0.10, 5, 20, ApprovalMode.AboveThreshold)]
    [InlineData("live-moderate", 4, 0.65, 0.015, 0.10, 10, 30, ApprovalMode.AboveThreshold)]
    [InlineData("live-normal", 8, 0.8, 0.02, 0.15, 10, null, ApprovalMode.None)]
    public void Profiles_match_the_architecture_table(string name, int day, double exposure, double risk, double breaker, int leverage, int? trades, ApprovalMode approval)
    {
        var limits = RiskLimits.Resolve(new RiskOptions(), name, day);
        Assert.Equal((decimal)exposure, limits.MaxExposureRatio);
        Assert.Equal((decimal)risk, limits.MaxRiskPerTrade);
        Assert.Equal((decimal)breaker, limits.BreakerThreshold);
        Assert.Equal(leverage, limits.LeverageCap);
        Assert.Equal(trades, limits.DailyTrades);
        Assert.Equal(approval, limits.Approval);
    }

    [Fact]
    public void Explicit_configuration_wins_over_the_profile()
    {
        var limits = RiskLimits.Resolve(new RiskOptions { MaxExposureRatio = 0.3m, MaxRiskPerTrade = 0.005m, MaxDailyTrades = 1, CircuitBreakerThreshold = 0.05m }, RiskProfiles.LiveNormal, 8);
        Assert.Equal(0.3m, limits.MaxExposureRatio);
        Assert.Equal(0.005m, limits.MaxRiskPerTrade);
        Assert.Equal(1, limits.DailyTrades);
        Assert.Equal(0.05m, limits.BreakerThreshold);
    }

    [Fact]
    public void Leverage_is_the_minimum_of_every_ceiling_and_never_above_20()
    {
        Assert.Equal(3, RiskLimits.Resolve(new RiskOptions { MaxLeverage = 3 }, RiskProfiles.LiveNormal, 8).LeverageCap);
        Assert.Equal(10, RiskLimits.Resolve(new RiskOptions { MaxLeverage = 20 }, RiskProfiles.LiveNormal, 8).LeverageCap);
        Assert.Equal(5, RiskLimits.Resolve(new RiskOptions { MaxLeverage = 20 }, RiskProfiles.Paper, 0).LeverageCap);
        Assert.NotEmpty(new RiskOptions { MaxLeverage = 21 }.Validate());
    }

    [Fact]
    public void Approval_setting_adds_approvals_but_never_removes_the_profiles()
    {
        Assert.Equal(ApprovalMode.EveryTrade, RiskLimits.Resolve(new RiskOptions { RequireManualApproval = true }, RiskProfiles.Paper, 0).Approval);
        Assert.Equal(ApprovalMode.EveryTrade, RiskLimits.Resolve(new RiskOptions { RequireManualApproval = false }, RiskProfiles.LiveConservative, 1).Approval);
    }
}

public class TradingStateMachineTests
{
    private readonly List<ICypherMessage> _events = [];

    [Fact]
    public void Halt_then_resume_publishes_both_transitions()
    {
        var state = new RiskState();
        TradingStateMachine.Halt(state, "operator", "me", Domain.Now, Guid.Empty, _events);
        TradingStateMachine.Halt(state, "again", "me", Domain.Now, Guid.Empty, _events);
        Assert.Equal(TradingState.Halted, state.State);
        Assert.Equal("operator", state.StateReason);
        TradingStateMachine.Resume(state, "fixed", "me", Domain.Now, Guid.Empty, _events);
        Assert.Equal(TradingState.Active, state.State);
        Assert.Equal([TradingState.Halted, TradingState.Active], _events.OfType<TradingStateChanged>().Select(e => e.State));
    }

    [Fact]
    public void Halted_outranks_a_pause_and_does_not_expire()
    {
        var state = new RiskState();
        TradingStateMachine.Halt(state, "operator", "me", Domain.Now, Guid.Empty, _events);
        TradingStateMachine.Pause(state, Domain.Now.AddMinutes(1), "losses", "risk", Domain.Now, Guid.Empty, _events);
        TradingStateMachine.Expire(state, Domain.Now.AddDays(10), Guid.Empty, _events);
        Assert.Equal(TradingState.Halted, state.State);
        Assert.NotNull(TradingStateMachine.CheckEntry(state, Domain.Now.AddDays(10)));
    }

    [Fact]
    public void Pause_expires_exactly_at_its_time()
    {
        var state = new RiskState();
        var until = Domain.Now.AddHours(1);
        TradingStateMachine.Pause(state, until, "losses", "risk", Domain.Now, Guid.Empty, _events);
        TradingStateMachine.Expire(state, until.AddTicks(-1), Guid.Empty, _events);
        Assert.Equal(TradingState.Paused, state.State);
        TradingStateMachine.Expire(state, until, Guid.Empty, _events);
        Assert.Equal(TradingState.Active, state.State);
        Assert.Contains(_events, e => e is CircuitBreakerReset { Breaker: CircuitBreakers.ConsecutiveLosses });
    }

    [Fact]
    public void Reducing_blocks_entries()
    {
        var state = new RiskState();
        TradingStateMachine.Reduce(state, "winding down", "me", Domain.Now, Guid.Empty, _events);
        Assert.Equal(ErrorCodes.TradingReducing, TradingStateMachine.CheckEntry(state, Domain.Now)?.Code);
    }
}

public class CircuitBreakerTests
{
    private readonly List<ICypherMessage> _events = [];
    private readonly RiskLimits _limits = Domain.Limits(new RiskOptions { WinRateBaseline = 0.6m, WinRateWindow = 10 });

    private List<CircuitBreakerTripped> Trips(string breaker) => _events.OfType<CircuitBreakerTripped>().Where(t => t.Breaker == breaker).ToList();

    [Fact]
    public void Drawdown_halts_exactly_at_the_threshold()
    {
        var state = new RiskState();
        CircuitBreakers.OnEquity(state, 10_000m, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnEquity(state, 8_500.01m, _limits, Domain.Now, Guid.Empty, _events); // 14.9999 %
        Assert.Empty(Trips(CircuitBreakers.Drawdown));
        Assert.Equal(TradingState.Active, state.State);
        CircuitBreakers.OnEquity(state, 8_500m, _limits, Domain.Now, Guid.Empty, _events); // 15 %
        Assert.Single(Trips(CircuitBreakers.Drawdown));
        Assert.Equal(TradingState.Halted, state.State);
        CircuitBreakers.OnEquity(state, 8_000m, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Single(Trips(CircuitBreakers.Drawdown));
    }

    [Fact]
    public void Drawdown_is_measured_from_the_high_water_mark()
    {
        var state = new RiskState();
        foreach (var equity in new[] { 10_000m, 12_000m, 11_000m, 10_201m })
        {
            CircuitBreakers.OnEquity(state, equity, _limits, Domain.Now, Guid.Empty, _events);
        }

        Assert.Equal(12_000m, state.HighWaterMark);
        Assert.Empty(Trips(CircuitBreakers.Drawdown));
        CircuitBreakers.OnEquity(state, 10_200m, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Single(Trips(CircuitBreakers.Drawdown));
    }

    [Fact]
    public void Drawdown_warning_fires_at_max_drawdown_percent_without_halting()
    {
        var state = new RiskState();
        CircuitBreakers.OnEquity(state, 10_000m, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnEquity(state, 9_000.01m, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Empty(Trips(CircuitBreakers.DrawdownWarning));
        CircuitBreakers.OnEquity(state, 9_000m, _limits, Domain.Now, Guid.Empty, _events);
        var warning = Assert.Single(Trips(CircuitBreakers.DrawdownWarning));
        Assert.Equal("warning", warning.Action);
        Assert.Equal(TradingState.Active, state.State);
    }

    [Fact]
    public void Three_consecutive_losses_pause_for_the_cooldown()
    {
        var state = new RiskState();
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Win, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Empty(Trips(CircuitBreakers.ConsecutiveLosses));
        Assert.Equal(TradingState.Active, state.State);
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Single(Trips(CircuitBreakers.ConsecutiveLosses));
        Assert.Equal(TradingState.Paused, state.State);
        Assert.Equal(Domain.Now.AddSeconds(3600), state.PausedUntil);
    }

    [Fact]
    public void Five_exchange_errors_in_a_sliding_hour_halt()
    {
        var state = new RiskState();
        var t0 = Domain.Now;
        CircuitBreakers.OnExchangeError(state, t0, _limits, t0, Guid.Empty, _events);
        for (var i = 1; i <= 3; i++)
        {
            CircuitBreakers.OnExchangeError(state, t0.AddMinutes(20 * i), _limits, t0.AddMinutes(20 * i), Guid.Empty, _events);
        }

        // the first error (t0) left the window at t0+60m: only 4 in the hour → no trip
        var t = t0.AddMinutes(61);
        CircuitBreakers.OnExchangeError(state, t, _limits, t, Guid.Empty, _events);
        Assert.Empty(Trips(CircuitBreakers.ApiErrors));
        Assert.Equal(TradingState.Active, state.State);
        CircuitBreakers.OnExchangeError(state, t.AddMinutes(1), _limits, t.AddMinutes(1), Guid.Empty, _events);
        Assert.Single(Trips(CircuitBreakers.ApiErrors));
        Assert.Equal(TradingState.Halted, state.State);
    }

    [Fact]
    public void Win_rate_alert_fires_only_when_more_than_ten_points_below_baseline()
    {
        var state = new RiskState();
        // baseline 60 %, window 10: 5 wins of 10 (50 %, exactly 10 points below) → no alert
        foreach (var win in new[] { true, false, true, false, true, false, true, false, true, false })
        {
            CircuitBreakers.OnTradeClosed(state, win ? TradeOutcome.Win : TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        }

        Assert.Empty(Trips(CircuitBreakers.WinRate));
        // next loss drops the oldest win: 4 of 10 = 40 %
        CircuitBreakers.OnTradeClosed(state, TradeOutcome.Loss, _limits, Domain.Now, Guid.Empty, _events);
        var alert = Assert.Single(Trips(CircuitBreakers.WinRate));
        Assert.Equal("alert", alert.Action);
    }

    [Fact]
    public void Resume_rearms_every_breaker_from_current_equity()
    {
        var state = new RiskState();
        CircuitBreakers.OnEquity(state, 10_000m, _limits, Domain.Now, Guid.Empty, _events);
        CircuitBreakers.OnEquity(state, 8_000m, _limits, Domain.Now, Guid.Empty, _events);
        TradingStateMachine.Resume(state, "reviewed", "op", Domain.Now, Guid.Empty, _events);
        Assert.Contains(_events, e => e is CircuitBreakerReset { Breaker: CircuitBreakers.Drawdown });
        CircuitBreakers.OnEquity(state, 7_900m, _limits, Domain.Now, Guid.Empty, _events);
        Assert.Equal(TradingState.Active, state.State);
    }
}

public class RampTests
{
    private static DayHealth Healthy(int i) => new(new DateOnly(2026, 3, 1).AddDays(i), 2, 2, 1, 0, 0);

    [Fact]
    public void Three_healthy_days_advance_three_steps()
    {
        var state = new RiskState { Profile = RiskProfiles.LiveConservative, RampDay = 1 };
        var events = new List<ICypherMessage>();
        for (var i = 0; i < 3; i++)
        {
            RampPolicy.Step(state, Healthy(i), 0.55m, Domain.Now, Guid.Empty, events);
        }

        Assert.Equal(4, state.RampDay);
        Assert.Equal(RiskProfiles.LiveModerate, state.Profile);
        Assert.Equal([2, 3, 4], events.OfType<RampStepChanged>().Select(e => e.Day));
        Assert.All(events.OfType<RampStepChanged>(), e => Assert.Equal(RampPolicy.Advance, e.Direction));
        Assert.Single(events.OfType<RiskProfileChanged>());
    }

    [Fact]
    public void Roll_judges_every_finished_day_including_the_one_last_seen()
    {
        var d0 = new DateOnly(2026, 3, 2);
        var state = new RiskState { Profile = RiskProfiles.LiveConservative, RampDay = 1, RampEvaluatedDay = d0 };
        var events = new List<ICypherMessage>();
        RampPolicy.Roll(state, d0, d => Healthy(0) with { Day = d }, true, null, Domain.Now, Guid.Empty, events);
        Assert.Empty(events);
        RampPolicy.Roll(state, d0.AddDays(3), d => Healthy(0) with { Day = d }, true, null, Domain.Now, Guid.Empty, events);
        Assert.Equal([d0, d0.AddDays(1), d0.AddDays(2)], events.OfType<RampStepChanged>().Select(e => DateOnly.ParseExact(e.Reason[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4, state.RampDay);
        RampPolicy.Roll(state, d0.AddDays(3), d => Healthy(0) with { Day = d }, true, null, Domain.Now, Guid.Empty, events);
        Assert.Equal(3, events.OfType<RampStepChanged>().Count());
    }

    [Fact]
    public void Paper_profile_has_no_ramp()
    {
        var d0 = new DateOnly(2026, 3, 2);
        var state = new RiskState { Profile = RiskProfiles.Paper, RampEvaluatedDay = d0 };
        var events = new List<ICypherMessage>();
        RampPolicy.Roll(state, d0.AddDays(5), d => Healthy(0) with { Day = d }, true, null, Domain.Now, Guid.Empty, events);
        Assert.Empty(events);
        Assert.Equal(RiskProfiles.Paper, state.Profile);
    }

    [Fact]
    public void A_breaker_trip_steps_back_and_an_error_holds()
    {
        var state = new RiskState { Profile = RiskProfiles.LiveModerate, RampDay = 4 };
        var events = new List<ICypherMessage>();
        RampPolicy.Step(state, Healthy(0) with { BreakerTrips = 1 }, null, Domain.Now, Guid.Empty, events);
        Assert.Equal(3, state.RampDay);
        Assert.Equal(RiskProfiles.LiveConservative, state.Profile);
        RampPolicy.Step(state, Healthy(1) with { ExchangeErrors = 2 }, null, Domain.Now, Guid.Empty, events);
        Assert.Equal(3, state.RampDay);
        var steps = events.OfType<RampStepChanged>().ToList();
        Assert.Equal([RampPolicy.StepBack, RampPolicy.Hold], steps.Select(s => s.Direction));
        Assert.Contains("breaker", steps[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Win_rate_more_than_five_points_below_baseline_holds()
    {
        var (direction, _) = RampPolicy.Judge(new DayHealth(new DateOnly(2026, 3, 1), 10, 4, 6, 0, 0), 0.55m);
        Assert.Equal(RampPolicy.Hold, direction);
        Assert.Equal(RampPolicy.Advance, RampPolicy.Judge(new DayHealth(new DateOnly(2026, 3, 1), 10, 5, 5, 0, 0), 0.55m).Direction);
    }
}

public class ApprovalRuleTests
{
    private static PendingApproval Approval() => new()
    {
        ApprovalId = Guid.NewGuid(),
        SignalId = Guid.NewGuid(),
        Symbol = "ETHUSDTM",
        RequestedPrice = 2000m,
        BandPercent = 0.5m,
        Notional = 9420m,
        RequestedAt = Domain.Now,
        ExpiresAt = Domain.Now.AddSeconds(120),
        Signal = SignalBuilders.Long(),
    };

    [Theory]
    [InlineData(2010, null)] // +0.5 % exactly: inside
    [InlineData(1990, null)]
    [InlineData(2010.02, ErrorCodes.ApprovalPriceMoved)]
    [InlineData(1989.98, ErrorCodes.ApprovalPriceMoved)]
    public void Price_band_is_checked(double price, string? code) =>
        Assert.Equal(code, ApprovalRules.Check(Approval(), Domain.Now.AddSeconds(10), (decimal)price)?.Code);

    [Fact]
    public void Expired_and_priceless_approvals_are_denied()
    {
        Assert.Equal(ErrorCodes.ApprovalExpired, ApprovalRules.Check(Approval(), Domain.Now.AddSeconds(120), 2000m)?.Code);
        Assert.Equal(ErrorCodes.ApprovalPriceMoved, ApprovalRules.Check(Approval(), Domain.Now, null)?.Code);
    }
}
