//! `send ID --to URL`: a captured event resent to a handler, edited,
//! re-signed or not, duplicated, or on a provider's retry schedule. This
//! module turns the options into what the core needs; [`send_job`] runs it.
//!
//! [`send_job`]: crate::send_job

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use hooklens_core::model::{Endpoint, Pattern, SignMode, Signing};
use hooklens_core::providers::schedules;
use hooklens_core::resend::{self, Draft, MAX_TIMES, client};
use hooklens_core::signature;
use hooklens_core::store::{EventDetail, Store};

use super::{find_endpoint, parse_header};
use crate::error::CliError;
use crate::send_job::{self, Job, parse_timeout};
use crate::term;

pub const LONG_ABOUT: &str = "\
Send stored event ID to the handler at --to URL: method, headers and body exactly as captured, \
except for what the options change. Each attempt prints as it completes, with the handler's status, \
headers and body (the first 4 KiB), and is recorded with the reply.

Signing: by default the request is re-signed with the scheme and newest secret of the event's \
endpoint (--endpoint: another endpoint's; --secret: another of its secrets): a fresh signature, \
timestamp and message id, so an edited body verifies at the handler. When that endpoint has no \
secret, the captured headers go as they are and a note on stderr says why. --keep-signature always \
sends them as captured; --missign and --stale test the handler's rejection paths.

Edits: --body-file replaces the body with a file's exact bytes; --header 'Name: value' replaces \
every header Name, --header 'Name:' removes it. Host and Content-Length follow the URL and body.

Repeats: --times N sends the same request N times with one event id and message id (a duplicate \
delivery); --schedule PROVIDER replays that provider's retry schedule, stopping at the first \
delivery, with its waits divided by --speed. Ctrl-C stops before the next attempt and records the \
run as cancelled.

Delivery rule: every attempt is judged by the rule of the provider the event is sent as (the \
--endpoint's preset, else the event's provider): which statuses it counts as delivered (any 2xx; \
only 200 for Kulmi Pay and Kustom In-Person Payments) and how long it waits for the answer (15 s \
for the checkout provider; 30 s with no provider); `presets` lists every rule. --timeout sets \
another wait.

Exit status: 0 the last attempt was delivered by that rule; 1 it was not (another status, no answer \
in time, the handler not reached); 2 an error or a usage mistake; 130 stopped by Ctrl-C.";

pub const AFTER_HELP: &str = "\
Examples:
  hooklens-cli send 42 --to http://localhost:3000/webhooks
  hooklens-cli show 42 --raw | jq -c '.data.amount = 2500' \\
    | hooklens-cli send 42 --to http://localhost:3000/webhooks --body-file -
  hooklens-cli send 42 --to http://localhost:3000/webhooks --schedule checkout --speed 3600
  hooklens-cli send 42 --to http://localhost:3000/webhooks --missign --header 'User-Agent:'";

/// The signing flags, at most one of them.
#[derive(Args)]
#[group(id = "sign_mode", multiple = false)]
pub struct SignFlags {
    /// Sign anew with the endpoint's scheme and secret: fresh signature, timestamp and message id
    /// (the default when the endpoint has a secret)
    #[arg(long)]
    resign: bool,
    /// Send the captured headers as they are, original signature included (the default when the
    /// endpoint has no secret)
    #[arg(long)]
    keep_signature: bool,
    /// Sign with the wrong key: a well-formed signature the handler must reject
    #[arg(long)]
    missign: bool,
    /// Sign correctly with a timestamp past the scheme's tolerance: replay protection must reject it
    #[arg(long)]
    stale: bool,
}

impl SignFlags {
    fn chosen(&self) -> Option<SignMode> {
        [
            (self.resign, SignMode::Resign),
            (self.keep_signature, SignMode::Keep),
            (self.missign, SignMode::Missign),
            (self.stale, SignMode::Stale),
        ]
        .into_iter()
        .find_map(|(set, mode)| set.then_some(mode))
    }
}

