//! Tunnels as the UI sees them: what the user picked (remembered in the
//! store) and what the supervisor reports. The supervisor is the use-case
//! module `tunnel`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The tunnel the user picked, with its options. Holds no secret: an ngrok
/// authtoken the user gives is stored on its own and only named here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum TunnelSpec {
    /// A reverse tunnel made by the system's OpenSSH client, with the
    /// user's ssh config and agent.
    Ssh { service: SshService },
    /// `cloudflared` from PATH.
    Cloudflared { mode: CloudflaredMode },
    /// The ngrok agent from PATH.
    Ngrok { authtoken: NgrokAuth },
}

impl TunnelSpec {
    /// The tool's name, as a tunnel ingress is opened with it and a
    /// tunnelled event's `via` names it (capture trusts a client address
    /// header by it).
    pub fn kind(&self) -> &'static str {
        match self {
            TunnelSpec::Ssh { .. } => "ssh",
            TunnelSpec::Cloudflared { .. } => "cloudflared",
            TunnelSpec::Ngrok { .. } => "ngrok",
        }
    }
}

/// Where an SSH reverse tunnel goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum SshService {
    /// localhost.run: no account; the HTTPS URL is read from what it prints.
    LocalhostRun,
    /// Pinggy's free tunnels: no account; the URL is read from what it prints.
    Pinggy,
    /// The user's own server, which must allow `GatewayPorts`: it listens
    /// on `remote_port` and the user says at which public URL that port is
    /// reached (often through a reverse proxy that adds HTTPS).
    OwnServer {
        /// A host name, an address, or a `Host` alias of the user's ssh config.
        host: String,
        /// None: the user's ssh config decides (else the local user name).
        user: Option<String>,
        /// None: the user's ssh config decides (else 22).
        port: Option<u16>,
        remote_port: u16,
        /// E.g. `https://hooks.example.com`; endpoint paths are appended.
        public_base_url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum CloudflaredMode {
    /// A trycloudflare.com quick tunnel: no account, a new random URL each
    /// time it starts.
    Quick,
    /// A tunnel created beforehand with `cloudflared tunnel create NAME`,
    /// whose DNS route points `hostname` at it.
    Named { name: String, hostname: String },
}

/// Which ngrok authtoken the agent uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NgrokAuth {
    /// The one in the user's own ngrok config file (`ngrok config
    /// add-authtoken`); Hooklens never reads it.
    #[default]
    AgentConfig,
    /// The one the user gave Hooklens, kept in the store (see
    /// `tunnel::set_ngrok_authtoken`).
    Stored,
}

/// What the user picked and whether the tunnel was on, so it starts again
/// with the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedTunnel {
    pub spec: TunnelSpec,
    pub enabled: bool,
}

/// Where a tunnel is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "state",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum TunnelState {
    Stopped,
    /// The tool runs; the public URL is not known yet.
    Starting,
    /// Requests sent to `public_url` reach the listener.
    Up {
        /// E.g. `https://f27f2133f61afa.lhr.life`, without a trailing slash;
        /// an endpoint's public URL is this plus its path prefix.
        public_url: String,
    },
    /// It was up and dropped; the next try starts in `next_in_ms`.
    Reconnecting {
        /// 1 for the first try after the drop.
        attempt: u32,
        #[ts(type = "number")]
        next_in_ms: u64,
        /// Why the last try ended, in words.
        reason: String,
    },
    /// It stopped and will not try again by itself.
    Failed {
        /// In words, e.g. "cloudflared is not installed: …".
        reason: String,
    },
    /// The SSH server's host key is neither in the user's known_hosts nor
    /// in Hooklens's: nothing was forwarded. The user compares the
    /// fingerprint with the server's and accepts it, or stops.
    HostKeyUnknown {
        /// As ssh names it, e.g. `localhost.run` or `[203.0.113.7]:2222`.
        host: String,
        /// E.g. `ED25519`.
        key_type: String,
        /// E.g. `SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI`.
        fingerprint: String,
    },
}

/// A tunnel's state, with the last lines its tool printed (secrets
/// scrubbed, long lines cut) for a details view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TunnelStatus {
    pub state: TunnelState,
    /// E.g. "localhost.run (ssh)" or "cloudflared quick tunnel".
    pub name: String,
    /// Oldest first, at most a few dozen.
    pub output: Vec<String>,
}

impl TunnelStatus {
    /// The public URL while the tunnel is up.
    pub fn public_url(&self) -> Option<&str> {
        match &self.state {
            TunnelState::Up { public_url } => Some(public_url),
            _ => None,
        }
    }
}
