//! Tunnels with real processes. SSH end to end against a real OpenSSH
//! server the test starts on loopback (Debian's openssh-server; `make
//! setup` installs it); cloudflared and ngrok through stand-in scripts
//! that print their documented output (tests/fixtures/tunnel/), as neither
//! can reach its service from a test machine.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hooklens_core::model::{
    CloudflaredMode, NgrokAuth, SavedTunnel, SshService, TunnelSpec, TunnelState, TunnelStatus,
};
use hooklens_core::tunnel::{
    self, Authtoken, Backoff, Paths, SshOverrides, Tunnel, TunnelError, TunnelOptions,
};
use tokio::sync::{mpsc, watch};

/// The sshd `scripts/setup.sh` unpacks from Debian's openssh-server (not
/// installed as a service), or the one `HOOKLENS_SSHD` names.
fn sshd_path() -> PathBuf {
    if let Some(path) = std::env::var_os("HOOKLENS_SSHD") {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("HOOKLENS_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/hooklens")))
        .unwrap_or_default();
    cache.join("openssh-server/usr/sbin/sshd")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tunnel")
}

/// Waits until the state satisfies `want`; panics with the whole status
/// (the tool's last lines included) otherwise.
async fn wait_for(
    status: &mut watch::Receiver<TunnelStatus>,
    what: &str,
    within: Duration,
    want: impl Fn(&TunnelState) -> bool,
) -> TunnelStatus {
    let found = tokio::time::timeout(within, async {
        loop {
            {
                let current = status.borrow_and_update();
                if want(&current.state) {
                    return current.clone();
                }
            }
            if status.changed().await.is_err() {
                panic!("the status channel closed while waiting for {what}");
            }
        }
    })
    .await;
    match found {
        Ok(found) => found,
        Err(_) => panic!(
            "no {what} within {within:?}; the status is {:#?}",
            *status.borrow()
        ),
    }
}

/// Whether process `pid` still runs (a zombie left for a parent that does
/// not reap it counts as gone).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
            .is_some_and(|state| !matches!(state, 'Z' | 'X')),
        Err(_) => false,
    }
}

/// Processes whose command line contains `needle`, other than this one.
fn processes_mentioning(needle: &str) -> Vec<(u32, String)> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me || !alive(pid) {
            continue;
        }
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            if cmdline.contains(needle) {
                found.push((pid, cmdline));
            }
        }
    }
    found
}

async fn wait_until_gone(pid: u32) {
    let until = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!alive(pid), "process {pid} is still running");
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A stand-in for the listener: records each request's bytes and answers
/// `ok`.
async fn local_http_server() -> (SocketAddr, mpsc::UnboundedReceiver<Vec<u8>>) {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut conn, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= end + 4 + length {
                            break;
                        }
                    }
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) if got.len() < 1 << 20 => got.extend_from_slice(&buf[..n]),
                        Ok(_) => break,
                    }
                }
                let _ = tx.send(got);
                let _ = conn
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    (addr, rx)
}

