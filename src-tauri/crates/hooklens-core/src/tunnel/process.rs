//! Running a tunnel's tool so that it can never outlive Hooklens: it leads
//! a process group of its own (whatever it starts, a ProxyCommand or a
//! helper, is in that group and is killed with it), it is killed when its
//! handle is dropped (`kill_on_drop`), and on Linux the kernel kills it
//! when the thread that started it ends, even if Hooklens is killed with
//! SIGKILL and runs no destructor (`PR_SET_PDEATHSIG`).

use std::io;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process_group};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};

use super::command::Launch;

/// How long a tool has to end after SIGTERM before it gets SIGKILL.
const TERM_GRACE: Duration = Duration::from_secs(2);

/// A started tool.
pub(super) struct Running {
    pub child: Child,
    /// Held open and never written: ssh reads its stdin for the session
    /// localhost.run and Pinggy print on, and an end of input would close it.
    _stdin: Option<ChildStdin>,
    /// The process group (the child's pid), shared with the [`Tunnel`]
    /// handle so that dropping it kills the group at once.
    ///
    /// [`Tunnel`]: super::Tunnel
    group: Arc<AtomicI32>,
}

/// Starts `launch` in a new process group whose id is stored in `group`;
/// returns it with its stdout and stderr.
///
/// Must be called from a thread that lives as long as the tool should:
/// the death signal fires when the thread that forked ends. The supervisor
/// calls it from its task on the runtime's worker threads, which live as
/// long as the runtime; never from `spawn_blocking` (those threads retire
/// when idle).
pub(super) fn spawn(
    launch: &Launch,
    group: &Arc<AtomicI32>,
) -> io::Result<(Running, ChildStdout, ChildStderr)> {
    let mut command = Command::new(&launch.program);
    command
        .args(&launch.args)
        .stdin(if launch.ssh.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    for (name, value) in &launch.env {
        command.env(name, value.expose());
    }
    #[cfg(target_os = "linux")]
    {
        let parent = rustix::process::getpid();
        // SAFETY: the closure runs in the forked child before exec and only
        // makes two system calls (prctl, getppid), both async-signal-safe;
        // it allocates nothing and takes no lock.
        unsafe {
            command.pre_exec(move || {
                rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
                // The parent may have died before the prctl: then nothing
                // would ever signal this child.
                if rustix::process::getppid() != Some(parent) {
                    return Err(io::Error::other("Hooklens ended while starting the tunnel"));
                }
                Ok(())
            });
        }
    }
    let mut child = command.spawn()?;
    let pid = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .unwrap_or(0);
    group.store(pid, Ordering::SeqCst);
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(io::Error::other("the tunnel's output could not be read"));
    };
    let running = Running {
        _stdin: child.stdin.take(),
        child,
        group: Arc::clone(group),
    };
    Ok((running, stdout, stderr))
}

impl Running {
    /// Ends the tool and its group: SIGTERM, SIGKILL after a grace period,
    /// then reaped. Returns its exit status when it could be read.
    pub(super) async fn terminate(&mut self) -> Option<ExitStatus> {
        signal_group(&self.group, Signal::TERM);
        let status = match tokio::time::timeout(TERM_GRACE, self.child.wait()).await {
            Ok(status) => status.ok(),
            Err(_) => {
                signal_group(&self.group, Signal::KILL);
                self.child.wait().await.ok()
            }
        };
        self.sweep();
        status
    }

    /// After the tool itself ended: kills what it left in its group (a
    /// helper it started), and forgets the group.
    pub(super) fn sweep(&mut self) {
        signal_group(&self.group, Signal::KILL);
        self.group.store(0, Ordering::SeqCst);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A run abandoned half-way (its task aborted) leaves nothing behind;
        // kill_on_drop reaps the child itself.
        if self.group.load(Ordering::SeqCst) != 0 {
            signal_group(&self.group, Signal::KILL);
        }
    }
}

/// Sends `signal` to the group in `group`, if there is one. A group whose
/// processes are all gone answers ESRCH, which is fine.
pub(super) fn signal_group(group: &AtomicI32, signal: Signal) {
    let pid = group.load(Ordering::SeqCst);
    if let Some(pid) = Pid::from_raw(pid)
        && let Err(err) = kill_process_group(pid, signal)
        && err != rustix::io::Errno::SRCH
    {
        tracing::debug!(error = %err, "cannot signal the tunnel's process group");
    }
}
