//! What the CLI's test files share: the binary under test, free ports, and a
//! running `hooklens-cli serve`.

// Each test file is its own crate and uses only part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_hooklens-cli");

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `hooklens-cli --data-dir DIR ARGS…` to the end, with `stdin` as
/// its input (None: an empty one).
pub fn run_cli(data_dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOOKLENS_LISTEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hooklens-cli");
    if let Some(input) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        pipe.write_all(input).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for hooklens-cli")
}

/// A running `hooklens-cli serve`; killed when dropped. Its stderr is kept,
/// so a test can check what it logged.
pub struct Serve {
    pub child: Child,
    pub url: String,
    pub stderr: Arc<Mutex<String>>,
}

impl Serve {
    pub fn start(data_dir: &Path, port: u16) -> Serve {
        Serve::start_with(data_dir, port, None)
    }

    /// `serve` with its open-file limit (soft and hard) set to `nofile`, as
    /// a desktop session's 1,024.
    pub fn start_with(data_dir: &Path, port: u16, nofile: Option<u64>) -> Serve {
        Serve::spawn(data_dir, port, nofile, &[])
    }

    /// `serve` with these environment variables, e.g. `HOOKLENS_LOG`.
    pub fn start_env(data_dir: &Path, port: u16, env: &[(&str, &str)]) -> Serve {
        Serve::spawn(data_dir, port, None, env)
    }

    fn spawn(data_dir: &Path, port: u16, nofile: Option<u64>, env: &[(&str, &str)]) -> Serve {
        let mut command = Command::new(BIN);
        command.envs(env.iter().copied());
        #[cfg(unix)]
        if let Some(limit) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe; nothing else runs
            // between fork and exec.
            unsafe {
                command.pre_exec(move || rlimit::setrlimit(rlimit::Resource::NOFILE, limit, limit));
            }
        }
        let mut child = command
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env_remove("HOOKLENS_SECRET")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        // It says where it captures once it is listening.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let kept = Arc::new(Mutex::new(String::new()));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            assert!(Instant::now() < deadline, "serve did not start");
            match lines.next() {
                Some(Ok(line)) => {
                    kept.lock().unwrap().push_str(&line);
                    kept.lock().unwrap().push('\n');
                    if line.contains("is capturing on") {
                        break;
                    }
                }
                _ => panic!("serve exited before listening: {:?}", child.wait()),
            }
        }
        let sink = kept.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut kept = sink.lock().unwrap();
                kept.push_str(&line);
                kept.push('\n');
            }
        });
        Serve {
            child,
            url: format!("http://127.0.0.1:{port}"),
            stderr: kept,
        }
    }

    pub fn kill_9(&mut self) {
        // SIGKILL: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bytes a terminal acts on: C0 controls other than line feed and tab (ESC,
/// BEL, CR, …), DEL, a raw 0x9B (CSI to an 8-bit terminal) and the C1
/// controls U+0080–U+009F encoded in UTF-8 (C2 80–C2 9F).
pub fn terminal_controls(out: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, &b) in out.iter().enumerate() {
        if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0x9b {
            found.push(format!("byte {b:#04x} at {i}"));
        }
        if b == 0xc2 && out.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) {
            found.push(format!("U+00{:02X} at {i}", out[i + 1]));
        }
    }
    found
}
