//! Import from a file: one the user picks in the native dialog
//! (`import_file`), or one dropped on the window (see [`on_drop`]).
//!
//! Why drops are handled here and not in the webview: the webview could
//! receive the drop as a `File`, but then it would read the file and hand
//! its bytes over IPC, or name a path the shell must trust. Instead the
//! window's own drag-drop event (`WindowEvent::DragDrop`, raised by the
//! native window before the page sees anything) gives the shell the paths,
//! the shell starts the same import as `import_file`, and the UI only hears
//! about it through the channel it gave `subscribe_imports`. The webview
//! never names a path and needs no file-system or dialog permission: its
//! capability grants `subscribe_imports` and `cancel_import`, nothing more.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hooklens_core::formats::{self, Format};
use hooklens_core::import::{self as core_import, ImportOutcome, ImportProgress, ImportSpec};
use hooklens_core::model::{ErrorKind, ErrorPayload};
use hooklens_core::store::{Store, now_ns};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use super::reader_unavailable;
use crate::AppState;

/// Progress goes to the UI at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Enough of the start of a file to tell its format.
const DETECT_BYTES: usize = 64 * 1024;

/// How the imported events are marked and where they go.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFileArgs {
    /// Import into this endpoint; None routes each request by its path.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    pub note: Option<String>,
}

/// What the shell says about an import of a file dropped on the window.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DropImport {
    /// Files are being dragged over the window (true) or went away (false).
    Hover {
        over: bool,
    },
    /// An import of `file` (its name, not its path) started.
    Started {
        file: String,
    },
    Progress {
        progress: ImportProgress,
    },
    Finished {
        file: String,
        outcome: ImportOutcome,
    },
    Failed {
        file: String,
        message: String,
    },
}

/// Asks which file to import and imports it, with progress. None when the
/// user closed the dialog.
#[tauri::command]
pub async fn import_file(
    app: AppHandle,
    args: ImportFileArgs,
    on_progress: Channel<ImportProgress>,
) -> Result<Option<ImportOutcome>, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Import requests")
        .add_filter("HAR", &["har"])
        .add_filter("Text (raw request, curl)", &["txt", "http", "sh", "curl"])
        .add_filter("JSON", &["json"])
        .add_filter("Hooklens bundle (NDJSON)", &["ndjson", "jsonl"])
        .add_filter("All files", &["*"])
        .pick_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|err| {
        ErrorPayload::new(ErrorKind::Invalid, format!("cannot read that file: {err}"))
    })?;
    let outcome = run(&app, path, args.endpoint_id, args.note, move |p| {
        let _ = on_progress.send(p);
    })
    .await?;
    Ok(Some(outcome))
}

/// Stops the running file import after what is in flight; what was
/// imported stays.
#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    if let Some(cancel) = state
        .importing
        .lock()
        .map_err(|_| reader_unavailable())?
        .as_ref()
    {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

/// Where the shell reports imports of dropped files (one subscriber: the
/// window; a reload replaces it).
#[tauri::command]
pub fn subscribe_imports(
    state: State<'_, AppState>,
    on_event: Channel<DropImport>,
) -> Result<(), ErrorPayload> {
    *state.drops.lock().map_err(|_| reader_unavailable())? = Some(on_event);
    Ok(())
}

/// The window's drag-drop events: hovering is reported so the UI can say
/// "drop to import"; a drop imports the first file dropped.
pub fn on_drop(app: &AppHandle, event: &tauri::DragDropEvent) {
    let tell = |app: &AppHandle, what: DropImport| {
        let state = app.state::<AppState>();
        let channel = state.drops.lock().ok().and_then(|c| c.clone());
        match channel {
            Some(channel) => {
                let _ = channel.send(what);
            }
            None => tracing::debug!("no window listens for imports"),
        }
    };
    match event {
        tauri::DragDropEvent::Enter { .. } => tell(app, DropImport::Hover { over: true }),
        tauri::DragDropEvent::Leave => tell(app, DropImport::Hover { over: false }),
        tauri::DragDropEvent::Over { .. } => {}
        tauri::DragDropEvent::Drop { paths, .. } => {
            tell(app, DropImport::Hover { over: false });
            let Some(path) = paths.first().cloned() else {
                return;
            };
            if paths.len() > 1 {
                tracing::info!(
                    dropped = paths.len(),
                    "several files dropped; importing the first"
                );
            }
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let file = file_name(&path);
                tell(&app, DropImport::Started { file: file.clone() });
                let progress_app = app.clone();
                let result = run(&app, path, None, None, move |progress| {
                    tell(&progress_app, DropImport::Progress { progress });
                })
                .await;
                match result {
                    Ok(outcome) => tell(&app, DropImport::Finished { file, outcome }),
                    Err(err) => tell(
                        &app,
                        DropImport::Failed {
                            file,
                            message: err.message,
                        },
                    ),
                }
            });
        }
        _ => {}
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Imports the file at `path` (one import at a time), streaming it:
/// curl's `@file` arguments are read beside it. `progress` hears at most
/// every [`PROGRESS_EVERY`], and once at the end.
async fn run(
    app: &AppHandle,
    path: PathBuf,
    endpoint_id: Option<i64>,
    note: Option<String>,
    progress: impl FnMut(ImportProgress) + Send + 'static,
) -> Result<ImportOutcome, ErrorPayload> {
    let state = app.state::<AppState>();
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.importing.lock().map_err(|_| reader_unavailable())?;
        if running.is_some() {
            return Err(ErrorPayload::new(
                ErrorKind::Invalid,
                "an import is already running; wait for it or cancel it",
            ));
        }
        *running = Some(cancel.clone());
    }
    let app_for_work = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = app_for_work.state::<AppState>();
        import_path(&state.store, &path, endpoint_id, note, &cancel, progress)
    })
    .await;
    if let Ok(mut running) = state.importing.lock() {
        *running = None;
    }
    let outcome =
        result.map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))??;
    tracing::info!(
        imported = outcome.imported,
        skipped = outcome.skipped,
        duplicates = outcome.duplicates,
        cancelled = outcome.cancelled,
        "imported a file"
    );
    Ok(outcome)
}

