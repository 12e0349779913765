-- The first answer to a POST sent with an Idempotency-Key, per user and key. A row without
-- a status is a request still running: a retry waits for it instead of running twice.
CREATE TABLE idempotency_keys
(
    user_id     TEXT   NOT NULL,
    key         TEXT   NOT NULL,
    fingerprint TEXT   NOT NULL,
    status      BIGINT,
    headers     TEXT,
    body        TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
