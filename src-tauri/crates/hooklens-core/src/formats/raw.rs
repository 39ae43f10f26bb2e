//! Raw HTTP/1.x request text: request line, headers, blank line, body, as
//! pasted from a log; CRLF or LF line ends. Also the request side of a
//! `curl -v` transcript and of a `--trace`/`--trace-ascii` dump (see
//! `trace.rs`, which turns those into request bytes first).
//!
//! Several requests in one text are several entries. Where one request's
//! body ends:
//! - with a `Content-Length` the text honours, after that many bytes (and
//!   the blank lines after them);
//! - otherwise at the next line that is a request line
//!   (`METHOD SP target SP HTTP/x.y`), or the end; the line ends that end
//!   the paste are not part of the body (a paste cannot say whether they
//!   were, and a provider's signature covers the body without them far more
//!   often than with); a length that disagrees with `Content-Length` is kept
//!   as given, with a warning;
//! - a chunked body (`Transfer-Encoding: chunked`) is de-chunked, as the
//!   listener stores it and as a signature covers it, with a warning that
//!   the source had it chunked; framing that does not parse is kept as
//!   given, with a warning.
//!
//! Header values keep their exact bytes (httparse, as the listener uses,
//! reads the head); a `Date` header gives the arrival time.

use super::trace::{self, Piece};
use super::{EntryError, Incoming, MAX_HEADER_LINE, MAX_HEADERS, check_headers, line_at};
use crate::wire::{StoredHeader, header_text};

#[derive(Debug, thiserror::Error)]
enum RawError {
    #[error("`{0}` is not a request line (METHOD /target HTTP/1.1)")]
    NotRequestLine(String),
    #[error(
        "line {line}: `{text}` is not a header (is the blank line between the headers and the body missing?)"
    )]
    NotHeader { line: u64, text: String },
    #[error(
        "the request ends inside its headers: a blank line must follow them, even with no body"
    )]
    NoBlankLine,
    #[error("over {MAX_HEADERS} headers")]
    TooManyHeaders,
    #[error("line {line} is over {} KB", MAX_HEADER_LINE >> 10)]
    LineTooLong { line: u64 },
    #[error("{0}")]
    Caps(String),
}

/// The entries of a raw text, one request at a time.
pub struct RawReader {
    text: Vec<u8>,
    mode: Mode,
    entry: u64,
}

/// An empty text is said once, not read as no requests at all.
const EMPTY: &str = "the text is empty: there is no request in it";

enum Mode {
    /// Plain request text: the next request starts at `pos`.
    Plain { pos: usize },
    /// Requests already cut out of a curl transcript.
    Pieces(std::vec::IntoIter<Piece>),
}

impl RawReader {
    pub fn new(text: Vec<u8>) -> Self {
        let first = text
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
            .find(|l| !is_transcript_noise(l));
        let mode = match first {
            Some(line) if !is_request_line(line) && is_transcript_line(line) => {
                Mode::Pieces(trace::pieces(&text).into_iter())
            }
            _ => Mode::Plain { pos: 0 },
        };
        RawReader {
            text,
            mode,
            entry: 0,
        }
    }
}

impl Iterator for RawReader {
    type Item = Result<Incoming, EntryError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.mode {
            Mode::Plain { pos } => {
                let start = skip_blank_lines(&self.text, *pos);
                if start >= self.text.len() {
                    if self.entry == 0 {
                        self.entry = 1;
                        return Some(Err(EntryError::new(1, None, EMPTY)));
                    }
                    return None;
                }
                self.entry += 1;
                let line = line_at(&self.text, start);
                let (result, next) = plain_request(&self.text, start);
                *pos = next;
                Some(
                    result
                        .map(|mut incoming| {
                            incoming.entry = self.entry;
                            incoming.line = Some(line);
                            incoming
                        })
                        .map_err(|e| EntryError::new(self.entry, Some(line), e.to_string())),
                )
            }
            Mode::Pieces(pieces) => {
                let Some(piece) = pieces.next() else {
                    if self.entry == 0 {
                        self.entry = 1;
                        return Some(Err(EntryError::new(
                            1,
                            None,
                            "the curl transcript has no request in it (no `> ` lines or `=> Send header` blocks)",
                        )));
                    }
                    return None;
                };
                self.entry += 1;
                Some(piece_request(piece, self.entry))
            }
        }
    }
}

