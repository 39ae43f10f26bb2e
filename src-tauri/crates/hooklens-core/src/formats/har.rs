//! HAR 1.2, streamed: `log.entries` is read one entry at a time, so a file
//! of several hundred MB costs the memory of its largest entry, not of the
//! file.
//!
//! The `har` crate was considered: it deserializes the whole document into
//! one value (and requires fields such as `response.content` that some
//! writers leave out), so it cannot stream. Instead a structural scanner
//! (`json_scan.rs`) walks to `log.entries`, and of each entry copies out
//! only `request` and `startedDateTime` (the response, timings and every
//! `_`-prefixed extension of other tools are skipped unread), which serde_json
//! then parses. An entry whose request is over [`MAX_ENTRY_BYTES`] is an
//! error for that entry alone; reading goes on with the next.
//!
//! From each entry: `request.method`, `request.url` (absolute, kept as the
//! target), `request.httpVersion`, `request.headers` in order, and
//! `request.postData.text` (base64-decoded when `encoding` is `base64`);
//! `startedDateTime` is the arrival. HTTP/2 and HTTP/3 pseudo-headers are
//! not headers a handler sees: `:authority` becomes `Host` (where it stood,
//! unless a `Host` is there too), the others (`:method`, `:path`,
//! `:scheme`) are dropped, since the method and URL already say them.
//!
//! mitmproxy writes a binary request body as text, one character per byte
//! (Latin-1), without `encoding`, and so does Firefox for a body that is
//! not text in the page's charset; when the text's UTF-8 length disagrees
//! with the request's `Content-Length` and its Latin-1 length agrees, the
//! Latin-1 bytes are the body (with a warning saying so).
//!
//! A body whose length still disagrees with the request's `Content-Length`
//! is imported as given, with a warning: the HAR may hold only part of it
//! (Firefox keeps the first 1 MiB of a request body, by default, and says
//! nothing in the HAR when it cuts).

use std::io::BufRead;

use base64::Engine;
use serde::Deserialize;

use super::json_scan::{Captured, ScanError, Scanner};
use super::{Arrival, ArrivalFrom, EntryError, Incoming, MAX_BODY_BYTES, check_headers};
use crate::wire::{StoredHeader, header_text};

/// The most one entry's `request` may take in the file: a body at the cap,
/// base64-encoded, and room for its headers.
pub const MAX_ENTRY_BYTES: usize = MAX_BODY_BYTES / 3 * 4 + (4 << 20);

#[derive(Debug, thiserror::Error)]
enum HarError {
    #[error("not a HAR file: {0}")]
    NotHar(&'static str),
    #[error("{0}")]
    Scan(#[from] ScanError),
    #[error("has no request; skipped")]
    NoRequest,
    #[error("its request is over {} MB; skipped", MAX_ENTRY_BYTES >> 20)]
    TooLarge,
    #[error("is not a request this reader understands: {0}")]
    Shape(String),
    #[error("body is not valid base64")]
    Base64,
    #[error("body is over {} MB", MAX_BODY_BYTES >> 20)]
    BodyTooLarge,
    #[error("{0}")]
    Caps(String),
}

#[derive(Deserialize)]
struct Entry {
    request: Option<Request>,
    #[serde(rename = "startedDateTime")]
    started: Option<String>,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(rename = "httpVersion", default)]
    http_version: Option<String>,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(rename = "postData")]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct PostData {
    text: Option<String>,
    encoding: Option<String>,
    #[serde(default)]
    params: Vec<serde::de::IgnoredAny>,
}

/// The requests of a HAR file, streamed.
pub struct HarReader<R> {
    scan: Scanner<R>,
    state: State,
    entry: u64,
}

#[derive(PartialEq)]
enum State {
    Start,
    Entries { first: bool },
    Done,
}

impl<R: BufRead> HarReader<R> {
    pub fn new(input: R) -> Self {
        HarReader {
            scan: Scanner::new(input),
            state: State::Start,
            entry: 0,
        }
    }

    /// Walks to the first entry: `{ … "log": { … "entries": [`.
    fn open(&mut self) -> Result<(), HarError> {
        match self.scan.peek()? {
            Some(b'{') => {}
            Some(_) | None => return Err(HarError::NotHar("it is not a JSON object")),
        }
        self.scan.expect(b'{', "`{`")?;
        if !self.find_key("log", true)? {
            return Err(HarError::NotHar("it has no `log`"));
        }
        self.scan.expect(b'{', "the `log` object")?;
        if !self.find_key("entries", true)? {
            return Err(HarError::NotHar("its `log` has no `entries`"));
        }
        self.scan.expect(b'[', "the `entries` list")?;
        Ok(())
    }

