//! The capture listener: accepts any request on any path, stores it, and only
//! then acknowledges it. The port serves capture and nothing else; so does
//! the tunnel ingress a listener can open beside it ([`TunnelIngress`]).

mod answer;
mod client;
mod fanout;
mod head;
mod ingress;
mod ratelimit;
mod server;

use std::net::SocketAddr;
use std::time::Duration;

pub use ingress::{IngressOptions, TunnelIngress};
pub use ratelimit::DEFAULT_MAX_SOURCES;
pub use server::{Limits, raise_fd_limit};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::intake;
pub use crate::model::ListenerStats;
use crate::model::{ConfiguredResponse, HeaderPair, ListenerState, ListenerStatus};
use crate::providers;
use crate::resend::Sender;
use crate::rules;
use crate::store::{Store, StoredHeader, now_ns};

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{addr} is already in use by another program; choose another address")]
    AddrInUse { addr: SocketAddr },
    #[error(
        "not allowed to listen on {addr} (ports below 1024 need privileges); choose another address"
    )]
    PermissionDenied { addr: SocketAddr },
    #[error("{addr} is not an address of this machine")]
    AddrNotAvailable { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{kind:?} is not a kind of tunnel (a short name such as ssh, cloudflared or ngrok)")]
    TunnelKind { kind: String },
    #[error("{url:?} cannot be a tunnel's public URL: {reason}")]
    PublicUrl { url: String, reason: String },
}

impl CaptureError {
    fn from_bind(addr: SocketAddr, source: std::io::Error) -> Self {
        match source.kind() {
            std::io::ErrorKind::AddrInUse => CaptureError::AddrInUse { addr },
            std::io::ErrorKind::PermissionDenied => CaptureError::PermissionDenied { addr },
            std::io::ErrorKind::AddrNotAvailable => CaptureError::AddrNotAvailable { addr },
            _ => CaptureError::Bind { addr, source },
        }
    }
}

/// The URL to hand to a provider for a listener bound to `addr`. An
/// unspecified address (0.0.0.0) is reachable on loopback too, which is what
/// a copy-pasted curl on this machine needs.
pub fn url_for(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
    };
    format!("http://{host}:{}", addr.port())
}

/// The status to show for an address the listener could not bind, with a
/// free port nearby to offer when the port was taken.
pub fn failed_status(addr: SocketAddr, error: &CaptureError) -> ListenerStatus {
    let suggestion = match error {
        CaptureError::AddrInUse { .. } => suggest_free(addr).map(|a| a.to_string()),
        _ => None,
    };
    ListenerStatus {
        state: ListenerState::Failed,
        address: addr.to_string(),
        url: url_for(addr),
        error: Some(error.to_string()),
        suggestion,
    }
}

/// The first of the next 50 ports on the same interface that can be bound
/// right now; a near, memorable number beats a random ephemeral one.
pub fn suggest_free(addr: SocketAddr) -> Option<SocketAddr> {
    (1..=50u16)
        .filter_map(|step| addr.port().checked_add(step))
        .map(|port| SocketAddr::new(addr.ip(), port))
        .find(|candidate| std::net::TcpListener::bind(candidate).is_ok())
}

#[derive(Clone)]
struct CaptureState {
    store: Store,
    sender: Option<Sender>,
    forwards: Arc<Semaphore>,
    body_idle_timeout: Duration,
    /// The connection table, to count bodies cut off for stalling.
    server: Arc<server::Shared>,
    /// The port this state's router serves, whose counts it adds to.
    port: Arc<server::Port>,
    /// Set on a tunnel ingress: marks, verifies and rate-limits its requests.
    tunnel: Option<Arc<ingress::Tunnel>>,
    /// Turns true when the listener starts draining: configured response
    /// delays end early so stored requests are answered before it stops.
    stopping: watch::Receiver<bool>,
    /// Response rules, compiled, with their counts.
    rulebook: Arc<answer::Rulebook>,
}

