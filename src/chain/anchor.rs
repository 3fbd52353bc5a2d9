//! A trust anchor: a trusted-certificate entry of a truststore, with where it came from.

use crate::cert::Certificate;

/// One trust anchor: a trusted-certificate entry, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The anchor certificate.
    pub cert: Certificate,
    /// Label of the store it came from (its path, or `webpki-roots`).
    pub store: String,
    /// The alias in that store.
    pub alias: String,
    /// Whether this certificate is one of the JDK's own bundled roots (the JDK's SHA-1 rule for
    /// `jdk.certpath.disabledAlgorithms` `SHA1 jdkCA` applies only to chains anchored at those).
    pub jdk_bundled: bool,
}
