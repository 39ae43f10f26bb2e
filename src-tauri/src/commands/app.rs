//! The app and its capture listener.

use hooklens_core::capture::{self, Listener};
use hooklens_core::config;
use hooklens_core::model::{AppInfo, ErrorKind, ErrorPayload, ListenerStats, ListenerStatus};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    Ok(state.info().await)
}

/// What the listener's connection limits have done since it started; None
/// while nothing listens.
#[tauri::command]
pub async fn listener_stats(
    state: State<'_, AppState>,
) -> Result<Option<ListenerStats>, ErrorPayload> {
    let slot = state.listener.lock().await;
    Ok(slot.listener.as_ref().map(Listener::stats))
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
            let status = slot.status.clone();
            drop(slot);
            super::tunnel::follow_listener(&state).await;
            Ok(status)
        }
        Err(err) => {
            if slot.listener.is_none() {
                slot.status = capture::failed_status(addr, &err);
            }
            Err(ErrorPayload::new(ErrorKind::Capture, err.to_string()))
        }
    }
}