/// A request with a body that is not text, sent to `port` on loopback (the
/// SSH server's side of the tunnel); returns the request and the answer.
fn send_through(port: u16, tag: &str) -> (Vec<u8>, Vec<u8>) {
    let mut body: Vec<u8> = (0u8..=255).collect();
    body.extend_from_slice(b"\r\n\xff\xfe{\"tag\":\"");
    body.extend_from_slice(tag.as_bytes());
    body.extend_from_slice(b"\"}");
    let mut request = format!(
        "POST /kustom/hook?x=1 HTTP/1.1\r\nHost: hooks.example.test\r\nX-Tag: {tag}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let mut conn =
        TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect to the forwarded port");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.write_all(&request).unwrap();
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    (request, answer)
}

fn run_ok(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A throwaway OpenSSH server on loopback, killed when dropped.
struct Sshd {
    dir: PathBuf,
    child: Child,
}

impl Sshd {
    /// Starts sshd on `port` with a new ED25519 host key, accepting
    /// `authorized` for the current user only, with `GatewayPorts yes`.
    fn start(dir: &Path, port: u16, authorized: &Path) -> Sshd {
        let sshd = sshd_path();
        assert!(
            sshd.exists(),
            "{} is missing: run `make setup` (or scripts/setup.sh), which unpacks sshd from Debian's openssh-server for this test",
            sshd.display()
        );
        for tool in ["ssh", "ssh-keygen", "ssh-keyscan"] {
            assert!(
                Command::new(tool).arg("-V").output().is_ok()
                    || Command::new("sh")
                        .args(["-c", &format!("command -v {tool}")])
                        .output()
                        .is_ok_and(|o| o.status.success()),
                "{tool} is missing: run `make setup` (it comes with openssh-client)"
            );
        }
        std::fs::create_dir_all(dir).unwrap();
        let host_key = dir.join("host_ed25519");
        let _ = std::fs::remove_file(&host_key);
        let _ = std::fs::remove_file(host_key.with_extension("pub"));
        run_ok(
            "ssh-keygen",
            &[
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "hooklens-test-host",
                "-f",
                host_key.to_str().unwrap(),
            ],
        );
        // As root, sshd insists on its privilege separation directory, which
        // the Debian package leaves to systemd to create.
        if rustix::process::geteuid().is_root() {
            std::fs::create_dir_all("/run/sshd").expect("create /run/sshd");
        }
        let user = run_ok("id", &["-un"]).trim().to_owned();
        let config = dir.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\n\
                 StrictModes no\nUsePAM no\nGatewayPorts yes\nAllowTcpForwarding yes\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nAllowUsers {user}\n",
                host_key.display(),
                authorized.display(),
                dir.join("sshd.pid").display(),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("sshd.log")).unwrap();
        let child = Command::new(&sshd)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let sshd = Sshd {
            dir: dir.to_owned(),
            child,
        };
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < until,
                "sshd did not listen on {port}: {}",
                sshd.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        sshd
    }

    fn host_fingerprint(&self) -> String {
        let printed = run_ok(
            "ssh-keygen",
            &[
                "-l",
                "-f",
                self.dir.join("host_ed25519.pub").to_str().unwrap(),
            ],
        );
        printed.split_whitespace().nth(1).unwrap().to_owned()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }

    /// The per-connection sshd processes (children of the listening one).
    fn sessions(&self) -> Vec<u32> {
        let parent = self.child.id();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let ppid = stat
                .rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(parent) && alive(pid) {
                found.push(pid);
            }
        }
        found
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kill(pid: u32) {
    let pid = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).expect("kill");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_tunnel_to_an_own_server_end_to_end() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let user_key = root.join("id_ed25519");
    run_ok(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "hooklens-test-user",
            "-f",
            user_key.to_str().unwrap(),
        ],
    );
    let authorized = root.join("authorized_keys");
    std::fs::copy(user_key.with_extension("pub"), &authorized).unwrap();
    let sshd_port = free_port();
    let sshd = Sshd::start(&root.join("sshd"), sshd_port, &authorized);
    let expected_fingerprint = sshd.host_fingerprint();

    let (local, mut requests) = local_http_server().await;
    let remote_port = free_port();
    let user = run_ok("id", &["-un"]).trim().to_owned();
    // An empty client config and a known_hosts of its own: the user's
    // ~/.ssh is neither read nor written.
    let client_config = root.join("ssh_config");
    std::fs::write(&client_config, "").unwrap();
    let user_known_hosts = root.join("user_known_hosts");
    let data_dir = root.join("data");
    let options = TunnelOptions {
        url_timeout: Duration::from_secs(20),
        backoff: Backoff {
            first: Duration::from_millis(200),
            max: Duration::from_secs(1),
            stable_after: Duration::from_millis(100),
        },
        ssh: SshOverrides {
            config_file: Some(client_config),
            identity: Some(user_key.clone()),
            known_hosts: Some(user_known_hosts.clone()),
        },
        ..TunnelOptions::default()
    };
    let spec = TunnelSpec::Ssh {
        service: SshService::OwnServer {
            host: "127.0.0.1".into(),
            user: Some(user),
            port: Some(sshd_port),
            remote_port,
            public_base_url: "https://hooks.example.test/".into(),
        },
    };

    // 1. The server's key is known nowhere: shown, nothing forwarded.
    let (tunnel, mut status) =
        Tunnel::start_with(spec.clone(), local, &data_dir, options.clone()).unwrap();
    let unknown = wait_for(
        &mut status,
        "an unknown host key",
        Duration::from_secs(30),
        |s| matches!(s, TunnelState::HostKeyUnknown { .. }),
    )
    .await;
    let TunnelState::HostKeyUnknown {
        host,
        key_type,
        fingerprint,
    } = unknown.state
    else {
        unreachable!()
    };
    assert_eq!(host, format!("[127.0.0.1]:{sshd_port}"));
    assert_eq!(key_type, "ED25519");
    assert_eq!(fingerprint, expected_fingerprint);
    assert!(
        TcpStream::connect((Ipv4Addr::LOCALHOST, remote_port)).is_err(),
        "something listens on the remote port before the key was accepted"
    );
    assert!(
        !user_known_hosts.exists(),
        "the user's known_hosts was written"
    );
    assert!(
        !tunnel::known_hosts_path(&data_dir).exists(),
        "a key was accepted without the user"
    );

    // 2. Accepting another fingerprint does nothing; the right one connects.
    let wrong = tunnel
        .accept_host_key("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, TunnelError::FingerprintMismatch { .. }),
        "{wrong}"
    );
    tunnel.accept_host_key(&fingerprint).await.unwrap();
    let known = std::fs::read_to_string(tunnel::known_hosts_path(&data_dir)).unwrap();
    assert!(
        known.starts_with(&format!("[127.0.0.1]:{sshd_port} ssh-ed25519 AAAA")),
        "{known}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tunnel::known_hosts_path(&data_dir))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let up = wait_for(&mut status, "the tunnel up", Duration::from_secs(30), |s| {
        matches!(s, TunnelState::Up { .. })
    })
    .await;
    assert_eq!(up.public_url(), Some("https://hooks.example.test"));

    // 3. A request to the server's forwarded port reaches the listener
    // byte for byte, and its answer comes back.
    let (sent, answer) = send_through(remote_port, "first");
    let received = tokio::time::timeout(Duration::from_secs(10), requests.recv())
        .await
        .expect("the request reached the listener")
        .unwrap();
    assert_eq!(received, sent);
    assert!(
        answer.ends_with(b"\r\n\r\nok"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // 4. The ssh process dies: noticed, reconnected, traffic flows again.
    let first_pid = tunnel.pid().expect("ssh runs");
    kill(first_pid);
    wait_for(&mut status, "reconnecting", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Reconnecting { attempt: 1, .. })
    })
    .await;
    wait_for(
        &mut status,
        "the tunnel up again",
        Duration::from_secs(30),
        |s| matches!(s, TunnelState::Up { .. }),
    )
    .await;
    let second_pid = tunnel.pid().expect("ssh runs again");
    assert_ne!(first_pid, second_pid);
    let (sent, _) = send_through(remote_port, "after-ssh-died");
    let received = tokio::time::timeout(Duration::from_secs(10), requests.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(received, sent);

    // 5. The server drops the session: the same.
    let sessions = sshd.sessions();
    assert!(!sessions.is_empty(), "no sshd session: {}", sshd.log());
    for pid in sessions {
        kill(pid);
    }
    let dropped = wait_for(&mut status, "reconnecting", Duration::from_secs(60), |s| {
        matches!(s, TunnelState::Reconnecting { .. })
    })
    .await;
    let TunnelState::Reconnecting { reason, .. } = &dropped.state else {
        unreachable!()
    };
    assert!(reason.starts_with("ssh exited with code 255"), "{reason}");
    wait_for(
        &mut status,
        "the tunnel up again",
        Duration::from_secs(30),
        |s| matches!(s, TunnelState::Up { .. }),
    )
    .await;
    let (sent, _) = send_through(remote_port, "after-session-died");
    let received = tokio::time::timeout(Duration::from_secs(10), requests.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(received, sent);

    // 6. Stop: Stopped, and no ssh process is left.
    let last_pid = tunnel.pid().expect("ssh runs");
    let mut after = tunnel.subscribe();
    tunnel.stop().await;
    assert_eq!(after.borrow_and_update().state, TunnelState::Stopped);
    wait_until_gone(last_pid).await;
    let identity = user_key.to_str().unwrap();
    assert_eq!(processes_mentioning(identity), Vec::<(u32, String)>::new());
    let until = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, remote_port)).is_ok() {
        assert!(Instant::now() < until, "the remote port is still forwarded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 7. The server comes back with another host key: refused in words.
    drop(sshd);
    let sshd = Sshd::start(&root.join("sshd"), sshd_port, &authorized);
    let (tunnel, mut status) = Tunnel::start_with(spec, local, &data_dir, options).unwrap();
    let failed = wait_for(&mut status, "a refused key", Duration::from_secs(30), |s| {
        matches!(s, TunnelState::Failed { .. })
    })
    .await;
    let TunnelState::Failed { reason } = failed.state else {
        unreachable!()
    };
    assert!(reason.contains("has CHANGED"), "{reason}");
    assert!(
        reason.contains(&format!(
            "{}:1",
            tunnel::known_hosts_path(&data_dir).display()
        )),
        "{reason}"
    );
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, remote_port)).is_err());
    tunnel.stop().await;
    drop(sshd);
}

