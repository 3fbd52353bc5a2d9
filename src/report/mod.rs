//! All output: every byte trustpath prints to stdout comes from here. Logic builds data; `report` decides
//! its form — for people ([`human`]: aligned text, colour on a terminal, `NO_COLOR` honoured), for
//! programs ([`json`]: versioned documents built from this module's own output types, with published
//! schemas), for CI ([`junit`]: JUnit XML) or for monitoring ([`openmetrics`]: the OpenMetrics text
//! exposition).
//!
//! As ripgrep's printer does, one [`Printer`] enum has a variant per output format and a method per kind
//! of run that has more than one form: a probe or verify run, a deployment check, a store listing, a
//! store diff, the located stores. A command names the [`Format`] the user chose and hands its run to
//! [`stdout`]'s printer. Runs with a human form only (store edits, gen, serve, the demo) go through
//! [`human_stdout`]; data (an exported certificate, a discovered deployment file, completions, man
//! pages) through [`data_stdout`]. A new format is a new variant and one module beside the others.
//!
//! The human printer always writes ANSI styles; the stream decides whether they reach the terminal
//! (`anstream::AutoStream` strips them for pipes and when `NO_COLOR` is set). Progress bars go to stderr
//! ([`Progress`]).

pub mod human;
pub mod json;
pub mod junit;
pub mod manual;
pub mod openmetrics;
mod progress;

use std::io::{self, Write};
use std::path::Path;

use crate::deploy::run::DeploymentRun;
use crate::judge::Run;
use crate::jvm::locate::LocatedStore;
use crate::truststore::TrustStore;
use crate::truststore::edit::StoreDiff;

pub use human::Human;
pub use json::Json;
pub use junit::Junit;
pub use openmetrics::OpenMetrics;
pub use progress::Progress;

/// The output format the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people.
    Human,
    /// One JSON document.
    Json,
    /// JUnit XML (probe, verify, check).
    Junit,
    /// The OpenMetrics text exposition (probe, verify, check, store list).
    OpenMetrics,
}

/// Prints runs in the chosen format.
#[derive(Debug)]
pub enum Printer<W: Write> {
    /// For people: verdict lines, indented chains, findings with fixes, tables.
    Human(Human<W>),
    /// For programs: one JSON document (its shape is documented in the README and `schemas/`).
    Json(Json<W>),
    /// For CI: a JUnit XML report.
    Junit(Junit<W>),
    /// For monitoring: an OpenMetrics text exposition.
    OpenMetrics(OpenMetrics<W>),
}

impl<W: Write> Printer<W> {
    /// A printer of `format` on `out`.
    pub fn new(format: Format, out: W) -> Printer<W> {
        match format {
            Format::Human => Printer::Human(Human::new(out)),
            Format::Json => Printer::Json(Json::new(out)),
            Format::Junit => Printer::Junit(Junit::new(out)),
            Format::OpenMetrics => Printer::OpenMetrics(OpenMetrics::new(out)),
        }
    }

    /// A human printer on `out`.
    pub fn human(out: W) -> Printer<W> {
        Printer::new(Format::Human, out)
    }

    /// A JSON printer on `out`.
    pub fn json(out: W) -> Printer<W> {
        Printer::new(Format::Json, out)
    }

    /// A JUnit printer on `out`.
    pub fn junit(out: W) -> Printer<W> {
        Printer::new(Format::Junit, out)
    }

    /// An OpenMetrics printer on `out`.
    pub fn openmetrics(out: W) -> Printer<W> {
        Printer::new(Format::OpenMetrics, out)
    }

    /// `--only-problems` for the human report: the details of endpoints without a finding of severity
    /// warning or above are left out (other formats always hold every endpoint).
    pub fn only_problems(self, on: bool) -> Printer<W> {
        match self {
            Printer::Human(p) => Printer::Human(p.only_problems(on)),
            other => other,
        }
    }

