//! Lab PKI generation: root and intermediate CAs, server and client certificates, the keystores and
//! truststores Java servers and clients load, and the named faults `trustpath serve --scenario` serves.
//!
//! Everything here is pure generation: the clock is a parameter and the results are bytes in memory
//! (PEM, PKCS#8, JKS, PKCS#12). Writing files is the command's job (`cmd::generate`).

pub mod authority;
pub mod key;
pub mod keystores;
pub mod lab;
pub mod legacy_rsa;
pub mod names;
pub mod profile;
pub mod readme;
pub mod resign;
pub mod scenario;

pub use authority::{Authority, CaSpec, Issued};
pub use key::KeyType;
pub use names::SubjectName;
pub use profile::LeafUsage;

use crate::truststore::StoreError;

/// Why a lab PKI or scenario could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// A requested subject name is not a DNS name, wildcard or IP address.
    #[error("invalid name {name:?}: {reason}")]
    Name {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No subject names were given for a leaf certificate.
    #[error(
        "a server or client certificate needs at least one name (DNS name, wildcard or IP address)"
    )]
    NoNames,
    /// rcgen refused to build or sign a certificate.
    #[error("cannot generate the certificate")]
    Generate(#[from] rcgen::Error),
    /// An existing CA certificate or key could not be used.
    #[error("cannot use the existing CA: {0}")]
    Ca(String),
    /// A keystore codec refused to write a store.
    #[error("cannot write {what}")]
    Store {
        /// Which file (`server.jks`, …).
        what: String,
        /// The codec's reason.
        source: StoreError,
    },
    /// A fault scenario name that does not exist.
    #[error("unknown scenario {0:?}; `trustpath serve --list-scenarios` lists them")]
    UnknownScenario(String),
    /// Legacy signing (SHA-1, RSA-1024) failed on malformed input.
    #[error("legacy signing failed: {0}")]
    Legacy(String),
    /// A validity period that cannot be represented.
    #[error("invalid validity: {0}")]
    Validity(String),
}
