//! The Hooklens case bundle: one NDJSON file that re-imports byte-exact.
//!
//! The first line is a [`Header`]; then every endpoint the events refer to
//! ([`EndpointLine`]: names, presets and schemes, never secret values), then
//! each event ([`EventLine`], its body base64 so any bytes survive) followed
//! by the deliveries sent from it ([`DeliveryLine`]). One object per line
//! keeps a bundle of a million events readable and writable in bounded
//! memory, and a truncated file loses only its last line.

use serde::{Deserialize, Serialize};

use crate::model::{Delivery, DeliveryRun, TunnelArrival};
use crate::signature::{Scheme, Verdict};
use crate::wire::StoredHeader;

/// `format` of the header line; what detection looks for.
pub const MAGIC: &str = "hooklens-bundle";
/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// One line of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    Header(Header),
    Endpoint(EndpointLine),
    Event(Box<EventLine>),
    Delivery(Box<DeliveryLine>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`MAGIC`].
    pub format: String,
    pub version: u32,
    /// RFC 3339, UTC.
    pub exported_at: String,
    /// The Hooklens version that wrote it.
    pub app_version: String,
    /// The redaction rules applied, in words (empty: nothing redacted).
    #[serde(default)]
    pub redaction: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointLine {
    /// The endpoint's id where it was exported; events refer to it.
    pub id: i64,
    pub name: String,
    pub path_prefix: String,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub scheme: Option<Scheme>,
    /// The labels of its secrets (never their values), so the importer can
    /// say which secret to add for the verdicts to hold.
    #[serde(default)]
    pub secret_labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLine {
    /// The event's id where it was exported; deliveries refer to it.
    pub id: i64,
    pub received_at_ns: i64,
    #[serde(default)]
    pub endpoint: Option<i64>,
    pub method: String,
    /// The request-target as sent.
    pub target: String,
    #[serde(default)]
    pub http_version: Option<String>,
    pub headers: Vec<StoredHeader>,
    #[serde(default)]
    pub trailers: Vec<StoredHeader>,
    /// Standard base64 of the body's exact bytes.
    pub body_base64: String,
    #[serde(default)]
    pub remote_addr: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    /// The verdict as recorded when exported.
    #[serde(default)]
    pub verdict: Option<Verdict>,
    #[serde(default)]
    pub pinned: bool,
    /// What the export redacted here, in words; non-empty means the body or
    /// headers are no longer the ones the verdict was computed on.
    #[serde(default)]
    pub redactions: Vec<String>,
    /// How it came through a tunnel, if it did: its public URL then is the
    /// one a URL-signed scheme (Twilio) is verified against.
    #[serde(default)]
    pub via: Option<TunnelArrival>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLine {
    /// The exported event it was sent from.
    pub event: i64,
    /// The send action it was an attempt of (repeated on each attempt's
    /// line, so every line stands alone). Without it, each attempt is
    /// imported as a run of its own.
    #[serde(default)]
    pub run: Option<RunLine>,
    pub delivery: Delivery,
}

/// What a bundle keeps of a send action; its attempts are the delivery
/// lines with the same `delivery.run_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunLine {
    pub target: String,
    /// E.g. "once", "3 times", "checkout retry schedule at 600×".
    pub pattern: String,
    #[serde(default)]
    pub rule: Option<String>,
    pub started_at_ms: i64,
    #[serde(default)]
    pub finished_at_ms: Option<i64>,
    #[serde(default)]
    pub outcome: Option<String>,
}

impl RunLine {
    pub fn of(run: &DeliveryRun) -> RunLine {
        RunLine {
            target: run.target.clone(),
            pattern: run.pattern.clone(),
            rule: run.rule.clone(),
            started_at_ms: run.started_at_ms,
            finished_at_ms: run.finished_at_ms,
            outcome: run.outcome.clone(),
        }
    }
}

impl DeliveryLine {
    /// The run this attempt belongs to, without attempts: as recorded, or,
    /// from a line that has none, a run of this one attempt.
    pub fn run(&self) -> DeliveryRun {
        let d = &self.delivery;
        let (target, pattern, rule, started_at_ms, finished_at_ms, outcome) = match &self.run {
            Some(r) => (
                r.target.clone(),
                r.pattern.clone(),
                r.rule.clone(),
                r.started_at_ms,
                r.finished_at_ms,
                r.outcome.clone(),
            ),
            None => (
                d.url.clone(),
                "once".to_owned(),
                None,
                d.sent_at_ms,
                Some(d.sent_at_ms),
                None,
            ),
        };
        DeliveryRun {
            id: d.run_id,
            event_id: Some(self.event),
            kind: d.kind,
            target,
            pattern,
            rule,
            started_at_ms,
            finished_at_ms,
            outcome,
            attempts: Vec::new(),
        }
    }
}
