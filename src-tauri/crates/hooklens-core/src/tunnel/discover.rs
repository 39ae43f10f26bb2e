//! Reading what each tool prints: the public URL, the sign that traffic
//! can flow, and the lines that say why it stopped. Pure functions of one
//! line, tested with the documented output of each tool
//! (tests/fixtures/tunnel/, where each quote's source is given).

use serde_json::Value;

/// Which output a launch reads, and what "up" means for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// Up when localhost.run prints `… tunneled with tls termination, https://…`.
    LocalhostRun,
    /// Up when Pinggy prints its `https://….pinggy.link` URL.
    Pinggy,
    /// Up when ssh says the remote forward succeeded (`ssh -v`); the URL is
    /// the one the user gave.
    OwnServer,
    /// Up when the trycloudflare URL is printed and a connection to
    /// Cloudflare's edge is registered (before that the URL answers 530).
    CloudflaredQuick,
    /// Up when a connection is registered; the URL is the user's hostname.
    CloudflaredNamed,
    /// Up when the agent logs `started tunnel` with its URL.
    Ngrok,
}

impl Flavor {
    fn is_ssh(self) -> bool {
        matches!(
            self,
            Flavor::LocalhostRun | Flavor::Pinggy | Flavor::OwnServer
        )
    }
}

/// Which pipe a line came from: for ssh, stderr is ssh's own voice and
/// stdout the remote service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stream {
    Out,
    Err,
}

/// What one line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sign {
    /// The public URL, e.g. `https://f27f2133f61afa.lhr.life`.
    Url(String),
    /// Traffic can flow (a forward or an edge connection is in place).
    Ready,
    /// `ssh -v`: the host key the server presented.
    ServerHostKey {
        key_type: String,
        fingerprint: String,
    },
    /// ssh refused an unknown host key (strict checking).
    HostKeyUnknown { host: String, key_type: String },
    /// ssh refused a host key that differs from the known one.
    HostKeyChanged { host: String },
    /// Where the known key that no longer matches is kept, e.g.
    /// `/home/me/.ssh/known_hosts:3`.
    OffendingKey(String),
    /// A line that says what went wrong, in the tool's words.
    Problem(String),
}

/// What `line` says for a launch of `flavor`; None for the rest.
pub(super) fn read(flavor: Flavor, stream: Stream, line: &str) -> Option<Sign> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    if flavor.is_ssh()
        && let Some(sign) = ssh_line(stream, line)
    {
        return Some(sign);
    }
    match flavor {
        Flavor::LocalhostRun => localhost_run_url(line).map(Sign::Url),
        Flavor::Pinggy => pinggy_url(line).map(Sign::Url),
        Flavor::OwnServer => None,
        Flavor::CloudflaredQuick | Flavor::CloudflaredNamed => cloudflared_line(flavor, line),
        Flavor::Ngrok => ngrok_line(line),
    }
}

/// Whether a line is ssh's debug chatter (`debug1: …`), which the details
/// view leaves out unless it matters (see [`worth_showing`]).
pub(super) fn is_debug(line: &str) -> bool {
    line.trim_start().starts_with("debug")
}

/// Debug lines that help a person see where the connection got to.
pub(super) fn worth_showing(line: &str) -> bool {
    if !is_debug(line) {
        return true;
    }
    [
        "Connecting to ",
        "Connection established",
        "Server host key:",
        "Authenticated to ",
        "remote forward ",
        "Authentications that can continue",
        "No more authentication methods",
    ]
    .iter()
    .any(|needle| line.contains(needle))
}

