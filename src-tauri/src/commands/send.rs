//! Sending requests: resends, shuffled resends and test events, their
//! history, and what the editor needs to prepare them.

use hooklens_core::model::{
    DeliveryRun, ErrorKind, ErrorPayload, ListenerState, ResendSpec, SampleInfo, ScheduleInfo,
    SendProgress, Signing, SigningInfo, TestEventSpec,
};
use hooklens_core::resend::{self, Cancel, Sender};
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::{locked, off_runtime, reader_unavailable};
use crate::AppState;

fn sender(state: &AppState) -> Result<Sender, ErrorPayload> {
    state.sender.clone().ok_or_else(|| {
        ErrorPayload::new(
            ErrorKind::Send,
            "sending is unavailable: Hooklens's HTTP client could not start (see the log)",
        )
    })
}

/// Registers a send the UI can cancel by `token`; unregisters on drop.
struct Registered<'a> {
    state: &'a AppState,
    token: u32,
    cancel: Cancel,
}

impl<'a> Registered<'a> {
    fn new(state: &'a AppState, token: u32) -> Result<Self, ErrorPayload> {
        let cancel = Cancel::new();
        let mut sends = state.sends.lock().map_err(|_| reader_unavailable())?;
        if sends.contains_key(&token) {
            return Err(ErrorPayload::new(
                ErrorKind::Invalid,
                format!("a send with token {token} is already running"),
            ));
        }
        sends.insert(token, cancel.clone());
        Ok(Registered {
            state,
            token,
            cancel,
        })
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        if let Ok(mut sends) = self.state.sends.lock() {
            sends.remove(&self.token);
        }
    }
}

fn progress_to(channel: Channel<SendProgress>) -> impl FnMut(SendProgress) + Send {
    move |p| {
        let _ = channel.send(p);
    }
}

/// Sends the resend editor's request (once, N times or on a provider's
/// retry schedule), streaming each attempt; `cancel_send(token)` stops it.
#[tauri::command]
pub async fn resend(
    state: State<'_, AppState>,
    spec: ResendSpec,
    token: u32,
    on_progress: Channel<SendProgress>,
) -> Result<DeliveryRun, ErrorPayload> {
    let sender = sender(&state)?;
    let registered = Registered::new(&state, token)?;
    let mut progress = progress_to(on_progress);
    let run = sender
        .resend(&spec, &mut progress, &registered.cancel)
        .await?;
    tracing::info!(run = run.id, outcome = ?run.outcome, "resend finished");
    Ok(run)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResendShuffledArgs {
    #[ts(type = "Array<number>")]
    pub event_ids: Vec<i64>,
    pub url: String,
    pub signing: Signing,
}

/// Sends each of `event_ids` once, as captured, in a shuffled order.
#[tauri::command]
pub async fn resend_shuffled(
    state: State<'_, AppState>,
    args: ResendShuffledArgs,
    token: u32,
    on_progress: Channel<SendProgress>,
) -> Result<Vec<DeliveryRun>, ErrorPayload> {
    let sender = sender(&state)?;
    let registered = Registered::new(&state, token)?;
    let mut progress = progress_to(on_progress);
    Ok(sender
        .resend_shuffled(
            &args.event_ids,
            &args.url,
            &args.signing,
            &mut progress,
            &registered.cancel,
        )
        .await?)
}

/// Sends a fresh signed sample; by default to this app's own listener, so
/// it shows up in the timeline.
#[tauri::command]
pub async fn send_test_event(
    state: State<'_, AppState>,
    spec: TestEventSpec,
    token: u32,
    on_progress: Channel<SendProgress>,
) -> Result<DeliveryRun, ErrorPayload> {
    let sender = sender(&state)?;
    let listener_url = {
        let slot = state.listener.lock().await;
        (slot.status.state == ListenerState::Listening).then(|| slot.status.url.clone())
    };
    let registered = Registered::new(&state, token)?;
    let mut progress = progress_to(on_progress);
    Ok(sender
        .send_test(
            &spec,
            listener_url.as_deref(),
            &mut progress,
            &registered.cancel,
        )
        .await?)
}

/// Stops the send registered as `token` (a schedule between attempts stops
/// at once; an attempt in flight finishes and is recorded).
#[tauri::command]
pub fn cancel_send(state: State<'_, AppState>, token: u32) -> Result<(), ErrorPayload> {
    if let Some(cancel) = state
        .sends
        .lock()
        .map_err(|_| reader_unavailable())?
        .get(&token)
    {
        cancel.cancel();
    }
    Ok(())
}

/// The sends from event `event_id`, newest first; without one, the newest
/// sends of any kind.
#[tauri::command]
pub async fn list_runs(
    app: AppHandle,
    event_id: Option<i64>,
) -> Result<Vec<DeliveryRun>, ErrorPayload> {
    off_runtime(app, move |state| {
        let reader = locked(&state.counter)?;
        Ok(match event_id {
            Some(id) => reader.runs_of_event(id, 50)?,
            None => reader.recent_runs(50)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn recent_targets(app: AppHandle) -> Result<Vec<String>, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(locked(&state.counter)?.recent_targets(10)?)
    })
    .await
}

/// Every preset's sample event types.
#[tauri::command]
pub fn list_samples() -> Vec<SampleInfo> {
    hooklens_core::api::samples()
}

#[tauri::command]
pub fn list_schedules() -> Vec<ScheduleInfo> {
    hooklens_core::api::schedules()
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SigningInfoArgs {
    /// Null: a new request.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    /// Null: the event's endpoint.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
}

/// How a resend of `event_id` (None: a new request) would be signed by
/// `endpoint_id` (None: the event's endpoint).
#[tauri::command]
pub async fn signing_info(
    app: AppHandle,
    args: SigningInfoArgs,
) -> Result<SigningInfo, ErrorPayload> {
    off_runtime(app, move |state| {
        let event = match args.event_id {
            Some(id) => Some(locked(&state.counter)?.event(id)?),
            None => None,
        };
        Ok(resend::signing_info(
            &state.store,
            event.as_ref(),
            args.endpoint_id,
        ))
    })
    .await
}