#[derive(Args)]
pub struct SendArgs {
    /// The stored event to send (see `events`)
    id: i64,
    /// The handler's URL, e.g. http://localhost:3000/webhooks
    #[arg(long, value_name = "URL")]
    to: String,
    #[command(flatten)]
    mode: SignFlags,
    /// Sign with the secret with this label [default: the endpoint's newest]
    #[arg(long, value_name = "LABEL", conflicts_with = "keep_signature")]
    secret: Option<String>,
    /// Sign with this endpoint's scheme and secrets (name, path prefix or id) [default: the
    /// event's endpoint]
    #[arg(long, value_name = "ENDPOINT", conflicts_with = "keep_signature")]
    endpoint: Option<String>,
    /// Send it N times back to back with one event id and message id: a duplicate delivery
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_TIMES)),
        conflicts_with = "schedule"
    )]
    times: Option<u32>,
    #[arg(long, value_name = "PROVIDER", help = schedule_help())]
    schedule: Option<String>,
    /// With --schedule: how many times faster than real time the waits pass, 1 to 1000000
    /// [default: 1]; 3600 makes an hour a second, so the checkout schedule's 5 s, 5 min, 30 min,
    /// 2 h, 5 h, 10 h, 10 h take about 28 s in all
    #[arg(long, value_name = "X", requires = "schedule")]
    speed: Option<f64>,
    /// Send these exact bytes as the body instead of the captured one (`-`: stdin)
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Set a header: every header NAME (any case) gives way to this one, in the place of the
    /// first; 'NAME:' with no value removes it (repeatable)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Seconds the handler has to answer each attempt [default: the provider's deadline, e.g. 15
    /// for checkout; 30 with no provider]
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Print the recorded run (every attempt, as sent and as answered) as one JSON object,
    /// and nothing else on stdout
    #[arg(long)]
    json: bool,
}

/// `--schedule`'s help names the providers that have one, from the core.
fn schedule_help() -> String {
    format!(
        "Replay PROVIDER's retry schedule: attempt after attempt until one is delivered by the \
event's provider's rule (e.g. any 2xx; only 200 for Kulmi Pay), with the provider's waits between \
them divided by --speed; one of {}",
        schedules::presets_with_schedules().join(", ")
    )
}

/// `send ID --to URL …`; the exit status (see the command's help).
pub fn run(args: SendArgs, store: &Store) -> Result<u8, CliError> {
    let event = store.reader()?.event(args.id)?;
    let mut draft = Draft::from_event(&event, &args.to)?;
    if let Some(path) = &args.body_file {
        draft.body = read_body(path)?;
    }
    let (signing, scheme) = signing(store, &event, &args)?;
    for raw in &args.headers {
        let name = edit_header(&mut draft.headers, raw)?;
        note_overridden(&name, &signing, scheme.as_ref());
    }
    let pattern = match (args.times, &args.schedule) {
        (Some(count), _) => Pattern::Times { count },
        (None, Some(provider)) => Pattern::Schedule {
            provider: provider.clone(),
            speed: args.speed.unwrap_or(1.0),
        },
        (None, None) => Pattern::Once,
    };
    send_job::execute(
        store,
        Job::Resend {
            draft,
            signing,
            pattern,
        },
        args.timeout,
        args.json,
    )
}

/// The body file's exact bytes; `-` reads stdin to its end.
fn read_body(path: &Path) -> Result<Vec<u8>, CliError> {
    let mut body = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut body).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut body).map(|_| ()))
    };
    read.map_err(|source| CliError::ReadFile {
        path: path.display().to_string(),
        source,
    })?;
    Ok(body)
}

/// Applies `--header 'Name: value'`: every header called Name (any case)
/// gives way to one `Name: value` in the place of the first of them (or at
/// the end); an empty value removes them. Returns the name.
fn edit_header(headers: &mut Vec<(String, Vec<u8>)>, raw: &str) -> Result<String, CliError> {
    let pair = parse_header(raw)?;
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if pair.name.is_empty() || !pair.name.chars().all(token) {
        return Err(CliError::Usage(format!(
            "header {raw:?}: {:?} is not a header name (letters, digits and !#$%&'*+-.^_`|~)",
            pair.name
        )));
    }
    // HTTP allows no control characters in a value but the tab; a newline
    // would smuggle in another header.
    if pair.value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(CliError::Usage(format!(
            "header {raw:?}: a value cannot hold control characters"
        )));
    }
    let first = headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(&pair.name));
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&pair.name));
    if !pair.value.is_empty() {
        // Nothing before `first` was removed, so the index still points there.
        let at = first.unwrap_or(headers.len());
        headers.insert(at, (pair.name.clone(), pair.value.into_bytes()));
    }
    Ok(pair.name)
}