/// Writes `name` in `dir`: a script that runs the stand-in `standin` in
/// `mode`, recording to `dir/name`.
fn standin(dir: &Path, name: &str, standin: &str, mode: &str) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join(name);
    let record = dir.join(format!("{name}-record"));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport STANDIN_MODE='{mode}' STANDIN_RECORD='{}'\nexec '{}' \"$@\"\n",
            record.display(),
            fixtures().join(standin).display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, record)
}

fn recorded_pid(record: &Path, what: &str) -> u32 {
    std::fs::read_to_string(record.with_extension(what))
        .unwrap_or_else(|e| {
            panic!(
                "{} not recorded: {e}",
                record.with_extension(what).display()
            )
        })
        .trim()
        .parse()
        .unwrap()
}

fn fast(binaries: Paths) -> TunnelOptions {
    TunnelOptions {
        binaries,
        url_timeout: Duration::from_secs(5),
        backoff: Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(400),
            stable_after: Duration::from_millis(100),
        },
        ..TunnelOptions::default()
    }
}

fn quick() -> TunnelSpec {
    TunnelSpec::Cloudflared {
        mode: CloudflaredMode::Quick,
    }
}

fn local() -> SocketAddr {
    "127.0.0.1:9494".parse().unwrap()
}

#[tokio::test]
async fn cloudflared_quick_tunnel_is_up_at_the_printed_url() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(dir.path(), "cloudflared", "cloudflared-standin.sh", "quick");
    let binaries = Paths {
        cloudflared: script,
        ..Paths::default()
    };
    let (tunnel, mut status) =
        Tunnel::start_with(quick(), local(), dir.path(), fast(binaries)).unwrap();
    let up = wait_for(&mut status, "the tunnel up", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Up { .. })
    })
    .await;
    assert_eq!(
        up.public_url(),
        Some("https://buffalo-marco-cardiff-motel.trycloudflare.com")
    );
    assert_eq!(up.name, "cloudflared quick tunnel");
    assert!(
        up.output
            .iter()
            .any(|l| l.contains("Registered tunnel connection")),
        "{:#?}",
        up.output
    );
    let args = std::fs::read_to_string(record.with_extension("args")).unwrap();
    assert_eq!(
        args,
        "tunnel\n--no-autoupdate\n--url\nhttp://127.0.0.1:9494\n"
    );
    let (pid, helper) = (
        recorded_pid(&record, "pid"),
        recorded_pid(&record, "helper"),
    );
    assert_eq!(tunnel.pid(), Some(pid));
    tunnel.stop().await;
    wait_until_gone(pid).await;
    wait_until_gone(helper).await;
}

