//! The material a configuration names, read through the configuration's [`Loader`]: keystores,
//! certificate files and private keys. Every failure is a message (lower-case, naming the file) that the
//! checks turn into a `keystore-unreadable` or `config-unreadable` finding; nothing here judges anything.

use std::path::Path;

use crate::cert::Certificate;
use crate::config::Loader;
use crate::truststore::{self, StoreFormat, TrustStore};

/// A keystore file, read and opened.
#[derive(Debug, Clone)]
pub struct OpenedKeystore {
    /// The format found in the file.
    pub format: StoreFormat,
    /// Its entries.
    pub store: TrustStore,
}

/// Why a keystore could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeystoreProblem {
    /// The file cannot be read.
    Unreadable(String),
    /// The format cannot be read at all, or is not a keystore.
    Format(String),
    /// The password does not open it.
    Password(String),
}

/// A file's bytes (at most `limit`), or the message naming it.
fn read(loader: &dyn Loader, path: &Path, limit: &crate::input::Limit) -> Result<Vec<u8>, String> {
    loader
        .read_bytes(path, limit.bytes)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Reads and opens a keystore with `password`.
pub fn open_keystore(
    loader: &dyn Loader,
    path: &Path,
    password: &str,
) -> Result<OpenedKeystore, KeystoreProblem> {
    let bytes = read(loader, path, &crate::input::STORE).map_err(KeystoreProblem::Unreadable)?;
    let format = truststore::detect(&bytes).map_err(|e| KeystoreProblem::Format(e.to_string()))?;
    if !matches!(
        format,
        StoreFormat::Jks | StoreFormat::Jceks | StoreFormat::Pkcs12
    ) {
        return Err(KeystoreProblem::Format(format!(
            "is a {format} file, not a keystore (JKS, JCEKS or PKCS#12)"
        )));
    }
    match truststore::read(&bytes, password) {
        Ok(store) => Ok(OpenedKeystore { format, store }),
        Err(truststore::StoreError::WrongPassword) => Err(KeystoreProblem::Password(
            truststore::StoreError::WrongPassword.to_string(),
        )),
        Err(e) => Err(KeystoreProblem::Format(e.to_string())),
    }
}

/// Reads the certificates of a PEM or DER file (a fullchain, a chain file).
pub fn read_certificates(loader: &dyn Loader, path: &Path) -> Result<Vec<Certificate>, String> {
    let bytes = read(loader, path, &crate::input::CERT_FILE)?;
    let certs = crate::storefile::certificates_in(path, &bytes).map_err(|e| format!("{e:#}"))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path.display()));
    }
    Ok(certs)
}

/// The public-key bits of the first PEM private key in a file.
pub fn read_key_bits(loader: &dyn Loader, path: &Path) -> Result<Vec<u8>, String> {
    let bytes = read(loader, path, &crate::input::KEY_FILE)?;
    crate::keypair::pem_key_bits(&bytes).map_err(|e| format!("{}: {e:#}", path.display()))
}
