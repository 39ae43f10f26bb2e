//! Request heads exactly as they came off the socket.
//!
//! hyper hands the capture handler a `HeaderMap`, which lowercases names,
//! groups repeated headers by name and never shows chunked trailers. Hooklens
//! promises what arrived, so each connection's reader also frames the byte
//! stream itself — with httparse, the parser hyper uses — and hands each
//! request its head: the request-target as sent, name case, order across
//! names, duplicates, and the trailers of a chunked body.
//!
//! The framer only follows request boundaries; hyper still decides what is a
//! valid request. Where the two could disagree (a head too big for us, a
//! framing hyper would refuse, a tunnel after CONNECT) the framer gives up
//! for the rest of the connection and capture falls back to hyper's view.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::store::StoredHeader;

/// Longest head (request line and headers) kept exactly; hyper accepts
/// longer ones, which are then stored from its view.
const MAX_HEAD: usize = 64 * 1024;
/// Longest trailer section kept.
const MAX_TRAILERS: usize = 64 * 1024;
/// Longest chunk-size line (with extensions).
const MAX_CHUNK_LINE: usize = 4096;
/// Most headers in one head (hyper's own limit is 100).
const MAX_HEADERS: usize = 128;
/// Heads framed but not yet taken by a request; hyper reads at most its
/// buffer ahead, so this is only reached by a stream hyper would not serve.
const MAX_QUEUED: usize = 1024;

/// One request's head as it arrived.
#[derive(Debug)]
pub struct RawHead {
    pub method: String,
    /// The request-target as sent: origin-form (`/a?b`), absolute-form
    /// (`http://host/a`), authority-form (`host:443`, CONNECT) or `*`.
    pub target: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: &'static str,
    pub headers: Vec<StoredHeader>,
    /// Filled in when the chunked body's trailer section has been read.
    trailers: Mutex<Vec<StoredHeader>>,
}

