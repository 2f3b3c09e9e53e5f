-- The append-only audit trail (architecture §10). seq is assigned by the single writer (it is part of the hash).
-- UPDATE/DELETE are refused by triggers that AuditSchema installs per dialect after the migrations.
CREATE TABLE IF NOT EXISTS audit_events (
    seq             BIGINT NOT NULL PRIMARY KEY,
    message_id      TEXT   NOT NULL UNIQUE,
    occurred_at     BIGINT NOT NULL,
    recorded_at     BIGINT NOT NULL,
    event_type      TEXT   NOT NULL,
    level           TEXT   NOT NULL,
    service         TEXT   NOT NULL,
    correlation_id  TEXT   NOT NULL,
    symbol          TEXT   NULL,
    base_asset      TEXT   NULL,
    error_code      TEXT   NULL,
    payload         TEXT   NOT NULL,
    prev_hash       TEXT   NOT NULL,
    hash            TEXT   NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_events_event_type ON audit_events (event_type, seq);
CREATE INDEX IF NOT EXISTS ix_audit_events_occurred_at ON audit_events (occurred_at);
