using System.Globalization;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;

namespace CypherScoping.Alerts.Domain;

/// <summary>Tuning of the rules (from AlertsOptions).</summary>
public sealed record AlertRuleSettings(int ExchangeErrorBurstCount, TimeSpan ExchangeErrorBurstWindow);

/// <summary>
/// Maps events to alerts (or to nothing). Pure: the exchange-error burst is counted by the caller (the alerts
/// database, so a restart keeps counting and a redelivery counts once) and passed in.
/// Decisions worth knowing:
/// - OrderRejected with RefusedBeforeExchange (expiry, trading state, policy) is audited but not alerted — it is
///   the system working as designed — except a symbol refusal, which means an earlier check (Scanner, Risk) let a
///   denied or unknown symbol through: that is a warning.
/// - Every severity is de-duplicated by key; repeats are counted, never lost.
/// </summary>
public sealed class AlertRules(AlertRuleSettings settings)
{
    /// <summary>How far back exchange errors count toward a burst.</summary>
    public TimeSpan ExchangeErrorBurstWindow => settings.ExchangeErrorBurstWindow;

    public Alert For(CircuitBreakerTripped m)
    {
        var stops = m.Action is "halted" or "paused";
        var severity = stops ? AlertSeverity.Critical : AlertSeverities.Max(AlertSeverity.Warning, m.Severity);
        var what = m.Action switch
        {
            "halted" => "Trading is halted. Check positions (cypher monitor), find the cause, then re-arm with `cypher resume` or roll back with `cypher rollback`.",
            "paused" => $"New entries are paused{Until(m.PausedUntil)}; trading resumes by itself. Review the losing trades before then.",
            _ => m.Breaker == "drawdown_warning"
                ? "Drawdown is approaching the breaker. Review open positions and consider `cypher halt` or a lower risk profile."
                : "Review the strategy's recent performance (cypher health) before the next session.",
        };
        return new Alert
        {
            Key = $"breaker:{m.Breaker}:{m.Action}",
            Severity = severity,
            Title = $"Circuit breaker {m.Breaker} tripped ({m.Action})",
            WhatToDo = what,
            Fields =
            [
                new("Breaker", m.Breaker),
                new("Value", Num(m.Value)),
                new("Threshold", Num(m.Threshold)),
                new("Action", m.Action),
                new("Reason", m.Reason),
                .. Optional("Paused until", m.PausedUntil),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "circuit_breaker",
        };
    }

    public Alert? For(TradingStateChanged m)
    {
        if (m.State == m.PreviousState)
        {
            return null;
        }

        var (severity, what) = m.State switch
        {
            TradingState.Halted => (AlertSeverity.Critical, "Trading is halted: no new entries. Investigate, then `cypher resume` to re-arm or `cypher rollback` to flatten and go back to paper."),
            TradingState.Paused => (AlertSeverity.Warning, $"New entries are paused{Until(m.PausedUntil)}; exits still run. No action needed unless it repeats."),
            TradingState.Reducing => (AlertSeverity.Warning, "Only reducing orders are allowed. Check why (cypher monitor)."),
            _ => (AlertSeverity.Info, "Trading is active again. Watch the next trades."),
        };
        return new Alert
        {
            Key = $"trading_state:{m.State}:{m.ChangedBy}".ToLowerInvariant(),
            Severity = severity,
            Title = $"Trading {m.State.ToString().ToLowerInvariant()} (was {m.PreviousState.ToString().ToLowerInvariant()})",
            WhatToDo = what,
            Fields =
            [
                new("State", m.State.ToString()),
                new("Previous", m.PreviousState.ToString()),
                new("Reason", m.Reason),
                new("Changed by", m.ChangedBy),
                .. Optional("Paused until", m.PausedUntil),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "trading_state_changed",
        };
    }

    public Alert For(PositionsFlattened m)
    {
        var remaining = m.RemainingPositions
            .Select(p => $"{p.Symbol} {p.Side.ToString().ToLowerInvariant()} {Num(p.Size)} lots")
            .ToList();
        return new Alert
        {
            // One message per flatten request (the correlation id), never folded into another flatten.
            Key = $"positions_flattened:{m.CorrelationId:N}",
            Severity = AlertSeverity.Critical,
            Title = m.IsFlat
                ? $"Positions flattened: {m.ClosedPositions} closed, {m.CancelledOrders} orders cancelled"
                : $"Flatten INCOMPLETE: {remaining.Count} position(s) still open",
            WhatToDo = m.IsFlat
                ? "The account is flat. Investigate before resuming (cypher audit, cypher health)."
                : "Positions are still open: retry `cypher flatten`, or break-glass `cypher flatten --direct`, or close them on KuCoin by hand.",
            Fields =
            [
                new("Flat", m.IsFlat ? "yes" : "NO"),
                new("Closed positions", m.ClosedPositions.ToString(CultureInfo.InvariantCulture)),
                new("Cancelled orders", m.CancelledOrders.ToString(CultureInfo.InvariantCulture)),
                new("Attempts", m.Attempts.ToString(CultureInfo.InvariantCulture)),
                new("Requested by", m.RequestedBy),
                new("Reason", m.Reason),
                .. remaining.Count > 0 ? [new AlertField("Still open", string.Join(", ", remaining))] : Array.Empty<AlertField>(),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "positions_flattened",
        };
    }

    public Alert For(ReconciliationMismatchDetected m) => new()
    {
        Key = $"reconciliation:{m.Symbol}:{m.ClientOrderId}",
        Severity = AlertSeverity.Critical,
        Title = $"Reconciliation mismatch{(m.Symbol is null ? string.Empty : " on " + m.Symbol)}: exchange and ledger disagree",
        WhatToDo = "Trading halts. Compare the exchange's orders and positions with `cypher audit`; fix by hand, then `cypher resume`.",
        Fields =
        [
            new("Error", m.ErrorCode),
            new("Details", Truncate(m.Details)),
            .. Optional("Symbol", m.Symbol),
            .. Optional("Client order id", m.ClientOrderId),
        ],
        CorrelationId = m.CorrelationId,
        OccurredAt = m.OccurredAt,
        Source = "reconciliation_mismatch",
    };

    /// <summary>
    /// A single exchange error is audited, not alerted; a burst (N within the window) is a warning.
    /// <paramref name="errorsInWindow"/> counts this error and the others inside the window ending at its time.
    /// </summary>
    public Alert? For(ExchangeErrorOccurred m, int errorsInWindow)
    {
        if (errorsInWindow < settings.ExchangeErrorBurstCount)
        {
            return null;
        }

        return new Alert
        {
            Key = "exchange_errors:burst",
            Severity = AlertSeverity.Warning,
            Title = $"{errorsInWindow} exchange errors in {Minutes(settings.ExchangeErrorBurstWindow)} min (latest {m.ErrorCode} on {m.Operation})",
            WhatToDo = "Check KuCoin status and the API key; the api_errors breaker halts trading if errors continue.",
            Fields =
            [
                new("Errors in window", errorsInWindow.ToString(CultureInfo.InvariantCulture)),
                new("Latest error", m.ErrorCode),
                new("Operation", m.Operation),
                .. Optional("Symbol", m.Symbol),
                .. Optional("HTTP status", m.HttpStatus),
                .. Optional("Exchange code", m.ExchangeCode),
                new("Message", Truncate(m.Message)),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "exchange_error",
        };
    }

    public Alert? For(OrderRejected m)
    {
        var symbolRefusal = m.ErrorCode is ErrorCodes.SymbolDenied or ErrorCodes.SymbolNotInUniverse or ErrorCodes.UnknownSymbol;
        if (m.RefusedBeforeExchange && !symbolRefusal)
        {
            return null;
        }

        return new Alert
        {
            Key = $"order_rejected:{m.Symbol}:{m.ErrorCode}",
            Severity = AlertSeverity.Warning,
            Title = m.RefusedBeforeExchange
                ? $"Executor refused a {m.Symbol} order ({m.ErrorCode}): an earlier symbol check let it through"
                : $"KuCoin rejected a {m.Symbol} order ({m.ErrorCode})",
            WhatToDo = m.RefusedBeforeExchange
                ? "Nothing reached the exchange. Check TRADING_UNIVERSE / DENYLIST_SYMBOLS and the Scanner and Risk policy."
                : "Check the reason below (balance, leverage, size); repeated rejections need a config fix.",
            Fields =
            [
                new("Symbol", m.Symbol),
                new("Side", m.Side.ToString()),
                new("Error", m.ErrorCode),
                .. Optional("Exchange code", m.ExchangeCode),
                new("Reason", Truncate(m.Reason)),
                new("Client order id", m.ClientOrderId),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "order_rejected",
        };
    }

    public Alert For(DuplicateOrderBlocked m) => new()
    {
        Key = $"duplicate_order:{m.Symbol}",
        Severity = AlertSeverity.Warning,
        Title = $"Duplicate {m.Symbol} order blocked ({m.ErrorCode})",
        WhatToDo = "No second order was sent. Repeats point to redelivered approvals: check the broker and Risk.",
        Fields =
        [
            new("Symbol", m.Symbol),
            new("Client order id", m.ClientOrderId),
            new("Original status", m.ExistingStatus),
        ],
        CorrelationId = m.CorrelationId,
        OccurredAt = m.OccurredAt,
        Source = "duplicate_order_blocked",
    };

    public Alert For(RampStepChanged m)
    {
        var advance = m.Direction == "advance";
        return new Alert
        {
            Key = $"ramp:{m.Direction}:{m.ToProfile}:{m.Day}",
            Severity = advance ? AlertSeverity.Info : AlertSeverity.Warning,
            Title = advance
                ? $"Ramp advanced to {m.ToProfile} (day {m.Day})"
                : m.Direction == "hold" ? $"Ramp holds at {m.ToProfile} (day {m.Day})" : $"Ramp stepped back from {m.FromProfile} to {m.ToProfile} (day {m.Day})",
            WhatToDo = advance ? "No action; limits rise as scheduled." : "Read the reason; the ramp advances again after a healthy day.",
            Fields =
            [
                new("From", m.FromProfile),
                new("To", m.ToProfile),
                new("Day", m.Day.ToString(CultureInfo.InvariantCulture)),
                new("Direction", m.Direction),
                new("Reason", m.Reason),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "ramp_step_changed",
        };
    }

    public Alert For(StrategyHealthReported m)
    {
        var (severity, what) = m.Action switch
        {
            "rollback" => (AlertSeverity.Critical, "The health check recommends a rollback: `cypher rollback` (halt, flatten, back to paper)."),
            "alert" => (AlertSeverity.Warning, "Strategy health degraded: review `cypher health` before the next session."),
            _ => (AlertSeverity.Info, "Daily health check passed; no action."),
        };
        return new Alert
        {
            Key = $"health:{m.Action}:{m.ReportId:N}",
            Severity = severity,
            Title = $"Strategy health: {m.Action} (win rate {Percent(m.RecentWinRate)}, {m.TradeCount} trades)",
            WhatToDo = what,
            Fields =
            [
                new("Action", m.Action),
                new("Win rate", Percent(m.RecentWinRate)),
                new("Profit factor", Num(m.ProfitFactor)),
                new("Max drawdown", Percent(m.MaxDrawdown)),
                new("Expectancy", Num(m.Expectancy)),
                new("Trades", m.TradeCount.ToString(CultureInfo.InvariantCulture)),
                new("Recommendation", m.Recommendation),
            ],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "health_report",
        };
    }

    /// <summary>A service starting in live mode is worth a line; paper starts are not.</summary>
    public Alert? For(ServiceStarted m) => m.Mode != TradingMode.Live
        ? null
        : new Alert
        {
            Key = $"service_started:{m.Service}:{m.Host}:{m.CorrelationId:N}",
            Severity = AlertSeverity.Info,
            Title = $"{m.Service} started in LIVE mode on {m.Host}",
            WhatToDo = "Expected after a deploy or restart; if not, `cypher halt` and investigate.",
            Fields = [new("Service", m.Service), new("Host", m.Host), new("Version", m.Version), new("Mode", "live")],
            CorrelationId = m.CorrelationId,
            OccurredAt = m.OccurredAt,
            Source = "service_started",
        };

    /// <summary>A switch to paper (a rollback) is a warning; other profile changes are info.</summary>
    public Alert For(RiskProfileChanged m) => new()
    {
        Key = $"risk_profile:{m.FromProfile}:{m.ToProfile}",
        Severity = m.ToProfile == "paper" && m.FromProfile != "paper" ? AlertSeverity.Warning : AlertSeverity.Info,
        Title = $"Risk profile changed from {m.FromProfile} to {m.ToProfile}",
        WhatToDo = m.ToProfile == "paper" ? "Trading is back on paper: investigate before going live again." : "Confirm this change was intended.",
        Fields = [new("From", m.FromProfile), new("To", m.ToProfile), new("Changed by", m.ChangedBy), new("Reason", m.Reason)],
        CorrelationId = m.CorrelationId,
        OccurredAt = m.OccurredAt,
        Source = "risk_profile_changed",
    };

    private static string Num(decimal value) => value.ToString("0.########", CultureInfo.InvariantCulture);

    private static string Percent(decimal fraction) => (fraction * 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Until(DateTimeOffset? until) => until is { } u ? $" until {u.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : string.Empty;

    private static AlertField[] Optional(string name, string? value) => string.IsNullOrWhiteSpace(value) ? [] : [new AlertField(name, value)];

    private static AlertField[] Optional(string name, int? value) => value is { } v ? [new AlertField(name, v.ToString(CultureInfo.InvariantCulture))] : [];

    private static AlertField[] Optional(string name, DateTimeOffset? value) =>
        value is { } v ? [new AlertField(name, v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC")] : [];

    internal static string Truncate(string text, int max = 300) => text.Length <= max ? text : text[..max] + "…";
}
