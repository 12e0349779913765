-- A holder's current ticket for an event: every leave, removal or deletion voids it by event
-- and holder, and found through the event's index that meant reading every ticket the event
-- ever issued (one more with every join).
CREATE INDEX ticket_view_current ON ticket_view (event_id, user_id) WHERE status <> 'void';
