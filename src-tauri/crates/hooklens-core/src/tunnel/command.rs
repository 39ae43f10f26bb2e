//! What each kind of tunnel runs: the program, its arguments and its
//! environment, built from the user's choice without touching the system,
//! so every command line is unit-tested. Values the user typed are checked
//! first: none may start with `-` (it would be read as an option) or hold
//! whitespace or control characters.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use super::discover::Flavor;
use super::{Authtoken, Paths, SshOverrides, TunnelError};
use crate::model::{CloudflaredMode, NgrokAuth, SshService, TunnelSpec};

/// localhost.run and Pinggy, as their documentation gives them.
pub(super) const LOCALHOST_RUN: &str = "nokey@localhost.run";
pub(super) const PINGGY: &str = "a.pinggy.io";
pub(super) const PINGGY_PORT: u16 = 443;

/// The file in the data directory that holds the SSH host keys the user
/// accepted in Hooklens; ssh reads it after the user's own known_hosts.
pub const KNOWN_HOSTS_FILE: &str = "known_hosts";

/// Which program a launch runs, for messages (install hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tool {
    Ssh,
    Cloudflared,
    Ngrok,
}

impl Tool {
    pub(super) fn name(self) -> &'static str {
        match self {
            Tool::Ssh => "ssh",
            Tool::Cloudflared => "cloudflared",
            Tool::Ngrok => "ngrok",
        }
    }

    /// Where to get the program when it is missing.
    pub(super) fn install_hint(self) -> &'static str {
        match self {
            Tool::Ssh => {
                "install the OpenSSH client with your package manager (Debian, Ubuntu: `sudo apt install openssh-client`)"
            }
            Tool::Cloudflared => {
                "see https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/"
            }
            Tool::Ngrok => "see https://ngrok.com/download",
        }
    }
}

/// Where ssh connects, for the host key look-up (`ssh -G`) to resolve the
/// same way the tunnel does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SshTarget {
    pub destination: String,
    pub port: Option<u16>,
    pub config_file: Option<PathBuf>,
}

impl SshTarget {
    /// `ssh -G …`: the configuration ssh would use for this destination.
    pub(super) fn resolve_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["-G".into()];
        if let Some(file) = &self.config_file {
            args.push("-F".into());
            args.push(file.into());
        }
        if let Some(port) = self.port {
            args.push("-p".into());
            args.push(port.to_string().into());
        }
        args.push("--".into());
        args.push(self.destination.clone().into());
        args
    }
}

/// One run of a tunnel's tool.
#[derive(Debug, Clone)]
pub(super) struct Launch {
    pub tool: Tool,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Set in the child's environment only: a secret here never shows in
    /// `ps` or /proc/PID/cmdline, as an argument would.
    pub env: Vec<(&'static str, Authtoken)>,
    /// How its output tells that it is up.
    pub flavor: Flavor,
    /// The public URL when the user gave it (own server, named tunnel).
    pub known_url: Option<String>,
    /// For SSH kinds: where it connects.
    pub ssh: Option<SshTarget>,
    /// E.g. "localhost.run (ssh)".
    pub name: String,
}

/// Everything a launch depends on besides the spec.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context<'a> {
    pub local: SocketAddr,
    pub data_dir: &'a Path,
    pub binaries: &'a Paths,
    pub ssh: &'a SshOverrides,
    pub ngrok_authtoken: Option<&'a Authtoken>,
}

/// Checks the spec and builds its launch.
pub(super) fn launch(spec: &TunnelSpec, cx: Context<'_>) -> Result<Launch, TunnelError> {
    let local = loopback(cx.local);
    match spec {
        TunnelSpec::Ssh { service } => ssh_launch(service, local, cx),
        TunnelSpec::Cloudflared { mode } => cloudflared_launch(mode, local, cx.binaries),
        TunnelSpec::Ngrok { authtoken } => ngrok_launch(*authtoken, local, cx),
    }
}

