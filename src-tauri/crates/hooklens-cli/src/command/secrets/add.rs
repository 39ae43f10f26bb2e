//! `secrets add ENDPOINT LABEL`: the value from stdin (or HOOKLENS_SECRET,
//! or `--value`), then the endpoint's events re-verified.

use std::io::Write;

use clap::Args;
use hooklens_core::store::Store;

use crate::command::{find_endpoint, reverify};
use crate::error::CliError;
use crate::secret_input::SecretArg;
use crate::term;

pub const LONG_ABOUT: &str = "Add a labelled secret to an endpoint, then re-verify its stored events. \
An endpoint may hold several (rotation: old and new both valid); verdicts name the label that \
matched.\n\nThe value is read from the first line of stdin unless HOOKLENS_SECRET or --value \
gives it, so it stays out of `ps` and shell history; typed or pasted at a terminal, it is not \
echoed:\n\n  \
hooklens-cli secrets add /kustom production < secret.txt";

// This command has always called the shared secret flag --value.
#[derive(Args)]
#[command(mut_arg("secret", |a| a
    .long("value")
    .help("The secret value (`-`: stdin); prefer stdin or HOOKLENS_SECRET")))]
pub struct AddArgs {
    /// Endpoint name, path prefix or id
    endpoint: String,
    /// A name for the secret, e.g. production, old, new
    label: String,
    #[command(flatten)]
    value: SecretArg,
    /// Leave stored verdicts as they are
    #[arg(long)]
    no_reverify: bool,
}

/// The exit status: 0, or [`crate::exit::INTERRUPTED`] when Ctrl-C stopped
/// the re-verification.
pub fn run(args: AddArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let e = find_endpoint(&endpoints, &args.endpoint)?;
    let value = args.value.given_or_stdin()?;
    let label = args.label;
    store.add_secret(e.id, &label, &value)?;
    let masked = store
        .endpoints()
        .iter()
        .find(|x| x.id == e.id)
        .and_then(|x| x.secrets.iter().find(|s| s.label == label.trim()))
        .map_or_else(|| hooklens_core::store::mask(&value), |s| s.masked.clone());
    writeln!(
        out,
        "added secret {:?} ({}) to endpoint {} ({})",
        label.trim(),
        term::line(&masked),
        term::line(&e.name),
        term::line(&e.path_prefix)
    )?;
    reverify::after_change(store, e.id, args.no_reverify)
}
