-- The AccountSnapshot counter: snapshots are numbered in the order they were taken (Risk keeps the newest).
CREATE TABLE IF NOT EXISTS snapshot_sequence (
    id     INTEGER NOT NULL PRIMARY KEY,
    value  BIGINT  NOT NULL
);
INSERT INTO snapshot_sequence (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
