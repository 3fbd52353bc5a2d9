//! The signature algorithms a JSSE client accepts in the server's certificates, which depend on the TLS
//! version it negotiated.
//!
//! `X509TrustManagerImpl.checkServerTrusted` (JDK 17 and 25), for a session of TLS 1.2 or later
//! (`ProtocolVersion.useTLS12PlusSpec`), hands the validator an `SSLAlgorithmConstraints` built from the
//! session's `getLocalSupportedSignatureAlgorithms()`: the client's own `signature_algorithms_cert`, the
//! signature schemes of `SignatureScheme` that the negotiated protocol allows in certificates and
//! `jdk.tls.disabledAlgorithms` permits. `PKIXValidator` adds it to its parameters as an `AlgorithmChecker`
//! built without a trust anchor, which the validator (and the path builder, for every path it completes)
//! runs on every certificate of the path below the anchor: its `SupportedSignatureAlgorithmConstraints`
//! permits a certificate's signature algorithm (its JDK name, cut before an `and…` MGF suffix) only when it
//! equals, ignoring case, one of those names ("Algorithm constraints check failed on signature algorithm:
//! SHA224withRSA"). The anchor's own signature is never checked, and a leaf that is itself a trusted
//! entry is accepted before any checker runs. Under TLS 1.0 and 1.1 there is no such list.
//!
//! The lists are those of a JDK 17.0.21 and a JDK 25 client with the default `java.security` (the oracle
//! test `the_signature_algorithms_trustpath_models_are_those_a_jsse_client_accepts` compares them with a
//! real handshake of each JDK). A customised `jdk.tls.disabledAlgorithms` that removes a scheme is not
//! modelled.

use serde::Serialize;

/// The TLS version of the connection whose chain is judged. A chain judged without a handshake
/// (`trustpath verify`, offline configuration checks) is judged as TLS 1.3, what a JDK 17 or later client
/// negotiates with any server that speaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsVersion {
    /// TLS 1.3 (the default).
    #[default]
    Tls13,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.0 or 1.1: no signature-scheme constraint (a JDK 17+ client refuses these protocols by default
    /// anyway, see `legacy-tls`).
    Legacy,
}

/// `signature_algorithms_cert` of a JDK 17/25 client under TLS 1.3, by JDK algorithm name (the six
/// RSASSA-PSS schemes share one name).
const TLS13: &[&str] = &[
    "SHA256withECDSA",
    "SHA384withECDSA",
    "SHA512withECDSA",
    "Ed25519",
    "Ed448",
    "RSASSA-PSS",
    "SHA256withRSA",
    "SHA384withRSA",
    "SHA512withRSA",
    "SHA1withECDSA",
    "SHA1withRSA",
];

/// Under TLS 1.2 the legacy schemes join (`SignatureScheme`'s `PROTOCOLS_TO_12` ones); `rsa_md5` is left
/// out by the default `jdk.tls.disabledAlgorithms` (`MD5withRSA`).
const TLS12: &[&str] = &[
    "SHA256withECDSA",
    "SHA384withECDSA",
    "SHA512withECDSA",
    "Ed25519",
    "Ed448",
    "RSASSA-PSS",
    "SHA256withRSA",
    "SHA384withRSA",
    "SHA512withRSA",
    "SHA256withDSA",
    "SHA224withECDSA",
    "SHA224withRSA",
    "SHA224withDSA",
    "SHA1withECDSA",
    "SHA1withRSA",
    "SHA1withDSA",
];

/// The JDK rule, for the `(JDK: …)` note.
pub(crate) const RULE_TLS_SIGNATURE_SCHEMES: &str = "X509TrustManagerImpl: the client's signature_algorithms_cert (AlgorithmChecker with SSLAlgorithmConstraints)";

impl TlsVersion {
    /// The version from its JDK name (`TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1`); `None` for anything else.
    pub fn from_jdk_name(name: &str) -> Option<TlsVersion> {
        match name {
            "TLSv1.3" => Some(TlsVersion::Tls13),
            "TLSv1.2" => Some(TlsVersion::Tls12),
            "TLSv1.1" | "TLSv1" | "SSLv3" => Some(TlsVersion::Legacy),
            _ => None,
        }
    }

    /// The JDK name of the version (`TLSv1.3`), or a description for the legacy ones.
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls13 => "TLSv1.3",
            TlsVersion::Tls12 => "TLSv1.2",
            TlsVersion::Legacy => "TLSv1.1 or older",
        }
    }

    /// The signature algorithms (JDK names) a JSSE client accepts in certificates over this version;
    /// `None` when it constrains none.
    pub fn certificate_signature_algorithms(self) -> Option<&'static [&'static str]> {
        match self {
            TlsVersion::Tls13 => Some(TLS13),
            TlsVersion::Tls12 => Some(TLS12),
            TlsVersion::Legacy => None,
        }
    }

    /// Whether a JSSE client over this version accepts a certificate signed with `sig_alg` (JDK name):
    /// `SupportedSignatureAlgorithmConstraints.permits`.
    pub(crate) fn accepts(self, sig_alg: &str) -> bool {
        let Some(list) = self.certificate_signature_algorithms() else {
            return true;
        };
        // "trim the MGF part: <digest>with<encryption>and<mgf>" (a case-sensitive `indexOf("and") > 0`).
        let alg = match sig_alg.find("and") {
            Some(i) if i > 0 => &sig_alg[..i],
            _ => sig_alg,
        };
        list.iter().any(|s| s.eq_ignore_ascii_case(alg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_1_3_refuses_dsa_and_sha_224_and_tls_1_2_accepts_them() {
        for alg in [
            "SHA1withDSA",
            "SHA256withDSA",
            "SHA224withRSA",
            "SHA224withECDSA",
        ] {
            assert!(!TlsVersion::Tls13.accepts(alg), "{alg}");
            assert!(TlsVersion::Tls12.accepts(alg), "{alg}");
        }
        for alg in [
            "SHA256withRSA",
            "RSASSA-PSS",
            "SHA1withECDSA",
            "Ed25519",
            "sha384withecdsa",
        ] {
            assert!(TlsVersion::Tls13.accepts(alg), "{alg}");
            assert!(TlsVersion::Tls12.accepts(alg), "{alg}");
        }
        for alg in ["MD5withRSA", "SHA3-256withRSA", "1.2.3.4"] {
            assert!(!TlsVersion::Tls12.accepts(alg), "{alg}");
        }
        assert!(TlsVersion::Legacy.accepts("SHA1withDSA"));
        assert!(TlsVersion::Tls13.accepts("SHA256withRSAandMGF1"));
    }

    #[test]
    fn versions_are_read_from_their_jdk_names() {
        assert_eq!(
            TlsVersion::from_jdk_name("TLSv1.3"),
            Some(TlsVersion::Tls13)
        );
        assert_eq!(
            TlsVersion::from_jdk_name("TLSv1.2"),
            Some(TlsVersion::Tls12)
        );
        assert_eq!(TlsVersion::from_jdk_name("TLSv1"), Some(TlsVersion::Legacy));
        assert_eq!(TlsVersion::from_jdk_name("QUIC"), None);
        assert_eq!(TlsVersion::default(), TlsVersion::Tls13);
    }
}
