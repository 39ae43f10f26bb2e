-- Version 14: how far event ids follow the timeline, so a search for words
-- can read the full-text index's newest hits first (store::search::newest).
--
-- FTS5 returns hits in rowid (event id) order at the cost of the postings it
-- reads; the timeline is ordered by (received_at, id). Capture stores events
-- about in the order they arrive, but not exactly: requests are stamped on
-- arrival and reach the single writer in the order they finish, and imports
-- add old events with new ids. So the promise is bounded: from
-- `ordered_from` on, an event is newer in the timeline than every event more
-- than `slack` ids before it. A page of words then reads hits newest id
-- first and stops once it has read `slack` ids past its last row.
CREATE TABLE timeline_order (
    ordered_from INTEGER NOT NULL,
    slack INTEGER NOT NULL
);

-- The writer keeps it as it inserts (store::order); this is the stored
-- events as they are: the first id after the last one that breaks
-- the promise (an event with an older id more than `slack` before it is newer
-- in the timeline), found in one walk of events_received, newest first.
INSERT INTO timeline_order (ordered_from, slack)
SELECT ifnull(max(id) + 1, 0), 256
FROM (
    SELECT id,
           min(id) OVER (ORDER BY received_at DESC, id DESC
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS newer_min
    FROM events
)
WHERE newer_min < id - 256;
