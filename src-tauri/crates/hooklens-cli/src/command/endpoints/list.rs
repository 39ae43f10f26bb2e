//! `endpoints list`: each endpoint with its response, the scheme in use, its
//! secrets (masked) and each forward target.

use std::io::Write;

use clap::Args;
use hooklens_core::store::Store;

use super::scheme_in_use;
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
}

pub fn run(args: ListArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let counts = store.reader()?.endpoint_counts()?;
    for e in store.endpoints().iter() {
        let count = counts
            .iter()
            .find(|c| c.endpoint_id == Some(e.id))
            .map_or(0, |c| c.count);
        if args.json {
            let line = serde_json::json!({
                "endpoint": e,
                "events": count,
                "scheme_in_use": scheme_in_use(e),
            });
            writeln!(out, "{}", term::json(&line)?)?;
            continue;
        }
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
        for target in &e.forwards {
            writeln!(
                out,
                "      forward  {}",
                super::forward::target_words(target)
            )?;
        }
    }
    Ok(0)
}
