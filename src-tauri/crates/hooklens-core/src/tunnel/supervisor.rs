//! The [`Tunnel`] handle and the task behind it: it runs the tool, reads
//! its output for the public URL, reports every change on a watch channel,
//! starts the tool again with backoff when it drops after having been up,
//! and waits for the user when an SSH host key is unknown.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use rustix::process::Signal;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::command::{self, Launch, Tool};
use super::discover::{self, Progress, Stream};
use super::hostkeys::{self, PendingKey};
use super::output::{self, LineReader, RateLimit, Shown};
use super::process;
use super::{Paths, TunnelError, TunnelOptions};
use crate::model::{TunnelSpec, TunnelState, TunnelStatus};

/// How long the last lines of a tool that ended are waited for.
const DRAIN: Duration = Duration::from_millis(500);
/// How long `stop` waits for the task before giving up on it (the task
/// itself gives the tool 2 s after SIGTERM, then kills it).
const STOP_WAIT: Duration = Duration::from_secs(10);

enum Control {
    Stop,
    Accept {
        fingerprint: String,
        done: oneshot::Sender<Result<(), TunnelError>>,
    },
}

/// A running tunnel. Dropping it kills the tool and its process group at
/// once; [`Tunnel::stop`] does the same gracefully and reports `Stopped`.
pub struct Tunnel {
    control: mpsc::Sender<Control>,
    status: Arc<watch::Sender<TunnelStatus>>,
    /// The tool's process group (its pid); 0 when none runs.
    group: Arc<AtomicI32>,
    task: Option<JoinHandle<()>>,
}

impl Tunnel {
    /// Starts a tunnel that exposes `local` (the listener's address) with
    /// the programs in `binaries` and default options. Must be called
    /// within a Tokio runtime. Fails only when the spec cannot be used
    /// (its message says why); everything that happens once it runs (a
    /// missing program, a refused connection) is reported as a state.
    pub fn start(
        spec: TunnelSpec,
        local: SocketAddr,
        data_dir: &Path,
        binaries: Paths,
    ) -> Result<(Tunnel, watch::Receiver<TunnelStatus>), TunnelError> {
        Tunnel::start_with(
            spec,
            local,
            data_dir,
            TunnelOptions {
                binaries,
                ..TunnelOptions::default()
            },
        )
    }

    /// [`Tunnel::start`] with every option.
    pub fn start_with(
        spec: TunnelSpec,
        local: SocketAddr,
        data_dir: &Path,
        options: TunnelOptions,
    ) -> Result<(Tunnel, watch::Receiver<TunnelStatus>), TunnelError> {
        let launch = command::launch(
            &spec,
            command::Context {
                local,
                data_dir,
                binaries: &options.binaries,
                ssh: &options.ssh,
                ngrok_authtoken: options.ngrok_authtoken.as_ref(),
            },
        )?;
        let (status, receiver) = watch::channel(TunnelStatus {
            state: TunnelState::Starting,
            name: launch.name.clone(),
            output: Vec::new(),
        });
        let status = Arc::new(status);
        let (control, inbox) = mpsc::channel(8);
        let group = Arc::new(AtomicI32::new(0));
        let secrets = launch
            .env
            .iter()
            .map(|(_, token)| token.expose().to_owned())
            .collect();
        let runner = Runner {
            launch,
            options,
            data_dir: data_dir.to_owned(),
            status: Arc::clone(&status),
            inbox,
            group: Arc::clone(&group),
            shown: Shown::default(),
            secrets,
        };
        tracing::info!(tunnel = %runner.launch.name, %local, "starting tunnel");
        let task = tokio::spawn(runner.run());
        Ok((
            Tunnel {
                control,
                status,
                group,
                task: Some(task),
            },
            receiver,
        ))
    }

    /// The latest status.
    pub fn status(&self) -> TunnelStatus {
        self.status.borrow().clone()
    }

