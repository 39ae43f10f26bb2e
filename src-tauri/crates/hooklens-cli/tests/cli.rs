//! `hooklens-cli` as a user runs it: the real binary, a real listener, a real
//! SQLite file in a temporary data directory.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod support;

use support::{BIN, Serve, free_port, terminal_controls};

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOOKLENS_LISTEN")
        .output()
        .expect("run hooklens-cli")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn post(url: &str, body: Vec<u8>) -> i64 {
    let r = reqwest::blocking_post(url, body);
    assert_eq!(r.0, 200, "status");
    r.1
}

mod reqwest {
    //! Small blocking helpers on a current-thread runtime, so the tests read
    //! top to bottom.
    pub use ::reqwest::*;

    pub fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// (status, x-hooklens-event)
    pub fn blocking_post(url: &str, body: Vec<u8>) -> (u16, i64) {
        runtime().block_on(async {
            let r = Client::new().post(url).body(body).send().await.unwrap();
            let id = r
                .headers()
                .get("x-hooklens-event")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1);
            (r.status().as_u16(), id)
        })
    }
}

#[test]
fn binary_and_invalid_utf8_bodies_round_trip_exactly_through_show_raw() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let bodies: Vec<Vec<u8>> = vec![
        (0u8..=255).collect(),
        b"caf\xe9 \xff\xfe\x00 not utf-8\r\n".to_vec(),
        Vec::new(),
        b"{\"id\":\"kevt_1\"}\n".to_vec(),
    ];
    let ids: Vec<i64> = bodies
        .iter()
        .map(|b| post(&format!("{}/raw", serve.url), b.clone()))
        .collect();
    for (id, body) in ids.iter().zip(&bodies) {
        let out = cli(dir.path(), &["show", &id.to_string(), "--raw"]);
        assert!(out.status.success());
        assert_eq!(&out.stdout, body, "event {id}");
    }
    let shown = stdout(&cli(dir.path(), &["show", &ids[1].to_string()]));
    assert!(shown.contains("binary body"), "{shown}");
    let missing = cli(dir.path(), &["show", "999999"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no event 999999"));
}

#[test]
fn a_second_serve_on_the_same_data_directory_refuses_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Serve::start(dir.path(), free_port());
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already serving"), "{err}");
}

#[test]
fn kill_9_in_the_middle_of_a_load_loses_no_acknowledged_request() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut serve = Serve::start(dir.path(), port);
    let url = format!("{}/load", serve.url);

    // 8 clients post as fast as they can; the server dies under them.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    // Worker threads drive the clients while this thread sleeps and kills.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for c in 0..8 {
        let (url, acked, stop) = (url.clone(), acknowledged.clone(), stop.clone());
        clients.push(runtime.spawn(async move {
            let client = ::reqwest::Client::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let marker = format!("client-{c}-request-{n}");
                n += 1;
                match client
                    .post(&url)
                    .body(format!("{{\"marker\":\"{marker}\"}}"))
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => acked.lock().unwrap().push(marker),
                    _ => {}
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(700));
    serve.kill_9();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        runtime.block_on(c).unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() > 100,
        "the load barely ran ({} acknowledged)",
        acked.len()
    );

    // Restart on the same directory: every acknowledged request is there.
    let again = Serve::start(dir.path(), port);
    let db = rusqlite::Connection::open(dir.path().join("hooklens.sqlite3")).unwrap();
    let mut stmt = db.prepare("SELECT body FROM events").unwrap();
    let stored: std::collections::HashSet<String> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| String::from_utf8(b.unwrap()).unwrap())
        .collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|m| !stored.contains(&format!("{{\"marker\":\"{m}\"}}")))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged requests were lost, e.g. {:?}",
        lost.len(),
        acked.len(),
        lost.first()
    );
    // And the restarted listener captures again.
    assert_eq!(reqwest::blocking_post(&again.url, b"after".to_vec()).0, 200);
}

