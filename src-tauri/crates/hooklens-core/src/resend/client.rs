//! One HTTP request out, and its reply or its failure in words.

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::ResendError;
use crate::api::{DeliveryError, DeliveryErrorKind};
use crate::store::{MAX_RESPONSE_BODY, NewResponse};
use crate::store::{StoredHeader, now_ns};

/// The longest wait for a connection; the answer's deadline is the
/// provider's (see `providers::delivery`), given per request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Headers the transport sets from the URL and the body; a copied value
/// would contradict what is actually sent.
pub const TRANSPORT_HEADERS: [&str; 7] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "expect",
    "upgrade",
];

pub fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// A request ready to go.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: reqwest::Method,
    pub url: Url,
    /// In order, duplicates kept; no transport headers.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

/// What one attempt did.
#[derive(Debug, Clone)]
pub struct Attempted {
    pub sent_at_ns: i64,
    /// The headers as sent, the transport's included.
    pub headers: Vec<StoredHeader>,
    pub response: Option<NewResponse>,
    pub error: Option<DeliveryError>,
    pub duration_us: i64,
    /// Connected, but no complete answer came before the deadline.
    pub waited_out: bool,
}

impl Attempted {
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// "200", "connection refused", … for outcomes in words.
    pub fn short(&self) -> String {
        match (&self.response, &self.error) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(e)) => match e.kind {
                DeliveryErrorKind::ConnectionRefused => "connection refused".into(),
                DeliveryErrorKind::Timeout => "timeout".into(),
                DeliveryErrorKind::Tls => "TLS error".into(),
                DeliveryErrorKind::Dns => "DNS error".into(),
                DeliveryErrorKind::Invalid => "not sendable".into(),
                DeliveryErrorKind::Other => "failed".into(),
            },
            (None, None) => "no answer".into(),
        }
    }
}

/// An HTTP client that never follows redirects: a 3xx is the handler's
/// answer, recorded with where it points.
#[derive(Clone, Default)]
pub struct Client {
    /// Built on the first send: loading the system's trust store costs
    /// start-up time that most sessions never need.
    http: std::sync::Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
}

impl Client {
    pub fn new() -> Client {
        Client::default()
    }

    fn http(&self) -> Result<&reqwest::Client, ResendError> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    // Handlers are mostly on this machine; a system proxy
                    // would carry requests for localhost elsewhere, and what
                    // is recorded as sent would not be what the handler got.
                    .no_proxy()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| ResendError::Client(e.clone()))
    }

    /// Sends `out` and waits at most `deadline` (connecting included) for
    /// the whole answer.
    pub async fn send(&self, out: &Outgoing, deadline: Duration) -> Attempted {
        let sent_at_ns = now_ns();
        let started = Instant::now();
        let mut map = HeaderMap::new();
        for (name, value) in &out.headers {
            let parsed = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_bytes(value),
            );
            match parsed {
                (Ok(n), Ok(v)) => {
                    map.append(n, v);
                }
                _ => {
                    return Attempted {
                        sent_at_ns,
                        headers: recorded(out, &map),
                        response: None,
                        error: Some(DeliveryError {
                            kind: DeliveryErrorKind::Invalid,
                            message: format!(
                                "the header {name:?} cannot be sent: its name or value is not valid in HTTP"
                            ),
                        }),
                        duration_us: 0,
                        waited_out: false,
                    };
                }
            }
        }
        let headers = recorded(out, &map);
        let http = match self.http() {
            Ok(http) => http,
            Err(err) => {
                return Attempted {
                    sent_at_ns,
                    headers,
                    response: None,
                    error: Some(DeliveryError {
                        kind: DeliveryErrorKind::Other,
                        message: err.to_string(),
                    }),
                    duration_us: 0,
                    waited_out: false,
                };
            }
        };
        let request = http
            .request(out.method.clone(), out.url.clone())
            .timeout(deadline)
            .headers(map)
            .body(out.body.clone());
        let result = match request.send().await {
            Ok(response) => read_response(response).await,
            Err(err) => Err(err),
        };
        let duration_us = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
        match result {
            Ok(response) => Attempted {
                sent_at_ns,
                headers,
                response: Some(response),
                error: None,
                duration_us,
                waited_out: false,
            },
            Err(err) => Attempted {
                sent_at_ns,
                headers,
                response: None,
                waited_out: err.is_timeout() && !err.is_connect(),
                error: Some(describe(&err, &out.url, deadline)),
                duration_us,
            },
        }
    }
}

