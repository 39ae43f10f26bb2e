//! The formats requests travel in outside the listener: raw HTTP/1.x text
//! (as pasted from logs or `curl -v`), curl command lines, HAR 1.2, bare
//! provider JSON, and Hooklens case bundles. Reading turns a source into
//! [`Incoming`] requests, one per entry, each with where it sat in the
//! source; the bundle's line types are shared with the export that writes
//! them. Pure: no store, no clock, no network, and every reader is bounded
//! in the memory one entry may take.

pub mod bundle;
pub mod bundle_read;
pub mod curl;
mod curl_base;
mod curl_cmd;
mod curl_form;
mod curl_input;
mod curl_words;
pub mod detect;
pub mod har;
pub mod json;
mod json_scan;
pub mod raw;
mod trace;

use std::io::{BufRead, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{DeliveryRun, TunnelArrival};
use crate::signature::Verdict;
use crate::wire::StoredHeader;

/// The largest body one entry may carry, decoded (the store's own limit is
/// lower by default, 25 MB, and settable: the import driver applies it).
pub const MAX_BODY_BYTES: usize = 64 << 20;
/// Headers per entry: far past any real request, low enough that a hostile
/// file cannot make one entry a million headers.
pub const MAX_HEADERS: usize = 1_000;
/// One header (name, colon and value) or one line of a request head.
pub const MAX_HEADER_LINE: usize = 64 << 10;
/// Raw, curl and JSON sources are read whole (they are pastes and small
/// files, and splitting them needs look-ahead): one body and its heads.
pub const MAX_TEXT_BYTES: usize = MAX_BODY_BYTES + (8 << 20);
/// JSON nesting the HAR and bundle readers follow (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

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
    /// What was sent from the event (resends, forwards, test sends), run by
    /// run with their attempts, in the bundle's order; the bundle keeps
    /// them on lines after the event.
    pub runs: Vec<DeliveryRun>,
    /// How it came through a tunnel where it was captured.
    pub via: Option<TunnelArrival>,
}

/// An entry that could not be read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", where_(*entry, *line))]
pub struct EntryError {
    pub entry: u64,
    pub line: Option<u64>,
    pub message: String,
}

impl EntryError {
    pub fn new(entry: u64, line: Option<u64>, message: impl Into<String>) -> Self {
        EntryError {
            entry,
            line,
            message: message.into(),
        }
    }
}

fn where_(entry: u64, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("entry {entry} (line {line})"),
        None => format!("entry {entry}"),
    }
}

/// Reads a source of the given format, entry by entry. HAR files and
/// bundles are streamed (memory bounded by the largest entry); raw, curl
/// and JSON sources are read whole, up to [`MAX_TEXT_BYTES`]. `base_dir` is
/// where curl's `@file` arguments are looked up (None: they are refused).
///
/// Each item is one entry: a request, or why that entry could not be read.
/// Reading goes on after a bad entry wherever the format says where the
/// next one starts; nothing here panics on any input.
pub fn read<'a>(
    format: Format,
    mut input: Box<dyn BufRead + 'a>,
    base_dir: Option<&'a Path>,
) -> Reader<'a> {
    let kind = match format {
        Format::Har => Kind::Har(Box::new(har::HarReader::new(input))),
        Format::Hooklens => Kind::Bundle(Box::new(bundle_read::BundleReader::new(input))),
        Format::Raw | Format::Curl | Format::Json => match read_text(&mut input) {
            Err(error) => Kind::Done(Some(error)),
            Ok(text) => match format {
                Format::Raw => Kind::Raw(raw::RawReader::new(text)),
                Format::Curl => Kind::Curl(curl::CurlReader::new(&text, base_dir)),
                _ => Kind::Json(Some(json::read(text, None, None))),
            },
        },
    };
    Reader { kind }
}

/// The entries of one source; see [`read`].
pub struct Reader<'a> {
    kind: Kind<'a>,
}

