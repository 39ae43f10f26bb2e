//! Where a secret value comes from on the command line. Passing it as an
//! argument shows it in `ps` and shell history, so each command also takes it
//! from `HOOKLENS_SECRET` or the first line of stdin. Typed or pasted at a
//! terminal it is read without echo (rpassword), so it never reaches the
//! screen, the scrollback or a screen recording; from a pipe or a file it is
//! read as it comes, for scripts.
//!
//! The flag itself is declared here once, in [`SecretArg`], and flattened
//! into every command that takes a secret, so the environment fallback, the
//! hidden value and `-` for stdin cannot drift apart between commands.

use std::io::{BufRead, IsTerminal};

use clap::Args;

use crate::error::CliError;

pub const ENV: &str = "HOOKLENS_SECRET";

/// `--secret VALUE`, `--secret -` (the first line of stdin) or
/// `HOOKLENS_SECRET`. Each command words the flag's help for what the secret
/// is to it with `#[command(mut_arg("secret", ...))]`.
#[derive(Args)]
pub struct SecretArg {
    /// The secret; `-` reads it from the first line of stdin (an argument shows in `ps`)
    #[arg(
        long,
        value_name = "SECRET",
        env = ENV,
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    secret: Option<String>,
}

impl SecretArg {
    /// `-`: the value is to come from stdin.
    pub fn is_stdin(&self) -> bool {
        self.secret.as_deref() == Some("-")
    }

    /// The value, which `command` cannot do without.
    pub fn required(self, command: &str) -> Result<String, CliError> {
        match self.secret.as_deref() {
            Some("-") => first_line_of_stdin("the secret"),
            Some("") => Err(CliError::Usage(format!(
                "the secret is empty; {command} needs --secret, --secret - or {ENV}"
            ))),
            Some(_) => Ok(self.secret.unwrap_or_default()),
            None => Err(CliError::Usage(format!(
                "{command} needs the secret: set {ENV}, pass --secret - and write it as the first line of stdin, or pass --secret VALUE (visible in `ps`)"
            ))),
        }
    }

    /// The value given, else the first line of stdin: for a command whose
    /// stdin is there for the secret alone.
    pub fn given_or_stdin(self) -> Result<String, CliError> {
        match self.secret.as_deref() {
            None | Some("-") => first_line_of_stdin("the secret"),
            Some(_) => Ok(self.secret.unwrap_or_default()),
        }
    }
}

/// The first line of stdin, without its line break.
fn first_line_of_stdin(what: &str) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    let line = read_line(
        stdin.is_terminal(),
        || {
            rpassword::prompt_password(format!(
                "paste {what} and press Enter (it is not shown, nor kept in your shell history): "
            ))
        },
        &mut stdin.lock(),
    )?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(CliError::Usage(format!(
            "no {what} on stdin: its first line was empty"
        )));
    }
    Ok(value)
}

/// One line of input: from `no_echo` when stdin is a terminal (a person
/// types it), else the first line of `piped` (a script sends it).
fn read_line(
    terminal: bool,
    no_echo: impl FnOnce() -> std::io::Result<String>,
    piped: &mut impl BufRead,
) -> std::io::Result<String> {
    if terminal {
        return no_echo();
    }
    let mut line = String::new();
    piped.read_line(&mut line)?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_a_terminal_the_secret_is_read_without_echo_and_stdin_is_left_alone() {
        let mut piped = std::io::Cursor::new(b"from the pipe\n".to_vec());
        let line = read_line(true, || Ok("typed unseen".to_owned()), &mut piped).unwrap();
        assert_eq!(line, "typed unseen");
        assert_eq!(piped.position(), 0, "stdin was read as well");
    }

    #[test]
    fn from_a_pipe_the_first_line_is_read_and_nothing_prompts() {
        let mut piped = std::io::Cursor::new(b"whsec_abc\r\nsecond line\n".to_vec());
        let line = read_line(
            false,
            || panic!("prompted although stdin is a pipe"),
            &mut piped,
        )
        .unwrap();
        assert_eq!(line, "whsec_abc\r\n");
        // Only the first line: the rest stays for whoever reads next.
        let mut rest = String::new();
        piped.read_line(&mut rest).unwrap();
        assert_eq!(rest, "second line\n");
    }

    #[test]
    fn a_failing_terminal_read_is_an_error_not_an_empty_secret() {
        let mut piped = std::io::Cursor::new(Vec::new());
        let err = read_line(
            true,
            || Err(std::io::Error::other("no terminal")),
            &mut piped,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "no terminal");
    }
}
