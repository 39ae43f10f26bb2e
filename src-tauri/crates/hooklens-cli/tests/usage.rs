//! What a new user runs into first: queries that start with `-`, commands
//! that need no store, `json.` prefixes, what was sent from an event, secrets
//! from a pipe and logs in a file. The real binary on a real data directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{BIN, Serve, free_port};

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
