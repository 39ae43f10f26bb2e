//! SSH host keys the user accepts in Hooklens. When ssh refuses an unknown
//! key, the key is fetched (`ssh-keyscan`) and fingerprinted (`ssh-keygen
//! -lf -`) to be shown; it is written to Hooklens's own known_hosts file
//! only when the user accepts that exact fingerprint. Nothing is ever
//! accepted without the user, and the user's own files are never written.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::command::{KNOWN_HOSTS_FILE, SshTarget};
use super::{Paths, TunnelError};

/// Each helper (ssh -G, ssh-keyscan, ssh-keygen) gets this long.
const HELPER_TIMEOUT: Duration = Duration::from_secs(15);
/// And this much of its output is read.
const HELPER_OUTPUT: u64 = 64 * 1024;

/// A host key fetched for the user to accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PendingKey {
    /// As ssh looks it up, e.g. `[127.0.0.1]:2222`.
    pub host: String,
    /// As ssh names it in its message, e.g. `ED25519`.
    pub key_type: String,
    /// E.g. `SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI`.
    pub fingerprint: String,
    /// The known_hosts line to append.
    line: String,
}

/// Hooklens's known_hosts file in `data_dir`.
pub fn known_hosts_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KNOWN_HOSTS_FILE)
}

/// Fetches and fingerprints the key ssh refused. `host` and `key_type` are
/// from ssh's message; `seen` is the fingerprint ssh printed (`-v`) for the
/// key the server presented, which the fetched key must match. Errors are
/// words for the user.
pub(super) async fn fetch(
    paths: &Paths,
    target: &SshTarget,
    host: &str,
    key_type: &str,
    seen: Option<&str>,
) -> Result<PendingKey, String> {
    if !plain_word(host)
        || !key_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(format!(
            "ssh reported an unknown host key in a form Hooklens does not read ({key_type} for {host:?})"
        ));
    }
    let config = run(&paths.ssh, &target.resolve_args(), None).await?;
    let (mut hostname, mut port) = (None, None);
    for line in config.lines() {
        let mut words = line.splitn(2, ' ');
        match (words.next(), words.next()) {
            (Some("hostname"), Some(value)) => hostname = Some(value.trim().to_owned()),
            (Some("port"), Some(value)) => port = value.trim().parse::<u16>().ok(),
            (Some("proxycommand" | "proxyjump"), Some(value)) if value.trim() != "none" => {
                return Err(format!(
                    "ssh reaches {host} through a proxy (ProxyJump or ProxyCommand in your ssh config), which Hooklens cannot fetch a host key through: connect once with `ssh {}` in a terminal to check and accept the key, then start the tunnel again",
                    target.destination
                ));
            }
            _ => {}
        }
    }
    let (Some(hostname), Some(port)) = (hostname, port) else {
        return Err(format!(
            "`ssh -G {}` did not say which host and port it connects to",
            target.destination
        ));
    };
    let scan_args: Vec<OsString> = vec![
        "-T".into(),
        "10".into(),
        "-p".into(),
        port.to_string().into(),
        "-t".into(),
        key_type.to_ascii_lowercase().into(),
        "--".into(),
        hostname.clone().into(),
    ];
    let scanned = run(&paths.ssh_keyscan, &scan_args, None).await?;
    let Some((algorithm, key)) = scanned
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut words = l.split_whitespace().skip(1);
            Some((words.next()?, words.next()?))
        })
    else {
        return Err(format!(
            "ssh-keyscan got no {key_type} key from {hostname} port {port}"
        ));
    };
    if !plain_word(algorithm)
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    {
        return Err(format!(
            "ssh-keyscan printed a key Hooklens does not read, from {hostname}"
        ));
    }
    let line = format!("{host} {algorithm} {key}");
    let printed = run(
        &paths.ssh_keygen,
        &["-l".into(), "-f".into(), "-".into()],
        Some(format!("{line}\n")),
    )
    .await?;
    let Some(fingerprint) = printed
        .split_whitespace()
        .nth(1)
        .filter(|f| f.starts_with("SHA256:"))
    else {
        return Err("ssh-keygen did not print the key's fingerprint".to_owned());
    };
    if let Some(seen) = seen
        && seen != fingerprint
    {
        return Err(format!(
            "the host key of {host} changed between two connections ({seen}, then {fingerprint}): someone may be intercepting the connection; nothing was accepted"
        ));
    }
    Ok(PendingKey {
        host: host.to_owned(),
        key_type: key_type.to_owned(),
        fingerprint: fingerprint.to_owned(),
        line,
    })
}

/// Adds `key` to Hooklens's known_hosts file (created readable by the user
/// only).
pub(super) fn accept(data_dir: &Path, key: &PendingKey) -> Result<(), TunnelError> {
    let path = known_hosts_path(data_dir);
    let fail = |source| TunnelError::KnownHosts {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(fail)?;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(fail)?;
    writeln!(file, "{}", key.line).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    tracing::info!(host = %key.host, fingerprint = %key.fingerprint, "SSH host key accepted");
    Ok(())
}

/// A host or key name with nothing that could break a known_hosts line.
fn plain_word(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 300
        && word
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '#' | ',' | '*' | '?' | '!' | '|'))
}

/// Runs a helper with a time limit, reading at most [`HELPER_OUTPUT`] of
/// its output; its stdout when it succeeds, else words with its error.
async fn run(program: &Path, args: &[OsString], input: Option<String>) -> Result<String, String> {
    let name = program.file_name().map_or_else(
        || program.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => format!(
                "{name} is not installed; it comes with the OpenSSH client (Debian, Ubuntu: `sudo apt install openssh-client`)"
            ),
            _ => format!("cannot run {name}: {err}"),
        })?;
    let work = async {
        if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
            stdin.write_all(input.as_bytes()).await.ok();
        }
        // Both pipes at once: a helper that fills one while Hooklens waits
        // on the other would never finish. Past the limit a pipe is closed.
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let read = |pipe: Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>| async move {
            let mut bytes = Vec::new();
            if let Some(pipe) = pipe {
                pipe.take(HELPER_OUTPUT).read_to_end(&mut bytes).await.ok();
            }
            bytes
        };
        let (out, err) = tokio::join!(
            read(stdout.map(|p| Box::new(p) as _)),
            read(stderr.map(|p| Box::new(p) as _))
        );
        (child.wait().await, out, err)
    };
    let (status, out, err) = tokio::time::timeout(HELPER_TIMEOUT, work)
        .await
        .map_err(|_| {
            format!(
                "{name} did not finish within {} s",
                HELPER_TIMEOUT.as_secs()
            )
        })?;
    let status = status.map_err(|e| format!("{name} could not be waited for: {e}"))?;
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let said = said
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(format!("{name} failed: {said}"));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
