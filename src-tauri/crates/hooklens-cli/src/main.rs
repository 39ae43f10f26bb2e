//! `hooklens-cli`: the Hooklens core without a window, for scripts and servers.

mod deliveries;
mod error;
mod exit;
mod reverify;
mod secret_input;
mod send;
mod signing;
mod term;
mod verdicts;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hooklens_core::api::{
    ConfiguredResponse, Endpoint, EventSummary, Forward, ForwardMode, HeaderPair,
};
use hooklens_core::capture::Listener;
use hooklens_core::config::Config;
use hooklens_core::providers;
use hooklens_core::signature::VerdictStatus;
use hooklens_core::store::{
    DataDirLock, EndpointSpec, PageQuery, SETTING_KEYS, Store, StoreOptions,
};
use hooklens_core::verification;
use serde::Serialize;

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

#[derive(Subcommand)]
enum Command {
    /// Run the capture listener until interrupted
    Serve {
        /// Address to listen on, HOST:PORT or a port on loopback [default: 127.0.0.1:9494; env: HOOKLENS_LISTEN]
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// List stored events matching a search, newest first, with their signature verdicts
    #[command(
        long_about = "List stored events matching a search, newest first. Each row shows the \
signature verdict: `valid (LABEL)`, `invalid: DIAGNOSIS`, `unsigned`, `no_secret`, `stale AGEs`, \
`malformed`, with `(assumed)` when the provider's construction is a guess; `-` when not verified \
yet.\n\n\
With --json each line is an object with the event's fields and the verdict's, flat: \
verdict, scheme, secret (the matched label), age_s, diagnosis ({code, message, secret} or null), \
reason, assumed.",
        after_help = QUERY_HELP
    )]
    Events {
        /// One JSON object per line instead of a table
        #[arg(long)]
        json: bool,
        /// How many events to list
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Only events of this endpoint (name, path prefix or id)
        #[arg(long, value_name = "ENDPOINT")]
        endpoint: Option<String>,
        /// Only redeliveries (shorthand for dup:yes)
        #[arg(long)]
        dup: bool,
        /// Only events with this verdict (shorthand for status:STATUS): valid, invalid, unsigned,
        /// no_secret, stale or malformed
        #[arg(long, value_name = "STATUS", value_parser = verdicts::parse_status)]
        verdict: Option<VerdictStatus>,
        /// The search, as in the app's query box (see below); several arguments are joined with
        /// spaces. It may start with a - (an excluded word or filter)
        #[arg(value_name = "QUERY", allow_hyphen_values = true)]
        query: Option<String>,
        /// The rest of a search given as several arguments. (Only the first may start with a -:
        /// clap would read a later one as an option. Quote the whole query instead.)
        #[arg(value_name = "QUERY", hide = true)]
        more: Vec<String>,
    },
    /// Print one event: what arrived, its signature verdict, headers and body (control
    /// characters escaped; secret-bearing header values masked), then what was sent from it
    /// (resends, forwards, schedules)
    Show {
        id: i64,
        /// Write only the body, byte for byte as received, to a file or a pipe (refused when
        /// stdout is a terminal, where a body's escape sequences would take effect)
        #[arg(long)]
        raw: bool,
        /// Show the values of secret-bearing headers (Authorization, Cookie, X-Challenge, a
        /// shared-secret scheme's header), masked otherwise
        #[arg(long)]
        reveal: bool,
    },
    /// List what was sent from one event: every resend, forward and schedule, each attempt with
    /// its status, time taken or error
    #[command(
        long_about = "List what Hooklens sent from stored event ID, newest run first: resends \
(`send`), forwards to an endpoint's handler, and retry schedules. Each run shows its kind, target, \
pattern and outcome; each attempt its time, the handler's status and the start of its reply, or the \
error, and how long it took. Replies and URLs are shown with control characters escaped."
    )]
    Deliveries { id: i64 },
    /// Check a stored event's signature again with the endpoint's current scheme and secrets
    #[command(
        long_about = "Check a stored event's signature again with the endpoint's scheme and secrets \
as configured now, and explain the verdict: which secret matched, or why it failed (e.g. the body \
gained a trailing newline, the secret must be decoded another way, another endpoint's secret \
matches). Timestamps are judged against the event's arrival. Stores nothing: `reverify` updates \
stored verdicts.\n\nExit status: 0 valid, 1 any other verdict, 2 error."
    )]
    Verify {
        id: i64,
        /// Print the verdict as one JSON object
        #[arg(long)]
        json: bool,
    },
    /// Find which signing construction produced a stored event, given its secret
    #[command(
        long_about = "Try every known construction (the named schemes, a header holding the secret, \
Basic auth, and generic HMACs over the body, timestamp, id and URL in hex or base64) on a stored \
event with the secret its sender used, and print each one that verifies, best first, with the \
scheme as JSON ready for `endpoints edit ENDPOINT --scheme '...'`.\n\n\
--save sets the first match as the event's endpoint's scheme, adds the secret to that endpoint \
labelled \"discovered\", and re-verifies the endpoint's events.\n\n\
Exit status: 0 when something matched, 1 when nothing did, 2 error."
    )]
    Discover {
        id: i64,
        /// The secret the sender signs with; `-` reads it from the first line of stdin (an argument shows in `ps`)
        #[arg(
            long,
            value_name = "SECRET",
            env = secret_input::ENV,
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        secret: Option<String>,
        /// Print {"matches":[{description, scheme}, ...]}
        #[arg(long)]
        json: bool,
        /// Use the first match as the endpoint's scheme and add the secret to it
        #[arg(long)]
        save: bool,
        /// With --save: leave stored verdicts as they are
        #[arg(long, requires = "save")]
        no_reverify: bool,
    },
    /// Print the signature headers for a body read from stdin
    #[command(
        long_about = "Sign the body read from stdin (byte for byte, no newline added) and print the \
headers to send, one `Name: value` per line, e.g.\n\n  \
printf '%s' \"$BODY\" | HOOKLENS_SECRET=whsec_... hooklens-cli sign --scheme standard-webhooks\n\n\
Each line works as a curl -H argument. Timestamped schemes sign --timestamp (default: now); \
Standard Webhooks signs a message id (--id, default: a fresh msg_<hex>). Twilio and templates \
with the URL need --url.\n\n\
The secret comes from HOOKLENS_SECRET or --secret; `--secret -` is refused because stdin \
carries the body."
    )]
    Sign {
        /// A scheme id (standard-webhooks, stripe, github, shopify, slack, twilio, shared-secret,
        /// basic-auth, hmac, combined), a provider preset id (e.g. kustom) or a JSON scheme
        #[arg(long, value_name = "NAME|JSON")]
        scheme: String,
        /// The secret to sign with; prefer HOOKLENS_SECRET (an argument shows in `ps`)
        #[arg(
            long,
            value_name = "SECRET",
            env = secret_input::ENV,
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        secret: Option<String>,
        /// Message id for schemes that sign one [default: msg_<random hex>]
        #[arg(long)]
        id: Option<String>,
        /// Unix seconds to sign [default: now]
        #[arg(long, value_name = "UNIX", allow_hyphen_values = true)]
        timestamp: Option<i64>,
        /// The URL the request is sent to (Twilio and URL templates sign it)
        #[arg(long)]
        url: Option<String>,
        /// Name for the secret in error messages
        #[arg(long, default_value = "cli")]
        label: String,
        /// Print {"headers":[[name, value], ...]}
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        no_store: NoStore,
    },
    /// Send a stored event to a handler: re-signed, edited, duplicated, on a retry schedule
    #[command(long_about = SEND_ABOUT, after_help = SEND_HELP)]
    Send(send::SendArgs),
    /// Send a provider's sample event, freshly made and signed, to a handler; or list the samples
    #[command(long_about = TRIGGER_ABOUT, after_help = TRIGGER_HELP)]
    Trigger(send::TriggerArgs),
    /// List, add or remove an endpoint's signing secrets
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Re-verify stored events with the current schemes and secrets (all, or one endpoint's)
    #[command(
        long_about = "Re-verify stored events with the schemes and secrets as configured now and \
store the new verdicts. Commands that change a scheme or secrets do this for their endpoint \
already, unless given --no-reverify. Progress goes to stderr; Ctrl-C stops after the current \
batch: the events done keep their new verdicts, the rest their old ones (exit status 130)."
    )]
    Reverify {
        /// Only this endpoint's events (name, path prefix or id) [default: every event]
        endpoint: Option<String>,
    },
    /// List, add, change or remove endpoints
    #[command(subcommand)]
    Endpoints(EndpointsCommand),
    /// The provider presets an endpoint can use, each with its delivery rule
    Presets(NoStore),
    /// Show or change a setting (body_limit, max_events, max_db_bytes, durability)
    Settings {
        key: Option<String>,
        value: Option<String>,
    },
    /// Pin an event so retention never removes it (--off to unpin)
    Pin {
        id: i64,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// List secrets by label, masked (e.g. whsec_…x9Qz), oldest first: the order verification tries them
    List {
        /// Only this endpoint's (name, path prefix or id)
        endpoint: Option<String>,
        /// Show the values themselves
        #[arg(long)]
        reveal: bool,
        /// One JSON object per line
        #[arg(long)]
        json: bool,
    },
    /// Add a labelled secret to an endpoint, then re-verify its events
    #[command(
        long_about = "Add a labelled secret to an endpoint, then re-verify its stored events. \
An endpoint may hold several (rotation: old and new both valid); verdicts name the label that \
matched.\n\nThe value is read from the first line of stdin unless HOOKLENS_SECRET or --value \
gives it, so it stays out of `ps` and shell history; typed or pasted at a terminal, it is not \
echoed:\n\n  \
hooklens-cli secrets add /kustom production < secret.txt"
    )]
    Add {
        /// Endpoint name, path prefix or id
        endpoint: String,
        /// A name for the secret, e.g. production, old, new
        label: String,
        /// The secret value (`-`: stdin); prefer stdin or HOOKLENS_SECRET
        #[arg(
            long,
            value_name = "SECRET",
            env = secret_input::ENV,
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        value: Option<String>,
        /// Leave stored verdicts as they are
        #[arg(long)]
        no_reverify: bool,
    },
    /// Remove an endpoint's secret by label, then re-verify its events
    Remove {
        /// Endpoint name, path prefix or id
        endpoint: String,
        label: String,
        /// Leave stored verdicts as they are
        #[arg(long)]
        no_reverify: bool,
    },
}

