//! Looking without write access: a support engineer given read access to a
//! colleague's data directory can list, show and verify its events, and a
//! change is refused in words, without blaming permissions it does not need.
//! Runs the CLI as `nobody`, so it needs root (as in CI); elsewhere it says
//! it was skipped.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use support::{BIN, Serve, free_port};

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

fn chmod_tree(path: &std::path::Path, file: u32, dir: u32) {
    let mode = if path.is_dir() { dir } else { file };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_tree(&entry.unwrap().path(), file, dir);
        }
    }
}

#[test]
fn read_only_commands_work_without_write_access() {
    if !running_as_root() {
        eprintln!("skipped: needs root to run the CLI as another user");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let port = free_port();
    let serve = Serve::start(&data, port);
    let url = format!("{}/readonly/1", serve.url);
    let status = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .post(url)
            .body(r#"{"note":"read me"}"#)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    drop(serve);

    // The binary and the data readable by anyone, writable by no one else.
    let cli = root.path().join("hooklens-cli");
    std::fs::copy(BIN, &cli).unwrap();
    chmod_tree(root.path(), 0o644, 0o755);
    std::fs::set_permissions(&cli, std::fs::Permissions::from_mode(0o755)).unwrap();

    let as_nobody = |args: &[&str]| -> Output {
        Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&cli)
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env("HOME", root.path())
            .output()
            .unwrap()
    };
    let text = |out: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let events = as_nobody(&["events"]);
    assert!(events.status.success(), "{}", text(&events));
    assert!(text(&events).contains("/readonly/1"), "{}", text(&events));
    let show = as_nobody(&["show", "1"]);
    assert!(show.status.success(), "{}", text(&show));
    assert!(text(&show).contains("read me"), "{}", text(&show));
    let verify = as_nobody(&["verify", "1"]);
    assert!(
        verify.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&verify)
    );

    // A change cannot be made; the refusal says so plainly.
    let change = as_nobody(&["settings", "max_events", "5"]);
    assert!(!change.status.success());
    let said = text(&change).to_lowercase();
    assert!(said.contains("is not writable by this user"), "{said}");
    assert!(said.contains("looking needs no write access"), "{said}");
}
