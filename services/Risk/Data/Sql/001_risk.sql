-- Risk's own tables (architecture §6). Times are BIGINT unix ms, decimals {decimal}, enums/guids TEXT.

-- One row (id = 1): trading state, profile and ramp, breaker state.
CREATE TABLE IF NOT EXISTS risk_state (
    id                        INTEGER   NOT NULL PRIMARY KEY,
    trading_state             TEXT      NOT NULL,
    state_reason              TEXT      NOT NULL,
    paused_until              BIGINT    NULL,
    state_changed_at          BIGINT    NOT NULL,
    state_changed_by          TEXT      NOT NULL,
    profile                   TEXT      NOT NULL,
    configured_profile        TEXT      NULL,
    ramp_day                  INTEGER   NOT NULL,
    ramp_evaluated_day        TEXT      NULL,
    high_water_mark           {decimal} NULL,
    last_equity               {decimal} NULL,
    consecutive_losses        INTEGER   NOT NULL,
    drawdown_tripped          BOOLEAN   NOT NULL,
    drawdown_warning_active   BOOLEAN   NOT NULL,
    api_errors_tripped        BOOLEAN   NOT NULL,
    win_rate_alert_active     BOOLEAN   NOT NULL,
    api_error_times           TEXT      NOT NULL,
    recent_outcomes           TEXT      NOT NULL,
    updated_at                BIGINT    NOT NULL
);

-- The latest AccountSnapshot (id = 1).
CREATE TABLE IF NOT EXISTS account_snapshot (
    id              INTEGER   NOT NULL PRIMARY KEY,
    equity          {decimal} NOT NULL,
    positions       TEXT      NOT NULL,
    occurred_at     BIGINT    NOT NULL,
    received_at     BIGINT    NOT NULL
);

-- One decision per signal; a second delivery re-publishes it.
CREATE TABLE IF NOT EXISTS decisions (
    signal_id       TEXT   NOT NULL PRIMARY KEY,
    kind            TEXT   NOT NULL,
    symbol          TEXT   NOT NULL,
    error_code      TEXT   NULL,
    payload         TEXT   NOT NULL,
    decided_at      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS approvals (
    approval_id     TEXT      NOT NULL PRIMARY KEY,
    signal_id       TEXT      NOT NULL UNIQUE,
    symbol          TEXT      NOT NULL,
    status          TEXT      NOT NULL,
    requested_price {decimal} NOT NULL,
    band_percent    {decimal} NOT NULL,
    notional        {decimal} NOT NULL,
    requested_at    BIGINT    NOT NULL,
    expires_at      BIGINT    NOT NULL,
    signal          TEXT      NOT NULL,
    decided_at      BIGINT    NULL,
    decided_by      TEXT      NULL,
    error_code      TEXT      NULL,
    reason          TEXT      NULL
);

-- Margin of approved entries not yet visible in an account snapshot (exposure must not race).
CREATE TABLE IF NOT EXISTS reservations (
    signal_id       TEXT      NOT NULL PRIMARY KEY,
    symbol          TEXT      NOT NULL,
    margin          {decimal} NOT NULL,
    approved_at     BIGINT    NOT NULL,
    expires_at      BIGINT    NOT NULL
);

-- Per UTC day: entries approved (daily cap), outcomes, breaker trips, exchange errors (ramp health).
CREATE TABLE IF NOT EXISTS daily_stats (
    day             TEXT    NOT NULL PRIMARY KEY,
    entries         INTEGER NOT NULL,
    wins            INTEGER NOT NULL,
    losses          INTEGER NOT NULL,
    breaker_trips   INTEGER NOT NULL,
    exchange_errors INTEGER NOT NULL
);
