-- Email: what each user chose to be mailed, and the outbox the sender delivers from.

-- 1 = the user receives that kind of message (the default). Guests, who have no account,
-- always receive their own confirmation and ticket.
ALTER TABLE users ADD COLUMN email_invitations BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN email_promotions BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN email_changes BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN email_reminders BIGINT NOT NULL DEFAULT 1;

-- The email projection starts where the members projection has got to (on a new store:
-- at the start), with the seats that projection shows: upgrading a store mails nobody about
-- its past, and those seated before the upgrade hear of what changes after it.
INSERT INTO projection_checkpoints (name, tx, pos)
SELECT 'email', tx, pos FROM projection_checkpoints WHERE name = 'members';

-- Who holds a seat in each event: kept by the email projection itself, so that its fold
-- never reads another read model in the middle of a batch.
CREATE TABLE email_audience
(
    event_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

INSERT INTO email_audience (event_id, user_id)
SELECT event_id, user_id FROM member_view WHERE status = 'member';

-- Not a read model: `rebuild` and `verify` leave it alone, since a replay would send every
-- message again. The projection adds a row per message and fact; the sender claims, sends
-- and marks it. `recipient` is a user id (`recipient_kind` 'user': the address and the
-- user's preferences are read when it is sent) or, for guests, an address ('address').
CREATE TABLE email_outbox
(
    event_id       TEXT    NOT NULL,
    sequence       BIGINT  NOT NULL,
    recipient      TEXT    NOT NULL,
    recipient_kind TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    -- pending, sent, skipped (no such account, or the user turned that kind off), failed
    status         TEXT    NOT NULL DEFAULT 'pending',
    attempts       BIGINT  NOT NULL DEFAULT 0,
    -- when the sender may take it (again): a claim moves it past the claim's lease
    due_at         BIGINT  NOT NULL DEFAULT 0,
    -- microseconds since the epoch, when the projector wrote it: retries end 24 hours later
    created_at     BIGINT  NOT NULL DEFAULT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint,
    finished_at    BIGINT,
    last_error     TEXT,
    PRIMARY KEY (event_id, sequence, recipient)
);

CREATE INDEX email_outbox_due ON email_outbox (due_at) WHERE status = 'pending';
