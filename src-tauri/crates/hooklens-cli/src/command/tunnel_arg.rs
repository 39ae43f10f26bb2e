//! `serve --tunnel KIND[:ARGS]`: the tunnel to start, in one word.
//!
//! - `localhost.run`, `pinggy` (or `ssh:localhost.run`, `ssh:pinggy`)
//! - `ssh:[USER@]HOST[:PORT],remote=PORT,public=URL`: your own server
//! - `cloudflared` (a quick tunnel), `cloudflared:NAME@HOSTNAME` (named)
//! - `ngrok` (the authtoken of your ngrok config), `ngrok:stored` (the one
//!   given to Hooklens in the app)
//! - `saved`: what was last picked in the app

use hooklens_core::model::{CloudflaredMode, NgrokAuth, SshService, TunnelSpec};

pub const HELP: &str = "Also make the listener public through a tunnel: localhost.run, pinggy, \
ssh:[USER@]HOST[:PORT],remote=PORT,public=URL (your own server with GatewayPorts), cloudflared, \
cloudflared:NAME@HOSTNAME, ngrok, ngrok:stored, or saved (the app's last choice)";

const FORMS: &str = "use localhost.run, pinggy, ssh:[USER@]HOST[:PORT],remote=PORT,public=URL, \
cloudflared, cloudflared:NAME@HOSTNAME, ngrok, ngrok:stored or saved";

/// What `--tunnel` asks for: a spec, or the saved choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelArg {
    Spec(TunnelSpec),
    Saved,
}

pub fn parse(text: &str) -> Result<TunnelArg, String> {
    let text = text.trim();
    let (kind, rest) = match text.split_once(':') {
        Some((kind, rest)) => (kind, Some(rest)),
        None => (text, None),
    };
    let spec = match (kind, rest) {
        ("saved", None) => return Ok(TunnelArg::Saved),
        ("localhost.run", None) | ("ssh", Some("localhost.run")) => TunnelSpec::Ssh {
            service: SshService::LocalhostRun,
        },
        ("pinggy", None) | ("ssh", Some("pinggy")) => TunnelSpec::Ssh {
            service: SshService::Pinggy,
        },
        ("ssh", Some(server)) => own_server(server)?,
        ("cloudflared", None) => TunnelSpec::Cloudflared {
            mode: CloudflaredMode::Quick,
        },
        ("cloudflared", Some(named)) => {
            let (name, hostname) = named
                .split_once('@')
                .filter(|(n, h)| !n.is_empty() && !h.is_empty())
                .ok_or("a named cloudflared tunnel is cloudflared:NAME@HOSTNAME")?;
            TunnelSpec::Cloudflared {
                mode: CloudflaredMode::Named {
                    name: name.to_owned(),
                    hostname: hostname.to_owned(),
                },
            }
        }
        ("ngrok", None) => TunnelSpec::Ngrok {
            authtoken: NgrokAuth::AgentConfig,
        },
        ("ngrok", Some("stored")) => TunnelSpec::Ngrok {
            authtoken: NgrokAuth::Stored,
        },
        _ => return Err(format!("unknown tunnel `{text}`: {FORMS}")),
    };
    Ok(TunnelArg::Spec(spec))
}

/// `[USER@]HOST[:PORT],remote=PORT,public=URL`.
fn own_server(text: &str) -> Result<TunnelSpec, String> {
    const FORM: &str = "your own server is ssh:[USER@]HOST[:PORT],remote=PORT,public=URL";
    let mut parts = text.split(',');
    let target = parts.next().unwrap_or_default();
    let (user, host_port) = match target.split_once('@') {
        Some((user, rest)) => (Some(user.to_owned()), rest),
        None => (None, target),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (
            host,
            Some(
                port.parse::<u16>()
                    .map_err(|_| format!("`{port}` is not an SSH port; {FORM}"))?,
            ),
        ),
        None => (host_port, None),
    };
    if host.is_empty() {
        return Err(FORM.to_owned());
    }
    let (mut remote, mut public) = (None, None);
    for part in parts {
        match part.split_once('=') {
            Some(("remote", port)) => {
                remote = Some(
                    port.parse::<u16>()
                        .map_err(|_| format!("`{port}` is not a port; {FORM}"))?,
                )
            }
            Some(("public", url)) => public = Some(url.to_owned()),
            _ => return Err(format!("`{part}` is not remote=PORT or public=URL; {FORM}")),
        }
    }
    let (Some(remote_port), Some(public_base_url)) = (remote, public) else {
        return Err(FORM.to_owned());
    };
    Ok(TunnelSpec::Ssh {
        service: SshService::OwnServer {
            host: host.to_owned(),
            user,
            port,
            remote_port,
            public_base_url,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_from_one_word() {
        assert_eq!(
            parse("localhost.run"),
            Ok(TunnelArg::Spec(TunnelSpec::Ssh {
                service: SshService::LocalhostRun
            }))
        );
        assert_eq!(parse("ssh:pinggy"), parse("pinggy"));
        assert_eq!(parse("saved"), Ok(TunnelArg::Saved));
        assert_eq!(
            parse("ssh:deploy@hooks.example.com:2222,remote=8080,public=https://hooks.example.com"),
            Ok(TunnelArg::Spec(TunnelSpec::Ssh {
                service: SshService::OwnServer {
                    host: "hooks.example.com".into(),
                    user: Some("deploy".into()),
                    port: Some(2222),
                    remote_port: 8080,
                    public_base_url: "https://hooks.example.com".into(),
                }
            }))
        );
        assert_eq!(
            parse("cloudflared:hooklens@hooks.example.com"),
            Ok(TunnelArg::Spec(TunnelSpec::Cloudflared {
                mode: CloudflaredMode::Named {
                    name: "hooklens".into(),
                    hostname: "hooks.example.com".into()
                }
            }))
        );
        assert_eq!(
            parse("ngrok:stored"),
            Ok(TunnelArg::Spec(TunnelSpec::Ngrok {
                authtoken: NgrokAuth::Stored
            }))
        );
    }

    #[test]
    fn a_wrong_word_says_what_is_expected() {
        assert!(
            parse("frp")
                .unwrap_err()
                .starts_with("unknown tunnel `frp`")
        );
        assert!(
            parse("ssh:host")
                .unwrap_err()
                .contains("remote=PORT,public=URL")
        );
        assert!(
            parse("ssh:host:x,remote=1,public=u")
                .unwrap_err()
                .contains("not an SSH port")
        );
        assert!(
            parse("cloudflared:justaname")
                .unwrap_err()
                .contains("NAME@HOSTNAME")
        );
    }
}