#[tokio::test]
async fn cloudflared_named_tunnel_is_up_at_the_users_hostname() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(dir.path(), "cloudflared", "cloudflared-standin.sh", "named");
    let binaries = Paths {
        cloudflared: script,
        ..Paths::default()
    };
    let spec = TunnelSpec::Cloudflared {
        mode: CloudflaredMode::Named {
            name: "hooklens".into(),
            hostname: "hooks.example.test".into(),
        },
    };
    let (tunnel, mut status) =
        Tunnel::start_with(spec, local(), dir.path(), fast(binaries)).unwrap();
    let up = wait_for(&mut status, "the tunnel up", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Up { .. })
    })
    .await;
    assert_eq!(up.public_url(), Some("https://hooks.example.test"));
    let args = std::fs::read_to_string(record.with_extension("args")).unwrap();
    assert_eq!(
        args,
        "tunnel\n--no-autoupdate\nrun\n--url\nhttp://127.0.0.1:9494\n--\nhooklens\n"
    );
    tunnel.stop().await;
}

#[tokio::test]
async fn a_failing_start_quotes_the_error_line_and_leaves_nothing_running() {
    // The listener stays as it was: a tunnel only ever connects to it.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let listening = listener.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(dir.path(), "cloudflared", "cloudflared-standin.sh", "fail");
    let binaries = Paths {
        cloudflared: script,
        ..Paths::default()
    };
    let (tunnel, mut status) =
        Tunnel::start_with(quick(), listening, dir.path(), fast(binaries)).unwrap();
    let failed = wait_for(&mut status, "a failure", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Failed { .. })
    })
    .await;
    let TunnelState::Failed { reason } = &failed.state else {
        unreachable!()
    };
    assert_eq!(
        reason,
        "cloudflared exited with code 1: failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\": dial tcp: lookup api.trycloudflare.com on 127.0.0.11:53: no such host"
    );
    // It exited leaving a helper behind; that is gone too.
    wait_until_gone(recorded_pid(&record, "pid")).await;
    wait_until_gone(recorded_pid(&record, "helper")).await;
    assert_eq!(tunnel.pid(), None);
    assert!(TcpStream::connect(listening).is_ok());
    tunnel.stop().await;
}