/// Checks what the user typed, without building anything (to refuse a bad
/// choice before it is saved).
pub(super) fn validate(spec: &TunnelSpec) -> Result<(), TunnelError> {
    match spec {
        TunnelSpec::Ssh {
            service:
                SshService::OwnServer {
                    host,
                    user,
                    port,
                    remote_port,
                    public_base_url,
                },
        } => {
            word("the server's host", host, true)?;
            if let Some(user) = user {
                word("the user name", user, false)?;
            }
            if *port == Some(0) {
                return Err(invalid("the server's SSH port cannot be 0"));
            }
            if *remote_port == 0 {
                return Err(invalid(
                    "the remote port cannot be 0: give the port the server listens on for the tunnel",
                ));
            }
            base_url(public_base_url).map(drop)
        }
        TunnelSpec::Cloudflared {
            mode: CloudflaredMode::Named { name, hostname },
        } => {
            word("the tunnel name", name, false)?;
            public_hostname(hostname).map(drop)
        }
        _ => Ok(()),
    }
}

/// The listener's address as a tunnel reaches it: a listener bound to every
/// interface is reached on loopback, never through another interface.
fn loopback(local: SocketAddr) -> SocketAddr {
    match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), local.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), local.port())
        }
        _ => local,
    }
}

fn ssh_launch(
    service: &SshService,
    local: SocketAddr,
    cx: Context<'_>,
) -> Result<Launch, TunnelError> {
    validate(&TunnelSpec::Ssh {
        service: service.clone(),
    })?;
    let mut args = ssh_common_args(cx.data_dir, cx.ssh);
    // `[::1]` for IPv6: ssh reads a bare colon as a field separator.
    let target = match local.ip() {
        IpAddr::V4(ip) => format!("{ip}:{}", local.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", local.port()),
    };
    let (flavor, known_url, name, port, destination, forward) = match service {
        SshService::LocalhostRun => (
            Flavor::LocalhostRun,
            None,
            "localhost.run (ssh)".to_owned(),
            None,
            LOCALHOST_RUN.to_owned(),
            format!("80:{target}"),
        ),
        SshService::Pinggy => (
            Flavor::Pinggy,
            None,
            "Pinggy (ssh)".to_owned(),
            Some(PINGGY_PORT),
            PINGGY.to_owned(),
            format!("0:{target}"),
        ),
        SshService::OwnServer {
            host,
            user,
            port,
            remote_port,
            public_base_url,
        } => {
            let destination = match user {
                Some(user) => format!("{user}@{host}"),
                None => host.clone(),
            };
            // Nothing to read from a plain sshd: the tunnel only forwards.
            args.push("-N".into());
            (
                Flavor::OwnServer,
                Some(base_url(public_base_url)?),
                format!("ssh to {destination}"),
                *port,
                destination,
                format!("{remote_port}:{target}"),
            )
        }
    };
    if let Some(port) = port {
        args.push("-p".into());
        args.push(port.to_string().into());
    }
    args.push("-R".into());
    args.push(forward.into());
    // Everything after `--` is the destination, never an option.
    args.push("--".into());
    args.push(destination.clone().into());
    Ok(Launch {
        tool: Tool::Ssh,
        program: cx.binaries.ssh.clone(),
        args,
        env: Vec::new(),
        flavor,
        known_url,
        ssh: Some(SshTarget {
            destination,
            port,
            config_file: cx.ssh.config_file.clone(),
        }),
        name,
    })
}

/// Options every SSH tunnel runs with, whatever the user's config says
/// (options given on the command line win over the config files):
/// - `-v`: ssh says when the remote forward is in place ("remote forward
///   success") and which host key the server presented; debug lines are
///   parsed, then mostly left out of the details view.
/// - `-T`: no terminal; localhost.run and Pinggy print plain lines then.
/// - `BatchMode`: never prompt (no passphrase or password dialog appears
///   from a background process); the user's agent and keys are used.
/// - `ExitOnForwardFailure`: a forward the server refuses ends ssh, instead
///   of a connection that looks up and forwards nothing.
/// - `ServerAliveInterval`/`CountMax`: a dead connection is noticed within
///   45 s and restarted, instead of hanging until TCP gives up.
/// - `StrictHostKeyChecking=yes` with the user's known_hosts and Hooklens's
///   own file, `UpdateHostKeys=no`: an unknown key stops the connection for
///   the user to decide, and nothing is ever written to the user's files.
/// - `ControlMaster=no`, `ControlPath=none`: a multiplexing master from the
///   user's config would carry the forward in a process Hooklens does not
///   own, which stopping the tunnel would not end.
fn ssh_common_args(data_dir: &Path, overrides: &SshOverrides) -> Vec<OsString> {
    let user_known_hosts = overrides
        .known_hosts
        .as_deref()
        .map_or_else(|| "~/.ssh/known_hosts".to_owned(), ssh_config_path);
    let ours = ssh_config_path(&data_dir.join(KNOWN_HOSTS_FILE));
    let mut args: Vec<OsString> = vec!["-v".into(), "-T".into()];
    for option in [
        "BatchMode=yes".to_owned(),
        "ExitOnForwardFailure=yes".to_owned(),
        "ServerAliveInterval=15".to_owned(),
        "ServerAliveCountMax=3".to_owned(),
        "ConnectTimeout=20".to_owned(),
        "StrictHostKeyChecking=yes".to_owned(),
        "UpdateHostKeys=no".to_owned(),
        format!("UserKnownHostsFile={user_known_hosts} {ours}"),
        "ControlMaster=no".to_owned(),
        "ControlPath=none".to_owned(),
    ] {
        args.push("-o".into());
        args.push(option.into());
    }
    if let Some(file) = &overrides.config_file {
        args.push("-F".into());
        args.push(file.into());
    }
    if let Some(identity) = &overrides.identity {
        args.push("-i".into());
        args.push(identity.into());
        args.push("-o".into());
        args.push("IdentitiesOnly=yes".into());
    }
    args
}

/// A path as one word of an ssh config value: double-quoted with `\` and
/// `"` escaped (ssh splits the value on spaces), and `%` doubled (ssh
/// expands `%` tokens in UserKnownHostsFile).
fn ssh_config_path(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let mut quoted = String::with_capacity(raw.len() + 2);
    quoted.push('"');
    for c in raw.chars() {
        match c {
            '\\' | '"' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn cloudflared_launch(
    mode: &CloudflaredMode,
    local: SocketAddr,
    binaries: &Paths,
) -> Result<Launch, TunnelError> {
    let origin = format!("http://{local}");
    // `--no-autoupdate`: an update restarts cloudflared as a new process
    // and ends the one Hooklens watches, which would read as a drop.
    let mut args: Vec<OsString> = vec!["tunnel".into(), "--no-autoupdate".into()];
    let (flavor, known_url, name) = match mode {
        CloudflaredMode::Quick => {
            args.extend(["--url".into(), origin.into()]);
            (
                Flavor::CloudflaredQuick,
                None,
                "cloudflared quick tunnel".to_owned(),
            )
        }
        CloudflaredMode::Named { name, hostname } => {
            word("the tunnel name", name, false)?;
            let url = public_hostname(hostname)?;
            args.extend([
                "run".into(),
                "--url".into(),
                origin.into(),
                "--".into(),
                name.into(),
            ]);
            (
                Flavor::CloudflaredNamed,
                Some(url),
                format!("cloudflared tunnel {name}"),
            )
        }
    };
    Ok(Launch {
        tool: Tool::Cloudflared,
        program: binaries.cloudflared.clone(),
        args,
        env: Vec::new(),
        flavor,
        known_url,
        ssh: None,
        name,
    })
}

fn ngrok_launch(
    auth: NgrokAuth,
    local: SocketAddr,
    cx: Context<'_>,
) -> Result<Launch, TunnelError> {
    let env = match (auth, cx.ngrok_authtoken) {
        (NgrokAuth::AgentConfig, _) => Vec::new(),
        (NgrokAuth::Stored, Some(token)) => vec![("NGROK_AUTHTOKEN", token.clone())],
        (NgrokAuth::Stored, None) => {
            return Err(invalid(
                "no ngrok authtoken is stored in Hooklens: give yours, or let ngrok use the one in its own config file",
            ));
        }
    };
    Ok(Launch {
        tool: Tool::Ngrok,
        program: cx.binaries.ngrok.clone(),
        args: vec![
            "http".into(),
            local.to_string().into(),
            "--log".into(),
            "stdout".into(),
            "--log-format".into(),
            "json".into(),
        ],
        env,
        flavor: Flavor::Ngrok,
        known_url: None,
        ssh: None,
        name: "ngrok".to_owned(),
    })
}

fn invalid(message: impl Into<String>) -> TunnelError {
    TunnelError::Invalid(message.into())
}

/// A host, user or tunnel name: one word that cannot pass for an option.
fn word(what: &str, value: &str, host: bool) -> Result<(), TunnelError> {
    if value.is_empty() {
        return Err(invalid(format!("{what} is empty")));
    }
    if value.chars().count() > 253 {
        return Err(invalid(format!("{what} is longer than 253 characters")));
    }
    if value.starts_with('-') {
        return Err(invalid(format!("{what} cannot start with `-`: {value:?}")));
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '-' | '_')
            || (host && matches!(c, ':' | '[' | ']'))
    };
    if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
        return Err(invalid(format!(
            "{what} {value:?} holds {bad:?}; letters, digits, `.`, `-` and `_` only{}",
            if host {
                " (and `:`, `[`, `]` for IPv6)"
            } else {
                ""
            }
        )));
    }
    Ok(())
}

/// The public base URL of the user's own server: http(s), a host, no query
/// or fragment; returned without a trailing slash so endpoint paths append.
pub(super) fn base_url(raw: &str) -> Result<String, TunnelError> {
    let url = crate::wire::target_url(raw).map_err(TunnelError::Invalid)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "the public base URL {raw:?} cannot have a query or a fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A named tunnel's public hostname, e.g. `hooks.example.com`, as its URL.
fn public_hostname(raw: &str) -> Result<String, TunnelError> {
    let host = raw.trim();
    let host = host.strip_prefix("https://").unwrap_or(host);
    let host = host.trim_end_matches('/');
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if !valid {
        return Err(invalid(format!(
            "the hostname {raw:?} is not a DNS name like hooks.example.com"
        )));
    }
    Ok(format!("https://{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn cx<'a>(
        binaries: &'a Paths,
        ssh: &'a SshOverrides,
        token: Option<&'a Authtoken>,
    ) -> Context<'a> {
        Context {
            local: "127.0.0.1:9494".parse().unwrap(),
            data_dir: Path::new("/data/hook lens"),
            binaries,
            ssh,
            ngrok_authtoken: token,
        }
    }

    fn ssh(service: SshService) -> TunnelSpec {
        TunnelSpec::Ssh { service }
    }

    const COMMON: &[&str] = &[
        "-v",
        "-T",
        "-o",
        "BatchMode=yes",
        "-o",
        "ExitOnForwardFailure=yes",
        "-o",
        "ServerAliveInterval=15",
        "-o",
        "ServerAliveCountMax=3",
        "-o",
        "ConnectTimeout=20",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "UpdateHostKeys=no",
        "-o",
        "UserKnownHostsFile=~/.ssh/known_hosts \"/data/hook lens/known_hosts\"",
        "-o",
        "ControlMaster=no",
        "-o",
        "ControlPath=none",
    ];

    #[test]
    fn localhost_run_forwards_port_80_to_the_listener() {
        let (paths, overrides) = (Paths::default(), SshOverrides::default());
        let launch = launch(&ssh(SshService::LocalhostRun), cx(&paths, &overrides, None)).unwrap();
        assert_eq!(launch.program, PathBuf::from("ssh"));
        let mut expected: Vec<&str> = COMMON.to_vec();
        expected.extend(["-R", "80:127.0.0.1:9494", "--", "nokey@localhost.run"]);
        assert_eq!(strings(&launch.args), expected);
        assert_eq!(launch.flavor, Flavor::LocalhostRun);
        assert_eq!(launch.known_url, None);
    }

    #[test]
    fn pinggy_connects_on_port_443_and_lets_the_server_pick_the_port() {
        let (paths, overrides) = (Paths::default(), SshOverrides::default());
        let launch = launch(&ssh(SshService::Pinggy), cx(&paths, &overrides, None)).unwrap();
        let mut expected: Vec<&str> = COMMON.to_vec();
        expected.extend(["-p", "443", "-R", "0:127.0.0.1:9494", "--", "a.pinggy.io"]);
        assert_eq!(strings(&launch.args), expected);
    }

    #[test]
    fn an_own_server_gets_no_session_and_the_users_overrides() {
        let paths = Paths::default();
        let overrides = SshOverrides {
            config_file: Some("/tmp/t/ssh_config".into()),
            identity: Some("/tmp/t/id_ed25519".into()),
            known_hosts: Some("/tmp/t/known 100%".into()),
        };
        let spec = ssh(SshService::OwnServer {
            host: "203.0.113.7".into(),
            user: Some("hooks".into()),
            port: Some(2222),
            remote_port: 8080,
            public_base_url: "https://hooks.example.com/".into(),
        });
        let launch = launch(&spec, cx(&paths, &overrides, None)).unwrap();
        let args = strings(&launch.args);
        assert!(
            args.contains(
                &"UserKnownHostsFile=\"/tmp/t/known 100%%\" \"/data/hook lens/known_hosts\""
                    .to_owned()
            ),
            "{args:?}"
        );
        let tail: Vec<&str> = args[COMMON.len()..].iter().map(String::as_str).collect();
        assert_eq!(
            tail,
            [
                "-F",
                "/tmp/t/ssh_config",
                "-i",
                "/tmp/t/id_ed25519",
                "-o",
                "IdentitiesOnly=yes",
                "-N",
                "-p",
                "2222",
                "-R",
                "8080:127.0.0.1:9494",
                "--",
                "hooks@203.0.113.7",
            ]
        );
        assert_eq!(
            launch.known_url.as_deref(),
            Some("https://hooks.example.com")
        );
        assert_eq!(
            launch.ssh.unwrap().resolve_args(),
            [
                "-G",
                "-F",
                "/tmp/t/ssh_config",
                "-p",
                "2222",
                "--",
                "hooks@203.0.113.7"
            ]
            .map(OsString::from)
        );
    }

    #[test]
    fn a_listener_on_every_interface_is_reached_on_loopback() {
        let (paths, overrides) = (Paths::default(), SshOverrides::default());
        let mut context = cx(&paths, &overrides, None);
        context.local = "0.0.0.0:9494".parse().unwrap();
        let v4 = launch(&ssh(SshService::LocalhostRun), context).unwrap();
        assert!(strings(&v4.args).contains(&"80:127.0.0.1:9494".to_owned()));
        context.local = "[::]:9494".parse().unwrap();
        let v6 = launch(&ssh(SshService::LocalhostRun), context).unwrap();
        assert!(strings(&v6.args).contains(&"80:[::1]:9494".to_owned()));
    }

    #[test]
    fn cloudflared_quick_and_named() {
        let (paths, overrides) = (Paths::default(), SshOverrides::default());
        let quick = launch(
            &TunnelSpec::Cloudflared {
                mode: CloudflaredMode::Quick,
            },
            cx(&paths, &overrides, None),
        )
        .unwrap();
        assert_eq!(quick.program, PathBuf::from("cloudflared"));
        assert_eq!(
            strings(&quick.args),
            [
                "tunnel",
                "--no-autoupdate",
                "--url",
                "http://127.0.0.1:9494"
            ]
        );
        let named = launch(
            &TunnelSpec::Cloudflared {
                mode: CloudflaredMode::Named {
                    name: "hooklens".into(),
                    hostname: "Hooks.Example.com".into(),
                },
            },
            cx(&paths, &overrides, None),
        )
        .unwrap();
        assert_eq!(
            strings(&named.args),
            [
                "tunnel",
                "--no-autoupdate",
                "run",
                "--url",
                "http://127.0.0.1:9494",
                "--",
                "hooklens"
            ]
        );
        assert_eq!(
            named.known_url.as_deref(),
            Some("https://hooks.example.com")
        );
    }

    #[test]
    fn the_ngrok_authtoken_goes_in_the_environment_never_in_argv() {
        let (paths, overrides) = (Paths::default(), SshOverrides::default());
        let token = Authtoken::new("2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd").unwrap();
        let launch = launch(
            &TunnelSpec::Ngrok {
                authtoken: NgrokAuth::Stored,
            },
            cx(&paths, &overrides, Some(&token)),
        )
        .unwrap();
        assert_eq!(
            strings(&launch.args),
            [
                "http",
                "127.0.0.1:9494",
                "--log",
                "stdout",
                "--log-format",
                "json"
            ]
        );
        assert!(strings(&launch.args).iter().all(|a| !a.contains("2abcDEF")));
        assert_eq!(launch.env.len(), 1);
        assert_eq!(launch.env[0].0, "NGROK_AUTHTOKEN");
        // The agent's own config: nothing passed at all.
        let own = super::launch(
            &TunnelSpec::Ngrok {
                authtoken: NgrokAuth::AgentConfig,
            },
            cx(&paths, &overrides, Some(&token)),
        )
        .unwrap();
        assert!(own.env.is_empty());
        let err = super::launch(
            &TunnelSpec::Ngrok {
                authtoken: NgrokAuth::Stored,
            },
            cx(&paths, &overrides, None),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no ngrok authtoken"), "{err}");
    }

    #[test]
    fn values_that_could_pass_for_options_are_refused() {
        let own = |host: &str, user: Option<&str>| {
            validate(&ssh(SshService::OwnServer {
                host: host.into(),
                user: user.map(Into::into),
                port: None,
                remote_port: 8080,
                public_base_url: "https://hooks.example.com".into(),
            }))
        };
        assert!(own("example.com", Some("me")).is_ok());
        assert!(own("[2001:db8::1]", None).is_ok());
        assert!(own("myalias", None).is_ok());
        for (host, user) in [
            ("-oProxyCommand=touch /tmp/x", None),
            ("example.com", Some("-oProxyCommand=x")),
            ("exa mple.com", None),
            ("example.com\n", None),
            ("", None),
            ("a@b", None),
        ] {
            let err = own(host, user).unwrap_err();
            assert!(matches!(err, TunnelError::Invalid(_)), "{host:?}: {err}");
        }
        let named = |name: &str, hostname: &str| {
            validate(&TunnelSpec::Cloudflared {
                mode: CloudflaredMode::Named {
                    name: name.into(),
                    hostname: hostname.into(),
                },
            })
        };
        assert!(named("hooklens", "hooks.example.com").is_ok());
        assert!(named("--config=/x", "hooks.example.com").is_err());
        assert!(named("hooklens", "not a host").is_err());
        let err = validate(&ssh(SshService::OwnServer {
            host: "example.com".into(),
            user: None,
            port: None,
            remote_port: 0,
            public_base_url: "https://hooks.example.com".into(),
        }))
        .unwrap_err();
        assert!(err.to_string().contains("remote port"), "{err}");
        assert!(base_url("ftp://x.example").is_err());
        assert!(base_url("https://x.example/?a=1").is_err());
        assert_eq!(
            base_url("https://x.example/hooks/").unwrap(),
            "https://x.example/hooks"
        );
    }
}
