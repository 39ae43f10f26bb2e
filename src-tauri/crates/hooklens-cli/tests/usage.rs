//! What a new user runs into first: queries that start with `-`, commands
//! that need no store, `json.` prefixes, what was sent from an event, secrets
//! from a pipe and logs in a file. The real binary on a real data directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{BIN, Serve, free_port, terminal_controls};

/// `args` on `data_dir`, with `stdin` written to it.
fn run(data_dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOOKLENS_LISTEN")
        .env_remove("HOOKLENS_SECRET")
        .env_remove("HOOKLENS_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hooklens-cli");
    let mut input = child.stdin.take().unwrap();
    // A command that does not read its input closes the pipe early.
    if let Err(err) = input.write_all(stdin) {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    run(data_dir, args, b"")
}

fn both(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Stdout of a command that must succeed.
fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", both(out));
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// Posts `body` to `url`; the event id the listener gave it.
fn post(url: &str, body: &[u8]) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let r = reqwest::Client::new()
            .post(url)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.headers()
            .get("x-hooklens-event")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("an event id")
    })
}

/// The ids `events --json ARGS…` lists.
fn ids(data_dir: &Path, args: &[&str]) -> Vec<i64> {
    let mut all = vec!["events", "--json"];
    all.extend_from_slice(args);
    ok(&cli(data_dir, &all))
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
fn a_query_may_start_with_a_minus_and_options_still_parse_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let a = post(
        &format!("{}/t/a", serve.url),
        br#"{"data":{"status":"pending"}}"#,
    );
    let b = post(
        &format!("{}/t/b", serve.url),
        br#"{"data":{"status":"paid"}}"#,
    );
    let c = post(
        &format!("{}/t/c", serve.url),
        br#"{"data":{"status":"pend*"}}"#,
    );

    // Without `--`: before, clap took -path:/t/a for options (-p -a -t …).
    assert_eq!(ids(dir.path(), &["-path:/t/a"]), [c, b]);
    // Options after it, before it, with values, and more of the query.
    assert_eq!(ids(dir.path(), &["-path:/t/a", "--limit", "1"]), [c]);
    assert_eq!(ids(dir.path(), &["--limit", "1", "-path:/t/a"]), [c]);
    assert_eq!(ids(dir.path(), &["-path:/t/a", "path:/t/b"]), [b]);
    assert_eq!(ids(dir.path(), &["-path:/t/a -path:/t/c"]), [b]);
    // `--` still works as before.
    assert_eq!(ids(dir.path(), &["--", "-path:/t/a"]), [c, b]);
    // A mistyped option is still an unknown option, not a query.
    let typo = cli(dir.path(), &["events", "--jsn"]);
    assert_eq!(typo.status.code(), Some(2), "{}", both(&typo));
    let said = String::from_utf8_lossy(&typo.stderr);
    assert!(said.contains("events has no option --jsn"), "{said}");
    assert!(typo.stdout.is_empty());

    // `json.` values take a trailing * as a prefix; quoted, it is literal.
    assert_eq!(ids(dir.path(), &["json.data.status:pend*"]), [c, a]);
    assert_eq!(ids(dir.path(), &[r#"json.data.status:"pend*""#]), [c]);
    assert_eq!(ids(dir.path(), &["-json.data.status:pend*"]), [b]);
    let bad = cli(dir.path(), &["events", "json.data.status:pe*d"]);
    assert_eq!(bad.status.code(), Some(2), "{}", both(&bad));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("takes * only at the end"),
        "{}",
        both(&bad)
    );
}

/// Everything under `dir`, to show what a command left behind.
fn contents(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn commands_that_need_no_store_create_none() {
    let root = tempfile::tempdir().unwrap();
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let missing = root.path().join("missing");
    for data_dir in [&empty, &missing] {
        let listed = ok(&cli(data_dir, &["presets"]));
        assert!(listed.contains("kustom"), "{listed}");
        let samples = ok(&cli(data_dir, &["trigger", "kustom"]));
        assert!(samples.contains("order.created"), "{samples}");
        let samples = ok(&cli(data_dir, &["trigger", "kustom", "--list", "--json"]));
        assert!(samples.contains(r#""type":"order.created""#), "{samples}");
        // An unknown provider is a usage error, still without a store.
        let unknown = cli(data_dir, &["trigger", "nosuch"]);
        assert_eq!(unknown.status.code(), Some(2), "{}", both(&unknown));
        let signed = ok(&run(
            data_dir,
            &["sign", "--scheme", "github", "--secret", "s3cret"],
            b"{}",
        ));
        assert!(
            signed.starts_with("X-Hub-Signature-256: sha256="),
            "{signed}"
        );
        // `--data-dir` after `sign` is taken (and ignored) too.
        let signed = ok(&run(
            root.path(),
            &[
                "sign",
                "--data-dir",
                &data_dir.display().to_string(),
                "--scheme",
                "github",
                "--secret",
                "s3cret",
            ],
            b"{}",
        ));
        assert!(
            signed.starts_with("X-Hub-Signature-256: sha256="),
            "{signed}"
        );
    }
    assert_eq!(contents(&empty), Vec::<String>::new(), "left in empty/");
    assert!(!missing.exists(), "created {}", missing.display());
    assert_eq!(contents(root.path()), ["empty"], "left in the parent");

    // A command that uses the store still creates it where told.
    ok(&cli(&missing, &["events"]));
    assert!(missing.join("hooklens.sqlite3").exists());
}

#[test]
fn help_offers_data_dir_only_where_a_store_is_used() {
    let help = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().unwrap();
        ok(&out)
    };
    for args in [
        &["sign", "--help"][..],
        &["presets", "--help"],
        &["help", "sign"],
    ] {
        let text = help(args);
        assert!(text.contains("Usage: hooklens-cli"), "{args:?}: {text}");
        assert!(!text.contains("--data-dir"), "{args:?} offers it:\n{text}");
    }
    for args in [
        &["events", "--help"][..],
        &["show", "--help"],
        &["deliveries", "--help"],
        &["serve", "--help"],
        &["--help"],
    ] {
        assert!(help(args).contains("--data-dir"), "{args:?} lacks it");
    }
}

#[test]
fn logs_to_a_pipe_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("events")
        .env("HOOKLENS_LOG", "debug")
        // Not relied on: the pipe alone must turn colours off.
        .env_remove("NO_COLOR")
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let logged = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{logged}");
    // Something was logged (the search plan, at debug), so the check bites.
    assert!(logged.contains("DEBUG"), "nothing logged:\n{logged}");
    assert!(
        !logged.contains("\x1b["),
        "colour codes in a pipe:\n{logged:?}"
    );
}

#[test]
fn a_secret_from_a_pipe_is_read_as_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let added = ok(&run(
        dir.path(),
        &["secrets", "add", "/", "piped", "--no-reverify"],
        b"whsec_piped-secret-value\r\nnot this line\n",
    ));
    assert!(added.contains(r#"added secret "piped""#), "{added}");
    assert!(!added.contains("piped-secret-value"), "{added}");
    let shown = ok(&cli(dir.path(), &["secrets", "list", "--reveal", "--json"]));
    let line: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(line["value"], "whsec_piped-secret-value");
    // An empty first line is refused, not stored as an empty secret.
    let empty = run(dir.path(), &["secrets", "add", "/", "none"], b"\nlater\n");
    assert_eq!(empty.status.code(), Some(2), "{}", both(&empty));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("first line was empty"));
}

/// A handler on loopback that answers every request 503 with a reply that
/// tries to drive the terminal; stopped when dropped.
struct Hostile {
    _runtime: tokio::runtime::Runtime,
    url: String,
}

const HOSTILE_REPLY: &str = "\x1b]0;pwned\x07\x1b[2Jtry later\u{9b}31m\nsecond line";

impl Hostile {
    fn start() -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(|| async { (axum::http::StatusCode::SERVICE_UNAVAILABLE, HOSTILE_REPLY) });
        runtime.spawn(async move { axum::serve(listener, app).await });
        Hostile {
            _runtime: runtime,
            url,
        }
    }
}

#[test]
fn show_and_deliveries_list_what_was_sent_from_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let handler = Hostile::start();
    ok(&cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "Fw",
            "--path",
            "/fw",
            "--forward",
            &format!("{}/forwarded", handler.url),
        ],
    ));
    let serve = Serve::start(dir.path(), free_port());
    let id = post(&format!("{}/fw/order", serve.url), br#"{"id":"o_1"}"#);
    let quiet = post(&format!("{}/other", serve.url), b"{}");
    let id_arg = id.to_string();

    // The forward is recorded once the handler has answered.
    let deadline = Instant::now() + Duration::from_secs(10);
    while cli(dir.path(), &["deliveries", &id_arg]).stdout.is_empty() {
        assert!(Instant::now() < deadline, "the forward was never recorded");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A retry schedule (time compressed), and a handler that is not there.
    let scheduled = cli(
        dir.path(),
        &[
            "send",
            &id_arg,
            "--to",
            &format!("{}/resent", handler.url),
            "--schedule",
            "checkout",
            "--speed",
            "1000000",
        ],
    );
    assert_eq!(scheduled.status.code(), Some(1), "{}", both(&scheduled));
    let closed = format!("http://127.0.0.1:{}/gone", free_port());
    let refused = cli(dir.path(), &["send", &id_arg, "--to", &closed]);
    assert_eq!(refused.status.code(), Some(1), "{}", both(&refused));

    let listed = cli(dir.path(), &["deliveries", &id_arg]);
    let text = ok(&listed);
    assert_eq!(
        terminal_controls(&listed.stdout),
        Vec::<String>::new(),
        "{text}"
    );
    // Newest run first: the refused send, the schedule, the forward.
    let runs: Vec<&str> = text.lines().filter(|l| l.starts_with("run #")).collect();
    assert_eq!(runs.len(), 3, "{text}");
    assert!(runs[0].contains("resend  once"), "{text}");
    assert!(runs[1].contains("resend  checkout"), "{text}");
    assert!(runs[2].contains("forward"), "{text}");
    assert!(text.contains(&format!("to       POST {closed}")), "{text}");
    assert!(
        text.contains(&format!("to       POST {}/resent", handler.url)),
        "{text}"
    );
    assert!(text.contains("  attempt 1  "), "{text}");
    assert!(text.contains("  attempt 8  "), "{text}");
    assert!(text.contains("503 Service Unavailable"), "{text}");
    assert!(text.contains("error: connection refused"), "{text}");
    assert!(text.contains(" ms\n"), "{text}");
    // The handler's reply: its first line, escaped.
    assert!(
        text.contains(r"reply  \x1b]0;pwned\x07\x1b[2Jtry later\u{9b}31m …"),
        "{text}"
    );
    assert!(!text.contains("second line"), "{text}");

    // `show` lists the same runs after the request.
    let shown = cli(dir.path(), &["show", &id_arg]);
    let text = ok(&shown);
    assert_eq!(terminal_controls(&shown.stdout), Vec::<String>::new());
    let (request, after) = text
        .split_once("\ndeliveries  newest first")
        .unwrap_or_else(|| panic!("no deliveries in show:\n{text}"));
    assert!(request.contains(r#"{"id":"o_1"}"#), "{text}");
    let rows: Vec<&str> = after.lines().filter(|l| l.starts_with("  run #")).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows[0].contains(&closed) && rows[0].contains("1 attempt:"),
        "{text}"
    );
    assert!(rows[1].contains("8 attempts: "), "{text}");
    assert!(
        rows[2].contains("forward") && rows[2].contains("answered 503"),
        "{text}"
    );

    // None: said plainly; an unknown event: an error.
    let none = cli(dir.path(), &["deliveries", &quiet.to_string()]);
    assert!(ok(&none).is_empty());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("has no deliveries"),
        "{}",
        both(&none)
    );
    let shown = ok(&cli(dir.path(), &["show", &quiet.to_string()]));
    assert!(shown.contains("\ndeliveries  none"), "{shown}");
    let unknown = cli(dir.path(), &["deliveries", "999999"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", both(&unknown));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no event 999999"),
        "{}",
        both(&unknown)
    );
    drop(serve);
}

/// The process running `BIN` with `marker` among its arguments (not the
/// shell that started it, whose one argument holds the whole command).
#[cfg(target_os = "linux")]
fn process_of(marker: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.find_map(|entry| {
        let entry = entry.ok()?;
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
        (args.first() == Some(&BIN.as_bytes()) && args.contains(&marker.as_bytes())).then_some(pid)
    })
}

/// Typed at a terminal, a secret is not echoed. `script` (util-linux) runs
/// `secrets add` on a pseudo-terminal; the secret is typed only once that
/// terminal's echo is off (`stty` reads its settings), and what the
/// terminal showed must not hold it. Where the secret was read with echo on,
/// echo never goes off and the test fails.
#[cfg(target_os = "linux")]
#[test]
fn a_secret_typed_at_a_terminal_is_not_echoed() {
    const TYPED: &str = "typed-at-the-terminal-7Hq2xV9p";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let command = format!(
        "{} --data-dir {} secrets add / typed --no-reverify",
        quote(BIN),
        quote(&data_dir)
    );
    let Ok(mut child) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("HOOKLENS_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: no `script` command to run hooklens-cli on a terminal");
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let terminal = loop {
        let found = process_of(&data_dir).and_then(|pid| {
            std::fs::read_link(format!("/proc/{pid}/fd/0"))
                .ok()
                .filter(|t| t.starts_with("/dev/pts"))
        });
        if let Some(terminal) = found {
            break terminal;
        }
        assert!(Instant::now() < deadline, "hooklens-cli never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    loop {
        let settings = Command::new("stty")
            .arg("-F")
            .arg(&terminal)
            .arg("-a")
            .output()
            .unwrap();
        let settings = String::from_utf8_lossy(&settings.stdout);
        if settings.split_whitespace().any(|s| s == "-echo") {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the terminal still echoes what is typed ({settings}); it showed:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut input = child.stdin.take().unwrap();
    input.write_all(format!("{TYPED}\r").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    drop(input);
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("paste the secret"), "no prompt:\n{screen}");
    assert!(screen.contains(r#"added secret "typed""#), "{screen}");
    assert!(!screen.contains(TYPED), "the secret was shown:\n{screen}");
    let listed = ok(&cli(dir.path(), &["secrets", "list", "--reveal", "--json"]));
    assert!(listed.contains(TYPED), "not stored as typed: {listed}");
}
