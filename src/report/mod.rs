//! All output: every byte trustpath prints to stdout comes from here. Logic builds data; `report` formats
//! it for people (aligned text, colour on a terminal, `NO_COLOR` honoured) or as JSON.
//!
//! Diagnoses (`probe`, `verify`) go through one [`Printer`] with a human and a JSON variant, as ripgrep's
//! printer does: commands build a [`Run`] and this module formats it. Store listings live in [`store`].
//!
//! The human printer always writes ANSI styles; the caller's stream decides whether they reach the
//! terminal (`anstream::AutoStream` strips them for pipes and when `NO_COLOR` is set).

pub mod demo;
pub mod deploy;
pub mod discover;
mod human;
mod json;
pub mod lab;
mod progress;
pub mod store;

use std::io::{self, Write};

use crate::judge::Run;

pub use human::Human;
pub use json::Json;
pub use progress::Progress;

/// Prints runs in the chosen format.
#[derive(Debug)]
pub enum Printer<W: Write> {
    /// For people: verdict lines, indented chains, findings with fixes, a summary table.
    Human(Human<W>),
    /// For programs: one JSON document (its shape is documented in the README).
    Json(Json<W>),
}

impl<W: Write> Printer<W> {
    /// A human printer on `out`.
    pub fn human(out: W) -> Printer<W> {
        Printer::Human(Human::new(out))
    }

    /// A JSON printer on `out`.
    pub fn json(out: W) -> Printer<W> {
        Printer::Json(Json::new(out))
    }

    /// Prints a whole run.
    pub fn print_run(&mut self, run: &Run) -> io::Result<()> {
        match self {
            Printer::Human(p) => p.print_run(run),
            Printer::Json(p) => p.print_run(run),
        }
    }
}

/// Prints a run on stdout: JSON, or the human report with colour when stdout is a terminal and
/// `NO_COLOR` is unset.
pub fn print_run(run: &Run, json: bool) -> io::Result<()> {
    if json {
        Printer::json(io::BufWriter::new(io::stdout().lock())).print_run(run)
    } else {
        Printer::human(io::BufWriter::new(anstream::stdout().lock())).print_run(run)
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
