//! `endpoints remove ENDPOINT`: its events are kept.

use std::io::Write;

use clap::Args;
use hooklens_core::store::Store;

use crate::command::find_endpoint;
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct RemoveArgs {
    endpoint: String,
}

pub fn run(args: RemoveArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let e = find_endpoint(&endpoints, &args.endpoint)?;
    store.remove_endpoint(e.id)?;
    writeln!(
        out,
        "removed endpoint {} ({}); its events are kept",
        e.id,
        term::line(&e.path_prefix)
    )?;
    Ok(0)
}
