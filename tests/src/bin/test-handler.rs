//! `hooklens-test-handler`: an independent webhook handler for integration
//! tests. Verifies signatures with its own implementation
//! (`hooklens_tests::handler::verify`, no code from hooklens-core), records
//! every request and answers as scripted over `POST /_control`.
//!
//! ```text
//! hooklens-test-handler [--listen 127.0.0.1:0] [--secret <scheme-id>=<secret>]...
//! ```
//!
//! Prints exactly one line, `listening on http://<addr>`, once bound.

use std::collections::VecDeque;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hooklens_tests::handler::verify::{self, Scheme};
use hooklens_tests::handler::{Received, Replies};

const BODY_LIMIT: usize = 10 * 1024 * 1024;

const USAGE: &str =
    "usage: hooklens-test-handler [--listen <addr:port>] [--secret <scheme-id>=<secret>]...";

struct Config {
    listen: SocketAddr,
    secrets: Vec<(String, String)>,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut secrets = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline {
                Some(v) => Ok(v.to_string()),
                None => args.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "--listen" => {
                let v = value("--listen")?;
                listen = v
                    .parse()
                    .map_err(|e| format!("--listen {v:?} is not an address: {e}"))?;
            }
            "--secret" => secrets.push(parse_secret(&value("--secret")?)?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Config { listen, secrets })
}

fn parse_secret(arg: &str) -> Result<(String, String), String> {
    let Some((scheme, secret)) = arg.split_once('=') else {
        return Err(format!(
            "--secret must be <scheme-id>=<secret>, got {} characters without '='",
            arg.len()
        ));
    };
    let Some(known) = Scheme::from_id(scheme) else {
        let ids: Vec<&str> = Scheme::ALL.iter().map(|s| s.id()).collect();
        return Err(format!(
            "--secret: unknown scheme {scheme:?} (known: {})",
            ids.join(", ")
        ));
    };
    if secret.is_empty() {
        return Err(format!("--secret: empty secret for {scheme}"));
    }
    if known == Scheme::StandardWebhooks {
        verify::standard_webhooks_key(secret).map_err(|e| format!("--secret: {e}"))?;
    }
    if known == Scheme::BasicAuth && !secret.contains(':') {
        return Err("--secret: basic-auth secret must be user:pass".to_string());
    }
    Ok((scheme.to_string(), secret.to_string()))
}

struct AppState {
    secrets: Vec<(String, String)>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_seq: u64,
    requests: Vec<Received>,
    replies: Replies,
    statuses: VecDeque<u16>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn text(status: StatusCode, message: impl Into<String>) -> Response {
    (status, message.into()).into_response()
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn validate(replies: &Replies) -> Result<(), String> {
    for status in &replies.statuses {
        StatusCode::from_u16(*status).map_err(|_| format!("invalid status {status}"))?;
    }
    for (name, value) in &replies.headers {
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        HeaderValue::from_str(value).map_err(|_| format!("invalid header value for {name}"))?;
    }
    Ok(())
}

async fn control(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let replies: Replies = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("bad Replies JSON: {e}")),
    };
    if let Err(e) = validate(&replies) {
        return text(StatusCode::BAD_REQUEST, e);
    }
    let mut inner = state.lock();
    inner.statuses = replies.statuses.iter().copied().collect();
    inner.replies = replies;
    StatusCode::NO_CONTENT.into_response()
}

async fn list(State(state): State<Arc<AppState>>) -> Response {
    let encoded = serde_json::to_vec(&state.lock().requests);
    match encoded {
        Ok(body) => json(StatusCode::OK, body),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn reset(State(state): State<Arc<AppState>>) -> Response {
    state.lock().requests.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn record(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let received_at_ms = now_ms();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over {BODY_LIMIT} bytes or unreadable: {e}"),
            );
        }
    };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let outcome = verify::verify_request(
        &verify::Request {
            path: &path,
            query: query.as_deref(),
            headers: &headers,
            body: &body,
        },
        &state.secrets,
        received_at_ms.div_euclid(1000),
    );

    let (seq, status, replies) = {
        let mut inner = state.lock();
        inner.next_seq += 1;
        let seq = inner.next_seq;
        let scripted = inner.statuses.pop_front();
        inner.requests.push(Received {
            seq,
            method: parts.method.as_str().to_string(),
            path,
            query,
            headers,
            body: body.to_vec(),
            scheme: outcome.scheme.map(|s| s.id().to_string()),
            verified: outcome.verified,
            reason: outcome.reason.clone(),
            received_at_ms,
        });
        (seq, scripted, inner.replies.clone())
    };

    if replies.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(replies.delay_ms)).await;
    }

    let status =
        status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(match outcome.verified {
                Some(false) => StatusCode::UNAUTHORIZED,
                _ => StatusCode::OK,
            });
    let mut response = match replies.body {
        Some(body) => Response::new(Body::from(body)),
        None => {
            let body = serde_json::json!({
                "verified": outcome.verified,
                "reason": outcome.reason,
                "seq": seq,
            })
            .to_string();
            let mut r = Response::new(Body::from(body));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
    };
    *response.status_mut() = status;
    for (name, value) in &replies.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("hooklens-test-handler: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("hooklens-test-handler: bind {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("hooklens-test-handler: local address: {e}");
            return ExitCode::FAILURE;
        }
    };
    let state = Arc::new(AppState {
        secrets: config.secrets,
        inner: Mutex::new(Inner::default()),
    });
    let app = Router::new()
        .route("/_control", post(control))
        .route("/_requests", get(list))
        .route("/_reset", post(reset))
        .fallback(record)
        .with_state(state);

    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("hooklens-test-handler: cannot write to stdout");
        return ExitCode::FAILURE;
    }
    drop(stdout);

    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hooklens-test-handler: serve: {e}");
            ExitCode::FAILURE
        }
    }
}