#[test]
fn events_json_lists_what_users_script_against() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let body = br#"{"type":"event","event_triggered":"2021-04-07 15:14:26","event_type":"transaction.sale.success","event_body":{"merchant":{"merch_key":"7qwnw4j2kmqvrb3"},"object":{"type":"transaction","key":"1nftvzx7xtcggm3"}},"event_id":"c088bc28"}"#;
    post(&format!("{}/gateway?x=1", serve.url), body.to_vec());
    post(&format!("{}/gateway?x=1", serve.url), body.to_vec());
    post(
        &format!("{}/other", serve.url),
        b"plain words here".to_vec(),
    );

    let lines = stdout(&cli(dir.path(), &["events", "--json"]));
    let events: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    let newest_gateway = &events[1];
    assert_eq!(newest_gateway["endpoint"], "Default");
    assert_eq!(newest_gateway["method"], "POST");
    assert_eq!(newest_gateway["path"], "/gateway");
    assert_eq!(newest_gateway["query"], "x=1");
    assert_eq!(newest_gateway["provider"], "usaepay");
    assert_eq!(newest_gateway["type"], "transaction.sale.success");
    assert_eq!(newest_gateway["provider_event_id"], "c088bc28");
    assert_eq!(newest_gateway["merchant_id"], "7qwnw4j2kmqvrb3");
    assert_eq!(newest_gateway["delivery"], 2);
    assert_eq!(newest_gateway["size"], body.len());
    assert!(
        newest_gateway["received_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let dups = stdout(&cli(dir.path(), &["events", "--json", "--dup"]));
    assert_eq!(dups.lines().count(), 1, "{dups}");
    assert!(dups.contains("\"delivery\":2"), "{dups}");

    // Text is indexed in batches shortly after a burst.
    let deadline = Instant::now() + Duration::from_secs(5);
    let found = loop {
        let found = stdout(&cli(dir.path(), &["events", "--json", "plain", "words"]));
        if !found.is_empty() || Instant::now() > deadline {
            break found;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(found.lines().count(), 1);
    assert!(found.contains("\"/other\""));
}

#[test]
fn endpoints_are_managed_from_the_command_line_and_apply_to_a_running_serve() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let added = stdout(&cli(
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
            "--status",
            "500",
            "--body",
            "nope",
        ],
    ));
    assert!(added.contains("added endpoint"), "{added}");
    let bad = cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "X",
            "--path",
            "/x",
            "--status",
            "42",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an HTTP status"));

    // The running listener picks the change up within a second or so.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, _) =
            reqwest::blocking_post(&format!("{}/kulmi/events", serve.url), b"{}".to_vec());
        if status == 500 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new endpoint never answered 500 (got {status})"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    stdout(&cli(
        dir.path(),
        &["endpoints", "edit", "/kulmi", "--status", "202"],
    ));
    let listed = stdout(&cli(dir.path(), &["endpoints", "list"]));
    assert!(listed.contains("/kulmi"), "{listed}");
    assert!(listed.contains("202"), "{listed}");

    // Forwarding: set, shown, its mode changed, refused when not a URL, off.
    stdout(&cli(
        dir.path(),
        &[
            "endpoints",
            "edit",
            "/kulmi",
            "--forward",
            "http://localhost:3000/hooks",
        ],
    ));
    let listed = stdout(&cli(dir.path(), &["endpoints", "list"]));
    assert!(
        listed.contains("forward  http://localhost:3000/hooks (sender answered at once)"),
        "{listed}"
    );
    stdout(&cli(
        dir.path(),
        &["endpoints", "edit", "/kulmi", "--forward-mode", "relay"],
    ));
    let listed = stdout(&cli(dir.path(), &["endpoints", "list"]));
    assert!(listed.contains("(handler's reply relayed)"), "{listed}");
    let bad = cli(
        dir.path(),
        &["endpoints", "edit", "/kulmi", "--forward", "ftp://x"],
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("forward target 1: the URL cannot be used"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    stdout(&cli(
        dir.path(),
        &["endpoints", "edit", "/kulmi", "--forward", "off"],
    ));
    assert!(!stdout(&cli(dir.path(), &["endpoints", "list"])).contains("forward "));
    let refused = cli(dir.path(), &["endpoints", "remove", "/"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot be removed"));
    stdout(&cli(dir.path(), &["endpoints", "remove", "Kulmi"]));
    assert!(!stdout(&cli(dir.path(), &["endpoints", "list"])).contains("/kulmi"));
}

#[test]
fn events_takes_the_search_language_with_field_filters() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "Kustom",
            "--path",
            "/kustom",
            "--preset",
            "kustom",
        ],
    ));
    let serve = Serve::start(dir.path(), free_port());
    let kustom = format!("{}/kustom/events", serve.url);
    let created = post(
        &kustom,
        br#"{"id":"k1","type":"order.created","merchant_id":"m_1","note":"gift wrap"}"#.to_vec(),
    );
    let refunded = post(
        &kustom,
        br#"{"id":"k2","type":"order.refunded","merchant_id":"m_2","note":"gift card"}"#.to_vec(),
    );
    let usaepay = post(
        &format!("{}/gateway", serve.url),
        br#"{"type":"event","event_type":"order.created","event_body":{"merchant":{"merch_key":"m_1"}},"event_id":"u1"}"#.to_vec(),
    );
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["events", "--json"];
        all.extend_from_slice(args);
        stdout(&cli(dir.path(), &all))
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_i64()
                    .unwrap()
            })
            .collect()
    };

    assert_eq!(ids(&["type:order.created provider:kustom"]), [created]);
    // Several arguments are one query.
    assert_eq!(
        ids(&["type:order.*", "provider:kustom"]),
        [refunded, created]
    );
    assert_eq!(ids(&["type:order.created"]), [usaepay, created]);
    assert_eq!(ids(&["merchant:m_1 -provider:usaepay"]), [created]);
    assert_eq!(ids(&["endpoint:Kustom", "--limit", "1"]), [refunded]);
    assert!(ids(&["type:order.created provider:stripe"]).is_empty());
    // Flags and the query mix; --dup is dup:yes.
    assert!(ids(&["--dup", "provider:kustom"]).is_empty());

    // Words, once indexed (shortly after a burst).
    let deadline = Instant::now() + Duration::from_secs(5);
    while ids(&["gift"]).len() < 2 {
        assert!(Instant::now() < deadline, "never indexed");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(ids(&["gift -card provider:kustom"]), [created]);
    assert_eq!(ids(&[r#""gift card""#]), [refunded]);
}

#[test]
fn a_malformed_query_is_an_error_that_shows_where() {
    let dir = tempfile::tempdir().unwrap();
    for (query, message, caret) in [
        (
            "refund tpye:order.created",
            "error: unknown field tpye:; did you mean type:?",
            "         ^^^^^",
        ),
        (
            r#"note "gift wrap"#,
            "error: unterminated quote",
            "       ^^^^^^^^^^",
        ),
        (
            "status:bogus",
            "error: unknown status \"bogus\"; use one of valid, invalid",
            "         ^^^^^",
        ),
        (
            "after:soon",
            "error: after: cannot read \"soon\"",
            "        ^^^^",
        ),
    ] {
        let out = cli(dir.path(), &["events", query]);
        assert_eq!(out.status.code(), Some(2), "{query}");
        assert!(out.stdout.is_empty(), "{query}: printed events");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(lines[0].starts_with(message), "{query}: {stderr}");
        assert_eq!(lines[1], format!("  {query}"), "{query}: {stderr}");
        assert_eq!(lines[2], caret, "{query}: {stderr}");
    }
}

/// Sends one HTTP/1.1 request as raw bytes, as a sender can write it: reqwest
/// would percent-encode a path or refuse a header that an HTTP parser still
/// takes (bytes 0x80–0xFF in a header value, UTF-8 in a path). Returns the
/// event id the listener gave it.
fn post_raw(base: &str, target: &[u8], headers: &[(&str, &[u8])], body: &[u8]) -> i64 {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request = b"POST ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n").as_bytes(),
    );
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body);
    stream.write_all(&request).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("x-hooklens-event")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no event id in {response}"))
}

