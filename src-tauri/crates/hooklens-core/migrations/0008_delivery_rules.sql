-- Version 8: every attempt judged by the delivery rule of the provider it
-- was sent as (which statuses count, how long the provider waits).

-- The rule in words, e.g. "Kulmi Pay counts only 200 as delivered · answer
-- within 10 s (assumed)"; NULL for runs recorded before version 8.
ALTER TABLE delivery_runs ADD COLUMN rule TEXT;

-- 1 delivered, 0 not; NULL before version 8 (read as: answered 2xx).
ALTER TABLE deliveries ADD COLUMN delivered INTEGER;
-- Why it is not a delivery, in words; NULL when delivered.
ALTER TABLE deliveries ADD COLUMN failure TEXT;