fn ssh_line(stream: Stream, line: &str) -> Option<Sign> {
    if stream == Stream::Out {
        return None;
    }
    if let Some(rest) = line.strip_prefix("debug1: ") {
        if let Some(key) = rest.strip_prefix("Server host key: ") {
            let mut words = key.split_whitespace();
            let (key_type, fingerprint) = (words.next()?, words.next()?);
            return Some(Sign::ServerHostKey {
                key_type: key_type.to_owned(),
                fingerprint: fingerprint.to_owned(),
            });
        }
        // "remote forward success for: listen 8080, connect 127.0.0.1:9494"
        if rest.starts_with("remote forward success for:") {
            return Some(Sign::Ready);
        }
        return None;
    }
    // "No ED25519 host key is known for [127.0.0.1]:2222 and you have
    // requested strict checking."
    if let Some(rest) = line.strip_prefix("No ")
        && let Some((key_type, rest)) = rest.split_once(" host key is known for ")
    {
        let host = rest
            .split(" and you have requested strict checking")
            .next()?;
        return Some(Sign::HostKeyUnknown {
            host: host.trim().to_owned(),
            key_type: key_type.trim().to_owned(),
        });
    }
    // "Host key for [127.0.0.1]:2222 has changed and you have requested
    // strict checking."
    if let Some(rest) = line.strip_prefix("Host key for ")
        && let Some(host) = rest.split(" has changed").next().filter(|h| *h != rest)
    {
        return Some(Sign::HostKeyChanged {
            host: host.trim().to_owned(),
        });
    }
    // "Offending ED25519 key in /home/me/.ssh/known_hosts:3"
    if line.starts_with("Offending ")
        && let Some((_, place)) = line.split_once(" key in ")
    {
        return Some(Sign::OffendingKey(place.trim().to_owned()));
    }
    let lower = line.to_ascii_lowercase();
    let problem = [
        "error",
        "denied",
        "failed",
        "refused",
        "could not",
        "timed out",
        "timeout",
        "closed by",
        "not responding",
        "no route",
        "unreachable",
        "broken pipe",
        "connection reset",
        "disconnected",
        "bad ",
    ]
    .iter()
    .any(|word| lower.contains(word));
    problem.then(|| Sign::Problem(line.to_owned()))
}

/// The host of an `https://` URL starting at `text`, as `https://host`:
/// letters, digits, `.` and `-` only, so it ends at a space, `/`, `"` or a
/// `\` of a JSON escape.
fn https_url(text: &str) -> Option<String> {
    let rest = text.strip_prefix("https://")?;
    let host: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let valid = host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host.len() <= 253;
    valid.then(|| format!("https://{}", host.to_ascii_lowercase()))
}

/// `8beaa541ba3dc2.lhr.life tunneled with tls termination,
/// https://8beaa541ba3dc2.lhr.life`: only this line, as the banner also
/// prints localhost.run's own links (admin, docs).
fn localhost_run_url(line: &str) -> Option<String> {
    let (_, after) = line.split_once("tunneled with tls termination, ")?;
    https_url(after)
}

/// A line that is Pinggy's HTTPS URL, e.g.
/// `https://yqycl-98-162-69-48.a.free.pinggy.link`.
fn pinggy_url(line: &str) -> Option<String> {
    let at = line.find("https://")?;
    let url = https_url(&line[at..])?;
    (url.ends_with(".pinggy.link") || url.ends_with(".pinggy.online")).then_some(url)
}

fn cloudflared_line(flavor: Flavor, line: &str) -> Option<Sign> {
    // "Registered tunnel connection connIndex=0 …"; cloudflared before
    // mid-2022 wrote "Connection <uuid> registered connIndex=1 …".
    let older = line.contains(" Connection ") && line.contains(" registered");
    if line.contains("Registered tunnel connection") || older {
        return Some(Sign::Ready);
    }
    if flavor == Flavor::CloudflaredQuick {
        // The URL sits in a box: `|  https://xxx.trycloudflare.com  |`;
        // api.trycloudflare.com shows up in error lines and is not it.
        if let Some(at) = line.find("https://")
            && let Some(url) = https_url(&line[at..])
        {
            let sub = url
                .strip_prefix("https://")
                .and_then(|h| h.strip_suffix(".trycloudflare.com"));
            if let Some(sub) = sub
                && !sub.is_empty()
                && !sub.contains('.')
                && sub != "api"
            {
                return Some(Sign::Url(url));
            }
        }
    }
    cloudflared_problem(line).map(Sign::Problem)
}

/// `2024-02-08T06:25:47Z ERR <message>` (zerolog's console format), or a
/// bare `failed …`/`error …` line printed as cloudflared exits; returned
/// without the timestamp and level.
fn cloudflared_problem(line: &str) -> Option<String> {
    for level in [" ERR ", " FTL "] {
        if let Some((_, message)) = line.split_once(level) {
            return Some(message.trim().to_owned());
        }
    }
    let lower = line.to_ascii_lowercase();
    (lower.starts_with("failed") || lower.starts_with("error") || lower.contains("incorrect usage"))
        .then(|| line.to_owned())
}

