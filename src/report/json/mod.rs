//! Output for programs: one pretty-printed JSON document per run, shaped for scripts (documented in the
//! README). The documents are the output types of this module ([`run`], [`deploy`], [`store`]), built
//! from the domain types and deriving `Serialize` and `JsonSchema` themselves, so the JSON's shape — and
//! its published schema ([`schema`]; the shared fields in [`field`]) — is decided here and nowhere else. Every document starts with
//! `schema_version`. Field names are snake_case, codes and kinds kebab-case; absent values are `null`,
//! never omitted, except where a type says so.

pub mod deploy;
pub mod field;
pub mod run;
pub mod schema;
pub mod store;

use std::io::{self, Write};

use serde::Serialize;

/// Writes JSON documents.
#[derive(Debug)]
pub struct Json<W: Write> {
    out: W,
}

impl<W: Write> Json<W> {
    /// A JSON printer on `out`.
    pub fn new(out: W) -> Json<W> {
        Json { out }
    }

    /// Writes `document` pretty-printed, a newline, and flushes.
    pub fn write<T: Serialize>(&mut self, document: &T) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut self.out, document)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
