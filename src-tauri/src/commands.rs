//! Thin adapters from IPC commands onto the core.

use std::time::Duration;

use hooklens_core::api::{
    AppInfo, Endpoint, EndpointCount, ErrorKind, ErrorPayload, EventBatch, EventPage,
    ListenerStatus,
};
use hooklens_core::capture::{self, Listener};
use hooklens_core::config;
use hooklens_core::store::{Cursor, PageQuery};
use tauri::State;
use tauri::ipc::Channel;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;

/// Live updates are gathered this long before one message goes to the UI.
const BATCH_WINDOW: Duration = Duration::from_millis(75);
const MAX_PAGE: u32 = 500;

fn reader_unavailable() -> ErrorPayload {
    ErrorPayload::new(ErrorKind::Internal, "the event reader is unavailable")
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    Ok(state.info().await)
}

/// A page of the timeline, newest first, older than `before` when given,
/// only one endpoint's events when `endpoint_id` is given.
#[tauri::command(async)]
pub fn list_events(
    state: State<'_, AppState>,
    limit: u32,
    before: Option<String>,
    endpoint_id: Option<i64>,
) -> Result<EventPage, ErrorPayload> {
    let before = before.map(|c| c.parse::<Cursor>()).transpose()?;
    let reader = state.reader.lock().map_err(|_| reader_unavailable())?;
    let limit = limit.clamp(1, MAX_PAGE);
    let events = reader.query(&PageQuery {
        limit,
        before,
        endpoint_id,
        ..PageQuery::default()
    })?;
    Ok(EventPage {
        has_more: events.len() == limit as usize,
        events,
    })
}

#[tauri::command]
pub fn list_endpoints(state: State<'_, AppState>) -> Vec<Endpoint> {
    state.store.endpoints().to_vec()
}

#[tauri::command(async)]
pub fn endpoint_counts(state: State<'_, AppState>) -> Result<Vec<EndpointCount>, ErrorPayload> {
    let reader = state.reader.lock().map_err(|_| reader_unavailable())?;
    Ok(reader.endpoint_counts()?)
}

/// Moves the listener to `address` (e.g. the free port offered when the
/// configured one was taken). The old listener keeps running until the new
/// one is bound, so a failed switch loses nothing.
#[tauri::command]
pub async fn listen_on(
    state: State<'_, AppState>,
    address: String,
) -> Result<ListenerStatus, ErrorPayload> {
    if state.lock.is_none() {
        return Err(ErrorPayload::new(
            ErrorKind::Capture,
            "another Hooklens is capturing into this data directory; stop it first",
        ));
    }
    let addr = config::parse_listen(&address)
        .map_err(|e| ErrorPayload::new(ErrorKind::Invalid, e.to_string()))?;
    let mut slot = state.listener.lock().await;
    if slot
        .listener
        .as_ref()
        .is_some_and(|l| l.local_addr() == addr)
    {
        return Ok(slot.status.clone());
    }
    match Listener::start(addr, state.store.clone()).await {
        Ok(listener) => {
            slot.status = listener.status();
            if let Some(old) = slot.listener.replace(listener) {
                old.shutdown().await;
            }
            tracing::info!(%addr, "listener moved");
            Ok(slot.status.clone())
        }
        Err(err) => {
            if slot.listener.is_none() {
                slot.status = capture::failed_status(addr, &err);
            }
            Err(ErrorPayload::new(ErrorKind::Capture, err.to_string()))
        }
    }
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
