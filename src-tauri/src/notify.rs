//! Native notifications for new events, through notify-rust (D-Bus on
//! Linux). A burst becomes one summary; the user's rule decides which
//! events count; nothing here can slow or stop capture: it reads the core's
//! broadcast of stored events, on its own task, and a missing notification
//! daemon is reported once and otherwise ignored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooklens_core::model::{Endpoint, EventSummary};
use hooklens_core::query::{self, Query};
use hooklens_core::signature::VerdictStatus;
use hooklens_core::store::{Store, now_ns};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use ts_rs::TS;

/// Where the rules are kept, as a store preference (JSON).
const PREFERENCE: &str = "notifications";
/// After a notification, further events within this window are gathered
/// into one summary; a steady stream gives one summary per window.
pub const WINDOW: Duration = Duration::from_secs(5);
/// How long to wait for the full-text index before deciding whether an
/// event matches a query with free text.
const INDEX_WAIT: Duration = Duration::from_secs(3);

/// Which new events raise a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NotifyRule {
    #[default]
    All,
    /// Only events whose signature is not valid (invalid, malformed, stale).
    Invalid,
    /// Only events matching `query` (the search language).
    Query,
    None,
}

/// The user's notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NotifySettings {
    pub rule: NotifyRule,
    /// For [`NotifyRule::Query`].
    pub query: String,
    /// Do not disturb: nothing is shown until resumed.
    pub paused: bool,
}

/// Whether notifications can be shown on this desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum NotifyStatus {
    /// Not known yet (the first check runs at start-up).
    Unknown,
    Available {
        /// The notification server, e.g. "dunst" or "gnome-shell".
        server: String,
    },
    /// No notification service: events are still captured and shown.
    Unavailable { reason: String },
}

/// The settings and whether they can take effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotifyState {
    pub settings: NotifySettings,
    pub status: NotifyStatus,
}

/// What the timeline shows, so events the user is already watching in the
/// focused window do not also notify.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ViewContext {
    /// The timeline is at the top, showing new events as they arrive.
    pub following: bool,
    pub query: String,
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    One(Box<EventSummary>),
    /// Several events of one window, oldest first.
    Burst(Vec<EventSummary>),
}

/// Turns a stream of wanted events into few notifications: the first one
/// after a quiet spell at once, then at most one summary per window.
#[derive(Debug, Default)]
pub struct Coalescer {
    /// Set while a window is open: when it closes, and what it gathered.
    open: Option<(Instant, Vec<EventSummary>)>,
}

impl Coalescer {
    pub fn push(&mut self, event: EventSummary, now: Instant) -> Option<Note> {
        match &mut self.open {
            Some((_, pending)) => {
                pending.push(event);
                None
            }
            None => {
                self.open = Some((now + WINDOW, Vec::new()));
                Some(Note::One(Box::new(event)))
            }
        }
    }

    /// When [`Coalescer::tick`] has something to do.
    pub fn due(&self) -> Option<Instant> {
        self.open.as_ref().map(|(until, _)| *until)
    }

    pub fn tick(&mut self, now: Instant) -> Option<Note> {
        let (until, pending) = self.open.take()?;
        if now < until {
            self.open = Some((until, pending));
            return None;
        }
        match pending.len() {
            0 => None,
            1 => {
                self.open = Some((now + WINDOW, Vec::new()));
                pending.into_iter().next().map(|e| Note::One(Box::new(e)))
            }
            _ => {
                self.open = Some((now + WINDOW, Vec::new()));
                Some(Note::Burst(pending))
            }
        }
    }
}

fn not_valid(e: &EventSummary) -> bool {
    matches!(
        e.verdict.as_ref().map(|v| v.status),
        Some(VerdictStatus::Invalid | VerdictStatus::Malformed | VerdictStatus::Stale)
    )
}

fn endpoint_label(endpoints: &[Endpoint], id: Option<i64>) -> Option<String> {
    let e = endpoints.iter().find(|e| Some(e.id) == id)?;
    Some(if e.is_default {
        e.name.clone()
    } else {
        e.path_prefix.clone()
    })
}

