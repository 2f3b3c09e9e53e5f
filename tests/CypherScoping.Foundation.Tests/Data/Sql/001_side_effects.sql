CREATE TABLE IF NOT EXISTS side_effects (
    id          {autoid},
    message_key TEXT NOT NULL,
    amount      {decimal} NOT NULL,
    created_at  BIGINT NOT NULL
);
