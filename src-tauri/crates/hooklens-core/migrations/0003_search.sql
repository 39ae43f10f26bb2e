-- Version 3: search (store::search explains how these are used).

-- A filter on a rare value (an event type, a merchant, a failed signature)
-- walks its index in timeline order instead of a million events. Ascending
-- keys: new events append inside each value's run, which costs far less than
-- the descending layout of events_received. Partial, so events without the
-- value cost nothing at ingest; only failed verdicts are indexed, as valid,
-- unsigned and no_secret are each the bulk of a store (queries repeat the
-- partial condition so SQLite can use it). endpoint_id has events_endpoint
-- already; providers are few and common, so an index would rarely be chosen.
-- events_type also lists the stored event types for the query box, one seek
-- per type (Reader::query_fields): no facet table, no trigger on insert.
CREATE INDEX events_type ON events (event_type, received_at, id)
    WHERE event_type IS NOT NULL;
CREATE INDEX events_merchant ON events (merchant_id, received_at, id)
    WHERE merchant_id IS NOT NULL;
CREATE INDEX events_failed ON events (verdict, received_at, id)
    WHERE verdict IN ('invalid', 'stale', 'malformed');