    /// Another receiver of the status.
    pub fn subscribe(&self) -> watch::Receiver<TunnelStatus> {
        self.status.subscribe()
    }

    /// The tool's process id while it runs (it also leads its process
    /// group), for a details view.
    pub fn pid(&self) -> Option<u32> {
        u32::try_from(self.group.load(Ordering::SeqCst))
            .ok()
            .filter(|pid| *pid != 0)
    }

    /// Accepts the SSH host key shown in `HostKeyUnknown` when
    /// `fingerprint` is the one shown: it is added to Hooklens's
    /// known_hosts file and the tunnel starts again.
    pub async fn accept_host_key(&self, fingerprint: &str) -> Result<(), TunnelError> {
        let (done, answer) = oneshot::channel();
        self.control
            .send(Control::Accept {
                fingerprint: fingerprint.trim().to_owned(),
                done,
            })
            .await
            .map_err(|_| TunnelError::Stopped)?;
        answer.await.map_err(|_| TunnelError::Stopped)?
    }

    /// Stops the tunnel: the tool and its process group are ended (SIGTERM,
    /// then SIGKILL after 2 s), also while it is still starting. The status
    /// ends at `Stopped`.
    pub async fn stop(mut self) {
        let _ = self.control.send(Control::Stop).await;
        if let Some(task) = self.task.take()
            && tokio::time::timeout(STOP_WAIT, task).await.is_err()
        {
            tracing::warn!("the tunnel did not stop in time; killing it");
            process::signal_group(&self.group, Signal::KILL);
        }
        self.status.send_modify(|s| s.state = TunnelState::Stopped);
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        // Not stopped through `stop`: end everything now, without waiting.
        if let Some(task) = self.task.take() {
            process::signal_group(&self.group, Signal::KILL);
            task.abort();
        }
    }
}

/// How one run of the tool ended.
enum End {
    /// The user stopped the tunnel.
    Stop,
    /// It cannot work until the user does something; no retry.
    Fatal(String),
    /// ssh refused an unknown host key; the key is fetched for the user.
    HostKeyUnknown(PendingKey),
    /// It ended by itself, or was ended for taking too long.
    Ended {
        reason: String,
        /// How long it had been up, if it was.
        up_for: Option<Duration>,
    },
}

struct Runner {
    launch: Launch,
    options: TunnelOptions,
    data_dir: PathBuf,
    status: Arc<watch::Sender<TunnelStatus>>,
    inbox: mpsc::Receiver<Control>,
    group: Arc<AtomicI32>,
    shown: Shown,
    /// Values scrubbed from every line shown.
    secrets: Vec<String>,
}

impl Runner {
    async fn run(mut self) {
        let mut attempt = 0u32;
        let mut ever_up = false;
        loop {
            if !ever_up {
                self.set(TunnelState::Starting);
            }
            match self.run_once().await {
                End::Stop => break,
                End::Fatal(reason) => {
                    self.fail(reason);
                    self.idle().await;
                    break;
                }
                End::HostKeyUnknown(key) => {
                    tracing::info!(host = %key.host, "unknown SSH host key; waiting for the user");
                    self.set(TunnelState::HostKeyUnknown {
                        host: key.host.clone(),
                        key_type: key.key_type.clone(),
                        fingerprint: key.fingerprint.clone(),
                    });
                    if !self.await_acceptance(&key).await {
                        break;
                    }
                    self.shown
                        .note(format!("host key {} accepted", key.fingerprint));
                }
                End::Ended { reason, up_for } => {
                    if let Some(up_for) = up_for {
                        ever_up = true;
                        if up_for >= self.options.backoff.stable_after {
                            attempt = 0;
                        }
                    }
                    if !ever_up {
                        self.fail(reason);
                        self.idle().await;
                        break;
                    }
                    attempt = attempt.saturating_add(1);
                    let wait = self.options.backoff.delay(attempt);
                    tracing::warn!(tunnel = %self.launch.name, %reason, attempt, "tunnel dropped; reconnecting");
                    self.shown.note(format!(
                        "{reason}; trying again in {:.1} s",
                        wait.as_secs_f64()
                    ));
                    self.set(TunnelState::Reconnecting {
                        attempt,
                        next_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        reason,
                    });
                    if !self.sleep(wait).await {
                        break;
                    }
                }
            }
        }
        tracing::info!(tunnel = %self.launch.name, "tunnel stopped");
        self.set(TunnelState::Stopped);
    }

