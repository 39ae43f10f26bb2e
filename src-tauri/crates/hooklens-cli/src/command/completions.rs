//! `completions`: a shell's completion script, generated from the same clap
//! definition that parses the command line. Needs no store.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use clap_complete::{Generator, Shell};

use super::NoStore;
use crate::error::CliError;

pub const LONG_ABOUT: &str = "\
Print the completion script for a shell to stdout. The packages install them already; after a
build from source:
  bash: hooklens-cli completions bash > ~/.local/share/bash-completion/completions/hooklens-cli
  zsh:  hooklens-cli completions zsh > ~/.zfunc/_hooklens-cli   (with ~/.zfunc on $fpath)
  fish: hooklens-cli completions fish > ~/.config/fish/completions/hooklens-cli.fish";

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
    #[command(flatten)]
    no_store: NoStore,
}

pub fn run(args: CompletionsArgs, mut command: clap::Command) -> Result<u8, CliError> {
    // What `clap_complete::generate` does, but with the write error
    // returned: it panics on one, such as a closed pipe.
    let name = command.get_name().to_owned();
    command.set_bin_name(&name);
    command.build();
    let mut script = Vec::new();
    args.shell.try_generate(&command, &mut script)?;
    if args.shell == Shell::Bash {
        script = fix_hyphenated_bash(&script, &name).into_bytes();
    }
    std::io::stdout().lock().write_all(&script)?;
    Ok(0)
}

/// clap_complete's bash script spells a hyphenated binary's state two ways
/// (clap-rs/clap#6421, #6529, open in 4.6.12): the loop that reads the words
/// arrives at `hooklens__cli__subcmd__serve`, the arms that list a
/// subcommand's options are labelled `hooklens__subcmd__cli__subcmd__serve`,
/// so no option after a subcommand ever completed. The arms are relabelled
/// the loop's way; the bash test fails if either spelling changes.
fn fix_hyphenated_bash(script: &[u8], name: &str) -> String {
    let text = String::from_utf8_lossy(script);
    let sep = "__subcmd__";
    let loop_spelling = name.replace('-', "__");
    let arm_spelling = name.replace('-', sep);
    if loop_spelling == arm_spelling {
        return text.into_owned();
    }
    text.replace(
        &format!("{arm_spelling}{sep}"),
        &format!("{loop_spelling}{sep}"),
    )
    .replace(&format!("{arm_spelling})"), &format!("{loop_spelling})"))
}

/// `manpages DIR`: what the packages install in /usr/share/man/man1; for
/// builds from source, `hooklens-cli manpages ~/.local/share/man/man1`.
#[derive(Args)]
pub struct ManpagesArgs {
    /// Where to write hooklens-cli.1 and one page per subcommand
    #[arg(value_name = "DIR")]
    out_dir: PathBuf,
    #[command(flatten)]
    no_store: NoStore,
}

pub fn manpages(args: ManpagesArgs, command: clap::Command) -> Result<u8, CliError> {
    let failed = |source| CliError::WriteFile {
        path: args.out_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&args.out_dir).map_err(failed)?;
    clap_mangen::generate_to(command, &args.out_dir).map_err(failed)?;
    Ok(0)
}