/// A running listener; dropping it leaves the server running until
/// [`Listener::shutdown`] or the runtime ends.
pub struct Listener {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    server: Arc<server::Shared>,
    /// What its local port serves with: a tunnel ingress serves the same.
    state: CaptureState,
}

/// Capture, and nothing else, for one port.
fn capture_app(state: CaptureState) -> Router {
    Router::new().fallback(capture).with_state(state)
}

impl Listener {
    /// Binds `addr` and starts serving on the current tokio runtime, with
    /// the default limits fitted to this process's descriptor limit.
    pub async fn start(addr: SocketAddr, store: Store) -> Result<Listener, CaptureError> {
        Listener::start_with(addr, store, Limits::for_this_process()).await
    }

    pub async fn start_with(
        addr: SocketAddr,
        store: Store,
        limits: Limits,
    ) -> Result<Listener, CaptureError> {
        let tcp = TcpListener::bind(addr)
            .await
            .map_err(|source| CaptureError::from_bind(addr, source))?;
        let local_addr = tcp
            .local_addr()
            .map_err(|source| CaptureError::Bind { addr, source })?;
        // Without an HTTP client capture still works; forwarding is then
        // reported as failed, never silently skipped.
        let sender = match Sender::new(store.clone()) {
            Ok(sender) => Some(sender),
            Err(err) => {
                tracing::error!(error = %err, "forwarding is unavailable");
                None
            }
        };
        let (stop, stopping) = watch::channel(false);
        let server = server::Shared::new(limits);
        let port = server.port();
        let state = CaptureState {
            store,
            sender,
            forwards: Arc::new(Semaphore::new(MAX_CONCURRENT_FORWARDS)),
            body_idle_timeout: limits.body_idle_timeout,
            server: server.clone(),
            port: port.clone(),
            tunnel: None,
            stopping: stopping.clone(),
            rulebook: Arc::default(),
        };
        let app = capture_app(state.clone());
        let task = tokio::spawn(server::serve(server.clone(), port, tcp, app, stopping));
        tracing::info!(
            %local_addr,
            max_connections = limits.max_connections,
            "capture listener started"
        );
        Ok(Listener {
            local_addr,
            stop,
            task,
            server,
            state,
        })
    }

    /// What the limits did since it started, on its local port and on every
    /// tunnel ingress opened from it (they share one connection table).
    pub fn stats(&self) -> ListenerStats {
        self.server.stats()
    }

    /// Opens a tunnel ingress for a tunnel of `kind` (`ssh`, `cloudflared`,
    /// `ngrok`): a port on 127.0.0.1 chosen by the system that serves this
    /// listener's capture, marking what it stores as tunnelled. Point the
    /// tunnel at [`TunnelIngress::local_addr`], then tell it the public URL
    /// with [`TunnelIngress::set_public_url`].
    pub async fn open_tunnel_ingress(&self, kind: &str) -> Result<TunnelIngress, CaptureError> {
        self.open_tunnel_ingress_with(kind, IngressOptions::default())
            .await
    }

    pub async fn open_tunnel_ingress_with(
        &self,
        kind: &str,
        options: IngressOptions,
    ) -> Result<TunnelIngress, CaptureError> {
        let valid_kind = !kind.is_empty()
            && kind.len() <= 32
            && kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_kind {
            return Err(CaptureError::TunnelKind {
                kind: kind.to_owned(),
            });
        }
        // Loopback only: the tunnel process runs on this machine, and
        // nothing else should reach capture unmarked by another way in.
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let tcp = TcpListener::bind(addr)
            .await
            .map_err(|source| CaptureError::from_bind(addr, source))?;
        let local_addr = tcp
            .local_addr()
            .map_err(|source| CaptureError::Bind { addr, source })?;
        let (stop, stopping) = watch::channel(false);
        let tunnel = Arc::new(ingress::Tunnel::new(kind, options));
        let port = self.server.port();
        let app = capture_app(CaptureState {
            port: port.clone(),
            tunnel: Some(tunnel.clone()),
            stopping: stopping.clone(),
            ..self.state.clone()
        });
        let task = tokio::spawn(server::serve(
            self.server.clone(),
            port.clone(),
            tcp,
            app,
            stopping,
        ));
        tracing::info!(%local_addr, kind, "tunnel ingress opened");
        Ok(TunnelIngress::new(
            local_addr,
            tunnel,
            self.server.clone(),
            port,
            stop,
            task,
        ))
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn status(&self) -> ListenerStatus {
        ListenerStatus {
            state: ListenerState::Listening,
            address: self.local_addr.to_string(),
            url: url_for(self.local_addr),
            error: None,
            suggestion: None,
        }
    }

    /// Stops accepting and drains: requests in progress are stored and
    /// answered (configured delays cut short), idle and half-sent
    /// connections are closed, and nothing waits past the drain deadline.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.task).await;
    }
}