    /// One run of the tool, from its start to its end.
    async fn run_once(&mut self) -> End {
        let (mut running, stdout, stderr) = match process::spawn(&self.launch, &self.group) {
            Ok(started) => started,
            Err(err) => return End::Fatal(self.cannot_start(&err)),
        };
        let mut progress = Progress::default();
        let mut rate = RateLimit::default();
        let mut last_words: Option<String> = None;
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + self.options.url_timeout;
        let mut up_since: Option<Instant> = None;
        let (mut out, mut err) = (LineReader::new(stdout), LineReader::new(stderr));
        let (mut out_done, mut err_done) = (false, false);
        let exit: Option<ExitStatus> = loop {
            tokio::select! {
                control = self.inbox.recv() => match control {
                    Some(Control::Accept { done, .. }) => {
                        let _ = done.send(Err(TunnelError::NoHostKeyPending));
                    }
                    Some(Control::Stop) | None => {
                        running.terminate().await;
                        return End::Stop;
                    }
                },
                line = out.next_line(), if !out_done => match line {
                    Some(line) => self.line(Stream::Out, &line, &mut progress, &mut rate, &mut last_words),
                    None => out_done = true,
                },
                line = err.next_line(), if !err_done => match line {
                    Some(line) => self.line(Stream::Err, &line, &mut progress, &mut rate, &mut last_words),
                    None => err_done = true,
                },
                status = running.child.wait() => break status.ok(),
                () = tokio::time::sleep_until(deadline), if up_since.is_none() => {
                    running.terminate().await;
                    return End::Ended {
                        reason: self.timed_out(&progress),
                        up_for: None,
                    };
                }
            }
            if up_since.is_none()
                && let Some(url) = progress.up(self.launch.flavor, self.launch.known_url.as_deref())
            {
                up_since = Some(Instant::now());
                tracing::info!(tunnel = %self.launch.name, %url, after_ms = started.elapsed().as_millis() as u64, "tunnel up");
                self.set(TunnelState::Up { public_url: url });
            }
        };
        // The tool ended: end what it left in its group (so its pipes
        // close), then read its last lines.
        running.sweep();
        let drain = async {
            while !(out_done && err_done) {
                tokio::select! {
                    line = out.next_line(), if !out_done => match line {
                        Some(line) => self.line(Stream::Out, &line, &mut progress, &mut rate, &mut last_words),
                        None => out_done = true,
                    },
                    line = err.next_line(), if !err_done => match line {
                        Some(line) => self.line(Stream::Err, &line, &mut progress, &mut rate, &mut last_words),
                        None => err_done = true,
                    },
                }
            }
        };
        let _ = tokio::time::timeout(DRAIN, drain).await;
        let up_for = up_since.map(|since| since.elapsed());

        if let Some(host) = progress.changed_key.clone() {
            return End::Fatal(changed_key_words(&host, progress.offending.as_deref()));
        }
        if let Some((host, key_type)) = progress.unknown_key.clone() {
            let Some(target) = self.launch.ssh.clone() else {
                return End::Fatal("ssh refused an unknown host key".into());
            };
            let seen = progress.server_key.as_ref().map(|(_, f)| f.as_str());
            let fetch = hostkeys::fetch(&self.options.binaries, &target, &host, &key_type, seen);
            tokio::select! {
                fetched = fetch => return match fetched {
                    Ok(key) => End::HostKeyUnknown(key),
                    Err(words) => End::Fatal(format!(
                        "the SSH server's host key ({key_type}) is unknown, and it could not be shown: {words}"
                    )),
                },
                control = self.inbox.recv() => {
                    if let Some(Control::Accept { done, .. }) = control {
                        let _ = done.send(Err(TunnelError::NoHostKeyPending));
                    }
                    return End::Stop;
                }
            }
        }
        End::Ended {
            reason: self.ended_words(exit, &progress, last_words.as_deref()),
            up_for,
        }
    }

