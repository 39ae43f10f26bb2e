//! `hooklens-cli export` and `import` together, as a case is handed on: the
//! real binary, a real listener, real SQLite files.

use std::path::Path;
use std::process::Output;

mod support;

use support::{Serve, free_port, run_cli as cli};

const SECRET: &str = "s3cr3t-github-hook-value";
const TOKEN: &str = "Bearer tok_live_9f8e7d6c5b4a";

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut req = reqwest::Client::new().post(url).body(body.to_vec());
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        assert_eq!(req.send().await.unwrap().status(), 200);
    });
}

/// (id, verdict, body bytes) of every stored event, oldest first.
fn stored(data_dir: &Path) -> Vec<(String, Vec<u8>)> {
    let out = ok(cli(data_dir, &["events", "--json", "--limit", "100"], None));
    let mut rows: Vec<(i64, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_i64().unwrap(),
                v["verdict"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows.into_iter()
        .map(|(id, verdict)| {
            let body = ok(cli(data_dir, &["show", &id.to_string(), "--raw"], None)).stdout;
            (verdict, body)
        })
        .collect()
}

/// A case: a GitHub-signed event on an endpoint with a secret, one with a
/// bearer token and a customer's email, and a binary body.
fn captured() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "GitHub",
            "--path",
            "/github",
            "--preset",
            "github",
        ],
        None,
    ));
    ok(cli(
        dir.path(),
        &["secrets", "add", "GitHub", "production"],
        Some(SECRET.as_bytes()),
    ));
    let serve = Serve::start(dir.path(), free_port());
    let body = br#"{"action":"opened","sender":{"email":"ada@example.com"}}"#;
    let signed = ok(cli(
        dir.path(),
        &["sign", "--scheme", "github", "--secret", SECRET],
        Some(body),
    ));
    let signed = String::from_utf8(signed.stdout).unwrap();
    let (name, value) = signed.trim().split_once(": ").unwrap();
    post(
        &format!("{}/github/hooks", serve.url),
        &[(name, value), ("X-GitHub-Event", "issues")],
        body,
    );
    post(
        &format!("{}/api/orders", serve.url),
        &[
            ("Authorization", TOKEN),
            ("Content-Type", "application/json"),
        ],
        br#"{"customer":{"email":"grace@example.com"},"amount":100}"#,
    );
    let binary: Vec<u8> = (0..=255u8).collect();
    post(
        &format!("{}/bin", serve.url),
        &[("Content-Type", "application/octet-stream")],
        &binary,
    );
    drop(serve);
    (dir, binary)
}

#[test]
fn a_bundle_carries_a_case_byte_exact_to_a_fresh_store_and_the_verdicts_hold_once_the_secret_is_added()
 {
    let (dir, binary) = captured();
    let before = stored(dir.path());
    assert_eq!(before.len(), 3);
    assert_eq!(before[0].0, "valid");

    // What the case recorded beside its requests: the signed event was
    // resent to a handler that answered 202, and it is pinned.
    let handler = answer_once("HTTP/1.1 202 Accepted\r\nContent-Length: 8\r\n\r\naccepted");
    ok(cli(dir.path(), &["send", "1", "--to", &handler.url], None));
    ok(cli(dir.path(), &["pin", "1"], None));
    let sent = text(&ok(cli(dir.path(), &["deliveries", "1"], None)).stdout);

    let bundle = dir.path().join("case.ndjson");
    ok(cli(
        dir.path(),
        &[
            "export",
            "--format",
            "bundle",
            "--no-default-redaction",
            "-o",
            bundle.to_str().unwrap(),
        ],
        None,
    ));
    let bytes = std::fs::read(&bundle).unwrap();
    // Secret values never leave, even with the default redaction off.
    assert!(!contains(&bytes, SECRET.as_bytes()));

    let fresh = tempfile::tempdir().unwrap();
    let out = ok(cli(
        fresh.path(),
        &["import", bundle.to_str().unwrap()],
        None,
    ));
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.starts_with("3 imported with 1 delivery"), "{said}");
    assert!(said.contains("made endpoint GitHub (/github)"), "{said}");
    assert!(said.contains("GitHub (/github): production"), "{said}");

    let after = stored(fresh.path());
    let bodies = |rows: &[(String, Vec<u8>)]| rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
    assert_eq!(bodies(&after), bodies(&before), "bodies byte-exact");
    assert!(after.iter().any(|r| r.1 == binary));
    // Without the secret the signed one cannot be checked; with it, valid.
    // The verdict it had where it was captured is shown beside.
    assert_eq!(after[0].0, "no_secret");
    let shown = text(&ok(cli(fresh.path(), &["show", "1"], None)).stdout);
    assert!(
        shown.contains("exported  with the verdict valid (production)"),
        "{shown}"
    );
    // The resend and its answer, as they were recorded, and the pin.
    let restored = text(&ok(cli(fresh.path(), &["deliveries", "1"], None)).stdout);
    assert!(restored.contains(&handler.url), "{restored}");
    assert!(restored.contains("202"), "{restored}");
    assert_eq!(
        restored.lines().skip(1).collect::<Vec<_>>(),
        sent.lines().skip(1).collect::<Vec<_>>(),
        "the runs read the same after import"
    );
    let events = text(&ok(cli(fresh.path(), &["events", "--json"], None)).stdout);
    let pinned: Vec<i64> = events
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["pinned"] == true)
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(pinned, [1]);
    ok(cli(
        fresh.path(),
        &["secrets", "add", "GitHub", "production"],
        Some(SECRET.as_bytes()),
    ));
    let verdicts: Vec<String> = stored(fresh.path()).into_iter().map(|r| r.0).collect();
    let expected: Vec<String> = before.into_iter().map(|r| r.0).collect();
    assert_eq!(verdicts, expected);
}

#[test]
fn a_har_export_redacts_by_default_and_reimports_bodies_byte_exact() {
    let (dir, binary) = captured();
    let har = dir.path().join("case.har");
    ok(cli(
        dir.path(),
        &[
            "export",
            "--format",
            "har",
            "--redact-json",
            "customer.email",
            "--redact-emails",
            "-o",
            har.to_str().unwrap(),
        ],
        None,
    ));
    let bytes = std::fs::read(&har).unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(parsed["log"]["version"], "1.2");
    for secret in [
        SECRET,
        "tok_live_9f8e7d6c5b4a",
        "grace@example.com",
        "ada@example.com",
    ] {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{secret} left in the HAR"
        );
    }
    let preview = ok(cli(
        dir.path(),
        &[
            "export",
            "--format",
            "har",
            "--redact-json",
            "customer.email",
            "--redact-emails",
            "--preview",
        ],
        None,
    ));
    let listed = String::from_utf8(preview.stdout).unwrap();
    assert!(
        listed.to_ascii_lowercase().contains("header authorization"),
        "{listed}"
    );
    assert!(listed.contains("customer.email"), "{listed}");

    let fresh = tempfile::tempdir().unwrap();
    ok(cli(fresh.path(), &["import", har.to_str().unwrap()], None));
    let after = stored(fresh.path());
    assert_eq!(after.len(), 3);
    assert!(
        after.iter().any(|r| r.1 == binary),
        "binary body through HAR base64"
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A handler on loopback that answers one request with `response`, as
/// written, and closes.
struct OneAnswer {
    url: String,
}

fn answer_once(response: &'static str) -> OneAnswer {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            // The request is small: its head and body arrive well within
            // one read of this size.
            let mut buf = [0u8; 64 * 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(response.as_bytes());
        }
    });
    OneAnswer { url }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