/// One request of plain text starting at `start`, and where the next one
/// may start (past this one, or past the bad line when this one is bad).
fn plain_request(text: &[u8], start: usize) -> (Result<Incoming, RawError>, usize) {
    let head = match read_head(text, start) {
        Ok(head) => head,
        Err(error) => {
            let line_end = next_line(text, start);
            return (
                Err(error),
                next_request_start(text, line_end).unwrap_or(text.len()),
            );
        }
    };
    let body_start = head.end;
    let declared = content_length(&head.headers);
    // A body of exactly its Content-Length is what the sender framed; the
    // next request is looked for after it, so a body that itself holds a
    // request line is not cut.
    let search_from = match declared {
        Some(Ok(n))
            if body_start
                .checked_add(n)
                .is_some_and(|end| end <= text.len()) =>
        {
            body_start + n
        }
        _ => body_start,
    };
    let next = next_request_start(text, search_from).unwrap_or(text.len());
    let region = &text[body_start..next];
    let mut warnings = Vec::new();
    let body = frame_body(region, &head.headers, declared, &mut warnings);
    let incoming = build(head, body, warnings);
    (Ok(incoming), next)
}

/// A request cut out of a curl transcript.
fn piece_request(piece: Piece, entry: u64) -> Result<Incoming, EntryError> {
    let fail = |message: String| EntryError::new(entry, Some(piece.line), message);
    if let Some(error) = piece.error {
        return Err(fail(error));
    }
    let head = read_head(&piece.bytes, 0).map_err(|e| fail(e.to_string()))?;
    let mut warnings = piece.warnings;
    let region = &piece.bytes[head.end..];
    let body = if piece.verbose {
        // curl -v prints the head it sent, never the body.
        let chunked = is_chunked(&head.headers);
        let declared = content_length(&head.headers).and_then(Result::ok);
        if chunked || declared.is_some_and(|n| n > 0) || piece.shown_body.is_some() {
            let size = piece
                .shown_body
                .or(declared.map(|n| n as u64))
                .map(|n| format!(" ({n} bytes)"))
                .unwrap_or_default();
            warnings.push(format!(
                "curl -v does not show the body it sent{size}; imported with an empty body (curl --trace-ascii - shows it)"
            ));
        }
        Vec::new()
    } else {
        let declared = content_length(&head.headers);
        frame_body(region, &head.headers, declared, &mut warnings)
    };
    let mut incoming = build(head, body, warnings);
    incoming.entry = entry;
    incoming.line = Some(piece.line);
    Ok(incoming)
}

struct Head {
    method: String,
    target: String,
    version: String,
    headers: Vec<StoredHeader>,
    /// Offset of the first body byte.
    end: usize,
}

/// The request line and headers at `start`.
fn read_head(text: &[u8], start: usize) -> Result<Head, RawError> {
    let line_end = text[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| start + i);
    let request_line = trim_cr(&text[start..line_end]);
    if request_line.len() > MAX_HEADER_LINE {
        return Err(RawError::LineTooLong {
            line: line_at(text, start),
        });
    }
    let Some((method, target, version)) = split_request_line(request_line) else {
        return Err(RawError::NotRequestLine(snippet(request_line)));
    };
    let headers_start = (line_end + 1).min(text.len());
    let mut fields = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
    let (consumed, headers) = match httparse::parse_headers(&text[headers_start..], &mut fields) {
        Ok(httparse::Status::Complete((consumed, parsed))) => (
            consumed,
            parsed
                .iter()
                .map(|h| StoredHeader::new(h.name, h.value))
                .collect::<Vec<_>>(),
        ),
        Ok(httparse::Status::Partial) => {
            return Err(long_line(text, headers_start).unwrap_or(RawError::NoBlankLine));
        }
        Err(httparse::Error::TooManyHeaders) => return Err(RawError::TooManyHeaders),
        Err(_) => return Err(bad_header_line(text, headers_start)),
    };
    check_headers(&headers).map_err(RawError::Caps)?;
    Ok(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        end: headers_start + consumed,
    })
}