/// A body a hostile sender could write: retitle the window (OSC 0 … BEL),
/// clear the screen (CSI 2J), colour (SGR), and the same through the C1 CSI
/// U+009B, NEL (U+0085), a carriage return that would hide "hidden" and DEL.
const HOSTILE_BODY: &[u8] = b"{\"note\":\"ok\"}\n\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\n\
C1 \xc2\x9b2J and NEL \xc2\x85 here\nhidden\rshown\x7f\n\tindented \xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89\n";

#[test]
fn show_and_events_escape_what_a_sender_wrote_instead_of_driving_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());

    // Body, path, query and a header value, each with control characters.
    // An HTTP parser refuses ESC in a path or a header, but takes a C1
    // character in UTF-8 there, and a raw 0x9B in a header value.
    let hostile = post_raw(
        &serve.url,
        b"/hook/\xc2\x9b2J?q=\xc2\x9b0m",
        &[
            ("X-Note", b"a\x9b2Jb \xc2\x9b31m c \xc2\x85 d"),
            ("Content-Type", b"text/plain"),
        ],
        HOSTILE_BODY,
    );
    // A provider's fields are read from JSON, whose escapes can carry any
    // control character into the event type and id shown in every table.
    let typed = post(
        &format!("{}/gateway", serve.url),
        br#"{"type":"event","event_type":"transaction.sale\u001b]0;pwned\u0007\u001b[2J","event_body":{},"event_id":"evt\u009b2J"}"#.to_vec(),
    );
    // Not UTF-8: a raw 0x9B in the middle of text.
    let binary_body = b"text \x9b2J \x1b[31m more".to_vec();
    let binary = post(&format!("{}/bin", serve.url), binary_body.clone());

    let shown = cli(dir.path(), &["show", &hostile.to_string()]);
    let text = stdout(&shown);
    assert_eq!(
        terminal_controls(&shown.stdout),
        Vec::<String>::new(),
        "{text}"
    );
    for escaped in [
        r"request   POST /hook/\u{9b}2J?q=\u{9b}0m",
        // The header's name as sent, its value escaped.
        r"X-Note: a\x9b2Jb \u{9b}31m c \u{85} d",
        r"\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m",
        r"C1 \u{9b}2J and NEL \u{85} here",
        r"hidden\rshown\x7f",
        // Layout and ordinary text are the body's own.
        "\n\tindented é 日本 🎉\n",
        "{\"note\":\"ok\"}\n",
    ] {
        assert!(text.contains(escaped), "lacks {escaped:?}:\n{text}");
    }
    let note = String::from_utf8_lossy(&shown.stderr);
    assert!(note.contains("shown escaped"), "{note}");
    assert!(
        note.contains(&format!("show {hostile} --raw > FILE")),
        "{note}"
    );

    let shown = cli(dir.path(), &["show", &typed.to_string()]);
    let text = stdout(&shown);
    assert_eq!(
        terminal_controls(&shown.stdout),
        Vec::<String>::new(),
        "{text}"
    );
    assert!(
        text.contains(r"type      transaction.sale\x1b]0;pwned\x07\x1b[2J"),
        "{text}"
    );
    assert!(text.contains(r"event id  evt\u{9b}2J"), "{text}");

    let shown = cli(dir.path(), &["show", &binary.to_string()]);
    assert_eq!(terminal_controls(&shown.stdout), Vec::<String>::new());
    assert!(stdout(&shown).contains("binary body"));

    // The table: one line per event, every cell escaped.
    let listed = cli(dir.path(), &["events"]);
    let table = stdout(&listed);
    assert_eq!(
        terminal_controls(&listed.stdout),
        Vec::<String>::new(),
        "{table}"
    );
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.contains(r"/hook/\u{9b}2J?q=\u{9b}0m"), "{table}");
    assert!(
        table.contains(r"usaepay transaction.sale\x1b]0;pwned\x07\x1b[2J"),
        "{table}"
    );

    // JSON lines carry the same strings, escaped the JSON way.
    let listed = cli(dir.path(), &["events", "--json"]);
    assert_eq!(terminal_controls(&listed.stdout), Vec::<String>::new());
    let events: Vec<serde_json::Value> = stdout(&listed)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[1]["type"], "transaction.sale\x1b]0;pwned\x07\x1b[2J");
    assert_eq!(events[1]["provider_event_id"], "evt\u{9b}2J");
    assert_eq!(events[2]["path"], "/hook/\u{9b}2J");

    // Into a pipe, --raw still writes the exact bytes.
    for (id, body) in [(hostile, HOSTILE_BODY), (binary, &binary_body[..])] {
        let raw = cli(dir.path(), &["show", &id.to_string(), "--raw"]);
        assert!(raw.status.success());
        assert_eq!(raw.stdout, body, "event {id}");
    }
}

