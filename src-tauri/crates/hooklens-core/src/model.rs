//! Transport types: what crosses the IPC boundary to the UI. Each derives its
//! TypeScript twin (ts-rs); the bindings module lists them for
//! `ui/src/ipc/bindings.gen.ts`, and `make test` fails when that file drifts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::signature::{Scheme, Verdict};

/// Which answers a provider counts as delivered. Redirects are never
/// followed, so a 3xx is a failure under either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum DeliverySuccess {
    /// Any status from 200 to 299.
    #[serde(rename = "any-2xx")]
    Any2xx,
    /// Exactly 200: 201, 202 and 204 are failures too.
    #[serde(rename = "only-200")]
    Only200,
}

impl DeliverySuccess {
    pub fn accepts(self, status: u16) -> bool {
        match self {
            DeliverySuccess::Any2xx => (200..300).contains(&status),
            DeliverySuccess::Only200 => status == 200,
        }
    }
}

/// What the shell tells the UI about itself at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub listener: ListenerStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ListenerState {
    Starting,
    Listening,
    /// Could not bind (port taken, permission, bad interface): `error` says why.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListenerStatus {
    pub state: ListenerState,
    /// The configured socket address, e.g. `127.0.0.1:9494`.
    pub address: String,
    /// The URL to give a provider, e.g. `http://127.0.0.1:9494`.
    pub url: String,
    pub error: Option<String>,
    /// When the address is taken: a free one nearby the user can switch to.
    pub suggestion: Option<String>,
}

/// What the listener's limits have done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListenerStats {
    #[ts(type = "number")]
    pub open_connections: usize,
    #[ts(type = "number")]
    pub max_connections: usize,
    /// Answered 503 because every connection was busy with a request.
    #[ts(type = "number")]
    pub refused: u64,
    /// Idle or half-sent connections closed to make room for new ones.
    #[ts(type = "number")]
    pub evicted: u64,
    /// Closed for a head or body not sent in time (a body gets 408).
    #[ts(type = "number")]
    pub timed_out: u64,
    /// Keep-alive connections closed after idling: routine, not a problem.
    #[ts(type = "number")]
    pub idle_closed: u64,
}

/// One captured request as the timeline lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// Opaque position in the timeline: pass it back to fetch older events.
    pub cursor: String,
    /// Milliseconds since the Unix epoch (the store keeps nanoseconds).
    #[ts(type = "number")]
    pub received_at_ms: i64,
    /// None when the endpoint has since been removed.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    #[ts(type = "number")]
    pub size: i64,
    pub content_type: Option<String>,
    pub remote_addr: Option<String>,
    /// The preset id that recognised the request (e.g. `kustom`), if any.
    pub provider: Option<String>,
    pub event_type: Option<String>,
    pub provider_event_id: Option<String>,
    pub merchant_id: Option<String>,
    /// 1 for the first arrival of a provider event id, 2 for its first redelivery, …
    #[ts(type = "number")]
    pub delivery: i64,
    pub pinned: bool,
    /// The signature verdict; None only for events stored before Hooklens
    /// verified signatures, until they are re-verified.
    pub verdict: Option<Verdict>,
}

/// What the sender of a request gets back from an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfiguredResponse {
    pub status: u16,
    pub headers: Vec<HeaderPair>,
    pub body: String,
    /// Wait this long (at most 60 000) after storing, before answering.
    pub delay_ms: u32,
}

impl Default for ConfiguredResponse {
    fn default() -> Self {
        ConfiguredResponse {
            status: 200,
            headers: Vec::new(),
            body: String::new(),
            delay_ms: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeaderPair {
    pub name: String,
    pub value: String,
}

/// A path prefix with a name, a provider preset and a configured response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `/` for the default endpoint, else e.g. `/kustom`.
    pub path_prefix: String,
    /// Provider preset id; None = detect the provider from each request.
    pub preset: Option<String>,
    pub response: ConfiguredResponse,
    /// Takes every path no other endpoint claims; cannot be removed.
    pub is_default: bool,
    /// The scheme chosen for this endpoint; None: the preset's scheme, or the
    /// one each request's headers suggest.
    pub scheme: Option<Scheme>,
    /// Labels and masked values only: secret values never leave the core
    /// unless explicitly revealed.
    pub secrets: Vec<SecretInfo>,
    /// Pass each captured request on to a handler.
    pub forward: Option<Forward>,
}

/// A configured secret as shown: its label and a masked form of its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretInfo {
    pub label: String,
    /// e.g. `whsec_…x9Qz`; never more than the prefix and the last 4 chars.
    pub masked: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}

/// How many stored events an endpoint has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointCount {
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    #[ts(type = "number")]
    pub count: i64,
}

