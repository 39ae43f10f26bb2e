-- Version 4: sending. Forwarding per endpoint, and every request Hooklens
-- sends (resends, forwards, test events) with what came back.

-- Each captured request is passed on to this URL after it is stored.
-- forward_mode: 'respond' (configured response at once) or 'relay' (the
-- handler's reply goes back to the sender).
ALTER TABLE endpoints ADD COLUMN forward_url TEXT;
ALTER TABLE endpoints ADD COLUMN forward_mode TEXT NOT NULL DEFAULT 'respond';

-- One send action: once, N times, a retry schedule, or one forward.
CREATE TABLE delivery_runs (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER REFERENCES events (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,                        -- resend | forward | test
    target       TEXT    NOT NULL,
    pattern      TEXT    NOT NULL,                        -- in words, e.g. "3 times"
    started_at   INTEGER NOT NULL,                        -- unix ns
    finished_at  INTEGER,                                 -- NULL while running
    outcome      TEXT                                     -- in words
) STRICT;

CREATE INDEX delivery_runs_event ON delivery_runs (event_id, id);

-- Each request as sent, and the reply or the error.
CREATE TABLE deliveries (
    id                  INTEGER PRIMARY KEY,
    run_id              INTEGER NOT NULL REFERENCES delivery_runs (id) ON DELETE CASCADE,
    attempt             INTEGER NOT NULL,
    sent_at             INTEGER NOT NULL,                 -- unix ns
    method              TEXT    NOT NULL,
    url                 TEXT    NOT NULL,
    headers             TEXT    NOT NULL,                 -- JSON, as events.headers
    body                BLOB    NOT NULL,
    signing             TEXT    NOT NULL,                 -- in words
    status              INTEGER,                          -- NULL: no response
    response_headers    TEXT,
    response_body       BLOB,
    response_truncated  INTEGER NOT NULL DEFAULT 0,
    error_kind          TEXT,
    error_message       TEXT,
    duration_us         INTEGER NOT NULL
) STRICT;

CREATE INDEX deliveries_run ON deliveries (run_id, attempt);
