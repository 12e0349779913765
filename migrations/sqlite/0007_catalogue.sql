-- Roles, administrators, categories, ticket types, tickets and series (issue 9).

-- Accounts: who may create events when ORGANIZERS_ONLY is on, and who manages categories.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'attendee';
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;

-- Categories are reference data kept by administrators, like accounts not event-sourced;
-- events name them by id in their facts.
CREATE TABLE categories
(
    id         TEXT PRIMARY KEY,
    name       TEXT   NOT NULL,
    slug       TEXT   NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Optional links of an event; NULL for every event created before.
ALTER TABLE event_view ADD COLUMN category_id TEXT;
ALTER TABLE event_view ADD COLUMN series_id TEXT;
-- How many ticket types the event sells, so events without any cost no extra query.
ALTER TABLE event_view ADD COLUMN ticket_types INTEGER NOT NULL DEFAULT 0;
CREATE INDEX event_view_category ON event_view (category_id);
CREATE INDEX event_view_series ON event_view (series_id, start_time);

-- Ticket types and tickets: a projection of their own, from the first event.
INSERT INTO projection_checkpoints (name, tx, pos)
VALUES ('tickets', 0, 0);

CREATE TABLE ticket_type_view
(
    id            TEXT PRIMARY KEY,
    event_id      TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    price         TEXT   NOT NULL,
    currency      TEXT   NOT NULL,
    quantity      INTEGER NOT NULL,
    members_count INTEGER NOT NULL,
    ordinal       INTEGER NOT NULL
);

CREATE INDEX ticket_type_view_event ON ticket_type_view (event_id, ordinal);

-- One row per ticket ever issued; leaving or deletion voids it (status 'void').
CREATE TABLE ticket_view
(
    code           TEXT PRIMARY KEY,
    event_id       TEXT   NOT NULL,
    user_id        TEXT   NOT NULL,
    username       TEXT   NOT NULL,
    ticket_type_id TEXT,
    status         TEXT   NOT NULL,
    issued_at      INTEGER NOT NULL,
    checked_in_at  INTEGER
);

CREATE INDEX ticket_view_user ON ticket_view (user_id, issued_at);
CREATE INDEX ticket_view_event ON ticket_view (event_id);