/// Says when a `--header` will not go out as given, rather than let the
/// handler's view surprise the user.
fn note_overridden(name: &str, signing: &Signing, scheme: Option<&signature::Scheme>) {
    if client::is_transport_header(name) {
        eprintln!(
            "note: {name} is set by the HTTP client from the URL and body; --header {name:?} is ignored"
        );
    } else if signing.mode != SignMode::Keep
        && let Some(scheme) = scheme
        && signature::signature_headers(scheme)
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    {
        eprintln!(
            "note: {name} is replaced by the new signature's; --keep-signature sends your value"
        );
    }
}

/// The signing the flags ask for, and the scheme the signing endpoint uses
/// (for notes; the core resolves it again when it signs).
fn signing(
    store: &Store,
    event: &EventDetail,
    args: &SendArgs,
) -> Result<(Signing, Option<signature::Scheme>), CliError> {
    let endpoints = store.endpoints();
    let chosen = args
        .endpoint
        .as_deref()
        .map(|key| find_endpoint(&endpoints, key))
        .transpose()?;
    let signer = chosen.or_else(|| {
        event
            .summary
            .endpoint_id
            .and_then(|id| endpoints.iter().find(|e| e.id == id))
    });
    // The scheme the core will sign with, from the core itself.
    let scheme = signer.and_then(|_| {
        resend::signing_scheme(store, Some(event), None, chosen.map(|e| e.id), &[])
            .ok()
            .map(|(_, scheme, _)| scheme)
    });
    let mode = match args.mode.chosen() {
        Some(mode) => mode,
        // Naming a secret is asking for a signature: the core says plainly
        // if the endpoint cannot give one.
        None if args.secret.is_some() => SignMode::Resign,
        None => match why_not_resign(event, signer, scheme.is_some()) {
            None => SignMode::Resign,
            Some(why) => {
                eprintln!("note: not re-signed: {why}; the captured headers are sent as they are");
                SignMode::Keep
            }
        },
    };
    Ok((
        Signing {
            mode,
            endpoint_id: chosen.map(|e| e.id),
            secret_label: args.secret.clone(),
        },
        scheme,
    ))
}

/// Why re-signing by default is not possible, in words; None when it is.
fn why_not_resign(
    event: &EventDetail,
    signer: Option<&Endpoint>,
    has_scheme: bool,
) -> Option<String> {
    let Some(e) = signer else {
        return Some(
            match event.summary.endpoint_id {
                Some(_) => {
                    "the event's endpoint was removed (--endpoint NAME signs with another's)"
                }
                None => "the event has no endpoint (--endpoint NAME signs with one's)",
            }
            .to_owned(),
        );
    };
    if e.secrets.is_empty() {
        return Some(format!(
            "endpoint {:?} has no secret (`hooklens-cli secrets add {} LABEL` adds one)",
            e.name,
            term::line(&e.path_prefix)
        ));
    }
    if !has_scheme {
        return Some(format!(
            "endpoint {:?} has no signature scheme (`hooklens-cli endpoints edit {} --scheme NAME` sets one)",
            e.name,
            term::line(&e.path_prefix)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_header_edit_replaces_every_copy_in_the_place_of_the_first() {
        let mut h = headers(&[("A", "1"), ("x-extra", "a"), ("B", "2"), ("X-Extra", "b")]);
        edit_header(&mut h, "X-Extra: 3").unwrap();
        assert_eq!(h, headers(&[("A", "1"), ("X-Extra", "3"), ("B", "2")]));
        edit_header(&mut h, "New: v: w").unwrap();
        assert_eq!(h.last().unwrap(), &("New".to_owned(), b"v: w".to_vec()));
        edit_header(&mut h, "a:").unwrap();
        assert!(!h.iter().any(|(n, _)| n == "A"));
        assert!(edit_header(&mut h, "no colon").is_err());
        assert!(edit_header(&mut h, "Bad Name: x").is_err());
        assert!(edit_header(&mut h, ": x").is_err());
    }
}
