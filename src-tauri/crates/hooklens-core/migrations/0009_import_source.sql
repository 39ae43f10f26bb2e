-- Version 9: events that came from an import (a pasted request, a HAR file,
-- a colleague's bundle) rather than the listener.

-- Where an imported event came from, as JSON: format, file name, the
-- importer's note, entry number, the arrival time used and any warnings.
-- NULL for events the listener captured.
ALTER TABLE events ADD COLUMN source TEXT;

-- A digest of the imported entry, so running the same import again adds
-- nothing. NULL for captured events (two identical live requests are two
-- events).
ALTER TABLE events ADD COLUMN import_fingerprint BLOB;
CREATE UNIQUE INDEX events_import_fingerprint ON events (import_fingerprint)
    WHERE import_fingerprint IS NOT NULL;

-- `source:import` walks only the imported rows, newest first.
CREATE INDEX events_imported ON events (received_at DESC, id DESC)
    WHERE source IS NOT NULL;