/// A page of the timeline, newest first. (Counts come from `endpoint_counts`:
/// counting a million rows on every page would cost more than the page.)
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<EventSummary>,
    /// The page is full: older events may follow (pass the last cursor).
    pub has_more: bool,
}

/// Newly stored events, delivered to the UI in batches (every ~75 ms at most)
/// rather than one message per request.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventBatch {
    /// Oldest first.
    pub events: Vec<EventSummary>,
    /// Some events were skipped because the UI fell behind: reload the page.
    pub lagged: bool,
    /// Stored events changed in place (verdicts re-verified after a secret
    /// or scheme change, pins), here or in another process: reload the page.
    pub changed: bool,
}

/// Everything stored about one event, as the detail pane shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub summary: EventSummary,
    /// The URL the sender addressed (forwarded headers honoured).
    pub url: String,
    /// The request-target as written in the request line (`/a?b`,
    /// `http://host/a`, `host:443`, `*`).
    pub target: String,
    /// `HTTP/1.1` or `HTTP/1.0`; None for events stored before it was kept.
    pub http_version: Option<String>,
    /// As they arrived: name case, order across names, duplicates.
    pub headers: Vec<HeaderView>,
    /// Trailer fields sent after a chunked body, in arrival order.
    pub trailers: Vec<HeaderView>,
    /// The body when it is valid UTF-8 (exactly as received, no reformatting).
    pub body_text: Option<String>,
    /// Otherwise the body's bytes in standard base64.
    pub body_base64: Option<String>,
    /// What the preset extracted besides the summary fields (e.g. session id).
    pub refs: Vec<HeaderPair>,
    /// Every delivery of the same provider event id, oldest first (this one
    /// included); empty when the event has no provider event id.
    pub deliveries: Vec<EventSummary>,
}

/// One received header. Values that are not valid UTF-8 are shown lossily
/// and flagged, so the UI never passes them off as exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeaderView {
    pub name: String,
    pub value: String,
    pub binary: bool,
    /// A secret-bearing header (credentials, cookies, a shared secret):
    /// `value` is its mask, e.g. `Basic ••••••••`; `reveal_header` gives
    /// the value. A resend that leaves the mask unchanged sends the
    /// captured value.
    #[serde(default)]
    pub masked: bool,
}

/// How many events a search matches; counting stops at a cap so a count
/// never costs more than the page it labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MatchCount {
    #[ts(type = "number")]
    pub count: i64,
    /// There are more than `count` matches.
    pub capped: bool,
}

/// A field of the search language, for the query box's autocomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueryField {
    /// As typed before the colon: `type`, `header.`, `json.`, …
    pub name: String,
    /// One line for people: what it matches.
    pub description: String,
    /// e.g. `type:order.created`.
    pub example: String,
    /// Known values to complete (event types seen, presets, endpoint names, …).
    pub values: Vec<String>,
}

/// A provider preset as the endpoint editor offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    pub id: String,
    pub name: String,
    /// How the provider signs; None when it does not.
    pub scheme: Option<Scheme>,
    /// The construction is not published and `scheme` is an educated guess.
    pub assumed: bool,
    /// What the provider counts as delivered, and how long it waits.
    pub delivery: DeliveryRuleInfo,
}

/// A provider's delivery rule: which answers it counts as delivered and how
/// long it waits for one, each part with whether the provider's
/// documentation states it or Hooklens assumes it, and from what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRuleInfo {
    /// The preset the rule belongs to (`generic` when no provider is known).
    pub preset: String,
    pub name: String,
    pub success: DeliverySuccess,
    pub success_assumed: bool,
    /// A phrase from the documentation, or what the assumption rests on.
    pub success_source: String,
    /// Seconds the provider waits for the answer.
    pub deadline_s: f64,
    pub deadline_assumed: bool,
    pub deadline_source: String,
    /// E.g. "Kulmi Pay counts only 200 as delivered".
    pub success_words: String,
    /// E.g. "answer within 10 s".
    pub deadline_words: String,
    /// Both in one line, assumed parts marked "(assumed)".
    pub words: String,
}

/// What the user gives to create or change an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSpec {
    pub name: String,
    pub path_prefix: String,
    pub preset: Option<String>,
    pub response: ConfiguredResponse,
    /// None: the preset's scheme, or the one each request's headers suggest.
    pub scheme: Option<Scheme>,
    #[serde(default)]
    pub forward: Option<Forward>,
}