#[tokio::test]
async fn a_url_that_never_appears_fails_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(
        dir.path(),
        "cloudflared",
        "cloudflared-standin.sh",
        "silent",
    );
    let mut options = fast(Paths {
        cloudflared: script,
        ..Paths::default()
    });
    options.url_timeout = Duration::from_secs(1);
    let started = Instant::now();
    let (tunnel, mut status) = Tunnel::start_with(quick(), local(), dir.path(), options).unwrap();
    let failed = wait_for(&mut status, "a failure", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Failed { .. })
    })
    .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(
        failed.state,
        TunnelState::Failed {
            reason: "cloudflared printed no public URL within 1 s".into()
        }
    );
    wait_until_gone(recorded_pid(&record, "pid")).await;
    wait_until_gone(recorded_pid(&record, "helper")).await;
    tunnel.stop().await;
}

#[tokio::test]
async fn a_stop_while_starting_ends_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(
        dir.path(),
        "cloudflared",
        "cloudflared-standin.sh",
        "silent",
    );
    let binaries = Paths {
        cloudflared: script,
        ..Paths::default()
    };
    let (tunnel, mut status) =
        Tunnel::start_with(quick(), local(), dir.path(), fast(binaries)).unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while !record.with_extension("pid").exists() {
        assert!(Instant::now() < until, "the stand-in did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (pid, helper) = (
        recorded_pid(&record, "pid"),
        recorded_pid(&record, "helper"),
    );
    assert_eq!(status.borrow_and_update().state, TunnelState::Starting);
    let stopping = Instant::now();
    tunnel.stop().await;
    assert!(stopping.elapsed() < Duration::from_secs(3));
    assert_eq!(status.borrow().state, TunnelState::Stopped);
    wait_until_gone(pid).await;
    wait_until_gone(helper).await;
}

