//! `trustpath completions SHELL`: print the shell completion script, generated from the command line's
//! definition.

use clap_complete::Shell;

use crate::error::{Result, exit};
use crate::report;

/// Arguments of `trustpath completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath completions bash > ~/.local/share/bash-completion/completions/trustpath
      Bash (with the bash-completion package): completions in every new shell.

  $ trustpath completions zsh > ~/.zfunc/_trustpath
      Zsh: with `fpath+=~/.zfunc; autoload -Uz compinit; compinit` in ~/.zshrc.

  $ trustpath completions fish > ~/.config/fish/completions/trustpath.fish
      Fish: loaded on first use.")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Runs `trustpath completions` for the command line `cmd`.
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> Result<u8> {
    let mut script = Vec::new();
    report::manual::completion(args.shell, &mut cmd, &mut script);
    report::data_stdout().data(&script)?;
    Ok(exit::OK)
}
