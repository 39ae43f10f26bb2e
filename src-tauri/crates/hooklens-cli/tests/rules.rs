//! `endpoints rules`: building an endpoint's response rules headlessly,
//! JSON in and out, against a running `serve` in another process (a reset
//! reaches it through the store), and `show`/`events rule:` afterwards.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{BIN, Serve, free_port};

fn run(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOOKLENS_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(data_dir: &Path, args: &[&str]) -> String {
    let out = run(data_dir, args, "");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn post(url: &str, body: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{url}/kustom/refunds"))
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

#[test]
fn rules_are_built_listed_as_json_set_back_and_reset_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &["endpoints", "add", "--name", "Kustom", "--path", "/kustom"],
    );
    let added = ok(
        d,
        &[
            "endpoints",
            "rules",
            "kustom",
            "add",
            "flaky",
            "--when",
            "type:refund.*",
            "--status",
            "503,503,200",
        ],
    );
    assert!(
        added.contains("answer  503, 503, 200, in turn per event id"),
        "{added}"
    );
    // A condition that does not parse is refused with where it goes wrong.
    let bad = run(
        d,
        &[
            "endpoints",
            "rules",
            "kustom",
            "add",
            "bad",
            "--when",
            "typ:x",
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("rule \"bad\": condition:") && err.contains("did you mean type:?"),
        "{err}"
    );

    // JSON out, edited, JSON in.
    let json = ok(d, &["endpoints", "rules", "kustom", "list", "--json"]);
    let mut rules: serde_json::Value = serde_json::from_str(&json).unwrap();
    rules[0]["answers"][2]["body"] = "ok {{ json.id }}".into();
    let set = run(
        d,
        &["endpoints", "rules", "kustom", "set", "-"],
        &rules.to_string(),
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );

    let port = free_port();
    let serve = Serve::start(d, port);
    let event = r#"{"type":"refund.created","id":"rf_1"}"#;
    let walk: Vec<u16> = (0..3).map(|_| post(&serve.url, event)).collect();
    assert_eq!(walk, [503, 503, 200]);
    // The serving process picks up a reset made here within a second.
    ok(d, &["endpoints", "rules", "kustom", "reset"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = post(&serve.url, event);
        if status == 503 {
            break;
        }
        assert!(Instant::now() < deadline, "the reset did not reach serve");
        std::thread::sleep(Duration::from_millis(200));
    }

    // What a stored event would get, and what each got.
    let test = ok(d, &["endpoints", "rules", "kustom", "test", "1"]);
    assert!(test.starts_with("rule flaky: 503\n"), "{test}");
    let shown = ok(d, &["show", "3"]);
    assert!(
        shown.contains("answered  rule flaky: 200 (answer 3 of 3, arrival 3 of event rf_1)"),
        "{shown}"
    );
    let listed = ok(d, &["events", "rule:flaky"]);
    assert!(listed.lines().count() >= 4, "{listed}");
    drop(serve);
    ok(d, &["endpoints", "rules", "kustom", "remove", "flaky"]);
    let none = ok(d, &["endpoints", "rules", "kustom", "list"]);
    assert!(none.contains("no rules"), "{none}");
}