/// One line of `ngrok … --log stdout --log-format json`: `started tunnel`
/// with its `url`, or an error record. The same records in logfmt (what
/// the agent writes when its config file asks for it, or older agents)
/// are read too; and the plain `ERROR:  …` lines it prints when it gives up.
fn ngrok_line(line: &str) -> Option<Sign> {
    if let Some(rest) = line.strip_prefix("ERROR:") {
        let words = one_line(rest);
        return (!words.is_empty()).then_some(Sign::Problem(words));
    }
    let record = ngrok_record(line)?;
    let text = |key: &str| {
        record
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if text("msg") == Some("started tunnel") {
        return text("url").and_then(https_url).map(Sign::Url);
    }
    let level = text("lvl").unwrap_or_default().to_ascii_lowercase();
    if matches!(level.as_str(), "eror" | "error" | "crit" | "fatal") {
        let message = text("msg").unwrap_or("error");
        return Some(Sign::Problem(match text("err") {
            Some(err) => format!("{message}: {}", one_line(err)),
            None => message.to_owned(),
        }));
    }
    None
}

/// A log record's string fields: a JSON object, or logfmt
/// (`key=value key="quoted \"value\""`). None for other lines.
fn ngrok_record(line: &str) -> Option<Vec<(String, String)>> {
    if line.starts_with('{') {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(line) else {
            return None;
        };
        return Some(
            map.into_iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
                .collect(),
        );
    }
    if !line.starts_with("t=") && !line.starts_with("lvl=") {
        return None;
    }
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if key.is_empty() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some('r') => value.push('\r'),
                        Some('t') => value.push('\t'),
                        Some(other) => value.push(other),
                        None => break,
                    },
                    _ => value.push(c),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())));
        }
        fields.push((key, value));
    }
    Some(fields)
}

/// Several lines of a message as one, for a reason shown in one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a run has read so far, and whether that makes it up.
#[derive(Debug, Clone, Default)]
pub(super) struct Progress {
    pub url: Option<String>,
    pub ready: bool,
    pub server_key: Option<(String, String)>,
    pub unknown_key: Option<(String, String)>,
    pub changed_key: Option<String>,
    pub offending: Option<String>,
    /// The last line that said what went wrong.
    pub problem: Option<String>,
}

impl Progress {
    pub(super) fn note(&mut self, sign: Sign) {
        match sign {
            Sign::Url(url) => {
                self.url.get_or_insert(url);
            }
            Sign::Ready => self.ready = true,
            Sign::ServerHostKey {
                key_type,
                fingerprint,
            } => self.server_key = Some((key_type, fingerprint)),
            Sign::HostKeyUnknown { host, key_type } => {
                self.unknown_key = Some((host, key_type));
            }
            Sign::HostKeyChanged { host } => self.changed_key = Some(host),
            Sign::OffendingKey(place) => self.offending = Some(place),
            Sign::Problem(line) => self.problem = Some(line),
        }
    }

