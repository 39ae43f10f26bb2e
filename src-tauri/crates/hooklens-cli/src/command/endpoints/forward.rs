//! `endpoints forward ENDPOINT list|add|remove|set`: the targets an
//! endpoint passes each captured request on to, headlessly, with JSON in
//! and out (`list --json` prints what `set` reads).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use hooklens_core::model::{Endpoint, ForwardMode, ForwardTarget, MAX_FORWARD_TARGETS};
use hooklens_core::query::Condition;
use hooklens_core::resend::forward_url;
use hooklens_core::store::{EndpointSpec, Store};

use crate::command::find_endpoint;
use crate::error::CliError;
use crate::term;

pub const LONG_ABOUT: &str = "An endpoint's forward targets. Each captured request is passed on, \
once it is stored, to every target whose condition (the search language, e.g. 'type:dispute.*'; \
none: every request) it matches. The path below the endpoint's prefix and the query string are \
added to the target's URL (/kustom/orders?x=1 → http://localhost:3000/webhooks/orders?x=1) unless \
the target sends to its exact URL. At most one target relays: the sender then gets that \
handler's reply when its condition matches, else the configured response.";

#[derive(Args)]
pub struct ForwardArgs {
    /// The endpoint: name, path prefix or id
    endpoint: String,
    #[command(subcommand)]
    action: ForwardAction,
}

#[derive(Subcommand)]
enum ForwardAction {
    /// The targets, numbered from 1
    List {
        /// One JSON array, as `set` reads it
        #[arg(long)]
        json: bool,
    },
    /// Add a target after the others
    Add {
        /// The handler's URL, e.g. http://localhost:3000/webhooks
        url: String,
        /// Only requests matching this condition (the search language), e.g. 'type:dispute.*'
        #[arg(long, value_name = "CONDITION")]
        when: Option<String>,
        /// The sender gets this handler's reply (502 when it cannot be reached) instead of the
        /// configured response; one target at most
        #[arg(long)]
        relay: bool,
        /// Send to the URL exactly as written: no sub-path, no query string added
        #[arg(long)]
        exact_url: bool,
    },
    /// Remove target N (as `list` numbers them)
    Remove {
        #[arg(value_name = "N")]
        number: usize,
    },
    /// Replace every target with the JSON array in FILE (`-`: stdin), as `list --json` prints it
    Set {
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
    },
}

impl ForwardArgs {
    /// Only `list` looks without changing anything.
    pub fn reads_only(&self) -> bool {
        matches!(self.action, ForwardAction::List { .. })
    }
}

pub fn run(args: ForwardArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let current = find_endpoint(&endpoints, &args.endpoint)?;
    let mut spec = EndpointSpec::from(current);
    match args.action {
        ForwardAction::List { json } => {
            if json {
                writeln!(out, "{}", term::json(&current.forwards)?)?;
            } else {
                list(&mut out, current)?;
            }
            return Ok(0);
        }
        ForwardAction::Add {
            url,
            when,
            relay,
            exact_url,
        } => {
            let condition = when.unwrap_or_default();
            // The condition's culprit underlined, before the store's words.
            Condition::parse(&condition).map_err(|error| CliError::Query {
                text: condition.clone(),
                error,
            })?;
            if spec.forwards.len() >= MAX_FORWARD_TARGETS {
                return Err(CliError::Usage(format!(
                    "endpoint {} already forwards to {MAX_FORWARD_TARGETS} targets, the most it can; \
                     remove one first",
                    term::line(&current.path_prefix)
                )));
            }
            let target = ForwardTarget {
                url: url.trim().to_owned(),
                mode: if relay {
                    ForwardMode::Relay
                } else {
                    ForwardMode::Respond
                },
                condition: condition.trim().to_owned(),
                exact_url,
            };
            spec.forwards.push(target);
            let e = store.update_endpoint(current.id, &spec)?;
            let n = e.forwards.len();
            writeln!(
                out,
                "added target {n} to endpoint {} ({}): {}",
                e.id,
                term::line(&e.path_prefix),
                target_words(&e.forwards[n - 1])
            )?;
            if let Some(example) = example(&e, &e.forwards[n - 1]) {
                writeln!(out, "  {example}")?;
            }
        }
        ForwardAction::Remove { number } => {
            let count = spec.forwards.len();
            if count == 0 {
                return Err(CliError::Usage(format!(
                    "endpoint {} has no forward targets",
                    term::line(&current.path_prefix)
                )));
            }
            if number == 0 || number > count {
                return Err(CliError::Usage(format!(
                    "endpoint {} has {count} forward target{}, numbered 1 to {count}; there is no \
                     target {number} (see `endpoints forward {} list`)",
                    term::line(&current.path_prefix),
                    if count == 1 { "" } else { "s" },
                    term::line(&args.endpoint)
                )));
            }
            let removed = spec.forwards.remove(number - 1);
            let e = store.update_endpoint(current.id, &spec)?;
            writeln!(
                out,
                "removed target {number} ({}) from endpoint {} ({}); {} left",
                term::line(removed.url.trim()),
                e.id,
                term::line(&e.path_prefix),
                e.forwards.len()
            )?;
        }
        ForwardAction::Set { file } => {
            let (name, text) = super::read_input(&file)?;
            spec.forwards = serde_json::from_str(&text).map_err(|err| {
                CliError::Usage(format!(
                    "{} is not a list of forward targets like `endpoints forward ENDPOINT list \
                     --json` prints, e.g. [{{\"url\":\"http://localhost:3000/webhooks\",\"mode\":\
                     \"respond\",\"condition\":\"type:dispute.*\",\"exactUrl\":false}}]: {err}",
                    term::line(&name)
                ))
            })?;
            let e = store.update_endpoint(current.id, &spec)?;
            writeln!(
                out,
                "endpoint {} ({}) now forwards to {} target{}",
                e.id,
                term::line(&e.path_prefix),
                e.forwards.len(),
                if e.forwards.len() == 1 { "" } else { "s" }
            )?;
            list(&mut out, &e)?;
        }
    }
    Ok(0)
}

fn list(out: &mut impl Write, e: &Endpoint) -> Result<(), CliError> {
    if e.forwards.is_empty() {
        writeln!(
            out,
            "endpoint {} ({}) forwards nothing; add a target with `endpoints forward {} add URL`",
            e.id,
            term::line(&e.path_prefix),
            e.id
        )?;
        return Ok(());
    }
    for (i, target) in e.forwards.iter().enumerate() {
        writeln!(out, "{:>3}  {}", i + 1, target_words(target))?;
    }
    Ok(())
}

/// One target in a line: URL, who answers the sender, its condition and
/// whether the URL is used exactly.
pub fn target_words(t: &ForwardTarget) -> String {
    let who = match t.mode {
        ForwardMode::Respond => "sender answered at once",
        ForwardMode::Relay => "handler's reply relayed",
    };
    let mut words = format!("{} ({who})", term::line(t.url.trim()));
    match t.condition.trim() {
        "" => {}
        condition => words.push_str(&format!(" when {}", term::line(condition))),
    }
    if t.exact_url {
        words.push_str(", to this exact URL");
    }
    words
}

/// Where a request below the endpoint's prefix goes, as an example.
fn example(e: &Endpoint, target: &ForwardTarget) -> Option<String> {
    let base = if e.is_default { "" } else { &e.path_prefix };
    let path = format!("{base}/orders");
    let url = forward_url(target, &e.path_prefix, &path, Some("x=1")).ok()?;
    Some(format!(
        "e.g. {}?x=1 goes to {}",
        term::line(&path),
        term::line(url.as_str())
    ))
}