    /// Reads one line: notes what it says, and shows it (within the rate).
    fn line(
        &mut self,
        stream: Stream,
        raw: &str,
        progress: &mut Progress,
        rate: &mut RateLimit,
        last_words: &mut Option<String>,
    ) {
        if !rate.allow() {
            self.shown.dropped();
            return;
        }
        let line = output::clean(raw);
        if line.is_empty() {
            return;
        }
        if let Some(sign) = discover::read(self.launch.flavor, stream, &line) {
            progress.note(sign);
        }
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        if !discover::is_debug(&line) {
            *last_words = Some(output::shorten(output::scrub(&line, &secrets)));
        }
        if discover::worth_showing(&line) {
            self.shown
                .push(output::shorten(output::scrub(&line, &secrets)));
            let lines = self.shown.lines();
            self.status.send_modify(|s| s.output = lines);
        }
    }

    fn set(&self, state: TunnelState) {
        let lines = self.shown.lines();
        self.status.send_modify(|s| {
            s.state = state;
            s.output = lines;
        });
    }

    fn fail(&mut self, reason: String) {
        tracing::warn!(tunnel = %self.launch.name, %reason, "tunnel failed");
        self.set(TunnelState::Failed { reason });
    }

    /// After a failure: nothing to do but answer until stopped.
    async fn idle(&mut self) {
        while let Some(control) = self.inbox.recv().await {
            match control {
                Control::Stop => return,
                Control::Accept { done, .. } => {
                    let _ = done.send(Err(TunnelError::NoHostKeyPending));
                }
            }
        }
    }

