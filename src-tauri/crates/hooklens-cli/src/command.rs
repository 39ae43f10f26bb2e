//! One module per subcommand, each with its arguments and a `run`; and what
//! several of them share: an endpoint named on the command line, a header
//! argument, the hidden `--data-dir` of commands without a store, and how
//! times print.

pub mod completions;
pub mod deliveries;
pub mod discover;
pub mod endpoints;
pub mod events;
pub mod export;
pub mod import;
pub mod pin;
pub mod presets;
pub mod reverify;
pub mod secrets;
pub mod send;
pub mod serve;
pub mod settings;
pub mod show;
pub mod sign;
pub mod trigger;
pub mod tunnel_arg;
pub mod verify;

use std::path::PathBuf;

use clap::Args;
use hooklens_core::model::{Endpoint, HeaderPair};

use crate::error::CliError;

/// `--data-dir` where no store is used: accepted, as the option is global,
/// but left out of the command's help, where it would suggest otherwise.
#[derive(Args)]
pub struct NoStore {
    /// Ignored: this command uses no store
    #[arg(long = "data-dir", value_name = "DIR", hide = true)]
    data_dir: Option<PathBuf>,
}

/// By id, path prefix or name (case-insensitive), in that order.
pub fn find_endpoint<'a>(endpoints: &'a [Endpoint], key: &str) -> Result<&'a Endpoint, CliError> {
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

pub fn parse_header(raw: &str) -> Result<HeaderPair, CliError> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| CliError::Usage(format!("header {raw:?} must look like 'Name: value'")))?;
    Ok(HeaderPair {
        name: name.trim().to_owned(),
        value: value.trim().to_owned(),
    })
}

pub fn rfc3339(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ns.to_string())
}
