//! `reverify [ENDPOINT]`, and the re-verification with progress on stderr
//! (Ctrl-C stops it between batches) that every command changing a scheme
//! or a secret runs for its endpoint.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use hooklens_core::model::Endpoint;
use hooklens_core::store::Store;

use super::find_endpoint;
use crate::error::CliError;
use crate::exit::INTERRUPTED;
use crate::term;

pub const LONG_ABOUT: &str = "Re-verify stored events with the schemes and secrets as configured now and \
store the new verdicts. Commands that change a scheme or secrets do this for their endpoint \
already, unless given --no-reverify. Progress goes to stderr; Ctrl-C stops after the current \
batch: the events done keep their new verdicts, the rest their old ones (exit status 130).";

#[derive(Args)]
pub struct ReverifyArgs {
    /// Only this endpoint's events (name, path prefix or id) [default: every event]
    endpoint: Option<String>,
}

pub fn run(args: ReverifyArgs, store: &Store) -> Result<u8, CliError> {
    let endpoints = store.endpoints();
    let endpoint = args
        .endpoint
        .map(|e| find_endpoint(&endpoints, &e))
        .transpose()?;
    Ok(if with_progress(store, endpoint)? {
        0
    } else {
        INTERRUPTED
    })
}

/// Re-verifies one endpoint's events after a change, unless told not to.
/// The exit status: 0, or [`INTERRUPTED`].
pub fn after_change(store: &Store, endpoint_id: i64, skip: bool) -> Result<u8, CliError> {
    if skip {
        eprintln!("stored verdicts were left as they are (`hooklens-cli reverify` updates them)");
        return Ok(0);
    }
    let endpoints = store.endpoints();
    let endpoint = endpoints.iter().find(|e| e.id == endpoint_id);
    Ok(if with_progress(store, endpoint)? {
        0
    } else {
        INTERRUPTED
    })
}

/// Whether the whole run finished (false: Ctrl-C stopped it).
pub fn with_progress(store: &Store, endpoint: Option<&Endpoint>) -> Result<bool, CliError> {
    let cancel = Arc::new(AtomicBool::new(false));
    // A small runtime only to hear Ctrl-C; the work runs on this thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    watch_ctrl_c(&runtime, cancel.clone())?;

    let scope = match endpoint {
        Some(e) => format!(
            "of endpoint {} ({})",
            term::line(&e.name),
            term::line(&e.path_prefix)
        ),
        None => "of every endpoint".to_owned(),
    };
    let terminal = std::io::stderr().is_terminal();
    let outcome = hooklens_core::verdict::reverify(store, endpoint.map(|e| e.id), &cancel, |p| {
        if terminal {
            // \r and erase-line: one line that updates in place.
            eprint!(
                "\r\x1b[2Kre-verifying {} of {} events {scope}",
                thousands(p.done),
                thousands(p.total)
            );
            let _ = std::io::stderr().flush();
        }
    })?;
    if terminal {
        // The summary below takes the progress line's place.
        eprint!("\r\x1b[2K");
    }
    drop(runtime);
    let changed = match outcome.changed {
        1 => "1 verdict changed".to_owned(),
        n => format!("{} verdicts changed", thousands(n)),
    };
    if outcome.cancelled {
        let rest = outcome.total.saturating_sub(outcome.checked);
        eprintln!(
            "interrupted: re-verified {} of {} events {scope} ({changed}); the other {} keep their old verdicts. `hooklens-cli reverify{}` finishes the job.",
            thousands(outcome.checked),
            thousands(outcome.total),
            thousands(rest),
            endpoint.map_or(String::new(), |e| format!(
                " {}",
                term::line(&e.path_prefix)
            )),
        );
        return Ok(false);
    }
    eprintln!(
        "re-verified {} {scope}; {changed}",
        match outcome.checked {
            1 => "1 event".to_owned(),
            n => format!("{} events", thousands(n)),
        }
    );
    Ok(true)
}

/// The first Ctrl-C sets `cancel` (the run stops after its current batch,
/// which keeps its new verdicts); a second one exits at once.
pub(crate) fn watch_ctrl_c(
    runtime: &tokio::runtime::Runtime,
    cancel: Arc<AtomicBool>,
) -> Result<(), CliError> {
    let _context = runtime.enter();
    #[cfg(unix)]
    {
        // Registered here, before any work starts, not on first poll.
        let mut interrupts =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        runtime.spawn(async move {
            interrupts.recv().await;
            cancel.store(true, Ordering::Relaxed);
            eprintln!("\nstopping after the current batch (Ctrl-C again to quit at once)");
            interrupts.recv().await;
            std::process::exit(i32::from(INTERRUPTED));
        });
    }
    #[cfg(not(unix))]
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.store(true, Ordering::Relaxed);
            eprintln!("\nstopping after the current batch (Ctrl-C again to quit at once)");
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(INTERRUPTED));
        }
    });
    Ok(())
}

/// `12345` → `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_200), "1,200");
        assert_eq!(thousands(10_000_000), "10,000,000");
    }
}
