//! The About dialog: what this Hooklens is and where it keeps things, and
//! opening its two folders in the file manager.
//!
//! The webview names a folder (`data` or `logs`), never a path: the shell
//! knows both paths and opens only those, with the desktop's opener
//! (`xdg-open` on Linux). The webview has no opener, shell or file-system
//! permission of its own.

use std::path::{Path, PathBuf};

use hooklens_core::model::{ErrorKind, ErrorPayload, ListenerStatus};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::{locked, off_runtime};
use crate::AppState;

/// The two folders the About dialog opens.
#[derive(Debug, Clone)]
pub struct Folders {
    pub data: PathBuf,
    pub logs: PathBuf,
}

/// What the About dialog shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AboutInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    /// The database file and its write-ahead log, in bytes.
    #[ts(type = "number")]
    pub database_bytes: u64,
    /// Events stored.
    #[ts(type = "number")]
    pub event_count: u64,
    /// Where the log files are (hooklens.log and its rotated ones).
    pub log_dir: String,
    pub listener: ListenerStatus,
    /// False when another Hooklens captures into this data directory and
    /// this window only reads it.
    pub capturing: bool,
}

/// A folder the About dialog can open, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Folder {
    Data,
    Logs,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open {folder}: {program} did not start ({source})")]
    Spawn {
        folder: String,
        program: &'static str,
        source: std::io::Error,
    },
}

impl From<OpenError> for ErrorPayload {
    fn from(err: OpenError) -> Self {
        ErrorPayload::new(ErrorKind::Internal, err.to_string())
    }
}

#[tauri::command]
pub async fn about_info(app: AppHandle) -> Result<AboutInfo, ErrorPayload> {
    let state = app.state::<AppState>();
    let listener = state.listener.lock().await.status.clone();
    off_runtime(app.clone(), move |state| {
        let count = locked(&state.counter)?.count()?;
        let database = state.store.path();
        Ok(AboutInfo {
            version: state.version.clone(),
            data_dir: state.data_dir.clone(),
            database_path: database.display().to_string(),
            database_bytes: database_bytes(database),
            event_count: u64::try_from(count).unwrap_or(0),
            log_dir: state.folders.logs.display().to_string(),
            listener,
            capturing: state.lock.is_some(),
        })
    })
    .await
}

/// Opens the data or the log folder in the desktop's file manager.
#[tauri::command]
pub fn open_folder(state: State<'_, AppState>, folder: Folder) -> Result<(), ErrorPayload> {
    let path = match folder {
        Folder::Data => &state.folders.data,
        Folder::Logs => &state.folders.logs,
    };
    open(path)?;
    Ok(())
}

/// The database file and its write-ahead log (absent ones count zero).
fn database_bytes(database: &Path) -> u64 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    [database.to_owned(), PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

#[cfg(target_os = "macos")]
const OPENER: &str = "open";
#[cfg(windows)]
const OPENER: &str = "explorer";
#[cfg(not(any(target_os = "macos", windows)))]
const OPENER: &str = "xdg-open";

/// Hands `path` to the desktop's opener, as one argument (no shell). The
/// opener returns once the file manager is started or found; it is waited
/// for on a thread of its own, so the window never waits on it, and a
/// failure is logged.
fn open(path: &Path) -> Result<(), OpenError> {
    let mut child = crate::engine::for_desktop(&mut std::process::Command::new(OPENER))
        .arg(path)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|source| OpenError::Spawn {
            folder: path.display().to_string(),
            program: OPENER,
            source,
        })?;
    tracing::info!(folder = %path.display(), "opening a folder");
    let folder = path.display().to_string();
    std::thread::spawn(move || match child.wait() {
        Ok(status) if !status.success() => {
            tracing::warn!(%folder, %status, "{OPENER} could not open the folder");
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(%folder, error = %err, "{OPENER} did not finish"),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_size_counts_the_write_ahead_log() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hooklens.sqlite3");
        assert_eq!(database_bytes(&db), 0);
        std::fs::write(&db, vec![0u8; 4096]).unwrap();
        assert_eq!(database_bytes(&db), 4096);
        std::fs::write(dir.path().join("hooklens.sqlite3-wal"), vec![0u8; 100]).unwrap();
        assert_eq!(database_bytes(&db), 4196);
    }

    #[test]
    fn the_webview_names_a_folder_never_a_path() {
        assert_eq!(
            serde_json::from_str::<Folder>("\"logs\"").unwrap(),
            Folder::Logs
        );
        assert_eq!(
            serde_json::from_str::<Folder>("\"data\"").unwrap(),
            Folder::Data
        );
        assert!(serde_json::from_str::<Folder>("\"/etc\"").is_err());
    }
}
