//! The file-system adapter of the offline checks: reads the keystores, certificate files and private keys
//! that configurations name. Every failure is a message (lower-case, naming the file) that the checks turn
//! into a `keystore-unreadable` or `config-unreadable` finding; nothing here judges anything.

use std::path::Path;

use crate::cert::Certificate;
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

/// Reads and opens a keystore with `password`.
pub fn open_keystore(path: &Path, password: &str) -> Result<OpenedKeystore, KeystoreProblem> {
    let bytes = crate::storefile::read_bounded(path)
        .map_err(|e| KeystoreProblem::Unreadable(format!("{e:#}")))?;
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
pub fn read_certificates(path: &Path) -> Result<Vec<Certificate>, String> {
    let certs = crate::storefile::read_cert_file(path).map_err(|e| format!("{e:#}"))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path.display()));
    }
    Ok(certs)
}

/// The public-key bits of a PEM private key file.
pub fn read_key_bits(path: &Path) -> Result<Vec<u8>, String> {
    crate::keypair::read_key(path, "")
        .map(|(_, bits)| bits)
        .map_err(|e| format!("{e:#}"))
}
