//! The timeline: searching, counting and reading events, pinning them, and
//! the live stream of new ones.

use std::time::Duration;

use hooklens_core::detail;
use hooklens_core::model::{
    ErrorKind, ErrorPayload, EventBatch, EventPage, EventView, HeaderView, MatchCount, QueryField,
};
use hooklens_core::store::{Cursor, PageQuery};
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use ts_rs::TS;

use super::{locked, off_runtime, parse_query};
use crate::AppState;

/// Live updates are gathered this long before one message goes to the UI.
const BATCH_WINDOW: Duration = Duration::from_millis(75);
/// Counting stops here: "1,000+ events" says enough, and an exact count of
/// a million matches would cost more than the page it labels.
const COUNT_CAP: u32 = 1_000;

/// Which page of events `search_events` returns.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchEventsArgs {
    /// The search language; "" matches everything.
    pub query: String,
    pub limit: u32,
    /// Only events older than this cursor (an event's `cursor`).
    pub before: Option<String>,
    /// Only events newer than this cursor (still returned newest first).
    pub after: Option<String>,
    /// Only this endpoint's events.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
}

/// A page of events matching `query` (the search language), newest first:
/// older than `before`, or newer than `after`, and of one endpoint when
/// `endpoint_id` is given.
#[tauri::command]
pub async fn search_events(
    app: AppHandle,
    args: SearchEventsArgs,
) -> Result<EventPage, ErrorPayload> {
    let SearchEventsArgs {
        query,
        limit,
        before,
        after,
        endpoint_id,
    } = args;
    off_runtime(app, move |state| {
        let query = parse_query(&query)?;
        let before = before.map(|c| c.parse::<Cursor>()).transpose()?;
        let after = after.map(|c| c.parse::<Cursor>()).transpose()?;
        Ok(locked(&state.reader)?.search_page(&PageQuery {
            limit,
            before,
            after,
            endpoint_id,
            query,
        })?)
    })
    .await
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CountEventsArgs {
    pub query: String,
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
}

/// How many events match; on a reader of its own so a slow count never
/// holds up the pages the user scrolls through.
#[tauri::command]
pub async fn count_events(
    app: AppHandle,
    args: CountEventsArgs,
) -> Result<MatchCount, ErrorPayload> {
    off_runtime(app, move |state| {
        let query = parse_query(&args.query)?;
        Ok(locked(&state.counter)?.count_matching(&query, args.endpoint_id, COUNT_CAP)?)
    })
    .await
}

#[tauri::command]
pub async fn query_fields(app: AppHandle) -> Result<Vec<QueryField>, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(locked(&state.counter)?.query_fields(&state.store.endpoints())?)
    })
    .await
}

#[tauri::command]
pub async fn get_event(app: AppHandle, id: i64) -> Result<EventView, ErrorPayload> {
    off_runtime(app, move |state| {
        let reader = locked(&state.details)?;
        Ok(detail::event_view(&reader, id)?)
    })
    .await
}

/// Secret-bearing headers are not in it: it reads them from environment
/// variables it names (see `detail::curl_command`).
#[tauri::command]
pub async fn curl_command(app: AppHandle, id: i64) -> Result<String, ErrorPayload> {
    off_runtime(app, move |state| {
        let detail = locked(&state.details)?.event(id)?;
        Ok(detail::curl_command(
            &detail,
            &state.store.endpoints(),
            None,
        ))
    })
    .await
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevealHeaderArgs {
    #[ts(type = "number")]
    pub event_id: i64,
    /// The header's place in arrival order.
    pub index: usize,
}

/// The value of a masked header (`index` in arrival order), for an explicit
/// "reveal" by the user only: `get_event` never sends it to the webview.
#[tauri::command]
pub async fn reveal_header(
    app: AppHandle,
    args: RevealHeaderArgs,
) -> Result<HeaderView, ErrorPayload> {
    off_runtime(app, move |state| {
        let reader = locked(&state.details)?;
        Ok(detail::reveal_header(&reader, args.event_id, args.index)?)
    })
    .await
}

/// Asks where to save event `id`'s body and writes its exact bytes there.
/// The dialog runs here, not in the webview, so the UI needs no file access.
#[tauri::command]
pub async fn save_body(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Result<Option<String>, ErrorPayload> {
    let detail = locked(&state.details)?.event(id)?;
    let name = format!(
        "event-{id}.{}",
        body_extension(detail.summary.content_type.as_deref())
    );
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save body")
        .set_file_name(name)
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|err| {
        ErrorPayload::new(ErrorKind::Invalid, format!("cannot save there: {err}"))
    })?;
    let body = detail.body;
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || std::fs::write(&target, body))
        .await
        .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))?
        .map_err(|err| {
            ErrorPayload::new(
                ErrorKind::Invalid,
                format!("could not write {}: {err}", path.display()),
            )
        })?;
    Ok(Some(path.display().to_string()))
}

fn body_extension(content_type: Option<&str>) -> &'static str {
    let essence = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match essence.as_str() {
        "application/json" => "json",
        "application/x-www-form-urlencoded" => "txt",
        "application/xml" | "text/xml" => "xml",
        "text/plain" => "txt",
        "text/html" => "html.txt",
        _ if essence.ends_with("+json") => "json",
        _ => "bin",
    }
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetPinnedArgs {
    #[ts(type = "Array<number>")]
    pub ids: Vec<i64>,
    pub pinned: bool,
}

#[tauri::command]
pub async fn set_pinned(app: AppHandle, args: SetPinnedArgs) -> Result<(), ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(state.store.set_pinned_many(&args.ids, args.pinned)?)
    })
    .await
}

/// Streams newly stored events to the UI until the channel closes (the
/// webview reloaded or the window closed).
#[tauri::command]
pub fn subscribe_events(state: State<'_, AppState>, on_batch: Channel<EventBatch>) {
    let mut rx = state.store.subscribe();
    let mut changes = state.store.subscribe_changes();
    tauri::async_runtime::spawn(async move {
        loop {
            let mut batch = EventBatch {
                events: Vec::new(),
                lagged: false,
                changed: false,
            };
            tokio::select! {
                first = rx.recv() => match first {
                    Ok(first) => batch.events.push(first),
                    Err(RecvError::Lagged(_)) => batch.lagged = true,
                    Err(RecvError::Closed) => return,
                },
                change = changes.recv() => match change {
                    Ok(()) | Err(RecvError::Lagged(_)) => batch.changed = true,
                    Err(RecvError::Closed) => return,
                },
            }
            tokio::time::sleep(BATCH_WINDOW).await;
            loop {
                match rx.try_recv() {
                    Ok(event) => batch.events.push(event),
                    Err(TryRecvError::Lagged(_)) => batch.lagged = true,
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Closed) => return,
                }
            }
            while changes.try_recv().is_ok() {
                batch.changed = true;
            }
            if on_batch.send(batch).is_err() {
                tracing::debug!("event channel closed; live updates stop");
                return;
            }
        }
    });
}