    /// Waits for the user to accept `key` (true) or to stop (false).
    async fn await_acceptance(&mut self, key: &PendingKey) -> bool {
        while let Some(control) = self.inbox.recv().await {
            match control {
                Control::Stop => return false,
                Control::Accept { fingerprint, done } => {
                    if fingerprint != key.fingerprint {
                        let _ = done.send(Err(TunnelError::FingerprintMismatch {
                            host: key.host.clone(),
                            given: fingerprint,
                            shown: key.fingerprint.clone(),
                        }));
                        continue;
                    }
                    let written = hostkeys::accept(&self.data_dir, key);
                    let accepted = written.is_ok();
                    let _ = done.send(written);
                    if accepted {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Sleeps `wait` unless stopped meanwhile (false).
    async fn sleep(&mut self, wait: Duration) -> bool {
        let until = tokio::time::Instant::now() + wait;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(until) => return true,
                control = self.inbox.recv() => match control {
                    Some(Control::Accept { done, .. }) => {
                        let _ = done.send(Err(TunnelError::NoHostKeyPending));
                    }
                    Some(Control::Stop) | None => return false,
                },
            }
        }
    }

    /// Why the tool could not be started, with the way to fix it.
    fn cannot_start(&self, err: &std::io::Error) -> String {
        let tool = self.launch.tool;
        let program = self.launch.program.display();
        match err.kind() {
            std::io::ErrorKind::NotFound if self.launch.program.components().count() > 1 => {
                format!(
                    "{} was not found at {program}: {}",
                    tool.name(),
                    tool.install_hint()
                )
            }
            std::io::ErrorKind::NotFound => {
                format!("{} is not installed: {}", tool.name(), tool.install_hint())
            }
            // A bare name is looked up on PATH, and a directory on PATH this
            // user cannot read turns "not found" into "permission denied".
            std::io::ErrorKind::PermissionDenied
                if self.launch.program.components().count() == 1 =>
            {
                format!(
                    "{} is not installed (or a directory on PATH cannot be read): {}",
                    tool.name(),
                    tool.install_hint()
                )
            }
            std::io::ErrorKind::PermissionDenied => {
                format!("{program} cannot be run (permission denied)")
            }
            _ => format!("{} could not be started: {err}", tool.name()),
        }
    }

    /// Why a run that printed no URL in time failed.
    fn timed_out(&self, progress: &Progress) -> String {
        let waited = self.options.url_timeout.as_secs_f64();
        let what = match (self.launch.flavor, &progress.url) {
            (discover::Flavor::CloudflaredQuick, Some(url)) => {
                format!(
                    "cloudflared printed {url} but registered no connection to Cloudflare within {waited:.0} s"
                )
            }
            (discover::Flavor::OwnServer, _) => {
                format!("the SSH server did not confirm the remote forward within {waited:.0} s")
            }
            (discover::Flavor::CloudflaredNamed, _) => {
                format!("cloudflared registered no connection to Cloudflare within {waited:.0} s")
            }
            _ => format!(
                "{} printed no public URL within {waited:.0} s",
                self.launch.tool.name()
            ),
        };
        match &progress.problem {
            Some(problem) => format!("{what}; it said: {problem}"),
            None => what,
        }
    }

    /// Why a run ended, in words: the tool's own words when it gave any.
    fn ended_words(
        &self,
        exit: Option<ExitStatus>,
        progress: &Progress,
        last_words: Option<&str>,
    ) -> String {
        let tool = self.launch.tool.name();
        let how = match exit {
            Some(status) => match status.code() {
                Some(code) => format!("exited with code {code}"),
                None => {
                    #[cfg(unix)]
                    {
                        use std::os::unix::process::ExitStatusExt;
                        status
                            .signal()
                            .map_or("ended".to_owned(), |s| format!("was killed (signal {s})"))
                    }
                    #[cfg(not(unix))]
                    {
                        "ended".to_owned()
                    }
                }
            },
            None => "ended".to_owned(),
        };
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let said = progress
            .problem
            .as_deref()
            .map(|p| output::shorten(output::scrub(p, &secrets)))
            .or_else(|| last_words.map(str::to_owned));
        let mut words = match said {
            Some(said) => format!("{tool} {how}: {said}"),
            None => format!("{tool} {how} without saying why"),
        };
        if let Some(hint) = hint(self.launch.tool, progress.problem.as_deref().unwrap_or("")) {
            words.push_str(" — ");
            words.push_str(hint);
        }
        words
    }
}

/// What to do about a few well-known failures.
fn hint(tool: Tool, problem: &str) -> Option<&'static str> {
    match tool {
        Tool::Ngrok if problem.contains("ERR_NGROK_4018") => Some(
            "ngrok needs your authtoken: run `ngrok config add-authtoken <token>`, or give the token to Hooklens",
        ),
        Tool::Ssh if problem.starts_with("Permission denied") => Some(
            "the server accepted none of your keys (Hooklens uses your ssh agent and config and never asks for a password)",
        ),
        Tool::Ssh if problem.contains("remote port forwarding failed") => Some(
            "the server refused to listen on that port: it may be taken, or below 1024 for a non-root user",
        ),
        _ => None,
    }
}

fn changed_key_words(host: &str, offending: Option<&str>) -> String {
    let place = offending.map_or_else(String::new, |p| format!(" (the known key is at {p})"));
    format!(
        "the SSH host key of {host} has CHANGED since it was accepted{place}. Someone may be intercepting the connection, so Hooklens will not connect. If the server was reinstalled, check its new key with its administrator, remove the old line, and start the tunnel again to accept the new one"
    )
}
