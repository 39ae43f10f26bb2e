//! `verify ID`: a stored event's verdict under the configuration as it is
//! now, explained; nothing is stored.

use std::io::Write;

use clap::Args;
use hooklens_core::signature::VerdictStatus;
use hooklens_core::store::Store;
use hooklens_core::verdict;
use serde::Serialize;

use crate::error::CliError;
use crate::{term, verdicts};

pub const LONG_ABOUT: &str = "Check a stored event's signature again with the endpoint's scheme and secrets \
as configured now, and explain the verdict: which secret matched, or why it failed (e.g. the body \
gained a trailing newline, the secret must be decoded another way, another endpoint's secret \
matches). Timestamps are judged against the event's arrival. Stores nothing: `reverify` updates \
stored verdicts.\n\nExit status: 0 valid, 1 any other verdict, 2 error.";

#[derive(Args)]
pub struct VerifyArgs {
    id: i64,
    /// Print the verdict as one JSON object
    #[arg(long)]
    json: bool,
}

/// Exit status: 0 valid, 1 any other verdict.
pub fn run(args: VerifyArgs, store: &Store) -> Result<u8, CliError> {
    let VerifyArgs { id, json } = args;
    let mut out = std::io::stdout().lock();
    let event = store.reader()?.event(id)?;
    let endpoints = store.endpoints();
    let e = &event.summary;
    let endpoint = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id));
    // Asked for one event: diagnosed in full, whatever the body's size.
    let verdict = verdict::verdict_with(
        &endpoints,
        &store.secrets(),
        &event.subject(),
        verdict::Diagnose::Full,
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
        verdicts::write_block(&mut out, Some(&verdict), name, endpoint)?;
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
