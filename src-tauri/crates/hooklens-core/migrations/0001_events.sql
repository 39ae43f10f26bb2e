-- Every request that reached the listener, exactly as received.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    received_at   INTEGER NOT NULL,          -- unix time, nanoseconds
    method        TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    query         TEXT,                      -- raw query string, without '?'
    headers       TEXT    NOT NULL,          -- JSON array of {name, value | value_b64}, order kept
    remote_addr   TEXT,
    content_type  TEXT,
    size          INTEGER NOT NULL,
    body          BLOB    NOT NULL
) STRICT;

-- The timeline pages newest first by (received_at, id).
CREATE INDEX events_received ON events (received_at DESC, id DESC);