#[test]
fn show_raw_writes_exact_bytes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let id = post_raw(&serve.url, b"/file", &[], HOSTILE_BODY);
    let path = dir.path().join("body.bin");
    let status = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["show", &id.to_string(), "--raw"])
        .stdout(std::fs::File::create(&path).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(&path).unwrap(), HOSTILE_BODY);
}

/// On a terminal `--raw` is refused: the bytes would run there. `script`
/// (util-linux) gives the command a pseudo-terminal as stdout.
#[cfg(target_os = "linux")]
#[test]
fn show_raw_refuses_to_write_to_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let id = post_raw(&serve.url, b"/tty", &[], HOSTILE_BODY);
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let command = format!(
        "{} --data-dir {} show {id} --raw",
        quote(BIN),
        quote(&dir.path().display().to_string())
    );
    let Ok(out) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
    else {
        eprintln!("skipped: no `script` command to run hooklens-cli on a terminal");
        return;
    };
    let seen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{seen}");
    assert!(seen.contains("stdout is a terminal"), "{seen}");
    assert!(
        seen.contains(&format!("show {id} --raw > body.bin")),
        "{seen}"
    );
    assert!(
        !seen.contains("pwned"),
        "the body reached the terminal: {seen}"
    );
}

#[test]
fn show_prints_the_request_as_it_arrived() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let addr = serve.url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(
            format!(
                "POST /hook/exact?x=1 HTTP/1.1\r\nHost: {addr}\r\nX-Foo: a\r\nAuthorization: Bearer t\r\n\
                 x-foo: b\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\
                 2\r\nok\r\n0\r\nX-Checksum: abc\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let shown = cli(dir.path(), &["show", "1"]);
    let text = stdout(&shown);
    assert!(
        text.contains("request   POST /hook/exact?x=1 HTTP/1.1"),
        "{text}"
    );
    let headers: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Host: "))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        headers[1..],
        [
            "X-Foo: a",
            "Authorization: Bearer ••••••••",
            "x-foo: b",
            "Connection: close",
            "Transfer-Encoding: chunked",
        ],
        "{text}"
    );
    let trailers = text
        .split("trailers (sent after the chunked body)\n")
        .nth(1);
    assert_eq!(
        trailers.and_then(|t| t.lines().next()),
        Some("X-Checksum: abc"),
        "{text}"
    );
}