    /// A probe or verify run.
    pub fn print_run(&mut self, run: &Run) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.print_run(run),
            Printer::Json(p) => p.write(&json::run::RunJson::from(run)),
            Printer::Junit(p) => p.run(run),
            Printer::OpenMetrics(p) => p.run(run),
        }
    }

    /// A deployment check.
    pub fn deployment(&mut self, run: &DeploymentRun) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.deployment(run),
            Printer::Json(p) => p.write(&json::deploy::DeploymentJson::from(run)),
            Printer::Junit(p) => p.deployment(run),
            Printer::OpenMetrics(p) => p.deployment(run),
        }
    }

    /// `store list`: the entries of `store` read from `path`, expiry judged at `now`.
    pub fn store_list(&mut self, path: &Path, store: &TrustStore, now: i64) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.store_list(path, store, now),
            Printer::Json(p) => p.write(&json::store::ListingJson::new(path, store, now)),
            Printer::OpenMetrics(p) => p.store_list(path, store),
            Printer::Junit(_) => Err(no_form("store list", "junit")),
        }
    }

    /// `store diff` of stores `a` and `b`.
    pub fn store_diff(&mut self, a: &Path, b: &Path, diff: &StoreDiff) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.store_diff(a, b, diff),
            Printer::Json(p) => p.write(&json::store::DiffJson::from(diff)),
            Printer::Junit(_) => Err(no_form("store diff", "junit")),
            Printer::OpenMetrics(_) => Err(no_form("store diff", "openmetrics")),
        }
    }

    /// `store locate`: every candidate `cacerts` and what reading it gave.
    pub fn stores_located(&mut self, found: &[LocatedStore]) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.stores_located(found),
            Printer::Json(p) => p.write(&json::store::LocatedJson::from(found)),
            Printer::Junit(_) => Err(no_form("store locate", "junit")),
            Printer::OpenMetrics(_) => Err(no_form("store locate", "openmetrics")),
        }
    }
}

/// The error of a run printed in a format it has no form in (the command line offers only the formats
/// each command has, so this names a bug).
fn no_form(run: &str, format: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{run} has no {format} form"),
    )
}

/// A printer of `format` on stdout: the human form with colour when stdout is a terminal and `NO_COLOR`
/// is unset, the other formats as they are.
pub fn stdout(format: Format) -> Printer<Box<dyn Write>> {
    match format {
        Format::Human => Printer::Human(human_stdout()),
        other => Printer::new(other, Box::new(io::BufWriter::new(io::stdout()))),
    }
}

/// The human printer on stdout (colour as for [`stdout`]), for runs that have only a human form.
pub fn human_stdout() -> Human<Box<dyn Write>> {
    let out: Box<dyn Write> = Box::new(io::BufWriter::new(anstream::stdout()));
    Human::new(out).width(human::terminal_width())
}

/// The human printer on stdout as it is, never styled nor stripped: for output that is data to be
/// redirected to a file (an exported certificate, a discovered deployment file).
pub fn data_stdout() -> Human<Box<dyn Write>> {
    Human::new(Box::new(io::BufWriter::new(io::stdout())))
}

/// Says on stderr which temporary files of killed runs a write removed (or could not remove): stdout
/// stays the run's own output (a JSON document, an exported certificate).
pub fn swept(swept: &crate::storefile::lock::Swept) {
    if !swept.removed.is_empty() {
        let names: Vec<String> = swept
            .removed
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "trustpath: removed {} temporary file{} left by an interrupted run: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
    }
    for (path, why) in &swept.left {
        eprintln!(
            "trustpath: warning: cannot remove {} (left by an interrupted run): {why}",
            path.display()
        );
    }
}

/// Says on stderr that a store's directory holds temporary files of killed runs (found by a command that
/// only reads; the next edit there removes them).
pub fn leftover(files: &[std::path::PathBuf]) {
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    eprintln!(
        "trustpath: note: {} temporary file{} left by an interrupted run (the next edit in this directory \
         removes {}): {}",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        if names.len() == 1 { "it" } else { "them" },
        names.join(", ")
    );
}

/// Says on stderr something the user should know about how their options were taken (stdout stays the
/// command's own output).
pub fn note(message: &str) {
    eprintln!("trustpath: note: {message}");
}

/// Says on stderr which JVM's cacerts a store command (`--cacerts`) reads or edits, and why that JVM:
/// stdout stays the command's own output.
pub fn jvm_cacerts(cacerts: &std::path::Path, jvm: &crate::jvm::JvmUsed) {
    match jvm.home {
        Some(_) => eprintln!(
            "trustpath: --cacerts is {} of the JVM {}",
            cacerts.display(),
            jvm.describe()
        ),
        None => eprintln!(
            "trustpath: --cacerts is {}, the system's shared Java truststore: {}",
            cacerts.display(),
            jvm.why()
        ),
    }
}

/// `2026-11-23` (UTC) for a Unix time.
pub(crate) fn date(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => unix.to_string(),
    }
}

/// RFC 3339 (UTC, `Z`) for a Unix time.
pub(crate) fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}