#[tokio::test]
async fn a_drop_after_being_up_reconnects() {
    let dir = tempfile::tempdir().unwrap();
    let (script, _) = standin(dir.path(), "cloudflared", "cloudflared-standin.sh", "drop");
    let binaries = Paths {
        cloudflared: script,
        ..Paths::default()
    };
    let (tunnel, mut status) =
        Tunnel::start_with(quick(), local(), dir.path(), fast(binaries)).unwrap();
    wait_for(&mut status, "the tunnel up", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Up { .. })
    })
    .await;
    let dropped = wait_for(&mut status, "reconnecting", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Reconnecting { .. })
    })
    .await;
    let TunnelState::Reconnecting {
        attempt,
        next_in_ms,
        reason,
    } = &dropped.state
    else {
        unreachable!()
    };
    assert_eq!((*attempt, *next_in_ms), (1, 100));
    // It said nothing about why: its last line is given instead.
    assert_eq!(
        reason,
        "cloudflared exited with code 1: 2024-02-08T06:25:48Z INF Registered tunnel connection connIndex=0 connection=830bf962-7674-4e02-b648-65177c832c67 event=0 ip=198.41.192.167 location=lax08 protocol=quic"
    );
    wait_for(
        &mut status,
        "the tunnel up again",
        Duration::from_secs(10),
        |s| matches!(s, TunnelState::Up { .. }),
    )
    .await;
    tunnel.stop().await;
}

#[tokio::test]
async fn a_missing_program_fails_with_the_install_hint() {
    let dir = tempfile::tempdir().unwrap();
    for (cloudflared, expected) in [
        (
            PathBuf::from("hooklens-test-no-such-cloudflared"),
            "cloudflared is not installed: see https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/".to_owned(),
        ),
        (
            dir.path().join("bin/cloudflared"),
            format!(
                "cloudflared was not found at {}: see https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/",
                dir.path().join("bin/cloudflared").display()
            ),
        ),
    ] {
        let binaries = Paths {
            cloudflared,
            ..Paths::default()
        };
        let (tunnel, mut status) =
            Tunnel::start_with(quick(), local(), dir.path(), fast(binaries)).unwrap();
        let failed = wait_for(&mut status, "a failure", Duration::from_secs(5), |s| {
            matches!(s, TunnelState::Failed { .. })
        })
        .await;
        let TunnelState::Failed { reason } = failed.state else {
            unreachable!()
        };
        // (A PATH with a directory this user cannot read adds a remark.)
        let (head, hint) = expected.split_once(": ").unwrap();
        assert!(reason.starts_with(head), "{reason}");
        assert!(reason.ends_with(hint), "{reason}");
        tunnel.stop().await;
    }
    let binaries = Paths {
        ngrok: "hooklens-test-no-such-ngrok".into(),
        ..Paths::default()
    };
    let spec = TunnelSpec::Ngrok {
        authtoken: NgrokAuth::AgentConfig,
    };
    let (tunnel, mut status) =
        Tunnel::start_with(spec, local(), dir.path(), fast(binaries)).unwrap();
    let failed = wait_for(&mut status, "a failure", Duration::from_secs(5), |s| {
        matches!(s, TunnelState::Failed { .. })
    })
    .await;
    let TunnelState::Failed { reason } = failed.state else {
        unreachable!()
    };
    assert!(reason.starts_with("ngrok is not installed"), "{reason}");
    assert!(
        reason.ends_with(": see https://ngrok.com/download"),
        "{reason}"
    );
    tunnel.stop().await;
}