/// The request line and header block as they arrived.
struct Arrived {
    headers: Vec<StoredHeader>,
    target: String,
    http_version: String,
    trailers: Vec<StoredHeader>,
}

/// The head the connection framed for this request, as it came off the
/// socket; hyper's view (lowercased names, grouped by name, no trailers)
/// only when the head could not be framed or does not match the request
/// hyper parsed.
fn arrived(parts: &mut axum::http::request::Parts) -> Arrived {
    let framed = parts
        .extensions
        .remove::<Arc<head::RawHead>>()
        .filter(|raw| {
            let target_matches = match parts.uri.path_and_query() {
                Some(pq) => raw.target.ends_with(pq.as_str()),
                None => parts
                    .uri
                    .authority()
                    .is_some_and(|a| raw.target.eq_ignore_ascii_case(a.as_str())),
            };
            raw.method == parts.method.as_str()
                && raw.headers.len() == parts.headers.len()
                && target_matches
        });
    match framed {
        Some(raw) => {
            let (headers, target, version, trailers) = raw.into_parts();
            Arrived {
                headers,
                target,
                http_version: version.to_owned(),
                trailers,
            }
        }
        None => Arrived {
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| StoredHeader::new(name.as_str(), value.as_bytes()))
                .collect(),
            target: parts.uri.to_string(),
            http_version: format!("{:?}", parts.version),
            trailers: Vec::new(),
        },
    }
}

