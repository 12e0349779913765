-- Read models, written only by the projector. Times are microseconds since the epoch.
CREATE TABLE projection_checkpoints
(
    name TEXT PRIMARY KEY,
    tx   INTEGER NOT NULL,
    pos  INTEGER NOT NULL
);

INSERT INTO projection_checkpoints (name, tx, pos)
VALUES ('events', 0, 0), ('members', 0, 0), ('activity', 0, 0);

CREATE TABLE event_view
(
    id               TEXT PRIMARY KEY,
    title            TEXT   NOT NULL,
    title_key        TEXT   NOT NULL,
    description      TEXT   NOT NULL,
    location         TEXT,
    location_key     TEXT,
    start_time       INTEGER NOT NULL,
    end_time         INTEGER,
    capacity         INTEGER NOT NULL,
    status           TEXT   NOT NULL,
    waitlist_enabled INTEGER NOT NULL,
    creator_id       TEXT   NOT NULL,
    creator_username TEXT   NOT NULL,
    members_count    INTEGER NOT NULL,
    waitlist_count   INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    deleted_at       INTEGER
);

CREATE INDEX event_view_start ON event_view (start_time, id);
CREATE INDEX event_view_created ON event_view (created_at, id);
CREATE INDEX event_view_creator ON event_view (creator_id);

CREATE TABLE member_view
(
    event_id  TEXT   NOT NULL,
    user_id   TEXT   NOT NULL,
    username  TEXT   NOT NULL,
    status    TEXT   NOT NULL,
    joined_at INTEGER NOT NULL,
    queue     INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

CREATE INDEX member_view_queue ON member_view (event_id, status, queue);
CREATE INDEX member_view_user ON member_view (user_id);

CREATE TABLE activity_log
(
    id             TEXT PRIMARY KEY,
    event_id       TEXT   NOT NULL,
    sequence       INTEGER NOT NULL,
    tx             INTEGER NOT NULL,
    pos            INTEGER NOT NULL,
    type           TEXT   NOT NULL,
    action         TEXT   NOT NULL,
    actor_id       TEXT   NOT NULL,
    actor_username TEXT   NOT NULL,
    metadata       TEXT   NOT NULL,
    timestamp      INTEGER NOT NULL
);

CREATE INDEX activity_log_event ON activity_log (event_id, tx, pos);
CREATE INDEX activity_log_order ON activity_log (tx, pos);
