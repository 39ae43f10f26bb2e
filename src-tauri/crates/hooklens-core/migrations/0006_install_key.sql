-- Version 6: a random key of this installation, never shown or exported.
--
-- A request Hooklens forwards carries a mark made with it, so a forwarded
-- request that comes back to this store is not forwarded again (a loop),
-- while a sender cannot forge the mark to skip forwarding.
INSERT OR IGNORE INTO settings (key, value)
    VALUES ('install_key', lower(hex(randomblob(32))));
