//! Where a secret value comes from on the command line. Passing it as an
//! argument shows it in `ps` and shell history, so each command also takes it
//! from `HOOKLENS_SECRET` or the first line of stdin.

use std::io::{BufRead, IsTerminal};

use crate::CliError;

pub const ENV: &str = "HOOKLENS_SECRET";

/// The first line of stdin, without its line break.
pub fn first_line_of_stdin(what: &str) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("paste {what} and press Enter (it is not stored in your shell history):");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(CliError::Usage(format!(
            "no {what} on stdin: its first line was empty"
        )));
    }
    Ok(value)
}

/// `--secret VALUE`, `--secret -` (first line of stdin) or `HOOKLENS_SECRET`
/// (clap already falls back to the environment variable).
pub fn resolve(arg: Option<String>, command: &str) -> Result<String, CliError> {
    match arg.as_deref() {
        Some("-") => first_line_of_stdin("the secret"),
        Some("") => Err(CliError::Usage(format!(
            "the secret is empty; {command} needs --secret, --secret - or {ENV}"
        ))),
        Some(_) => Ok(arg.unwrap_or_default()),
        None => Err(CliError::Usage(format!(
            "{command} needs the secret: set {ENV}, pass --secret - and write it as the first line of stdin, or pass --secret VALUE (visible in `ps`)"
        ))),
    }
}
