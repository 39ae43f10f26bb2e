//! Thin adapters from IPC commands onto the core.

use std::time::Duration;

use hooklens_core::api::{AppInfo, ErrorKind, ErrorPayload, EventBatch, EventPage};
use hooklens_core::store::Cursor;
use tauri::State;
use tauri::ipc::Channel;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;

/// Live updates are gathered this long before one message goes to the UI.
const BATCH_WINDOW: Duration = Duration::from_millis(75);
const MAX_PAGE: u32 = 500;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.info.clone()
}

/// A page of the timeline, newest first, older than `before` when given.
#[tauri::command(async)]
pub fn list_events(
    state: State<'_, AppState>,
    limit: u32,
    before: Option<String>,
) -> Result<EventPage, ErrorPayload> {
    let before = before
        .map(|c| c.parse::<Cursor>())
        .transpose()
        .map_err(ErrorPayload::from)?;
    let reader = state
        .reader
        .lock()
        .map_err(|_| ErrorPayload::new(ErrorKind::Internal, "the event reader is unavailable"))?;
    Ok(reader.page(limit.clamp(1, MAX_PAGE), before)?)
}

/// Streams newly stored events to the UI until the channel closes (the
/// webview reloaded or the window closed).
#[tauri::command]
pub fn subscribe_events(state: State<'_, AppState>, on_batch: Channel<EventBatch>) {
    let mut rx = state.store.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let mut batch = EventBatch {
                events: Vec::new(),
                lagged: false,
            };
            match rx.recv().await {
                Ok(first) => batch.events.push(first),
                Err(RecvError::Lagged(_)) => batch.lagged = true,
                Err(RecvError::Closed) => return,
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
            if on_batch.send(batch).is_err() {
                tracing::debug!("event channel closed; live updates stop");
                return;
            }
        }
    });
}
