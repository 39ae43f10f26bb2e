//! The Hooklens case bundle: one NDJSON file that re-imports byte-exact.
//!
//! The first line is a [`Header`]; then every endpoint the events refer to
//! ([`EndpointLine`]: names, presets and schemes, never secret values), then
//! each event ([`EventLine`], its body base64 so any bytes survive) followed
//! by the deliveries sent from it ([`DeliveryLine`]). One object per line
//! keeps a bundle of a million events readable and writable in bounded
//! memory, and a truncated file loses only its last line.

use serde::{Deserialize, Serialize};

use crate::model::Delivery;
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLine {
    /// The exported event it was sent from.
    pub event: i64,
    pub delivery: Delivery,
}