    /// Skips members of the object being read until `name`'s value is
    /// next; false when the object ends first. `first`: no member of it
    /// was read yet (so no `,` comes first).
    fn find_key(&mut self, name: &str, mut first: bool) -> Result<bool, HarError> {
        loop {
            match self.scan.peek()? {
                Some(b'}') => return Ok(false),
                Some(b',') if !first => self.scan.expect(b',', "`,`")?,
                Some(_) if first => {}
                Some(b) => return Err(self.scan.unexpected(b, "`,` or `}`").into()),
                None => {
                    return Err(ScanError::Eof {
                        line: self.scan.line,
                    }
                    .into());
                }
            }
            first = false;
            if self.scan.key()? == name {
                return Ok(true);
            }
            self.scan.skip()?;
        }
    }

    /// After the entries: the rest of `log` and of the document must close.
    fn close(&mut self) -> Result<(), HarError> {
        for _ in 0..2 {
            self.find_key("\u{0}", false)?;
            self.scan.expect(b'}', "`}`")?;
        }
        match self.scan.peek()? {
            None => Ok(()),
            Some(b) => Err(self.scan.unexpected(b, "the end of the file").into()),
        }
    }

    /// The next entry's `request` and `startedDateTime`, as a small JSON
    /// object; None when the entry is too large.
    fn next_entry(&mut self) -> Result<Option<Vec<u8>>, HarError> {
        match self.scan.peek()? {
            Some(b'{') => self.scan.expect(b'{', "an entry")?,
            Some(_) => {
                self.scan.skip()?;
                return Err(HarError::Shape("the entry is not an object".into()));
            }
            None => {
                return Err(ScanError::Eof {
                    line: self.scan.line,
                }
                .into());
            }
        }
        let mut wanted = b"{".to_vec();
        let mut too_large = false;
        let mut first = true;
        loop {
            match self.scan.peek()? {
                Some(b'}') => {
                    self.scan.expect(b'}', "`}`")?;
                    break;
                }
                Some(b',') if !first => self.scan.expect(b',', "`,`")?,
                Some(_) if first => {}
                Some(b) => return Err(self.scan.unexpected(b, "`,` or `}`").into()),
                None => {
                    return Err(ScanError::Eof {
                        line: self.scan.line,
                    }
                    .into());
                }
            }
            first = false;
            let key = self.scan.key()?;
            if key != "request" && key != "startedDateTime" {
                self.scan.skip()?;
                continue;
            }
            if wanted.len() > 1 {
                wanted.push(b',');
            }
            wanted.extend_from_slice(format!("\"{key}\":").as_bytes());
            let mut value = Vec::new();
            match self.scan.capture(&mut value, MAX_ENTRY_BYTES)? {
                Captured::Whole => wanted.extend_from_slice(&value),
                Captured::TooLarge => {
                    too_large = true;
                    wanted.extend_from_slice(b"null");
                }
            }
        }
        wanted.push(b'}');
        Ok((!too_large).then_some(wanted))
    }
}

impl<R: BufRead> Iterator for HarReader<R> {
    type Item = Result<Incoming, EntryError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.state {
                State::Done => return None,
                State::Start => match self.open() {
                    Ok(()) => self.state = State::Entries { first: true },
                    Err(error) => {
                        self.state = State::Done;
                        return Some(Err(EntryError::new(
                            1,
                            Some(self.scan.line),
                            error.to_string(),
                        )));
                    }
                },
                State::Entries { first } => {
                    let separator = match self.scan.peek() {
                        Ok(Some(b']')) => {
                            self.scan_close();
                            self.state = State::Done;
                            let result = self.close();
                            return result.err().map(|e| Err(self.fail(e)));
                        }
                        Ok(Some(b',')) if !first => self.scan.expect(b',', "`,`"),
                        Ok(Some(_)) if first => Ok(()),
                        Ok(Some(b)) => Err(self.scan.unexpected(b, "`,` or `]` between entries")),
                        Ok(None) => Err(ScanError::Eof {
                            line: self.scan.line,
                        }),
                        Err(e) => Err(e),
                    };
                    self.entry += 1;
                    self.state = State::Entries { first: false };
                    if let Err(error) = separator {
                        self.state = State::Done;
                        return Some(Err(self.fail(error.into())));
                    }
                    // The entry's own line, past the whitespace before it.
                    let _ = self.scan.peek();
                    let line = self.scan.line;
                    let result = match self.next_entry() {
                        Ok(Some(json)) => convert(&json),
                        Ok(None) => Err(HarError::TooLarge),
                        Err(error @ (HarError::Scan(_) | HarError::NotHar(_))) => {
                            self.state = State::Done;
                            Err(error)
                        }
                        Err(error) => Err(error),
                    };
                    return Some(match result {
                        Ok(mut incoming) => {
                            incoming.entry = self.entry;
                            incoming.line = Some(line);
                            Ok(incoming)
                        }
                        Err(error) => {
                            Err(EntryError::new(self.entry, Some(line), error.to_string()))
                        }
                    });
                }
            }
        }
    }
}

