//! Signatures from the command line, as a user runs them: the real binary,
//! a real `serve` over HTTP, a real SQLite file in a temporary directory.
//! Requests are signed with `hooklens-cli sign` itself.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hooklens_core::signature::Scheme;
use serde_json::Value;

mod support;

use support::{BIN, Serve, free_port};

const GH_SECRET: &str = "gh-production-secret-4f9a1c";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_OLD: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SW_NEW: &str = "whsec_dGhlLW5ldy1zZWNyZXQtMTIzNDU2Nzg=";

/// Runs the binary on one data directory and keeps every output, so a test
/// can check at the end that no secret value was ever printed.
struct Cli {
    dir: PathBuf,
    outputs: Mutex<Vec<(String, String)>>,
}

impl Cli {
    fn new(dir: &Path) -> Cli {
        Cli {
            dir: dir.to_owned(),
            outputs: Mutex::new(Vec::new()),
        }
    }

    /// `args`, with `env` set and `stdin` written to it.
    fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir")
            .arg(&self.dir)
            .args(args)
            .env_remove("HOOKLENS_LISTEN")
            .env_remove("HOOKLENS_SECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("run hooklens-cli");
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            // A command that fails before reading its input closes the pipe;
            // its exit code and output are what the test checks.
            if let Err(err) = input.write_all(bytes) {
                assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
            }
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        self.outputs.lock().unwrap().push((
            args.join(" "),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ));
        out
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[], None)
    }

    /// Stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        ok(self.run(args))
    }

    fn events(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["events", "--json"];
        args.extend_from_slice(extra);
        self.ok(&args)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn event(&self, id: i64) -> Value {
        self.events(&[])
            .into_iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no event {id}"))
    }

    /// `sign`, with the secret through the environment; the headers it prints.
    fn sign(&self, secret: &str, args: &[&str], body: &[u8]) -> Vec<(String, String)> {
        let mut all = vec!["sign"];
        all.extend_from_slice(args);
        parse_headers(&ok(self.run_with(
            &all,
            &[("HOOKLENS_SECRET", secret)],
            Some(body),
        )))
    }

    /// Fails when any output collected so far, `serve`'s included, holds one
    /// of `secrets`, except those of commands matching `allowed`.
    fn assert_never_printed(&self, secrets: &[&str], serve: &Serve, allowed: &str) {
        let mut outputs = self.outputs.lock().unwrap().clone();
        outputs.push(("serve".into(), serve.stderr.lock().unwrap().clone()));
        let mut checked = 0;
        for (args, text) in &outputs {
            if args.contains(allowed) {
                continue;
            }
            checked += 1;
            for s in secrets {
                assert!(
                    !text.contains(s),
                    "`{args}` printed a secret value:\n{text}"
                );
            }
        }
        assert!(checked > 10, "only {checked} outputs were checked");
    }
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `Name: value` lines, as `sign` prints them for curl -H.
fn parse_headers(text: &str) -> Vec<(String, String)> {
    let headers: Vec<(String, String)> = text
        .lines()
        .map(|line| {
            let (name, value) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("not a header line: {line:?}"));
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "bad header name in {line:?}"
            );
            assert!(!value.trim().is_empty(), "empty value in {line:?}");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    assert!(!headers.is_empty(), "sign printed no headers");
    headers
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Serve {
    /// POSTs and returns the stored event's id.
    fn post(&self, path: &str, headers: &[(String, String)], body: &[u8]) -> i64 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut request = reqwest::Client::new()
                .post(format!("{}{path}", self.url))
                .body(body.to_vec());
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let r = request.send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "status of POST {path}");
            r.headers()
                .get("x-hooklens-event")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("x-hooklens-event")
        })
    }
}

