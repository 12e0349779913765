-- The listing filters by status, upcoming start and a substring of the title, and counts
-- what matches. With these columns in one index of the live events, the count reads the
-- index alone (no row is looked up to test its title), and a page in start order walks it.
CREATE INDEX event_view_listing ON event_view (status, start_time, id, title_key) WHERE deleted_at IS NULL;
