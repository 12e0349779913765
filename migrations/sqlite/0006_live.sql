-- Per-user notifications, a read model like the others: its projection starts from the
-- first event, so existing histories get their notifications too.
INSERT INTO projection_checkpoints (name, tx, pos)
VALUES ('notifications', 0, 0);

-- One row per user and fact. `id` is derived from the fact (its event and sequence), so a
-- rebuild gives every notification the same id again.
CREATE TABLE notification_view
(
    id             TEXT   NOT NULL,
    user_id        TEXT   NOT NULL,
    event_id       TEXT   NOT NULL,
    kind           TEXT   NOT NULL,
    actor_id       TEXT   NOT NULL,
    actor_username TEXT   NOT NULL,
    detail         TEXT   NOT NULL,
    tx             BIGINT NOT NULL,
    pos            BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, id)
);

CREATE INDEX notification_view_user ON notification_view (user_id, tx, pos);
CREATE INDEX notification_view_order ON notification_view (tx, pos);

-- Who hears of an event's changes: its creator ('creator'), the users in its seats
-- ('member') and on its waitlist ('waitlist'); kept after the event is deleted, for the
-- calendar's cancelled entries. Kept by the notifications projection itself, so its folds never read another read model
-- in the middle of a batch.
CREATE TABLE notification_audience
(
    event_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    role     TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);

-- Not a read model: what users marked as read, written by their requests and never
-- rebuilt. Rows point at notifications by their derived ids, which a rebuild keeps.
CREATE TABLE notification_reads
(
    user_id         TEXT   NOT NULL,
    notification_id TEXT   NOT NULL,
    read_at         BIGINT NOT NULL,
    PRIMARY KEY (user_id, notification_id)
);

-- Not a read model: each user's calendar subscription token (only its SHA-256 is kept), for
-- `GET /api/calendar/{token}.ics`, where calendar apps can send no header.
CREATE TABLE calendar_tokens
(
    user_id    TEXT PRIMARY KEY,
    token_hash TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
