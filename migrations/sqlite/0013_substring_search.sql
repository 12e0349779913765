-- `title=` and `location=` look for a substring: without an index every search read every
-- live event (0.4 s at 200,000). A trigram index over event_view's search keys finds the
-- events that hold a needle's trigrams (for needles of three characters or more); the
-- listing still tests the exact pattern on the rows it finds.
--
-- It indexes event_view's own rows by rowid, kept by these triggers in every write
-- (the projector's and a rebuild's copy alike). A VACUUM may renumber the rowids of a table
-- without an INTEGER PRIMARY KEY: after one, run INSERT INTO event_search(event_search)
-- VALUES ('rebuild').
CREATE VIRTUAL TABLE event_search USING fts5(
    title_key, location_key, content = 'event_view', tokenize = 'trigram'
);
INSERT INTO event_search (event_search) VALUES ('rebuild');

CREATE TRIGGER event_search_inserted AFTER INSERT ON event_view BEGIN
    INSERT INTO event_search (rowid, title_key, location_key)
    VALUES (new.rowid, new.title_key, new.location_key);
END;

CREATE TRIGGER event_search_deleted AFTER DELETE ON event_view BEGIN
    INSERT INTO event_search (event_search, rowid, title_key, location_key)
    VALUES ('delete', old.rowid, old.title_key, old.location_key);
END;

CREATE TRIGGER event_search_changed AFTER UPDATE OF title_key, location_key ON event_view BEGIN
    INSERT INTO event_search (event_search, rowid, title_key, location_key)
    VALUES ('delete', old.rowid, old.title_key, old.location_key);
    INSERT INTO event_search (rowid, title_key, location_key)
    VALUES (new.rowid, new.title_key, new.location_key);
END;