/// How far a re-verification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReverifyProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// What a re-verification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReverifyOutcome {
    #[ts(type = "number")]
    pub checked: u64,
    /// Events whose verdict changed.
    #[ts(type = "number")]
    pub changed: u64,
    /// Stopped by the user; the events checked so far keep their new verdicts.
    pub cancelled: bool,
}

/// Where an endpoint passes each captured request on, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Forward {
    /// The handler's URL, e.g. `http://localhost:3000/webhooks`; the request
    /// goes to exactly this URL with its method, headers and body as received.
    pub url: String,
    pub mode: ForwardMode,
}

/// What the sender of a forwarded request gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardMode {
    /// The endpoint's configured response, at once; the handler's reply is
    /// only recorded.
    #[default]
    Respond,
    /// The handler's own status, headers and body (502 when it cannot be
    /// reached), so the provider sees what the handler said.
    Relay,
}

/// How a resend treats signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SignMode {
    /// New signature headers, timestamp and message id, so the edited
    /// request verifies at the handler.
    #[default]
    Resign,
    /// The headers exactly as given, original signature included.
    Keep,
    /// Signed with the wrong key: a well-formed signature that must be
    /// rejected.
    Missign,
    /// Signed correctly with a timestamp older than the scheme's tolerance:
    /// replay protection must reject it.
    Stale,
}

/// Which endpoint's scheme and secret sign a resend.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Signing {
    pub mode: SignMode,
    /// The endpoint whose scheme and secrets sign; None: the source event's.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    /// The secret to sign with; None: the endpoint's newest.
    pub secret_label: Option<String>,
}

/// How many times, and when, a request is sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Pattern {
    #[default]
    Once,
    /// The same request, with the same event and message id, `count` times
    /// back to back: a duplicate delivery.
    Times { count: u32 },
    /// A provider's retry schedule with its waits divided by `speed`,
    /// stopping at the first delivery by the provider's rule, as the provider
    /// would.
    Schedule { provider: String, speed: f64 },
}

/// A request to send, as the resend editor holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResendSpec {
    /// The captured event it started from; None for a blank request.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub method: String,
    pub url: String,
    /// In order, duplicates kept. Host, Content-Length, Transfer-Encoding and
    /// Connection are set by the transport.
    pub headers: Vec<HeaderPair>,
    /// The body as text (sent as its UTF-8 bytes)…
    pub body_text: Option<String>,
    /// …or as standard base64 for bodies that are not text.
    pub body_base64: Option<String>,
    pub signing: Signing,
    pub pattern: Pattern,
}

/// How a resend would be signed with an endpoint, for the editor to show
/// and to choose its default from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SigningInfo {
    /// The endpoint that signs (the one asked for, else the event's).
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    pub scheme: Option<Scheme>,
    /// The provider does not publish the construction.
    pub assumed: bool,
    /// Headers signing writes; the original's of these names are replaced.
    pub headers: Vec<String>,
    /// The scheme signs a timestamp whose age is checked (a stale one can
    /// be tested).
    pub signs_timestamp: bool,
    /// Secret labels, oldest first; the newest signs unless one is chosen.
    pub secret_labels: Vec<String>,
    /// Re-sign when it can, else send the headers as they are.
    pub default_mode: SignMode,
    /// Why it cannot re-sign, in words; None when it can.
    pub problem: Option<String>,
    /// The delivery rule a send judges its attempts by: that of the provider
    /// the request is sent as (the chosen endpoint's preset, else the
    /// event's provider; no provider: any 2xx within 30 s).
    pub delivery: DeliveryRuleInfo,
}

/// Why a delivery got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryErrorKind {
    ConnectionRefused,
    Timeout,
    Tls,
    Dns,
    /// The URL cannot be sent to (not http/https, no host, bad header).
    Invalid,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryError {
    pub kind: DeliveryErrorKind,
    /// In words, e.g. "connection refused by 127.0.0.1:3000: nothing is listening there".
    pub message: String,
}

/// What the handler answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryResponse {
    pub status: u16,
    /// The status's standard reason phrase ("Service Unavailable"), if any.
    pub reason: Option<String>,
    pub headers: Vec<HeaderView>,
    pub body_text: Option<String>,
    pub body_base64: Option<String>,
    /// The body was longer than what is kept (1 MiB).
    pub body_truncated: bool,
    /// For a redirect: where it pointed. Redirects are never followed.
    pub redirect_to: Option<String>,
}

/// Who sent a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    Resend,
    Forward,
    Test,
}

