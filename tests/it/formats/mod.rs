//! The machine-readable formats' contracts: the committed JSON Schemas against the output types and the
//! documents, the `--format` options, and the formats' judges (see `support::formats`).

mod cli;
mod schemas;
