//! Transport types: what crosses the IPC boundary to the UI. Each derives its
//! TypeScript twin (ts-rs); `bindings_are_current` writes them all into
//! `ui/src/ipc/bindings.gen.ts`, and `make test` fails when that file drifts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::signature::{Scheme, Verdict};

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
    /// In arrival order, duplicates kept.
    pub headers: Vec<HeaderView>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    pub id: String,
    pub name: String,
    /// How the provider signs; None when it does not.
    pub scheme: Option<Scheme>,
    /// The construction is not published and `scheme` is an educated guess.
    pub assumed: bool,
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

impl From<crate::store::StoreError> for ErrorPayload {
    fn from(err: crate::store::StoreError) -> Self {
        let kind = match err {
            crate::store::StoreError::BadCursor(_) => ErrorKind::Internal,
            crate::store::StoreError::NotFound(_) => ErrorKind::NotFound,
            crate::store::StoreError::Invalid(_) => ErrorKind::Invalid,
            _ => ErrorKind::Store,
        };
        ErrorPayload::new(kind, err.to_string())
    }
}

/// The contents of `ui/src/ipc/bindings.gen.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [
        AppInfo::decl(&cfg),
        ListenerState::decl(&cfg),
        ListenerStatus::decl(&cfg),
        EventSummary::decl(&cfg),
        HeaderPair::decl(&cfg),
        ConfiguredResponse::decl(&cfg),
        Endpoint::decl(&cfg),
        SecretInfo::decl(&cfg),
        crate::signature::Scheme::decl(&cfg),
        crate::signature::HmacSpec::decl(&cfg),
        crate::signature::Algorithm::decl(&cfg),
        crate::signature::Part::decl(&cfg),
        crate::signature::Encoding::decl(&cfg),
        crate::signature::SecretEncoding::decl(&cfg),
        crate::signature::Verdict::decl(&cfg),
        crate::signature::VerdictStatus::decl(&cfg),
        crate::signature::Diagnosis::decl(&cfg),
        crate::signature::DiagnosisCode::decl(&cfg),
        crate::signature::Discovery::decl(&cfg),
        EndpointCount::decl(&cfg),
        EventPage::decl(&cfg),
        EventBatch::decl(&cfg),
        EventView::decl(&cfg),
        HeaderView::decl(&cfg),
        MatchCount::decl(&cfg),
        QueryField::decl(&cfg),
        PresetInfo::decl(&cfg),
        EndpointSpec::decl(&cfg),
        ReverifyProgress::decl(&cfg),
        ReverifyOutcome::decl(&cfg),
        ErrorKind::decl(&cfg),
        ErrorPayload::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust transport types in hooklens-core/src/api.rs by\n\
         // `cargo test -p hooklens-core bindings`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    // The editor starts a scheme from the core's defaults; generated here so
    // the two cannot drift apart.
    let defaults: Vec<Scheme> = Scheme::IDS
        .iter()
        .filter_map(|id| Scheme::by_id(id))
        .collect();
    let json = serde_json::to_string_pretty(&defaults).unwrap_or_else(|_| "[]".to_owned());
    out.push_str(&format!(
        "\n/** Every scheme kind with its default configuration, in the core's order (`Scheme::IDS`). */\n\
         export const SCHEME_DEFAULTS: readonly Scheme[] = {json};\n\n\
         /** How far a signed timestamp may be from the arrival time by default. */\n\
         export const DEFAULT_TOLERANCE_S = {};\n",
        crate::signature::DEFAULT_TOLERANCE_S
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Writes the bindings; `make test` then fails if the committed file differs.
    #[test]
    fn bindings_are_current() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/ipc/bindings.gen.ts");
        let fresh = typescript_bindings();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != fresh {
            std::fs::write(&path, &fresh).expect("write ui/src/ipc/bindings.gen.ts");
        }
        assert!(fresh.contains("export type EventSummary = {"));
        assert!(fresh.contains("receivedAtMs: number"));
    }

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
