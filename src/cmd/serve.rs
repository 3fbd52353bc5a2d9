//! Placeholder for `trustpath serve` (being written).

use crate::error::Result;

/// Arguments of `trustpath serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

/// Runs `trustpath serve`.
pub fn run(_args: ServeArgs) -> Result<u8> {
    anyhow::bail!("trustpath serve is not built yet")
}
