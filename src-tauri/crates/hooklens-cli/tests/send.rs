//! `send` and `trigger` as a user runs them: events captured by a real
//! `hooklens-cli serve`, sent by the real binary to a handler in this test
//! process that records what it got and answers from a script. Signatures
//! are checked here with their own HMAC code, not hooklens-core's.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

mod support;

use support::{BIN, Serve, free_port};

const GH_SECRET: &str = "gh-production-secret-4f9a1c";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KULMI_SECRET: &str = "kulmi-challenge-7Hq2xV9pLm4R";

const GH_BODY: &[u8] = br#"{"ref":"refs/heads/main","before":"6113728f","after":"59b20b8d","repository":{"full_name":"octo/hello"}}"#;
const SW_BODY: &[u8] =
    br#"{"type":"invoice.paid","id":"evt_2Kf8","data":{"invoice":"in_77","amount":1200}}"#;

// ---------------------------------------------------------------- the handler

/// One request as the handler got it.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    path: String,
    /// Names lowercase, as hyper delivers them; in order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }
}

#[derive(Default)]
struct Recorded {
    /// Statuses for the next requests, in order; 200 once it runs out.
    script: VecDeque<u16>,
    got: Vec<Received>,
}

type Shared = Arc<Mutex<Recorded>>;

/// An HTTP handler on loopback, on its own runtime; stopped when dropped.
struct Handler {
    _runtime: tokio::runtime::Runtime,
    url: String,
    state: Shared,
}

impl Handler {
    fn start() -> Handler {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = Shared::default();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(record)
            .with_state(state.clone());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Handler {
            _runtime: runtime,
            url,
            state,
        }
    }

    /// The handler's URL at `path`.
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Answers the next requests with `statuses`, then 200; forgets what it got.
    fn script(&self, statuses: &[u16]) {
        let mut s = self.state.lock().unwrap();
        s.script = statuses.iter().copied().collect();
        s.got.clear();
    }

    fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().got.clone()
    }
}

async fn record(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let status = {
        let mut s = state.lock().unwrap();
        s.got.push(Received {
            method: method.to_string(),
            path: uri.path().to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        });
        s.script.pop_front().unwrap_or(200)
    };
    (
        StatusCode::from_u16(status).unwrap(),
        [("x-handler", "scripted")],
        format!("handler says {status}"),
    )
}

// ------------------------------------------------------------- signatures

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

fn github_signature(body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(GH_SECRET.as_bytes(), &[body]))
    )
}

/// GitHub's check: exactly one X-Hub-Signature-256, the HMAC of the body.
fn github_verifies(r: &Received) -> bool {
    r.all("x-hub-signature-256") == [github_signature(&r.body).as_str()]
}

fn sw_signature(id: &str, ts: &str, body: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(SW_SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mac = hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac)
    )
}

