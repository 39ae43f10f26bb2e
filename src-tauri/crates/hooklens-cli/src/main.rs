//! `hooklens-cli`: the Hooklens core without a window, for scripts and servers.
//! Each subcommand lives in `command/`; this file parses the command line,
//! sets up logging, opens the store the way the command needs and maps the
//! outcome to an exit status.

mod command;
mod error;
mod exit;
mod scheme_arg;
mod secret_input;
mod send_job;
mod term;
mod verdicts;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use hooklens_core::config::Config;
use hooklens_core::store::Store;

use command::endpoints::{self, EndpointsCommand};
use command::secrets::{self, SecretsCommand};
use command::{
    NoStore, completions, deliveries, discover, events, export, import, pin, presets, reverify,
    send, serve, settings, show, sign, trigger, verify,
};
use error::CliError;

const AFTER_HELP: &str = "\
Signatures: every captured request gets a verdict (valid, invalid, unsigned, no_secret, stale,
malformed) from its endpoint's scheme and secrets. `events status:invalid` lists failures,
`show ID` and `verify ID` explain them, `discover ID` finds an unknown provider's construction,
`sign` produces headers for test requests, `secrets` manages an endpoint's secrets.

Sending: `send ID --to URL` resends a captured event to your handler (re-signed, edited,
duplicated, mis-signed, on a provider's retry schedule); `trigger PROVIDER TYPE --to URL` sends a
fresh signed sample. Every attempt is recorded with the handler's reply.

Secret values: pass them through HOOKLENS_SECRET or stdin (`--secret -`, or `secrets add` without
--value), not as arguments, which show in `ps` and shell history. No output shows a secret value
except `secrets list --reveal` (and `sign` for shared-secret and basic-auth, whose headers are the secret).
Captured headers that carry a secret (Authorization, Cookie, X-Challenge, a shared-secret scheme's
header) are stored exactly and sent on exactly, but `show` masks them unless given --reveal.

Exit status: 0 success (`verify`: the signature is valid; `send`, `trigger`: delivered by the
provider's rule, e.g. any 2xx in time, only 200 for Kulmi Pay); 1 `verify`: not valid, `discover`:
no match, `send`, `trigger`: not delivered by that rule (another status, no answer in time, not
reached); 2 an error or a usage mistake; 130 a re-verification or a send stopped by
Ctrl-C.";

#[derive(Parser)]
#[command(
    name = "hooklens-cli",
    version,
    about = "Capture, inspect and verify webhooks without the desktop app",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Where events are stored [default: the app's data directory; env: HOOKLENS_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

// The one-line help of each command is here, so this enum reads as the
// list `--help` prints. A command's longer help is set here too, from its
// module: a variant's doc comment would otherwise reset it.
#[derive(Subcommand)]
enum Command {
    /// Run the capture listener until interrupted
    Serve(serve::ServeArgs),
    /// List stored events matching a search, newest first, with their signature verdicts
    #[command(long_about = events::LONG_ABOUT, after_help = events::QUERY_HELP)]
    Events(events::EventsArgs),
    /// Print one event: what arrived, its signature verdict, headers and body (control
    /// characters escaped; secret-bearing header values masked), then what was sent from it
    /// (resends, forwards, schedules)
    Show(show::ShowArgs),
    /// List what was sent from one event: every resend, forward and schedule, each attempt with
    /// its status, time taken or error
    #[command(long_about = deliveries::LONG_ABOUT)]
    Deliveries(deliveries::DeliveriesArgs),
    /// Check a stored event's signature again with the endpoint's current scheme and secrets
    #[command(long_about = verify::LONG_ABOUT)]
    Verify(verify::VerifyArgs),
    /// Find which signing construction produced a stored event, given its secret
    #[command(long_about = discover::LONG_ABOUT)]
    Discover(discover::DiscoverArgs),
    /// Print the signature headers for a body read from stdin
    #[command(long_about = sign::LONG_ABOUT)]
    Sign(sign::SignArgs),
    /// Send a stored event to a handler: re-signed, edited, duplicated, on a retry schedule
    #[command(long_about = send::LONG_ABOUT, after_help = send::AFTER_HELP)]
    Send(send::SendArgs),
    /// Send a provider's sample event, freshly made and signed, to a handler; or list the samples
    #[command(long_about = trigger::LONG_ABOUT, after_help = trigger::AFTER_HELP)]
    Trigger(trigger::TriggerArgs),
    /// List, add or remove an endpoint's signing secrets
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Re-verify stored events with the current schemes and secrets (all, or one endpoint's)
    #[command(long_about = reverify::LONG_ABOUT)]
    Reverify(reverify::ReverifyArgs),
    /// List, add, change or remove endpoints
    #[command(subcommand)]
    Endpoints(EndpointsCommand),
    /// The provider presets an endpoint can use, each with its delivery rule
    Presets(NoStore),
    /// Write events to a file (HAR, bundle, curl, raw), secrets and chosen values redacted
    #[command(long_about = export::LONG_ABOUT)]
    Export(export::ExportArgs),
    /// Store requests from a file or stdin (raw, curl, HAR, bundle, event JSON) as if captured
    #[command(long_about = import::LONG_ABOUT)]
    Import(import::ImportArgs),
    /// Show or change a setting (body_limit, max_events, max_db_bytes, durability,
    /// tunnel_rate_per_minute, tunnel_rate_burst)
    Settings(settings::SettingsArgs),
    /// Pin an event so retention never removes it (--off to unpin)
    Pin(pin::PinArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or PowerShell
    #[command(long_about = completions::LONG_ABOUT)]
    Completions(completions::CompletionsArgs),
    /// Write the manual pages (hooklens-cli.1 and one per subcommand) into a directory
    Manpages(completions::ManpagesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Other commands are short and print their own words; the listener logs.
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKLENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal; none in a log file or a pipe.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(CliError::Output(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // Messages can quote names, labels and replies from the store or
            // a handler; several lines (a query and its caret) stay lines.
            eprintln!(
                "error: {}",
                term::escape(&err.to_string(), term::Layout::Block)
            );
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Runs one command; the exit status on success (see `AFTER_HELP`).
fn run(cli: Cli) -> Result<u8, CliError> {
    let dir = cli.data_dir;
    match cli.command {
        // Open no store, or (serve) open it their own way.
        Command::Serve(args) => serve::run(args, dir),
        Command::Sign(args) => sign::run(args),
        Command::Presets(_) => presets::run(),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Manpages(args) => completions::manpages(args, Cli::command()),
        Command::Trigger(args) if args.lists_only() => trigger::list(&args),
        // Only look.
        Command::Events(args) => events::run(args, &open_read_only(dir)?),
        Command::Show(args) => show::run(args, &open_read_only(dir)?),
        Command::Deliveries(args) => deliveries::run(args, &open_read_only(dir)?),
        Command::Verify(args) => verify::run(args, &open_read_only(dir)?),
        Command::Settings(args) if args.reads_only() => settings::run(args, &open_read_only(dir)?),
        Command::Endpoints(EndpointsCommand::List(args)) => {
            endpoints::list::run(args, &open_read_only(dir)?)
        }
        Command::Endpoints(EndpointsCommand::Forward(args)) if args.reads_only() => {
            endpoints::run(EndpointsCommand::Forward(args), &open_read_only(dir)?)
        }
        Command::Secrets(SecretsCommand::List(args)) => {
            secrets::list::run(args, &open_read_only(dir)?)
        }
        // Change something, or record what was sent.
        Command::Discover(args) => discover::run(args, &open(dir)?),
        Command::Send(args) => send::run(args, &open(dir)?),
        Command::Trigger(args) => trigger::run(args, &open(dir)?),
        Command::Secrets(command) => secrets::run(command, &open(dir)?),
        Command::Reverify(args) => reverify::run(args, &open(dir)?),
        Command::Endpoints(command) => endpoints::run(command, &open(dir)?),
        Command::Settings(args) => settings::run(args, &open(dir)?),
        Command::Pin(args) => pin::run(args, &open(dir)?),
        Command::Import(args) => import::run(args, &open(dir)?),
        Command::Export(args) => export::run(args, &open_read_only(dir)?),
    }
}

/// For commands that only look: they need no write access, and take no
/// lock a running capture could wait on.
fn open_read_only(data_dir: Option<PathBuf>) -> Result<Store, CliError> {
    let config = Config::resolve(data_dir, None)?;
    Ok(match Store::open_read_only(&config.data_dir) {
        // Nothing captured here yet: an empty store answers as one would.
        Err(hooklens_core::StoreError::Missing { .. }) => Store::open(&config.data_dir)?,
        other => other?,
    })
}

fn open(data_dir: Option<PathBuf>) -> Result<Store, CliError> {
    let config = Config::resolve(data_dir, None)?;
    Ok(Store::open(&config.data_dir)?)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use crate::secret_input;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// A new command taking a secret must flatten `SecretArg` rather than
    /// declare a flag of its own, or it could miss the hidden value or `-`.
    #[test]
    fn every_flag_that_reads_the_secret_variable_is_the_shared_one() {
        fn walk(command: &clap::Command, path: &str, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                if arg.get_env() == Some(std::ffi::OsStr::new(secret_input::ENV)) {
                    assert_eq!(arg.get_id(), "secret", "{path} --{:?}", arg.get_long());
                    assert!(arg.is_hide_env_values_set(), "{path}");
                    assert!(arg.is_allow_hyphen_values_set(), "{path}");
                    found.push(format!("{path} --{}", arg.get_long().unwrap_or_default()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut found = Vec::new();
        walk(&Cli::command(), "hooklens-cli", &mut found);
        assert_eq!(
            found,
            [
                "hooklens-cli discover --secret",
                "hooklens-cli sign --secret",
                "hooklens-cli secrets add --value",
            ]
        );
    }
}
