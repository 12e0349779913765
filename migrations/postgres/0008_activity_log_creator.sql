-- `/api/logs` reads one creator's entries newest first. Through `event_view` that meant
-- every entry of every event of theirs, sorted, on each request; with the creator on the
-- entry, a page is a short walk down one index.
ALTER TABLE activity_log ADD COLUMN creator_id TEXT;

UPDATE activity_log
   SET creator_id = (SELECT creator_id FROM event_view WHERE event_view.id = activity_log.event_id);

CREATE INDEX activity_log_creator ON activity_log (creator_id, tx, pos);
