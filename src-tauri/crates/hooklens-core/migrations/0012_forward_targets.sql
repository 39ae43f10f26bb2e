-- Version 12: fan-out. An endpoint forwards to a list of targets instead of
-- one URL, each with a condition in the search language and its own mode.

CREATE TABLE forward_targets (
    id           INTEGER PRIMARY KEY,
    endpoint_id  INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,                        -- 0, 1, 2… in the editor's order
    url          TEXT    NOT NULL,
    mode         TEXT    NOT NULL CHECK (mode IN ('respond', 'relay')),
    condition    TEXT    NOT NULL DEFAULT '',             -- the search language; '' = every request
    -- 0: the path below the endpoint's prefix and the query string are
    -- added to url; 1: url exactly as written.
    exact_url    INTEGER NOT NULL DEFAULT 0 CHECK (exact_url IN (0, 1)),
    UNIQUE (endpoint_id, position)
) STRICT;

-- The single forward of version 4 becomes the first target. It keeps the
-- sub-path and the query string: that version dropped them, which was the
-- defect, not a choice anyone made.
INSERT INTO forward_targets (endpoint_id, position, url, mode, condition, exact_url)
SELECT id, 0, forward_url, CASE forward_mode WHEN 'relay' THEN 'relay' ELSE 'respond' END, '', 0
FROM endpoints
WHERE forward_url IS NOT NULL AND trim(forward_url) <> '';

ALTER TABLE endpoints DROP COLUMN forward_url;
ALTER TABLE endpoints DROP COLUMN forward_mode;
