//! `trustpath man`: print the man page of trustpath or of one subcommand, or write every page into a
//! directory, generated from the command line's definition.

use std::path::PathBuf;

use anyhow::Context;

use crate::error::{Result, exit};
use crate::report;

/// Arguments of `trustpath man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath man | man -l -
      Read trustpath(1) now.

  $ trustpath man store list > trustpath-store-list.1
      The page of one subcommand (trustpath-store-list(1)).

  $ sudo trustpath man --dir /usr/local/share/man/man1 && man trustpath-probe
      Install every page (trustpath.1, trustpath-probe.1, trustpath-store-list.1, …).")]
pub struct ManArgs {
    /// The subcommand whose page to print, e.g. `probe` or `store list`. Without it, trustpath(1).
    #[arg(value_name = "SUBCOMMAND", conflicts_with = "dir")]
    pub subcommand: Vec<String>,
    /// Write every page into DIR (created if missing; existing pages are replaced) instead of printing
    /// one.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `trustpath man` for the command line `cmd`.
pub fn run(args: ManArgs, cmd: clap::Command) -> Result<u8> {
    match &args.dir {
        Some(dir) => {
            let pages = report::manual::man_pages(cmd).context("cannot render the man pages")?;
            // Through the one writer: each page atomically, a planted link or a device refused.
            let set: Vec<(String, Vec<u8>, u32)> = pages
                .iter()
                .map(|p| {
                    let mode = crate::storefile::write::PUBLIC_MODE;
                    (p.file.clone(), p.roff.clone(), mode)
                })
                .collect();
            let swept = crate::storefile::write::write_set(dir, &set, true, "--dir")
                .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
            report::swept(&swept);
            let files: Vec<String> = pages.into_iter().map(|p| p.file).collect();
            report::human_stdout().man_pages_written(dir, &files)?;
        }
        None => {
            let page =
                report::manual::man_page(cmd, &args.subcommand).map_err(anyhow::Error::msg)?;
            report::data_stdout().data(&page.roff)?;
        }
    }
    Ok(exit::OK)
}
