using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Persistence;
using CypherScoping.Risk.Domain;
using Dapper;

namespace CypherScoping.Risk.Data;

/// <summary>Dapper access to the risk schema. Every method runs inside the caller's transaction.</summary>
public sealed class RiskStore(SqlDialect dialect)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SqlDialect Dialect { get; } = dialect;

    public async Task<RiskState?> LoadStateAsync(DbConnection c, DbTransaction tx, bool forUpdate = true)
    {
        var sql = "SELECT * FROM risk_state WHERE id = 1" + (forUpdate && Dialect == SqlDialect.Postgres ? " FOR UPDATE" : string.Empty);
        var row = await c.QuerySingleOrDefaultAsync<StateRow>(sql, transaction: tx);
        if (row is null)
        {
            return null;
        }

        return new RiskState
        {
            State = Enum.Parse<TradingState>(row.trading_state),
            StateReason = row.state_reason,
            PausedUntil = row.paused_until is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null,
            StateChangedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.state_changed_at),
            StateChangedBy = row.state_changed_by,
            Profile = row.profile,
            ConfiguredProfile = row.configured_profile,
            RampDay = (int)row.ramp_day,
            RampEvaluatedDay = row.ramp_evaluated_day is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            HighWaterMark = ParseDecimal(row.high_water_mark),
            LastEquity = ParseDecimal(row.last_equity),
            ConsecutiveLosses = (int)row.consecutive_losses,
            DrawdownTripped = row.drawdown_tripped,
            DrawdownWarningActive = row.drawdown_warning_active,
            ApiErrorsTripped = row.api_errors_tripped,
            WinRateAlertActive = row.win_rate_alert_active,
            ApiErrorTimes = JsonSerializer.Deserialize<List<long>>(row.api_error_times, Json)!.Select(DateTimeOffset.FromUnixTimeMilliseconds).ToList(),
            RecentOutcomes = JsonSerializer.Deserialize<List<bool>>(row.recent_outcomes, Json)!,
        };
    }

    public Task SaveStateAsync(DbConnection c, DbTransaction tx, RiskState s, DateTimeOffset now) => c.ExecuteAsync(
        """
        INSERT INTO risk_state (id, trading_state, state_reason, paused_until, state_changed_at, state_changed_by, profile, configured_profile,
            ramp_day, ramp_evaluated_day, high_water_mark, last_equity, consecutive_losses, drawdown_tripped, drawdown_warning_active,
            api_errors_tripped, win_rate_alert_active, api_error_times, recent_outcomes, updated_at)
        VALUES (1, @State, @Reason, @PausedUntil, @ChangedAt, @ChangedBy, @Profile, @ConfiguredProfile, @RampDay, @RampEvaluatedDay, @Hwm,
            @LastEquity, @Losses, @DrawdownTripped, @DrawdownWarning, @ApiTripped, @WinRateAlert, @ApiErrors, @Outcomes, @Now)
        ON CONFLICT (id) DO UPDATE SET trading_state = excluded.trading_state, state_reason = excluded.state_reason,
            paused_until = excluded.paused_until, state_changed_at = excluded.state_changed_at, state_changed_by = excluded.state_changed_by,
            profile = excluded.profile, configured_profile = excluded.configured_profile, ramp_day = excluded.ramp_day,
            ramp_evaluated_day = excluded.ramp_evaluated_day, high_water_mark = excluded.high_water_mark, last_equity = excluded.last_equity,
            consecutive_losses = excluded.consecutive_losses, drawdown_tripped = excluded.drawdown_tripped,
            drawdown_warning_active = excluded.drawdown_warning_active, api_errors_tripped = excluded.api_errors_tripped,
            win_rate_alert_active = excluded.win_rate_alert_active, api_error_times = excluded.api_error_times,
            recent_outcomes = excluded.recent_outcomes, updated_at = excluded.updated_at
        """,
        new
        {
            State = s.State.ToString(),
            Reason = s.StateReason,
            PausedUntil = s.PausedUntil?.ToUnixTimeMilliseconds(),
            ChangedAt = s.StateChangedAt.ToUnixTimeMilliseconds(),
            ChangedBy = s.StateChangedBy,
            s.Profile,
            s.ConfiguredProfile,
            s.RampDay,
            RampEvaluatedDay = s.RampEvaluatedDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Hwm = s.HighWaterMark,
            s.LastEquity,
            Losses = s.ConsecutiveLosses,
            s.DrawdownTripped,
            DrawdownWarning = s.DrawdownWarningActive,
            ApiTripped = s.ApiErrorsTripped,
            WinRateAlert = s.WinRateAlertActive,
            ApiErrors = JsonSerializer.Serialize(s.ApiErrorTimes.Select(t => t.ToUnixTimeMilliseconds()), Json),
            Outcomes = JsonSerializer.Serialize(s.RecentOutcomes, Json),
            Now = now.ToUnixTimeMilliseconds(),
        },
        tx);

    public async Task<AccountView?> LoadAccountAsync(DbConnection c, DbTransaction? tx)
    {
        var row = await c.QuerySingleOrDefaultAsync<AccountRow>("SELECT equity, positions, occurred_at FROM account_snapshot WHERE id = 1", transaction: tx);
        return row is null
            ? null
            : new AccountView(
                ParseDecimal(row.equity)!.Value,
                JsonSerializer.Deserialize<List<PositionSnapshot>>(row.positions, Json)!,
                DateTimeOffset.FromUnixTimeMilliseconds(row.occurred_at));
    }

    /// <summary>Store the snapshot unless a newer one is already there; true when stored.</summary>
    /// <summary>
    /// Keep the newest snapshot: a later time wins; at the same time the higher Executor sequence wins (two published
    /// together can arrive swapped); an unnumbered one (sequence 0) is ordered by time alone. False: it was older.
    /// </summary>
    public async Task<bool> SaveAccountAsync(DbConnection c, DbTransaction tx, AccountView account, long sequence, DateTimeOffset now) => await c.ExecuteAsync(
        """
        INSERT INTO account_snapshot (id, equity, positions, occurred_at, received_at, sequence) VALUES (1, @Equity, @Positions, @At, @Now, @Sequence)
        ON CONFLICT (id) DO UPDATE SET equity = excluded.equity, positions = excluded.positions, occurred_at = excluded.occurred_at,
            received_at = excluded.received_at, sequence = excluded.sequence
        WHERE account_snapshot.occurred_at < excluded.occurred_at
           OR (account_snapshot.occurred_at = excluded.occurred_at AND (excluded.sequence = 0 OR account_snapshot.sequence <= excluded.sequence))
        """,
        new
        {
            account.Equity,
            Positions = JsonSerializer.Serialize(account.Positions, Json),
            At = account.At.ToUnixTimeMilliseconds(),
            Now = now.ToUnixTimeMilliseconds(),
            Sequence = sequence,
        },
        tx) == 1;

    public async Task<ICypherMessage?> GetDecisionAsync(DbConnection c, DbTransaction? tx, Guid signalId)
    {
        var row = await c.QuerySingleOrDefaultAsync<(string Kind, string Payload)>(
            "SELECT kind, payload FROM decisions WHERE signal_id = @Id", new { Id = signalId.ToString("D") }, tx);
        return row.Kind switch
        {
            nameof(DecisionKind.Approved) => JsonSerializer.Deserialize<OrderApproved>(row.Payload, Json),
            nameof(DecisionKind.Denied) => JsonSerializer.Deserialize<OrderDenied>(row.Payload, Json),
            nameof(DecisionKind.ApprovalRequested) => JsonSerializer.Deserialize<ApprovalRequested>(row.Payload, Json),
            _ => null,
        };
    }

    public Task SaveDecisionAsync(DbConnection c, DbTransaction tx, Guid signalId, string symbol, DecisionKind kind, ICypherMessage message, string? errorCode, DateTimeOffset now) =>
        c.ExecuteAsync(
            """
            INSERT INTO decisions (signal_id, kind, symbol, error_code, payload, decided_at) VALUES (@Id, @Kind, @Symbol, @Code, @Payload, @Now)
            ON CONFLICT (signal_id) DO UPDATE SET kind = excluded.kind, error_code = excluded.error_code, payload = excluded.payload, decided_at = excluded.decided_at
            """,
            new
            {
                Id = signalId.ToString("D"),
                Kind = kind.ToString(),
                Symbol = symbol,
                Code = errorCode,
                Payload = JsonSerializer.Serialize(message, message.GetType(), Json),
                Now = now.ToUnixTimeMilliseconds(),
            },
            tx);

    public async Task<int> CountDecisionsAsync(DbConnection c, Guid signalId) =>
        await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM decisions WHERE signal_id = @Id", new { Id = signalId.ToString("D") });

    public Task InsertApprovalAsync(DbConnection c, DbTransaction tx, PendingApproval a) => c.ExecuteAsync(
        """
        INSERT INTO approvals (approval_id, signal_id, symbol, status, requested_price, band_percent, notional, requested_at, expires_at, signal)
        VALUES (@Id, @SignalId, @Symbol, @Status, @Price, @Band, @Notional, @RequestedAt, @ExpiresAt, @Signal)
        ON CONFLICT (approval_id) DO NOTHING
        """,
        new
        {
            Id = a.ApprovalId.ToString("D"),
            SignalId = a.SignalId.ToString("D"),
            a.Symbol,
            Status = a.Status.ToString(),
            Price = a.RequestedPrice,
            Band = a.BandPercent,
            a.Notional,
            RequestedAt = a.RequestedAt.ToUnixTimeMilliseconds(),
            ExpiresAt = a.ExpiresAt.ToUnixTimeMilliseconds(),
            Signal = JsonSerializer.Serialize(a.Signal, Json),
        },
        tx);

    public Task UpdateApprovalAsync(DbConnection c, DbTransaction tx, Guid approvalId, ApprovalStatus status, DateTimeOffset at, string by, string? code, string? reason) =>
        c.ExecuteAsync(
            "UPDATE approvals SET status = @Status, decided_at = @At, decided_by = @By, error_code = @Code, reason = @Reason WHERE approval_id = @Id",
            new { Id = approvalId.ToString("D"), Status = status.ToString(), At = at.ToUnixTimeMilliseconds(), By = by, Code = code, Reason = reason },
            tx);

    public async Task<PendingApproval?> GetApprovalAsync(DbConnection c, DbTransaction? tx, Guid approvalId) =>
        (await c.QueryAsync<ApprovalRow>("SELECT * FROM approvals WHERE approval_id = @Id", new { Id = approvalId.ToString("D") }, tx))
        .Select(ToApproval).FirstOrDefault();

    public async Task<IReadOnlyList<PendingApproval>> ListApprovalsAsync(DbConnection c, DbTransaction? tx, ApprovalStatus? status)
    {
        var sql = "SELECT * FROM approvals" + (status is null ? string.Empty : " WHERE status = @Status") + " ORDER BY requested_at, approval_id";
        return (await c.QueryAsync<ApprovalRow>(sql, new { Status = status?.ToString() }, tx)).Select(ToApproval).ToList();
    }

    public Task AddReservationAsync(DbConnection c, DbTransaction tx, Guid signalId, string symbol, decimal margin, DateTimeOffset approvedAt, DateTimeOffset expiresAt) =>
        c.ExecuteAsync(
            "INSERT INTO reservations (signal_id, symbol, margin, approved_at, expires_at) VALUES (@Id, @Symbol, @Margin, @At, @Expires) ON CONFLICT (signal_id) DO NOTHING",
            new { Id = signalId.ToString("D"), Symbol = symbol, Margin = margin, At = approvedAt.ToUnixTimeMilliseconds(), Expires = expiresAt.ToUnixTimeMilliseconds() },
            tx);

    /// <summary>Drop reservations that expired or that the account snapshot now shows as positions; sum the rest.</summary>
    public async Task<decimal> ReservedMarginAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, AccountView? account)
    {
        await c.ExecuteAsync("DELETE FROM reservations WHERE expires_at <= @Now", new { Now = now.ToUnixTimeMilliseconds() }, tx);
        var rows = (await c.QueryAsync<ReservationRow>("SELECT signal_id, symbol, margin, approved_at FROM reservations", transaction: tx)).ToList();
        var total = 0m;
        foreach (var row in rows)
        {
            var visible = account is not null && account.At.ToUnixTimeMilliseconds() >= row.approved_at &&
                          account.Positions.Any(p => string.Equals(p.Symbol, row.symbol, StringComparison.OrdinalIgnoreCase));
            if (visible)
            {
                await c.ExecuteAsync("DELETE FROM reservations WHERE signal_id = @Id", new { Id = row.signal_id }, tx);
            }
            else
            {
                total += ParseDecimal(row.margin) ?? 0m;
            }
        }

        return total;
    }

    public static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Add to one day's counters (column is one of entries, wins, losses, breaker_trips, exchange_errors).</summary>
    public Task BumpDayAsync(DbConnection c, DbTransaction tx, DateOnly day, string column, int by = 1)
    {
        if (column is not ("entries" or "wins" or "losses" or "breaker_trips" or "exchange_errors"))
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, "unknown daily counter");
        }

        return c.ExecuteAsync(
            $"""
            INSERT INTO daily_stats (day, entries, wins, losses, breaker_trips, exchange_errors) VALUES (@Day, 0, 0, 0, 0, 0) ON CONFLICT (day) DO NOTHING;
            UPDATE daily_stats SET {column} = {column} + @By WHERE day = @Day;
            """,
            new { Day = DayKey(day), By = by },
            tx);
    }

    public async Task<DayHealth> GetDayAsync(DbConnection c, DbTransaction? tx, DateOnly day)
    {
        var row = await c.QuerySingleOrDefaultAsync<DayRow>("SELECT * FROM daily_stats WHERE day = @Day", new { Day = DayKey(day) }, tx);
        return row is null
            ? DayHealth.Empty(day)
            : new DayHealth(day, (int)row.entries, (int)row.wins, (int)row.losses, (int)row.breaker_trips, (int)row.exchange_errors);
    }

    private static PendingApproval ToApproval(ApprovalRow r) => new()
    {
        ApprovalId = Guid.Parse(r.approval_id),
        SignalId = Guid.Parse(r.signal_id),
        Symbol = r.symbol,
        Status = Enum.Parse<ApprovalStatus>(r.status),
        RequestedPrice = ParseDecimal(r.requested_price)!.Value,
        BandPercent = ParseDecimal(r.band_percent)!.Value,
        Notional = ParseDecimal(r.notional)!.Value,
        RequestedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.requested_at),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.expires_at),
        Signal = JsonSerializer.Deserialize<SignalGenerated>(r.signal, Json)!,
        DecidedAt = r.decided_at is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
        DecidedBy = r.decided_by,
        ErrorCode = r.error_code,
        Reason = r.reason,
    };

    private static decimal? ParseDecimal(object? value) => value switch
    {
        null or DBNull => null,
        decimal d => d,
        string s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
    };

