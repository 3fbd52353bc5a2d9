//! `trustpath demo`: the main job on a throwaway lab deployment (see `crate::demo`), in a temporary
//! directory removed at the end unless `--keep`.

use anyhow::Context;

use crate::clock::Clock;
use crate::error::Result;

/// Arguments of `trustpath demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
$ trustpath demo\n  \
$ cargo run --release -- demo\n  \
$ NO_COLOR=1 trustpath demo > demo-report.txt")]
pub struct DemoArgs {
    /// Keep the lab directory (certificates, truststore, fixes) instead of deleting it, and print where
    /// it is.
    #[arg(long)]
    pub keep: bool,
}

/// Runs `trustpath demo`.
pub fn run(args: DemoArgs, clock: Clock) -> Result<u8> {
    let dir = tempfile::Builder::new()
        .prefix("trustpath-demo-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    let mut out = crate::report::human_stdout();
    let result = crate::demo::run(dir.path(), clock, &mut |step| Ok(out.demo_step(&step)?));
    if args.keep {
        out.demo_kept(&dir.keep())?;
    }
    result
}
