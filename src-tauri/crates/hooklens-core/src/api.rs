//! Transport types: what crosses the IPC boundary to the UI. Each derives its
//! TypeScript twin (ts-rs); `bindings_are_current` writes them all into
//! `ui/src/ipc/bindings.gen.ts`, and `make test` fails when that file drifts.

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
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    #[ts(type = "number")]
    pub size: i64,
    pub content_type: Option<String>,
    pub remote_addr: Option<String>,
}

/// A page of the timeline, newest first. `total` counts every stored event.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<EventSummary>,
    #[ts(type = "number")]
    pub total: i64,
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
}

/// What the UI branches on when a command fails; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    Store,
    Capture,
    NotFound,
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
        EventPage::decl(&cfg),
        EventBatch::decl(&cfg),
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
