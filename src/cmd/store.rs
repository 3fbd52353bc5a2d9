//! Placeholder for `trustpath store` (being written).

use crate::error::Result;

/// Arguments of `trustpath store`.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {}

/// Runs `trustpath store`.
pub fn run(_args: StoreArgs) -> Result<u8> {
    anyhow::bail!("trustpath store is not built yet")
}
