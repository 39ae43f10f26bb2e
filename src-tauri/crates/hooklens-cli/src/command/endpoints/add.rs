//! `endpoints add --name N --path P [options]`.

use std::io::Write;

use clap::Args;
use hooklens_core::model::ConfiguredResponse;
use hooklens_core::store::{EndpointSpec, Store};

use super::EndpointOptions;
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    /// Path prefix, e.g. /kustom
    #[arg(long)]
    path: String,
    #[command(flatten)]
    options: EndpointOptions,
}

pub fn run(args: AddArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let mut spec = EndpointSpec {
        name: args.name,
        path_prefix: args.path,
        preset: None,
        response: ConfiguredResponse::default(),
        scheme: None,
        forwards: Vec::new(),
        rules: Vec::new(),
    };
    args.options.apply(&mut spec)?;
    let e = store.add_endpoint(&spec)?;
    writeln!(
        out,
        "added endpoint {} ({} → {})",
        e.id,
        term::line(&e.path_prefix),
        term::line(&e.name)
    )?;
    Ok(0)
}
