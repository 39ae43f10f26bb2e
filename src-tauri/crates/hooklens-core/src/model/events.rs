//! Events as the UI sees them: summaries, pages, one event's view, the
//! listener's state, and the search fields offered.

use super::endpoints::HeaderPair;
use crate::signature::Verdict;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    /// Tunnel requests answered 429 because their source sent more than the
    /// tunnel rate limit allows (the `tunnel_rate_*` settings); not stored.
    #[serde(default)]
    #[ts(type = "number")]
    pub rate_limited_tunnel: u64,
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
    /// It came from an import, not the listener (see [`ImportSource`]).
    pub imported: bool,
    /// It came through a tunnel to the listener's tunnel ingress, not to its
    /// local port (see [`TunnelArrival`]).
    #[serde(default)]
    pub tunneled: bool,
}

/// How an event that came through a tunnel (ssh -R, cloudflared, ngrok)
/// arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TunnelArrival {
    /// The kind of tunnel, as the tunnel settings name it: `ssh`,
    /// `cloudflared`, `ngrok`.
    pub kind: String,
    /// The tunnel's public base URL when the request arrived (e.g.
    /// `https://abc.trycloudflare.com`); None while it was not known yet.
    /// URL-signed schemes (Twilio) are verified against this URL plus the
    /// request target, also when re-verified later.
    pub public_url: Option<String>,
    /// The original client's address as the tunnel passed it on, e.g.
    /// `203.0.113.7`; None when the request named none that could be read.
    pub client_addr: Option<String>,
    /// The header it was read from, as the request spelled it
    /// (`Cf-Connecting-Ip`, `X-Forwarded-For`).
    pub client_header: Option<String>,
    /// The tunnel itself sets that header, so a sender cannot forge it
    /// (cloudflared's `Cf-Connecting-Ip`, the hop ngrok appends to
    /// `X-Forwarded-For`); false: it is what the request claims.
    #[serde(default)]
    pub client_vouched: bool,
}

/// Where an imported event came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportSource {
    /// `raw`, `curl`, `har`, `hooklens` or `json`.
    pub format: String,
    /// The file's name (not its path), when it came from a file.
    pub file: Option<String>,
    /// What the person importing wrote about it.
    pub note: Option<String>,
    /// 1-based entry of the source it was read from.
    #[ts(type = "number")]
    pub entry: u64,
    /// Which time the verdict's timestamp check used, in words: "HAR
    /// startedDateTime", "Date header", "recorded in the bundle", or "time of
    /// import" when the source had none.
    pub arrival: String,
    /// What the importer noticed, e.g. a body shorter than its Content-Length.
    pub warnings: Vec<String>,
    /// The verdict a Hooklens bundle recorded when it was exported. The
    /// event's own verdict is judged here, with this store's secrets.
    #[serde(default)]
    pub recorded_verdict: Option<Verdict>,
    /// What that export redacted in the request, in words; non-empty means
    /// the request is no longer the one the recorded verdict judged.
    #[serde(default)]
    pub redactions: Vec<String>,
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
    /// Where it came from when it was imported; None for captured events.
    pub source: Option<ImportSource>,
    /// How it came through a tunnel; None for requests sent to the local
    /// port and for imports.
    pub via: Option<TunnelArrival>,
    /// What it was answered, when its endpoint had response rules.
    pub answer: Option<super::AnswerRecord>,
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