/// One request Hooklens sent, exactly as sent, and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub run_id: i64,
    /// The captured event it was sent from, if any.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub kind: DeliveryKind,
    /// 1 for the first attempt of its run.
    pub attempt: u32,
    #[ts(type = "number")]
    pub sent_at_ms: i64,
    pub method: String,
    pub url: String,
    /// As sent, in order, including those the transport adds (Host,
    /// Content-Length).
    pub headers: Vec<HeaderView>,
    pub body_text: Option<String>,
    pub body_base64: Option<String>,
    /// How it was signed, in words, e.g. "re-signed (standard-webhooks) with
    /// \"current\"" or "not re-signed: the endpoint has no secret".
    pub signing: String,
    pub response: Option<DeliveryResponse>,
    pub error: Option<DeliveryError>,
    /// Delivered by the provider's rule (see the run's `rule`): answered in
    /// time with a status the provider counts as success.
    pub delivered: bool,
    /// Why it is not a delivery, in words, e.g. "Kulmi Pay counts only 200
    /// as delivered; the handler answered 201"; None when delivered.
    pub failure: Option<String>,
    /// From sending the first byte to the end of the response body.
    pub duration_ms: f64,
}

/// One send action (once, N times, a schedule, a forward) and its attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRun {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub kind: DeliveryKind,
    pub target: String,
    /// E.g. "once", "3 times", "checkout retry schedule at 600×".
    pub pattern: String,
    /// The delivery rule its attempts were judged by, in words, e.g. "Kulmi
    /// Pay counts only 200 as delivered · answer within 10 s (assumed)";
    /// None for runs recorded before Hooklens judged by provider rules.
    pub rule: Option<String>,
    #[ts(type = "number")]
    pub started_at_ms: i64,
    /// None while it is still running.
    #[ts(type = "number | null")]
    pub finished_at_ms: Option<i64>,
    /// How it ended, in words: "answered 200 on attempt 3", "cancelled
    /// after 2 attempts", "not delivered in 8 attempts".
    pub outcome: Option<String>,
    pub attempts: Vec<Delivery>,
}

/// What a running send reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum SendProgress {
    Started {
        #[ts(type = "number")]
        run_id: i64,
        /// Attempts planned (a schedule may stop sooner).
        planned: u32,
        /// The delivery rule each attempt is judged by.
        rule: DeliveryRuleInfo,
    },
    /// An attempt finished (answered or failed).
    Attempt {
        delivery: Box<Delivery>,
    },
    /// Waiting before the next attempt of a schedule.
    Waiting {
        next_attempt: u32,
        #[ts(type = "number")]
        at_ms: i64,
    },
    Finished {
        run: DeliveryRun,
    },
}

/// A sample a preset can send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleInfo {
    pub preset: String,
    pub event_type: String,
    pub description: String,
}

/// A provider's retry schedule, for choosing and previewing a replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInfo {
    pub preset: String,
    pub name: String,
    /// Seconds before each retry (the first attempt is immediate).
    pub waits_s: Vec<f64>,
    /// The provider does not publish the exact waits.
    pub assumed: bool,
    /// Where the schedule comes from, in one line.
    pub source: String,
}

/// "Send test event": a fresh sample, signed with an endpoint's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestEventSpec {
    pub preset: String,
    pub event_type: String,
    /// Whose scheme and newest secret sign it; None: sent unsigned.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    /// None: Hooklens's own listener, at the endpoint's path.
    pub url: Option<String>,
}

/// What the UI branches on when a command fails; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    Store,
    Capture,
    NotFound,
    /// The request was refused because a value is not acceptable.
    Invalid,
    /// A send could not be made (the target, the signing, the schedule).
    Send,
    /// A search query that does not parse; the message says where and why.
    Query,
    Internal,
}

/// Every failed command reaches the UI as `{kind, message}`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
}

impl ErrorPayload {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorPayload {
            kind,
            message: message.into(),
        }
    }
}

/// A header as received, value included.
pub fn header_view(h: &crate::wire::StoredHeader) -> HeaderView {
    match &h.value {
        Some(text) => HeaderView {
            name: h.name.clone(),
            value: text.clone(),
            binary: false,
            masked: false,
        },
        None => HeaderView {
            name: h.name.clone(),
            value: String::from_utf8_lossy(h.bytes()).into_owned(),
            binary: true,
            masked: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_as_kind_and_message() {
        let json =
            serde_json::to_value(ErrorPayload::new(ErrorKind::NotFound, "no event 7")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "not_found", "message": "no event 7"})
        );
    }
}
