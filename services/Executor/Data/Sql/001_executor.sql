-- The order ledger: one row per intent, keyed by the deterministic client order id (idempotency key).
-- status: reserved -> sent -> accepted | rejected | unknown -> filled | cancelled
CREATE TABLE IF NOT EXISTS order_intents (
    client_order_id    TEXT      NOT NULL PRIMARY KEY,
    signal_id          TEXT      NOT NULL,
    correlation_id     TEXT      NOT NULL,
    purpose            TEXT      NOT NULL,
    symbol             TEXT      NOT NULL,
    base_asset         TEXT      NOT NULL,
    position_side      TEXT      NOT NULL,
    side               TEXT      NOT NULL,
    order_type         TEXT      NOT NULL,
    size               {decimal} NOT NULL,
    limit_price        {decimal},
    entry_price        {decimal} NOT NULL,
    stop_loss          {decimal} NOT NULL,
    take_profit        {decimal} NOT NULL,
    leverage           INTEGER   NOT NULL,
    reduce_only        BOOLEAN   NOT NULL,
    risk_amount        {decimal} NOT NULL,
    status             TEXT      NOT NULL,
    exchange_order_id  TEXT,
    error_code         TEXT,
    reason             TEXT,
    filled_size        {decimal},
    fill_price         {decimal},
    fee                {decimal},
    created_at         BIGINT    NOT NULL,
    updated_at         BIGINT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_order_intents_status ON order_intents (status);

-- Second deliveries the ledger stopped (E_DUPLICATE_ORDER).
CREATE TABLE IF NOT EXISTS duplicate_blocks (
    id                 {autoid},
    client_order_id    TEXT   NOT NULL,
    existing_status    TEXT   NOT NULL,
    blocked_at         BIGINT NOT NULL
);

-- Positions as the Executor tracks them (one open row per symbol).
CREATE TABLE IF NOT EXISTS positions (
    position_id        TEXT      NOT NULL PRIMARY KEY,
    correlation_id     TEXT      NOT NULL,
    symbol             TEXT      NOT NULL,
    base_asset         TEXT      NOT NULL,
    side               TEXT      NOT NULL,
    size               {decimal} NOT NULL,
    multiplier         {decimal} NOT NULL,
    entry_price        {decimal} NOT NULL,
    stop_loss          {decimal} NOT NULL,
    take_profit        {decimal} NOT NULL,
    leverage           INTEGER   NOT NULL,
    initial_margin     {decimal} NOT NULL,
    risk_amount        {decimal} NOT NULL,
    fees               {decimal} NOT NULL,
    funding            {decimal} NOT NULL,
    exit_size          {decimal} NOT NULL,
    exit_value         {decimal} NOT NULL,
    realized_gross     {decimal} NOT NULL,
    status             TEXT      NOT NULL,
    exit_reason        TEXT,
    realized_pnl       {decimal},
    opened_at          BIGINT    NOT NULL,
    closed_at          BIGINT
);
CREATE INDEX IF NOT EXISTS ix_positions_status ON positions (status, symbol);

-- Every fill the Executor learnt about (entries, exits, triggered stops).
CREATE TABLE IF NOT EXISTS fills (
    trade_id           TEXT      NOT NULL PRIMARY KEY,
    order_id           TEXT      NOT NULL,
    client_order_id    TEXT,
    symbol             TEXT      NOT NULL,
    side               TEXT      NOT NULL,
    price              {decimal} NOT NULL,
    size               {decimal} NOT NULL,
    fee                {decimal} NOT NULL,
    liquidity          TEXT      NOT NULL,
    reason             TEXT      NOT NULL,
    traded_at          BIGINT    NOT NULL
);

-- The Executor's own copy of the trading state (from TradingStateChanged), persisted across restarts.
CREATE TABLE IF NOT EXISTS executor_state (
    key                TEXT   NOT NULL PRIMARY KEY,
    value              TEXT   NOT NULL,
    paused_until       BIGINT,
    updated_at         BIGINT NOT NULL
);
