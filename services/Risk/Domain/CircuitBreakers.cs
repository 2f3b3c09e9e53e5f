using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;

namespace CypherScoping.Risk.Domain;

/// <summary>
/// The breakers of architecture §9. Each trips once on crossing its threshold (an event per transition, never per
/// message) and re-arms on reset.
/// </summary>
public static class CircuitBreakers
{
    public const string Drawdown = "drawdown";
    public const string ConsecutiveLosses = "consecutive_losses";
    public const string ApiErrors = "api_errors";
    public const string WinRate = "win_rate";
    public const string DrawdownWarning = "drawdown_warning";

    /// <summary>Win rate more than this many points (fraction) below the baseline raises an alert.</summary>
    public const decimal WinRateAlertPoints = 0.10m;

    /// <summary>Drawdown from the high-water mark, as a fraction (0 when unknown).</summary>
    public static decimal DrawdownOf(RiskState state) =>
        state.HighWaterMark is > 0m and var hwm && state.LastEquity is { } equity ? Math.Max(0m, (hwm - equity) / hwm) : 0m;

    /// <summary>A new equity figure: raise the high-water mark, check the drawdown breaker and the warning.</summary>
    public static void OnEquity(RiskState state, decimal equity, RiskLimits limits, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        state.LastEquity = equity;
        if (state.HighWaterMark is not { } hwm || equity > hwm)
        {
            state.HighWaterMark = equity;
        }

        var drawdown = DrawdownOf(state);
        if (drawdown >= limits.DrawdownWarning && !state.DrawdownWarningActive)
        {
            state.DrawdownWarningActive = true;
            events.Add(Trip(correlationId, now, DrawdownWarning, drawdown, limits.DrawdownWarning, "warning", AlertSeverity.Warning,
                $"drawdown {Pct(drawdown)} from the high-water mark {Usdt(state.HighWaterMark)} reached the warning level {Pct(limits.DrawdownWarning)}"));
        }
        else if (drawdown < limits.DrawdownWarning && state.DrawdownWarningActive)
        {
            state.DrawdownWarningActive = false;
            events.Add(Reset(correlationId, now, DrawdownWarning, $"drawdown back to {Pct(drawdown)}"));
        }

        if (drawdown >= limits.BreakerThreshold && !state.DrawdownTripped)
        {
            state.DrawdownTripped = true;
            var reason = $"drawdown {Pct(drawdown)} from the high-water mark {Usdt(state.HighWaterMark)} reached the breaker threshold {Pct(limits.BreakerThreshold)}";
            events.Add(Trip(correlationId, now, Drawdown, drawdown, limits.BreakerThreshold, "halted", AlertSeverity.Critical, reason));
            TradingStateMachine.Halt(state, $"circuit breaker {Drawdown}: {reason}", TradingStateMachine.System, now, correlationId, events);
        }
    }

    /// <summary>A closed trade: consecutive losses (→ Paused for the cool-down) and the rolling win rate (→ alert).</summary>
    public static void OnTradeClosed(RiskState state, TradeOutcome outcome, RiskLimits limits, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        var win = outcome == TradeOutcome.Win;
        state.ConsecutiveLosses = win ? 0 : state.ConsecutiveLosses + 1;
        state.RecentOutcomes.Add(win);
        while (state.RecentOutcomes.Count > limits.WinRateWindow)
        {
            state.RecentOutcomes.RemoveAt(0);
        }

        if (state.ConsecutiveLosses >= limits.ConsecutiveLossLimit)
        {
            var count = state.ConsecutiveLosses;
            state.ConsecutiveLosses = 0;
            var until = now + limits.Cooldown;
            var reason = $"{count} losing trades in a row; paused for {limits.Cooldown.TotalSeconds:0} s";
            events.Add(Trip(correlationId, now, ConsecutiveLosses, count, limits.ConsecutiveLossLimit, "paused", AlertSeverity.Warning, reason, until));
            TradingStateMachine.Pause(state, until, $"circuit breaker {ConsecutiveLosses}: {reason}", TradingStateMachine.System, now, correlationId, events);
        }

        if (limits.WinRateBaseline is not { } baseline || state.RecentOutcomes.Count < limits.WinRateWindow)
        {
            return;
        }

        var rate = (decimal)state.RecentOutcomes.Count(w => w) / state.RecentOutcomes.Count;
        var floor = baseline - WinRateAlertPoints;
        if (rate < floor && !state.WinRateAlertActive)
        {
            state.WinRateAlertActive = true;
            events.Add(Trip(correlationId, now, WinRate, rate, floor, "alert", AlertSeverity.Warning,
                $"win rate {Pct(rate)} over the last {state.RecentOutcomes.Count} trades is more than 10 points below the baseline {Pct(baseline)}"));
        }
        else if (rate >= floor && state.WinRateAlertActive)
        {
            state.WinRateAlertActive = false;
            events.Add(Reset(correlationId, now, WinRate, $"win rate back to {Pct(rate)}"));
        }
    }