    /// The public URL once traffic can flow through it.
    pub(super) fn up(&self, flavor: Flavor, known_url: Option<&str>) -> Option<String> {
        match flavor {
            Flavor::LocalhostRun | Flavor::Pinggy | Flavor::Ngrok => self.url.clone(),
            Flavor::CloudflaredQuick => self.url.clone().filter(|_| self.ready),
            Flavor::OwnServer | Flavor::CloudflaredNamed => {
                known_url.filter(|_| self.ready).map(str::to_owned)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture's lines, without its `#` comments.
    fn fixture(text: &str) -> impl Iterator<Item = &str> {
        text.lines().filter(|l| !l.starts_with('#'))
    }

    fn run(flavor: Flavor, stream: Stream, text: &str) -> Progress {
        let mut progress = Progress::default();
        for line in fixture(text) {
            if let Some(sign) = read(flavor, stream, line) {
                progress.note(sign);
            }
        }
        progress
    }

    const LOCALHOST_RUN: &str = include_str!("../../tests/fixtures/tunnel/localhost-run.txt");
    const PINGGY: &str = include_str!("../../tests/fixtures/tunnel/pinggy.txt");
    const CLOUDFLARED_QUICK: &str =
        include_str!("../../tests/fixtures/tunnel/cloudflared-quick.log");
    const CLOUDFLARED_NAMED: &str =
        include_str!("../../tests/fixtures/tunnel/cloudflared-named.log");
    const CLOUDFLARED_FAILED: &str =
        include_str!("../../tests/fixtures/tunnel/cloudflared-failed.log");
    const NGROK: &str = include_str!("../../tests/fixtures/tunnel/ngrok.jsonl");
    const NGROK_FAILED: &str = include_str!("../../tests/fixtures/tunnel/ngrok-failed.jsonl");
    const SSH_UNKNOWN: &str = include_str!("../../tests/fixtures/tunnel/ssh-host-key-unknown.txt");
    const SSH_CHANGED: &str = include_str!("../../tests/fixtures/tunnel/ssh-host-key-changed.txt");
    const SSH_FORWARD: &str = include_str!("../../tests/fixtures/tunnel/ssh-remote-forward.txt");

    #[test]
    fn localhost_run_url_is_the_tunneled_line_not_the_banner_links() {
        let progress = run(Flavor::LocalhostRun, Stream::Out, LOCALHOST_RUN);
        assert_eq!(
            progress.up(Flavor::LocalhostRun, None).as_deref(),
            Some("https://8beaa541ba3dc2.lhr.life")
        );
        assert_eq!(
            read(
                Flavor::LocalhostRun,
                Stream::Out,
                "To set up and manage custom domains go to https://admin.localhost.run/"
            ),
            None
        );
        // The same words inside localhost.run's `--output json` record.
        assert_eq!(
            read(
                Flavor::LocalhostRun,
                Stream::Out,
                r#"{"address":"3b1d872d3c1d63.lhr.life","event":"tcpip-forward","message":"3b1d872d3c1d63.lhr.life tunneled with tls termination, https://3b1d872d3c1d63.lhr.life\nQR"}"#
            ),
            Some(Sign::Url("https://3b1d872d3c1d63.lhr.life".into()))
        );
    }

    #[test]
    fn pinggy_url_is_the_https_one() {
        let progress = run(Flavor::Pinggy, Stream::Out, PINGGY);
        assert_eq!(
            progress.up(Flavor::Pinggy, None).as_deref(),
            Some("https://yqycl-98-162-69-48.a.free.pinggy.link")
        );
        assert_eq!(
            read(Flavor::Pinggy, Stream::Out, "https://dashboard.pinggy.io"),
            None
        );
    }

    #[test]
    fn cloudflared_quick_is_up_once_the_url_is_known_and_a_connection_registered() {
        let mut progress = Progress::default();
        let mut up_at = None;
        for (n, line) in fixture(CLOUDFLARED_QUICK).enumerate() {
            if let Some(sign) = read(Flavor::CloudflaredQuick, Stream::Err, line) {
                progress.note(sign);
            }
            if up_at.is_none() && progress.up(Flavor::CloudflaredQuick, None).is_some() {
                up_at = Some(n);
                assert!(line.contains("Registered tunnel connection"), "{line}");
            }
        }
        assert!(up_at.is_some());
        assert_eq!(
            progress.url.as_deref(),
            Some("https://buffalo-marco-cardiff-motel.trycloudflare.com")
        );
        assert_eq!(progress.problem, None);
    }

    #[test]
    fn cloudflared_named_is_up_at_the_users_hostname() {
        let progress = run(Flavor::CloudflaredNamed, Stream::Err, CLOUDFLARED_NAMED);
        assert_eq!(
            progress
                .up(Flavor::CloudflaredNamed, Some("https://hooks.example.com"))
                .as_deref(),
            Some("https://hooks.example.com")
        );
        // The older wording, quoted from cloudflare/cloudflared#632 (2022).
        assert_eq!(
            read(
                Flavor::CloudflaredNamed,
                Stream::Err,
                "2022-04-26T13:57:23Z INF Connection 5c313303-b31f-4cbe-96d7-3c111c8ac630 registered connIndex=1 location=DEN"
            ),
            Some(Sign::Ready)
        );
        assert_eq!(
            read(
                Flavor::CloudflaredNamed,
                Stream::Err,
                "2022-08-21T00:22:25Z INF Unregistered tunnel connection connIndex=2"
            ),
            None
        );
        let nothing = Progress::default();
        assert_eq!(
            nothing.up(Flavor::CloudflaredNamed, Some("https://x.example")),
            None
        );
    }

    #[test]
    fn cloudflared_failure_names_the_error_not_the_api_url() {
        let progress = run(Flavor::CloudflaredQuick, Stream::Err, CLOUDFLARED_FAILED);
        assert_eq!(progress.url, None);
        let problem = progress.problem.unwrap();
        assert!(
            problem.starts_with("failed to request quick Tunnel"),
            "{problem}"
        );
    }

    #[test]
    fn ngrok_url_comes_from_the_started_tunnel_record() {
        let progress = run(Flavor::Ngrok, Stream::Out, NGROK);
        assert_eq!(
            progress.up(Flavor::Ngrok, None).as_deref(),
            Some("https://94b1-82-67-199-224.ngrok-free.app")
        );
        assert_eq!(progress.problem, None);
        // `addr` is a string in some agent versions, an object in others.
        assert_eq!(
            read(
                Flavor::Ngrok,
                Stream::Out,
                r#"{"addr":"http://localhost:80","lvl":"info","msg":"started tunnel","url":"https://ab12.ngrok-free.app"}"#
            ),
            Some(Sign::Url("https://ab12.ngrok-free.app".into()))
        );
        assert_eq!(read(Flavor::Ngrok, Stream::Out, "not json {"), None);
        // logfmt, as an agent configured with `log_format: logfmt` writes it.
        assert_eq!(
            read(
                Flavor::Ngrok,
                Stream::Out,
                r#"t=2026-09-30T02:40:01+0000 lvl=info msg="started tunnel" obj=tunnels name=command_line addr=http://localhost:4142 url=https://ab12.ngrok-free.app"#
            ),
            Some(Sign::Url("https://ab12.ngrok-free.app".into()))
        );
    }

    #[test]
    fn ngrok_errors_keep_their_code() {
        let progress = run(Flavor::Ngrok, Stream::Out, NGROK_FAILED);
        assert_eq!(progress.url, None);
        let problem = progress.problem.unwrap();
        assert!(
            problem.starts_with("command failed: authentication failed: Usage of ngrok requires"),
            "{problem}"
        );
        assert!(problem.ends_with("ERR_NGROK_4018"), "{problem}");
        assert!(!problem.contains('\n'), "{problem}");
        let json = fixture(NGROK_FAILED).nth(1).unwrap();
        let Some(Sign::Problem(words)) = read(Flavor::Ngrok, Stream::Out, json) else {
            panic!("{json}");
        };
        assert!(
            words.starts_with("failed to reconnect session: authentication failed"),
            "{words}"
        );
    }

    #[test]
    fn ssh_unknown_host_key_is_read_with_the_key_ssh_saw() {
        let progress = run(Flavor::OwnServer, Stream::Err, SSH_UNKNOWN);
        assert_eq!(
            progress.unknown_key,
            Some(("[127.0.0.1]:2222".to_owned(), "ED25519".to_owned()))
        );
        assert_eq!(
            progress.server_key,
            Some((
                "ssh-ed25519".to_owned(),
                "SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI".to_owned()
            ))
        );
        assert_eq!(
            progress.up(Flavor::OwnServer, Some("https://x.example")),
            None
        );
        assert_eq!(
            progress.problem.as_deref(),
            Some("Host key verification failed.")
        );
    }

    #[test]
    fn ssh_changed_host_key_names_the_offending_line() {
        let progress = run(Flavor::OwnServer, Stream::Err, SSH_CHANGED);
        assert_eq!(progress.changed_key.as_deref(), Some("[127.0.0.1]:2222"));
        assert_eq!(
            progress.offending.as_deref(),
            Some("/home/me/.local/share/hooklens/known_hosts:1")
        );
        assert_eq!(progress.unknown_key, None);
    }

    #[test]
    fn an_own_server_is_up_when_the_remote_forward_succeeds() {
        let progress = run(Flavor::OwnServer, Stream::Err, SSH_FORWARD);
        assert_eq!(
            progress
                .up(Flavor::OwnServer, Some("https://hooks.example.com"))
                .as_deref(),
            Some("https://hooks.example.com")
        );
        let refused = read(
            Flavor::OwnServer,
            Stream::Err,
            "Error: remote port forwarding failed for listen port 8080",
        );
        assert_eq!(
            refused,
            Some(Sign::Problem(
                "Error: remote port forwarding failed for listen port 8080".into()
            ))
        );
        // What the remote service prints is not ssh's voice.
        assert_eq!(
            read(Flavor::OwnServer, Stream::Out, "Error: whatever"),
            None
        );
    }

    #[test]
    fn debug_lines_are_shown_only_when_they_say_where_it_got_to() {
        assert!(worth_showing("Host key verification failed."));
        assert!(worth_showing(
            "debug1: Authenticated to 127.0.0.1 ([127.0.0.1]:2222) using \"publickey\"."
        ));
        assert!(!worth_showing("debug1: channel 0: new [client-session]"));
    }
}
