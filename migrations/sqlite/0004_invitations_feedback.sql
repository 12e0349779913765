-- Read models of invitations and feedback; their projections start from the first event.
INSERT INTO projection_checkpoints (name, tx, pos)
VALUES ('invitations', 0, 0), ('feedback', 0, 0);

CREATE TABLE invitation_view
(
    id               TEXT PRIMARY KEY,
    event_id         TEXT   NOT NULL,
    inviter_id       TEXT   NOT NULL,
    inviter_username TEXT   NOT NULL,
    invitee_id       TEXT   NOT NULL,
    invitee_username TEXT   NOT NULL,
    status           TEXT   NOT NULL,
    sent_at          INTEGER NOT NULL,
    responded_at     INTEGER
);

CREATE INDEX invitation_view_event ON invitation_view (event_id, sent_at);
CREATE INDEX invitation_view_invitee ON invitation_view (invitee_id, sent_at);

CREATE TABLE feedback_view
(
    id         TEXT PRIMARY KEY,
    event_id   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    username   TEXT   NOT NULL,
    rating     INTEGER NOT NULL,
    comment    TEXT   NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX feedback_view_event ON feedback_view (event_id, created_at);
CREATE INDEX feedback_view_user ON feedback_view (user_id);

-- The creation throttle counts a user's recent event_created entries.
CREATE INDEX activity_log_actor ON activity_log (actor_id, type, timestamp);