    /// <summary>An exchange error: N in a sliding window halts trading.</summary>
    public static void OnExchangeError(RiskState state, DateTimeOffset at, RiskLimits limits, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        state.ApiErrorTimes.Add(at);
        state.ApiErrorTimes.RemoveAll(t => t <= now - limits.ApiErrorWindow);
        state.ApiErrorTimes.Sort();
        while (state.ApiErrorTimes.Count > limits.ApiErrorLimit * 4)
        {
            state.ApiErrorTimes.RemoveAt(0);
        }

        var count = state.ApiErrorTimes.Count;
        if (count >= limits.ApiErrorLimit && !state.ApiErrorsTripped)
        {
            state.ApiErrorsTripped = true;
            var reason = $"{count} exchange errors within {limits.ApiErrorWindow.TotalMinutes:0} minutes";
            events.Add(Trip(correlationId, now, ApiErrors, count, limits.ApiErrorLimit, "halted", AlertSeverity.Critical, reason));
            TradingStateMachine.Halt(state, $"circuit breaker {ApiErrors}: {reason}", TradingStateMachine.System, now, correlationId, events);
        }
    }

    /// <summary>Re-arm every breaker (operator resume). Returns the names of those that were tripped.</summary>
    public static IReadOnlyList<string> ResetAll(RiskState state)
    {
        var reset = new List<string>();
        if (state.DrawdownTripped)
        {
            reset.Add(Drawdown);
        }

        if (state.ApiErrorsTripped)
        {
            reset.Add(ApiErrors);
        }

        if (state.State == TradingState.Paused)
        {
            reset.Add(ConsecutiveLosses);
        }

        state.DrawdownTripped = false;
        state.ApiErrorsTripped = false;
        state.DrawdownWarningActive = false;
        state.ConsecutiveLosses = 0;
        state.ApiErrorTimes.Clear();
        state.HighWaterMark = state.LastEquity; // the drawdown is measured again from here
        return reset;
    }

    private static CircuitBreakerTripped Trip(Guid correlationId, DateTimeOffset now, string breaker, decimal value, decimal threshold, string action, AlertSeverity severity, string reason, DateTimeOffset? until = null) => new()
    {
        CorrelationId = correlationId,
        OccurredAt = now,
        Breaker = breaker,
        Value = value,
        Threshold = threshold,
        Action = action,
        Severity = severity,
        Reason = reason,
        PausedUntil = until,
    };

    private static CircuitBreakerReset Reset(Guid correlationId, DateTimeOffset now, string breaker, string reason) => new()
    {
        CorrelationId = correlationId,
        OccurredAt = now,
        Breaker = breaker,
        Reason = reason,
        ResetBy = TradingStateMachine.System,
    };

    private static string Usdt(decimal? amount) => amount?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? "?";

    private static string Pct(decimal fraction) => (fraction * 100m).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
