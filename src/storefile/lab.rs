//! Reading an existing lab CA directory (`gen --ca DIR`): its root certificate, and the root and
//! intermediate authorities whose certificate and key files are both present.

use std::path::Path;

use anyhow::Context;

use crate::error::Result;
use crate::input;
use crate::pki::Authority;
use crate::pki::lab::{ExistingCa, files};

/// Reads a CA directory. `root-ca.pem` is required; the keys are optional (the library says which one it
/// needs).
pub fn load_ca(dir: &Path) -> Result<ExistingCa> {
    let root_pem = dir.join(files::ROOT_CERT);
    let root_bytes = input::read(&root_pem, &input::LAB_FILE).context("the CA certificate")?;
    let root_cert = crate::pem::parse_all(&root_bytes)
        .map_err(anyhow::Error::from)
        .and_then(|blocks| {
            let block = blocks
                .into_iter()
                .find(|b| b.label == "CERTIFICATE")
                .context("no CERTIFICATE block")?;
            Ok(crate::cert::Certificate::from_der(block.contents)?)
        })
        .with_context(|| format!("{}", root_pem.display()))?;
    let root_authority = load_authority(dir, files::ROOT_CERT, files::ROOT_KEY)?;
    let intermediate = load_authority(dir, files::INTERMEDIATE_CERT, files::INTERMEDIATE_KEY)?;
    Ok(ExistingCa {
        root: root_cert,
        root_authority,
        intermediate,
    })
}

/// Loads `cert` + `key` from `dir` as an authority, or `None` when either file is absent.
pub fn load_authority(dir: &Path, cert: &str, key: &str) -> Result<Option<Authority>> {
    let (cert_path, key_path) = (dir.join(cert), dir.join(key));
    if !cert_path.exists() || !key_path.exists() {
        return Ok(None);
    }
    let cert_bytes = input::read(&cert_path, &input::LAB_FILE)?;
    let key_bytes = input::read(&key_path, &input::LAB_FILE)?;
    let authority = Authority::from_pem(&cert_bytes, &key_bytes)
        .with_context(|| format!("{} and {}", cert_path.display(), key_path.display()))?;
    Ok(Some(authority))
}