#pragma warning disable IDE1006, CA1812, SA1300 // rows mirror column names
    private sealed class StateRow
    {
        public string trading_state { get; set; } = "";
        public string state_reason { get; set; } = "";
        public long? paused_until { get; set; }
        public long state_changed_at { get; set; }
        public string state_changed_by { get; set; } = "";
        public string profile { get; set; } = "";
        public string? configured_profile { get; set; }
        public long ramp_day { get; set; }
        public string? ramp_evaluated_day { get; set; }
        public object? high_water_mark { get; set; }
        public object? last_equity { get; set; }
        public long consecutive_losses { get; set; }
        public bool drawdown_tripped { get; set; }
        public bool drawdown_warning_active { get; set; }
        public bool api_errors_tripped { get; set; }
        public bool win_rate_alert_active { get; set; }
        public string api_error_times { get; set; } = "[]";
        public string recent_outcomes { get; set; } = "[]";
    }

    private sealed class AccountRow
    {
        public object equity { get; set; } = 0m;
        public string positions { get; set; } = "[]";
        public long occurred_at { get; set; }
    }

    private sealed class ApprovalRow
    {
        public string approval_id { get; set; } = "";
        public string signal_id { get; set; } = "";
        public string symbol { get; set; } = "";
        public string status { get; set; } = "";
        public object requested_price { get; set; } = 0m;
        public object band_percent { get; set; } = 0m;
        public object notional { get; set; } = 0m;
        public long requested_at { get; set; }
        public long expires_at { get; set; }
        public string signal { get; set; } = "";
        public long? decided_at { get; set; }
        public string? decided_by { get; set; }
        public string? error_code { get; set; }
        public string? reason { get; set; }
    }

    private sealed class ReservationRow
    {
        public string signal_id { get; set; } = "";
        public string symbol { get; set; } = "";
        public object margin { get; set; } = 0m;
        public long approved_at { get; set; }
    }

    private sealed class DayRow
    {
        public string day { get; set; } = "";
        public long entries { get; set; }
        public long wins { get; set; }
        public long losses { get; set; }
        public long breaker_trips { get; set; }
        public long exchange_errors { get; set; }
    }
#pragma warning restore IDE1006, CA1812, SA1300
}
