//! `secrets remove ENDPOINT LABEL`, then the endpoint's events re-verified.

use std::io::Write;

use clap::Args;
use hooklens_core::store::Store;

use crate::command::{find_endpoint, reverify};
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct RemoveArgs {
    /// Endpoint name, path prefix or id
    endpoint: String,
    label: String,
    /// Leave stored verdicts as they are
    #[arg(long)]
    no_reverify: bool,
}

/// The exit status: 0, or [`crate::exit::INTERRUPTED`] when Ctrl-C stopped
/// the re-verification.
pub fn run(args: RemoveArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let e = find_endpoint(&endpoints, &args.endpoint)?;
    store.remove_secret(e.id, &args.label)?;
    writeln!(
        out,
        "removed secret {:?} from endpoint {} ({})",
        args.label.trim(),
        term::line(&e.name),
        term::line(&e.path_prefix)
    )?;
    reverify::after_change(store, e.id, args.no_reverify)
}
