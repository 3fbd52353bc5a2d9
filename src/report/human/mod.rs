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
pub mod trust;

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
    /// `--only-problems`: endpoints without a finding of severity warning or above are left out of the
    /// details (the summary still counts them).
    only_problems: bool,
    /// The width tables fit in (their cells wrap), when the output has one: a terminal, or `COLUMNS`.
    width: Option<u16>,
    /// The `--browser-roots` files of the run printed (the browser view's anchors beside Mozilla's).
    browser_roots: Vec<String>,
}

impl<W: Write> Human<W> {
    /// A human printer on `out` (styles are always written; see the module docs of `report`).
    pub fn new(out: W) -> Human<W> {
        Human {
            out,
            only_problems: false,
            width: None,
            browser_roots: Vec::new(),
        }
    }

    /// Fits tables in `width` columns (cells wrap), or leaves them as wide as their cells (`None`: a
    /// pipe or a file, where a row stays one line for grep).
    pub fn width(mut self, width: Option<u16>) -> Human<W> {
        self.width = width;
        self
    }

    /// Leaves out the details of endpoints without a finding of severity warning or above.
    pub fn only_problems(mut self, on: bool) -> Human<W> {
        self.only_problems = on;
        self
    }
    /// The "JVM …" line (which JVM's rules apply, and why that one) and the "judging with …" lines.
    pub(super) fn truststores(
        &mut self,
        stores: &[StoreSummary],
        jvm: Option<&crate::jvm::JvmUsed>,
    ) -> io::Result<()> {
        self.browser_roots = stores
            .iter()
            .filter(|s| s.origin == StoreOrigin::BrowserRoots)
            .map(|s| s.label.clone())
            .collect();
        if let Some(jvm) = jvm {
            writeln!(self.out, "{DIM}JVM {}{DIM:#}", jvm.describe())?;
        }
        for s in stores {
            let origin = match s.origin {
                StoreOrigin::Option => "truststore",
                StoreOrigin::JvmCacerts => "JVM cacerts",
                StoreOrigin::Mozilla => "Mozilla roots (no JVM found)",
                StoreOrigin::BrowserRoots => {
                    writeln!(
                        self.out,
                        "{DIM}browser view: Mozilla's roots and --browser-roots {} ({}, {} certificate{}){DIM:#}",
                        s.label,
                        s.format,
                        s.anchors,
                        plural(s.anchors)
                    )?;
                    continue;
                }
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

/// A borderless table with a rule under its header, fitting `width` columns when given: only the
/// columns listed in `wrap` (names, subjects, lists) wrap; the others (marks, verdicts, dates, finding
/// codes) keep their content's width, so that no code or date is cut in two.
pub(super) fn table<const N: usize>(
    header: [&str; N],
    width: Option<u16>,
    wrap: &[usize],
) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(TABLE_STYLE)
        .force_no_tty()
        .set_header(header);
    match width {
        Some(w) => {
            table
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_width(w);
            for (i, column) in table.column_iter_mut().enumerate() {
                if !wrap.contains(&i) {
                    column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                }
            }
        }
        None => {
            table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        }
    }
    table
}

/// Narrowest width tables are fitted to: below it, wrapping makes them unreadable, so they keep their
/// natural width.
pub const MIN_TABLE_WIDTH: u16 = 60;

/// The width of the terminal human output goes to: `COLUMNS` when it is a number (as shells export
/// it), else the size of the terminal stdout is; `None` when stdout is a pipe or a file.
pub fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    let width = match std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
    {
        Some(columns) => Some(columns),
        None if std::io::stdout().is_terminal() => comfy_table::Table::new().width(),
        None => None,
    };
    width.map(|w| w.max(MIN_TABLE_WIDTH))
}

/// Writes a table without trailing spaces. A table fitted to a width its rows exceed first loses its
/// left padding (one space between columns instead of three), so that fewer cells wrap.
pub(super) fn write_table(
    out: &mut (impl Write + ?Sized),
    table: &mut comfy_table::Table,
) -> io::Result<()> {
    if let Some(width) = table.width() {
        let mut natural = table.clone();
        natural.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        let widest = natural.lines().map(|l| l.trim_end().chars().count()).max();
        if widest.is_some_and(|n| n > usize::from(width)) {
            for column in table.column_iter_mut() {
                column.set_padding((0, 1));
            }
        }
    }
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
