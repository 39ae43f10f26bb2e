-- Version 2: signature verification.

-- The scheme an endpoint checks, as JSON (signature::Scheme). NULL: the
-- preset's scheme, or the one the request's headers suggest.
ALTER TABLE endpoints ADD COLUMN scheme TEXT;

-- Labelled secrets per endpoint. Several at once, so a rotation (old and new
-- both signing) verifies with either. The database file is private to the
-- user (0600), and no export or log ever includes `value`.
CREATE TABLE secrets (
    id           INTEGER PRIMARY KEY,
    endpoint_id  INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,                        -- unix ns
    UNIQUE (endpoint_id, label)
) STRICT;

-- Each event's verdict: `verdict` is the status (valid, invalid, unsigned,
-- no_secret, stale, malformed) for filtering; `verdict_json` the whole
-- signature::Verdict (scheme, secret label, age, diagnosis). NULL for events
-- stored before verification existed, until they are re-verified.
ALTER TABLE events ADD COLUMN verdict TEXT;
ALTER TABLE events ADD COLUMN verdict_json TEXT;
