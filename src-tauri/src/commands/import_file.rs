//! Import from files: those the user picks in the native dialog
//! (`import_file`), those dropped on the window (see [`on_drop`]), and
//! those named when Hooklens is launched (see [`open_files`]).
//! Several files are imported one after another, as one import: progress
//! names the file (n of m), Cancel stops it and the files after it, and
//! the outcome covers every file ([`FilesOutcome`]).
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

/// Which file of an import is being read (n of m), and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilesProgress {
    /// The file's name, never its path.
    pub file: String,
    /// Its place among the files, from 1.
    pub index: u32,
    /// How many files the import has.
    pub files: u32,
    /// How far into this file; all zero when it has just started.
    pub progress: ImportProgress,
}

/// What became of one file of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum FileOutcome {
    /// The file was read (up to where a cancel stopped it).
    Imported {
        file: String,
        outcome: ImportOutcome,
    },
    /// Nothing could be read from it: unreadable, or of no known format.
    Failed { file: String, message: String },
}

/// What an import of one or more files did: each file's outcome, in the
/// order they were imported, and the totals over all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilesOutcome {
    /// The files that were started, in order.
    pub files: Vec<FileOutcome>,
    /// The files a cancel left out (names), in order.
    pub not_started: Vec<String>,
    /// Stopped by the user; what was imported before stays.
    pub cancelled: bool,
    #[ts(type = "number")]
    pub imported: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    #[ts(type = "number")]
    pub skipped: u64,
    #[ts(type = "number")]
    pub warned: u64,
    /// The first event imported, from the first file that imported one.
    #[ts(type = "number | null")]
    pub first_id: Option<i64>,
    /// Endpoints the files' bundles brought, each named once.
    pub endpoints_added: Vec<String>,
    /// Secrets to add for the bundles' verdicts to hold, each named once.
    pub secrets_to_add: Vec<String>,
}

impl FilesOutcome {
    fn add(&mut self, file: String, result: Result<ImportOutcome, ErrorPayload>) {
        match result {
            Ok(outcome) => {
                self.imported += outcome.imported;
                self.duplicates += outcome.duplicates;
                self.skipped += outcome.skipped;
                self.warned += outcome.warned;
                self.cancelled |= outcome.cancelled;
                self.first_id = self.first_id.or(outcome.first_id);
                for (all, more) in [
                    (&mut self.endpoints_added, &outcome.endpoints_added),
                    (&mut self.secrets_to_add, &outcome.secrets_to_add),
                ] {
                    for name in more {
                        if !all.contains(name) {
                            all.push(name.clone());
                        }
                    }
                }
                self.files.push(FileOutcome::Imported { file, outcome });
            }
            Err(err) => self.files.push(FileOutcome::Failed {
                file,
                message: err.message,
            }),
        }
    }
}

/// What the shell says about an import of files dropped on the window.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DropImport {
    /// Files are being dragged over the window (true) or went away (false).
    Hover { over: bool },
    /// A file of the drop is being imported (each file's start is one).
    Progress { progress: FilesProgress },
    /// Every file of the drop was imported, or the user cancelled.
    Finished { outcome: FilesOutcome },
    /// The drop could not be imported at all (another import is running):
    /// the names of its files, and why.
    Failed { files: Vec<String>, message: String },
}