fn ids(events: &[Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn verdicts_of_real_requests_are_listed_filtered_explained_and_discovered() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    // Configured before serve starts, so it captures with these secrets.
    cli.ok(&[
        "endpoints",
        "add",
        "--name",
        "GH",
        "--path",
        "/gh",
        "--preset",
        "github",
    ]);
    let added = ok(cli.run_with(
        &["secrets", "add", "/gh", "production"],
        &[],
        Some(format!("{GH_SECRET}\n").as_bytes()),
    ));
    assert!(added.contains("production"), "{added}");
    cli.ok(&[
        "endpoints",
        "add",
        "--name",
        "SW",
        "--path",
        "/sw",
        "--preset",
        "standard-webhooks",
    ]);
    ok(cli.run_with(
        &["secrets", "add", "/sw", "live"],
        &[("HOOKLENS_SECRET", SW_SECRET)],
        None,
    ));
    cli.ok(&[
        "endpoints",
        "add",
        "--name",
        "NoSecret",
        "--path",
        "/nosecret",
        "--preset",
        "github",
    ]);
    let listed = cli.ok(&["endpoints", "list"]);
    assert!(listed.contains("preset github: GitHub"), "{listed}");
    assert!(listed.contains("production …"), "{listed}");

    let serve = Serve::start(dir.path(), free_port());
    let body = br#"{"action":"opened","number":1}"#;
    let gh = cli.sign(GH_SECRET, &["--scheme", "github"], body);
    assert!(header(&gh, "X-Hub-Signature-256").starts_with("sha256="));
    let valid = serve.post("/gh", &gh, body);
    let newline = serve.post("/gh", &gh, &[&body[..], b"\n"].concat());
    let old = (now_s() - 600).to_string();
    let sw = cli.sign(
        SW_SECRET,
        &["--scheme", "standard-webhooks", "--timestamp", &old],
        body,
    );
    assert!(header(&sw, "webhook-id").starts_with("msg_"));
    let stale = serve.post("/sw", &sw, body);
    let unsigned = serve.post("/gh", &[], body);
    let no_secret = serve.post("/nosecret", &gh, body);

    // events --json: the verdict's fields, flat beside the event's.
    let v = cli.event(valid);
    assert_eq!(v["verdict"], "valid", "{v}");
    assert_eq!(v["scheme"], "github");
    assert_eq!(v["secret"], "production");
    assert_eq!(v["diagnosis"], Value::Null);
    assert_eq!(v["assumed"], false);
    assert_eq!(v["path"], "/gh", "the existing fields stay");
    let v = cli.event(newline);
    assert_eq!(v["verdict"], "invalid", "{v}");
    assert_eq!(v["diagnosis"]["code"], "body_trailing_newline");
    assert!(v["diagnosis"]["message"].as_str().unwrap().len() > 10);
    let v = cli.event(stale);
    assert_eq!(v["verdict"], "stale", "{v}");
    assert_eq!(v["scheme"], "standard-webhooks");
    let age = v["age_s"].as_i64().unwrap();
    assert!((598..=610).contains(&age), "age {age}");
    assert_eq!(cli.event(unsigned)["verdict"], "unsigned");
    assert_eq!(cli.event(no_secret)["verdict"], "no_secret");

    // --verdict filters.
    for (status, expected) in [
        ("valid", vec![valid]),
        ("invalid", vec![newline]),
        ("stale", vec![stale]),
        ("unsigned", vec![unsigned]),
        ("no_secret", vec![no_secret]),
        ("malformed", vec![]),
    ] {
        assert_eq!(
            ids(&cli.events(&["--verdict", status])),
            expected,
            "{status}"
        );
    }
    let bad = cli.run(&["events", "--verdict", "bogus"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("valid, invalid, unsigned, no_secret, stale, malformed"),
        "{}",
        stderr(&bad)
    );

    // The table has a verdict column.
    let table = cli.ok(&["events"]);
    assert!(table.contains("valid (production)"), "{table}");
    assert!(table.contains("invalid: body_trailing_newline"), "{table}");
    assert!(table.contains("stale 6"), "{table}");
    assert!(table.contains("unsigned"), "{table}");

    // show: the verdict block.
    let shown = cli.ok(&["show", &newline.to_string()]);
    assert!(shown.contains("signature invalid"), "{shown}");
    assert!(shown.contains("scheme    GitHub"), "{shown}");
    assert!(shown.contains("[body_trailing_newline]"), "{shown}");
    let shown = cli.ok(&["show", &valid.to_string()]);
    assert!(shown.contains("secret    production (matched)"), "{shown}");
    let shown = cli.ok(&["show", &stale.to_string()]);
    assert!(shown.contains("age       "), "{shown}");

    // verify: exit 0 when valid, 1 when not, 2 on errors.
    let out = cli.run(&["verify", &valid.to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("production"));
    let out = cli.run(&["verify", &newline.to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "invalid");
    assert_eq!(json["diagnosis"]["code"], "body_trailing_newline");
    assert_eq!(json["stored_verdict"], "invalid");
    let out = cli.run(&["verify", &unsigned.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let out = cli.run(&["verify", "999999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));

    // discover: GitHub first, the secret from stdin or the environment.
    let out = cli.run_with(
        &["discover", &valid.to_string(), "--secret", "-"],
        &[],
        Some(format!("{GH_SECRET}\n").as_bytes()),
    );
    let found = ok(out);
    let first = found
        .lines()
        .find(|l| l.starts_with("1. "))
        .unwrap_or_else(|| panic!("{found}"));
    assert!(first.starts_with("1. GitHub"), "{found}");
    assert!(found.contains(r#"--scheme '{"kind":"github"}'"#), "{found}");
    let out = cli.run_with(
        &["discover", &valid.to_string(), "--json"],
        &[("HOOKLENS_SECRET", GH_SECRET)],
        None,
    );
    let json: Value = serde_json::from_slice(&ok(out).into_bytes()).unwrap();
    assert_eq!(json["matches"][0]["scheme"]["kind"], "github");
    let out = cli.run_with(
        &["discover", &valid.to_string()],
        &[("HOOKLENS_SECRET", "not-the-secret-at-all")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No known construction"));
    let out = cli.run(&["discover", &valid.to_string()]);
    assert_eq!(out.status.code(), Some(2), "no secret given");
    assert!(stderr(&out).contains("HOOKLENS_SECRET"), "{}", stderr(&out));

    // discover --save on the endpoint without a secret, then verify.
    let out = cli.run_with(
        &["discover", &no_secret.to_string(), "--save"],
        &[("HOOKLENS_SECRET", GH_SECRET)],
        None,
    );
    let saved = stderr(&out);
    ok(out);
    assert!(saved.contains("discovered"), "{saved}");
    assert!(saved.contains("re-verified 1 event"), "{saved}");
    let out = cli.run(&["verify", &no_secret.to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = cli.event(no_secret);
    assert_eq!(v["verdict"], "valid", "re-verified and stored: {v}");
    assert_eq!(v["secret"], "discovered");
    let listed = cli.ok(&["endpoints", "list"]);
    assert!(listed.contains("GitHub (set on the endpoint)"), "{listed}");

    // endpoints edit --scheme re-verifies; --scheme preset goes back.
    let out = cli.run(&["endpoints", "edit", "/gh", "--scheme", "shopify"]);
    assert!(
        stderr(&out).contains("re-verified 3 events"),
        "{}",
        stderr(&out)
    );
    ok(out);
    assert_eq!(cli.event(valid)["verdict"], "unsigned");
    assert_eq!(cli.event(valid)["scheme"], "shopify");
    cli.ok(&["endpoints", "edit", "/gh", "--scheme", "preset"]);
    assert_eq!(cli.event(valid)["verdict"], "valid");
    let out = cli.run(&["endpoints", "edit", "/gh", "--scheme", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("known schemes: standard-webhooks"));

    // reverify, explicit, non-terminal: one final line.
    let out = cli.run(&["reverify"]);
    let said = stderr(&out);
    ok(out);
    assert!(
        said.contains("re-verified 5 events of every endpoint"),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");

    cli.assert_never_printed(&[GH_SECRET, SW_SECRET], &serve, "--reveal");
}

#[test]
fn a_rotated_secret_keeps_verifying_and_removing_one_reverifies() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok(&[
        "endpoints",
        "add",
        "--name",
        "SW",
        "--path",
        "/sw",
        "--preset",
        "standard-webhooks",
    ]);
    for (label, value) in [("old", SW_OLD), ("new", SW_NEW)] {
        ok(cli.run_with(
            &["secrets", "add", "SW", label],
            &[],
            Some(format!("{value}\n").as_bytes()),
        ));
    }
    let serve = Serve::start(dir.path(), free_port());

    // Both secrets sign the same id and timestamp: two `v1,` signatures.
    let body = br#"{"type":"invoice.paid","id":"evt_1"}"#;
    let ts = now_s().to_string();
    let args = [
        "--scheme",
        "standard-webhooks",
        "--id",
        "msg_rotation",
        "--timestamp",
        &ts,
    ];
    let by_old = cli.sign(SW_OLD, &args, body);
    let by_new = cli.sign(SW_NEW, &args, body);
    let mut headers = by_old.clone();
    for (name, value) in &mut headers {
        if name.eq_ignore_ascii_case("webhook-signature") {
            *value = format!("{value} {}", header(&by_new, "webhook-signature"));
        }
    }
    assert_eq!(header(&headers, "webhook-id"), "msg_rotation");
    let id = serve.post("/sw", &headers, body);
    let v = cli.event(id);
    assert_eq!(v["verdict"], "valid", "{v}");
    assert_eq!(v["secret"], "old", "the first configured secret is named");

    let out = cli.run(&["secrets", "remove", "/sw", "old"]);
    let said = stderr(&out);
    ok(out);
    assert!(
        said.contains("re-verified 1 event of endpoint SW (/sw); 1 verdict changed"),
        "{said}"
    );
    let v = cli.event(id);
    assert_eq!(v["verdict"], "valid", "{v}");
    assert_eq!(v["secret"], "new");

    let out = cli.run(&["secrets", "remove", "/sw", "old"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no secret labelled"),
        "{}",
        stderr(&out)
    );
    // --no-reverify leaves the stored verdict alone.
    let out = cli.run(&["secrets", "remove", "/sw", "new", "--no-reverify"]);
    ok(out);
    assert_eq!(cli.event(id)["verdict"], "valid");
    let out = cli.run(&["verify", &id.to_string()]);
    assert_eq!(out.status.code(), Some(1), "no secret left");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no secret configured"));

    cli.assert_never_printed(&[SW_OLD, SW_NEW], &serve, "--reveal");
}

#[test]
fn secrets_are_added_from_stdin_and_shown_masked_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok(&["endpoints", "add", "--name", "Hooks", "--path", "/hooks"]);
    let value = "sk_live_abcdefghijklmnopqrstuvwxyz123456";
    let added = ok(cli.run_with(
        &["secrets", "add", "/hooks", "production"],
        &[],
        Some(format!("{value}\r\nignored second line\n").as_bytes()),
    ));
    assert!(added.contains("added secret \"production\""), "{added}");

    let listed = cli.ok(&["secrets", "list"]);
    assert!(listed.contains("production"), "{listed}");
    assert!(listed.contains("…3456"), "masked form: {listed}");
    assert!(!listed.contains(value), "{listed}");
    let one: Value =
        serde_json::from_str(cli.ok(&["secrets", "list", "Hooks", "--json"]).trim()).unwrap();
    assert_eq!(one["label"], "production");
    assert_eq!(one["value"], Value::Null);

    let revealed = cli.ok(&["secrets", "list", "/hooks", "--reveal"]);
    assert!(revealed.contains(value), "{revealed}");
    let one: Value =
        serde_json::from_str(cli.ok(&["secrets", "list", "--reveal", "--json"]).trim()).unwrap();
    assert_eq!(one["value"], value);

    // The same label twice, an empty stdin, an unknown endpoint: errors, exit 2.
    let again = cli.run_with(
        &[
            "secrets",
            "add",
            "/hooks",
            "production",
            "--value",
            "other-value",
        ],
        &[],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already has a secret labelled"));
    let empty = cli.run_with(&["secrets", "add", "/hooks", "x"], &[], Some(b"\n"));
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).starts_with("error: "), "{}", stderr(&empty));
    let unknown = cli.run_with(&["secrets", "add", "/nope", "x"], &[], Some(b"abc\n"));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no endpoint"));

    // The endpoint list shows it masked too.
    let endpoints = cli.ok(&["endpoints", "list"]);
    assert!(endpoints.contains("production sk_…3456"), "{endpoints}");
    let json = cli.ok(&["endpoints", "list", "--json"]);
    assert!(!json.contains(value), "{json}");

    for (args, text) in cli.outputs.lock().unwrap().iter() {
        if !args.contains("--reveal") {
            assert!(!text.contains(value), "`{args}` printed the secret: {text}");
        }
    }
}

#[test]
fn sign_prints_curl_ready_headers_for_every_scheme_and_names_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    let body = b"{\"hello\":\"world\"}";
    let secret_for = |id: &str| match id {
        "standard-webhooks" => SW_SECRET,
        // Combined is Basic auth plus an HMAC with the same secret.
        "basic-auth" | "combined" => "user:password",
        _ => "plain-text-secret",
    };
    let mut seen = HashMap::new();
    for id in Scheme::IDS {
        let headers = cli.sign(
            secret_for(id),
            &[
                "--scheme",
                id,
                "--url",
                "https://example.com/hooks",
                "--timestamp",
                "1700000000",
            ],
            body,
        );
        seen.insert(id, headers);
    }
    assert!(header(&seen["stripe"], "Stripe-Signature").starts_with("t=1700000000,v1="));
    assert_eq!(
        header(&seen["slack"], "X-Slack-Request-Timestamp"),
        "1700000000"
    );
    assert_eq!(
        header(&seen["shared-secret"], "X-Webhook-Secret"),
        "plain-text-secret"
    );
    assert!(header(&seen["basic-auth"], "Authorization").starts_with("Basic "));
    assert!(header(&seen["standard-webhooks"], "webhook-signature").starts_with("v1,"));
    // A fresh id each time.
    let again = cli.sign(SW_SECRET, &["--scheme", "standard-webhooks"], body);
    assert_ne!(
        header(&again, "webhook-id"),
        header(&seen["standard-webhooks"], "webhook-id")
    );

    // A preset id, a JSON scheme, --json.
    let out = cli.run_with(
        &["sign", "--scheme", "kustom"],
        &[("HOOKLENS_SECRET", SW_SECRET)],
        Some(body),
    );
    assert!(stderr(&out).contains("assumed"), "{}", stderr(&out));
    parse_headers(&ok(out));
    let json = ok(cli.run_with(
        &[
            "sign",
            "--scheme",
            r#"{"kind":"shared-secret","header":"X-Token"}"#,
            "--json",
        ],
        &[("HOOKLENS_SECRET", "tok")],
        Some(body),
    ));
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["headers"][0], serde_json::json!(["X-Token", "tok"]));

    // Mistakes: exit 2 with a sentence that helps.
    let unknown = cli.run_with(
        &["sign", "--scheme", "nope"],
        &[("HOOKLENS_SECRET", "s")],
        Some(body),
    );
    assert_eq!(unknown.status.code(), Some(2));
    let said = stderr(&unknown);
    for id in [
        "standard-webhooks",
        "github",
        "basic-auth",
        "combined",
        "kustom",
    ] {
        assert!(said.contains(id), "{said}");
    }
    let stdin_secret = cli.run(&["sign", "--scheme", "github", "--secret", "-"]);
    assert_eq!(stdin_secret.status.code(), Some(2));
    assert!(stderr(&stdin_secret).contains("HOOKLENS_SECRET"));
    let no_url = cli.run_with(
        &["sign", "--scheme", "twilio"],
        &[("HOOKLENS_SECRET", "s")],
        Some(body),
    );
    assert_eq!(no_url.status.code(), Some(2));
    assert!(stderr(&no_url).contains("--url"));
    let bad_secret = cli.run_with(
        &["sign", "--scheme", "standard-webhooks"],
        &[("HOOKLENS_SECRET", "not base64 !!! secret-value-xyz")],
        Some(body),
    );
    assert_eq!(bad_secret.status.code(), Some(2));
    let said = stderr(&bad_secret);
    assert!(said.starts_with("error: "), "{said}");
    assert!(!said.contains("secret-value-xyz"), "{said}");
}

/// The number of events with this stored verdict status.
fn count_verdicts(dir: &Path, status: &str) -> i64 {
    let db = rusqlite::Connection::open(dir.join("hooklens.sqlite3")).unwrap();
    db.query_row(
        "SELECT count(*) FROM events WHERE verdict = ?1",
        [status],
        |r| r.get(0),
    )
    .unwrap()
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_reverification_and_keeps_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok(&[
        "endpoints",
        "add",
        "--name",
        "GH",
        "--path",
        "/gh",
        "--preset",
        "github",
    ]);
    ok(cli.run_with(
        &["secrets", "add", "/gh", "right"],
        &[],
        Some(format!("{GH_SECRET}\n").as_bytes()),
    ));
    let body = br#"{"action":"opened","number":1}"#;
    let id = {
        let serve = Serve::start(dir.path(), free_port());
        let gh = cli.sign(GH_SECRET, &["--scheme", "github"], body);
        serve.post("/gh", &gh, body)
    };
    assert_eq!(cli.event(id)["verdict"], "valid");
    // Many copies of that valid event, stopped serve.
    let db = rusqlite::Connection::open(dir.path().join("hooklens.sqlite3")).unwrap();
    for _ in 0..16 {
        db.execute(
            "INSERT INTO events (received_at, endpoint_id, method, path, query, headers,
                 remote_addr, content_type, size, body, provider, event_type,
                 provider_event_id, merchant_id, refs, delivery, pinned, verdict, verdict_json)
             SELECT received_at, endpoint_id, method, path, query, headers, remote_addr,
                 content_type, size, body, provider, event_type, provider_event_id,
                 merchant_id, refs, delivery, pinned, verdict, verdict_json FROM events",
            [],
        )
        .unwrap();
    }
    drop(db);
    let total = count_verdicts(dir.path(), "valid");
    assert_eq!(total, 1 << 16);
    // The secret changes without re-verification: every event turns invalid
    // (with a diagnosis to compute) when it is re-verified.
    cli.ok(&["secrets", "remove", "/gh", "right", "--no-reverify"]);
    ok(cli.run_with(
        &["secrets", "add", "/gh", "wrong", "--no-reverify"],
        &[],
        Some(b"some-other-secret\n"),
    ));

    let started = Instant::now();
    let child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["reverify", "/gh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Time to open the store and hear Ctrl-C; the whole run takes far longer.
    std::thread::sleep(Duration::from_millis(700));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let said = stderr(&out);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it did not stop promptly"
    );
    assert_eq!(out.status.code(), Some(130), "{said}");
    assert!(said.contains("interrupted: re-verified "), "{said}");
    assert!(said.contains("keep their old verdicts"), "{said}");
    let done = count_verdicts(dir.path(), "invalid");
    assert!(done > 0 && done < total, "{done} of {total} re-verified");
    assert_eq!(count_verdicts(dir.path(), "valid"), total - done);
    // The count it reports is the count it stored.
    let reported = said
        .split("re-verified ")
        .nth(1)
        .and_then(|rest| rest.split(" of ").next())
        .map(|n| n.replace(',', ""))
        .unwrap_or_else(|| panic!("{said}"));
    assert_eq!(reported.parse::<i64>().unwrap(), done, "{said}");
}
