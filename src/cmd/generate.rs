//! Placeholder for `trustpath gen` (being written).

use crate::error::Result;

/// Arguments of `trustpath gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {}

/// Runs `trustpath gen`.
pub fn run(_args: GenArgs) -> Result<u8> {
    anyhow::bail!("trustpath gen is not built yet")
}
