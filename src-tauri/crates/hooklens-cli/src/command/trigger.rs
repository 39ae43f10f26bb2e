//! `trigger PROVIDER [TYPE --to URL]`: a fresh provider sample, signed as
//! the provider signs, sent to a handler and recorded as `send`'s are; or,
//! without TYPE, the provider's sample types (no store needed).

use std::io::Write;
use std::time::Duration;

use clap::Args;
use hooklens_core::model::TestEventSpec;
use hooklens_core::providers::{self, samples};
use hooklens_core::store::{Store, now_ns};

use super::find_endpoint;
use crate::error::CliError;
use crate::send_job::{self, Job, parse_timeout};
use crate::term;

pub const LONG_ABOUT: &str = "\
Send a fresh sample of PROVIDER's event TYPE (new ids, the current time) to the handler at \
--to URL, signed as the provider signs: with the scheme and newest secret of --endpoint, else of \
the first endpoint with PROVIDER's preset and a secret, else unsigned (a note on stderr says so). \
Without TYPE (or with --list), list PROVIDER's sample types. The send is recorded and printed as \
`send`'s are.

Exit status: 0 delivered by PROVIDER's rule (e.g. any 2xx in time; only 200 for Kulmi Pay); 1 not \
delivered (another status, no answer in time, not reached); 2 an error (an unknown provider or type \
too) or a usage mistake; 130 stopped by Ctrl-C.";

pub const AFTER_HELP: &str = "\
Examples:
  hooklens-cli trigger kustom
  hooklens-cli trigger kustom capture.created --to http://localhost:3000/webhooks
  hooklens-cli trigger github push --to http://localhost:3000/gh --endpoint GitHub --json";

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

impl TriggerArgs {
    /// Only the provider's sample types are asked for: no store is needed.
    pub fn lists_only(&self) -> bool {
        self.list || self.event_type.is_none()
    }
}

/// `trigger PROVIDER [--list]`: the provider's sample types.
pub fn list(args: &TriggerArgs) -> Result<u8, CliError> {
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
pub fn run(args: TriggerArgs, store: &Store) -> Result<u8, CliError> {
    let event_type = match &args.event_type {
        Some(t) if !args.lists_only() => t.clone(),
        _ => return list(&args),
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
    send_job::execute(store, Job::Test(spec), args.timeout, args.json)
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
