//! Reading a Hooklens case bundle (see [`super::bundle`]), line by line.
//!
//! The header must come first: another format or a newer version stops the
//! reading with one clear error. Endpoint lines are collected (the import
//! driver maps the bundle's endpoint ids to its own through them); each
//! event line becomes an [`Incoming`] with what the bundle recorded beside
//! it, its arrival from `received_at_ns`, and the delivery lines that
//! follow it attached (an event is held until the next event line, so
//! memory is one event and its deliveries). A line that does not parse is
//! an error for that line alone; the next line reads on.

use std::collections::VecDeque;
use std::io::BufRead;

use base64::Engine;

use super::bundle::{EndpointLine, Header, Line, MAGIC, VERSION};
use super::{Arrival, ArrivalFrom, EntryError, Incoming, MAX_BODY_BYTES, Recorded, check_headers};

/// The longest line read: an event whose body is at the cap, in base64,
/// with room for its headers and verdict.
pub const MAX_LINE_BYTES: usize = MAX_BODY_BYTES / 3 * 4 + (4 << 20);
/// Deliveries kept per event; a retry schedule makes dozens, not thousands.
pub const MAX_DELIVERIES: usize = 10_000;

#[derive(Debug, thiserror::Error)]
enum BundleError {
    #[error("not a Hooklens bundle: the first line is not its header")]
    NoHeader,
    #[error("not a Hooklens bundle (its format is `{0}`)")]
    WrongFormat(String),
    #[error(
        "this bundle is version {0}; this Hooklens reads up to version {VERSION}: update Hooklens to import it"
    )]
    Newer(u32),
    #[error("line {line} is over {mb} MB; skipped", mb = MAX_LINE_BYTES >> 20)]
    LineTooLong { line: u64 },
    #[error("line {line} is not a bundle line: {why}")]
    BadLine { line: u64, why: String },
    #[error("line {0} is a second header; skipped")]
    SecondHeader(u64),
    #[error("line {line}: a delivery of event {event}, which is not the event before it; skipped")]
    Orphan { line: u64, event: i64 },
    #[error("line {0}: over {MAX_DELIVERIES} deliveries for one event; skipped")]
    TooManyDeliveries(u64),
    #[error("body is not valid base64")]
    Base64,
    #[error("body is over {} MB", MAX_BODY_BYTES >> 20)]
    BodyTooLarge,
    #[error("{0}")]
    Caps(String),
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// The events of a bundle, each with its deliveries.
pub struct BundleReader<R> {
    input: R,
    /// Lines read so far.
    line: u64,
    header: Option<Header>,
    endpoints: Vec<EndpointLine>,
    /// Event lines seen (good or bad): the entry number.
    events: u64,
    /// The event being completed with its deliveries.
    pending: Option<Incoming>,
    /// The bundle id of an event that failed: its deliveries go with it.
    skipped: Option<i64>,
    /// Errors of lines read while an event was pending: said after it, so
    /// a bad line among its deliveries does not cut the event short.
    held: Vec<EntryError>,
    /// A line read ahead while collecting the endpoints.
    ahead: Option<(u64, Result<Line, BundleError>)>,
    out: VecDeque<Result<Incoming, EntryError>>,
    started: bool,
    finished: bool,
}

impl<R: BufRead> BundleReader<R> {
    pub fn new(input: R) -> Self {
        BundleReader {
            input,
            line: 0,
            header: None,
            endpoints: Vec::new(),
            events: 0,
            pending: None,
            skipped: None,
            held: Vec::new(),
            ahead: None,
            out: VecDeque::new(),
            started: false,
            finished: false,
        }
    }

    /// The header, once read.
    pub fn header(&mut self) -> Option<&Header> {
        self.start();
        self.header.as_ref()
    }

    /// The endpoints listed before the first event (and any read since).
    pub fn endpoints(&mut self) -> &[EndpointLine] {
        self.start();
        &self.endpoints
    }

    /// Reads the header and the endpoint lines after it.
    fn start(&mut self) {
        if std::mem::replace(&mut self.started, true) {
            return;
        }
        match self.next_line() {
            None => self.fatal(BundleError::NoHeader),
            Some((_, Ok(Line::Header(header)))) => {
                if header.format != MAGIC {
                    self.fatal(BundleError::WrongFormat(header.format));
                } else if header.version > VERSION {
                    self.fatal(BundleError::Newer(header.version));
                } else {
                    self.header = Some(header);
                }
            }
            Some(_) => self.fatal(BundleError::NoHeader),
        }
        while !self.finished {
            match self.next_line() {
                Some((_, Ok(Line::Endpoint(endpoint)))) => self.endpoints.push(endpoint),
                other => {
                    self.ahead = other;
                    break;
                }
            }
        }
    }

    fn fatal(&mut self, error: BundleError) {
        self.out.push_back(Err(EntryError::new(
            1,
            Some(self.line.max(1)),
            error.to_string(),
        )));
        self.finished = true;
    }

