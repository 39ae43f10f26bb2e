//! `import FILE|-`: requests from a file or stdin (a raw request, a curl
//! command, HAR, a Hooklens bundle, or event JSON) stored as if the listener
//! had captured them, marked as imported.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::{Args, ValueEnum};
use hooklens_core::formats::{self, Format};
use hooklens_core::import::{self, ImportSpec};
use hooklens_core::store::{Store, now_ns};

use super::find_endpoint;
use super::reverify::watch_ctrl_c;
use crate::error::CliError;
use crate::exit;
use crate::term;

pub const LONG_ABOUT: &str = "Store requests from a file (or - for stdin) as if the listener had \
captured them: routed to an endpoint by path (or --endpoint), recognised, checked for a signature \
against the time the source says they arrived, and marked as imported (search source:import). \
Imported events never notify and are never forwarded.\n\n\
Formats, detected unless --format says: raw (a request as text, or the > lines of curl -v), curl \
(a curl command line, for a shell or cmd.exe; @file and -F files are read beside the imported \
file), har (every request of a HAR 1.2 \
file, streamed), hooklens (a bundle from `hooklens-cli export --format bundle`), json (an event's \
body alone).\n\n\
A malformed entry is reported with its place and the rest imported. Running the same import again \
adds nothing. Exit status: 0 when every entry was imported (or already had been), 1 when some were \
skipped, 130 when Ctrl-C stopped it (what was stored stays).";

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Raw,
    Curl,
    Har,
    Hooklens,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Raw => Format::Raw,
            FormatArg::Curl => Format::Curl,
            FormatArg::Har => Format::Har,
            FormatArg::Hooklens => Format::Hooklens,
            FormatArg::Json => Format::Json,
        }
    }
}

#[derive(Args)]
pub struct ImportArgs {
    /// The file to import, or - for stdin
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The source's format, when detection should not decide
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Import into this endpoint (name, path prefix or id) instead of routing by path
    #[arg(long, value_name = "ENDPOINT")]
    endpoint: Option<String>,
    /// A note kept with every imported event (e.g. the ticket it came with)
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Print the outcome as one JSON object
    #[arg(long)]
    json: bool,
}

/// Enough of the start of a source to tell its format.
const DETECT_BYTES: usize = 64 * 1024;

pub fn run(args: ImportArgs, store: &Store) -> Result<u8, CliError> {
    let endpoints = store.endpoints();
    let endpoint_id = args
        .endpoint
        .as_deref()
        .map(|e| find_endpoint(&endpoints, e).map(|e| e.id))
        .transpose()?;
    let stdin = args.file.as_os_str() == "-";
    let input: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&args.file).map_err(|e| {
            CliError::Usage(format!(
                "cannot read {}: {e}",
                term::line(&args.file.display().to_string())
            ))
        })?)
    };
    let mut input = BufReader::with_capacity(DETECT_BYTES, input);
    let format = match args.format {
        Some(f) => f.into(),
        None => {
            let start = input.fill_buf()?;
            formats::detect::detect(start).ok_or_else(|| {
                CliError::Usage(
                    "cannot tell the format of this input; give it with --format raw|curl|har|hooklens|json"
                        .to_owned(),
                )
            })?
        }
    };
    let base_dir = (!stdin)
        .then(|| args.file.parent().map(|p| p.to_path_buf()))
        .flatten();
    let spec = ImportSpec {
        file: (!stdin)
            .then(|| {
                args.file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .flatten(),
        note: args.note,
        endpoint_id,
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let runtime = tokio::runtime::Runtime::new()?;
    watch_ctrl_c(&runtime, cancel.clone())?;
    let terminal = std::io::stderr().is_terminal();
    let entries = formats::read(format, Box::new(input), base_dir.as_deref());
    let outcome = runtime.block_on(import::import_source(
        store,
        format,
        entries,
        &spec,
        now_ns(),
        &cancel,
        |p| {
            if terminal {
                // \r and erase-line: one line that updates in place.
                eprint!(
                    "\r\x1b[2Kimporting: {} read, {} imported",
                    p.entries, p.imported
                );
                let _ = std::io::stderr().flush();
            }
        },
    ))?;
    if terminal {
        eprint!("\r\x1b[2K");
    }
    drop(runtime);
    if args.json {
        writeln!(std::io::stdout().lock(), "{}", term::json(&outcome)?)?;
    } else {
        eprintln!("{} ({})", term::line(&outcome.summary()), format.name());
        for problem in &outcome.problems {
            eprintln!("  {}", term::line(problem));
        }
        if outcome.skipped > outcome.problems.len() as u64 {
            eprintln!(
                "  … and {} more",
                outcome.skipped - outcome.problems.len() as u64
            );
        }
        for endpoint in &outcome.endpoints_added {
            eprintln!("made endpoint {} (without secrets)", term::line(endpoint));
        }
        for secret in &outcome.secrets_to_add {
            eprintln!(
                "for its verdicts to hold, add the secret {} (`hooklens-cli secrets add`)",
                term::line(secret)
            );
        }
        if outcome.warned > 0 {
            eprintln!(
                "{} imported with a warning: `hooklens-cli show ID` says what",
                outcome.warned
            );
        }
    }
    Ok(if outcome.cancelled {
        exit::INTERRUPTED
    } else if outcome.skipped > 0 {
        1
    } else {
        0
    })
}
