-- Exchange errors seen, for the burst warning. In the database so a restart keeps counting, and keyed by message
-- so a redelivered error counts once. Rows older than the burst window are pruned as new errors arrive.
CREATE TABLE IF NOT EXISTS alert_exchange_errors (
    message_key   TEXT    NOT NULL PRIMARY KEY,
    occurred_at   BIGINT  NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_alert_exchange_errors_time ON alert_exchange_errors (occurred_at);