/// The notification's summary line and body, plain text.
pub fn compose(note: &Note, endpoints: &[Endpoint]) -> (String, String) {
    match note {
        Note::One(e) => {
            let provider = e
                .provider
                .as_deref()
                .and_then(hooklens_core::providers::preset)
                .map(|p| p.name);
            let what = match (provider, &e.event_type) {
                (Some(p), Some(t)) => format!("{p} {t}"),
                (None, Some(t)) => t.clone(),
                (Some(p), None) => format!("{p}: {} {}", e.method, e.path),
                (None, None) => format!("{} {}", e.method, e.path),
            };
            let mut summary = what;
            let mut body = Vec::new();
            if not_valid(e) {
                summary = format!("⚠ {summary}");
                let reason = e
                    .verdict
                    .as_ref()
                    .and_then(|v| {
                        v.diagnosis
                            .as_ref()
                            .map(|d| d.message.clone())
                            .or_else(|| v.reason.clone())
                    })
                    .unwrap_or_else(|| "it does not match any configured secret".into());
                body.push(format!("Signature not valid: {reason}"));
            }
            let place = endpoint_label(endpoints, e.endpoint_id)
                .map_or_else(|| e.path.clone(), |l| format!("{} on {l}", e.path));
            body.push(match &e.provider_event_id {
                Some(id) if e.delivery > 1 => format!("{place} · {id} (delivery {})", e.delivery),
                Some(id) => format!("{place} · {id}"),
                None => place,
            });
            (summary, body.join("\n"))
        }
        Note::Burst(events) => {
            let mut places: Vec<String> = Vec::new();
            for e in events {
                let l = endpoint_label(endpoints, e.endpoint_id).unwrap_or_else(|| e.path.clone());
                if !places.contains(&l) {
                    places.push(l);
                }
            }
            let on = match places.as_slice() {
                [one] => format!(" on {one}"),
                _ => format!(" on {} endpoints", places.len()),
            };
            let summary = format!("{} new events{on}", events.len());
            let invalid = events.iter().filter(|e| not_valid(e)).count();
            let mut body = match invalid {
                0 => String::new(),
                1 => "⚠ 1 with an invalid signature\n".to_owned(),
                n => format!("⚠ {n} with invalid signatures\n"),
            };
            if let Some(last) = events.last() {
                let (what, _) = compose(&Note::One(Box::new(last.clone())), endpoints);
                body.push_str(&format!("Latest: {}", what.trim_start_matches("⚠ ")));
            }
            (summary, body)
        }
    }
}

/// The event a click on `note` opens: the only one, or the newest.
pub fn opens(note: &Note) -> Option<i64> {
    match note {
        Note::One(e) => Some(e.id),
        Note::Burst(events) => events.last().map(|e| e.id),
    }
}

/// Escapes what a server with `body-markup` would read as markup: event
/// types and paths come from senders.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Everything the notifier shares with the commands.
pub struct Notifier {
    settings: Mutex<NotifySettings>,
    /// `settings.query`, parsed (None when not a query rule or empty).
    parsed: Mutex<Option<Query>>,
    status: Mutex<NotifyStatus>,
    view: Mutex<Option<(ViewContext, Option<Query>)>>,
    opens: Mutex<Option<Channel<i64>>>,
    /// The server understands markup in bodies: escape what senders wrote.
    markup: Mutex<bool>,
    /// The main window has keyboard focus; kept from window events, so no
    /// event asks the UI thread.
    focused: std::sync::atomic::AtomicBool,
    /// One read connection for matching events against queries, opened on
    /// first use.
    reader: Arc<Mutex<Option<hooklens_core::store::Reader>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{0}")]
    Query(String),
    #[error("cannot save the notification settings: {0}")]
    Store(#[from] hooklens_core::StoreError),
}

impl Notifier {
    pub fn load(store: &Store) -> Arc<Notifier> {
        let settings = match store.preference(PREFERENCE) {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|err| {
                tracing::warn!(error = %err, "notification settings unreadable; using the defaults");
                NotifySettings::default()
            }),
            Ok(None) => NotifySettings::default(),
            Err(err) => {
                tracing::warn!(error = %err, "notification settings unavailable; using the defaults");
                NotifySettings::default()
            }
        };
        let parsed = parse(&settings).ok().flatten();
        Arc::new(Notifier {
            settings: Mutex::new(settings),
            parsed: Mutex::new(parsed),
            status: Mutex::new(NotifyStatus::Unknown),
            view: Mutex::new(None),
            opens: Mutex::new(None),
            markup: Mutex::new(false),
            focused: std::sync::atomic::AtomicBool::new(false),
            reader: Arc::new(Mutex::new(None)),
        })
    }

