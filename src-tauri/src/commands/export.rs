//! Export from the window: the selection or the current search, redacted,
//! written by the shell to the path the user picks in the native save
//! dialog (the webview never writes a file nor names a path).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hooklens_core::export::{
    self, ExportFormat, ExportOutcome, ExportProgress, ExportSpec, Redaction, RedactionPreview,
    Selection,
};
use hooklens_core::model::{ErrorKind, ErrorPayload};
use hooklens_core::store::Store;
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use super::{parse_query, reader_unavailable};
use crate::AppState;

/// Which events to export, and how.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportEventsArgs {
    pub format: ExportFormat,
    pub redaction: Redaction,
    /// These events (the selection); when empty, those matching `query`.
    #[ts(type = "Array<number>")]
    pub ids: Vec<i64>,
    /// The search language; "" matches everything.
    pub query: String,
    /// Only this endpoint's events (with `query`).
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
}

impl ExportEventsArgs {
    fn selection(&self) -> Result<Selection, ErrorPayload> {
        if self.ids.is_empty() {
            Ok(Selection::Query {
                query: parse_query(&self.query)?,
                endpoint_id: self.endpoint_id,
            })
        } else {
            Ok(Selection::Ids(self.ids.clone()))
        }
    }

    fn spec(&self) -> ExportSpec {
        ExportSpec {
            format: self.format,
            redaction: self.redaction.clone(),
        }
    }
}

/// What an export with these arguments would remove. Nothing is written.
#[tauri::command]
pub async fn preview_export(
    app: AppHandle,
    args: ExportEventsArgs,
) -> Result<RedactionPreview, ErrorPayload> {
    let selection = args.selection()?;
    let spec = args.spec();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        Ok(export::preview(&state.store, &selection, &spec)?)
    })
    .await
    .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))?
}

/// Asks where to save, then writes the export there with progress. None
/// when the user closed the dialog.
#[tauri::command]
pub async fn export_events(
    app: AppHandle,
    state: State<'_, AppState>,
    args: ExportEventsArgs,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<ExportOutcome>, ErrorPayload> {
    let selection = args.selection()?;
    let spec = args.spec();
    let (name, filter, extensions): (&str, &str, &[&str]) = match spec.format {
        ExportFormat::Har => ("hooklens-export.har", "HAR", &["har"]),
        ExportFormat::Bundle => ("hooklens-case.ndjson", "Hooklens bundle", &["ndjson"]),
        ExportFormat::Curl => ("hooklens-export.sh", "curl commands", &["sh", "txt"]),
        ExportFormat::Raw => ("hooklens-export.http", "Raw HTTP", &["http", "txt"]),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Export events")
        .set_file_name(name)
        .add_filter(filter, extensions)
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|err| {
        ErrorPayload::new(ErrorKind::Invalid, format!("cannot save there: {err}"))
    })?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.exporting.lock().map_err(|_| reader_unavailable())?;
        if running.is_some() {
            return Err(ErrorPayload::new(
                ErrorKind::Invalid,
                "an export is already running; wait for it or cancel it",
            ));
        }
        *running = Some(cancel.clone());
    }
    let store = state.store.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        write_export(&store, &selection, &spec, &path, &cancel, |p| {
            let _ = on_progress.send(p);
        })
    })
    .await;
    if let Ok(mut running) = state.exporting.lock() {
        *running = None;
    }
    let outcome =
        result.map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))??;
    tracing::info!(
        events = outcome.events,
        redacted = outcome.redacted_events,
        cancelled = outcome.cancelled,
        "exported"
    );
    Ok(Some(outcome))
}

