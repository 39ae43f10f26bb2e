//! `send` and `trigger`: a captured event resent to a handler (edited,
//! re-signed or not, duplicated, on a provider's retry schedule), or a fresh
//! provider sample sent signed. The core sends and records every attempt;
//! this module picks the options, prints each attempt as it completes and
//! turns the outcome into an exit status.

use std::future::Future;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use hooklens_core::api::{
    Delivery, DeliveryKind, DeliveryResponse, DeliveryRun, Endpoint, Pattern, SendProgress,
    SignMode, Signing, TestEventSpec,
};
use hooklens_core::providers::{self, samples, schedules};
use hooklens_core::resend::{self, Cancel, Draft, MAX_TIMES, ResendError, Sender, client};
use hooklens_core::signature;
use hooklens_core::store::{EventDetail, Store, now_ns};

use crate::error::CliError;
use crate::exit::{INTERRUPTED, NOT_ACCEPTED};
use crate::term;
use crate::{find_endpoint, parse_header};

/// How much of a response body is printed per attempt; `--json` has it all
/// (up to the 1 MiB the core keeps).
const SHOWN_BODY: usize = 4096;

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

#[derive(Args)]
pub struct TriggerArgs {
    /// A provider preset id, e.g. kustom, checkout, github (see `presets`)
    provider: String,
    /// The event type, e.g. order.created [default: list the provider's types]
    #[arg(value_name = "TYPE", requires = "to")]
    event_type: Option<String>,
    /// The handler's URL, e.g. http://localhost:3000/webhooks
    #[arg(long, value_name = "URL")]
    to: Option<String>,
    /// Sign with this endpoint's scheme and newest secret (name, path prefix or id) [default: the
    /// first endpoint with the provider's preset and a secret; none: unsigned]
    #[arg(long, value_name = "ENDPOINT")]
    endpoint: Option<String>,
    /// List the provider's sample types with what each is
    #[arg(long, conflicts_with = "event_type")]
    list: bool,
    /// Seconds the handler has to answer [default: the provider's deadline, e.g. 15 for checkout]
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Print the recorded run as one JSON object (with --list: one object per type per line)
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

fn parse_timeout(raw: &str) -> Result<Duration, String> {
    let secs: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("{raw:?} is not a number of seconds"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(format!(
            "{raw} is not a timeout: give more than 0 and at most 3600 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `send ID --to URL …`; the exit status (see the command's help).
pub fn send(store: &Store, args: SendArgs) -> Result<u8, CliError> {
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
    execute(
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

/// What `send` and `trigger` ask the core to do.
enum Job {
    Resend {
        draft: Draft,
        signing: Signing,
        pattern: Pattern,
    },
    Test(TestEventSpec),
}

/// Runs `job`, printing attempts as they complete; Ctrl-C cancels it.
fn execute(store: &Store, job: Job, timeout: Option<Duration>, json: bool) -> Result<u8, CliError> {
    let sender = match timeout {
        Some(timeout) => Sender::with_timeout(store.clone(), timeout)?,
        None => Sender::new(store.clone())?,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let cancel = Cancel::new();
    let mut printer = Printer::new(json);
    let result = runtime.block_on(async {
        let mut progress = |p: SendProgress| printer.on(&p);
        let work = async {
            match job {
                Job::Resend {
                    draft,
                    signing,
                    pattern,
                } => {
                    sender
                        .resend_draft(draft, &signing, &pattern, &mut progress, &cancel)
                        .await
                }
                Job::Test(spec) => sender.send_test(&spec, None, &mut progress, &cancel).await,
            }
        };
        until_ctrl_c(work, &cancel).await
    });
    finish(store, result, printer, &cancel)
}

impl TriggerArgs {
    /// Only the provider's sample types are asked for: no store is needed.
    pub fn lists_only(&self) -> bool {
        self.list || self.event_type.is_none()
    }
}

/// `trigger PROVIDER [--list]`: the provider's sample types.
pub fn list_samples(args: &TriggerArgs) -> Result<u8, CliError> {
    let (preset, types) = samples_of(&args.provider)?;
    list_types(&preset, types, args.json)
}

/// The preset's id as it spells it, and its sample types.
fn samples_of(provider: &str) -> Result<(String, &'static [samples::SampleType]), CliError> {
    let types = samples::sample_types(provider).map_err(unknown_preset)?;
    // sample_types found it, so the preset exists; its id is the canonical
    // spelling of what was typed.
    let preset = providers::preset(provider)
        .map_or_else(|| provider.to_ascii_lowercase(), |p| p.id.to_owned());
    Ok((preset, types))
}

/// `trigger PROVIDER [TYPE] …`; the exit status (as `send`'s).
pub fn trigger(store: &Store, args: TriggerArgs) -> Result<u8, CliError> {
    let event_type = match &args.event_type {
        Some(t) if !args.lists_only() => t.clone(),
        _ => return list_samples(&args),
    };
    let (preset, _) = samples_of(&args.provider)?;
    let to = args
        .to
        .ok_or_else(|| CliError::Usage("give the handler's URL with --to URL".to_owned()))?;
    // Checked before anything is recorded; the core's error lists the types.
    samples::sample_event(&preset, &event_type, now_ns() / 1_000_000)?;
    let endpoints = store.endpoints();
    let endpoint = match &args.endpoint {
        Some(key) => {
            let e = find_endpoint(&endpoints, key)?;
            if e.secrets.is_empty() {
                eprintln!(
                    "note: endpoint {:?} has no secret, so the sample is sent unsigned \
(`hooklens-cli secrets add {} LABEL` adds one)",
                    e.name,
                    term::line(&e.path_prefix)
                );
            }
            Some(e)
        }
        None => {
            let found = endpoints.iter().find(|e| {
                e.preset
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case(&preset))
                    && !e.secrets.is_empty()
            });
            if found.is_none() {
                eprintln!(
                    "note: no endpoint with the {preset} preset has a secret, so the sample is \
sent unsigned (--endpoint NAME signs with that endpoint's scheme and newest secret)"
                );
            }
            found
        }
    };
    let spec = TestEventSpec {
        preset,
        event_type,
        endpoint_id: endpoint.map(|e| e.id),
        url: Some(to),
    };
    execute(store, Job::Test(spec), args.timeout, args.json)
}

fn list_types(preset: &str, types: &[samples::SampleType], json: bool) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    if types.is_empty() {
        eprintln!(
            "{preset} has no sample events; these presets have: {}",
            presets_with_samples().join(", ")
        );
        return Ok(0);
    }
    if json {
        for t in types {
            let line = serde_json::json!({"type": t.event_type, "description": t.description});
            writeln!(out, "{}", term::json(&line)?)?;
        }
        return Ok(0);
    }
    writeln!(
        out,
        "{preset} sample events (send one: hooklens-cli trigger {preset} TYPE --to URL):"
    )?;
    let width = types.iter().map(|t| t.event_type.len()).max().unwrap_or(0);
    for t in types {
        writeln!(out, "  {:<width$}  {}", t.event_type, t.description)?;
    }
    Ok(0)
}

fn presets_with_samples() -> Vec<&'static str> {
    providers::presets()
        .iter()
        .map(|p| p.id)
        .filter(|id| samples::sample_types(id).is_ok_and(|t| !t.is_empty()))
        .collect()
}

/// An unknown provider is a usage mistake; the core's message lists the
/// providers that have samples.
fn unknown_preset(err: samples::SampleError) -> CliError {
    match err {
        samples::SampleError::UnknownPreset(..) => CliError::Usage(err.to_string()),
        other => CliError::Sample(other),
    }
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

/// Runs `work`; the first Ctrl-C cancels it (the core stops before the next
/// attempt and records the run as cancelled), a second one quits at once.
async fn until_ctrl_c<T>(work: impl Future<Output = T>, cancel: &Cancel) -> T {
    let mut work = std::pin::pin!(work);
    // Biased: the Ctrl-C handler is installed on the first poll, before the
    // work sends anything.
    let heard = tokio::select! {
        biased;
        heard = tokio::signal::ctrl_c() => heard.is_ok(),
        out = &mut work => return out,
    };
    if !heard {
        // No way to hear Ctrl-C: run without it.
        return work.await;
    }
    cancel.cancel();
    eprintln!(
        "\ncancelling: no further attempts; a request in flight gets its answer first (Ctrl-C again quits at once)"
    );
    let again = tokio::select! {
        biased;
        again = tokio::signal::ctrl_c() => again.is_ok(),
        out = &mut work => return out,
    };
    if again {
        std::process::exit(i32::from(INTERRUPTED));
    }
    work.await
}

/// Prints a run's progress as it happens; with `--json`, nothing until the
/// end, when the whole run is one object.
struct Printer {
    json: bool,
    planned: u32,
    /// The delivery rule the attempts are judged by, in words.
    rule: String,
    /// The first write error: the core's progress callback cannot return one.
    failed: Option<std::io::Error>,
}

impl Printer {
    fn new(json: bool) -> Printer {
        Printer {
            json,
            planned: 1,
            rule: String::new(),
            failed: None,
        }
    }

    fn on(&mut self, progress: &SendProgress) {
        if self.failed.is_none()
            && let Err(err) = self.write(progress)
        {
            self.failed = Some(err);
        }
    }

    fn write(&mut self, progress: &SendProgress) -> std::io::Result<()> {
        if let SendProgress::Started { planned, rule, .. } = progress {
            self.planned = *planned;
            self.rule = rule.words.clone();
        }
        if self.json {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match progress {
            SendProgress::Attempt { delivery } => {
                if delivery.attempt == 1 {
                    writeln!(
                        out,
                        "to       {} {}",
                        term::line(&delivery.method),
                        term::line(&delivery.url)
                    )?;
                    // The core words every signature "re-signed"; a fresh
                    // sample was never signed before.
                    let signing = match delivery.signing.strip_prefix("re-signed") {
                        Some(rest) if delivery.kind == DeliveryKind::Test => {
                            format!("signed{rest}")
                        }
                        _ => delivery.signing.clone(),
                    };
                    writeln!(out, "signing  {}", term::line(&signing))?;
                    if !self.rule.is_empty() {
                        writeln!(out, "rule     {}", term::line(&self.rule))?;
                    }
                }
                writeln!(out)?;
                write_attempt(&mut out, delivery, self.planned)?;
            }
            SendProgress::Waiting {
                next_attempt,
                at_ms,
            } => {
                let wait = at_ms - now_ns() / 1_000_000;
                writeln!(out)?;
                writeln!(
                    out,
                    "waiting {} before attempt {next_attempt}",
                    wait_words(wait)
                )?;
            }
            SendProgress::Started { .. } | SendProgress::Finished { .. } => {}
        }
        // Piped output (e.g. `| tee`) shows each attempt as it completes.
        out.flush()
    }
}

fn write_attempt(out: &mut impl Write, d: &Delivery, planned: u32) -> std::io::Result<()> {
    let head = format!("attempt {}/{planned}", d.attempt);
    let took = format!("{:.1} ms", d.duration_ms);
    match (&d.response, &d.error) {
        (Some(r), _) => {
            writeln!(out, "{head}  {}  {took}", status_words(r.status))?;
            // The handler chose these: escaped like a sender's.
            for h in &r.headers {
                writeln!(out, "  {}: {}", term::line(&h.name), term::line(&h.value))?;
            }
            if let Some(to) = &r.redirect_to {
                writeln!(out, "  (a redirect to {}: not followed)", term::line(to))?;
            }
            writeln!(out)?;
            write_body(out, r)?;
        }
        (None, Some(e)) => writeln!(out, "{head}  error: {}  {took}", term::line(&e.message))?,
        (None, None) => writeln!(out, "{head}  no answer  {took}")?,
    }
    // Why the provider would not count it, unless the error already said so.
    if let Some(why) = &d.failure
        && d.error.as_ref().is_none_or(|e| &e.message != why)
    {
        writeln!(out, "  not delivered: {}", term::line(why))?;
    }
    Ok(())
}

fn write_body(out: &mut impl Write, r: &DeliveryResponse) -> std::io::Result<()> {
    match (&r.body_text, &r.body_base64) {
        (Some(text), _) if !text.is_empty() => {
            let shown = prefix(text, SHOWN_BODY);
            for line in shown.lines() {
                // A handler's escape sequences must not drive the terminal;
                // shown escaped, as `show` shows a sender's.
                writeln!(out, "  {}", term::escape(line, term::Layout::Block))?;
            }
            if shown.len() < text.len() {
                writeln!(
                    out,
                    "  … {} more bytes not shown (--json prints the whole body)",
                    text.len() - shown.len()
                )?;
            }
        }
        (None, Some(b64)) => writeln!(out, "  <{} bytes, not text>", base64_len(b64))?,
        _ => writeln!(out, "  (empty body)")?,
    }
    if r.body_truncated {
        writeln!(
            out,
            "  (the handler sent more than the 1 MiB Hooklens keeps; the rest was dropped)"
        )?;
    }
    Ok(())
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// How many bytes a standard base64 string holds, without decoding it.
fn base64_len(b64: &str) -> usize {
    b64.trim_end_matches('=').len() * 3 / 4
}

/// `503 Service Unavailable`, or the bare number for a code without a name.
fn status_words(status: u16) -> String {
    match http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// `40 ms`, `5.0 s`, `5 min`, `2 h 30 min`.
fn wait_words(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 59_950 {
        let tenths = (ms + 50) / 100;
        return format!("{}.{} s", tenths / 10, tenths % 10);
    }
    let s = (ms + 500) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m, s) {
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// The run's end: its outcome (or, with --json, the run itself) and the exit
/// status.
fn finish(
    store: &Store,
    result: Result<DeliveryRun, ResendError>,
    printer: Printer,
    cancel: &Cancel,
) -> Result<u8, CliError> {
    if let Some(err) = printer.failed {
        return Err(err.into());
    }
    let mut run = result?;
    let mut out = std::io::stdout().lock();
    if printer.json {
        mask_secrets(&mut run, store);
        writeln!(out, "{}", term::json(&run)?)?;
    } else {
        writeln!(out)?;
        writeln!(
            out,
            "outcome  {}",
            term::line_or(run.outcome.as_deref(), "-")
        )?;
        writeln!(out, "recorded as run #{}", run.id)?;
    }
    out.flush()?;
    if cancel.is_cancelled() {
        return Ok(INTERRUPTED);
    }
    // Judged by the core with the provider's rule, not by "any 2xx".
    let delivered = run.attempts.last().is_some_and(|d| d.delivered);
    Ok(if delivered { 0 } else { NOT_ACCEPTED })
}

/// Shared-secret and Basic-auth schemes send the secret itself as a header;
/// the run printed must not show it (only `secrets list --reveal` does).
fn mask_secrets(run: &mut DeliveryRun, store: &Store) {
    let secrets = store.secrets();
    let values: Vec<&str> = secrets
        .values()
        .flatten()
        .map(|s| s.value.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    for h in run.attempts.iter_mut().flat_map(|d| d.headers.iter_mut()) {
        let basic = h.name.eq_ignore_ascii_case("authorization")
            && h.value
                .trim_start()
                .get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("basic "));
        if basic {
            // Base64 of user:password: any part of it gives some away.
            h.value = "Basic ••••".to_owned();
        } else if values.iter().any(|v| h.value.contains(v)) {
            h.value = hooklens_core::store::mask(&h.value);
        }
    }
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

    #[test]
    fn waits_and_sizes_read_as_words() {
        assert_eq!(wait_words(5_000), "5.0 s");
        assert_eq!(wait_words(4_996), "5.0 s");
        assert_eq!(wait_words(49), "49 ms");
        assert_eq!(wait_words(-3), "0 ms");
        assert_eq!(wait_words(59_990), "1 min");
        assert_eq!(wait_words(300_000), "5 min");
        assert_eq!(wait_words(330_000), "5 min 30 s");
        assert_eq!(wait_words(9_000_000), "2 h 30 min");
        assert_eq!(base64_len("AAEC"), 3);
        assert_eq!(base64_len("AAE="), 2);
        assert_eq!(base64_len("AA=="), 1);
        assert_eq!(status_words(503), "503 Service Unavailable");
        assert_eq!(status_words(599), "599");
        assert_eq!(prefix("aé", 2), "a");
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}
