//! `export [QUERY] -o FILE`: events leave as HAR, a case bundle, curl
//! commands or raw HTTP text, with secrets and chosen values redacted first.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::{Args, ValueEnum};
use hooklens_core::export::{
    self, ExportFormat, ExportSpec, PatternKind, Redaction, RedactionItem, Selection,
};
use hooklens_core::store::{Store, now_ns};

use super::find_endpoint;
use super::reverify::watch_ctrl_c;
use crate::error::CliError;
use crate::exit;
use crate::term;

pub const LONG_ABOUT: &str = "Write events to a file for someone else: a HAR 1.2 file (browser \
devtools, HTTP Toolkit and other HAR viewers read it; resends and forwards follow as further \
entries, Hooklens's verdicts under _hooklens), a Hooklens case bundle (re-imports byte-exact with \
`hooklens-cli import`: endpoints without secret values, verdicts, deliveries, pins), curl \
commands, or raw HTTP text.\n\n\
Before anything is written, secret-bearing headers are redacted (Authorization, \
Proxy-Authorization, Cookie, Set-Cookie, X-Challenge and the header a shared-secret scheme reads; \
--no-default-redaction keeps them), and so is every configured secret value wherever it appears. \
Add header names, JSON paths (data.customer.email, card.*, items[*].email) and patterns (emails, \
card numbers). Signature headers are kept. A redacted event no longer verifies: the file says so \
and keeps the verdict as recorded. --preview lists every redaction without writing.\n\n\
Select with a search (as `events` takes it; none: every event), --id, or both.";

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Har,
    Bundle,
    Curl,
    Raw,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> ExportFormat {
        match f {
            FormatArg::Har => ExportFormat::Har,
            FormatArg::Bundle => ExportFormat::Bundle,
            FormatArg::Curl => ExportFormat::Curl,
            FormatArg::Raw => ExportFormat::Raw,
        }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    /// What to write
    #[arg(long, value_enum)]
    format: FormatArg,
    /// The file to write (- for stdout, when it is not a terminal)
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "preview"
    )]
    output: Option<PathBuf>,
    /// These events (repeat for several) instead of, or narrowed by, a search
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<i64>,
    /// Only events of this endpoint (name, path prefix or id)
    #[arg(long, value_name = "ENDPOINT")]
    endpoint: Option<String>,
    /// Also redact this header's values (repeat for several)
    #[arg(long = "redact-header", value_name = "NAME")]
    redact_headers: Vec<String>,
    /// Also redact the value at this JSON path of the body (repeat for several)
    #[arg(long = "redact-json", value_name = "PATH")]
    redact_json: Vec<String>,
    /// Also redact email addresses wherever they appear
    #[arg(long)]
    redact_emails: bool,
    /// Also redact card numbers (13–19 digits passing the Luhn check) wherever they appear
    #[arg(long)]
    redact_cards: bool,
    /// Keep the secret-bearing headers (configured secret values are still removed)
    #[arg(long)]
    no_default_redaction: bool,
    /// List what would be redacted, and write nothing
    #[arg(long)]
    preview: bool,
    /// The search, as `events` takes it
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    query: Vec<String>,
}

pub fn run(args: ExportArgs, store: &Store) -> Result<u8, CliError> {
    let mut patterns = Vec::new();
    if args.redact_emails {
        patterns.push(PatternKind::Email);
    }
    if args.redact_cards {
        patterns.push(PatternKind::CardNumber);
    }
    let spec = ExportSpec {
        format: args.format.into(),
        redaction: Redaction {
            default_headers: !args.no_default_redaction,
            headers: args.redact_headers,
            json_paths: args.redact_json,
            patterns,
        },
    };
    let endpoints = store.endpoints();
    let endpoint_id = args
        .endpoint
        .as_deref()
        .map(|e| find_endpoint(&endpoints, e).map(|e| e.id))
        .transpose()?;
    let text = args.query.join(" ");
    let selection = if !args.ids.is_empty() && text.trim().is_empty() && endpoint_id.is_none() {
        Selection::Ids(args.ids)
    } else {
        if !args.ids.is_empty() {
            return Err(CliError::Usage(
                "give either --id or a search (with --endpoint), not both".to_owned(),
            ));
        }
        let query = hooklens_core::query::parse(&text, now_ns() / 1_000_000).map_err(|error| {
            CliError::Query {
                text: text.clone(),
                error,
            }
        })?;
        Selection::Query { query, endpoint_id }
    };

    if args.preview {
        let preview = export::preview(store, &selection, &spec)?;
        let mut out = std::io::stdout().lock();
        for item in &preview.items {
            writeln!(out, "{}", line(item))?;
        }
        if preview.more > 0 {
            writeln!(out, "… and {} more", preview.more)?;
        }
        eprintln!(
            "{} of {} events would be redacted ({} values)",
            preview.redacted_events,
            preview.events,
            preview.items.len() as u64 + preview.more
        );
        return Ok(0);
    }

    let output = args.output.unwrap_or_else(|| PathBuf::from("-"));
    let to_stdout = output.as_os_str() == "-";
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "export writes a file: give -o FILE, or redirect stdout (-o - | ...)".to_owned(),
        ));
    }
    let mut file: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(&output).map_err(|source| CliError::ReadFile {
                path: output.display().to_string(),
                source,
            })?,
        )
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let runtime = tokio::runtime::Runtime::new()?;
    watch_ctrl_c(&runtime, cancel.clone())?;
    let terminal = std::io::stderr().is_terminal();
    let outcome = export::export(store, &selection, &spec, &mut file, &cancel, |p| {
        if terminal {
            eprint!("\r\x1b[2Kexporting {} of {} events", p.done, p.total);
            let _ = std::io::stderr().flush();
        }
    })?;
    file.flush()?;
    drop(runtime);
    if terminal {
        eprint!("\r\x1b[2K");
    }
    let redactions = outcome.redactions.len() as u64 + outcome.more_redactions;
    eprintln!(
        "exported {} events ({} deliveries){}; {} values redacted in {} events{}",
        outcome.events,
        outcome.deliveries,
        if to_stdout {
            String::new()
        } else {
            format!(" to {}", term::line(&output.display().to_string()))
        },
        redactions,
        outcome.redacted_events,
        if redactions > 0 {
            " (--preview lists them)"
        } else {
            ""
        }
    );
    if outcome.missing > 0 {
        eprintln!("{} of the ids given are not stored", outcome.missing);
    }
    Ok(if outcome.cancelled {
        eprintln!("interrupted: the file holds what was written so far, and is complete as such");
        exit::INTERRUPTED
    } else {
        0
    })
}

/// `event 12 · header Authorization: value removed`.
fn line(item: &RedactionItem) -> String {
    let delivery = item
        .delivery_id
        .map(|d| format!(" delivery {d}"))
        .unwrap_or_default();
    term::line(&format!(
        "event {}{delivery} · {}",
        item.event_id,
        item.words()
    ))
    .into_owned()
}
