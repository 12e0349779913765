-- Guests sit in member_view under their guest id, with the address they registered
-- (NULL for users), so guests and users are listed, counted and promoted as one line.
ALTER TABLE member_view ADD COLUMN guest_email TEXT;

-- The guest throttle's ledger: one row per registration attempt, by scope (`email` or
-- `ip`) and subject, counted over the last hour under a per-subject lock like
-- creation_slots. Not a read model: never rebuilt.
CREATE TABLE guest_slots
(
    scope    TEXT   NOT NULL,
    subject  TEXT   NOT NULL,
    taken_at INTEGER NOT NULL
);

CREATE INDEX guest_slots_subject ON guest_slots (scope, subject, taken_at);

-- A seated guest hears of the event's changes at the address they registered (NULL for
-- users, whose address is read when a message is sent).
ALTER TABLE email_audience ADD COLUMN address TEXT;
