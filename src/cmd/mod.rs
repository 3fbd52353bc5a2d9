//! Subcommand glue: each module turns its parsed arguments into calls on the library and a report, and
//! returns the process exit code (see `error::exit`).

pub mod check;
pub mod demo;
pub mod discover;
pub mod generate;
pub mod probe;
pub mod serve;
pub mod store;
pub mod trust;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::error::Result;

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Store(args) => store::run(args),
        Command::Probe(args) => probe::run(args),
        Command::Check(args) => check::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Gen(args) => generate::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Discover(args) => discover::run(args),
    }
}
