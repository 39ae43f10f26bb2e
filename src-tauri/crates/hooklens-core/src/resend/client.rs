//! One HTTP request out, and its reply or its failure in words.

use std::time::{Duration, Instant};

use reqwest::Url;

use super::exchange::{self, TlsConfig, WireError};
use crate::model::{DeliveryError, DeliveryErrorKind};
use crate::store::NewResponse;
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

/// An HTTP/1.1 client that writes each request's head exactly as given
/// (see `resend::exchange`) and never follows redirects: a 3xx is the
/// handler's answer, recorded with where it points.
#[derive(Clone, Default)]
pub struct Client {
    tls: TlsConfig,
}

impl Client {
    pub fn new() -> Client {
        Client::default()
    }

    /// Sends `out` and waits at most `deadline` (connecting included) for
    /// the whole answer.
    pub async fn send(&self, out: &Outgoing, deadline: Duration) -> Attempted {
        let sent_at_ns = now_ns();
        let started = Instant::now();
        let headers = on_the_wire(out);
        let request = exchange::Request {
            method: out.method.as_str(),
            url: &out.url,
            headers: &headers,
            body: &out.body,
        };
        // No system proxy: handlers are mostly on this machine, and what is
        // recorded as sent must be what the handler got.
        let result =
            exchange::exchange(&request, &self.tls, CONNECT_TIMEOUT.min(deadline), deadline).await;
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
                waited_out: matches!(err, WireError::Timeout { .. }),
                error: Some(describe(&err)),
                duration_us: if matches!(err, WireError::Invalid(_)) {
                    0
                } else {
                    duration_us
                },
            },
        }
    }
}

/// The headers as they go on the wire: Host first, then the request's own
/// in their order and case, duplicates kept, then the body's length.
fn on_the_wire(out: &Outgoing) -> Vec<StoredHeader> {
    let mut headers = Vec::with_capacity(out.headers.len() + 2);
    if let Some(host) = out.url.host_str() {
        let host = match out.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        headers.push(StoredHeader::new("Host", host.as_bytes()));
    }
    headers.extend(
        out.headers
            .iter()
            .map(|(name, value)| StoredHeader::new(name, value)),
    );
    let bodiless = matches!(
        out.method.as_str(),
        "GET" | "HEAD" | "OPTIONS" | "DELETE" | "TRACE"
    );
    if !out.body.is_empty() || !bodiless {
        headers.push(StoredHeader::new(
            "Content-Length",
            out.body.len().to_string().as_bytes(),
        ));
    }
    headers
}

/// The failure in words a support engineer can act on.
fn describe(err: &WireError) -> DeliveryError {
    let kind = match err {
        WireError::Refused { .. } => DeliveryErrorKind::ConnectionRefused,
        WireError::ConnectTimeout { .. } | WireError::Timeout { .. } => DeliveryErrorKind::Timeout,
        WireError::Tls { .. } => DeliveryErrorKind::Tls,
        WireError::Dns { .. } => DeliveryErrorKind::Dns,
        WireError::Invalid(_) => DeliveryErrorKind::Invalid,
        WireError::Connect { .. }
        | WireError::Closed { .. }
        | WireError::Malformed { .. }
        | WireError::Io { .. } => DeliveryErrorKind::Other,
    };
    DeliveryError {
        kind,
        message: err.to_string(),
    }
}