#[derive(Subcommand)]
enum EndpointsCommand {
    /// List endpoints with the scheme in use and their secrets (masked)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add an endpoint
    Add {
        #[arg(long)]
        name: String,
        /// Path prefix, e.g. /kustom
        #[arg(long)]
        path: String,
        #[command(flatten)]
        options: EndpointOptions,
    },
    /// Change an endpoint (name, path prefix or id); unset options keep their value
    #[command(
        long_about = "Change an endpoint (name, path prefix or id); unset options keep their \
value. When --scheme changes the scheme, the endpoint's stored events are re-verified \
(--no-reverify skips it)."
    )]
    Edit {
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
    },
    /// Remove an endpoint; its events stay
    Remove { endpoint: String },
}

/// `--data-dir` where no store is used: accepted, as the option is global,
/// but left out of the command's help, where it would suggest otherwise.
#[derive(Args)]
struct NoStore {
    /// Ignored: this command uses no store
    #[arg(long = "data-dir", value_name = "DIR", hide = true)]
    data_dir: Option<PathBuf>,
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
    /// Pass each request on to this URL after it is stored (`off` stops forwarding); the
    /// handler's reply is recorded as a delivery
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

/// The search as one text. A first argument starting with `--` is an
/// option clap does not know (the query positional takes hyphens, so clap
/// hands it over): said as such, rather than as a query error.
fn query_text(first: Option<String>, more: Vec<String>) -> Result<String, CliError> {
    if let Some(option) = first.as_deref().filter(|q| q.starts_with("--")) {
        return Err(CliError::Usage(format!(
            "events has no option {}; see `hooklens-cli events --help` (to exclude a word or \
             filter, put one - before it)",
            term::line(option.split('=').next().unwrap_or(option))
        )));
    }
    Ok(first.into_iter().chain(more).collect::<Vec<_>>().join(" "))
}

/// The search typed, with `--dup` and `--verdict` as the filters they stand
/// for: one language, one way to filter.
fn search_query(
    text: &str,
    dup: bool,
    verdict: Option<VerdictStatus>,
) -> Result<hooklens_core::query::Query, CliError> {
    let now_ms = hooklens_core::store::now_ns() / 1_000_000;
    let parse = |text: &str| {
        hooklens_core::query::parse(text, now_ms).map_err(|error| CliError::Query {
            text: text.to_owned(),
            error,
        })
    };
    let mut query = parse(text)?;
    let mut shorthand = Vec::new();
    if dup {
        shorthand.push("dup:yes".to_owned());
    }
    if let Some(status) = verdict {
        shorthand.push(format!("status:{}", status.as_str()));
    }
    for term in shorthand {
        query.terms.extend(parse(&term)?.terms);
    }
    Ok(query)
}

/// The search language, for `events --help`.
const QUERY_HELP: &str = "\
Search: words must all appear in the path, headers or body (\"quoted phrases\" too; checko* for a
prefix); field:value filters narrow it; a leading - excludes a word, phrase or filter.
  type:order.created   type:dispute.*     provider:kustom    endpoint:NAME|/prefix|ID
  method:POST          path:/kustom/*     status:invalid     status:unverified
  id:EVENT_ID          id:#123            merchant:m_42      dup:yes | dup:no
  header.user-agent:curl (value contains, any case; * = any value)
  json.metadata.checkoutId:abc (value at a dot path; json.data.status:pend* for a prefix; * = the
    path exists; json.a\\:1:x for a key with a colon: a backslash puts the next character in the
    key, \\. a dot, \\\\ a backslash)
  after:1h  after:2d  before:2026-11-20  after:2026-11-20T10:00  (local time, or RFC 3339)
Quote values with spaces: json.note:\"two words\". Quoted values are literal: type:\"a*\" and
json.note:\"a*\" match a real *. Unquoted, a * in type: and json. values may only end them.
Text becomes searchable about 0.2 s after it arrives. A malformed query is an error (exit 2).

Examples:
  hooklens-cli events 'refund provider:kustom -status:valid'
  hooklens-cli events --json 'type:dispute.* after:1w'
  hooklens-cli events '-status:valid endpoint:Kustom' --limit 10
  hooklens-cli events 'json.data.status:pend*'";

const SEND_ABOUT: &str = "\
Send stored event ID to the handler at --to URL: method, headers and body exactly as captured, \
except for what the options change. Each attempt prints as it completes, with the handler's status, \
headers and body (the first 4 KiB), and is recorded with the reply.

Signing: by default the request is re-signed with the scheme and newest secret of the event's \
endpoint (--endpoint: another endpoint's; --secret: another of its secrets): a fresh signature, \
timestamp and message id, so an edited body verifies at the handler. When that endpoint has no \
secret, the captured headers go as they are and a note on stderr says why. --keep-signature always \
sends them as captured; --missign and --stale test the handler's rejection paths.

Edits: --body-file replaces the body with a file's exact bytes; --header 'Name: value' replaces \
every header Name, --header 'Name:' removes it. Host and Content-Length follow the URL and body.

Repeats: --times N sends the same request N times with one event id and message id (a duplicate \
delivery); --schedule PROVIDER replays that provider's retry schedule, stopping at the first \
delivery, with its waits divided by --speed. Ctrl-C stops before the next attempt and records the \
run as cancelled.

Delivery rule: every attempt is judged by the rule of the provider the event is sent as (the \
--endpoint's preset, else the event's provider): which statuses it counts as delivered (any 2xx; \
only 200 for Kulmi Pay and Kustom In-Person Payments) and how long it waits for the answer (15 s \
for the checkout provider; 30 s with no provider); `presets` lists every rule. --timeout sets \
another wait.

Exit status: 0 the last attempt was delivered by that rule; 1 it was not (another status, no answer \
in time, the handler not reached); 2 an error or a usage mistake; 130 stopped by Ctrl-C.";

const SEND_HELP: &str = "\
Examples:
  hooklens-cli send 42 --to http://localhost:3000/webhooks
  hooklens-cli show 42 --raw | jq -c '.data.amount = 2500' \\
    | hooklens-cli send 42 --to http://localhost:3000/webhooks --body-file -
  hooklens-cli send 42 --to http://localhost:3000/webhooks --schedule checkout --speed 3600
  hooklens-cli send 42 --to http://localhost:3000/webhooks --missign --header 'User-Agent:'";

const TRIGGER_ABOUT: &str = "\
Send a fresh sample of PROVIDER's event TYPE (new ids, the current time) to the handler at \
--to URL, signed as the provider signs: with the scheme and newest secret of --endpoint, else of \
the first endpoint with PROVIDER's preset and a secret, else unsigned (a note on stderr says so). \
Without TYPE (or with --list), list PROVIDER's sample types. The send is recorded and printed as \
`send`'s are.

Exit status: 0 delivered by PROVIDER's rule (e.g. any 2xx in time; only 200 for Kulmi Pay); 1 not \
delivered (another status, no answer in time, not reached); 2 an error (an unknown provider or type \
too) or a usage mistake; 130 stopped by Ctrl-C.";

const TRIGGER_HELP: &str = "\
Examples:
  hooklens-cli trigger kustom
  hooklens-cli trigger kustom capture.created --to http://localhost:3000/webhooks
  hooklens-cli trigger github push --to http://localhost:3000/gh --endpoint GitHub --json";

/// Why `show --raw` does not write to a terminal, and what to do instead.
fn raw_on_terminal(id: i64) -> String {
    format!(
        "show --raw writes the body's exact bytes, and stdout is a terminal, where escape \
sequences in a body would take effect (retitle the window, clear the screen, rewrite lines). \
Redirect it to a file or a pipe: `hooklens-cli show {id} --raw > body.bin`, `... | xxd`, \
`... | jq .`; or leave out --raw to see the body with control characters escaped"
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Other commands are short and print their own words; the listener logs.
    let default_level = if matches!(cli.command, Command::Serve { .. }) {
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
    if let Command::Serve { listen } = cli.command {
        let config = Config::resolve(cli.data_dir, listen)?;
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(serve(config))?;
        return Ok(0);
    }
    if let Command::Sign {
        scheme,
        secret,
        id,
        timestamp,
        url,
        label,
        json,
        no_store: _,
    } = cli.command
    {
        // Needs no database.
        let args = signing::SignArgs {
            scheme,
            secret,
            label,
            id,
            timestamp,
            url,
            json,
        };
        signing::sign(args, &mut std::io::stdout().lock())?;
        return Ok(0);
    }
    if let Command::Presets(_) = cli.command {
        // Needs no database.
        let mut out = std::io::stdout().lock();
        for p in providers::presets() {
            let scheme = match (&p.scheme, p.assumed) {
                (Some(s), true) => format!("{} (assumed)", s.id()),
                (Some(s), false) => s.id().to_owned(),
                (None, _) => "-".to_owned(),
            };
            writeln!(out, "{:<18} {:<26} {scheme}", p.id, p.name)?;
            // What it counts as delivered, for `send` and `trigger`.
            writeln!(out, "{:<18} {}", "", p.rule_words())?;
        }
        return Ok(0);
    }
    if let Command::Trigger(args) = &cli.command
        && args.lists_only()
    {
        // Listing a provider's samples needs no database.
        return send::list_samples(args);
    }
    let config = Config::resolve(cli.data_dir, None)?;
    // Commands that only look open the store read-only: they need no write
    // access, and take no lock a running capture could wait on.
    let looks_only = matches!(
        cli.command,
        Command::Events { .. }
            | Command::Show { .. }
            | Command::Deliveries { .. }
            | Command::Verify { .. }
            | Command::Settings { value: None, .. }
            | Command::Endpoints(EndpointsCommand::List { .. })
            | Command::Secrets(SecretsCommand::List { .. })
    );
    let store = if looks_only {
        match Store::open_read_only(&config.data_dir) {
            // Nothing captured here yet: an empty store answers as one would.
            Err(hooklens_core::StoreError::Missing { .. }) => Store::open(&config.data_dir)?,
            other => other?,
        }
    } else {
        Store::open(&config.data_dir)?
    };
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Serve { .. } | Command::Sign { .. } | Command::Presets(_) => {
            unreachable!("handled above")
        }
        Command::Events {
            json,
            limit,
            endpoint,
            dup,
            verdict,
            query,
            more,
        } => {
            let endpoints = store.endpoints();
            let endpoint_id = endpoint
                .map(|e| find_endpoint(&endpoints, &e).map(|e| e.id))
                .transpose()?;
            let query = query_text(query, more)?;
            let query = search_query(&query, dup, verdict)?;
            let events = store.reader()?.query(&PageQuery {
                limit,
                endpoint_id,
                query,
                ..PageQuery::default()
            })?;
            for event in &events {
                if json {
                    writeln!(out, "{}", term::json(&EventLine::new(event, &endpoints))?)?;
                } else {
                    write_row(&mut out, event)?;
                }
            }
        }
        Command::Show { id, raw, reveal } => {
            if raw && out.is_terminal() {
                // Exact bytes are for a file or another program; on a
                // terminal a sender's escape sequences would run. Refused
                // before reading, so the answer is the same for every event.
                return Err(CliError::Usage(raw_on_terminal(id)));
            }
            let reader = store.reader()?;
            let event = reader.event(id)?;
            if raw {
                out.write_all(&event.body)?;
            } else {
                let shown = write_event(&mut out, &event, &store.endpoints(), reveal)?;
                deliveries::write_summary(&mut out, &reader, id)?;
                out.flush()?;
                if shown.escaped {
                    eprintln!(
                        "note: control characters are shown escaped (\\x1b, \\u{{9b}}; \\xNN is a byte that \
is not UTF-8); `hooklens-cli show {id} --raw > FILE` writes the body's exact bytes"
                    );
                }
                if !shown.masked.is_empty() {
                    eprintln!(
                        "note: secret-bearing header values are masked ({}); \
`hooklens-cli show {id} --reveal` shows them",
                        term::line(&shown.masked.join(", "))
                    );
                }
            }
        }
        Command::Deliveries { id } => deliveries::list(&store.reader()?, id, &mut out)?,
        Command::Verify { id, json } => return verify(&store, id, json, &mut out),
        Command::Discover {
            id,
            secret,
            json,
            save,
            no_reverify,
        } => {
            let args = signing::DiscoverArgs {
                id,
                secret,
                json,
                save,
                no_reverify,
            };
            return signing::discover(&store, args, &mut out);
        }
        Command::Secrets(command) => return secrets(&store, command, &mut out),
        // Both print as each attempt completes, from the core's callback.
        Command::Send(args) => {
            drop(out);
            return send::send(&store, args);
        }
        Command::Trigger(args) => {
            drop(out);
            return send::trigger(&store, args);
        }
        Command::Reverify { endpoint } => {
            let endpoints = store.endpoints();
            let endpoint = endpoint
                .map(|e| find_endpoint(&endpoints, &e))
                .transpose()?;
            if !reverify::run(&store, endpoint)? {
                return Ok(exit::INTERRUPTED);
            }
        }
        Command::Endpoints(command) => return endpoints(&store, command, &mut out),
        Command::Settings { key, value } => match (key, value) {
            (None, _) => {
                let settings = store.settings();
                for (key, help) in SETTING_KEYS {
                    writeln!(
                        out,
                        "{key:<13} {:<12} {help}",
                        term::line(&settings.get(key)?)
                    )?;
                }
            }
            (Some(key), None) => writeln!(out, "{}", term::line(&store.settings().get(&key)?))?,
            (Some(key), Some(value)) => {
                store.set_setting(&key, &value)?;
                writeln!(
                    out,
                    "{} = {}",
                    term::line(&key),
                    term::line(&store.settings().get(&key)?)
                )?;
                if key == "durability" {
                    writeln!(out, "(applies the next time Hooklens starts)")?;
                }
            }
        },
        Command::Pin { id, off } => store.set_pinned(id, !off)?,
    }
    Ok(0)
}

async fn serve(config: Config) -> Result<(), CliError> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open_with(
        &config.data_dir,
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )?;
    let listener = Listener::start(config.listen, store).await?;
    eprintln!(
        "Hooklens is capturing on {} (data in {}). Ctrl-C stops.",
        listener.status().url,
        config.data_dir.display()
    );
    stop_signal().await?;
    eprintln!("Stopping: answering requests in progress…");
    let stats = listener.stats();
    listener.shutdown().await;
    if stats.refused + stats.evicted + stats.timed_out > 0 {
        eprintln!(
            "Connection limits: {} answered 503 (all {} connections busy), {} idle or \
             half-sent connections closed to make room, {} closed for sending too slowly \
             ({} idle keep-alive connections closed as usual).",
            stats.refused, stats.max_connections, stats.evicted, stats.timed_out, stats.idle_closed
        );
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM as systemd, Docker and a logout send: both drain.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

/// By id, path prefix or name (case-insensitive), in that order.
fn find_endpoint<'a>(endpoints: &'a [Endpoint], key: &str) -> Result<&'a Endpoint, CliError> {
    let by_id = key
        .parse::<i64>()
        .ok()
        .and_then(|id| endpoints.iter().find(|e| e.id == id));
    by_id
        .or_else(|| {
            endpoints.iter().find(|e| {
                e.path_prefix == key.trim_end_matches('/') || (key == "/" && e.is_default)
            })
        })
        .or_else(|| endpoints.iter().find(|e| e.name.eq_ignore_ascii_case(key)))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no endpoint {key:?}; see `hooklens-cli endpoints list`"
            ))
        })
}

fn parse_header(raw: &str) -> Result<HeaderPair, CliError> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| CliError::Usage(format!("header {raw:?} must look like 'Name: value'")))?;
    Ok(HeaderPair {
        name: name.trim().to_owned(),
        value: value.trim().to_owned(),
    })
}

fn apply(options: EndpointOptions, spec: &mut EndpointSpec) -> Result<(), CliError> {
    if let Some(preset) = options.preset {
        spec.preset = (preset != "detect").then_some(preset);
    }
    if let Some(scheme) = options.scheme {
        spec.scheme = if scheme.trim() == "preset" {
            None
        } else {
            let (scheme, preset) = signing::parse_scheme(&scheme)?;
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
    if let Some(status) = options.status {
        spec.response.status = status;
    }
    if !options.headers.is_empty() {
        spec.response.headers = options
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<_, _>>()?;
    }
    if let Some(body) = options.body {
        spec.response.body = body;
    }
    if let Some(delay) = options.delay_ms {
        spec.response.delay_ms = delay;
    }
    match (
        options.forward.as_deref().map(str::trim),
        options.forward_mode,
    ) {
        (Some("off"), _) => spec.forward = None,
        (Some(url), mode) => {
            spec.forward = Some(Forward {
                url: url.to_owned(),
                mode: mode
                    .or(spec.forward.as_ref().map(|f| f.mode))
                    .unwrap_or_default(),
            });
        }
        (None, Some(mode)) => match &mut spec.forward {
            Some(forward) => forward.mode = mode,
            None => {
                return Err(CliError::Usage(
                    "--forward-mode needs --forward URL: this endpoint does not forward".into(),
                ));
            }
        },
        (None, None) => {}
    }
    Ok(())
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

/// Re-verifies one endpoint's events after a change, unless told not to.
/// The exit status: 0, or [`exit::INTERRUPTED`].
fn after_change(store: &Store, endpoint_id: i64, skip: bool) -> Result<u8, CliError> {
    if skip {
        eprintln!("stored verdicts were left as they are (`hooklens-cli reverify` updates them)");
        return Ok(0);
    }
    let endpoints = store.endpoints();
    let endpoint = endpoints.iter().find(|e| e.id == endpoint_id);
    Ok(if reverify::run(store, endpoint)? {
        0
    } else {
        exit::INTERRUPTED
    })
}

fn endpoints(
    store: &Store,
    command: EndpointsCommand,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    match command {
        EndpointsCommand::List { json } => {
            let counts = store.reader()?.endpoint_counts()?;
            for e in store.endpoints().iter() {
                let count = counts
                    .iter()
                    .find(|c| c.endpoint_id == Some(e.id))
                    .map_or(0, |c| c.count);
                if json {
                    let line = serde_json::json!({
                        "endpoint": e,
                        "events": count,
                        "scheme_in_use": scheme_in_use(e),
                    });
                    writeln!(out, "{}", term::json(&line)?)?;
                } else {
                    writeln!(
                        out,
                        "{:>4}  {:<16} {:<20} {:<18} {} {}{}  {} events",
                        e.id,
                        term::line(&e.name),
                        term::line(&e.path_prefix),
                        term::line_or(e.preset.as_deref(), "detect"),
                        e.response.status,
                        if e.response.body.is_empty() {
                            ""
                        } else {
                            "+body"
                        },
                        if e.response.delay_ms > 0 {
                            format!(" after {} ms", e.response.delay_ms)
                        } else {
                            String::new()
                        },
                        count
                    )?;
                    writeln!(out, "      scheme   {}", term::line(&scheme_in_use(e)))?;
                    let secrets: Vec<String> = e
                        .secrets
                        .iter()
                        .map(|s| format!("{} {}", term::line(&s.label), term::line(&s.masked)))
                        .collect();
                    writeln!(
                        out,
                        "      secrets  {}",
                        if secrets.is_empty() {
                            "none".to_owned()
                        } else {
                            secrets.join(", ")
                        }
                    )?;
                    if let Some(f) = &e.forward {
                        let mode = match f.mode {
                            ForwardMode::Respond => "sender answered at once",
                            ForwardMode::Relay => "handler's reply relayed",
                        };
                        writeln!(out, "      forward  {} ({mode})", term::line(&f.url))?;
                    }
                }
            }
        }
        EndpointsCommand::Add {
            name,
            path,
            options,
        } => {
            let mut spec = EndpointSpec {
                name,
                path_prefix: path,
                preset: None,
                response: ConfiguredResponse::default(),
                scheme: None,
                forward: None,
            };
            apply(options, &mut spec)?;
            let e = store.add_endpoint(&spec)?;
            writeln!(
                out,
                "added endpoint {} ({} → {})",
                e.id,
                term::line(&e.path_prefix),
                term::line(&e.name)
            )?;
        }
        EndpointsCommand::Edit {
            endpoint,
            name,
            path,
            options,
            no_reverify,
        } => {
            let endpoints = store.endpoints();
            let current = find_endpoint(&endpoints, &endpoint)?;
            let mut spec = EndpointSpec::from(current);
            if let Some(name) = name {
                spec.name = name;
            }
            if let Some(path) = path {
                spec.path_prefix = path;
            }
            apply(options, &mut spec)?;
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
                return after_change(store, e.id, no_reverify);
            }
        }
        EndpointsCommand::Remove { endpoint } => {
            let endpoints = store.endpoints();
            let e = find_endpoint(&endpoints, &endpoint)?;
            store.remove_endpoint(e.id)?;
            writeln!(
                out,
                "removed endpoint {} ({}); its events are kept",
                e.id,
                term::line(&e.path_prefix)
            )?;
        }
    }
    Ok(0)
}

fn secrets(store: &Store, command: SecretsCommand, out: &mut impl Write) -> Result<u8, CliError> {
    let endpoints = store.endpoints();
    match command {
        SecretsCommand::List {
            endpoint,
            reveal,
            json,
        } => {
            let chosen: Vec<&Endpoint> = match &endpoint {
                Some(key) => vec![find_endpoint(&endpoints, key)?],
                None => endpoints.iter().collect(),
            };
            let values = if reveal { Some(store.secrets()) } else { None };
            let mut listed = 0;
            for e in chosen {
                for s in &e.secrets {
                    listed += 1;
                    let value = values.as_ref().and_then(|v| {
                        v.get(&e.id)?
                            .iter()
                            .find(|x| x.label == s.label)
                            .map(|x| x.value.as_str())
                    });
                    let created = rfc3339(s.created_at_ms.saturating_mul(1_000_000));
                    if json {
                        let mut line = serde_json::json!({
                            "endpoint": e.name,
                            "path": e.path_prefix,
                            "label": s.label,
                            "masked": s.masked,
                            "created_at": created,
                        });
                        if let Some(value) = value {
                            line["value"] = value.into();
                        }
                        writeln!(out, "{}", term::json(&line)?)?;
                    } else {
                        writeln!(
                            out,
                            "{:<20} {:<16} {:<24} added {created}",
                            term::line(&e.path_prefix),
                            term::line(&s.label),
                            term::line(value.unwrap_or(&s.masked))
                        )?;
                    }
                }
            }
            if listed == 0 {
                eprintln!(
                    "no secrets{}; add one with `hooklens-cli secrets add ENDPOINT LABEL` (the value is read from stdin)",
                    endpoint.map_or(String::new(), |e| format!(
                        " on endpoint {}",
                        term::line(&e)
                    ))
                );
            }
        }
        SecretsCommand::Add {
            endpoint,
            label,
            value,
            no_reverify,
        } => {
            let e = find_endpoint(&endpoints, &endpoint)?;
            let value = match value.as_deref() {
                None | Some("-") => secret_input::first_line_of_stdin("the secret")?,
                Some(_) => value.unwrap_or_default(),
            };
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
            return after_change(store, e.id, no_reverify);
        }
        SecretsCommand::Remove {
            endpoint,
            label,
            no_reverify,
        } => {
            let e = find_endpoint(&endpoints, &endpoint)?;
            store.remove_secret(e.id, &label)?;
            writeln!(
                out,
                "removed secret {:?} from endpoint {} ({})",
                label.trim(),
                term::line(&e.name),
                term::line(&e.path_prefix)
            )?;
            return after_change(store, e.id, no_reverify);
        }
    }
    Ok(0)
}

/// `verify ID`: the verdict under the configuration as it is now.
fn verify(store: &Store, id: i64, json: bool, out: &mut impl Write) -> Result<u8, CliError> {
    let event = store.reader()?.event(id)?;
    let endpoints = store.endpoints();
    let e = &event.summary;
    let endpoint = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id));
    // Asked for one event: diagnosed in full, whatever the body's size.
    let verdict = verification::verdict_with(
        &endpoints,
        &store.secrets(),
        &verification::Subject {
            endpoint_id: e.endpoint_id,
            provider: e.provider.as_deref(),
            method: &e.method,
            path: &e.path,
            query: e.query.as_deref(),
            headers: &event.headers,
            body: &event.body,
            received_at_ns: event.received_at_ns,
        },
        verification::Diagnose::Full,
    );
    let name = verdicts::scheme_name(&verdict, endpoint, e.provider.as_deref(), &event.headers);
    if json {
        #[derive(Serialize)]
        struct Line<'a> {
            id: i64,
            #[serde(flatten)]
            verdict: verdicts::Fields<'a>,
            scheme_name: Option<&'a str>,
            /// The verdict stored at capture (or the last re-verification).
            stored_verdict: Option<&'static str>,
        }
        let line = Line {
            id,
            verdict: verdicts::Fields::new(Some(&verdict)),
            scheme_name: name.as_deref(),
            stored_verdict: e.verdict.as_ref().map(|v| v.status.as_str()),
        };
        writeln!(out, "{}", term::json(&line)?)?;
    } else {
        writeln!(out, "event     {id}")?;
        verdicts::write_block(out, Some(&verdict), name, endpoint)?;
        if let Some(stored) = &e.verdict
            && stored != &verdict
        {
            writeln!(
                out,
                "stored    {} (from an earlier configuration; `hooklens-cli reverify` updates it)",
                verdicts::short(Some(stored))
            )?;
        }
    }
    Ok(if verdict.status == VerdictStatus::Valid {
        0
    } else {
        1
    })
}

/// One line of `events --json`.
#[derive(Serialize)]
struct EventLine<'a> {
    id: i64,
    received_at: String,
    endpoint: Option<&'a str>,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    provider: Option<&'a str>,
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    provider_event_id: Option<&'a str>,
    merchant_id: Option<&'a str>,
    delivery: i64,
    size: i64,
    content_type: Option<&'a str>,
    remote_addr: Option<&'a str>,
    pinned: bool,
    #[serde(flatten)]
    signature: verdicts::Fields<'a>,
}

impl<'a> EventLine<'a> {
    fn new(e: &'a EventSummary, endpoints: &'a [Endpoint]) -> Self {
        EventLine {
            id: e.id,
            received_at: rfc3339(cursor_ns(e)),
            endpoint: e
                .endpoint_id
                .and_then(|id| endpoints.iter().find(|x| x.id == id))
                .map(|x| x.name.as_str()),
            method: &e.method,
            path: &e.path,
            query: e.query.as_deref(),
            provider: e.provider.as_deref(),
            event_type: e.event_type.as_deref(),
            provider_event_id: e.provider_event_id.as_deref(),
            merchant_id: e.merchant_id.as_deref(),
            delivery: e.delivery,
            size: e.size,
            content_type: e.content_type.as_deref(),
            remote_addr: e.remote_addr.as_deref(),
            pinned: e.pinned,
            signature: verdicts::Fields::new(e.verdict.as_ref()),
        }
    }
}

/// The exact receive time, which the cursor carries in nanoseconds.
fn cursor_ns(e: &EventSummary) -> i64 {
    e.cursor
        .parse::<hooklens_core::store::Cursor>()
        .map_or(e.received_at_ms * 1_000_000, |c| c.received_at_ns)
}

fn rfc3339(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ns.to_string())
}

/// One row of `events`. Every cell is escaped for one line: a sender's
/// newline must not start a fake row, nor its escape sequences reach the
/// terminal.
fn write_row(out: &mut impl Write, e: &EventSummary) -> std::io::Result<()> {
    let what = match (&e.provider, &e.event_type) {
        (Some(p), Some(t)) => format!("{p} {t}"),
        (Some(p), None) => p.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => String::new(),
    };
    let redelivery = if e.delivery > 1 {
        format!(" (delivery {})", e.delivery)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{:>8}  {}  {:<28} {:<7} {}{}  {} B  {}{}",
        e.id,
        rfc3339(cursor_ns(e)),
        verdicts::short(e.verdict.as_ref()),
        term::line(&e.method),
        term::line(&e.path),
        e.query
            .as_deref()
            .map(|q| format!("?{}", term::line(q)))
            .unwrap_or_default(),
        e.size,
        term::line(&what),
        redelivery
    )
}

/// What `show ID` left out, so the caller can say how to get it.
struct Shown {
    /// Something was escaped (the exact bytes need `--raw`).
    escaped: bool,
    /// The names of the headers whose values were masked.
    masked: Vec<String>,
}

/// `show ID`: secret-bearing header values masked unless `reveal`.
fn write_event(
    out: &mut impl Write,
    event: &hooklens_core::store::EventDetail,
    endpoints: &[Endpoint],
    reveal: bool,
) -> std::io::Result<Shown> {
    let t = term::Tracker::default();
    let e = &event.summary;
    let found = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id));
    let endpoint = found.map_or("(removed endpoint)", |x| x.name.as_str());
    writeln!(out, "event     {}", e.id)?;
    writeln!(out, "received  {}", rfc3339(event.received_at_ns))?;
    writeln!(out, "endpoint  {}", t.line(endpoint))?;
    writeln!(
        out,
        "request   {} {}{}",
        t.line(&e.method),
        t.line(&event.request_target()),
        event
            .http_version
            .as_deref()
            .map(|v| format!(" {}", t.line(v)))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "from      {}",
        t.line(e.remote_addr.as_deref().unwrap_or("-"))
    )?;
    if let Some(p) = &e.provider {
        writeln!(out, "provider  {}", t.line(p))?;
    }
    if let Some(ty) = &e.event_type {
        writeln!(out, "type      {}", t.line(ty))?;
    }
    if let Some(id) = &e.provider_event_id {
        writeln!(out, "event id  {} (delivery {})", t.line(id), e.delivery)?;
    }
    if let Some(m) = &e.merchant_id {
        writeln!(out, "merchant  {}", t.line(m))?;
    }
    for (label, value) in &event.refs {
        writeln!(out, "{:<9} {}", t.line(label), t.line(value))?;
    }
    writeln!(out, "size      {} bytes", e.size)?;
    let scheme_name = e
        .verdict
        .as_ref()
        .and_then(|v| verdicts::scheme_name(v, found, e.provider.as_deref(), &event.headers));
    verdicts::write_block(out, e.verdict.as_ref(), scheme_name, found)?;
    writeln!(out)?;
    let secret = hooklens_core::inspect::secret_headers(event, endpoints);
    let mut masked = Vec::new();
    // Trailers follow the same rule: a credential may travel in either.
    let field_value =
        |h: &hooklens_core::store::StoredHeader, masked: &mut Vec<String>| match secret
            .shown(h)
            .filter(|_| !reveal)
        {
            Some(mask) => {
                if !masked
                    .iter()
                    .any(|m: &String| m.eq_ignore_ascii_case(&h.name))
                {
                    masked.push(h.name.clone());
                }
                mask
            }
            None => t.bytes(h.bytes(), term::Layout::Line).into_owned(),
        };
    for h in &event.headers {
        let value = field_value(h, &mut masked);
        writeln!(out, "{}: {value}", t.line(&h.name))?;
    }
    writeln!(out)?;
    match std::str::from_utf8(&event.body) {
        Ok(text) => {
            // Line feeds and tabs are the body's layout; anything else that
            // would drive the terminal is shown escaped.
            let shown = t.bytes(text.as_bytes(), term::Layout::Block);
            out.write_all(shown.as_bytes())?;
            if !text.ends_with('\n') && !text.is_empty() {
                writeln!(out)?;
            }
        }
        Err(_) => writeln!(
            out,
            "(binary body, {} bytes: `hooklens-cli show {} --raw > FILE` writes it exactly)",
            event.body.len(),
            e.id
        )?,
    }
    if !event.trailers.is_empty() {
        writeln!(out)?;
        writeln!(out, "trailers (sent after the chunked body)")?;
        for h in &event.trailers {
            let value = field_value(h, &mut masked);
            writeln!(out, "{}: {value}", t.line(&h.name))?;
        }
    }
    Ok(Shown {
        escaped: t.escaped(),
        masked,
    })
}
