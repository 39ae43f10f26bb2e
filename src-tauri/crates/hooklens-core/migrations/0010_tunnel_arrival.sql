-- Version 10: events that came through a tunnel (ssh -R, cloudflared,
-- ngrok) to the listener's tunnel ingress rather than to its local port.

-- How it arrived, as JSON: the kind of tunnel, its public base URL at that
-- moment (URL-signed schemes such as Twilio are verified against it, also
-- when re-verified later, whatever the tunnel's URL is by then), and the
-- original client's address when the tunnel passed one, with the header
-- that named it. NULL for requests sent to the local port and for imports.
ALTER TABLE events ADD COLUMN via TEXT;

-- `via:tunnel` walks only the tunnelled rows, newest first.
CREATE INDEX events_tunneled ON events (received_at DESC, id DESC)
    WHERE via IS NOT NULL;
