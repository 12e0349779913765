-- The creation throttle's ledger: each row is one request's creations (one, or a series'
-- occurrences), taken before its commands run. Counting a user's rows of the last 24 hours
-- and adding one is a single transaction under a per-user lock, so that instances racing
-- for a user's last slot cannot both take it. Not a read model: never rebuilt.
CREATE TABLE creation_slots
(
    id          TEXT PRIMARY KEY,
    user_id     TEXT    NOT NULL,
    reserved_at BIGINT  NOT NULL,
    events      INTEGER NOT NULL
);

CREATE INDEX creation_slots_user ON creation_slots (user_id, reserved_at);

-- The creations of the last 24 hours so far, from the activity log, which counted them until now.
INSERT INTO creation_slots (id, user_id, reserved_at, events)
SELECT id, actor_id, timestamp, 1
  FROM activity_log
 WHERE type IN ('event_created', 'series_created') AND timestamp > (EXTRACT(EPOCH FROM now())::BIGINT - 86400) * 1000000;
