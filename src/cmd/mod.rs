//! Subcommand glue: each module turns its parsed arguments into calls on the library and a report, and
//! returns the process exit code (see `error::exit`). No logic lives here, and no command calls another.

pub mod args;
pub mod check;
pub mod completions;
pub mod demo;
pub mod discover;
pub mod generate;
pub mod man;
pub mod probe;
pub mod serve;
pub mod store;
pub mod verify;
