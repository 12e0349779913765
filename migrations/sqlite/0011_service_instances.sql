-- The service processes that are alive: each rewrites its row every few seconds. A claimed
-- Idempotency-Key whose process has gone silent was abandoned, and nothing of it committed
-- (a committed command records its answer in the transaction of its facts), so a retry may
-- take the key over and run.
CREATE TABLE service_instances
(
    id      TEXT   NOT NULL PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

ALTER TABLE idempotency_keys ADD COLUMN claimed_by TEXT;
