//! Thin adapters from IPC commands onto the core.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hooklens_core::capture::{self, Listener};
use hooklens_core::model::{
    AppInfo, DeliveryRun, Endpoint, EndpointCount, EndpointSpec, ErrorKind, ErrorPayload,
    EventBatch, EventPage, EventView, HeaderView, ListenerState, ListenerStats, ListenerStatus,
    MatchCount, PresetInfo, QueryField, ResendSpec, ReverifyOutcome, ReverifyProgress, SampleInfo,
    ScheduleInfo, SendProgress, Signing, SigningInfo, TestEventSpec,
};
use hooklens_core::query::{self, Query};
use hooklens_core::resend::{self, Cancel, Sender};
use hooklens_core::store::{Cursor, PageQuery, Reader, now_ns};
use hooklens_core::{config, detail, providers};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;
use crate::notify::{NotifyError, NotifySettings, NotifyState, ViewContext};

/// Live updates are gathered this long before one message goes to the UI.
const BATCH_WINDOW: Duration = Duration::from_millis(75);
const MAX_PAGE: u32 = 500;
/// Counting stops here: "1,000+ events" says enough, and an exact count of
/// a million matches would cost more than the page it labels.
const COUNT_CAP: u32 = 1_000;
/// The UI redraws a progress bar no faster than this.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

fn reader_unavailable() -> ErrorPayload {
    ErrorPayload::new(ErrorKind::Internal, "the event reader is unavailable")
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    Ok(state.info().await)
}

/// Runs `work` on the blocking pool. Database work can take a while (a
/// count over a million rows), and the async workers it would otherwise
/// occupy are the ones the capture listener answers requests on.
async fn off_runtime<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, ErrorPayload> + Send + 'static,
) -> Result<T, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))?
}

fn locked(reader: &Mutex<Reader>) -> Result<MutexGuard<'_, Reader>, ErrorPayload> {
    reader.lock().map_err(|_| reader_unavailable())
}

fn parse_query(text: &str) -> Result<Query, ErrorPayload> {
    Ok(query::parse(text, now_ns() / 1_000_000)?)
}

/// A page of events matching `query` (the search language), newest first:
/// older than `before`, or newer than `after`, and of one endpoint when
/// `endpoint_id` is given.
#[tauri::command]
pub async fn search_events(
    app: AppHandle,
    query: String,
    limit: u32,
    before: Option<String>,
    after: Option<String>,
    endpoint_id: Option<i64>,
) -> Result<EventPage, ErrorPayload> {
    off_runtime(app, move |state| {
        let query = parse_query(&query)?;
        let before = before.map(|c| c.parse::<Cursor>()).transpose()?;
        let after = after.map(|c| c.parse::<Cursor>()).transpose()?;
        let limit = limit.clamp(1, MAX_PAGE);
        let events = locked(&state.reader)?.query(&PageQuery {
            limit,
            before,
            after,
            endpoint_id,
            query,
        })?;
        Ok(EventPage {
            has_more: events.len() == limit as usize,
            events,
        })
    })
    .await
}

/// How many events match; on a reader of its own so a slow count never
/// holds up the pages the user scrolls through.
#[tauri::command]
pub async fn count_events(
    app: AppHandle,
    query: String,
    endpoint_id: Option<i64>,
) -> Result<MatchCount, ErrorPayload> {
    off_runtime(app, move |state| {
        let query = parse_query(&query)?;
        Ok(locked(&state.counter)?.count_matching(&query, endpoint_id, COUNT_CAP)?)
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
        let reader = locked(&state.reader)?;
        Ok(detail::event_view(&reader, id)?)
    })
    .await
}

/// Secret-bearing headers are not in it: it reads them from environment
/// variables it names (see `detail::curl_command`).
#[tauri::command]
pub async fn curl_command(app: AppHandle, id: i64) -> Result<String, ErrorPayload> {
    off_runtime(app, move |state| {
        let detail = locked(&state.reader)?.event(id)?;
        Ok(detail::curl_command(
            &detail,
            &state.store.endpoints(),
            None,
        ))
    })
    .await
}

/// The value of a masked header (`index` in arrival order), for an explicit
/// "reveal" by the user only: `get_event` never sends it to the webview.
#[tauri::command]
pub async fn reveal_header(
    app: AppHandle,
    event_id: i64,
    index: usize,
) -> Result<HeaderView, ErrorPayload> {
    off_runtime(app, move |state| {
        let reader = locked(&state.reader)?;
        Ok(detail::reveal_header(&reader, event_id, index)?)
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
    let detail = locked(&state.reader)?.event(id)?;
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

#[tauri::command]
pub async fn set_pinned(app: AppHandle, ids: Vec<i64>, pinned: bool) -> Result<(), ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(state.store.set_pinned_many(&ids, pinned)?)
    })
    .await
}

#[tauri::command]
pub fn list_presets() -> Vec<PresetInfo> {
    providers::preset_infos()
}

#[tauri::command]
pub async fn add_endpoint(app: AppHandle, spec: EndpointSpec) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| Ok(state.store.add_endpoint(&spec)?)).await
}

