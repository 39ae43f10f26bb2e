//! The capture listener: accepts any request on any path, stores it, and only
//! then acknowledges it. The port serves capture and nothing else.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{ListenerState, ListenerStatus};
use crate::store::{NewEvent, Store, StoredHeader};

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

/// The status to show for an address the listener could not bind.
pub fn failed_status(addr: SocketAddr, error: &CaptureError) -> ListenerStatus {
    ListenerStatus {
        state: ListenerState::Failed,
        address: addr.to_string(),
        url: url_for(addr),
        error: Some(error.to_string()),
    }
}

#[derive(Clone)]
struct CaptureState {
    store: Store,
    body_limit: usize,
}

/// A running listener; dropping it leaves the server running until
/// [`Listener::shutdown`] or the runtime ends.
pub struct Listener {
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Listener {
    /// Binds `addr` and starts serving on the current tokio runtime.
    pub async fn start(
        addr: SocketAddr,
        store: Store,
        body_limit: usize,
    ) -> Result<Listener, CaptureError> {
        let tcp = TcpListener::bind(addr)
            .await
            .map_err(|source| CaptureError::from_bind(addr, source))?;
        let local_addr = tcp
            .local_addr()
            .map_err(|source| CaptureError::Bind { addr, source })?;
        let app = Router::new()
            .fallback(capture)
            .with_state(CaptureState { store, body_limit });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(tcp, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "capture listener stopped");
            }
        });
        tracing::info!(%local_addr, "capture listener started");
        Ok(Listener {
            local_addr,
            stop: Some(stop),
            task,
        })
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
        }
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

async fn capture(
    State(state): State<CaptureState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let received_at_ns = now_ns();
    let (parts, body) = request.into_parts();

    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > state.body_limit as u64) {
        return too_large(&parts.uri, state.body_limit);
    }
    let body = match axum::body::to_bytes(Body::new(body), state.body_limit).await {
        Ok(bytes) => bytes,
        Err(err) => {
            if is_length_limit(&err) {
                return too_large(&parts.uri, state.body_limit);
            }
            tracing::warn!(path = parts.uri.path(), error = %err, "request body could not be read; nothing stored");
            return plain(
                StatusCode::BAD_REQUEST,
                "Hooklens could not read the request body; nothing was stored.\n",
            );
        }
    };

    let event = NewEvent {
        received_at_ns,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| StoredHeader::new(name.as_str(), value.as_bytes()))
            .collect(),
        remote_addr: Some(remote.to_string()),
        body: body.to_vec(),
    };

    match state.store.insert(event).await {
        Ok(saved) => {
            let mut response = StatusCode::OK.into_response();
            if let Ok(id) = HeaderValue::from_str(&saved.id.to_string()) {
                response.headers_mut().insert("x-hooklens-event", id);
            }
            response
        }
        Err(err) => {
            // Never a 2xx for data that is not stored: the provider retries.
            tracing::error!(path = parts.uri.path(), error = %err, "request not stored");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "Hooklens could not store this request; nothing was kept. Retry later.\n",
            )
        }
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
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
        let first = Listener::start("127.0.0.1:0".parse().unwrap(), store.clone(), 1024)
            .await
            .unwrap();
        let taken = first.local_addr();
        let err = Listener::start(taken, store, 1024).await.err().unwrap();
        assert!(matches!(err, CaptureError::AddrInUse { .. }), "{err:?}");
        let status = failed_status(taken, &err);
        assert_eq!(status.state, ListenerState::Failed);
        assert!(status.error.unwrap().contains("already in use"));
        first.shutdown().await;
    }
}
