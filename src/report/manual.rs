//! The command line's own documentation, generated from its clap definition so that it cannot drift from
//! it: shell completion scripts (`clap_complete`) and roff man pages (`clap_mangen`), one page for
//! `trustpath` and one per subcommand at every level (`trustpath-store-list(1)`).

use std::io::{self, Write};

use clap::Command;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

/// Writes the completion script of `cmd` for `shell` (the program is named `trustpath`).
pub fn completion(shell: Shell, cmd: &mut Command, out: &mut dyn Write) {
    clap_complete::generate(shell, cmd, "trustpath", out);
}

/// One man page: its file name (`trustpath-store-list.1`) and its roff source.
#[derive(Debug, Clone)]
pub struct ManPage {
    /// The file name, section 1.
    pub file: String,
    /// The roff source.
    pub roff: Vec<u8>,
}

/// The man page of `cmd`, or of the subcommand that `path` names (`["store", "list"]`); an unknown
/// subcommand is an error naming the ones there are.
pub fn man_page(cmd: Command, path: &[String]) -> Result<ManPage, String> {
    let mut cmd = prepared(cmd);
    for word in path {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        match cmd.find_subcommand(word) {
            Some(sub) => cmd = sub.clone(),
            None if names.is_empty() => {
                return Err(format!("'{}' has no subcommands", display_name(&cmd)));
            }
            None => {
                return Err(format!(
                    "'{}' has no subcommand '{word}' (there are: {})",
                    display_name(&cmd),
                    names.join(", ")
                ));
            }
        }
    }
    render(cmd).map_err(|e| format!("cannot render the man page: {e}"))
}

/// Every man page: `trustpath` first, then each subcommand, depth first.
pub fn man_pages(cmd: Command) -> io::Result<Vec<ManPage>> {
    fn walk(cmd: Command, out: &mut Vec<ManPage>) -> io::Result<()> {
        let subs: Vec<Command> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect();
        out.push(render(cmd)?);
        for sub in subs {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(prepared(cmd), &mut out)?;
    Ok(out)
}

/// The command built (display names `trustpath-store-list` set), without clap's `help` subcommand.
fn prepared(cmd: Command) -> Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn display_name(cmd: &Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .replace('-', " ")
}

/// The page of `cmd`: clap_mangen's sections, then the help's closing text as NOTES (its paragraphs)
/// and EXAMPLES (its `$ …` lines kept as written, which clap_mangen would refill).
fn render(cmd: Command) -> io::Result<ManPage> {
    let after = cmd.get_after_help().map(ToString::to_string);
    let has_version = cmd.get_version().is_some();
    let has_options = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    // The date field is required by `.TH`'s position (an empty one shifts the fields after it); the
    // version stands in for it, as the page changes with the version.
    let man = Man::new(cmd.after_help(None::<&str>))
        .date(concat!("version ", env!("CARGO_PKG_VERSION")))
        .source("trustpath")
        .manual("trustpath manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if has_options {
        man.render_options_section(&mut out)?;
    }
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(text) = after {
        out.extend(closing_sections(&text).render().into_bytes());
    }
    if has_version {
        man.render_version_section(&mut out)?;
    }
    Ok(ManPage {
        file: man.get_filename(),
        roff: out,
    })
}

/// The help's closing text: paragraphs before an `Examples:` line become NOTES, the lines after it
/// EXAMPLES, unfilled.
fn closing_sections(text: &str) -> Roff {
    let (notes, examples) = match text.split_once("Examples:\n") {
        Some((notes, examples)) => (notes, Some(examples)),
        None => (text, None),
    };
    let mut roff = Roff::new();
    let paragraphs: Vec<&str> = notes
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if !paragraphs.is_empty() {
        roff.control("SH", ["NOTES"]);
        for (i, p) in paragraphs.iter().enumerate() {
            if i > 0 {
                roff.control("PP", []);
            }
            roff.text([roman(p.replace('\n', " "))]);
        }
    }
    if let Some(examples) = examples {
        roff.control("SH", ["EXAMPLES"]);
        roff.control("nf", []);
        for line in examples.trim_end().lines() {
            roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
        }
        roff.control("fi", []);
    }
    roff
}
