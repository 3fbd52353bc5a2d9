//! The command line: the clap-derived [`Cli`] with one argument struct per subcommand, each defined next
//! to the glue that runs it (`cmd::*`), and [`run`], which dispatches. Every subcommand's help ends with
//! worked examples.

use clap::{CommandFactory, Parser, Subcommand};

use crate::clock::Clock;
use crate::cmd;
use crate::error::Result;

/// trustpath: see whether the JVM trusts your endpoints, why not, and fix it.
#[derive(Debug, Parser)]
#[command(
    name = "trustpath",
    version,
    about = "TLS trust and certificate toolkit for Java app servers behind proxies",
    long_about = "trustpath captures the certificate chains that an app, its reverse proxy and its real-time \
collaboration port serve, judges them exactly as the JVM would with the app's own truststore, names each gap \
with its fix, and edits Java truststores (JKS, JCEKS, PKCS#12) safely.\n\n\
Exit codes: 0 success, 1 the check found problems, 2 the job could not be done.",
    after_help = "Examples:\n  \
$ trustpath demo\n  \
$ trustpath probe https://confluence.example.test --cacerts\n  \
$ trustpath store import --cacerts corp-root-ca.pem\n  \
$ trustpath completions bash > ~/.local/share/bash-completion/completions/trustpath"
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, import, export, remove, diff and convert Java truststore entries.
    Store(cmd::store::StoreArgs),
    /// Capture the chains endpoints serve and judge them as the JVM would.
    Probe(cmd::probe::ProbeArgs),
    /// Check a deployment as one system: app, proxy, RTC port, nodes, auth proxy and their configs.
    Check(cmd::check::CheckArgs),
    /// Judge chain files (PEM fullchain, PKCS#12, JKS) offline, as the JVM would.
    Verify(cmd::verify::VerifyArgs),
    /// Generate lab PKIs: CA, intermediate, server certificates, keystores and truststores.
    Gen(cmd::generate::GenArgs),
    /// Serve a certificate chain, or a named fault, on a local TLS endpoint.
    Serve(cmd::serve::ServeArgs),
    /// Run the main job on a throwaway lab deployment: probe, diagnose, fix, probe again.
    Demo(cmd::demo::DemoArgs),
    /// Write a deployment file from Tomcat's server.xml and the nginx or Apache configuration.
    Discover(cmd::discover::DiscoverArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page of trustpath or of a subcommand, or write them all into a directory.
    Man(cmd::man::ManArgs),
}

/// Runs the parsed command line with `clock` as "now" and returns the exit code (see `error::exit`).
pub fn run(cli: Cli, clock: Clock) -> Result<u8> {
    match cli.command {
        Command::Store(args) => cmd::store::run(args, clock),
        Command::Probe(args) => cmd::probe::run(args, clock),
        Command::Check(args) => cmd::check::run(args, clock),
        Command::Verify(args) => cmd::verify::run(args, clock),
        Command::Gen(args) => cmd::generate::run(args, clock),
        Command::Serve(args) => cmd::serve::run(args, clock),
        Command::Demo(args) => cmd::demo::run(args, clock),
        Command::Discover(args) => cmd::discover::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
        Command::Man(args) => cmd::man::run(args, Cli::command()),
    }
}
