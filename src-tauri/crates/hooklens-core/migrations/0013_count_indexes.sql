-- Version 13: counts of `status:unverified` and `dup:yes` read their own
-- rows instead of the timeline.
--
-- Beside a second filter (`endpoint:GitHub`, `provider:checkout`) neither
-- condition narrows an index the store has, so the count beside the search
-- box walked the timeline and looked up hundreds of thousands of rows to
-- find its 1,000 (0.4 s and more at a million events). Both indexes are
-- partial and hold rare rows, so capture barely pays for them: capture and
-- import give every event a verdict, so only events stored before
-- verification existed enter the first; only redeliveries of a provider
-- event id (delivery > 1: a retry or a duplicate) enter the second, each
-- appended at its end (ascending keys, as in version 3).
-- Queries repeat the partial condition so SQLite can use them.
CREATE INDEX events_unverified ON events (received_at, id)
    WHERE verdict IS NULL;
CREATE INDEX events_redelivered ON events (received_at, id)
    WHERE delivery > 1;
