//! curl commands written for cmd.exe: Chrome's and Edge's "Copy as cURL
//! (cmd)", which support staff get from merchants on Windows.
//!
//! Such a command goes through two parsers before curl sees it, and the
//! reader runs both, in their order:
//! 1. cmd.exe: `^` takes the next character literally (`^"`, `^^`, `^%`,
//!    `^&`); `^` at a line's end joins the next line and takes its first
//!    character literally, which is how Chrome puts a line break in a value
//!    (`^` and two line breaks); `"` outside a `^` toggles cmd's quoting,
//!    inside which `^` is plain; carriage returns are dropped; an unescaped
//!    line break ends the command, `&` (Chrome's "Copy all" joins commands
//!    with ` &` and CRLF), `&&` and `||` start the next one, `|` hands the
//!    output to another program (not imported), `<`/`>` redirect (skipped).
//! 2. The C runtime of curl.exe splits the line into arguments: blanks
//!    separate them outside `"`; `\` are literal unless a `"` follows, where
//!    2n of them give n and a quote, 2n+1 give n and a literal `"`; `""`
//!    inside quotes is a literal `"`.
//!
//! Chrome's generator doubles every `\` of a value before escaping its
//! quotes (`\` → `\\`, then `"` → `\"`). Before a quote the runtime halves
//! them again; elsewhere it keeps both, so curl.exe would send `\\` where
//! the browser sent `\`. A command that uses Chrome's `^"` quoting is read
//! as the request the browser recorded: such even runs are halved, with a
//! warning saying so. A command without `^"` is read as the runtime reads it.
//!
//! `%NAME%` would be replaced by cmd.exe when the variable is set; an import
//! never reads the environment, so it stays as written (cmd's own rule for
//! a variable that is not set) and a warning names it. Chrome writes a `%`
//! that precedes a name character as `^%^`, which no variable matches.
//!
//! No crate is used for step 2: the splitters that exist (e.g. `winsplit`)
//! take `&str` and lose which backslashes preceded a quote, which the
//! Chrome rule above needs.

use super::curl_base::Command;

#[derive(Debug, thiserror::Error)]
enum CmdError {
    #[error("the command ends in a `^` with nothing after it")]
    TrailingCaret,
}

/// Whether the command at the start of `text` is written for cmd.exe:
/// `curl` (or `curl.exe`) followed by a `^` (Chrome's `^"` quoting, or a
/// continuation), or a first line ending in ` ^`. A POSIX shell command
/// has no reason for either.
pub(super) fn is_cmd_form(text: &[u8]) -> bool {
    let text = skip_blanks(text);
    let Some(rest) = text
        .strip_prefix(b"curl.exe")
        .or_else(|| text.strip_prefix(b"curl"))
    else {
        return false;
    };
    if !matches!(rest.first(), Some(b' ' | b'\t' | b'^')) {
        return false;
    }
    if skip_blanks(rest).first() == Some(&b'^') {
        return true;
    }
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    let line = line.trim_ascii_end();
    line.ends_with(b" ^") || line.ends_with(b"\t^")
}

fn skip_blanks(text: &[u8]) -> &[u8] {
    let n = text
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &text[n..]
}

/// The cmd command at the start of `text`: it, the bytes it used, and the
/// line breaks in them (as [`super::curl_words`]'s own commands).
pub(super) fn one_command(text: &[u8], first_line: u64) -> (Command, usize, u64) {
    let mut warnings = Vec::new();
    let line = CmdLine::read(text, &mut warnings);
    let words = match line.error {
        Some(error) => Err(error.to_string()),
        None => Ok(split_arguments(&line.out, line.chrome, &mut warnings)),
    };
    let command = Command {
        line: first_line,
        words,
        heredoc: None,
        warnings,
    };
    (command, line.used, line.lines)
}

/// What cmd.exe hands to the program: the command line after its own
/// escapes, continuations and redirections.
struct CmdLine {
    out: Vec<u8>,
    /// The command uses Chrome's `^"` quoting.
    chrome: bool,
    used: usize,
    lines: u64,
    error: Option<CmdError>,
}

