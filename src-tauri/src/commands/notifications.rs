//! Notification rules and the bridge between notifications and the window.

use hooklens_core::model::{ErrorKind, ErrorPayload};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::off_runtime;
use crate::AppState;
use crate::notify::{NotifyError, NotifySettings, NotifyState, ViewContext};

/// Notification rules and whether notifications can be shown here.
#[tauri::command]
pub fn notify_state(state: State<'_, AppState>) -> NotifyState {
    state.notifier.state()
}

#[tauri::command]
pub async fn set_notify_settings(
    app: AppHandle,
    settings: NotifySettings,
) -> Result<NotifyState, ErrorPayload> {
    off_runtime(app, move |state| {
        state
            .notifier
            .set(&state.store, settings)
            .map_err(|err| match err {
                NotifyError::Query(message) => ErrorPayload::new(ErrorKind::Query, message),
                NotifyError::Store(err) => err.into(),
            })
    })
    .await
}

/// What the timeline shows now, so events already in view do not notify.
#[tauri::command]
pub fn set_view_context(state: State<'_, AppState>, view: ViewContext) {
    state.notifier.set_view(view);
}

/// A click on a notification sends the event to open on this channel.
#[tauri::command]
pub fn subscribe_opens(state: State<'_, AppState>, on_open: Channel<i64>) {
    state.notifier.set_opens(on_open);
}