#[test]
fn events_lists_more_than_one_page_and_pages_on_with_before() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let url = format!("{}/paging", serve.url);
    // More than the 500 events one page of the timeline holds.
    reqwest::runtime().block_on(async {
        let client = reqwest::Client::new();
        for i in 0..530 {
            let r = client
                .post(&url)
                .body(format!("{{\"n\":{i}}}"))
                .send()
                .await;
            assert_eq!(r.unwrap().status(), 200);
        }
    });

    let ids = |out: &str| -> Vec<(i64, String)> {
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["id"].as_i64().unwrap(),
                    v["cursor"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let first = ids(&stdout(&cli(
        dir.path(),
        &["events", "--json", "--limit", "510"],
    )));
    assert_eq!(first.len(), 510, "--limit is honoured across pages");
    assert!(
        first.windows(2).all(|w| w[0].0 > w[1].0),
        "newest first, no repeats"
    );

    let last_cursor = first.last().unwrap().1.clone();
    let next = ids(&stdout(&cli(
        dir.path(),
        &[
            "events",
            "--json",
            "--limit",
            "100",
            "--before",
            &last_cursor,
        ],
    )));
    assert_eq!(next.len(), 20, "the 20 older events, and no more");
    assert!(next[0].0 < first.last().unwrap().0);
    let all: std::collections::BTreeSet<i64> =
        first.iter().chain(&next).map(|(id, _)| *id).collect();
    assert_eq!(all.len(), 530, "the two listings cover every event once");

    let bad = cli(dir.path(), &["events", "--before", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--before takes the cursor"), "{err}");
}
