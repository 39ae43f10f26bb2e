//! Retention: the oldest unpinned events are removed while the store holds
//! more events, or more bytes, than its settings allow.

use std::sync::Mutex;

use rusqlite::Connection;

use super::Settings;

const RETENTION_CHUNK: i64 = 2000;

/// Deletes the oldest unpinned events, at most [`RETENTION_CHUNK`] at a
/// time, while `stored` (the events in the store, kept up to date here) or
/// the database's size is over `settings`; then gives the freed space back.
pub(super) fn remove_oldest(write: &Mutex<Connection>, stored: &mut u64, settings: &Settings) {
    let lock = || write.lock().unwrap_or_else(|e| e.into_inner());
    let mut removed_any = false;
    loop {
        let conn = lock();
        let over_count = stored.saturating_sub(settings.max_events);
        let over_size = match used_bytes(&conn) {
            Ok(used) => used > settings.max_db_bytes,
            Err(err) => {
                tracing::warn!(error = %err, "retention: cannot read the database size");
                false
            }
        };
        let chunk = if over_count > 0 {
            i64::try_from(over_count)
                .unwrap_or(RETENTION_CHUNK)
                .min(RETENTION_CHUNK)
        } else if over_size {
            RETENTION_CHUNK
        } else {
            break;
        };
        let removed = conn.execute(
            "DELETE FROM events WHERE id IN
               (SELECT id FROM events WHERE pinned = 0 ORDER BY received_at, id LIMIT ?1)",
            [chunk],
        );
        drop(conn);
        match removed {
            Ok(0) => break, // only pinned events left
            Ok(n) => {
                *stored = stored.saturating_sub(n as u64);
                removed_any = true;
                tracing::info!(removed = n, "retention removed the oldest events");
            }
            Err(err) => {
                tracing::warn!(error = %err, "retention failed");
                break;
            }
        }
    }
    if removed_any && let Err(err) = lock().execute_batch("PRAGMA incremental_vacuum;") {
        tracing::warn!(error = %err, "could not give freed space back");
    }
}

/// Bytes the database really uses (free pages excluded).
fn used_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(u64::try_from((pages - free) * size).unwrap_or(0))
}
