//! Placeholder for `trustpath demo` (being written).

use crate::error::Result;

/// Arguments of `trustpath demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {}

/// Runs `trustpath demo`.
pub fn run(_args: DemoArgs) -> Result<u8> {
    anyhow::bail!("trustpath demo is not built yet")
}
