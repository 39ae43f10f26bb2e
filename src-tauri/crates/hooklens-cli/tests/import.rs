//! `hooklens-cli import` as a support engineer runs it: the real binary, the
//! fixtures real tools made (tests/fixtures/import), a real SQLite file.

use std::path::{Path, PathBuf};

mod support;

use support::run_cli as cli;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/import")
        .join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn events(data_dir: &Path, query: &str) -> Vec<serde_json::Value> {
    let out = cli(
        data_dir,
        &["events", "--json", "--limit", "1000", query],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_mitmproxy_har_imports_once_and_its_events_are_marked_and_byte_exact() {
    let dir = tempfile::tempdir().unwrap();
    let har = fixture("mitmproxy.har");
    let out = cli(
        dir.path(),
        &[
            "import",
            har.to_str().unwrap(),
            "--note",
            "ticket 4711",
            "--json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["format"], "har");
    let imported = outcome["imported"].as_u64().unwrap();
    assert!(imported >= 4, "{outcome}");
    assert_eq!(outcome["skipped"], 0);

    let listed = events(dir.path(), "source:import");
    assert_eq!(listed.len() as u64, imported);
    assert!(events(dir.path(), "source:live").is_empty());

    // The binary body arrives byte for byte.
    let binary = std::fs::read(fixture("binary.bin")).unwrap();
    let found = listed.iter().filter_map(|e| e["id"].as_i64()).find(|id| {
        let out = cli(dir.path(), &["show", &id.to_string(), "--raw"], None);
        out.status.success() && out.stdout == binary
    });
    assert!(
        found.is_some(),
        "no imported event has the binary body exactly"
    );

    // Shown with where it came from.
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    let shown = text(&cli(dir.path(), &["show", &id], None).stdout);
    assert!(shown.contains("mitmproxy.har"), "{shown}");

    // Again: nothing new.
    let again = cli(dir.path(), &["import", har.to_str().unwrap()], None);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let said = text(&again.stderr);
    assert!(
        said.starts_with(&format!("0 imported, {imported} already imported before")),
        "{said}"
    );
    assert_eq!(events(dir.path(), "").len() as u64, imported);
}

#[test]
fn a_pasted_request_on_stdin_and_a_curl_transcript_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let raw = b"POST /kustom/orders?x=1 HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\nContent-Length: 86\r\n\r\n{\"id\":\"kevt_9\",\"merchant_id\":\"m_42\",\"type\":\"order.created\",\"data\":{\"order_id\":\"o_1\"}}";
    let out = cli(dir.path(), &["import", "-"], Some(raw));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("1 imported (raw HTTP request)"),
        "{}",
        text(&out.stderr)
    );
    let listed = events(
        dir.path(),
        "source:import provider:kustom type:order.created",
    );
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["path"], "/kustom/orders");
    assert_eq!(listed[0]["query"], "x=1");
    assert_eq!(listed[0]["merchant_id"], "m_42");

    let out = cli(
        dir.path(),
        &[
            "import",
            fixture("curl-v-two-requests.txt").to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("2 imported"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_entries_are_named_and_the_rest_imported_and_garbage_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let har = br#"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
      {"startedDateTime":"2026-12-01T10:00:00Z","request":{"method":"POST","url":"http://h/a","httpVersion":"HTTP/1.1","headers":[],"postData":{"mimeType":"application/octet-stream","text":"%%%not base64","encoding":"base64"}}},
      {"startedDateTime":"2026-12-01T10:00:01Z","request":{"method":"POST","url":"http://h/b","httpVersion":"HTTP/1.1","headers":[],"postData":{"mimeType":"text/plain","text":"fine"}}}
    ]}}"#;
    let out = cli(dir.path(), &["import", "-"], Some(har));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.starts_with("1 imported, 1 skipped: entry 1"), "{said}");
    assert!(said.contains("base64"), "{said}");
    assert_eq!(events(dir.path(), "").len(), 1);

    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let out = cli(dir.path(), &["import", "-"], Some(&garbage));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--format"),
        "{}",
        text(&out.stderr)
    );
    let empty = cli(dir.path(), &["import", "-", "--format", "raw"], Some(b""));
    assert_ne!(empty.status.code(), Some(0));
    assert_eq!(events(dir.path(), "").len(), 1, "nothing half-imported");
}
