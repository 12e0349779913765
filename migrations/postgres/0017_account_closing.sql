-- An account whose deletion has begun: a command its user committed afterwards is undone,
-- since the deletion may already have swept past it.
ALTER TABLE users ADD COLUMN closing BIGINT NOT NULL DEFAULT 0;
