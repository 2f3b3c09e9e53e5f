using System.Collections.Concurrent;
using System.Data.Common;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.Persistence;
using CypherScoping.Risk.Data;
using CypherScoping.Risk.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CypherScoping.Risk;

/// <summary>Latest traded price per symbol (from MarketScanned), used when an approval arrives without a price.</summary>
public sealed class LatestPrices
{
    private readonly ConcurrentDictionary<string, decimal> _prices = new(StringComparer.Ordinal);

    public void Set(string symbol, decimal price)
    {
        if (price > 0m && SymbolCanonicalizer.TryParse(symbol, out var s, out _))
        {
            _prices[s.FuturesSymbol] = price;
        }
    }

    public decimal? Get(string symbol) =>
        SymbolCanonicalizer.TryParse(symbol, out var s, out _) && _prices.TryGetValue(s.FuturesSymbol, out var p) ? p : null;
}

/// <summary>What an operator sees: state, profile, ramp, breakers, today's count and the limits in force.</summary>
public sealed record RiskStatus(
    TradingState State,
    string Reason,
    DateTimeOffset? PausedUntil,
    DateTimeOffset ChangedAt,
    string ChangedBy,
    string Profile,
    int RampDay,
    decimal? HighWaterMark,
    decimal? LastEquity,
    decimal Drawdown,
    int ConsecutiveLosses,
    IReadOnlyList<string> TrippedBreakers,
    int EntriesToday,
    int PendingApprovals,
    RiskLimits Limits,
    DateTimeOffset? AccountAt);

/// <summary>
/// The Risk service's application layer: one transaction per message (inbox, state, decision), the pure domain
/// in between, and the messages to publish as the result. Serialised in-process (one writer), and with
/// SELECT … FOR UPDATE on PostgreSQL across replicas. Consumers and the operator API (RiskAdmin) both use it.
/// </summary>
public sealed partial class RiskEngine : IDisposable
{
    private readonly ServiceDatabase _db;
    private readonly RiskStore _store;
    private readonly RiskOptions _options;
    private readonly TradingOptions _trading;
    private readonly SymbolPolicy _policy;
    private readonly TimeProvider _time;
    private readonly LatestPrices _prices;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RiskEngine(ServiceDatabase db, RiskOptions options, TradingOptions trading, SymbolPolicy policy, TimeProvider time, LatestPrices prices, ILogger? logger = null)
    {
        _db = db;
        _store = new RiskStore(db.Dialect);
        _options = options;
        _trading = trading;
        _policy = policy;
        _time = time;
        _prices = prices;
        _logger = logger ?? NullLogger.Instance;
    }

    public ServiceDatabase Database => _db;

    public void Dispose() => _gate.Dispose();

    public RiskStore Store => _store;

    /// <summary>The profile configuration asks for: explicit Risk:Profile, else paper in paper mode and live-conservative in live.</summary>
    public string ConfiguredProfile => _options.Profile is { } p
        ? RiskProfiles.Normalize(p)
        : _trading.Mode == TradingMode.Live ? RiskProfiles.LiveConservative : RiskProfiles.Paper;

    public Task<IReadOnlyList<ICypherMessage>> DecideSignalAsync(SignalGenerated signal, CancellationToken ct = default) =>
        RunAsync("signal-generated", signal.SignalId.ToString("D"), async s =>
        {
            var decision = await DecideWithAccountAsync(s, signal, approvalId: null);
            await ApplyAsync(s, signal, decision);
            if (decision.Kind == DecisionKind.ApprovalRequested && decision.ApprovalRequest is { } request)
            {
                await _store.InsertApprovalAsync(s.Connection, s.Transaction, new PendingApproval
                {
                    ApprovalId = request.ApprovalId,
                    SignalId = signal.SignalId,
                    Symbol = request.Symbol,
                    RequestedPrice = request.EntryPrice,
                    BandPercent = request.PriceBandPercent,
                    Notional = request.Notional,
                    RequestedAt = s.Now,
                    ExpiresAt = request.ExpiresAt,
                    Signal = signal,
                });
            }

            LogDecision(_logger, signal.SignalId, signal.Symbol ?? "", decision.Kind, (decision.Message as OrderDenied)?.ErrorCode);
        },
        onDuplicate: async (c, tx) =>
        {
            var stored = await _store.GetDecisionAsync(c, tx, signal.SignalId);
            LogDuplicate(_logger, signal.SignalId);
            return stored is null ? [] : [stored];
        },
        ct);