/// The import itself, on the calling (blocking) thread: the format is
/// detected from the file's start, the file streamed through the reader,
/// curl's `@file` looked up in the file's folder.
fn import_path(
    store: &Store,
    path: &Path,
    endpoint_id: Option<i64>,
    note: Option<String>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(ImportProgress),
) -> Result<ImportOutcome, ErrorPayload> {
    let unreadable = |err: std::io::Error| {
        ErrorPayload::new(
            ErrorKind::Invalid,
            format!("cannot read {}: {err}", file_name(path)),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut input = BufReader::with_capacity(DETECT_BYTES, file);
    let start = input.fill_buf().map_err(unreadable)?;
    let format: Format = formats::detect::detect(start).ok_or_else(|| {
        ErrorPayload::new(
            ErrorKind::Invalid,
            format!(
                "cannot tell the format of {}: it is not a raw request, a curl command, HAR, a Hooklens bundle or event JSON",
                file_name(path)
            ),
        )
    })?;
    let spec = ImportSpec {
        file: Some(file_name(path)),
        note: note.filter(|n| !n.trim().is_empty()),
        endpoint_id,
    };
    let reader = formats::read(format, Box::new(input), path.parent());
    let mut last = Instant::now();
    let mut latest = ImportProgress::default();
    let outcome = tauri::async_runtime::block_on(core_import::import_source(
        store,
        format,
        reader,
        &spec,
        now_ns(),
        cancel,
        |p| {
            latest = p;
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                progress(p);
            }
        },
    ))?;
    progress(latest);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary one, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "hooklens-shell-{name}-{}-{}",
                std::process::id(),
                now_ns()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn store(&self) -> Store {
            let data = self.0.join("data");
            std::fs::create_dir_all(&data).unwrap();
            Store::open(&data).unwrap()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_curl_file_reads_its_data_file_beside_it_and_reports_progress() {
        let dir = TempDir::new("curl");
        let store = dir.store();
        std::fs::write(dir.0.join("body.json"), br#"{"type":"order.created"}"#).unwrap();
        let command = dir.0.join("case.sh");
        std::fs::write(
            &command,
            "curl -X POST -H 'Content-Type: application/json' -d @body.json http://localhost/hooks\n",
        )
        .unwrap();
        let mut heard = Vec::new();
        let outcome = import_path(
            &store,
            &command,
            None,
            Some("ticket 481".into()),
            &AtomicBool::new(false),
            |p| heard.push(p),
        )
        .unwrap();
        assert_eq!(outcome.format, "curl");
        assert_eq!(outcome.imported, 1, "{:?}", outcome.problems);
        assert!(outcome.first_id.is_some());
        assert_eq!(heard.last().map(|p| p.imported), Some(1));
        // The same file again adds nothing.
        let again = import_path(
            &store,
            &command,
            None,
            None,
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap();
        assert_eq!((again.imported, again.duplicates), (0, 1));
    }

    #[test]
    fn a_file_of_no_known_format_is_refused_by_name() {
        let dir = TempDir::new("unknown");
        let store = dir.store();
        let file = dir.0.join("notes.bin");
        std::fs::write(&file, [0u8, 159, 146, 150, 0, 1]).unwrap();
        let err =
            import_path(&store, &file, None, None, &AtomicBool::new(false), |_| {}).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Invalid);
        assert!(err.message.contains("notes.bin"), "{}", err.message);
    }

    #[test]
    fn a_missing_file_says_so() {
        let dir = TempDir::new("missing");
        let store = dir.store();
        let err = import_path(
            &store,
            &dir.0.join("gone.har"),
            None,
            None,
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap_err();
        assert!(
            err.message.starts_with("cannot read gone.har"),
            "{}",
            err.message
        );
    }
}