impl CmdLine {
    fn read(text: &[u8], warnings: &mut Vec<String>) -> CmdLine {
        let mut out = Vec::with_capacity(text.len().min(1 << 16));
        let mut chrome = false;
        let mut quoted = false;
        let mut lines = 0u64;
        let mut error = None;
        let mut i = 0;
        // One pass, each byte looked at a bounded number of times: the
        // text is at most MAX_TEXT_BYTES, so this loop is linear in it.
        while i < text.len() {
            let b = text[i];
            i += 1;
            match b {
                // cmd.exe drops carriage returns before it parses a line.
                b'\r' => {}
                b'\n' => {
                    lines += 1;
                    break;
                }
                b'%' => {
                    warn_variable(&text[i..], warnings);
                    out.push(b);
                }
                _ if quoted => {
                    if b == b'"' {
                        quoted = false;
                    }
                    out.push(b);
                }
                b'"' => {
                    quoted = true;
                    out.push(b);
                }
                b'^' => match next(text, i) {
                    Some((b'\n', at)) => {
                        // A continuation: the next line joins this one and
                        // its first character is taken as it is, a line
                        // break included (Chrome's `^` + two line breaks).
                        lines += 1;
                        i = at + 1;
                        if let Some((c, at)) = next(text, i) {
                            if c == b'\n' {
                                lines += 1;
                            }
                            out.push(c);
                            i = at + 1;
                        }
                    }
                    Some((c, at)) => {
                        chrome |= c == b'"';
                        out.push(c);
                        i = at + 1;
                    }
                    None => {
                        error = Some(CmdError::TrailingCaret);
                        i = text.len();
                    }
                },
                b'&' => {
                    // The next command follows; `&&` runs it only on
                    // success, which does not change what this one sends.
                    if text.get(i) == Some(&b'&') {
                        i += 1;
                    }
                    break;
                }
                b'|' => {
                    if text.get(i) == Some(&b'|') {
                        i += 1;
                        break;
                    }
                    warnings
                        .push("what follows `|` is another command; it is not imported".to_owned());
                    i = end_of_line(text, i);
                }
                b'<' | b'>' => {
                    // `2>nul`: the handle number belongs to the redirection.
                    if b == b'>'
                        && out.last().is_some_and(u8::is_ascii_digit)
                        && out.len().checked_sub(2).is_none_or(|p| out[p] == b' ')
                    {
                        out.pop();
                    }
                    i = skip_redirection(text, i);
                }
                _ => out.push(b),
            }
        }
        CmdLine {
            out,
            chrome,
            used: i,
            lines,
            error,
        }
    }
}

/// The next byte from `i` that cmd.exe sees (carriage returns dropped), and
/// where it is.
fn next(text: &[u8], mut i: usize) -> Option<(u8, usize)> {
    while text.get(i) == Some(&b'\r') {
        i += 1;
    }
    text.get(i).map(|&b| (b, i))
}

fn end_of_line(text: &[u8], i: usize) -> usize {
    text[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| i + p)
}

/// After `<` or `>`: past the rest of the operator (`>>`, `>&1`) and its
/// target word.
fn skip_redirection(text: &[u8], mut i: usize) -> usize {
    while matches!(text.get(i), Some(b'>' | b'&')) {
        i += 1;
    }
    while matches!(text.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    while text
        .get(i)
        .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'&' | b'|'))
    {
        i += 1;
    }
    i
}

/// After a `%`: a warning when `%NAME%` follows, a variable cmd.exe would
/// replace when it is set.
fn warn_variable(after: &[u8], warnings: &mut Vec<String>) {
    let name_len = after
        .iter()
        .take(256)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'#' | b'$'))
        .count();
    if name_len > 0 && after.get(name_len) == Some(&b'%') {
        let name = String::from_utf8_lossy(&after[..name_len]);
        let warning = format!(
            "%{name}% is replaced by cmd.exe when that variable is set; an import does not read the environment, so it is kept as written"
        );
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }
}

