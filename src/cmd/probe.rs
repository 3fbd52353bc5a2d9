//! Placeholder for `trustpath probe` (being written).

use crate::error::Result;

/// Arguments of `trustpath probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {}

/// Runs `trustpath probe`.
pub fn run(_args: ProbeArgs) -> Result<u8> {
    anyhow::bail!("trustpath probe is not built yet")
}
