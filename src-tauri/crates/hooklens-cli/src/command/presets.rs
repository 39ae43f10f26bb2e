//! `presets`: the provider presets, each with its delivery rule. Needs no
//! store.

use std::io::Write;

use hooklens_core::providers;

use crate::error::CliError;

pub fn run() -> Result<u8, CliError> {
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
    Ok(0)
}