/// A request's head taken apart: headers, target, version, trailers.
pub type HeadParts = (Vec<StoredHeader>, String, &'static str, Vec<StoredHeader>);

impl RawHead {
    /// Takes the head apart without copying when this is the last holder
    /// (the framer lets go once the body is read).
    pub fn into_parts(self: Arc<Self>) -> HeadParts {
        match Arc::try_unwrap(self) {
            Ok(raw) => {
                let trailers = raw.trailers.into_inner().unwrap_or_else(|e| e.into_inner());
                (raw.headers, raw.target, raw.version, trailers)
            }
            Err(shared) => (
                shared.headers.clone(),
                shared.target.clone(),
                shared.version,
                shared.trailers(),
            ),
        }
    }

    /// The trailers read so far (all of them once the body is complete).
    pub fn trailers(&self) -> Vec<StoredHeader> {
        self.trailers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The heads of one connection, in order, for its requests to take.
#[derive(Debug, Default)]
pub(super) struct Heads {
    queue: Mutex<VecDeque<Arc<RawHead>>>,
}

impl Heads {
    /// The head of the request hyper is about to serve, if it was framed.
    pub(super) fn take(&self) -> Option<Arc<RawHead>> {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    fn push(&self, head: Arc<RawHead>) -> bool {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if queue.len() >= MAX_QUEUED {
            return false;
        }
        queue.push_back(head);
        true
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a request head into `buf`.
    Head,
    /// Skipping this many body bytes.
    Fixed(u64),
    /// Reading a chunk-size line into `buf`.
    ChunkSize,
    /// Skipping this many chunk-data bytes.
    ChunkData(u64),
    /// The CRLF after chunk data; true once the CR was seen.
    ChunkEnd(bool),
    /// Reading the trailer section into `buf`.
    Trailers,
    /// Framing stopped for this connection.
    Lost,
}

/// Follows one connection's request stream, byte for byte.
pub(super) struct Framer {
    state: State,
    buf: Vec<u8>,
    heads: Arc<Heads>,
    /// The request whose body is being framed (for its trailers).
    current: Option<Arc<RawHead>>,
}

impl Framer {
    pub(super) fn new(heads: Arc<Heads>) -> Framer {
        Framer {
            state: State::Head,
            buf: Vec::new(),
            heads,
            current: None,
        }
    }

    /// Takes in bytes as read from the socket.
    pub(super) fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.state {
                State::Lost => return,
                State::Head => {
                    let (line_done, used) = take_line(&mut self.buf, data, MAX_HEAD);
                    data = &data[used..];
                    if !line_done {
                        if self.buf.len() >= MAX_HEAD {
                            self.lose("request head too long to keep exactly");
                        }
                        continue;
                    }
                    // Empty lines before a request line are allowed (and
                    // skipped, as hyper does).
                    if self.buf == b"\r\n" || self.buf == b"\n" {
                        self.buf.clear();
                    } else if self.buf.ends_with(b"\r\n\r\n") || self.buf.ends_with(b"\n\n") {
                        self.head_done();
                    }
                }
                State::Fixed(left) => {
                    let n = skip(left, data.len());
                    data = &data[n..];
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        self.current = None;
                        State::Head
                    } else {
                        State::Fixed(left)
                    };
                }
                State::ChunkSize => {
                    let (line_done, used) = take_line(&mut self.buf, data, MAX_CHUNK_LINE);
                    data = &data[used..];
                    if !line_done {
                        if self.buf.len() >= MAX_CHUNK_LINE {
                            self.lose("chunk-size line too long");
                        }
                        continue;
                    }
                    match chunk_size(&self.buf) {
                        Some(0) => self.state = State::Trailers,
                        Some(size) => self.state = State::ChunkData(size),
                        None => self.lose("malformed chunk size"),
                    }
                    self.buf.clear();
                }
                State::ChunkData(left) => {
                    let n = skip(left, data.len());
                    data = &data[n..];
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        State::ChunkEnd(false)
                    } else {
                        State::ChunkData(left)
                    };
                }
                State::ChunkEnd(seen_cr) => {
                    let byte = data[0];
                    data = &data[1..];
                    match (seen_cr, byte) {
                        (false, b'\r') => self.state = State::ChunkEnd(true),
                        (_, b'\n') => self.state = State::ChunkSize,
                        _ => self.lose("chunk data not followed by CRLF"),
                    }
                }
                State::Trailers => {
                    let (line_done, used) = take_line(&mut self.buf, data, MAX_TRAILERS);
                    data = &data[used..];
                    if !line_done {
                        if self.buf.len() >= MAX_TRAILERS {
                            self.lose("trailer section too long");
                        }
                        continue;
                    }
                    let ended = self.buf == b"\r\n"
                        || self.buf == b"\n"
                        || self.buf.ends_with(b"\r\n\r\n")
                        || self.buf.ends_with(b"\n\n");
                    if ended {
                        self.trailers_done();
                    }
                }
            }
        }
    }

    fn head_done(&mut self) {
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut fields);
        let parsed = request.parse(&self.buf);
        let (Ok(httparse::Status::Complete(_)), Some(method), Some(target), Some(minor)) =
            (parsed, request.method, request.path, request.version)
        else {
            return self.lose("request head hyper would refuse");
        };
        let headers: Vec<StoredHeader> = request
            .headers
            .iter()
            .map(|h| StoredHeader::new(h.name, h.value))
            .collect();
        let body = match body_framing(&headers) {
            Ok(body) => body,
            Err(why) => return self.lose(why),
        };
        let head = Arc::new(RawHead {
            method: method.to_owned(),
            target: target.to_owned(),
            version: if minor == 0 { "HTTP/1.0" } else { "HTTP/1.1" },
            headers,
            trailers: Mutex::new(Vec::new()),
        });
        // After a CONNECT the bytes that follow may be a tunnel, not requests.
        let tunnel = head.method.eq_ignore_ascii_case("CONNECT");
        self.buf.clear();
        if !self.heads.push(head.clone()) {
            return self.lose("too many heads waiting");
        }
        self.state = match body {
            _ if tunnel => State::Lost,
            Body::None | Body::Fixed(0) => State::Head,
            Body::Fixed(n) => State::Fixed(n),
            Body::Chunked => State::ChunkSize,
        };
        self.current = (self.state != State::Head).then_some(head);
    }

    fn trailers_done(&mut self) {
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let trailers = match httparse::parse_headers(&self.buf, &mut fields) {
            Ok(httparse::Status::Complete((_, parsed))) => parsed
                .iter()
                .map(|h| StoredHeader::new(h.name, h.value))
                .collect(),
            _ => return self.lose("malformed trailers"),
        };
        if let Some(current) = self.current.take() {
            *current.trailers.lock().unwrap_or_else(|e| e.into_inner()) = trailers;
        }
        self.buf.clear();
        self.state = State::Head;
    }

    fn lose(&mut self, why: &'static str) {
        tracing::debug!(
            why,
            "request heads of this connection come from hyper's view"
        );
        self.state = State::Lost;
        self.buf = Vec::new();
        self.current = None;
    }
}

enum Body {
    None,
    Fixed(u64),
    Chunked,
}

/// How a request's body is framed (RFC 9112 §6.3), or why hyper would
/// refuse the request.
fn body_framing(headers: &[StoredHeader]) -> Result<Body, &'static str> {
    let named = |name: &'static str| {
        headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
    };
    if let Some(last) = named("transfer-encoding").next_back() {
        let last_coding = last.bytes().rsplit(|b| *b == b',').next().unwrap_or(b"");
        return if last_coding.trim_ascii().eq_ignore_ascii_case(b"chunked") {
            Ok(Body::Chunked)
        } else {
            Err("transfer coding without chunked last")
        };
    }
    let mut length = None;
    for h in named("content-length") {
        for part in h.bytes().split(|b| *b == b',') {
            let n = std::str::from_utf8(part.trim_ascii())
                .ok()
                .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or("invalid Content-Length")?;
            if length.is_some_and(|l| l != n) {
                return Err("conflicting Content-Length");
            }
            length = Some(n);
        }
    }
    Ok(length.map_or(Body::None, Body::Fixed))
}