#[tokio::test]
async fn ngrok_gets_its_authtoken_in_the_environment_and_is_up_at_its_url() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(dir.path(), "ngrok", "ngrok-standin.sh", "up");
    let token = "2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd";
    let mut options = fast(Paths {
        ngrok: script,
        ..Paths::default()
    });
    options.ngrok_authtoken = Some(Authtoken::new(token).unwrap());
    let spec = TunnelSpec::Ngrok {
        authtoken: NgrokAuth::Stored,
    };
    let (tunnel, mut status) = Tunnel::start_with(spec, local(), dir.path(), options).unwrap();
    let up = wait_for(&mut status, "the tunnel up", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Up { .. })
    })
    .await;
    assert_eq!(
        up.public_url(),
        Some("https://94b1-82-67-199-224.ngrok-free.app")
    );
    assert_eq!(
        std::fs::read_to_string(record.with_extension("token")).unwrap(),
        token
    );
    let args = std::fs::read_to_string(record.with_extension("args")).unwrap();
    assert_eq!(
        args,
        "http\n127.0.0.1:9494\n--log\nstdout\n--log-format\njson\n"
    );
    let pid = recorded_pid(&record, "pid");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains(token));
    assert!(up.output.iter().all(|l| !l.contains(token)));
    tunnel.stop().await;
    wait_until_gone(pid).await;
}

#[tokio::test]
async fn ngrok_without_an_authtoken_fails_with_its_code_and_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let (script, _) = standin(dir.path(), "ngrok", "ngrok-standin.sh", "fail");
    let spec = TunnelSpec::Ngrok {
        authtoken: NgrokAuth::AgentConfig,
    };
    let binaries = Paths {
        ngrok: script,
        ..Paths::default()
    };
    let (tunnel, mut status) =
        Tunnel::start_with(spec, local(), dir.path(), fast(binaries)).unwrap();
    let failed = wait_for(&mut status, "a failure", Duration::from_secs(10), |s| {
        matches!(s, TunnelState::Failed { .. })
    })
    .await;
    let TunnelState::Failed { reason } = failed.state else {
        unreachable!()
    };
    assert!(reason.starts_with("ngrok exited with code 1: command failed: authentication failed: Usage of ngrok requires a verified account and authtoken."), "{reason}");
    assert!(reason.contains("ERR_NGROK_4018"), "{reason}");
    assert!(
        reason.ends_with("run `ngrok config add-authtoken <token>`, or give the token to Hooklens"),
        "{reason}"
    );
    tunnel.stop().await;
}

#[tokio::test]
async fn a_bad_choice_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let spec = TunnelSpec::Ssh {
        service: SshService::OwnServer {
            host: "-oProxyCommand=touch /tmp/pwned".into(),
            user: None,
            port: None,
            remote_port: 8080,
            public_base_url: "https://hooks.example.test".into(),
        },
    };
    let err = Tunnel::start(spec, local(), dir.path(), Paths::default())
        .err()
        .expect("refused");
    assert!(matches!(err, TunnelError::Invalid(_)), "{err}");
    let stored = TunnelSpec::Ngrok {
        authtoken: NgrokAuth::Stored,
    };
    let err = Tunnel::start(stored, local(), dir.path(), Paths::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("no ngrok authtoken"), "{err}");
}

