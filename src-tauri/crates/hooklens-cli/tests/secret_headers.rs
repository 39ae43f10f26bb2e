//! Secret-bearing headers (Basic credentials, Kulmi Pay's X-Challenge, a
//! cookie, a shared-secret scheme's own header) through the real binary:
//! stored exactly and sent on exactly (forward, `send`), but absent from
//! `show` (unless `--reveal`), from the full-text index, and from every log
//! line at HOOKLENS_LOG=trace.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;

mod support;

use support::{BIN, Serve, free_port};

const CHALLENGE: &str = "challS3cretQ7x";
const BASIC_PASSWORD: &str = "basicS3cretK2m";
const COOKIE: &str = "cookieS3cretP4z";
const TOKEN: &str = "tokenS3cretW9v";

fn basic() -> String {
    let credentials = format!("merchant:{BASIC_PASSWORD}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// Every form a secret could take in output: as sent, and Basic's base64.
fn secrets() -> Vec<String> {
    let encoded = basic().trim_start_matches("Basic ").to_owned();
    vec![
        CHALLENGE.into(),
        BASIC_PASSWORD.into(),
        encoded,
        COOKIE.into(),
        TOKEN.into(),
    ]
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} shows {secret}:\n{text}");
    }
}

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOOKLENS_LISTEN")
        .env("HOOKLENS_LOG", "trace")
        .output()
        .expect("run hooklens-cli")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A handler that answers 200 to everything and keeps each request's raw
/// bytes.
struct Recorder {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut bytes = Vec::new();
                let mut buf = [0u8; 4096];
                // Head, then as much body as Content-Length says.
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => bytes.extend_from_slice(&buf[..n]),
                    }
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if bytes.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                sink.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&bytes).into_owned());
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            }
        });
        Recorder { url, received }
    }

    fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} requests, expected {n}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn post(url: &str, headers: &[(&str, &str)], body: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut request = reqwest::Client::new().post(url).body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.headers()["x-hooklens-event"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    })
}

/// Waits until the serving process has indexed event text with `word`.
fn wait_indexed(dir: &Path, word: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok(&cli(dir, &["events", "--json", word])).contains("\"id\"") {
        assert!(Instant::now() < deadline, "{word} was never indexed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn secret_headers_are_sent_on_but_never_shown_indexed_or_logged() {
    let dir = tempfile::tempdir().unwrap();
    let handler = Recorder::start();
    let forward = format!("{}/forwarded", handler.url);
    ok(&cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "Kulmi",
            "--path",
            "/kulmi",
            "--preset",
            "kulmipay",
            "--forward",
            &forward,
        ],
    ));
    ok(&cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "Token",
            "--path",
            "/token",
            "--scheme",
            r#"{"kind":"shared-secret","header":"X-Token"}"#,
        ],
    ));
    let mut serve = Serve::start_env(dir.path(), free_port(), &[("HOOKLENS_LOG", "trace")]);
    let basic = basic();
    let kulmi = post(
        &format!("{}/kulmi/events", serve.url),
        &[
            ("content-type", "application/json"),
            ("X-Challenge", CHALLENGE),
            ("Authorization", &basic),
            ("Cookie", &format!("sid={COOKIE}")),
        ],
        r#"{"id":"evt_1","topic":"collection_event","data":{"id":"inv_markerkulmi"}}"#,
    );
    let token = post(
        &format!("{}/token/in", serve.url),
        &[("X-Token", TOKEN), ("X-Trace", "markertoken")],
        "{}",
    );

    // Forwarded as received: the handler gets the real values.
    let forwarded = &handler.wait_for(1)[0];
    assert!(
        forwarded.contains(&format!("x-challenge: {CHALLENGE}")),
        "{forwarded}"
    );
    assert!(forwarded.contains(&basic), "{forwarded}");

    // `show` masks them, keeps the scheme word, and says how to see them.
    for id in [kulmi, token] {
        let shown = cli(dir.path(), &["show", &id.to_string()]);
        let text = ok(&shown);
        assert_no_secret("show", &text);
        let note = String::from_utf8_lossy(&shown.stderr);
        assert!(note.contains(&format!("show {id} --reveal")), "{note}");
        assert_no_secret("show's stderr", &note);
    }
    let shown = ok(&cli(dir.path(), &["show", &kulmi.to_string()]));
    assert!(shown.contains("authorization: Basic ••••••••"), "{shown}");
    assert!(shown.contains("x-challenge: ••••••••"), "{shown}");
    assert!(shown.contains("cookie: ••••••••"), "{shown}");
    let shown = ok(&cli(dir.path(), &["show", &token.to_string()]));
    assert!(shown.contains("x-token: ••••••••"), "{shown}");
    assert!(shown.contains("x-trace: markertoken"), "{shown}");

    // --reveal shows each value exactly.
    let revealed = ok(&cli(dir.path(), &["show", &kulmi.to_string(), "--reveal"]));
    assert!(
        revealed.contains(&format!("x-challenge: {CHALLENGE}")),
        "{revealed}"
    );
    assert!(
        revealed.contains(&format!("authorization: {basic}")),
        "{revealed}"
    );
    assert!(
        revealed.contains(&format!("cookie: sid={COOKIE}")),
        "{revealed}"
    );
    let revealed = ok(&cli(dir.path(), &["show", &token.to_string(), "--reveal"]));
    assert!(
        revealed.contains(&format!("x-token: {TOKEN}")),
        "{revealed}"
    );

    // The index has the events' other words, but no secret finds them.
    wait_indexed(dir.path(), "markerkulmi");
    wait_indexed(dir.path(), "markertoken");
    for secret in secrets() {
        let found = ok(&cli(dir.path(), &["events", "--json", &secret]));
        assert!(found.trim().is_empty(), "searching {secret} finds {found}");
    }
    let found = ok(&cli(
        dir.path(),
        &["events", "--json", "header.authorization:basic"],
    ));
    assert!(found.contains(&format!("\"id\":{kulmi}")), "{found}");
    let found = ok(&cli(
        dir.path(),
        &["events", "--json", "header.x-challenge:chall"],
    ));
    assert!(found.trim().is_empty(), "{found}");

    // `send` resends the stored values, as captured.
    let resend = format!("{}/resent", handler.url);
    let sent = cli(
        dir.path(),
        &[
            "send",
            &kulmi.to_string(),
            "--to",
            &resend,
            "--keep-signature",
        ],
    );
    let sent_text = ok(&sent);
    let got = handler.wait_for(2);
    let resent = got.iter().find(|r| r.starts_with("POST /resent")).unwrap();
    assert!(
        resent.contains(&format!("x-challenge: {CHALLENGE}")),
        "{resent}"
    );
    assert!(resent.contains(&basic), "{resent}");
    assert_no_secret("send", &sent_text);
    assert_no_secret("send's log", &String::from_utf8_lossy(&sent.stderr));

    // Nothing logged at trace level carried a secret, and trace was on.
    serve.kill_9();
    let log = serve.stderr.lock().unwrap().clone();
    assert!(
        log.contains("TRACE"),
        "HOOKLENS_LOG=trace logged no trace lines:\n{log}"
    );
    assert_no_secret("the serve log", &log);
}
