//! Shell completions and manual pages: what the packages install. Each is
//! checked by the program that reads it (bash completes a word, zsh and
//! fish parse their scripts, man renders the pages without a warning).

use std::process::{Command, Output, Stdio};

mod support;

use support::BIN;

fn cli(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run hooklens-cli")
}

fn script(shell: &str) -> String {
    let out = cli(&["completions", shell]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A shell the packages ship a script for; `make test` installs each
/// (scripts/setup.sh), so a missing one is a setup fault, not a skip.
fn shell(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{name} is not installed: run scripts/setup.sh"
    );
    Command::new(name)
}

#[test]
fn bash_completes_commands_and_their_options() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hooklens-cli.bash");
    std::fs::write(&file, script("bash")).unwrap();
    // What bash does on Tab: the function `complete -p` names, called with
    // the words so far.
    let complete = |line: &str| {
        let out = shell("bash")
            .arg("-c")
            .arg(
                r#"source "$1"; read -ra COMP_WORDS <<< "$2"; [[ "$2" == *" " ]] && COMP_WORDS+=("");
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$2"; COMP_POINT=${#2};
                fn=$(complete -p hooklens-cli | sed -E 's/.* -F ([^ ]+) .*/\1/');
                "$fn" hooklens-cli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";
                printf '%s\n' "${COMPREPLY[@]}""#,
            )
            .arg("bash")
            .arg(&file)
            .arg(line)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("hooklens-cli exp").trim(), "export");
    let serve = complete("hooklens-cli serve --");
    for flag in ["--listen", "--tunnel", "--data-dir"] {
        assert!(serve.lines().any(|l| l == flag), "{flag} in {serve}");
    }
    let commands = complete("hooklens-cli ");
    for command in ["serve", "events", "completions", "manpages"] {
        assert!(
            commands.lines().any(|l| l == command),
            "{command} in {commands}"
        );
    }
}

#[test]
fn zsh_and_fish_read_their_scripts() {
    let dir = tempfile::tempdir().unwrap();
    for (name, file, marker) in [
        ("zsh", "_hooklens-cli", "#compdef hooklens-cli"),
        ("fish", "hooklens-cli.fish", "complete -c hooklens-cli"),
    ] {
        let text = script(name);
        assert!(text.contains(marker), "{name}: {marker}");
        assert!(text.contains("reverify"), "{name} completes subcommands");
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        // -n: parse without running.
        let out = shell(name).arg("-n").arg(&path).output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error_naming_the_ones_known() {
    let out = cli(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bash") && err.contains("fish"), "{err}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // `hooklens-cli completions bash | head -1`.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{BIN}' completions bash | head -c 1 >/dev/null; sleep 0.1"
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn man_renders_a_page_for_the_command_and_each_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(&["manpages", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for page in [
        "hooklens-cli.1",
        "hooklens-cli-serve.1",
        "hooklens-cli-events.1",
        "hooklens-cli-endpoints-add.1",
        "hooklens-cli-completions.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    for page in ["hooklens-cli.1", "hooklens-cli-events.1"] {
        let out = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(dir.path().join(page))
            .env("MANWIDTH", "100")
            .env("MAN_KEEP_STDERR", "1")
            .output()
            .expect("man is installed");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{page}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("SYNOPSIS"), "{page}: {text}");
    }
    let events = std::fs::read_to_string(dir.path().join("hooklens-cli-events.1")).unwrap();
    // The long help, query language and all, is in the page.
    assert!(events.contains("status:invalid"), "{events}");
}

#[test]
fn a_man_directory_that_cannot_be_written_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = cli(&["manpages", file.join("man").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write to") && err.contains("a-file"),
        "{err}"
    );
}