/// The headers as they go on the wire: ours in the client's order, then what
/// reqwest and hyper add (a default Accept, Host, Content-Length).
fn recorded(out: &Outgoing, map: &HeaderMap) -> Vec<StoredHeader> {
    let mut headers: Vec<StoredHeader> = map
        .iter()
        .map(|(n, v)| StoredHeader::new(n.as_str(), v.as_bytes()))
        .collect();
    if !map.contains_key(reqwest::header::ACCEPT) {
        headers.push(StoredHeader::new("accept", b"*/*"));
    }
    if let Some(host) = out.url.host_str() {
        let host = match out.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        headers.push(StoredHeader::new("host", host.as_bytes()));
    }
    let bodiless = matches!(
        out.method.as_str(),
        "GET" | "HEAD" | "OPTIONS" | "DELETE" | "TRACE"
    );
    if !out.body.is_empty() || !bodiless {
        headers.push(StoredHeader::new(
            "content-length",
            out.body.len().to_string().as_bytes(),
        ));
    }
    headers
}

async fn read_response(mut response: reqwest::Response) -> Result<NewResponse, reqwest::Error> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| StoredHeader::new(n.as_str(), v.as_bytes()))
        .collect();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_RESPONSE_BODY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(NewResponse {
        status,
        headers,
        body,
        truncated,
    })
}

/// The failure in words a support engineer can act on.
fn describe(err: &reqwest::Error, url: &Url, timeout: Duration) -> DeliveryError {
    let host = url.host_str().unwrap_or("?");
    let addr = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let chain = chain_text(err);
    let lower = chain.to_ascii_lowercase();
    let refused = source_io_kind(err) == Some(std::io::ErrorKind::ConnectionRefused)
        || lower.contains("connection refused");
    let (kind, message) = if err.is_timeout() {
        (
            DeliveryErrorKind::Timeout,
            if err.is_connect() {
                format!(
                    "no connection to {addr} within {} s",
                    timeout.min(CONNECT_TIMEOUT).as_secs_f64()
                )
            } else {
                format!("{addr} did not answer within {} s", timeout.as_secs_f64())
            },
        )
    } else if refused {
        (
            DeliveryErrorKind::ConnectionRefused,
            format!("connection refused by {addr}: nothing is listening there"),
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        (
            DeliveryErrorKind::Dns,
            format!(
                "the host name {host:?} cannot be resolved ({})",
                last_cause(err)
            ),
        )
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("invalid peer")
    {
        (
            DeliveryErrorKind::Tls,
            format!("the TLS connection to {addr} failed: {}", last_cause(err)),
        )
    } else if source_io_kind(err) == Some(std::io::ErrorKind::ConnectionReset)
        || lower.contains("connection reset")
    {
        (
            DeliveryErrorKind::Other,
            format!("{addr} closed the connection without answering"),
        )
    } else if err.is_builder() {
        (
            DeliveryErrorKind::Invalid,
            format!("the request cannot be sent: {}", last_cause(err)),
        )
    } else {
        (
            DeliveryErrorKind::Other,
            format!("sending to {addr} failed: {}", last_cause(err)),
        )
    };
    DeliveryError { kind, message }
}

fn chain_text(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The innermost cause, which names what actually went wrong.
fn last_cause(err: &reqwest::Error) -> String {
    let mut last = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn source_io_kind(err: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut source = err.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}
