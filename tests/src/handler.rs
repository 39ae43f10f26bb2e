//! An independent webhook handler for integration tests of resend, forwarding
//! and test events.
//!
//! The handler is a separate process (`hooklens-test-handler`, built from
//! `src/bin/test-handler.rs`) that listens on loopback, verifies every request
//! with its OWN implementation of each signature scheme (the [`verify`] module,
//! which shares no code with `hooklens_core::signature`), records it,
//! and answers as the test scripted with [`TestHandler::set_replies`].
//!
//! The first path segment names the scheme: `/github/hooks/x` is verified as
//! GitHub, `/open/...` or any unknown segment is not verified at all.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A running handler process; killed when dropped.
pub struct TestHandler {
    child: Child,
    url: String,
    client: reqwest::Client,
}

/// How the handler answers the next requests. Posting a new script replaces
/// the old one (and restarts `statuses` from the first); recorded requests are
/// kept.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct Replies {
    /// Consumed in order, one per request. When exhausted: 200 if verified (or
    /// the path names no scheme), 401 if not.
    pub statuses: Vec<u16>,
    /// Wait this long before answering (the request is recorded first).
    pub delay_ms: u64,
    /// Response body; default a small JSON `{"verified":…,"reason":…,"seq":…}`.
    pub body: Option<String>,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
}

/// One request as the handler received it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// 1, 2, 3… in arrival order; not reset by `/_reset`.
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Names lowercase (as hyper delivers them); values lossy UTF-8; duplicates
    /// kept in order.
    pub headers: Vec<(String, String)>,
    /// Byte-exact; base64 in JSON.
    #[serde(with = "base64_bytes")]
    pub body: Vec<u8>,
    /// The scheme id the path named, `None` for `open` or an unknown segment.
    pub scheme: Option<String>,
    /// `None` when the path names no scheme.
    pub verified: Option<bool>,
    /// Why verification failed, in words.
    pub reason: Option<String>,
    pub received_at_ms: i64,
}

impl Received {
    /// The first value of a header, name matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        verify::header(&self.headers, name)
    }

    /// The body as text, for assertions on textual payloads.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl TestHandler {
    /// Starts the handler binary on 127.0.0.1 with an ephemeral port.
    /// `bin` is `env!("CARGO_BIN_EXE_hooklens-test-handler")` in the calling
    /// test; `secrets` are (scheme-id, secret) pairs, several per scheme for
    /// rotation.
    pub async fn spawn(bin: &str, secrets: &[(&str, &str)]) -> TestHandler {
        let mut command = Command::new(bin);
        command.arg("--listen").arg("127.0.0.1:0");
        for (scheme, secret) in secrets {
            command.arg("--secret").arg(format!("{scheme}={secret}"));
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn test handler {bin}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        // Built before reading, so a panic below still kills the child.
        let mut handler = TestHandler {
            child,
            url: String::new(),
            client,
        };
        let read = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .map(|_| line)
        });
        let line = tokio::time::timeout(Duration::from_secs(30), read)
            .await
            .expect("test handler did not print its address within 30 s")
            .expect("reader task")
            .expect("read test handler stdout");
        let url = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from test handler: {line:?}"));
        handler.url = url.to_string();
        handler
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Replaces the reply script (`POST /_control`).
    pub async fn set_replies(&self, replies: Replies) {
        let body = serde_json::to_vec(&replies).expect("serialize replies");
        let response = self
            .client
            .post(format!("{}/_control", self.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("POST /_control");
        let status = response.status();
        assert!(
            status.is_success(),
            "POST /_control: {status} {}",
            response.text().await.unwrap_or_default()
        );
    }

    /// Every recorded request, in arrival order (`GET /_requests`).
    pub async fn requests(&self) -> Vec<Received> {
        let response = self
            .client
            .get(format!("{}/_requests", self.url))
            .send()
            .await
            .expect("GET /_requests");
        assert!(response.status().is_success(), "GET /_requests");
        let bytes = response.bytes().await.expect("read /_requests");
        serde_json::from_slice(&bytes).expect("parse /_requests")
    }

    /// Forgets the recorded requests (`POST /_reset`).
    pub async fn reset(&self) {
        let response = self
            .client
            .post(format!("{}/_reset", self.url))
            .send()
            .await
            .expect("POST /_reset");
        assert!(response.status().is_success(), "POST /_reset");
    }

    /// Polls until at least `n` requests are recorded, for deliveries that
    /// happen in the background (forwarding, schedules). Panics after
    /// `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.requests().await;
            if received.len() >= n {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "test handler got {} of {n} requests within {timeout:?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestHandler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(D::Error::custom)
    }
}

pub mod verify;
