//! Store passwords: where one comes from (given, an environment variable, the first line of a file) and
//! resolving it, defaulting to `changeit` (the JRE's `cacerts` password and Tomcat's default).
//! Password-less PKCS#12 stores read with any password.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::error::Result;

/// The JRE's and Tomcat's default store password.
pub const DEFAULT_STOREPASS: &str = "changeit";

/// Where a store password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassSource {
    /// Given as text (`--storepass`, a deployment file's `storepass`).
    Given(String),
    /// Read from this environment variable (`--storepass-env`, `storepass_env`).
    Env(String),
    /// The first line of this file (`--storepass-file`).
    File(PathBuf),
}

impl PassSource {
    /// Resolves the password this source names.
    pub fn resolve(&self) -> Result<String> {
        match self {
            PassSource::Given(p) => Ok(p.clone()),
            PassSource::Env(var) => match std::env::var(var) {
                Ok(v) => Ok(v),
                Err(std::env::VarError::NotPresent) => {
                    bail!("environment variable {var} (from --storepass-env) is not set")
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    bail!("environment variable {var} (from --storepass-env) is not valid UTF-8")
                }
            },
            PassSource::File(file) => {
                let text = crate::input::read_text(file, &crate::input::PASSWORD_FILE)
                    .context("--storepass-file")?;
                Ok(text.lines().next().unwrap_or("").to_owned())
            }
        }
    }
}

/// The password `source` names, or [`DEFAULT_STOREPASS`] when none is named.
pub fn resolve(source: Option<&PassSource>) -> Result<String> {
    match source {
        Some(s) => s.resolve(),
        None => Ok(DEFAULT_STOREPASS.to_owned()),
    }
}
