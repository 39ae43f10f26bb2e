//! `serve --tunnel`: the real binary with a tunnel tool on PATH. cloudflared
//! cannot reach Cloudflare from the test machine, so the core's stand-in
//! (which prints cloudflared's documented log lines) plays it; the SSH
//! tunnel is tested end to end against a real sshd in the core's tests and
//! the app's e2e.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod support;

use support::{BIN, free_port, run_cli};

const STANDIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../hooklens-core/tests/fixtures/tunnel/cloudflared-standin.sh"
);

/// A PATH whose `cloudflared` is the stand-in.
fn path_with_standin(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tool = bin.join("cloudflared");
    std::fs::write(&tool, format!("#!/bin/sh\nexec {STANDIN} \"$@\"\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn serve_tunnel_prints_each_endpoints_public_url_and_stops_the_tool_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let added = run_cli(
        &data,
        &["endpoints", "add", "--name", "Kustom", "--path", "/kustom"],
        None,
    );
    assert!(added.status.success());
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .args(["--tunnel", "cloudflared"])
        .env("PATH", path_with_standin(dir.path()))
        .env("HOOKLENS_LOG", "warn")
        .env("STANDIN_RECORD", dir.path().join("tool"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let up = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no public URL: {said:#?}"));
        said.push(line.clone());
        if line.starts_with("Tunnel up: ") {
            break line;
        }
    };
    assert!(
        up.starts_with(
            "Tunnel up: https://buffalo-marco-cardiff-motel.trycloudflare.com reaches this listener"
        ),
        "{up}"
    );
    let urls: Vec<String> = (0..2)
        .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
        .collect();
    assert!(
        urls[0].ends_with("https://buffalo-marco-cardiff-motel.trycloudflare.com/"),
        "{urls:?}"
    );
    assert!(urls[1].contains("Kustom"), "{urls:?}");
    assert!(
        urls[1].ends_with("https://buffalo-marco-cardiff-motel.trycloudflare.com/kustom"),
        "{urls:?}"
    );

    // The tool was pointed at a loopback port of Hooklens's, never the
    // listener's own.
    let args = std::fs::read_to_string(dir.path().join("tool.args")).unwrap();
    assert!(args.contains("http://127.0.0.1:"), "{args}");
    let tool_pid: i32 = std::fs::read_to_string(dir.path().join("tool.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();

    // Ctrl-C: the tool is stopped with the listener.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
    let alive = Path::new(&format!("/proc/{tool_pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{tool_pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "cloudflared (pid {tool_pid}) outlived serve");
}

#[test]
fn an_unknown_tunnel_is_refused_with_the_forms_it_takes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(dir.path(), &["serve", "--tunnel", "frp"], None);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("unknown tunnel `frp`"), "{said}");
    assert!(said.contains("cloudflared:NAME@HOSTNAME"), "{said}");
}
