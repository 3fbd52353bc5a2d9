//! Store passwords from the command line: `--storepass PASS`, `--storepass-env VAR` or
//! `--storepass-file FILE`, defaulting to `changeit` (the JRE's `cacerts` password and Tomcat's default).
//! Password-less PKCS#12 stores read with any password.

use anyhow::{Context, bail};

use crate::error::Result;

/// The JRE's and Tomcat's default store password.
pub const DEFAULT_STOREPASS: &str = "changeit";

/// The store-password options shared by every command that opens a store.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StorePassArgs {
    /// Store password. Visible in the process list: prefer --storepass-env or --storepass-file on shared
    /// machines. Default: changeit.
    #[arg(long, value_name = "PASS")]
    pub storepass: Option<String>,
    /// Read the store password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "storepass")]
    pub storepass_env: Option<String>,
    /// Read the store password from the first line of this file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["storepass", "storepass_env"])]
    pub storepass_file: Option<std::path::PathBuf>,
}

impl StorePassArgs {
    /// Resolves the password the options name, or the default.
    pub fn resolve(&self) -> Result<String> {
        if let Some(p) = &self.storepass {
            return Ok(p.clone());
        }
        if let Some(var) = &self.storepass_env {
            return match std::env::var(var) {
                Ok(v) => Ok(v),
                Err(std::env::VarError::NotPresent) => {
                    bail!("environment variable {var} (from --storepass-env) is not set")
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    bail!("environment variable {var} (from --storepass-env) is not valid UTF-8")
                }
            };
        }
        if let Some(file) = &self.storepass_file {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read --storepass-file {}", file.display()))?;
            return Ok(text.lines().next().unwrap_or("").to_owned());
        }
        Ok(DEFAULT_STOREPASS.to_owned())
    }

    /// Whether the user gave a password explicitly.
    pub fn is_explicit(&self) -> bool {
        self.storepass.is_some() || self.storepass_env.is_some() || self.storepass_file.is_some()
    }
}
