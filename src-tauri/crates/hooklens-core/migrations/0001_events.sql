-- Version 1 of the Hooklens store. Later versions are new files, never edits.

-- Where requests land. A path prefix with a name, a provider preset and the
-- response the sender gets. Row 1 is the default endpoint: it takes every
-- path no other endpoint claims and cannot be removed.
CREATE TABLE endpoints (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    path_prefix        TEXT    NOT NULL UNIQUE,
    preset             TEXT,                              -- provider preset id; NULL = detect from headers
    response_status    INTEGER NOT NULL DEFAULT 200,
    response_headers   TEXT    NOT NULL DEFAULT '[]',     -- JSON [[name, value], ...]
    response_body      TEXT    NOT NULL DEFAULT '',
    response_delay_ms  INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL                   -- unix ns
) STRICT;

INSERT INTO endpoints (id, name, path_prefix, preset, created_at) VALUES (1, 'Default', '/', NULL, 0);

-- Every request that reached the listener, exactly as received.
CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    received_at        INTEGER NOT NULL,                  -- unix time, nanoseconds
    endpoint_id        INTEGER REFERENCES endpoints (id) ON DELETE SET NULL,
    method             TEXT    NOT NULL,
    path               TEXT    NOT NULL,
    query              TEXT,                              -- raw query string, without '?'
    headers            TEXT    NOT NULL,                  -- JSON array of {name, value | value_bytes}, order kept
    remote_addr        TEXT,
    content_type       TEXT,
    size               INTEGER NOT NULL,
    body               BLOB    NOT NULL,
    provider           TEXT,                              -- preset id that extracted the fields below
    event_type         TEXT,
    provider_event_id  TEXT,
    merchant_id        TEXT,
    refs               TEXT,                              -- JSON [[label, value], ...]
    delivery           INTEGER NOT NULL DEFAULT 1,        -- nth time this provider event id arrived
    pinned             INTEGER NOT NULL DEFAULT 0         -- retention never removes pinned events
) STRICT;

-- The timeline pages newest first by (received_at, id).
CREATE INDEX events_received ON events (received_at DESC, id DESC);
CREATE INDEX events_endpoint ON events (endpoint_id, received_at DESC, id DESC);
-- Redelivery numbering and "other deliveries of this event". `delivery` is in
-- the key so the next number is one index seek, however often an id repeats.
CREATE INDEX events_provider_event ON events (provider, provider_event_id, delivery)
    WHERE provider_event_id IS NOT NULL;
-- Retention walks events_received from the old end and skips pinned rows
-- (few), so it needs no index of its own.

-- Full-text index over path, headers and textual bodies. Contentless: the
-- text lives in `events` already; rowid = events.id.
CREATE VIRTUAL TABLE events_fts USING fts5 (
    path, headers, body,
    content = '', contentless_delete = 1, tokenize = 'unicode61'
);

CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.id;
END;

-- Store-wide settings as text, read at start (see store::Settings).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
