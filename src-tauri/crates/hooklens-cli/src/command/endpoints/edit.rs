//! `endpoints edit ENDPOINT [options]`: what is not given keeps its value; a
//! changed scheme re-verifies the endpoint's events.

use std::io::Write;

use clap::Args;
use hooklens_core::store::{EndpointSpec, Store};

use super::{EndpointOptions, scheme_in_use};
use crate::command::{find_endpoint, reverify};
use crate::error::CliError;
use crate::term;

pub const LONG_ABOUT: &str = "Change an endpoint (name, path prefix or id); unset options keep their \
value. When --scheme changes the scheme, the endpoint's stored events are re-verified \
(--no-reverify skips it).";

#[derive(Args)]
pub struct EditArgs {
    endpoint: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    path: Option<String>,
    #[command(flatten)]
    options: EndpointOptions,
    /// Leave stored verdicts as they are after a scheme change
    #[arg(long)]
    no_reverify: bool,
}

/// The exit status: 0, or [`crate::exit::INTERRUPTED`] when Ctrl-C stopped
/// the re-verification.
pub fn run(args: EditArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let current = find_endpoint(&endpoints, &args.endpoint)?;
    let mut spec = EndpointSpec::from(current);
    if let Some(name) = args.name {
        spec.name = name;
    }
    if let Some(path) = args.path {
        spec.path_prefix = path;
    }
    args.options.apply(&mut spec)?;
    let e = store.update_endpoint(current.id, &spec)?;
    writeln!(
        out,
        "updated endpoint {} ({} → {})",
        e.id,
        term::line(&e.path_prefix),
        term::line(&e.name)
    )?;
    if e.scheme != current.scheme {
        writeln!(out, "scheme: {}", term::line(&scheme_in_use(&e)))?;
        return reverify::after_change(store, e.id, args.no_reverify);
    }
    Ok(0)
}