fn build(head: Head, body: Vec<u8>, mut warnings: Vec<String>) -> Incoming {
    let arrived = super::date_header_arrival(&head.headers, &mut warnings);
    Incoming {
        entry: 0,
        line: None,
        method: head.method,
        target: head.target,
        http_version: Some(head.version),
        headers: head.headers,
        body,
        arrived,
        warnings,
        recorded: None,
    }
}

/// The body in `region` (from the end of the head to the next request or
/// the end of the text), by the rules in the module's comment.
fn frame_body(
    region: &[u8],
    headers: &[StoredHeader],
    declared: Option<Result<usize, String>>,
    warnings: &mut Vec<String>,
) -> Vec<u8> {
    if is_chunked(headers) {
        return match dechunk(region) {
            Ok(body) => {
                warnings.push(
                    "the body is chunked-encoded in the source; imported de-chunked, as the listener stores it".into(),
                );
                body
            }
            Err(why) => {
                warnings.push(format!(
                    "the body says it is chunked-encoded but {why}; imported as given"
                ));
                trim_line_ends(region).to_vec()
            }
        };
    }
    match declared {
        Some(Ok(n)) if region.len() >= n && region[n..].iter().all(u8::is_ascii_whitespace) => {
            region[..n].to_vec()
        }
        Some(Ok(n)) => {
            let body = trim_line_ends(region);
            warnings.push(format!(
                "the body is {} bytes but Content-Length says {n}; imported as given",
                body.len()
            ));
            body.to_vec()
        }
        Some(Err(why)) => {
            warnings.push(format!("{why}; the body is taken as given"));
            trim_line_ends(region).to_vec()
        }
        None => trim_line_ends(region).to_vec(),
    }
}

/// The Content-Length the headers declare: None without one, an error in
/// words when it is not one number (or several that differ).
fn content_length(headers: &[StoredHeader]) -> Option<Result<usize, String>> {
    let mut found: Option<usize> = None;
    for h in crate::wire::headers_named(headers, "content-length") {
        let parsed = h
            .text()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .ok_or_else(|| "Content-Length is not a number".to_owned());
        match (parsed, found) {
            (Err(e), _) => return Some(Err(e)),
            (Ok(n), Some(prev)) if prev != n => {
                return Some(Err("Content-Length is given twice, differently".into()));
            }
            (Ok(n), _) => found = Some(n),
        }
    }
    found.map(Ok)
}

fn is_chunked(headers: &[StoredHeader]) -> bool {
    header_text(headers, "transfer-encoding").is_some_and(|v| {
        v.rsplit(',')
            .next()
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
    })
}

/// The payload of a chunked body; the text after its last chunk may only
/// be trailers and blank lines (trailers are not kept: a pasted request
/// has nowhere to put them, and no provider signs them).
fn dechunk(region: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = region[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("the chunk sizes end early")?;
        let size_line = trim_cr(&region[pos..pos + line_end]);
        let size_text = size_line
            .split(|&b| b == b';')
            .next()
            .and_then(|s| std::str::from_utf8(s).ok())
            .map(str::trim)
            .ok_or("a chunk size is not hexadecimal")?;
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("`{}` is not a chunk size", snippet(size_line)))?;
        pos += line_end + 1;
        if size == 0 {
            return Ok(body);
        }
        let end = pos
            .checked_add(size)
            .filter(|&end| end <= region.len())
            .ok_or("a chunk is cut short")?;
        body.extend_from_slice(&region[pos..end]);
        pos = end;
        // Each chunk's data ends with a line end.
        if region[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if region[pos..].starts_with(b"\n") {
            pos += 1;
        } else {
            return Err("a chunk is longer than its size says".into());
        }
    }
}