/// The arguments the C runtime makes of a command line (see the module
/// comment; `chrome` halves the backslashes Chrome doubled).
fn split_arguments(line: &[u8], chrome: bool, warnings: &mut Vec<String>) -> Vec<Vec<u8>> {
    let mut words = Vec::new();
    let mut word = Vec::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut halved = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        match b {
            b' ' | b'\t' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                i += 1;
            }
            b'\\' => {
                in_word = true;
                let run = line[i..].iter().take_while(|&&c| c == b'\\').count();
                i += run;
                let keep = if line.get(i) == Some(&b'"') {
                    if run % 2 == 1 {
                        // An escaped quote: literal, and quoting goes on.
                        word.resize(word.len() + run / 2, b'\\');
                        word.push(b'"');
                        i += 1;
                        continue;
                    }
                    run / 2
                } else if chrome && run % 2 == 0 {
                    halved = true;
                    run / 2
                } else {
                    run
                };
                word.resize(word.len() + keep, b'\\');
            }
            b'"' => {
                in_word = true;
                if quoted && line.get(i + 1) == Some(&b'"') {
                    word.push(b'"');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i += 1;
                }
            }
            _ => {
                in_word = true;
                word.push(b);
                i += 1;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if halved {
        warnings.push(
            "backslashes were halved: Chrome's cmd form doubles each one (curl.exe run from cmd.exe would send them doubled); imported as the browser sent them".to_owned(),
        );
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let (command, _, _) = one_command(text.as_bytes(), 1);
        command
            .words
            .expect("words")
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect()
    }

    #[test]
    fn the_cmd_form_is_told_from_a_shell_command() {
        assert!(is_cmd_form(b"curl ^\"http://localhost^\""));
        assert!(is_cmd_form(b"  curl.exe ^\"http://x^\""));
        assert!(is_cmd_form(b"curl \"https://x/\" ^\r\n  -H \"a: b\""));
        assert!(is_cmd_form(b"curl ^\n  ^\"https://x/^\""));
        assert!(!is_cmd_form(b"curl 'http://localhost' -H 'x: ^'"));
        assert!(!is_cmd_form(b"curl \"http://x\""));
        assert!(!is_cmd_form(b"curly ^\"x^\""));
        assert!(!is_cmd_form(b"printf 'a' | curl ^"));
    }

    #[test]
    fn carets_continuations_and_quotes() {
        // A POST as Chrome writes it (the stripe fixture's first bytes).
        let text = "curl ^\"https://h.test/a?x=1^&y=2^\" ^\n  -H ^\"Content-Type: application/json^\" ^\n  --data-raw ^\"^{^\\^\"id^\\^\":^\\^\"evt_1^\\^\",^\\^\"n^\\^\":100^%^}^\" ^\n  --compressed\n";
        assert_eq!(
            words(text),
            [
                "curl",
                "https://h.test/a?x=1&y=2",
                "-H",
                "Content-Type: application/json",
                "--data-raw",
                r#"{"id":"evt_1","n":100%}"#,
                "--compressed"
            ]
        );
        let (_, used, lines) = one_command(text.as_bytes(), 1);
        assert_eq!((used, lines), (text.len(), 4));
        // `^^` is a caret; a caret inside cmd's own quotes is plain.
        assert_eq!(words("curl a^^b \"c^d\"")[1..], ["a^b", "c^d"]);
    }

    #[test]
    fn a_line_break_in_a_value_and_crlf_files() {
        let text = "curl ^\"h^\" -b ^\"a^\n\n^\n\nb^\"\n";
        assert_eq!(words(text)[3], "a\n\nb");
        let (_, used, lines) = one_command(text.as_bytes(), 1);
        assert_eq!((used, lines), (text.len(), 5));
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(words(&crlf)[3], "a\n\nb");
        let (_, used, lines) = one_command(crlf.as_bytes(), 1);
        assert_eq!((used, lines), (crlf.len(), 5));
    }

    #[test]
    fn the_runtime_rules_for_backslashes_and_quotes() {
        // Not Chrome's form: the runtime's rules alone.
        assert_eq!(
            words(r#"curl "a\\b" "c\"d" "e\\\"f" "g""h" "" x\\"#)[1..],
            [r"a\\b", "c\"d", "e\\\"f", "g\"h", "", r"x\\"]
        );
        // Chrome's form: its doubled backslashes halved, with a warning.
        let (command, _, _) = one_command(br#"curl ^"C:^\^\temp^" ^"a^\^\^\^"b^""#, 1);
        let got = command.words.expect("words");
        assert_eq!(got[1], br"C:\temp");
        assert_eq!(got[2], br#"a\"b"#);
        assert_eq!(command.warnings.len(), 1, "{:?}", command.warnings);
    }

    #[test]
    fn separators_pipes_redirections_and_variables() {
        let text = "curl ^\"a^\" &\r\ncurl ^\"b^\"\r\n";
        let (command, used, lines) = one_command(text.as_bytes(), 1);
        assert_eq!(command.words.expect("words").len(), 2);
        assert_eq!(&text[used..], "\r\ncurl ^\"b^\"\r\n");
        assert_eq!(lines, 0);

        let (command, _, _) = one_command(b"curl ^\"a^\" 2>nul >out.txt | findstr x", 1);
        assert_eq!(command.words.expect("words"), [&b"curl"[..], b"a"]);
        assert_eq!(command.warnings.len(), 1);

        let (command, _, _) = one_command(b"curl ^\"http://h/%USERPROFILE%/x^\" -d a=%PATH%", 1);
        assert_eq!(
            command.words.expect("words")[1],
            b"http://h/%USERPROFILE%/x"
        );
        assert_eq!(command.warnings.len(), 2, "{:?}", command.warnings);

        let (command, _, _) = one_command(b"curl ^\"a^\" ^", 1);
        assert!(command.words.is_err());
    }
}
