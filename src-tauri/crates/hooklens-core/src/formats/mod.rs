//! The formats requests travel in outside the listener: raw HTTP/1.x text
//! (as pasted from logs or `curl -v`), curl command lines, HAR 1.2, bare
//! provider JSON, and Hooklens case bundles. Reading turns a source into
//! [`Incoming`] requests, one per entry, each with where it sat in the
//! source; the bundle's line types are shared with the export that writes
//! them. Pure: no store, no clock, no network, and every reader is bounded
//! in the memory one entry may take.

pub mod bundle;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::signature::Verdict;
use crate::wire::StoredHeader;

/// The formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A raw HTTP/1.x request: request line, headers, blank line, body; or
    /// the `> ` lines of a `curl -v` / `--trace-ascii` transcript.
    Raw,
    /// A curl command line.
    Curl,
    /// HAR 1.2: every request entry.
    Har,
    /// A Hooklens case bundle (see [`bundle`]).
    Hooklens,
    /// A provider's event JSON alone (the body), headers optionally beside it.
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Raw,
        Format::Curl,
        Format::Har,
        Format::Hooklens,
        Format::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Curl => "curl",
            Format::Har => "har",
            Format::Hooklens => "hooklens",
            Format::Json => "json",
        }
    }

    /// How the UI and messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Raw => "raw HTTP request",
            Format::Curl => "curl command",
            Format::Har => "HAR file",
            Format::Hooklens => "Hooklens bundle",
            Format::Json => "event JSON",
        }
    }
}

/// What said when a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalFrom {
    /// HAR's `startedDateTime`.
    HarStartedDateTime,
    /// The request's own `Date` header.
    DateHeader,
    /// The time a Hooklens bundle recorded.
    Bundle,
}

/// When a source says a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// Unix time in nanoseconds.
    pub at_ns: i64,
    pub from: ArrivalFrom,
}

/// One request as a source recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// 1-based number of the entry in its source (a HAR entry, a bundle
    /// event, the one request of a pasted text).
    pub entry: u64,
    /// 1-based line where the entry starts, where the source has lines.
    pub line: Option<u64>,
    pub method: String,
    /// The request-target as the source wrote it: origin form
    /// (`/kustom/orders?x=1`) or absolute (`https://host/kustom/orders?x=1`).
    pub target: String,
    /// `HTTP/1.1` and the like, when the source says.
    pub http_version: Option<String>,
    /// In the order the source gives them, values exactly as given.
    pub headers: Vec<StoredHeader>,
    /// The body exactly as the source gives it (HAR base64 decoded).
    pub body: Vec<u8>,
    pub arrived: Option<Arrival>,
    /// Said beside the event after import ("the body is 12 bytes but
    /// Content-Length says 20; imported as given").
    pub warnings: Vec<String>,
    /// What a Hooklens bundle recorded beside the request.
    pub recorded: Option<Box<Recorded>>,
}

/// What a bundle keeps beside a request, so a re-import round-trips it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recorded {
    /// The exported event's id in its bundle (deliveries refer to it).
    pub id: i64,
    /// The endpoint it was captured on, by the bundle's endpoint id.
    pub endpoint: Option<i64>,
    pub trailers: Vec<StoredHeader>,
    pub remote_addr: Option<String>,
    pub provider: Option<String>,
    /// The verdict as it was recorded when exported.
    pub verdict: Option<Verdict>,
    pub pinned: bool,
    /// What the export redacted in this event (its body or headers no longer
    /// verify when non-empty).
    pub redactions: Vec<String>,
}

/// An entry that could not be read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", where_(*entry, *line))]
pub struct EntryError {
    pub entry: u64,
    pub line: Option<u64>,
    pub message: String,
}

fn where_(entry: u64, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("entry {entry} (line {line})"),
        None => format!("entry {entry}"),
    }
}
