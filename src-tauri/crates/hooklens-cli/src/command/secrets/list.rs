//! `secrets list [ENDPOINT]`: masked unless `--reveal`.

use std::io::Write;

use clap::Args;
use hooklens_core::model::Endpoint;
use hooklens_core::store::Store;

use crate::command::{find_endpoint, rfc3339};
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct ListArgs {
    /// Only this endpoint's (name, path prefix or id)
    endpoint: Option<String>,
    /// Show the values themselves
    #[arg(long)]
    reveal: bool,
    /// One JSON object per line
    #[arg(long)]
    json: bool,
}

pub fn run(args: ListArgs, store: &Store) -> Result<u8, CliError> {
    let ListArgs {
        endpoint,
        reveal,
        json,
    } = args;
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
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
    Ok(0)
}