/// `METHOD target HTTP/x.y`, split; None when it is not one.
fn split_request_line(line: &[u8]) -> Option<(&str, &str, &str)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ').filter(|p| !p.is_empty());
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let method_ok = method
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let target_ok = target.bytes().all(|b| b > b' ' && b != 0x7f);
    let version_ok = version.strip_prefix("HTTP/").is_some_and(|v| {
        let mut digits = v.split('.');
        let major = digits
            .next()
            .is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit());
        let minor = digits
            .next()
            .is_none_or(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit());
        major && minor && digits.next().is_none()
    });
    (method_ok && target_ok && version_ok).then_some((method, target, version))
}

/// Whether a line (without its line end) is a request line.
pub(crate) fn is_request_line(line: &[u8]) -> bool {
    split_request_line(trim_cr(line)).is_some()
}

/// Whether a line is one of a curl transcript's (`> `, `* `, `< `, a
/// `--trace` header), after a progress meter curl may have printed before
/// it on the same line.
pub(crate) fn is_transcript_line(line: &[u8]) -> bool {
    trace::marker(line).is_some()
}

/// Lines curl prints before a transcript that are no part of it: notes,
/// warnings, and the progress meter's heading.
pub(crate) fn is_transcript_noise(line: &[u8]) -> bool {
    let text = line.trim_ascii_start();
    text.starts_with(b"Note: ")
        || text.starts_with(b"Warning: ")
        || text.starts_with(b"% Total")
        || text.starts_with(b"Dload")
}

/// The start of the next line that is a request line, at or after `from`
/// (only whole lines count: `from` inside a line looks from the next one).
fn next_request_start(text: &[u8], from: usize) -> Option<usize> {
    let mut pos = if from == 0 || text.get(from - 1) == Some(&b'\n') {
        from
    } else {
        next_line(text, from)
    };
    while pos < text.len() {
        let end = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| pos + i);
        if is_request_line(&text[pos..end]) {
            return Some(pos);
        }
        pos = end + 1;
    }
    None
}