async fn capture(
    State(state): State<CaptureState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let received_at_ns = now_ns();
    let (mut parts, body) = request.into_parts();
    let settings = state.store.settings();
    let body_limit = usize::try_from(settings.body_limit).unwrap_or(usize::MAX);

    // Through a tunnel: the rate limit decides from the head alone, before
    // a byte of the body is read.
    let mut via = None;
    if let Some(tunnel) = &state.tunnel {
        match tunnel.admit(&parts.headers, remote, &settings) {
            ingress::Admission::Admitted(arrival) => via = Some(arrival),
            ingress::Admission::Limited {
                retry_after_s,
                rate,
            } => {
                let limited = state.server.count_rate_limited(&state.port);
                if limited == 1 || limited.is_power_of_two() {
                    tracing::warn!(
                        limited,
                        per_minute = rate.per_minute,
                        burst = rate.burst,
                        "a tunnel source is over its rate; answered 429, nothing stored"
                    );
                }
                return rate_limited(retry_after_s, rate);
            }
        }
    }

    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > body_limit as u64) {
        return too_large(&parts.uri, body_limit);
    }
    let body = match read_body(body, body_limit, state.body_idle_timeout).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return too_large(&parts.uri, body_limit),
        Err(BodyError::Idle) => {
            state.server.count_timed_out(&state.port);
            tracing::info!(
                path = parts.uri.path(),
                "request body stalled; answered 408, nothing stored"
            );
            let mut response = plain(
                StatusCode::REQUEST_TIMEOUT,
                "Hooklens waited too long for the rest of the request body; nothing was stored.\n",
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
        Err(BodyError::Read(err)) => {
            tracing::warn!(path = parts.uri.path(), error = %err, "request body could not be read; nothing stored");
            return plain(
                StatusCode::BAD_REQUEST,
                "Hooklens could not read the request body; nothing was stored.\n",
            );
        }
    };

    // After the body: a chunked body's trailers have been read by now.
    let Arrived {
        headers,
        target,
        http_version,
        trailers,
    } = arrived(&mut parts);
    if let Some(via) = &mut via {
        ingress::spell_client_header(via, &headers);
    }
    let event = intake::admit(
        &state.store,
        intake::Arrived {
            received_at_ns,
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            target: Some(target),
            http_version: Some(http_version),
            trailers,
            remote_addr: Some(remote.to_string()),
            body: body.to_vec(),
            via,
            ..intake::Arrived::default()
        },
    );
    let endpoints = state.store.endpoints();
    let endpoint = event
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|e| e.id == id));
    // The delivery rule that judges a forward's reply is the provider's.
    let provider = event
        .provider
        .as_deref()
        .and_then(providers::preset)
        .map(|p| p.id);
    let response = endpoint.map(|e| e.response.clone()).unwrap_or_default();
    let fanout = fanout::Fanout::prepare(&state, &endpoints, endpoint, provider, &event, &body);
    // Rules read the stored event, so they are decided after the commit;
    // the request's headers are kept for that.
    let ruled = endpoint
        .filter(|e| !e.rules.is_empty())
        .map(|_| event.headers.clone());
    let hang_up = parts.extensions.get::<server::HangUp>().cloned();

    let saved = match state.store.insert(event).await {
        Ok(saved) => saved,
        Err(err) => {
            // Never a 2xx for data that is not stored: the provider retries.
            tracing::error!(path = parts.uri.path(), error = %err, "request not stored");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "Hooklens could not store this request; nothing was kept. Retry later.\n",
            );
        }
    };
    // Names what was stored, never a header value or the body.
    tracing::trace!(event = saved.id, method = %saved.method, path = %saved.path, size = saved.size, "stored");
    let ruled_answer = ruled.zip(endpoint).and_then(|(headers, endpoint)| {
        let answer = state
            .rulebook
            .answer(&endpoints, endpoint, &saved, &headers, &body);
        let record = match &answer {
            Some(answer) => answer.record.clone(),
            None => rules::fallback_record(
                response.status,
                &response.headers,
                &response.body,
                response.delay_ms,
            ),
        };
        state.store.record_answer(saved.id, &record);
        answer
    });
    // A rule that answers takes precedence over a relaying target; that
    // handler still gets the request and its reply is recorded.
    if let Some(fanout) = fanout
        && let Some(relayed) = fanout
            .dispatch(&state, &saved, &endpoints, ruled_answer.is_none())
            .await
    {
        return relayed;
    }
    if let Some(answer) = ruled_answer {
        wait(&state, answer.delay_ms).await;
        return match answer.status {
            Some(status) => respond(status, &answer.headers, answer.body, saved.id),
            None => close_without_answer(hang_up, saved.id).await,
        };
    }
    wait(&state, response.delay_ms).await;
    configured(&response, saved.id)
}

/// A configured or rule's delay; a stopping listener answers what it stored
/// now rather than leave the sender without a reply (it would redeliver).
async fn wait(state: &CaptureState, delay_ms: u32) {
    if delay_ms == 0 {
        return;
    }
    let mut stopping = state.stopping.clone();
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_millis(u64::from(delay_ms))) => {}
        _ = stopping.wait_for(|stopping| *stopping) => {}
    }
}