/// Appends bytes of `data` to `buf` up to and including the first LF (or up
/// to `cap`); returns whether a line ended and how many bytes were used.
fn take_line(buf: &mut Vec<u8>, data: &[u8], cap: usize) -> (bool, usize) {
    let room = cap.saturating_sub(buf.len());
    let window = &data[..data.len().min(room)];
    match window.iter().position(|b| *b == b'\n') {
        Some(at) => {
            buf.extend_from_slice(&window[..=at]);
            (true, at + 1)
        }
        None => {
            buf.extend_from_slice(window);
            (false, window.len())
        }
    }
}

fn skip(left: u64, available: usize) -> usize {
    usize::try_from(left).map_or(available, |left| left.min(available))
}

/// The size of a chunk-size line (`1a;ext=1\r\n`).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let size = line.split(|b| *b == b';').next()?.trim_ascii();
    if size.is_empty() || size.len() > 16 {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(size).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(chunks: &[&[u8]]) -> (Vec<Arc<RawHead>>, State) {
        let heads = Arc::new(Heads::default());
        let mut framer = Framer::new(heads.clone());
        for chunk in chunks {
            framer.feed(chunk);
        }
        let mut out = Vec::new();
        while let Some(head) = heads.take() {
            out.push(head);
        }
        (out, framer.state)
    }

    fn names_values(headers: &[StoredHeader]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|h| {
                (
                    h.name.clone(),
                    String::from_utf8_lossy(h.bytes()).into_owned(),
                )
            })
            .collect()
    }

    const MIXED: &[u8] = b"POST /hook?x=1 HTTP/1.1\r\nHost: a\r\nX-Foo: a\r\nAuthorization: t\r\nx-foo: b\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn keeps_case_order_and_duplicates() {
        let (heads, state) = frame(&[MIXED]);
        assert_eq!(state, State::Head);
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].method, "POST");
        assert_eq!(heads[0].target, "/hook?x=1");
        assert_eq!(heads[0].version, "HTTP/1.1");
        let got = names_values(&heads[0].headers);
        let want = [
            ("Host", "a"),
            ("X-Foo", "a"),
            ("Authorization", "t"),
            ("x-foo", "b"),
            ("Content-Length", "5"),
        ];
        assert_eq!(
            got,
            want.map(|(n, v)| (n.to_owned(), v.to_owned())).to_vec()
        );
    }

    #[test]
    fn frames_the_same_stream_split_at_every_byte() {
        let mut stream = MIXED.to_vec();
        stream.extend_from_slice(b"GET http://example.com:8080/b HTTP/1.0\r\nA: 1\r\n\r\n");
        let whole = frame(&[&stream]);
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        let split = frame(&bytes);
        assert_eq!(whole.0.len(), 2);
        assert_eq!(split.0.len(), 2);
        assert_eq!(split.0[1].target, "http://example.com:8080/b");
        assert_eq!(split.0[1].version, "HTTP/1.0");
        for (a, b) in whole.0.iter().zip(&split.0) {
            assert_eq!(a.headers, b.headers);
        }
    }

    #[test]
    fn reads_chunked_bodies_and_their_trailers() {
        let stream: &[u8] =
            b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n\
            5;name=v\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nx-Late: 1\r\n\r\n\
            POST /next HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
        for split in [stream.len(), 1, 7] {
            let chunks: Vec<&[u8]> = stream.chunks(split).collect();
            let (heads, state) = frame(&chunks);
            assert_eq!(state, State::Head, "split {split}");
            assert_eq!(heads.len(), 2);
            let trailers = heads[0].trailers();
            assert_eq!(
                names_values(&trailers),
                vec![
                    ("X-Checksum".to_owned(), "abc".to_owned()),
                    ("x-Late".to_owned(), "1".to_owned())
                ]
            );
            assert_eq!(heads[1].target, "/next");
        }
    }

    #[test]
    fn a_chunked_body_without_trailers_ends_at_the_empty_line() {
        let (heads, state) = frame(&[
            b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        ]);
        assert_eq!(state, State::Head);
        assert_eq!(heads.len(), 2);
        assert!(heads[0].trailers().is_empty());
    }

    #[test]
    fn connect_keeps_its_authority_then_stops_framing() {
        let (heads, state) = frame(&[
            b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01",
        ]);
        assert_eq!(heads[0].target, "example.com:443");
        assert_eq!(state, State::Lost);
    }

    #[test]
    fn gives_up_rather_than_guess() {
        for stream in [
            &b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"[..],
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"NOT A REQUEST\r\n\r\n",
        ] {
            assert_eq!(
                frame(&[stream]).1,
                State::Lost,
                "{:?}",
                String::from_utf8_lossy(stream)
            );
        }
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        let (heads, state) = frame(&[huge.as_bytes()]);
        assert!(heads.is_empty());
        assert_eq!(state, State::Lost);
    }

    #[test]
    fn empty_lines_before_a_request_are_skipped() {
        let (heads, _) = frame(&[b"\r\n\r\nGET /a HTTP/1.1\r\n\r\n"]);
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].target, "/a");
    }
}
