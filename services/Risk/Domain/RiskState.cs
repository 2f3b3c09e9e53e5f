using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;

namespace CypherScoping.Risk.Domain;

/// <summary>Everything Risk remembers between messages (persisted in the risk schema).</summary>
public sealed class RiskState
{
    public TradingState State { get; set; } = TradingState.Active;
    public string StateReason { get; set; } = "initial";
    public DateTimeOffset? PausedUntil { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }
    public string StateChangedBy { get; set; } = "risk";

    /// <summary>The profile in force (changed by command, configuration or the ramp).</summary>
    public string Profile { get; set; } = RiskProfiles.Paper;

    /// <summary>The profile configuration asked for when this state was last reconciled with it.</summary>
    public string? ConfiguredProfile { get; set; }

    /// <summary>Ramp day (1 = first live day); 0 in paper.</summary>
    public int RampDay { get; set; }

    /// <summary>The UTC day current when the ramp last looked; every day before it has been judged.</summary>
    public DateOnly? RampEvaluatedDay { get; set; }

    public decimal? HighWaterMark { get; set; }
    public decimal? LastEquity { get; set; }
    public int ConsecutiveLosses { get; set; }
    public bool DrawdownTripped { get; set; }
    public bool DrawdownWarningActive { get; set; }
    public bool ApiErrorsTripped { get; set; }
    public bool WinRateAlertActive { get; set; }
    public List<DateTimeOffset> ApiErrorTimes { get; set; } = [];

    /// <summary>Recent closed trades, oldest first (true = win), at most the win-rate window.</summary>
    public List<bool> RecentOutcomes { get; set; } = [];

    public RiskState Clone()
    {
        var copy = (RiskState)MemberwiseClone();
        copy.ApiErrorTimes = [.. ApiErrorTimes];
        copy.RecentOutcomes = [.. RecentOutcomes];
        return copy;
    }
}

/// <summary>
/// The trading state machine: Active, Reducing (reduce-only), Paused until a time, Halted with a reason.
/// Only Active allows new entries; exits and reduce-only orders always pass. Halted outranks Paused and is left
/// only by an explicit resume; Paused ends by itself when its time is up.
/// </summary>
public static class TradingStateMachine
{
    public const string System = "risk";

    /// <summary>Null when a new entry may go out, else the denial code and reason.</summary>
    public static (string Code, string Reason)? CheckEntry(RiskState state, DateTimeOffset now) => state.State switch
    {
        TradingState.Active => null,
        TradingState.Paused when state.PausedUntil is { } until && now >= until => null,
        TradingState.Paused => (CypherScoping.Domain.ErrorCodes.TradingPaused, $"trading is paused until {state.PausedUntil:O}: {state.StateReason}"),
        TradingState.Reducing => (CypherScoping.Domain.ErrorCodes.TradingReducing, $"trading is reduce-only: {state.StateReason}"),
        _ => (CypherScoping.Domain.ErrorCodes.TradingHalted, $"trading is halted: {state.StateReason}"),
    };

    public static void Halt(RiskState state, string reason, string by, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        if (state.State == TradingState.Halted)
        {
            return; // the first reason stands; a second halt changes nothing
        }

        Move(state, TradingState.Halted, reason, by, now, null, correlationId, events);
    }

    public static void Pause(RiskState state, DateTimeOffset until, string reason, string by, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        if (state.State == TradingState.Halted)
        {
            return; // halted outranks paused
        }

        if (state.State == TradingState.Paused && state.PausedUntil >= until)
        {
            return;
        }

        Move(state, TradingState.Paused, reason, by, now, until, correlationId, events);
    }

    public static void Reduce(RiskState state, string reason, string by, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        if (state.State is TradingState.Halted or TradingState.Reducing)
        {
            return;
        }

        Move(state, TradingState.Reducing, reason, by, now, null, correlationId, events);
    }

    /// <summary>Operator re-arm: back to Active and every breaker re-armed (drawdown measured from current equity).</summary>
    public static void Resume(RiskState state, string reason, string by, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        foreach (var breaker in CircuitBreakers.ResetAll(state))
        {
            events.Add(new CircuitBreakerReset { CorrelationId = correlationId, OccurredAt = now, Breaker = breaker, Reason = reason, ResetBy = by });
        }

        if (state.State != TradingState.Active)
        {
            Move(state, TradingState.Active, reason, by, now, null, correlationId, events);
        }
    }

    /// <summary>Paused → Active once the cool-down is over.</summary>
    public static void Expire(RiskState state, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        if (state.State != TradingState.Paused || state.PausedUntil is not { } until || now < until)
        {
            return;
        }

        events.Add(new CircuitBreakerReset
        {
            CorrelationId = correlationId,
            OccurredAt = now,
            Breaker = CircuitBreakers.ConsecutiveLosses,
            Reason = $"cool-down ended at {until:O}",
            ResetBy = System,
        });
        Move(state, TradingState.Active, "cool-down over", System, now, null, correlationId, events);
    }

    private static void Move(RiskState state, TradingState to, string reason, string by, DateTimeOffset now, DateTimeOffset? until, Guid correlationId, List<ICypherMessage> events)
    {
        var from = state.State;
        state.State = to;
        state.StateReason = reason;
        state.StateChangedAt = now;
        state.StateChangedBy = by;
        state.PausedUntil = to == TradingState.Paused ? until : null;
        events.Add(new TradingStateChanged
        {
            CorrelationId = correlationId,
            OccurredAt = now,
            State = to,
            PreviousState = from,
            Reason = reason,
            ChangedBy = by,
            PausedUntil = state.PausedUntil,
        });
    }
}
