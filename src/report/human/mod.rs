//! Output for people: aligned text, ✓/✗ marks and colour (ANSI styles, always written; the caller's
//! stream decides whether they reach the terminal). [`Human`] has one method per kind of run: a probe or
//! verify run ([`run`]), a deployment check ([`deploy`]), store listings and edits ([`store`]), lab files
//! and the serve banner ([`lab`]), the demo ([`demo`]) and discover's result ([`discover`]).

pub mod demo;
pub mod deploy;
pub mod discover;
pub mod lab;
pub mod run;
pub mod store;

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::finding::{Finding, Severity};
use crate::jvm::{StoreOrigin, StoreSummary};

pub(super) const GOOD: Style = AnsiColor::Green.on_default().bold();
pub(super) const BAD: Style = AnsiColor::Red.on_default().bold();
pub(super) const WARN: Style = AnsiColor::Yellow.on_default().bold();
const INFO: Style = AnsiColor::Cyan.on_default();
pub(super) const DIM: Style = Style::new().dimmed();
pub(super) const BOLD: Style = Style::new().bold();
/// comfy-table preset: no borders, a rule under the header only.
const TABLE_STYLE: &str = "     ──            ";

/// Writes runs for people.
#[derive(Debug)]
pub struct Human<W: Write> {
    out: W,
}

impl<W: Write> Human<W> {
    /// A human printer on `out` (styles are always written; see the module docs of `report`).
    pub fn new(out: W) -> Human<W> {
        Human { out }
    }
    /// The "judging with …" lines.
    pub(super) fn truststores(&mut self, stores: &[StoreSummary]) -> io::Result<()> {
        for s in stores {
            let origin = match s.origin {
                StoreOrigin::Option => "truststore",
                StoreOrigin::JvmCacerts => "JVM cacerts",
                StoreOrigin::Mozilla => "Mozilla roots (no JVM found)",
            };
            writeln!(
                self.out,
                "{DIM}judging with {origin} {} ({}, {} trusted certificate{}){DIM:#}",
                s.label,
                s.format,
                s.anchors,
                plural(s.anchors)
            )?;
        }
        Ok(())
    }

    /// Bytes that are data (a completion script, a man page), as they are.
    pub fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.out.flush()
    }

    /// The man pages written into a directory.
    pub fn man_pages_written(&mut self, dir: &std::path::Path, files: &[String]) -> io::Result<()> {
        for file in files {
            writeln!(self.out, "wrote {}", dir.join(file).display())?;
        }
        self.out.flush()
    }

    /// The stream written to.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// One finding and its fix, indented under an endpoint.
pub(super) fn write_finding(out: &mut (impl Write + ?Sized), f: &Finding) -> io::Result<()> {
    let style = severity_style(f.severity);
    let at = f.cert.map(|i| format!(" [{i}]")).unwrap_or_default();
    writeln!(
        out,
        "    {style}{:<7}{style:#} {BOLD}{}{BOLD:#}{at}: {}",
        f.severity.name(),
        f.code,
        f.message
    )?;
    writeln!(out, "            fix: {}", f.remediation)
}

/// A borderless table with a rule under its header.
pub(super) fn table<const N: usize>(header: [&str; N]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(TABLE_STYLE)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .force_no_tty()
        .set_header(header);
    table
}

/// Writes a table without trailing spaces.
pub(super) fn write_table(
    out: &mut (impl Write + ?Sized),
    table: &comfy_table::Table,
) -> io::Result<()> {
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => BAD,
        Severity::Warning => WARN,
        Severity::Info => INFO,
    }
}

/// `"s"` unless `n` is 1.
pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