fn next_line(text: &[u8], from: usize) -> usize {
    text[from.min(text.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| from + i + 1)
}

fn skip_blank_lines(text: &[u8], mut pos: usize) -> usize {
    while pos < text.len() {
        let next = next_line(text, pos);
        if text[pos..next].iter().all(u8::is_ascii_whitespace) {
            pos = next;
        } else {
            break;
        }
    }
    pos
}

/// The first line of a header block that is over the cap, as an error.
fn long_line(text: &[u8], from: usize) -> Option<RawError> {
    let mut pos = from;
    while pos < text.len() {
        let next = next_line(text, pos);
        if next - pos > MAX_HEADER_LINE {
            return Some(RawError::LineTooLong {
                line: line_at(text, pos),
            });
        }
        pos = next;
    }
    None
}

/// The first line of a header block that is not `name: value`.
fn bad_header_line(text: &[u8], from: usize) -> RawError {
    let mut pos = from;
    while pos < text.len() {
        let next = next_line(text, pos);
        let line = trim_cr(
            text[pos..next]
                .strip_suffix(b"\n")
                .unwrap_or(&text[pos..next]),
        );
        if line.is_empty() {
            break;
        }
        let mut fields = [httparse::EMPTY_HEADER; 1];
        let mut probe = line.to_vec();
        probe.extend_from_slice(b"\r\n\r\n");
        if !matches!(
            httparse::parse_headers(&probe, &mut fields),
            Ok(httparse::Status::Complete(_))
        ) {
            return RawError::NotHeader {
                line: line_at(text, pos),
                text: snippet(line),
            };
        }
        pos = next;
    }
    RawError::NotHeader {
        line: line_at(text, from),
        text: snippet(trim_cr(&text[from..next_line(text, from)])),
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_line_ends(bytes: &[u8]) -> &[u8] {
    let keep = bytes
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |i| i + 1);
    &bytes[..keep]
}

/// A line as shown in a message: at most 60 characters, controls escaped.
fn snippet(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut out: String = text
        .chars()
        .take(60)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<Incoming, EntryError>> {
        RawReader::new(text.as_bytes().to_vec()).collect()
    }

    #[test]
    fn request_lines() {
        assert!(is_request_line(b"POST /hook HTTP/1.1"));
        assert!(is_request_line(b"GET https://x/y?z HTTP/1.0\r"));
        assert!(is_request_line(b"POST /hook HTTP/2"));
        assert!(!is_request_line(b"POST /hook"));
        assert!(!is_request_line(b"POST /hook HTTP/1.1 extra"));
        assert!(!is_request_line(b"{\"a\": 1} HTTP/1.1 x"));
        assert!(!is_request_line(b"POST /hook HTTP/11.1"));
    }

    #[test]
    fn content_length_frames_two_requests() {
        let got = read(
            "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc\r\n\r\nPOST /b HTTP/1.1\nX: 1\n\nxyz\n",
        );
        assert_eq!(got.len(), 2);
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            (a.entry, a.line, a.body.as_slice()),
            (1, Some(1), &b"abc"[..])
        );
        assert!(a.warnings.is_empty());
        let b = got[1].as_ref().unwrap();
        assert_eq!(
            (b.target.as_str(), b.line, b.body.as_slice()),
            ("/b", Some(6), &b"xyz"[..])
        );
    }

    #[test]
    fn a_length_that_disagrees_is_kept_as_given() {
        let got = read("POST /a HTTP/1.1\nContent-Length: 10\n\nabc\n");
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.body, b"abc");
        assert_eq!(
            a.warnings,
            ["the body is 3 bytes but Content-Length says 10; imported as given"]
        );
    }

    #[test]
    fn chunked_bodies_are_dechunked_with_a_warning() {
        let got = read(
            "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.body, b"abcde");
        assert!(a.warnings[0].contains("de-chunked"));
        let got = read("POST /a HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\nabc\n");
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.body, b"zz\nabc");
        assert!(a.warnings[0].contains("as given"), "{:?}", a.warnings);
    }

    #[test]
    fn date_header_gives_the_arrival() {
        let got = read("POST /a HTTP/1.1\nDate: Thu, 01 Jan 2026 00:00:00 GMT\n\n");
        let a = got[0].as_ref().unwrap();
        let arrived = a.arrived.unwrap();
        assert_eq!(arrived.at_ns, 1_767_225_600_000_000_000);
        assert_eq!(arrived.from, super::super::ArrivalFrom::DateHeader);
        let got = read("POST /a HTTP/1.1\nDate: yesterday\n\n");
        assert!(got[0].as_ref().unwrap().arrived.is_none());
        assert_eq!(got[0].as_ref().unwrap().warnings.len(), 1);
    }

    #[test]
    fn bad_requests_are_errors_with_their_line_and_the_next_one_reads() {
        let got = read("\nPOST /a HTTP/1.1\nHost: x\n{\"a\":1}\n\nPOST /b HTTP/1.1\n\n");
        let err = got[0].as_ref().unwrap_err();
        assert_eq!((err.entry, err.line), (1, Some(2)));
        assert!(err.message.contains("line 4"), "{err}");
        assert!(err.message.contains("blank line"), "{err}");
        assert_eq!(got[1].as_ref().unwrap().target, "/b");
        let got = read("POST /a HTTP/1.1\nHost: x\n");
        assert!(
            got[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("blank line must follow")
        );
        let got = read("hello there\n");
        assert!(
            got[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("not a request line")
        );
    }
}
