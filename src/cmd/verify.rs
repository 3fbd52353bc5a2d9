//! Placeholder for `trustpath verify` (being written).

use crate::error::Result;

/// Arguments of `trustpath verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {}

/// Runs `trustpath verify`.
pub fn run(_args: VerifyArgs) -> Result<u8> {
    anyhow::bail!("trustpath verify is not built yet")
}
