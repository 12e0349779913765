-- Private events (seen only by their creator, members, waitlisted users and invitees) and
-- events that take guests without an account. Every event before these was public and
-- took no guests.
ALTER TABLE event_view ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
ALTER TABLE event_view ADD COLUMN guest_registration BIGINT NOT NULL DEFAULT 0;

-- The listing's count reads this index alone (0009): it now also tests whether the caller
-- may see each event, by its visibility and, for a signed-in caller, its creator.
DROP INDEX event_view_listing;
CREATE INDEX event_view_listing ON event_view (status, start_time, id, title_key, visibility, creator_id)
    WHERE deleted_at IS NULL;

-- Whether a user holds an invitation to an event: asked on every read of a private event.
CREATE INDEX invitation_view_event_invitee ON invitation_view (event_id, invitee_id);