impl<R: BufRead> HarReader<R> {
    fn scan_close(&mut self) {
        // The `]` that closes the entries.
        let _ = self.scan.expect(b']', "`]`");
    }

    fn fail(&self, error: HarError) -> EntryError {
        EntryError::new(self.entry.max(1), Some(self.scan.line), error.to_string())
    }
}

/// One entry's wanted parts, as a request.
fn convert(json: &[u8]) -> Result<Incoming, HarError> {
    let entry: Entry = serde_json::from_slice(json)
        .map_err(|e| HarError::Shape(strip_position(&e.to_string())))?;
    let request = entry.request.ok_or(HarError::NoRequest)?;
    let mut warnings = Vec::new();
    let has_host = request
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("host"));
    let headers: Vec<StoredHeader> = request
        .headers
        .iter()
        .filter_map(|h| match h.name.as_str() {
            ":authority" if !has_host => Some(StoredHeader::new("Host", h.value.as_bytes())),
            name if name.starts_with(':') => None,
            name => Some(StoredHeader::new(name, h.value.as_bytes())),
        })
        .collect();
    check_headers(&headers).map_err(HarError::Caps)?;
    let declared =
        header_text(&headers, "content-length").and_then(|v| v.trim().parse::<usize>().ok());
    let body = match request.post_data {
        None => Vec::new(),
        Some(post) => match (post.text, post.encoding.as_deref()) {
            (Some(text), Some(encoding)) if encoding.eq_ignore_ascii_case("base64") => {
                base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|_| HarError::Base64)?
            }
            (Some(text), _) => text_body(text, declared, &mut warnings),
            (None, _) if !post.params.is_empty() => {
                warnings.push(
                    "the HAR gives the form's fields but not its text; imported with an empty body"
                        .into(),
                );
                Vec::new()
            }
            (None, _) => Vec::new(),
        },
    };
    if body.len() > MAX_BODY_BYTES {
        return Err(HarError::BodyTooLarge);
    }
    if let Some(declared) = declared.filter(|&n| n != body.len()) {
        warnings.push(format!(
            "the body is {} bytes but Content-Length says {declared}: the HAR may hold only part of it (Firefox keeps the first 1 MiB of a request body, by default); imported as given",
            body.len()
        ));
    }
    let arrived = match entry.started.as_deref().map(str::parse::<jiff::Timestamp>) {
        Some(Ok(at)) => i64::try_from(at.as_nanosecond()).ok().map(|at_ns| Arrival {
            at_ns,
            from: ArrivalFrom::HarStartedDateTime,
        }),
        Some(Err(_)) => {
            warnings.push(
                "startedDateTime is not a date; the arrival time is not taken from it".into(),
            );
            None
        }
        None => None,
    };
    let arrived = arrived.or_else(|| super::date_header_arrival(&headers, &mut warnings));
    Ok(Incoming {
        entry: 0,
        line: None,
        method: request.method,
        target: request.url,
        http_version: request.http_version.filter(|v| !v.is_empty()),
        headers,
        body,
        arrived,
        warnings,
        recorded: None,
    })
}

/// A text body's bytes: UTF-8, unless the Content-Length (`declared`) says
/// the one-character-per-byte form of mitmproxy and Firefox was meant (see
/// the module's comment).
fn text_body(text: String, declared: Option<usize>, warnings: &mut Vec<String>) -> Vec<u8> {
    let latin1 = text.chars().all(|c| (c as u32) <= 0xff);
    let chars = text.chars().count();
    if latin1 && chars != text.len() && declared == Some(chars) {
        warnings.push(
            "the HAR has this body as text, one character per byte (as mitmproxy and Firefox write binary bodies); imported as those bytes, which match its Content-Length".into(),
        );
        return text.chars().map(|c| c as u8).collect();
    }
    text.into_bytes()
}

/// serde_json's message without its " at line 1 column 345" (a position in
/// the excerpt this reader made, not in the file).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
