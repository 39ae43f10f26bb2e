//! WAL checkpoints: a thread beside the writer folds the WAL back into the
//! database, and the writer itself does when the WAL has grown long.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use rusqlite::Connection;

use super::Shared;
use super::connection::open_connection;

/// A checkpointer thread folds the WAL into the database once it holds this
/// many frames, so that copy runs beside the writer, not inside a commit.
const CHECKPOINT_FRAMES: i32 = 512;
/// Past this many frames the writer checkpoints itself (little is left to
/// copy by then), which lets the WAL start over: a checkpoint from another
/// thread never fully catches up with a busy writer, and the WAL would grow
/// without bound.
const WRITER_CHECKPOINT_FRAMES: i32 = 8192;
/// Frames in the WAL after the latest commit, reported by SQLite's WAL hook
/// (a plain function, hence a static; with several stores in one process it
/// can only make a checkpoint come early).
static WAL_FRAMES: AtomicI32 = AtomicI32::new(0);

pub(super) fn record_wal_frames(
    _wal: &rusqlite::hooks::Wal,
    frames: std::os::raw::c_int,
) -> rusqlite::Result<()> {
    WAL_FRAMES.store(frames, Ordering::Relaxed);
    Ok(())
}

/// Folds the WAL back into the database while the writer keeps committing.
pub(super) fn checkpointer(shared: Weak<Shared>) {
    let Some(path) = shared.upgrade().map(|s| s.path.clone()) else {
        return;
    };
    let Ok(conn) = open_connection(&path) else {
        return;
    };
    while shared.strong_count() > 0 {
        std::thread::sleep(Duration::from_millis(50));
        if WAL_FRAMES.load(Ordering::Relaxed) >= CHECKPOINT_FRAMES
            && let Err(err) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %err, "WAL checkpoint failed");
        }
    }
}

/// The writer's own checkpoint, between groups, once the WAL holds
/// [`WRITER_CHECKPOINT_FRAMES`].
pub(super) fn in_writer(conn: &Mutex<Connection>) {
    if WAL_FRAMES.load(Ordering::Relaxed) >= WRITER_CHECKPOINT_FRAMES {
        let checkpointed = conn.lock().unwrap_or_else(|e| e.into_inner()).query_row(
            "PRAGMA wal_checkpoint(PASSIVE)",
            [],
            |_| Ok(()),
        );
        match checkpointed {
            Ok(()) => WAL_FRAMES.store(0, Ordering::Relaxed),
            Err(err) => tracing::warn!(error = %err, "WAL checkpoint failed"),
        }
    }
}
