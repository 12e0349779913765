-- Accounts are not event-sourced: they are the service's own store of who may log in.
CREATE TABLE users
(
    id            TEXT PRIMARY KEY,
    username      TEXT   NOT NULL,
    -- the username lowercased: unique, so two names differing only in case cannot race
    username_key  TEXT   NOT NULL UNIQUE,
    email         TEXT   NOT NULL,
    first_name    TEXT   NOT NULL,
    last_name     TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    date_joined   BIGINT NOT NULL
);

-- Only hashes of refresh tokens are kept. Tokens of one login form a family: reusing a
-- rotated token revokes the family.
CREATE TABLE refresh_tokens
(
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

-- Access tokens revoked before they expire (logout), by their jti.
CREATE TABLE revoked_access_tokens
(
    jti        TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Values the service generates once and keeps, such as the JWT secret.
CREATE TABLE settings
(
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