    /// The next non-blank line, parsed; None at the end.
    fn next_line(&mut self) -> Option<(u64, Result<Line, BundleError>)> {
        loop {
            self.line += 1;
            let line = self.line;
            match read_line(&mut self.input) {
                Ok(None) => return None,
                Ok(Some(Err(()))) => return Some((line, Err(BundleError::LineTooLong { line }))),
                Ok(Some(Ok(bytes))) if bytes.trim_ascii().is_empty() => continue,
                Ok(Some(Ok(bytes))) => {
                    let parsed =
                        serde_json::from_slice::<Line>(&bytes).map_err(|e| BundleError::BadLine {
                            line,
                            why: e.to_string(),
                        });
                    return Some((line, parsed));
                }
                Err(error) => return Some((line, Err(error.into()))),
            }
        }
    }

    fn error(&self, error: BundleError) -> EntryError {
        EntryError::new(self.events.max(1), Some(self.line), error.to_string())
    }

    /// Handles one line; anything complete goes to `out`.
    fn take(&mut self, line: u64, parsed: Result<Line, BundleError>) {
        match parsed {
            Ok(Line::Event(event)) => {
                self.flush();
                self.events += 1;
                let id = event.id;
                match event_incoming(*event, self.events, line) {
                    Ok(incoming) => {
                        self.pending = Some(incoming);
                        self.skipped = None;
                    }
                    Err(error) => {
                        self.skipped = Some(id);
                        self.out.push_back(Err(EntryError::new(
                            self.events,
                            Some(line),
                            error.to_string(),
                        )));
                    }
                }
            }
            Ok(Line::Delivery(delivery)) => {
                let event = delivery.event;
                let error = match self.pending.as_mut().and_then(|p| p.recorded.as_mut()) {
                    Some(recorded) if recorded.id == event => {
                        let kept: usize = recorded.runs.iter().map(|r| r.attempts.len()).sum();
                        if kept < MAX_DELIVERIES {
                            // Attempts of one run are on consecutive lines.
                            let run_id = delivery.delivery.run_id;
                            if recorded.runs.last().is_none_or(|r| r.id != run_id) {
                                recorded.runs.push(delivery.run());
                            }
                            if let Some(run) = recorded.runs.last_mut() {
                                run.attempts.push(delivery.delivery);
                            }
                            None
                        } else {
                            Some(BundleError::TooManyDeliveries(line))
                        }
                    }
                    _ if self.skipped == Some(event) => None,
                    _ => Some(BundleError::Orphan { line, event }),
                };
                if let Some(error) = error {
                    let error = self.error(error);
                    self.say(error);
                }
            }
            Ok(Line::Endpoint(endpoint)) => self.endpoints.push(endpoint),
            Ok(Line::Header(_)) => {
                let error = self.error(BundleError::SecondHeader(line));
                self.say(error);
            }
            Err(error) => {
                let error = self.error(error);
                self.say(error);
            }
        }
    }

    /// An error now, or after the pending event.
    fn say(&mut self, error: EntryError) {
        if self.pending.is_some() {
            self.held.push(error);
        } else {
            self.out.push_back(Err(error));
        }
    }

    /// The pending event is complete: it, then what was held.
    fn flush(&mut self) {
        if let Some(done) = self.pending.take() {
            self.out.push_back(Ok(done));
        }
        self.out.extend(self.held.drain(..).map(Err));
    }
}

impl<R: BufRead> Iterator for BundleReader<R> {
    type Item = Result<Incoming, EntryError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.start();
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            let next = match self.ahead.take() {
                Some(ahead) => Some(ahead),
                None => self.next_line(),
            };
            match next {
                Some((line, parsed)) => self.take(line, parsed),
                None => {
                    self.finished = true;
                    self.flush();
                }
            }
        }
    }
}

fn event_incoming(
    event: super::bundle::EventLine,
    entry: u64,
    line: u64,
) -> Result<Incoming, BundleError> {
    let body = base64::engine::general_purpose::STANDARD
        .decode(event.body_base64.as_bytes())
        .map_err(|_| BundleError::Base64)?;
    if body.len() > MAX_BODY_BYTES {
        return Err(BundleError::BodyTooLarge);
    }
    check_headers(&event.headers).map_err(BundleError::Caps)?;
    check_headers(&event.trailers).map_err(BundleError::Caps)?;
    Ok(Incoming {
        entry,
        line: Some(line),
        method: event.method,
        target: event.target,
        http_version: event.http_version,
        headers: event.headers,
        body,
        arrived: Some(Arrival {
            at_ns: event.received_at_ns,
            from: ArrivalFrom::Bundle,
        }),
        warnings: Vec::new(),
        recorded: Some(Box::new(Recorded {
            id: event.id,
            endpoint: event.endpoint,
            trailers: event.trailers,
            remote_addr: event.remote_addr,
            provider: event.provider,
            verdict: event.verdict,
            pinned: event.pinned,
            redactions: event.redactions,
            runs: Vec::new(),
            via: event.via,
        })),
    })
}

/// One line without its line end; `Err(())` when it is over the cap (the
/// rest of it is skipped); None at the end of the input.
#[allow(clippy::type_complexity)]
fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<Result<Vec<u8>, ()>>> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !too_long {
            if line.len() + take > MAX_LINE_BYTES + 1 {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(&buf[..take]);
            }
        }
        input.consume(take);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Err(())));
    }
    if line.ends_with(b"\n") {
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
    }
    Ok(Some(Ok(line)))
}