/// Standard Webhooks' check, timestamp freshness included.
fn sw_verifies(r: &Received) -> bool {
    let (Some(id), Some(ts), Some(sigs)) = (
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        r.header("webhook-signature"),
    ) else {
        return false;
    };
    let fresh = ts.parse::<i64>().is_ok_and(|t| (now_s() - t).abs() <= 300);
    let expected = sw_signature(id, ts, &r.body);
    fresh && sigs.split(' ').any(|s| s == expected)
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

// ------------------------------------------------------------ the binary

/// Runs the binary on one data directory and keeps every output, so a test
/// can check that no secret value was ever printed.
struct Cli {
    dir: PathBuf,
    outputs: Mutex<Vec<(String, String)>>,
}

impl Cli {
    fn run_with(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(&self.dir)
            .args(args)
            .env_remove("HOOKLENS_LISTEN")
            .env_remove("HOOKLENS_SECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run hooklens-cli");
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        self.keep(args, &out);
        out
    }

    fn keep(&self, args: &[&str], out: &Output) {
        self.outputs.lock().unwrap().push((
            args.join(" "),
            format!("{}{}", text(&out.stdout), text(&out.stderr)),
        ));
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None)
    }

    /// Stdout of a command that must exit 0.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", both(&out));
        text(&out.stdout)
    }

    fn assert_no_secret_printed(&self) {
        let outputs = self.outputs.lock().unwrap();
        assert!(outputs.len() > 3);
        for (args, said) in outputs.iter() {
            for secret in [GH_SECRET, SW_SECRET, KULMI_SECRET] {
                assert!(!said.contains(secret), "`{args}` printed a secret:\n{said}");
            }
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn both(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// A data directory with three endpoints, each with a secret, and one
/// genuine signed event captured on each by `serve`.
struct Captured {
    _dir: tempfile::TempDir,
    cli: Cli,
    /// A GitHub push, signed with GH_SECRET.
    github: String,
    /// A Standard Webhooks message `msg_original`, signed with SW_SECRET.
    svix: String,
    /// A Kulmi Pay event carrying KULMI_SECRET in X-Challenge.
    kulmi: String,
}

fn capture() -> Captured {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        dir: dir.path().to_owned(),
        outputs: Mutex::new(Vec::new()),
    };
    for (name, path, preset, secret) in [
        ("GitHub", "/gh", "github", GH_SECRET),
        ("Svix", "/sw", "standard-webhooks", SW_SECRET),
        ("Kulmi", "/kulmi", "kulmipay", KULMI_SECRET),
    ] {
        cli.ok(&[
            "endpoints",
            "add",
            "--name",
            name,
            "--path",
            path,
            "--preset",
            preset,
        ]);
        let out = cli.run_with(
            &["secrets", "add", path, "production"],
            Some(format!("{secret}\n").as_bytes()),
        );
        assert!(out.status.success(), "{}", both(&out));
    }
    let serve = Serve::start(dir.path(), free_port());
    let github = post(
        &format!("{}/gh/hooks", serve.url),
        &[
            ("Content-Type", "application/json"),
            ("User-Agent", "GitHub-Hookshot/7e1b3c4"),
            ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ("X-Hub-Signature-256", &github_signature(GH_BODY)),
        ],
        GH_BODY,
    );
    let ts = now_s().to_string();
    let svix = post(
        &format!("{}/sw/hooks", serve.url),
        &[
            ("Content-Type", "application/json"),
            ("webhook-id", "msg_original"),
            ("webhook-timestamp", &ts),
            (
                "webhook-signature",
                &sw_signature("msg_original", &ts, SW_BODY),
            ),
        ],
        SW_BODY,
    );
    let kulmi = post(
        &format!("{}/kulmi", serve.url),
        &[
            ("Content-Type", "application/json"),
            ("X-Challenge", KULMI_SECRET),
        ],
        br#"{"topic":"collection_event","data":{"id":"col_1","status":"SUCCESSFUL"}}"#,
    );
    drop(serve);
    let ids = [github, svix, kulmi].map(|id| id.to_string());
    let [github, svix, kulmi] = ids;
    // The captures verify: what the handler gets later is the test, not them.
    for id in [&github, &svix, &kulmi] {
        cli.ok(&["verify", id]);
    }
    Captured {
        _dir: dir,
        cli,
        github,
        svix,
        kulmi,
    }
}

/// POSTs to the running `serve`; the stored event's id.
fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut request = reqwest::Client::new().post(url).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "POST {url}");
        r.headers()["x-hooklens-event"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    })
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

// ------------------------------------------------------------------ tests

