//! `secrets list|add|remove`, one file each under `secrets/`.

mod add;
pub mod list;
mod remove;

use clap::Subcommand;
use hooklens_core::store::Store;

use crate::error::CliError;

#[derive(Subcommand)]
pub enum SecretsCommand {
    /// List secrets by label, masked (e.g. whsec_…x9Qz), oldest first: the order verification tries them
    List(list::ListArgs),
    /// Add a labelled secret to an endpoint, then re-verify its events
    #[command(long_about = add::LONG_ABOUT)]
    Add(add::AddArgs),
    /// Remove an endpoint's secret by label, then re-verify its events
    Remove(remove::RemoveArgs),
}

pub fn run(command: SecretsCommand, store: &Store) -> Result<u8, CliError> {
    match command {
        SecretsCommand::List(args) => list::run(args, store),
        SecretsCommand::Add(args) => add::run(args, store),
        SecretsCommand::Remove(args) => remove::run(args, store),
    }
}
