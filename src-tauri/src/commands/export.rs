//! Export from the window: the selection or the current search, redacted,
//! written by the shell to the path the user picks in the native save
//! dialog (the webview never writes a file nor names a path).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hooklens_core::export::{
    self, ExportFormat, ExportOutcome, ExportProgress, ExportSpec, Redaction, RedactionPreview,
    Selection,
};
use hooklens_core::model::{ErrorKind, ErrorPayload};
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
    let target = path.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let mut file = std::fs::File::create(&target).map_err(|err| {
            ErrorPayload::new(
                ErrorKind::Invalid,
                format!("could not write {}: {err}", target.display()),
            )
        })?;
        let outcome = export::export(&store, &selection, &spec, &mut file, &cancel, |p| {
            let _ = on_progress.send(p);
        })?;
        file.sync_all().map_err(|err| {
            ErrorPayload::new(
                ErrorKind::Invalid,
                format!("could not write {}: {err}", target.display()),
            )
        })?;
        Ok::<_, ErrorPayload>(outcome)
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