/// Stops the running export after the event being written; the file stays
/// whole (see `ExportOutcome::cancelled`).
#[tauri::command]
pub fn cancel_export(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    if let Some(cancel) = state
        .exporting
        .lock()
        .map_err(|_| reader_unavailable())?
        .as_ref()
    {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

/// Writes the export to `path` on the calling (blocking) thread, and makes
/// sure it reached the disk.
fn write_export(
    store: &Store,
    selection: &Selection,
    spec: &ExportSpec,
    path: &Path,
    cancel: &AtomicBool,
    progress: impl FnMut(ExportProgress),
) -> Result<ExportOutcome, ErrorPayload> {
    let unwritable = |err: std::io::Error| {
        ErrorPayload::new(
            ErrorKind::Invalid,
            format!("could not write {}: {err}", path.display()),
        )
    };
    let mut file = std::fs::File::create(path).map_err(unwritable)?;
    let outcome = export::export(store, selection, spec, &mut file, cancel, progress)?;
    file.sync_all().map_err(unwritable)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use hooklens_core::formats::{self, Format};
    use hooklens_core::import::{ImportSpec, import_source};
    use hooklens_core::store::now_ns;

    use super::*;

    const TOKEN: &str = "Bearer sk_live_51NotAReal0Token";
    const EMAIL: &str = "ada@merchant.example";

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "hooklens-shell-export-{name}-{}-{}",
            std::process::id(),
            now_ns()
        ));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        dir
    }

    /// A store holding one request with a bearer token and an email.
    fn store_with_a_case(dir: &Path) -> Store {
        let store = Store::open(&dir.join("data")).unwrap();
        let raw = format!(
            "POST /hooks HTTP/1.1\r\nAuthorization: {TOKEN}\r\nContent-Type: application/json\r\n\r\n{{\"customer\":{{\"email\":\"{EMAIL}\"}}}}"
        );
        let reader = formats::read(
            Format::Raw,
            Box::new(std::io::Cursor::new(raw.into_bytes())),
            None,
        );
        let outcome = tauri::async_runtime::block_on(import_source(
            &store,
            Format::Raw,
            reader,
            &ImportSpec::default(),
            now_ns(),
            &AtomicBool::new(false),
            |_| {},
        ))
        .unwrap();
        assert_eq!(outcome.imported, 1, "{:?}", outcome.problems);
        store
    }

    fn all() -> Selection {
        Selection::Query {
            query: parse_query("").unwrap(),
            endpoint_id: None,
        }
    }

    #[test]
    fn the_written_file_carries_no_redacted_value_and_the_preview_named_each() {
        let dir = scratch("redacted");
        let store = store_with_a_case(&dir);
        let spec = ExportSpec {
            format: ExportFormat::Har,
            redaction: Redaction {
                default_headers: true,
                headers: Vec::new(),
                json_paths: vec!["customer.email".into()],
                patterns: Vec::new(),
            },
        };
        let preview = export::preview(&store, &all(), &spec).unwrap();
        assert_eq!(preview.redacted_events, 1);
        let places: Vec<&str> = preview.items.iter().map(|i| i.place.as_str()).collect();
        assert!(places.contains(&"Authorization"), "{places:?}");
        assert!(places.contains(&"customer.email"), "{places:?}");

        let target = dir.join("case.har");
        let mut heard = Vec::new();
        let outcome = write_export(
            &store,
            &all(),
            &spec,
            &target,
            &AtomicBool::new(false),
            |p| heard.push(p),
        )
        .unwrap();
        assert_eq!((outcome.events, outcome.redacted_events), (1, 1));
        assert_eq!(heard.last().map(|p| (p.done, p.total)), Some((1, 1)));
        let written = std::fs::read_to_string(&target).unwrap();
        assert!(!written.contains("sk_live_51NotAReal0Token"));
        assert!(!written.contains(EMAIL));
        assert!(written.contains("/hooks"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_place_that_cannot_be_written_is_named() {
        let dir = scratch("unwritable");
        let store = store_with_a_case(&dir);
        let spec = ExportSpec {
            format: ExportFormat::Raw,
            redaction: Redaction::default(),
        };
        let target = dir.join("no-such-folder").join("case.http");
        let err = write_export(
            &store,
            &all(),
            &spec,
            &target,
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Invalid);
        assert!(err.message.contains("no-such-folder"), "{}", err.message);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
