-- Delivery attempts per queue row: failed critical alerts are queued again for a bounded number of rounds.
ALTER TABLE alert_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