#[test]
fn send_re_signs_by_default_and_the_signing_flags_change_what_verifies() {
    let c = capture();
    let handler = Handler::start();
    let to = handler.at("/webhooks");

    // As captured, re-signed: the same body with a signature that verifies.
    handler.script(&[200]);
    let out = c.cli.ok(&["send", &c.github, "--to", &to]);
    let got = handler.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].path, "/webhooks");
    assert_eq!(got[0].body, GH_BODY);
    assert!(github_verifies(&got[0]), "{:?}", got[0].headers);
    assert_eq!(got[0].header("x-github-event"), Some("push"));
    assert_eq!(got[0].header("user-agent"), Some("GitHub-Hookshot/7e1b3c4"));
    assert!(out.contains("signing  re-signed"), "{out}");
    assert!(out.contains("attempt 1/1  200 OK"), "{out}");
    // The handler's answer is shown: its headers and body.
    assert!(out.contains("  x-handler: scripted"), "{out}");
    assert!(out.contains("  handler says 200"), "{out}");
    assert!(out.contains("outcome  answered 200"), "{out}");
    assert!(out.contains("recorded as run #"), "{out}");

    // An edited body, from a file, re-signed by default: it verifies.
    let edited = String::from_utf8(GH_BODY.to_vec())
        .unwrap()
        .replace("refs/heads/main", "refs/heads/release");
    let file = write_file(&c.cli.dir, "edited.json", edited.as_bytes());
    handler.script(&[]);
    c.cli
        .ok(&["send", &c.github, "--to", &to, "--body-file", &file]);
    let got = handler.received();
    assert_eq!(got[0].body, edited.as_bytes());
    assert!(github_verifies(&got[0]), "{:?}", got[0].headers);

    // The same from stdin, exact bytes (a trailing newline is part of them).
    handler.script(&[]);
    let out = c.cli.run_with(
        &["send", &c.github, "--to", &to, "--body-file", "-"],
        Some(format!("{edited}\n").as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let got = handler.received();
    assert_eq!(got[0].body, format!("{edited}\n").as_bytes());
    assert!(github_verifies(&got[0]));

    // --keep-signature: the captured signature no longer matches the edit.
    handler.script(&[]);
    c.cli.ok(&[
        "send",
        &c.github,
        "--to",
        &to,
        "--body-file",
        &file,
        "--keep-signature",
    ]);
    let got = handler.received();
    assert_eq!(got[0].body, edited.as_bytes());
    assert_eq!(
        got[0].all("x-hub-signature-256"),
        [github_signature(GH_BODY)]
    );
    assert!(!github_verifies(&got[0]));

    // --missign: well formed, wrong; the handler's 401 is exit status 1.
    handler.script(&[401]);
    let out = c.cli.run(&["send", &c.github, "--to", &to, "--missign"]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let said = text(&out.stdout);
    assert!(said.contains("attempt 1/1  401 Unauthorized"), "{said}");
    assert!(said.contains("mis-signed on purpose"), "{said}");
    let got = handler.received();
    assert_eq!(got[0].body, GH_BODY);
    assert!(got[0].header("x-hub-signature-256").is_some());
    assert!(!github_verifies(&got[0]));

    // --stale on Standard Webhooks: signed right, too old.
    handler.script(&[]);
    c.cli.ok(&["send", &c.svix, "--to", &to, "--stale"]);
    let got = handler.received();
    let ts: i64 = got[0].header("webhook-timestamp").unwrap().parse().unwrap();
    assert!(now_s() - ts > 300, "{ts}");
    assert!(!sw_verifies(&got[0]));

    // The flags exclude each other.
    let out = c
        .cli
        .run(&["send", &c.github, "--to", &to, "--resign", "--missign"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    c.cli.assert_no_secret_printed();
}

#[test]
fn an_endpoint_without_a_secret_sends_the_captured_headers_and_says_why() {
    let c = capture();
    let handler = Handler::start();
    c.cli.ok(&["secrets", "remove", "/gh", "production"]);
    let out = c.cli.run(&["send", &c.github, "--to", &handler.at("/")]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let note = text(&out.stderr);
    assert!(
        note.contains("not re-signed: endpoint \"GitHub\" has no secret"),
        "{note}"
    );
    // As captured: still the original, valid signature.
    let got = handler.received();
    assert!(github_verifies(&got[0]));
    // Another endpoint's secret can sign it. The scheme is set on the
    // endpoint: the core prefers the event's detected provider (GitHub) over
    // the signing endpoint's preset.
    c.cli.ok(&[
        "endpoints",
        "edit",
        "/sw",
        "--scheme",
        "standard-webhooks",
        "--no-reverify",
    ]);
    let out = c.cli.ok(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/"),
        "--endpoint",
        "/sw",
    ]);
    assert!(out.contains("of endpoint \"Svix\""), "{out}");
    let got = handler.received();
    assert!(sw_verifies(&got[1]), "{:?}", got[1].headers);
    // A secret label that does not exist is an error, not a silent fallback.
    let out = c.cli.run(&[
        "send",
        &c.svix,
        "--to",
        &handler.at("/"),
        "--secret",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("no secret labelled \"nope\""));
}

#[test]
fn header_edits_are_what_the_handler_sees() {
    let c = capture();
    let handler = Handler::start();
    c.cli.ok(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/hooks"),
        "--header",
        "X-Extra: 1",
        "--header",
        "User-Agent:",
        "--header",
        "x-github-event: ping",
    ]);
    let got = handler.received();
    let r = &got[0];
    assert_eq!(r.all("x-extra"), ["1"]);
    assert!(r.header("user-agent").is_none(), "{:?}", r.headers);
    assert_eq!(r.all("x-github-event"), ["ping"]);
    assert_eq!(
        r.header("x-github-delivery"),
        Some("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    );
    assert!(github_verifies(r));

    let bad = c.cli.run(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/"),
        "--header",
        "no colon",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", both(&bad));
    assert!(text(&bad.stderr).contains("must look like 'Name: value'"));
    assert_eq!(
        handler.received().len(),
        1,
        "nothing sent after a usage error"
    );
}

#[test]
fn times_sends_duplicates_with_one_message_id() {
    let c = capture();
    let handler = Handler::start();
    let out = c
        .cli
        .ok(&["send", &c.svix, "--to", &handler.at("/sw"), "--times", "3"]);
    let got = handler.received();
    assert_eq!(got.len(), 3);
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.header("webhook-id").unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // Re-signed: a fresh message id, the same in each copy, as providers do.
    assert_ne!(ids[0], "msg_original");
    assert!(got.iter().all(sw_verifies));
    assert!(got.iter().all(|r| r.body == SW_BODY));
    assert!(out.contains("attempt 3/3  200 OK"), "{out}");
    assert!(
        out.contains("outcome  sent 3 times: 200, 200, 200"),
        "{out}"
    );
}

#[test]
fn a_retry_schedule_retries_until_a_2xx_with_time_compressed() {
    let c = capture();
    let handler = Handler::start();
    handler.script(&[500, 500, 200]);
    let started = Instant::now();
    let out = c.cli.ok(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/gh"),
        "--schedule",
        "checkout",
        "--speed",
        "100000",
    ]);
    assert!(started.elapsed() < Duration::from_secs(20));
    let got = handler.received();
    assert_eq!(got.len(), 3, "{out}");
    assert!(got.iter().all(github_verifies));
    assert!(
        out.contains("attempt 1/8  500 Internal Server Error"),
        "{out}"
    );
    assert!(out.contains("before attempt 2"), "{out}");
    assert!(out.contains("attempt 3/8  200 OK"), "{out}");
    assert!(
        out.contains("outcome  answered 200 on attempt 3 of 8; the provider stops here"),
        "{out}"
    );

    let out = c.cli.run(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/"),
        "--schedule",
        "github",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("has no retry schedule; these do: "));
    let out = c.cli.run(&[
        "send",
        &c.github,
        "--to",
        &handler.at("/"),
        "--times",
        "2",
        "--schedule",
        "checkout",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
}

#[test]
fn json_prints_one_delivery_run_without_secret_values() {
    let c = capture();
    let handler = Handler::start();
    handler.script(&[202]);
    let out = c
        .cli
        .ok(&["send", &c.github, "--to", &handler.at("/"), "--json"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let run: Value = serde_json::from_str(&out).unwrap();
    assert!(run["id"].as_i64().is_some());
    assert_eq!(
        run["eventId"].as_i64().map(|i| i.to_string()),
        Some(c.github.clone())
    );
    assert_eq!(run["kind"], "resend");
    assert_eq!(run["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(run["attempts"][0]["response"]["status"], 202);
    assert!(run["outcome"].as_str().unwrap().contains("202"));

    // Kulmi Pay's X-Challenge is the secret itself: the handler gets it, the
    // printed run masks it.
    let out = c
        .cli
        .ok(&["send", &c.kulmi, "--to", &handler.at("/"), "--json"]);
    let got = handler.received();
    assert_eq!(got[1].header("x-challenge"), Some(KULMI_SECRET));
    let run: Value = serde_json::from_str(&out).unwrap();
    let sent = run["attempts"][0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| {
            h["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("x-challenge")
        })
        .cloned()
        .unwrap();
    assert_ne!(sent["value"], KULMI_SECRET);
    c.cli.assert_no_secret_printed();
}

#[test]
fn an_unreachable_handler_is_exit_status_1_in_words() {
    let c = capture();
    let to = format!("http://127.0.0.1:{}/hooks", free_port());
    let out = c.cli.run(&["send", &c.github, "--to", &to]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let said = text(&out.stdout);
    assert!(
        said.contains("attempt 1/1  error: connection refused by 127.0.0.1:"),
        "{said}"
    );
    assert!(
        said.contains("outcome  failed: connection refused"),
        "{said}"
    );

    let out = c.cli.run(&["send", &c.github, "--to", "localhost:3000"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let out = c.cli.run(&["send", "999999", "--to", &to]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("no event 999999"));
}

#[test]
fn a_kulmi_pay_event_answered_201_is_exit_status_1_by_kulmi_pays_rule() {
    let c = capture();
    let handler = Handler::start();
    handler.script(&[201]);
    let out = c.cli.run(&["send", &c.kulmi, "--to", &handler.at("/")]);
    // Any 2xx would do for most providers; Kulmi Pay counts only 200.
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let said = text(&out.stdout);
    assert!(
        said.contains(
            "rule     Kulmi Pay counts only 200 as delivered · answer within 10 s (assumed)"
        ),
        "{said}"
    );
    assert!(said.contains("attempt 1/1  201 Created"), "{said}");
    assert!(
        said.contains(
            "  not delivered: Kulmi Pay counts only 200 as delivered; the handler answered 201"
        ),
        "{said}"
    );
    assert!(
        said.contains("outcome  failed: Kulmi Pay counts only 200 as delivered"),
        "{said}"
    );
    assert_eq!(handler.received().len(), 1);

    // The recorded run says the same.
    handler.script(&[201]);
    let out = c
        .cli
        .run(&["send", &c.kulmi, "--to", &handler.at("/"), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let run: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(run["attempts"][0]["delivered"], false);
    assert_eq!(
        run["attempts"][0]["failure"],
        "Kulmi Pay counts only 200 as delivered; the handler answered 201"
    );

    // A fresh sample too; a 200 is a delivery.
    handler.script(&[201]);
    let out = c.cli.run(&[
        "trigger",
        "kulmipay",
        "collection_event",
        "--to",
        &handler.at("/"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(
        text(&out.stdout).contains("Kulmi Pay counts only 200 as delivered"),
        "{}",
        both(&out)
    );
    handler.script(&[200]);
    c.cli.ok(&["send", &c.kulmi, "--to", &handler.at("/")]);
    // Where any 2xx counts, the same 201 is a delivery.
    handler.script(&[201]);
    let out = c.cli.ok(&["send", &c.github, "--to", &handler.at("/")]);
    assert!(out.contains("rule     GitHub counts any 2xx"), "{out}");
    c.cli.assert_no_secret_printed();
}

#[test]
fn trigger_sends_a_signed_sample_and_lists_what_exists() {
    let c = capture();
    let handler = Handler::start();
    let out = c.cli.ok(&[
        "trigger",
        "github",
        "push",
        "--to",
        &handler.at("/gh"),
        "--endpoint",
        "GitHub",
    ]);
    let got = handler.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-github-event"), Some("push"));
    assert!(github_verifies(&got[0]), "{:?}", got[0].headers);
    assert!(out.contains("attempt 1/1  200 OK"), "{out}");

    // Without --endpoint: the first endpoint with the preset and a secret.
    handler.script(&[]);
    c.cli.ok(&[
        "trigger",
        "standard-webhooks",
        "invoice.paid",
        "--to",
        &handler.at("/"),
    ]);
    let got = handler.received();
    assert!(sw_verifies(&got[0]), "{:?}", got[0].headers);

    let list = c.cli.ok(&["trigger", "kustom"]);
    for t in [
        "order.created",
        "capture.created",
        "refund.created",
        "dispute.created",
    ] {
        assert!(list.contains(t), "{list}");
    }
    assert_eq!(list, c.cli.ok(&["trigger", "Kustom", "--list"]));

    let out = c
        .cli
        .run(&["trigger", "nope", "x", "--to", &handler.at("/")]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let err = text(&out.stderr);
    assert!(err.contains("no provider preset \"nope\""), "{err}");
    assert!(err.contains("kustom"), "{err}");
    let out = c
        .cli
        .run(&["trigger", "github", "pushed", "--to", &handler.at("/")]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("push, "), "{}", both(&out));
    assert_eq!(handler.received().len(), 1, "errors send nothing");
    c.cli.assert_no_secret_printed();
}

#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_schedule_and_the_run_says_so() {
    let c = capture();
    let handler = Handler::start();
    handler.script(&[503; 8]);
    // Real time: 5 s before the second attempt, in which Ctrl-C comes.
    let child = Command::new(BIN)
        .arg("--data-dir")
        .arg(&c.cli.dir)
        .args([
            "send",
            &c.github,
            "--to",
            &handler.at("/"),
            "--schedule",
            "checkout",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while handler.received().is_empty() {
        assert!(Instant::now() < deadline, "no first attempt");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The attempt is recorded just after the handler answers.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(3), "not prompt");
    assert_eq!(out.status.code(), Some(130), "{}", both(&out));
    let said = text(&out.stdout);
    assert!(
        said.contains("attempt 1/8  503 Service Unavailable"),
        "{said}"
    );
    assert!(said.contains("waiting 5.0 s before attempt 2"), "{said}");
    assert!(
        said.contains("outcome  cancelled after 1 of 8 attempts: 503"),
        "{said}"
    );
    assert!(text(&out.stderr).contains("cancelling"), "{}", both(&out));
    assert_eq!(handler.received().len(), 1);
}
