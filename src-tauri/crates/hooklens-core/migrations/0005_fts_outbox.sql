-- Version 5: the full-text index never skips an event.
--
-- Every stored event gets a row here in the same transaction; the row goes
-- when the event's text is in events_fts. A batch that fails (disk full)
-- leaves its rows, and the writer retries them, also at the next start.
-- Before this table a mark of the last indexed id stood in for it, and a
-- failed batch followed by a good one moved the mark past the failure.
CREATE TABLE fts_pending (
    id INTEGER PRIMARY KEY
);

-- Events the old mark skipped, or that a crash left out.
INSERT INTO fts_pending (id)
    SELECT id FROM events WHERE id NOT IN (SELECT rowid FROM events_fts);

DELETE FROM settings WHERE key = 'fts_indexed_upto';

-- Retention removes events whose text may still be waiting.
CREATE TRIGGER fts_pending_delete AFTER DELETE ON events BEGIN
    DELETE FROM fts_pending WHERE id = old.id;
END;
