//! What another process changed: endpoints, secrets and settings are
//! reloaded, and a new events revision tells the windows to reload.

use std::sync::Weak;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::connection::read_only_connection;
use super::{Shared, StoreError, now_ns, reload};

/// Bumped whenever stored events change in place (re-verified verdicts,
/// pins), so a window of another process knows to reload what it shows.
const EVENTS_REVISION_KEY: &str = "events_revision";

pub(super) fn bump_revision(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![EVENTS_REVISION_KEY, now_ns().to_string()],
    )?;
    Ok(())
}

fn events_revision(conn: &Connection) -> Option<String> {
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [EVENTS_REVISION_KEY],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

/// Another process (`hooklens-cli endpoints add` next to a running app) may
/// change endpoints or settings: pick that up within a second. `data_version`
/// moves whenever another connection commits, which is cheap to poll.
///
/// (WAL checkpoints stay with the writer: a PASSIVE checkpoint from another
/// thread never catches up with a busy writer, and the WAL would grow without
/// bound.)
pub(super) fn watch_config(shared: Weak<Shared>) {
    let Some(path) = shared.upgrade().map(|s| s.path.clone()) else {
        return;
    };
    let Ok(conn) = read_only_connection(&path) else {
        return;
    };
    let version = |conn: &Connection| -> Option<i64> {
        conn.query_row("PRAGMA data_version", [], |row| row.get(0))
            .ok()
    };
    let mut seen = version(&conn);
    let mut revision = events_revision(&conn);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let now = version(&conn);
        if now != seen {
            if let Err(err) = reload(&shared, &conn) {
                tracing::warn!(error = %err, "could not reload endpoints");
            }
            seen = now;
            // data_version also moves with every capture; only a new
            // revision means events changed in place.
            let current = events_revision(&conn);
            if current != revision {
                revision = current;
                let _ = shared.changed.send(());
            }
        }
    }
}