    public Task<IReadOnlyList<ICypherMessage>> OnAccountSnapshotAsync(AccountSnapshot snapshot, CancellationToken ct = default) =>
        RunAsync(null, null, async s =>
        {
            if (snapshot.Mode != _trading.Mode)
            {
                LogModeMismatch(_logger, snapshot.Mode, _trading.Mode);
                return;
            }

            var view = new AccountView(snapshot.Equity, snapshot.OpenPositions ?? [], snapshot.OccurredAt);
            if (await _store.SaveAccountAsync(s.Connection, s.Transaction, view, snapshot.Sequence, s.Now))
            {
                CircuitBreakers.OnEquity(s.State, snapshot.Equity, s.Limits, s.Now, snapshot.CorrelationId, s.Events);
            }
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> OnPositionClosedAsync(PositionClosed closed, CancellationToken ct = default) =>
        RunAsync("position-closed", closed.PositionId, async s =>
        {
            await _store.BumpDayAsync(s.Connection, s.Transaction, s.Today, closed.Outcome == TradeOutcome.Win ? "wins" : "losses");
            CircuitBreakers.OnTradeClosed(s.State, closed.Outcome, s.Limits, s.Now, closed.CorrelationId, s.Events);
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> OnExchangeErrorAsync(ExchangeErrorOccurred error, string messageKey, CancellationToken ct = default) =>
        RunAsync("exchange-error", messageKey, async s =>
        {
            await _store.BumpDayAsync(s.Connection, s.Transaction, s.Today, "exchange_errors");
            var at = error.OccurredAt > s.Now ? s.Now : error.OccurredAt;
            CircuitBreakers.OnExchangeError(s.State, at, s.Limits, s.Now, error.CorrelationId, s.Events);
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> HaltAsync(string reason, string by, Guid correlationId, string? commandKey = null, CancellationToken ct = default) =>
        RunAsync(commandKey is null ? null : "halt-trading", commandKey, s =>
        {
            TradingStateMachine.Halt(s.State, reason, by, s.Now, correlationId, s.Events);
            return Task.CompletedTask;
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> ResumeAsync(string reason, string by, Guid correlationId, string? commandKey = null, CancellationToken ct = default) =>
        RunAsync(commandKey is null ? null : "resume-trading", commandKey, s =>
        {
            TradingStateMachine.Resume(s.State, reason, by, s.Now, correlationId, s.Events);
            return Task.CompletedTask;
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> OnReconciliationMismatchAsync(ReconciliationMismatchDetected mismatch, string messageKey, CancellationToken ct = default) =>
        HaltAsync($"{mismatch.ErrorCode}: {mismatch.Details}", "reconciliation", mismatch.CorrelationId, messageKey, ct);

    public Task<IReadOnlyList<ICypherMessage>> ChangeProfileAsync(string profile, string reason, string by, Guid correlationId, string? commandKey = null, CancellationToken ct = default) =>
        RunAsync(commandKey is null ? null : "change-risk-profile", commandKey, s =>
        {
            if (!RiskProfiles.IsKnown(profile))
            {
                LogUnknownProfile(_logger, profile);
                return Task.CompletedTask;
            }

            var to = RiskProfiles.Normalize(profile);
            var from = s.State.Profile;
            s.State.Profile = to;
            s.State.RampDay = RiskProfiles.FirstRampDay(to);
            s.Events.Add(new RiskProfileChanged { CorrelationId = correlationId, OccurredAt = s.Now, FromProfile = from, ToProfile = to, ChangedBy = by, Reason = reason });
            return Task.CompletedTask;
        },
        null,
        ct);

    public Task<IReadOnlyList<ICypherMessage>> DecideApprovalAsync(DecideApproval command, CancellationToken ct = default) =>
        RunAsync(null, null, async s =>
        {
            var approval = await _store.GetApprovalAsync(s.Connection, s.Transaction, command.ApprovalId);
            if (approval is null)
            {
                LogUnknownApproval(_logger, command.ApprovalId);
                return;
            }

            if (approval.Status != ApprovalStatus.Pending)
            {
                return; // decided already (or expired by the sweep just now): nothing more to say
            }

            var signal = approval.Signal;
            if (!command.Approve)
            {
                await FinishApprovalAsync(s, approval, ApprovalStatus.Rejected, command.DecidedBy, ErrorCodes.ApprovalRejected,
                    $"rejected by {command.DecidedBy}" + (string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $": {command.Reason}"), command.CorrelationId);
                return;
            }

            if (ApprovalRules.Check(approval, s.Now, command.CurrentPrice ?? _prices.Get(approval.Symbol)) is { } refused)
            {
                var status = refused.Code == ErrorCodes.ApprovalExpired ? ApprovalStatus.Expired : ApprovalStatus.Denied;
                await FinishApprovalAsync(s, approval, status, command.DecidedBy, refused.Code, refused.Reason, command.CorrelationId);
                return;
            }

            var decision = await DecideWithAccountAsync(s, signal, approval.ApprovalId);
            if (decision.Kind == DecisionKind.Approved)
            {
                await _store.UpdateApprovalAsync(s.Connection, s.Transaction, approval.ApprovalId, ApprovalStatus.Approved, s.Now, command.DecidedBy, null, command.Reason);
                s.Events.Add(Decided(approval, s.Now, true, command.DecidedBy, null, command.Reason ?? "approved", command.CorrelationId));
                await ApplyAsync(s, signal, decision);
            }
            else
            {
                var denied = decision.Denied!;
                await FinishApprovalAsync(s, approval, ApprovalStatus.Denied, command.DecidedBy, denied.ErrorCode, "re-check on approval: " + denied.Reason, command.CorrelationId);
            }
        },
        null,
        ct);

    /// <summary>Housekeeping only: pause expiry, ramp roll-over, approval expiry. Safe to call at any time.</summary>
    public Task<IReadOnlyList<ICypherMessage>> TickAsync(CancellationToken ct = default) => RunAsync(null, null, _ => Task.CompletedTask, null, ct);

    public async Task<IReadOnlyList<PendingApproval>> ListApprovalsAsync(ApprovalStatus? status = ApprovalStatus.Pending, CancellationToken ct = default)
    {
        await using var c = await _db.OpenAsync(ct);
        return await _store.ListApprovalsAsync(c, null, status);
    }

    /// <summary>Read-only view (nothing is changed or published).</summary>
    public async Task<RiskStatus> GetStatusAsync(CancellationToken ct = default)
    {
        var now = _time.GetUtcNow();
        await using var c = await _db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var state = await _store.LoadStateAsync(c, tx, forUpdate: false) ?? NewState(now);
        var account = await _store.LoadAccountAsync(c, tx);
        var day = await _store.GetDayAsync(c, tx, DateOnly.FromDateTime(now.UtcDateTime));
        var pending = (await _store.ListApprovalsAsync(c, tx, ApprovalStatus.Pending)).Count(a => a.ExpiresAt > now);
        await tx.RollbackAsync(ct);
        var effective = state.State == TradingState.Paused && state.PausedUntil <= now ? TradingState.Active : state.State;
        var tripped = new List<string>();
        if (state.DrawdownTripped)
        {
            tripped.Add(CircuitBreakers.Drawdown);
        }

        if (state.ApiErrorsTripped)
        {
            tripped.Add(CircuitBreakers.ApiErrors);
        }

        if (effective == TradingState.Paused)
        {
            tripped.Add(CircuitBreakers.ConsecutiveLosses);
        }

        if (state.WinRateAlertActive)
        {
            tripped.Add(CircuitBreakers.WinRate);
        }

        if (state.DrawdownWarningActive)
        {
            tripped.Add(CircuitBreakers.DrawdownWarning);
        }

        return new RiskStatus(effective, state.StateReason, effective == TradingState.Paused ? state.PausedUntil : null, state.StateChangedAt,
            state.StateChangedBy, state.Profile, state.RampDay, state.HighWaterMark, state.LastEquity, CircuitBreakers.DrawdownOf(state),
            state.ConsecutiveLosses, tripped, day.Entries, pending, RiskLimits.Resolve(_options, state.Profile, state.RampDay), account?.At);
    }

    private async Task ApplyAsync(Session s, SignalGenerated signal, RiskDecision decision)
    {
        if (decision.Approved is { } approved && !approved.ReduceOnly)
        {
            await _store.BumpDayAsync(s.Connection, s.Transaction, s.Today, "entries");
            await _store.AddReservationAsync(s.Connection, s.Transaction, signal.SignalId, approved.Symbol, approved.InitialMargin, s.Now, approved.ExpiresAt);
        }

        var code = (decision.Message as OrderDenied)?.ErrorCode;
        await _store.SaveDecisionAsync(s.Connection, s.Transaction, signal.SignalId, signal.Symbol ?? string.Empty, decision.Kind, decision.Message, code, s.Now);
        s.Events.Add(decision.Message);
    }

    private async Task FinishApprovalAsync(Session s, PendingApproval approval, ApprovalStatus status, string by, string code, string reason, Guid correlationId)
    {
        await _store.UpdateApprovalAsync(s.Connection, s.Transaction, approval.ApprovalId, status, s.Now, by, code, reason);
        s.Events.Add(Decided(approval, s.Now, false, by, code, reason, correlationId));
        var denied = RiskDecider.Deny(approval.Signal, new RiskContext
        {
            State = s.State,
            Account = null,
            Limits = s.Limits,
            Policy = _policy,
            Now = s.Now,
            EntriesToday = 0,
        }, code, reason, SymbolCanonicalizer.TryParse(approval.Symbol, out var sym, out _) ? sym : null);
        await _store.SaveDecisionAsync(s.Connection, s.Transaction, approval.SignalId, approval.Symbol, DecisionKind.Denied, denied.Message, code, s.Now);
        s.Events.Add(denied.Message);
    }

    private static ApprovalDecided Decided(PendingApproval a, DateTimeOffset now, bool approved, string by, string? code, string reason, Guid correlationId) => new()
    {
        ApprovalId = a.ApprovalId,
        CorrelationId = correlationId == Guid.Empty ? a.Signal.CorrelationId : correlationId,
        OccurredAt = now,
        Symbol = a.Symbol,
        Approved = approved,
        DecidedBy = by,
        ErrorCode = code,
        Reason = reason,
    };

    private RiskState NewState(DateTimeOffset now)
    {
        var profile = ConfiguredProfile;
        return new RiskState
        {
            Profile = profile,
            ConfiguredProfile = profile,
            RampDay = RiskProfiles.FirstRampDay(profile),
            StateChangedAt = now,
            RampEvaluatedDay = DateOnly.FromDateTime(now.UtcDateTime),
        };
    }

    /// <summary>The decision for a signal against the stored account, reserved margin and today's entries (approvalId: a human approved it).</summary>
    private async Task<RiskDecision> DecideWithAccountAsync(Session s, SignalGenerated signal, Guid? approvalId)
    {
        var account = await _store.LoadAccountAsync(s.Connection, s.Transaction);
        var reserved = await _store.ReservedMarginAsync(s.Connection, s.Transaction, s.Now, account);
        var today = await _store.GetDayAsync(s.Connection, s.Transaction, s.Today);
        return RiskDecider.Decide(signal, new RiskContext
        {
            State = s.State,
            Account = account,
            Limits = s.Limits,
            Policy = _policy,
            Now = s.Now,
            EntriesToday = today.Entries,
            ReservedMargin = reserved,
            ApprovedByHuman = approvalId is not null,
            ApprovalId = approvalId,
        });
    }

    private async Task<IReadOnlyList<ICypherMessage>> RunAsync(
        string? inboxConsumer,
        string? inboxKey,
        Func<Session, Task> work,
        Func<DbConnection, DbTransaction, Task<IReadOnlyList<ICypherMessage>>>? onDuplicate,
        CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var (connection, transaction) = await _db.BeginAsync(ct);
            await using var c = connection;
            await using var tx = transaction;
            var now = _time.GetUtcNow();
            if (inboxConsumer is not null && inboxKey is not null && !await Inbox.TryAcceptAsync(c, tx, inboxConsumer, inboxKey, now))
            {
                var again = onDuplicate is null ? [] : await onDuplicate(c, tx);
                await tx.CommitAsync(ct);
                return again;
            }

            var loaded = await _store.LoadStateAsync(c, tx);
            var state = loaded ?? NewState(now);
            var session = new Session(c, tx, state, now);
            await PrepareAsync(session, isNew: loaded is null);
            session.Limits = RiskLimits.Resolve(_options, state.Profile, state.RampDay);
            await work(session);
            var trips = session.Events.OfType<CircuitBreakerTripped>().Count(t => t.Action is "halted" or "paused");
            if (trips > 0)
            {
                await _store.BumpDayAsync(c, tx, session.Today, "breaker_trips", trips);
            }

            await _store.SaveStateAsync(c, tx, state, now);
            await tx.CommitAsync(ct);
            return session.Events;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Configuration changes, pause expiry, ramp roll-over and approval expiry: everything time or config drives.</summary>
    private async Task PrepareAsync(Session s, bool isNew)
    {
        var state = s.State;
        var configured = ConfiguredProfile;
        if (state.ConfiguredProfile != configured)
        {
            var from = state.Profile;
            state.ConfiguredProfile = configured;
            state.Profile = configured;
            state.RampDay = RiskProfiles.FirstRampDay(configured);
            if (!isNew)
            {
                s.Events.Add(new RiskProfileChanged { CorrelationId = Guid.NewGuid(), OccurredAt = s.Now, FromProfile = from, ToProfile = configured, ChangedBy = "configuration", Reason = "the configured profile changed" });
            }
        }

        var housekeeping = Guid.Empty;
        TradingStateMachine.Expire(state, s.Now, housekeeping, s.Events);

        if (state.RampEvaluatedDay is { } last && last < s.Today)
        {
            var days = new Dictionary<DateOnly, DayHealth>();
            for (var d = last; d < s.Today; d = d.AddDays(1))
            {
                if (s.Today.DayNumber - d.DayNumber <= RampPolicy.MaxDaysPerRoll)
                {
                    days[d] = await _store.GetDayAsync(s.Connection, s.Transaction, d);
                }
            }

            RampPolicy.Roll(state, s.Today, d => days.GetValueOrDefault(d) ?? DayHealth.Empty(d), _options.RampEnabled, _options.WinRateBaseline, s.Now, housekeeping, s.Events);
        }
        else
        {
            state.RampEvaluatedDay ??= s.Today;
        }

        s.Limits = RiskLimits.Resolve(_options, state.Profile, state.RampDay);
        foreach (var approval in await _store.ListApprovalsAsync(s.Connection, s.Transaction, ApprovalStatus.Pending))
        {
            if (s.Now >= approval.ExpiresAt)
            {
                await FinishApprovalAsync(s, approval, ApprovalStatus.Expired, TradingStateMachine.System, ErrorCodes.ApprovalExpired,
                    $"nobody decided before {approval.ExpiresAt:O}", approval.Signal.CorrelationId);
            }
        }
    }

    private sealed class Session(DbConnection connection, DbTransaction transaction, RiskState state, DateTimeOffset now)
    {
        public DbConnection Connection { get; } = connection;
        public DbTransaction Transaction { get; } = transaction;
        public RiskState State { get; } = state;
        public DateTimeOffset Now { get; } = now;
        public DateOnly Today { get; } = DateOnly.FromDateTime(now.UtcDateTime);
        public List<ICypherMessage> Events { get; } = [];
        public RiskLimits Limits { get; set; } = null!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal {SignalId} ({Symbol}) decided: {Kind} {ErrorCode}")]
    private static partial void LogDecision(ILogger logger, Guid signalId, string symbol, DecisionKind kind, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal {SignalId} delivered again; re-publishing the stored decision")]
    private static partial void LogDuplicate(ILogger logger, Guid signalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring an account snapshot from {SnapshotMode} mode while trading in {Mode} mode")]
    private static partial void LogModeMismatch(ILogger logger, TradingMode snapshotMode, TradingMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown risk profile {Profile} requested; profile unchanged")]
    private static partial void LogUnknownProfile(ILogger logger, string profile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decision for unknown approval {ApprovalId} ignored")]
    private static partial void LogUnknownApproval(ILogger logger, Guid approvalId);
}
