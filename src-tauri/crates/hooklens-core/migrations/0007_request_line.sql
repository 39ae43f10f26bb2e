-- Version 7: the request line and trailers as they arrived.
--
-- `target` is the request-target as sent (origin-form `/a?b`, absolute-form
-- `http://host/a`, authority-form `host:443` for CONNECT, or `*`); path and
-- query stay as routing and search use them. `trailers` holds a chunked
-- body's trailer fields, as events.headers holds the head's. NULL for
-- events stored before this version.
ALTER TABLE events ADD COLUMN target TEXT;
ALTER TABLE events ADD COLUMN http_version TEXT;
ALTER TABLE events ADD COLUMN trailers TEXT;
