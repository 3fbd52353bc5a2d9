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
//! The list depends on the JDK's update: since JDK-8350807 (JDK 25, 21.0.9, 17.0.17 — see
//! [`Change::CertSignatureSchemesPerProtocol`]) the client recomputes it for the protocol the server
//! chose, so over TLS 1.3 the TLS 1.2-only schemes (DSA, SHA-224) are refused; before, it was the list
//! of every enabled protocol, TLS 1.3 and 1.2 together, so over TLS 1.3 the TLS 1.2 list applied.
//!
//! The lists are those of JDK 17.0.15, 17.0.19, 17.0.21.1 and 25.0.3 clients with the default
//! `java.security` (the oracle test `the_signature_algorithms_trustpath_models_are_those_a_jsse_client_accepts`
//! compares them with a real handshake of each JDK). A customised `jdk.tls.disabledAlgorithms` that
//! removes a scheme is not modelled.

use serde::Serialize;

use crate::cert::jdk::{Change, JavaVersion};

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

/// `signature_algorithms_cert` of a JDK 17/25 client, in its order, by JDK algorithm name (the six
/// RSASSA-PSS schemes share one name), each with whether TLS 1.3 keeps it: under TLS 1.2 the legacy
/// schemes join (`SignatureScheme`'s `PROTOCOLS_TO_12` ones); `rsa_md5` is left out by the default
/// `jdk.tls.disabledAlgorithms` (`MD5withRSA`).
const SCHEMES: &[(&str, bool)] = &[
    ("SHA256withECDSA", true),
    ("SHA384withECDSA", true),
    ("SHA512withECDSA", true),
    ("Ed25519", true),
    ("Ed448", true),
    ("RSASSA-PSS", true),
    ("SHA256withRSA", true),
    ("SHA384withRSA", true),
    ("SHA512withRSA", true),
    ("SHA256withDSA", false),
    ("SHA224withECDSA", false),
    ("SHA224withRSA", false),
    ("SHA224withDSA", false),
    ("SHA1withECDSA", true),
    ("SHA1withRSA", true),
    ("SHA1withDSA", false),
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

    /// The signature algorithms (JDK names) a JSSE client of JDK `java` accepts in certificates over
    /// this version, in its order; `None` when it constrains none.
    pub fn certificate_signature_algorithms(self, java: JavaVersion) -> Option<Vec<&'static str>> {
        self.schemes(java).map(Iterator::collect)
    }

    /// [`Self::certificate_signature_algorithms`], without collecting them.
    fn schemes(self, java: JavaVersion) -> Option<impl Iterator<Item = &'static str>> {
        let per_protocol = java.has(Change::CertSignatureSchemesPerProtocol);
        let tls13 = match self {
            TlsVersion::Tls13 => per_protocol,
            TlsVersion::Tls12 => false,
            TlsVersion::Legacy => return None,
        };
        let kept = SCHEMES
            .iter()
            .filter(move |&&(_, in_tls13)| in_tls13 || !tls13);
        Some(kept.map(|&(name, _)| name))
    }

    /// Whether a JSSE client of JDK `java` over this version accepts a certificate signed with `sig_alg`
    /// (JDK name): `SupportedSignatureAlgorithmConstraints.permits`.
    pub(crate) fn accepts(self, sig_alg: &str, java: JavaVersion) -> bool {
        let Some(mut list) = self.schemes(java) else {
            return true;
        };
        // "trim the MGF part: <digest>with<encryption>and<mgf>" (a case-sensitive `indexOf("and") > 0`).
        let alg = match sig_alg.find("and") {
            Some(i) if i > 0 => &sig_alg[..i],
            _ => sig_alg,
        };
        list.any(|s| s.eq_ignore_ascii_case(alg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWEST: JavaVersion = JavaVersion::newest(17);

    #[test]
    fn tls_1_3_refuses_dsa_and_sha_224_and_tls_1_2_accepts_them() {
        for alg in [
            "SHA1withDSA",
            "SHA256withDSA",
            "SHA224withRSA",
            "SHA224withECDSA",
        ] {
            assert!(!TlsVersion::Tls13.accepts(alg, NEWEST), "{alg}");
            assert!(TlsVersion::Tls12.accepts(alg, NEWEST), "{alg}");
        }
        for alg in [
            "SHA256withRSA",
            "RSASSA-PSS",
            "SHA1withECDSA",
            "Ed25519",
            "sha384withecdsa",
        ] {
            assert!(TlsVersion::Tls13.accepts(alg, NEWEST), "{alg}");
            assert!(TlsVersion::Tls12.accepts(alg, NEWEST), "{alg}");
        }
        for alg in ["MD5withRSA", "SHA3-256withRSA", "1.2.3.4"] {
            assert!(!TlsVersion::Tls12.accepts(alg, NEWEST), "{alg}");
        }
        assert!(TlsVersion::Legacy.accepts("SHA1withDSA", NEWEST));
        assert!(TlsVersion::Tls13.accepts("SHA256withRSAandMGF1", NEWEST));
    }

    #[test]
    fn tls_1_3_keeps_the_tls_1_2_order_without_the_legacy_schemes() {
        assert_eq!(
            TlsVersion::Tls13.certificate_signature_algorithms(NEWEST),
            Some(vec![
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
            ])
        );
        let tls12 = TlsVersion::Tls12.certificate_signature_algorithms(NEWEST);
        assert_eq!(tls12.as_ref().map(Vec::len), Some(16));
        assert_eq!(
            tls12.as_ref().and_then(|l| l.get(9)),
            Some(&"SHA256withDSA")
        );
        assert_eq!(
            TlsVersion::Legacy.certificate_signature_algorithms(NEWEST),
            None
        );
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

    #[test]
    fn before_17_0_17_a_tls_1_3_client_accepts_the_tls_1_2_list() {
        let old = JavaVersion::new(17, 0, 15, 0);
        for alg in [
            "SHA1withDSA",
            "SHA256withDSA",
            "SHA224withRSA",
            "SHA224withECDSA",
        ] {
            assert!(TlsVersion::Tls13.accepts(alg, old), "{alg}");
            assert!(
                !TlsVersion::Tls13.accepts(alg, JavaVersion::new(17, 0, 17, 0)),
                "{alg}"
            );
            assert!(
                !TlsVersion::Tls13.accepts(alg, JavaVersion::new(21, 0, 9, 0)),
                "{alg}"
            );
            assert!(
                TlsVersion::Tls13.accepts(alg, JavaVersion::new(21, 0, 8, 0)),
                "{alg}"
            );
        }
        assert_eq!(
            TlsVersion::Tls13.certificate_signature_algorithms(old),
            TlsVersion::Tls12.certificate_signature_algorithms(old)
        );
        assert!(!TlsVersion::Tls13.accepts("MD5withRSA", old));
    }
}
