//! `settings [KEY [VALUE]]`: every setting, one, or a change to one.

use std::io::Write;

use clap::Args;
use hooklens_core::store::{SETTING_KEYS, Store};

use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct SettingsArgs {
    key: Option<String>,
    value: Option<String>,
}

impl SettingsArgs {
    /// Nothing is to change: the store can be opened read-only.
    pub fn reads_only(&self) -> bool {
        self.value.is_none()
    }
}

pub fn run(args: SettingsArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    match (args.key, args.value) {
        (None, _) => {
            let settings = store.settings();
            let width = SETTING_KEYS.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (key, help) in SETTING_KEYS {
                writeln!(
                    out,
                    "{key:<width$} {:<12} {help}",
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
    }
    Ok(0)
}
