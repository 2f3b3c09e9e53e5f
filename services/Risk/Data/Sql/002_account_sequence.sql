-- The Executor numbers its account snapshots; of two with the same time, the higher number is the newer.
ALTER TABLE account_snapshot ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