/// Asks which files to import and imports them one after another, with
/// progress. None when the user closed the dialog.
#[tauri::command]
pub async fn import_file(
    app: AppHandle,
    args: ImportFileArgs,
    on_progress: Channel<FilesProgress>,
) -> Result<Option<FilesOutcome>, ErrorPayload> {
    // Said before the dialog opens, rather than after the files are chosen.
    if app
        .state::<AppState>()
        .importing
        .lock()
        .map_err(|_| reader_unavailable())?
        .is_some()
    {
        return Err(already_running());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Import requests")
        .add_filter("HAR", &["har"])
        .add_filter("Text (raw request, curl)", &["txt", "http", "sh", "curl"])
        .add_filter("JSON", &["json"])
        .add_filter("Hooklens bundle (NDJSON)", &["ndjson", "jsonl"])
        .add_filter("All files", &["*"])
        .pick_files(move |paths| {
            let _ = tx.send(paths);
        });
    let Some(picked) = rx.await.ok().flatten().filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let paths = picked
        .into_iter()
        .map(|path| {
            path.into_path().map_err(|err| {
                ErrorPayload::new(ErrorKind::Invalid, format!("cannot read that file: {err}"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = run(&app, paths, args.endpoint_id, args.note, move |p| {
        let _ = on_progress.send(p);
    })
    .await?;
    Ok(Some(outcome))
}

/// Stops the running file import after what is in flight, and the files
/// after it; what was imported stays.
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

/// Where the shell reports imports of dropped files and of files named
/// when Hooklens was launched (one subscriber: the window; a reload
/// replaces it). Files named before the window listened are imported now.
#[tauri::command]
pub fn subscribe_imports(
    app: AppHandle,
    state: State<'_, AppState>,
    on_event: Channel<DropImport>,
) -> Result<(), ErrorPayload> {
    let mut drops = state.drops.lock().map_err(|_| reader_unavailable())?;
    *drops = Some(on_event);
    let waiting = std::mem::take(
        &mut *app
            .state::<LaunchFiles>()
            .0
            .lock()
            .map_err(|_| reader_unavailable())?,
    );
    drop(drops);
    if !waiting.is_empty() {
        import_dropped(&app, waiting);
    }
    Ok(())
}

/// Files named on the command line (of this launch, or of a second one
/// handed over by tauri-plugin-single-instance) while no window listens
/// for imports yet; `subscribe_imports` imports them. Managed from the
/// builder on, so a second launch can hand files over before setup ends.
#[derive(Default)]
pub struct LaunchFiles(std::sync::Mutex<Vec<PathBuf>>);

/// Imports files named on a command line the way dropped files are
/// imported ([`import_dropped`]): now when the window listens for
/// imports, else once it does. The lock on `drops` is held while
/// deciding, so a window subscribing meanwhile cannot miss them.
pub fn open_files(app: &AppHandle, paths: Vec<PathBuf>) {
    let state = app.try_state::<AppState>();
    let drops = state.as_ref().map(|state| state.drops.lock());
    let listening = matches!(&drops, Some(Ok(channel)) if channel.is_some());
    if listening {
        drop(drops);
        import_dropped(app, paths);
        return;
    }
    match app.state::<LaunchFiles>().0.lock() {
        Ok(mut waiting) => waiting.extend(paths),
        Err(_) => tracing::warn!("files named at launch are not imported: the list is unavailable"),
    }
}

/// The window's drag-drop events: hovering is reported so the UI can say
/// "drop to import"; a drop imports every file dropped ([`import_dropped`]).
pub fn on_drop(app: &AppHandle, event: &tauri::DragDropEvent) {
    match event {
        tauri::DragDropEvent::Enter { .. } => tell(app, DropImport::Hover { over: true }),
        tauri::DragDropEvent::Leave => tell(app, DropImport::Hover { over: false }),
        tauri::DragDropEvent::Over { .. } => {}
        tauri::DragDropEvent::Drop { paths, .. } => {
            tell(app, DropImport::Hover { over: false });
            import_dropped(app, paths.clone());
        }
        _ => {}
    }
}

/// Reports to the window's import channel, if it has one.
fn tell(app: &AppHandle, what: DropImport) {
    let state = app.state::<AppState>();
    let channel = state.drops.lock().ok().and_then(|c| c.clone());
    match channel {
        Some(channel) => {
            let _ = channel.send(what);
        }
        None => tracing::debug!("no window listens for imports"),
    }
}

/// Imports every file of a drop (or of a command line: [`open_files`]),
/// one after another, routed by path and with no note (the Import…
/// dialog is where an endpoint or a note is chosen); the window hears of
/// it through the channel it gave `subscribe_imports`.
pub fn import_dropped(app: &AppHandle, paths: Vec<PathBuf>) {
    if paths.is_empty() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let files = paths.iter().map(|p| file_name(p)).collect();
        let progress_app = app.clone();
        let result = run(&app, paths, None, None, move |progress| {
            tell(&progress_app, DropImport::Progress { progress });
        })
        .await;
        match result {
            Ok(outcome) => tell(&app, DropImport::Finished { outcome }),
            Err(err) => tell(
                &app,
                DropImport::Failed {
                    files,
                    message: err.message,
                },
            ),
        }
    });
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn already_running() -> ErrorPayload {
    ErrorPayload::new(
        ErrorKind::Invalid,
        "an import is already running; wait for it or cancel it",
    )
}

/// Imports the files at `paths` one after another, as one import (one
/// import runs at a time): see [`import_paths`].
async fn run(
    app: &AppHandle,
    paths: Vec<PathBuf>,
    endpoint_id: Option<i64>,
    note: Option<String>,
    progress: impl FnMut(FilesProgress) + Send + 'static,
) -> Result<FilesOutcome, ErrorPayload> {
    let state = app.state::<AppState>();
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.importing.lock().map_err(|_| reader_unavailable())?;
        if running.is_some() {
            return Err(already_running());
        }
        *running = Some(cancel.clone());
    }
    let app_for_work = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = app_for_work.state::<AppState>();
        import_paths(&state.store, &paths, endpoint_id, note, &cancel, progress)
    })
    .await;
    if let Ok(mut running) = state.importing.lock() {
        *running = None;
    }
    let outcome = result.map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))?;
    tracing::info!(
        files = outcome.files.len(),
        not_started = outcome.not_started.len(),
        imported = outcome.imported,
        skipped = outcome.skipped,
        duplicates = outcome.duplicates,
        cancelled = outcome.cancelled,
        "imported files"
    );
    Ok(outcome)
}

/// Imports the files one after another, on the calling (blocking) thread.
/// `progress` hears each file's start (n of m) and then its progress; a
/// file that cannot be read is reported by name and the next one started;
/// a cancel stops the file being read and leaves out the ones after it.
fn import_paths(
    store: &Store,
    paths: &[PathBuf],
    endpoint_id: Option<i64>,
    note: Option<String>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(FilesProgress),
) -> FilesOutcome {
    let files = u32::try_from(paths.len()).unwrap_or(u32::MAX);
    let mut outcome = FilesOutcome::default();
    for (at, path) in paths.iter().enumerate() {
        if outcome.cancelled || cancel.load(Ordering::Relaxed) {
            outcome.cancelled = true;
            outcome
                .not_started
                .extend(paths[at..].iter().map(|p| file_name(p)));
            break;
        }
        let file = file_name(path);
        let index = u32::try_from(at + 1).unwrap_or(u32::MAX);
        let mut tell = |progress_now: ImportProgress| {
            progress(FilesProgress {
                file: file.clone(),
                index,
                files,
                progress: progress_now,
            })
        };
        tell(ImportProgress::default());
        let result = import_path(store, path, endpoint_id, note.clone(), cancel, &mut tell);
        match &result {
            Ok(done) => tracing::info!(
                file = %file,
                imported = done.imported,
                skipped = done.skipped,
                duplicates = done.duplicates,
                cancelled = done.cancelled,
                "imported a file"
            ),
            Err(err) => {
                tracing::warn!(file = %file, error = %err.message, "a file was not imported")
            }
        }
        outcome.add(file, result);
    }
    outcome
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

    /// A HAR file whose entries post `{"n":…}` to each of `paths`.
    fn har(paths: &[&str]) -> String {
        let entries: Vec<serde_json::Value> = paths
            .iter()
            .enumerate()
            .map(|(n, path)| {
                serde_json::json!({
                    "startedDateTime": "2024-05-01T10:00:00.000Z",
                    "request": {
                        "method": "POST",
                        "url": format!("http://merchant.example{path}"),
                        "headers": [{"name": "Content-Type", "value": "application/json"}],
                        "postData": {"mimeType": "application/json", "text": format!("{{\"n\":{n}}}")}
                    }
                })
            })
            .collect();
        serde_json::json!({"log": {"version": "1.2", "entries": entries}}).to_string()
    }

    #[test]
    fn several_files_are_imported_one_after_another_and_summed_up() {
        let dir = TempDir::new("several");
        let store = dir.store();
        let first = dir.0.join("orders.har");
        std::fs::write(&first, har(&["/shop/orders", "/shop/orders/2"])).unwrap();
        let second = dir.0.join("refund.txt");
        std::fs::write(
            &second,
            "POST /shop/refunds HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"refund\":1}",
        )
        .unwrap();
        let mut heard = Vec::new();
        let outcome = import_paths(
            &store,
            &[first, second],
            None,
            Some("ticket 481".into()),
            &AtomicBool::new(false),
            |p| heard.push(p),
        );
        // Each file's start is said (n of m) before its progress.
        let starts: Vec<(String, u32, u32)> = heard
            .iter()
            .filter(|p| p.progress == ImportProgress::default())
            .map(|p| (p.file.clone(), p.index, p.files))
            .collect();
        assert_eq!(
            starts,
            [("orders.har".into(), 1, 2), ("refund.txt".into(), 2, 2)]
        );
        let last_of = |index: u32| heard.iter().rfind(|p| p.index == index).map(|p| p.progress);
        assert_eq!(last_of(1).map(|p| p.imported), Some(2));
        assert_eq!(last_of(2).map(|p| p.imported), Some(1));
        assert!(heard.windows(2).all(|w| w[0].index <= w[1].index));

        assert_eq!(
            (outcome.imported, outcome.skipped, outcome.duplicates),
            (3, 0, 0)
        );
        assert!(!outcome.cancelled);
        assert!(outcome.not_started.is_empty());
        let names: Vec<&str> = outcome
            .files
            .iter()
            .map(|f| match f {
                FileOutcome::Imported { file, outcome } => {
                    assert!(outcome.first_id.is_some());
                    file.as_str()
                }
                FileOutcome::Failed { file, message } => panic!("{file}: {message}"),
            })
            .collect();
        assert_eq!(names, ["orders.har", "refund.txt"]);
        let FileOutcome::Imported {
            outcome: orders, ..
        } = &outcome.files[0]
        else {
            unreachable!()
        };
        assert_eq!(outcome.first_id, orders.first_id);

        // Both again: nothing new, each file says so.
        let again = import_paths(
            &store,
            &[dir.0.join("orders.har"), dir.0.join("refund.txt")],
            None,
            None,
            &AtomicBool::new(false),
            |_| {},
        );
        assert_eq!((again.imported, again.duplicates), (0, 3));
        assert_eq!(again.first_id, None);
    }

    #[test]
    fn a_file_that_cannot_be_read_is_named_and_the_next_one_imported() {
        let dir = TempDir::new("one-bad");
        let store = dir.store();
        let bad = dir.0.join("notes.bin");
        std::fs::write(&bad, [0u8, 159, 146, 150, 0, 1]).unwrap();
        let good = dir.0.join("case.har");
        std::fs::write(&good, har(&["/kustom/hooks"])).unwrap();
        let outcome = import_paths(
            &store,
            &[bad, dir.0.join("gone.har"), good],
            None,
            None,
            &AtomicBool::new(false),
            |_| {},
        );
        assert_eq!(outcome.imported, 1);
        assert_eq!(outcome.files.len(), 3);
        match &outcome.files[0] {
            FileOutcome::Failed { file, message } => {
                assert_eq!(file, "notes.bin");
                assert!(
                    message.contains("cannot tell the format of notes.bin"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        match &outcome.files[1] {
            FileOutcome::Failed { file, message } => {
                assert_eq!(file, "gone.har");
                assert!(message.starts_with("cannot read gone.har"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&outcome.files[2], FileOutcome::Imported { file, outcome } if file == "case.har" && outcome.imported == 1)
        );
        assert!(outcome.first_id.is_some());
    }

    #[test]
    fn a_cancel_stops_the_file_being_read_and_leaves_out_the_rest_keeping_what_was_stored() {
        let dir = TempDir::new("cancel");
        let store = dir.store();
        let names = ["a.har", "b.har", "c.har"];
        for (n, name) in names.iter().enumerate() {
            std::fs::write(
                dir.0.join(name),
                har(&[&format!("/shop/{n}/1"), &format!("/shop/{n}/2")]),
            )
            .unwrap();
        }
        let paths: Vec<PathBuf> = names.iter().map(|n| dir.0.join(n)).collect();
        let cancel = AtomicBool::new(false);
        // The user presses Cancel as the second file starts.
        let outcome = import_paths(&store, &paths, None, None, &cancel, |p| {
            if p.index == 2 {
                cancel.store(true, Ordering::Relaxed);
            }
        });
        assert!(outcome.cancelled);
        assert_eq!(outcome.not_started, ["c.har"]);
        assert_eq!(outcome.files.len(), 2);
        assert!(
            matches!(&outcome.files[0], FileOutcome::Imported { outcome, .. } if outcome.imported == 2 && !outcome.cancelled)
        );
        assert!(
            matches!(&outcome.files[1], FileOutcome::Imported { file, outcome } if file == "b.har" && outcome.cancelled && outcome.imported == 0)
        );
        assert_eq!(outcome.imported, 2);
        // What the first file stored stays: importing it again adds nothing.
        let again = import_paths(
            &store,
            &paths[..1],
            None,
            None,
            &AtomicBool::new(false),
            |_| {},
        );
        assert_eq!((again.imported, again.duplicates), (0, 2));
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