enum Kind<'a> {
    Har(Box<har::HarReader<Box<dyn BufRead + 'a>>>),
    Bundle(Box<bundle_read::BundleReader<Box<dyn BufRead + 'a>>>),
    Raw(raw::RawReader),
    Curl(curl::CurlReader<'a>),
    Json(Option<Result<Incoming, EntryError>>),
    /// The source could not be read at all: this error, then nothing.
    Done(Option<EntryError>),
}

impl Reader<'_> {
    /// A bundle's header line, once read (None for other formats, or when
    /// the first line was not a valid header).
    pub fn bundle_header(&mut self) -> Option<&bundle::Header> {
        match &mut self.kind {
            Kind::Bundle(reader) => reader.header(),
            _ => None,
        }
    }

    /// The endpoints a bundle lists (empty for other formats). Hooklens
    /// writes them before the events, and the reader reads up to the first
    /// event to answer, so the list is complete before the first entry is
    /// taken; an endpoint line a hand-edited bundle puts later is added
    /// when reading reaches it.
    pub fn endpoints(&mut self) -> &[bundle::EndpointLine] {
        match &mut self.kind {
            Kind::Bundle(reader) => reader.endpoints(),
            _ => &[],
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Incoming, EntryError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.kind {
            Kind::Har(reader) => reader.next(),
            Kind::Bundle(reader) => reader.next(),
            Kind::Raw(reader) => reader.next(),
            Kind::Curl(reader) => reader.next(),
            Kind::Json(item) => item.take(),
            Kind::Done(error) => error.take().map(Err),
        }
    }
}

/// A whole text source, up to [`MAX_TEXT_BYTES`], without a UTF-8 byte
/// order mark (editors on Windows add one; it is never part of a request).
fn read_text(input: &mut dyn BufRead) -> Result<Vec<u8>, EntryError> {
    let mut text = Vec::new();
    let limit = MAX_TEXT_BYTES as u64 + 1;
    if let Err(error) = input.take(limit).read_to_end(&mut text) {
        return Err(EntryError::new(
            1,
            None,
            format!("cannot read the source: {error}"),
        ));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(EntryError::new(
            1,
            None,
            format!(
                "the text is over {} MB; a request this large imports from a HAR file or a Hooklens bundle",
                MAX_TEXT_BYTES >> 20
            ),
        ));
    }
    if text.starts_with(b"\xEF\xBB\xBF") {
        text.drain(..3);
    }
    Ok(text)
}

/// Whether the headers stay inside the per-entry caps; the message says
/// which one was passed.
fn check_headers(headers: &[StoredHeader]) -> Result<(), String> {
    if headers.len() > MAX_HEADERS {
        return Err(format!(
            "{} headers; at most {MAX_HEADERS} are read per request",
            headers.len()
        ));
    }
    if let Some(long) = headers
        .iter()
        .find(|h| h.name.len() + h.bytes().len() + 2 > MAX_HEADER_LINE)
    {
        return Err(format!(
            "header {} is over {} KB",
            long.name.chars().take(64).collect::<String>(),
            MAX_HEADER_LINE >> 10
        ));
    }
    Ok(())
}

/// The arrival a request's own `Date` header gives (an IMF-fixdate, as
/// HTTP requires, or any RFC 2822 date, which it is a form of). A `Date`
/// that does not parse is said in a warning and gives no arrival.
fn date_header_arrival(headers: &[StoredHeader], warnings: &mut Vec<String>) -> Option<Arrival> {
    let value = crate::wire::header(headers, "date")?;
    let parsed = std::str::from_utf8(value.bytes())
        .ok()
        .and_then(|text| {
            jiff::fmt::rfc2822::DateTimeParser::new()
                .parse_timestamp(text.trim())
                .ok()
        })
        .and_then(|at| i64::try_from(at.as_nanosecond()).ok());
    match parsed {
        Some(at_ns) => Some(Arrival {
            at_ns,
            from: ArrivalFrom::DateHeader,
        }),
        None => {
            warnings.push(
                "the Date header is not an HTTP date; the arrival time is not taken from it".into(),
            );
            None
        }
    }
}

/// 1-based line of byte `offset` in `text`.
fn line_at(text: &[u8], offset: usize) -> u64 {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}