/// A rule's "close the connection without answering": the request is
/// stored; the connection is dropped before a byte of an answer.
async fn close_without_answer(hang_up: Option<server::HangUp>, event_id: i64) -> Response {
    if let Some(hang_up) = hang_up {
        hang_up.hang_up();
        // The connection task drops this request's future with the
        // connection; this answer is only reached if it somehow does not.
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let mut response = plain(
        StatusCode::BAD_GATEWAY,
        &format!(
            "Hooklens stored this request as event {event_id}; a rule closes the connection\n"
        ),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Forwards in flight at once; more wait their turn rather than opening
/// hundreds of connections to a local handler during a burst.
const MAX_CONCURRENT_FORWARDS: usize = 16;

/// The endpoint's configured answer.
fn configured(response: &ConfiguredResponse, event_id: i64) -> Response {
    respond(
        response.status,
        &response.headers,
        response.body.clone().into_bytes(),
        event_id,
    )
}

/// An answer with the event's id in `X-Hooklens-Event`. Values were
/// validated when saved; anything that still does not parse is skipped,
/// not fatal.
fn respond(status: u16, headers: &[HeaderPair], body: Vec<u8>, event_id: i64) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    // The configured Content-Type, else text (never one of each).
    let typed = headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-type"));
    let mut out = (status, Body::from(body)).into_response();
    let out_headers = out.headers_mut();
    if !typed {
        out_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    for h in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_str(&h.value),
        ) {
            out_headers.append(name, value);
        }
    }
    if let Ok(id) = HeaderValue::from_str(&event_id.to_string()) {
        out_headers.insert("x-hooklens-event", id);
    }
    out
}

enum BodyError {
    TooLarge,
    /// No data for the body idle timeout.
    Idle,
    Read(axum::Error),
}

/// Reads the whole body, up to `limit` bytes, waiting at most `idle` for
/// each piece: a sender that stops mid-body cannot hold the request open.
async fn read_body(
    body: Body,
    limit: usize,
    idle: Duration,
) -> Result<axum::body::Bytes, BodyError> {
    let mut body = body;
    let mut collected: Vec<u8> = Vec::new();
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Err(_elapsed) => return Err(BodyError::Idle),
            Ok(None) => break,
            Ok(Some(Err(err))) => return Err(BodyError::Read(err)),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            collected.extend_from_slice(&data);
        }
    }
    Ok(collected.into())
}

fn too_large(uri: &axum::http::Uri, limit: usize) -> Response {
    tracing::warn!(
        path = uri.path(),
        limit_bytes = limit,
        "request body over the limit; answered 413, nothing stored"
    );
    plain(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "Hooklens accepts bodies up to {limit} bytes; this one is larger and was not stored.\n"
        ),
    )
}

/// Over the tunnel rate limit: told when to come back, nothing read or
/// stored. The connection closes, as the body was not read.
fn rate_limited(retry_after_s: u64, rate: ratelimit::Rate) -> Response {
    let mut response = plain(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "Hooklens accepts up to {} requests a minute from one sender through this tunnel \
             (bursts of {}); this one was not stored. Retry after {retry_after_s} s.\n",
            rate.per_minute, rate.burst
        ),
    );
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_what_a_user_can_paste() {
        assert_eq!(
            url_for("127.0.0.1:9494".parse().unwrap()),
            "http://127.0.0.1:9494"
        );
        assert_eq!(
            url_for("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80"
        );
        assert_eq!(url_for("[::1]:9000".parse().unwrap()), "http://[::1]:9000");
    }

    #[tokio::test]
    async fn a_taken_port_is_reported_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = Listener::start("127.0.0.1:0".parse().unwrap(), store.clone())
            .await
            .unwrap();
        let taken = first.local_addr();
        let err = Listener::start(taken, store).await.err().unwrap();
        assert!(matches!(err, CaptureError::AddrInUse { .. }), "{err:?}");
        let status = failed_status(taken, &err);
        assert_eq!(status.state, ListenerState::Failed);
        assert!(status.error.unwrap().contains("already in use"));
        let offered: SocketAddr = status.suggestion.unwrap().parse().unwrap();
        assert!(offered.port() > taken.port() && offered.port() <= taken.port() + 50);
        assert!(
            std::net::TcpListener::bind(offered).is_ok(),
            "the offered port is free"
        );
        first.shutdown().await;
    }
}
