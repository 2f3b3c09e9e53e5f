-- De-duplication windows: one row per alert key. Suppressed repeats are counted here and sent later as one message.
CREATE TABLE IF NOT EXISTS alert_dedup (
    alert_key     TEXT    NOT NULL PRIMARY KEY,
    window_start  BIGINT  NOT NULL,
    suppressed    INTEGER NOT NULL,
    severity      INTEGER NOT NULL,
    last_payload  TEXT    NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- One row per (alert, channel): the delivery queue and its history. status: pending, sent, failed, folded, summarized.
-- Sent rows in the last minute are the channel's rate budget; folded rows wait for the next summary.
CREATE TABLE IF NOT EXISTS alert_outbox (
    id            {autoid},
    alert_id      TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    severity      INTEGER NOT NULL,
    alert_key     TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    item_count    INTEGER NOT NULL,
    created_at    BIGINT  NOT NULL,
    status        TEXT    NOT NULL,
    completed_at  BIGINT  NULL,
    error         TEXT    NULL,
    UNIQUE (alert_id, channel)
);

CREATE INDEX IF NOT EXISTS ix_alert_outbox_queue ON alert_outbox (channel, status, severity, id);
CREATE INDEX IF NOT EXISTS ix_alert_outbox_done ON alert_outbox (channel, status, completed_at);
