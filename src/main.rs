//! The `trustpath` binary: parse, run, exit. A closed stdout (`trustpath store list … | head`) is not an
//! error.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match trustpath::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                trustpath::error::exit::FAILED
            } else {
                trustpath::error::exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match trustpath::cli::run(cli, trustpath::clock::Clock::System) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(trustpath::error::exit::OK);
            }
            eprintln!("trustpath: error: {}", one_cause_each(&err));
            ExitCode::from(trustpath::error::exit::FAILED)
        }
    }
}

/// The error chain as `outer: inner: …`, each cause once: a cause whose text the line already ends with
/// (an error that prints its source in its own message) is not repeated.
fn one_cause_each(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
