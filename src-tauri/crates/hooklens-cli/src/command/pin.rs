//! `pin ID [--off]`: retention never removes a pinned event.

use clap::Args;
use hooklens_core::store::Store;

use crate::error::CliError;

#[derive(Args)]
pub struct PinArgs {
    id: i64,
    #[arg(long)]
    off: bool,
}

pub fn run(args: PinArgs, store: &Store) -> Result<u8, CliError> {
    store.set_pinned(args.id, !args.off)?;
    Ok(0)
}
