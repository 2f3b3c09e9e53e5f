using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;

namespace CypherScoping.Alerts.Tests;

public class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);
    private readonly AlertRules _rules = new(new AlertRuleSettings(3, TimeSpan.FromMinutes(10)));

    private static CircuitBreakerTripped Breaker(string breaker, string action, AlertSeverity severity = AlertSeverity.Critical) => new()
    {
        CorrelationId = Guid.NewGuid(), OccurredAt = T0, Breaker = breaker, Value = 0.16m, Threshold = 0.15m,
        Action = action, Severity = severity, Reason = "drawdown 16% from high-water mark",
    };

    [Theory]
    [InlineData("drawdown", "halted", AlertSeverity.Critical)]
    [InlineData("api_errors", "halted", AlertSeverity.Critical)]
    [InlineData("consecutive_losses", "paused", AlertSeverity.Critical)]
    [InlineData("drawdown_warning", "warning", AlertSeverity.Warning)]
    [InlineData("win_rate", "alert", AlertSeverity.Warning)]
    public void Breaker_trips_map_to_severity_by_action(string breaker, string action, AlertSeverity expected)
    {
        var alert = _rules.For(Breaker(breaker, action, AlertSeverity.Info));
        Assert.Equal(expected, alert.Severity);
        Assert.Contains(breaker, alert.Title, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(alert.WhatToDo));
    }

    [Fact]
    public void Breaker_alert_keeps_a_higher_severity_from_risk()
    {
        Assert.Equal(AlertSeverity.Critical, _rules.For(Breaker("win_rate", "alert", AlertSeverity.Critical)).Severity);
    }

    [Theory]
    [InlineData(TradingState.Halted, AlertSeverity.Critical)]
    [InlineData(TradingState.Paused, AlertSeverity.Warning)]
    [InlineData(TradingState.Reducing, AlertSeverity.Warning)]
    [InlineData(TradingState.Active, AlertSeverity.Info)]
    public void Trading_state_changes_map_to_severity(TradingState state, AlertSeverity expected)
    {
        var previous = state == TradingState.Active ? TradingState.Halted : TradingState.Active;
        var alert = _rules.For(new TradingStateChanged
        {
            CorrelationId = Guid.NewGuid(), OccurredAt = T0, State = state, PreviousState = previous, Reason = "r", ChangedBy = "risk",
        });
        Assert.NotNull(alert);
        Assert.Equal(expected, alert.Severity);
    }

    [Fact]
    public void Incomplete_flatten_is_critical_and_lists_what_is_still_open()
    {
        var alert = _rules.For(new PositionsFlattened
        {
            CorrelationId = Guid.NewGuid(), OccurredAt = T0, RequestedBy = "operator", Reason = "rollback", IsFlat = false,
            ClosedPositions = 1, CancelledOrders = 2, Attempts = 3,
            RemainingPositions =
            [
                new PositionSnapshot
                {
                    Symbol = "SOLUSDTM", BaseAsset = "SOL", Side = PositionSide.Short, Size = 7, SizeBase = 0.7m, EntryPrice = 150, MarkPrice = 151,
                    InitialMargin = 10, UnrealizedPnl = -1, Leverage = 5,
                },
            ],
        });
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains("INCOMPLETE", alert.Title, StringComparison.Ordinal);
        var open = Assert.Single(alert.Fields, f => f.Name == "Still open");
        Assert.Contains("SOLUSDTM short 7 lots", open.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconciliation_mismatch_is_critical()
    {
        var alert = _rules.For(new ReconciliationMismatchDetected
        {
            CorrelationId = Guid.NewGuid(), OccurredAt = T0, Symbol = "ETHUSDTM", ErrorCode = ErrorCodes.ReconciliationMismatch, Details = "ledger says open, exchange says none",
        });
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
    }

    private static ExchangeErrorOccurred Error(DateTimeOffset at) => new()
    {
        CorrelationId = Guid.NewGuid(), OccurredAt = at, Operation = "place_order", ErrorCode = ErrorCodes.ExchangeUnavailable, HttpStatus = 503, Message = "bad gateway",
    };

    [Fact]
    public void Exchange_errors_alert_only_as_a_burst_of_the_configured_size()
    {
        Assert.Null(_rules.For(Error(T0), errorsInWindow: 1));
        Assert.Null(_rules.For(Error(T0), errorsInWindow: 2));
        var third = _rules.For(Error(T0), errorsInWindow: 3);
        Assert.NotNull(third);
        Assert.Equal(AlertSeverity.Warning, third.Severity);
        Assert.Equal("exchange_errors:burst", third.Key);
        Assert.Equal("3 exchange errors in 10 min (latest E_EXCHANGE_UNAVAILABLE on place_order)", third.Title);
        Assert.Contains(third.Fields, f => f is { Name: "Errors in window", Value: "3" });
        Assert.Equal(TimeSpan.FromMinutes(10), _rules.ExchangeErrorBurstWindow);
    }

    private static OrderRejected Rejected(bool beforeExchange, string code) => new()
    {
        ClientOrderId = "cid", CorrelationId = Guid.NewGuid(), OccurredAt = T0, Symbol = "ETHUSDTM", Side = OrderSide.Buy,
        ErrorCode = code, Reason = "insufficient balance", RefusedBeforeExchange = beforeExchange,
    };

    [Fact]
    public void Exchange_rejections_warn_but_refusals_before_the_exchange_do_not_except_symbol_refusals()
    {
        Assert.Equal(AlertSeverity.Warning, _rules.For(Rejected(false, ErrorCodes.InsufficientBalance))!.Severity);
        Assert.Null(_rules.For(Rejected(true, ErrorCodes.OrderExpired)));
        Assert.Null(_rules.For(Rejected(true, ErrorCodes.TradingHalted)));
        Assert.Equal(AlertSeverity.Warning, _rules.For(Rejected(true, ErrorCodes.SymbolDenied))!.Severity);
    }

    [Theory]
    [InlineData("continue", AlertSeverity.Info)]
    [InlineData("alert", AlertSeverity.Warning)]
    [InlineData("rollback", AlertSeverity.Critical)]
    public void Health_reports_map_by_action(string action, AlertSeverity expected)
    {
        var alert = _rules.For(new StrategyHealthReported
        {
            ReportId = Guid.NewGuid(), CorrelationId = Guid.NewGuid(), OccurredAt = T0, Action = action, RecentWinRate = 0.42m, ProfitFactor = 1.1m,
            MaxDrawdown = 0.05m, Expectancy = 0.3m, TradeCount = 20, Recommendation = "r", PerSymbol = [],
        });
        Assert.Equal(expected, alert.Severity);
        Assert.Contains("42%", alert.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_live_service_starts_alert()
    {
        ServiceStarted Started(TradingMode mode) => new() { CorrelationId = Guid.NewGuid(), OccurredAt = T0, Service = "executor", Mode = mode, Version = "1", Host = "h" };
        Assert.Null(_rules.For(Started(TradingMode.Paper)));
        Assert.Equal(AlertSeverity.Info, _rules.For(Started(TradingMode.Live))!.Severity);
    }

    [Theory]
    [InlineData("advance", AlertSeverity.Info)]
    [InlineData("hold", AlertSeverity.Warning)]
    [InlineData("step_back", AlertSeverity.Warning)]
    public void Ramp_steps_map_by_direction(string direction, AlertSeverity expected)
    {
        var alert = _rules.For(new RampStepChanged { CorrelationId = Guid.NewGuid(), OccurredAt = T0, FromProfile = "live-conservative", ToProfile = "live-moderate", Day = 4, Direction = direction, Reason = "healthy" });
        Assert.Equal(expected, alert.Severity);
    }

    [Fact]
    public void Rollback_to_paper_is_a_warning()
    {
        RiskProfileChanged Change(string from, string to) => new() { CorrelationId = Guid.NewGuid(), OccurredAt = T0, FromProfile = from, ToProfile = to, ChangedBy = "op", Reason = "r" };
        Assert.Equal(AlertSeverity.Warning, _rules.For(Change("live-normal", "paper")).Severity);
        Assert.Equal(AlertSeverity.Info, _rules.For(Change("live-conservative", "live-moderate")).Severity);
    }

    [Fact]
    public void Duplicate_order_blocked_is_a_warning()
    {
        var alert = _rules.For(new DuplicateOrderBlocked
        {
            ClientOrderId = "c", SignalId = Guid.NewGuid(), CorrelationId = Guid.NewGuid(), OccurredAt = T0, Symbol = "ETHUSDTM", BaseAsset = "ETH",
            ErrorCode = ErrorCodes.DuplicateOrder, ExistingStatus = "placed",
        });
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
    }
}
