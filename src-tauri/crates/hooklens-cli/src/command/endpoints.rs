//! `endpoints list|add|edit|remove`, one file each under `endpoints/`; here
//! the response, scheme and forwarding options `add` and `edit` share.

mod add;
mod edit;
pub mod forward;
pub mod list;
mod remove;
mod rules;

use std::io::Read;
use std::path::Path;

use clap::{Args, Subcommand};
use hooklens_core::model::{Endpoint, ForwardMode, ForwardTarget};
use hooklens_core::providers;
use hooklens_core::store::{EndpointSpec, Store};

use super::parse_header;
use crate::error::CliError;
use crate::scheme_arg::parse_scheme;
use crate::term;

#[derive(Subcommand)]
pub enum EndpointsCommand {
    /// List endpoints with the scheme in use and their secrets (masked)
    List(list::ListArgs),
    /// Add an endpoint
    Add(add::AddArgs),
    /// Change an endpoint (name, path prefix or id); unset options keep their value
    #[command(long_about = edit::LONG_ABOUT)]
    Edit(edit::EditArgs),
    /// Remove an endpoint; its events stay
    Remove(remove::RemoveArgs),
    /// An endpoint's forward targets: list, add, remove, or set them all from JSON
    #[command(long_about = forward::LONG_ABOUT)]
    Forward(forward::ForwardArgs),
    /// An endpoint's response rules: list, add, remove, enable, disable, set (JSON), reset, test
    #[command(long_about = rules::LONG_ABOUT)]
    Rules(rules::RulesArgs),
}

pub fn run(command: EndpointsCommand, store: &Store) -> Result<u8, CliError> {
    match command {
        EndpointsCommand::List(args) => list::run(args, store),
        EndpointsCommand::Add(args) => add::run(args, store),
        EndpointsCommand::Edit(args) => edit::run(args, store),
        EndpointsCommand::Remove(args) => remove::run(args, store),
        EndpointsCommand::Forward(args) => forward::run(args, store),
        EndpointsCommand::Rules(args) => rules::run(args, store),
    }
}

#[derive(Args)]
struct EndpointOptions {
    /// Provider preset (see `presets`); `detect` to recognise each request
    #[arg(long)]
    preset: Option<String>,
    /// Signature scheme: an id (github, stripe, standard-webhooks, …), a preset id, a JSON
    /// scheme (see `discover`), or `preset` for the preset's (or the detected) scheme
    #[arg(long, value_name = "NAME|JSON|preset")]
    scheme: Option<String>,
    /// Status the sender gets
    #[arg(long)]
    status: Option<u16>,
    /// Response header 'Name: value' (repeatable; replaces the list)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Response body
    #[arg(long)]
    body: Option<String>,
    /// Wait this long after storing before answering (at most 60000)
    #[arg(long, value_name = "MS")]
    delay_ms: Option<u32>,
    /// Pass each request on to this URL after it is stored, keeping the path below the
    /// prefix and the query string (`off` stops all forwarding); the handler's reply is
    /// recorded as a delivery. Sets the endpoint's single target: several targets, and
    /// conditions, are `endpoints forward ENDPOINT …`
    #[arg(long, value_name = "URL|off")]
    forward: Option<String>,
    /// With --forward: `respond` answers the sender with the configured response at once;
    /// `relay` answers with the handler's own reply (502 when it cannot be reached)
    #[arg(long, value_name = "respond|relay", value_parser = parse_forward_mode)]
    forward_mode: Option<ForwardMode>,
}

fn parse_forward_mode(raw: &str) -> Result<ForwardMode, String> {
    match raw {
        "respond" => Ok(ForwardMode::Respond),
        "relay" => Ok(ForwardMode::Relay),
        other => Err(format!("{other:?} is not respond or relay")),
    }
}

impl EndpointOptions {
    /// Sets what was given on `spec`; what was not keeps its value.
    fn apply(self, spec: &mut EndpointSpec) -> Result<(), CliError> {
        if let Some(preset) = self.preset {
            spec.preset = (preset != "detect").then_some(preset);
        }
        if let Some(scheme) = self.scheme {
            spec.scheme = if scheme.trim() == "preset" {
                None
            } else {
                let (scheme, preset) = parse_scheme(&scheme)?;
                if let Some(p) = preset.filter(|p| p.assumed) {
                    eprintln!(
                        "note: {} does not publish how it signs; {} is an assumed construction",
                        p.name,
                        term::line(&scheme.name())
                    );
                }
                Some(scheme)
            };
        }
        if let Some(status) = self.status {
            spec.response.status = status;
        }
        if !self.headers.is_empty() {
            spec.response.headers = self
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_, _>>()?;
        }
        if let Some(body) = self.body {
            spec.response.body = body;
        }
        if let Some(delay) = self.delay_ms {
            spec.response.delay_ms = delay;
        }
        match (self.forward.as_deref().map(str::trim), self.forward_mode) {
            (Some("off"), _) => spec.forwards.clear(),
            (Some(url), mode) => {
                single_target(spec, "--forward")?;
                match spec.forwards.first_mut() {
                    // The one target keeps its mode, condition and URL switch.
                    Some(target) => {
                        target.url = url.to_owned();
                        target.mode = mode.unwrap_or(target.mode);
                    }
                    None => spec
                        .forwards
                        .push(ForwardTarget::new(url, mode.unwrap_or_default())),
                }
            }
            (None, Some(mode)) => {
                single_target(spec, "--forward-mode")?;
                match spec.forwards.first_mut() {
                    Some(target) => target.mode = mode,
                    None => {
                        return Err(CliError::Usage(
                            "--forward-mode needs --forward URL: this endpoint does not forward"
                                .into(),
                        ));
                    }
                }
            }
            (None, None) => {}
        }
        Ok(())
    }
}

/// `--forward` and `--forward-mode` set an endpoint's single target; with
/// several, they would silently drop the others.
fn single_target(spec: &EndpointSpec, flag: &str) -> Result<(), CliError> {
    match spec.forwards.len() {
        0 | 1 => Ok(()),
        n => Err(CliError::Usage(format!(
            "{flag} sets an endpoint's single forward target, and this one has {n}; change them \
             with `hooklens-cli endpoints forward ENDPOINT add|remove|set`, or --forward off first"
        ))),
    }
}

/// Which scheme an endpoint's requests are verified with, in words.
fn scheme_in_use(e: &Endpoint) -> String {
    if let Some(scheme) = &e.scheme {
        return format!("{} (set on the endpoint)", scheme.name());
    }
    match e.preset.as_deref().and_then(providers::preset) {
        Some(p) => match &p.scheme {
            Some(s) if p.assumed => format!("preset {}: {} (assumed)", p.id, s.name()),
            Some(s) => format!("preset {}: {}", p.id, s.name()),
            None => format!("preset {} does not sign; detected from headers", p.id),
        },
        None => "detected from headers".to_owned(),
    }
}

/// The text of FILE, or of stdin for `-`, with a name for messages.
fn read_input(file: &Path) -> Result<(String, String), CliError> {
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(("stdin".to_owned(), text));
    }
    let name = file.display().to_string();
    std::fs::File::open(file)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|source| CliError::ReadFile {
            path: name.clone(),
            source,
        })?;
    Ok((name, text))
}