    pub fn state(&self) -> NotifyState {
        NotifyState {
            settings: lock(&self.settings).clone(),
            status: lock(&self.status).clone(),
        }
    }

    /// Validates (a query rule needs a query that parses), stores, applies.
    pub fn set(&self, store: &Store, settings: NotifySettings) -> Result<NotifyState, NotifyError> {
        let parsed = parse(&settings)?;
        if settings.rule == NotifyRule::Query && parsed.is_none() {
            return Err(NotifyError::Query(
                "type the search that events must match to notify".into(),
            ));
        }
        let json = serde_json::to_string(&settings).unwrap_or_default();
        store.set_preference(PREFERENCE, &json)?;
        *lock(&self.settings) = settings;
        *lock(&self.parsed) = parsed;
        Ok(self.state())
    }

    pub fn set_view(&self, view: ViewContext) {
        let parsed = query::parse(&view.query, now_ns() / 1_000_000).ok();
        *lock(&self.view) = Some((view, parsed));
    }

    /// From the main window's focus events.
    pub fn set_focused(&self, focused: bool) {
        self.focused
            .store(focused, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn set_opens(&self, channel: Channel<i64>) {
        *lock(&self.opens) = Some(channel);
    }

    fn set_status(&self, status: NotifyStatus) {
        *lock(&self.status) = status;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn parse(settings: &NotifySettings) -> Result<Option<Query>, NotifyError> {
    if settings.rule != NotifyRule::Query || settings.query.trim().is_empty() {
        return Ok(None);
    }
    query::parse(&settings.query, now_ns() / 1_000_000)
        .map(Some)
        .map_err(|e| NotifyError::Query(e.message))
}

/// Starts the notifier on the app's runtime.
pub fn start(app: AppHandle, store: Store, notifier: Arc<Notifier>) {
    let events = store.subscribe();
    tauri::async_runtime::spawn(async move {
        check_server(&notifier).await;
        run(app, store, notifier, events).await;
    });
}

async fn check_server(notifier: &Notifier) {
    let info = tauri::async_runtime::spawn_blocking(|| {
        let info = notify_rust::get_server_information();
        let caps = notify_rust::get_capabilities().unwrap_or_default();
        info.map(|i| (i.name, caps))
    })
    .await;
    match info {
        Ok(Ok((server, caps))) => {
            tracing::info!(%server, "notifications available");
            *lock(&notifier.markup) = caps.iter().any(|c| c == "body-markup");
            notifier.set_status(NotifyStatus::Available { server });
        }
        Ok(Err(err)) => unavailable(notifier, &err.to_string()),
        Err(err) => unavailable(notifier, &err.to_string()),
    }
}

/// Logged once: a desktop without a notification service is a normal
/// place to run, not an error that repeats per event.
fn unavailable(notifier: &Notifier, reason: &str) {
    let was = matches!(*lock(&notifier.status), NotifyStatus::Unavailable { .. });
    if !was {
        tracing::warn!(
            reason,
            "desktop notifications unavailable; events are still captured"
        );
    }
    notifier.set_status(NotifyStatus::Unavailable {
        reason: format!("no notification service answered: {reason}"),
    });
}

async fn run(
    app: AppHandle,
    store: Store,
    notifier: Arc<Notifier>,
    mut events: tokio::sync::broadcast::Receiver<EventSummary>,
) {
    let mut coalescer = Coalescer::default();
    loop {
        let due = coalescer.due();
        let next = tokio::select! {
            received = events.recv() => Some(received),
            () = sleep_until(due) => None,
        };
        match next {
            Some(Ok(event)) => {
                if wanted(&store, &notifier, &event).await
                    && let Some(note) = coalescer.push(event, Instant::now())
                {
                    show(&app, &store, &notifier, note).await;
                }
            }
            Some(Err(RecvError::Lagged(missed))) => {
                tracing::debug!(missed, "notifier fell behind a burst");
            }
            Some(Err(RecvError::Closed)) => return,
            None => {
                if let Some(note) = coalescer.tick(Instant::now()) {
                    show(&app, &store, &notifier, note).await;
                }
            }
        }
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Whether `event` should notify under the rule, and is not already in
/// front of the user.
async fn wanted(store: &Store, notifier: &Notifier, event: &EventSummary) -> bool {
    // An import brings in old requests the user chose to load: nothing
    // new arrived, so nothing to be told about.
    if event.imported {
        return false;
    }
    let settings = lock(&notifier.settings).clone();
    if settings.paused {
        return false;
    }
    let rule_query = match settings.rule {
        NotifyRule::None => return false,
        NotifyRule::Invalid if !not_valid(event) => return false,
        NotifyRule::Query => match lock(&notifier.parsed).clone() {
            Some(q) => Some(q),
            None => return false,
        },
        _ => None,
    };
    if let Some(q) = rule_query
        && !matches(store, notifier, q, event.id).await
    {
        return false;
    }
    !watched(store, notifier, event).await
}

/// The main window has focus and its timeline is showing new events that
/// include this one.
async fn watched(store: &Store, notifier: &Notifier, event: &EventSummary) -> bool {
    if !notifier.focused.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    let Some((view, parsed)) = lock(&notifier.view).clone() else {
        return false;
    };
    if !view.following
        || view
            .endpoint_id
            .is_some_and(|id| Some(id) != event.endpoint_id)
    {
        return false;
    }
    match parsed {
        Some(q) if !q.is_empty() => matches(store, notifier, q, event.id).await,
        _ => true,
    }
}

async fn matches(store: &Store, notifier: &Notifier, q: Query, id: i64) -> bool {
    let store = store.clone();
    let shared = notifier.reader.clone();
    let decided = tauri::async_runtime::spawn_blocking(move || {
        let mut slot = lock(&shared);
        let reader = match slot.take() {
            Some(reader) => reader,
            None => store.reader()?,
        };
        let reader = &*slot.insert(reader);
        let deadline = std::time::Instant::now() + INDEX_WAIT;
        loop {
            if let Some(answer) = reader.event_matches(&q, id)? {
                return Ok(answer);
            }
            if std::time::Instant::now() >= deadline {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await;
    match decided {
        Ok(Ok(answer)) => answer,
        Ok(Err::<_, hooklens_core::StoreError>(err)) => {
            tracing::warn!(error = %err, "could not match an event against the notification query");
            false
        }
        Err(_) => false,
    }
}

async fn show(app: &AppHandle, store: &Store, notifier: &Arc<Notifier>, note: Note) {
    let (summary, body) = compose(&note, &store.endpoints());
    let body = if *lock(&notifier.markup) {
        escape_markup(&body)
    } else {
        body
    };
    let open = opens(&note);
    let mut n = notify_rust::Notification::new();
    n.appname("Hooklens")
        .summary(&summary)
        .body(&body)
        .icon("network-receive")
        .action("default", "Open")
        .timeout(notify_rust::Timeout::Milliseconds(8_000));
    match n.show_async().await {
        Ok(handle) => {
            if matches!(*lock(&notifier.status), NotifyStatus::Unavailable { .. }) {
                notifier.set_status(NotifyStatus::Available {
                    server: "notification service".into(),
                });
            }
            let app = app.clone();
            let notifier = notifier.clone();
            // Waits for a click (or the notification closing) without
            // holding up the next notification.
            tauri::async_runtime::spawn(async move {
                handle
                    .wait_for_action_async(|response| {
                        if matches!(
                            response,
                            notify_rust::NotificationResponse::Default
                                | notify_rust::NotificationResponse::Action(_)
                        ) && let Some(id) = open
                        {
                            bring_forward(&app, &notifier, id);
                        }
                    })
                    .await;
            });
        }
        Err(err) => unavailable(notifier, &err.to_string()),
    }
}

/// Raises the window and has the UI select event `id`.
fn bring_forward(app: &AppHandle, notifier: &Notifier, id: i64) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Some(channel) = lock(&notifier.opens).as_ref()
        && let Err(err) = channel.send(id)
    {
        tracing::warn!(error = %err, "could not ask the window to open the event");
    }
}

#[cfg(test)]
mod tests;