#[tokio::test]
async fn the_choice_and_the_authtoken_are_kept_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = hooklens_core::Store::open(dir.path()).unwrap();
    assert_eq!(tunnel::saved(&store).unwrap(), None);
    let choice = SavedTunnel {
        spec: TunnelSpec::Ssh {
            service: SshService::OwnServer {
                host: "hooks.example.test".into(),
                user: Some("me".into()),
                port: Some(2222),
                remote_port: 8080,
                public_base_url: "https://hooks.example.test".into(),
            },
        },
        enabled: true,
    };
    tunnel::save(&store, &choice).unwrap();
    assert_eq!(tunnel::saved(&store).unwrap(), Some(choice));
    let json = store.preference("tunnel").unwrap().unwrap();
    assert_eq!(
        json,
        r#"{"spec":{"kind":"ssh","service":{"type":"own-server","host":"hooks.example.test","user":"me","port":2222,"remotePort":8080,"publicBaseUrl":"https://hooks.example.test"}},"enabled":true}"#
    );
    let bad = SavedTunnel {
        spec: TunnelSpec::Cloudflared {
            mode: CloudflaredMode::Named {
                name: "--config=/etc/passwd".into(),
                hostname: "hooks.example.test".into(),
            },
        },
        enabled: false,
    };
    assert!(tunnel::save(&store, &bad).is_err());

    let token = "2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd";
    assert_eq!(tunnel::ngrok_authtoken(&store).unwrap(), None);
    let masked = tunnel::set_ngrok_authtoken(&store, Some(token))
        .unwrap()
        .unwrap();
    assert!(!masked.contains("DEFghi"), "{masked}");
    assert_eq!(
        tunnel::ngrok_authtoken(&store).unwrap(),
        Some(Authtoken::new(token).unwrap())
    );
    assert_eq!(
        tunnel::ngrok_authtoken_masked(&store).unwrap(),
        Some(masked)
    );
    tunnel::set_ngrok_authtoken(&store, None).unwrap();
    assert_eq!(tunnel::ngrok_authtoken(&store).unwrap(), None);
}

/// The environment variable that turns [`holds_a_tunnel_until_killed`] on:
/// the stand-in script it runs.
const HOLDER: &str = "HOOKLENS_TUNNEL_TEST_HOLDER";

/// Not a check of its own: the process that
/// `the_tool_dies_when_hooklens_is_killed` starts (this test binary, with
/// only this test and `HOLDER` set) and kills. Run without `HOLDER`, it
/// returns at once.
#[tokio::test]
async fn holds_a_tunnel_until_killed() {
    let Some(script) = std::env::var_os(HOLDER) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut options = fast(Paths {
        cloudflared: script.into(),
        ..Paths::default()
    });
    options.url_timeout = Duration::from_secs(600);
    let (_tunnel, _status) = Tunnel::start_with(quick(), local(), dir.path(), options).unwrap();
    tokio::time::sleep(Duration::from_secs(600)).await;
}

/// Hooklens killed with SIGKILL runs no destructor: the kernel ends the
/// tool (PR_SET_PDEATHSIG). Only the tool itself: a process it started
/// (the stand-in's helper) is ended by Hooklens's group kill on every
/// other path, but here only if it reacts to the tool's end.
#[tokio::test]
async fn the_tool_dies_when_hooklens_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = standin(
        dir.path(),
        "cloudflared",
        "cloudflared-standin.sh",
        "silent",
    );
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "holds_a_tunnel_until_killed", "--test-threads=1"])
        .env(HOLDER, &script)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while !record.with_extension("pid").exists() {
        assert!(Instant::now() < until, "the holder started no tunnel");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (pid, helper) = (
        recorded_pid(&record, "pid"),
        recorded_pid(&record, "helper"),
    );
    assert!(alive(pid));
    holder.kill().unwrap();
    holder.wait().unwrap();
    wait_until_gone(pid).await;
    // The helper, a `sleep`, does not notice: clean up after the test.
    if alive(helper) {
        kill(helper);
    }
}