#[tauri::command]
pub async fn update_endpoint(
    app: AppHandle,
    id: i64,
    spec: EndpointSpec,
) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(state.store.update_endpoint(id, &spec)?)
    })
    .await
}

#[tauri::command]
pub async fn remove_endpoint(app: AppHandle, id: i64) -> Result<(), ErrorPayload> {
    off_runtime(app, move |state| Ok(state.store.remove_endpoint(id)?)).await
}

fn endpoint(state: &AppState, id: i64) -> Result<Endpoint, ErrorPayload> {
    state
        .store
        .endpoints()
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(|| ErrorPayload::new(ErrorKind::NotFound, format!("no endpoint {id}")))
}

#[tauri::command]
pub async fn add_secret(
    app: AppHandle,
    endpoint_id: i64,
    label: String,
    value: String,
) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        state.store.set_secret(endpoint_id, &label, &value)?;
        endpoint(state, endpoint_id)
    })
    .await
}

#[tauri::command]
pub async fn remove_secret(
    app: AppHandle,
    endpoint_id: i64,
    label: String,
) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        state.store.remove_secret(endpoint_id, &label)?;
        endpoint(state, endpoint_id)
    })
    .await
}

#[tauri::command(async)]
pub fn reveal_secret(
    state: State<'_, AppState>,
    endpoint_id: i64,
    label: String,
) -> Result<String, ErrorPayload> {
    Ok(state.store.reveal_secret(endpoint_id, &label)?)
}

/// Re-verifies stored events (one endpoint's, or all) with the current
/// configuration, reporting progress at most every PROGRESS_INTERVAL.
#[tauri::command]
pub async fn reverify(
    state: State<'_, AppState>,
    endpoint_id: Option<i64>,
    on_progress: Channel<ReverifyProgress>,
) -> Result<ReverifyOutcome, ErrorPayload> {
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.reverifying.lock().map_err(|_| reader_unavailable())?;
        if running.is_some() {
            return Err(ErrorPayload::new(
                ErrorKind::Invalid,
                "a re-verification is already running; wait for it or cancel it",
            ));
        }
        *running = Some(cancel.clone());
    }
    let store = state.store.clone();
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        let mut last_sent: Option<Instant> = None;
        hooklens_core::verdict::reverify(&store, endpoint_id, &cancel, |progress| {
            let due = last_sent.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL);
            if due || progress.done == progress.total {
                last_sent = Some(Instant::now());
                let _ = on_progress.send(progress);
            }
        })
    })
    .await;
    if let Ok(mut running) = state.reverifying.lock() {
        *running = None;
    }
    let outcome =
        outcome.map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))??;
    tracing::info!(
        checked = outcome.checked,
        changed = outcome.changed,
        cancelled = outcome.cancelled,
        "re-verified"
    );
    Ok(outcome)
}

/// Stops the running re-verification after its current batch.
#[tauri::command]
pub fn cancel_reverify(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    if let Some(cancel) = state
        .reverifying
        .lock()
        .map_err(|_| reader_unavailable())?
        .as_ref()
    {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

#[tauri::command]
pub fn list_endpoints(state: State<'_, AppState>) -> Vec<Endpoint> {
    state.store.endpoints().to_vec()
}

#[tauri::command]
pub async fn endpoint_counts(app: AppHandle) -> Result<Vec<EndpointCount>, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(locked(&state.counter)?.endpoint_counts()?)
    })
    .await
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

/// Sends each of `event_ids` once, as captured, in a shuffled order.
#[tauri::command]
pub async fn resend_shuffled(
    state: State<'_, AppState>,
    event_ids: Vec<i64>,
    url: String,
    signing: Signing,
    token: u32,
    on_progress: Channel<SendProgress>,
) -> Result<Vec<DeliveryRun>, ErrorPayload> {
    let sender = sender(&state)?;
    let registered = Registered::new(&state, token)?;
    let mut progress = progress_to(on_progress);
    Ok(sender
        .resend_shuffled(
            &event_ids,
            &url,
            &signing,
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
    providers::presets()
        .iter()
        .flat_map(|p| {
            providers::samples::sample_types(p.id)
                .unwrap_or(&[])
                .iter()
                .map(|t| SampleInfo {
                    preset: p.id.to_owned(),
                    event_type: t.event_type.to_owned(),
                    description: t.description.to_owned(),
                })
        })
        .collect()
}

#[tauri::command]
pub fn list_schedules() -> Vec<ScheduleInfo> {
    providers::schedules::schedule_infos()
}

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

/// How a resend of `event_id` (None: a new request) would be signed by
/// `endpoint_id` (None: the event's endpoint).
#[tauri::command]
pub async fn signing_info(
    app: AppHandle,
    event_id: Option<i64>,
    endpoint_id: Option<i64>,
) -> Result<SigningInfo, ErrorPayload> {
    off_runtime(app, move |state| {
        let event = match event_id {
            Some(id) => Some(locked(&state.counter)?.event(id)?),
            None => None,
        };
        Ok(resend::signing_info(
            &state.store,
            event.as_ref(),
            endpoint_id,
        ))
    })
    .await
}
