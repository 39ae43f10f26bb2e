//! Tunnels: a public URL for the local listener through a tunnel the user
//! already has and trusts (an OpenSSH reverse tunnel, cloudflared, the
//! ngrok agent). Hooklens runs no relay of its own: it starts the tool,
//! reads what the tool prints to learn the public URL, starts it again
//! with backoff when it drops after having been up, and ends it, with
//! whatever it started, when stopped or when Hooklens ends.
//!
//! One job a file: `command` (each kind's command line, pure), `discover`
//! (reading each tool's output, pure), `output` (bounded reading of the
//! output and the lines kept for a details view), `process` (process
//! groups, killing them), `hostkeys` (SSH host keys the user accepts),
//! `saved` (the user's choice and the ngrok authtoken in the store),
//! `supervisor` (the [`Tunnel`] handle and the task that runs the tool).
//!
//! ngrok runs as the agent the user installed, not the ngrok Rust SDK
//! in-process: the SDK would add a large dependency tree (its own TLS and
//! multiplexing stack) to every build for one of three kinds; the agent
//! uses the user's own ngrok config and account as they set them up; and
//! it is run and watched exactly like ssh and cloudflared (a child process
//! whose output gives the URL), so one supervisor serves all kinds.

mod command;
mod discover;
mod hostkeys;
mod output;
mod process;
mod saved;
mod supervisor;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use command::KNOWN_HOSTS_FILE;
pub use hostkeys::known_hosts_path;
pub use saved::{
    ngrok_authtoken, ngrok_authtoken_masked, save, saved, set_ngrok_authtoken, validate,
};
pub use supervisor::Tunnel;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum TunnelError {
    /// The user's choice cannot be used; the message says why.
    #[error("{0}")]
    Invalid(String),
    #[error("no host key is waiting to be accepted")]
    NoHostKeyPending,
    #[error(
        "the fingerprint {given} is not the one shown for {host} ({shown}); nothing was accepted"
    )]
    FingerprintMismatch {
        host: String,
        given: String,
        shown: String,
    },
    #[error("cannot add the host key to {path}: {source}")]
    KnownHosts {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the tunnel has stopped")]
    Stopped,
    #[error("the saved tunnel cannot be read ({0}); pick the tunnel again")]
    Saved(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An ngrok authtoken. It has no `Display`, and its `Debug` shows only a
/// mask, so it cannot reach a log line or an error message by mistake.
#[derive(Clone, PartialEq, Eq)]
pub struct Authtoken(String);

impl Authtoken {
    /// Longest token accepted (ngrok's are ~50 characters).
    const MAX_CHARS: usize = 512;

    pub fn new(value: &str) -> Result<Authtoken, TunnelError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(TunnelError::Invalid("the ngrok authtoken is empty".into()));
        }
        if value.chars().count() > Self::MAX_CHARS || !value.chars().all(|c| c.is_ascii_graphic()) {
            return Err(TunnelError::Invalid(
                "that is not an ngrok authtoken: it is one word of letters, digits and `_` (see https://dashboard.ngrok.com/get-started/your-authtoken)".into(),
            ));
        }
        Ok(Authtoken(value.to_owned()))
    }

    /// E.g. `2abc…abcd`: what the UI shows.
    pub fn masked(&self) -> String {
        crate::store::mask(&self.0)
    }

    /// The value, for the child's environment only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Authtoken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Authtoken({})", self.masked())
    }
}

/// The programs a tunnel runs. By default their bare names, found on PATH
/// when started; tests point them at stand-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub ssh: PathBuf,
    pub ssh_keygen: PathBuf,
    pub ssh_keyscan: PathBuf,
    pub cloudflared: PathBuf,
    pub ngrok: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            ssh: "ssh".into(),
            ssh_keygen: "ssh-keygen".into(),
            ssh_keyscan: "ssh-keyscan".into(),
            cloudflared: "cloudflared".into(),
            ngrok: "ngrok".into(),
        }
    }
}

/// What the SSH kinds use instead of the user's own files; for tests, so
/// that the user's ~/.ssh is never read or touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SshOverrides {
    /// `ssh -F`: this config file instead of ~/.ssh/config.
    pub config_file: Option<PathBuf>,
    /// `ssh -i … -o IdentitiesOnly=yes`: only this key.
    pub identity: Option<PathBuf>,
    /// Instead of ~/.ssh/known_hosts (Hooklens's own file is read too).
    pub known_hosts: Option<PathBuf>,
}

/// How soon a dropped tunnel is started again: `first`, doubling up to
/// `max`, with no limit on the number of tries (a laptop offline for an
/// hour reconnects when it is back). A run that stayed up `stable_after`
/// starts the count again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub stable_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(60),
            stable_after: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before try `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        self.first.saturating_mul(1u32 << doublings).min(self.max)
    }
}

/// Everything a tunnel needs besides what to run and where to.
#[derive(Debug, Clone)]
pub struct TunnelOptions {
    pub binaries: Paths,
    /// How long the tool has to print a public URL (and for cloudflared, to
    /// register a connection) before the try counts as failed.
    pub url_timeout: Duration,
    pub backoff: Backoff,
    pub ssh: SshOverrides,
    /// For `NgrokAuth::Stored`: see [`ngrok_authtoken`].
    pub ngrok_authtoken: Option<Authtoken>,
}

impl Default for TunnelOptions {
    fn default() -> Self {
        TunnelOptions {
            binaries: Paths::default(),
            url_timeout: Duration::from_secs(30),
            backoff: Backoff::default(),
            ssh: SshOverrides::default(),
            ngrok_authtoken: None,
        }
    }
}

/// An endpoint's public URL: the tunnel's `public_url` (no trailing slash)
/// and the endpoint's path prefix, e.g. `https://x.lhr.life` and `/kustom`
/// give `https://x.lhr.life/kustom`; the default endpoint (`/`) gives
/// `https://x.lhr.life/`. What the user pastes into a provider's dashboard.
pub fn endpoint_url(public_url: &str, path_prefix: &str) -> String {
    format!(
        "{}/{}",
        public_url.trim_end_matches('/'),
        path_prefix.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_join_without_doubled_slashes() {
        assert_eq!(
            endpoint_url("https://x.lhr.life", "/kustom"),
            "https://x.lhr.life/kustom"
        );
        assert_eq!(
            endpoint_url("https://x.lhr.life/", "/"),
            "https://x.lhr.life/"
        );
        assert_eq!(
            endpoint_url("https://hooks.example.com/base", "/kulmi/pay"),
            "https://hooks.example.com/base/kulmi/pay"
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let backoff = Backoff::default();
        let waits: Vec<u64> = (1..=9).map(|n| backoff.delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff.delay(u32::MAX).as_secs(), 60);
    }

    #[test]
    fn an_authtoken_never_prints_itself() {
        let token = Authtoken::new(" 2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd\n").unwrap();
        let shown = format!("{token:?}");
        assert!(!shown.contains("DEFghi"), "{shown}");
        assert!(shown.contains("abcd"), "{shown}");
        assert_eq!(
            token.expose(),
            "2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd"
        );
        assert!(Authtoken::new("two words").is_err());
        assert!(Authtoken::new("").is_err());
    }
}
