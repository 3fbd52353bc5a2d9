//! A model of the JDK's X.509 parser: which certificates `CertificateFactory.getInstance("X.509")
//! .generateCertificate` refuses, and why, as a pure function of the bytes.
//!
//! The JVM parses every certificate before it judges anything: a served certificate it cannot parse
//! makes JSSE abort the handshake ("Failed to parse server certificates", alert `bad_certificate`), and
//! a keystore holding one fails to load as a whole. trustpath reads certificates with x509-parser, which
//! accepts many that the JDK refuses (an empty issuer, mismatched signature algorithms, a critical
//! extension the JDK's class cannot decode, an EC key on a curve it does not know, …), so it asks this
//! model before calling a certificate usable by the JVM.
//!
//! The model follows the JDK's own code path (OpenJDK 17 and 25, `java.base`):
//! `sun.security.x509.X509CertImpl.parse` → `X509CertInfo.parse` (version, serial, signature algorithm,
//! issuer, validity, subject, key, unique IDs, extensions, `verifyCert`) → `AlgorithmId.parse` with its
//! `AlgorithmParameters` (EC named curves of `CurveDB`, DSA, DH, RSASSA-PSS, OAEP, cipher and PBE
//! parameters) → `X509Key.parse` with the key factories (RSA, RSASSA-PSS, EC, DSA, DH, XDH, EdDSA, ML-DSA,
//! ML-KEM, HSS/LMS) → `X500Name`/`RDN`/`AVA` → `CertificateExtensions` with the decoding constructor of
//! each extension class the JDK knows (`OIDMap`) and `GeneralName` with each of its forms (including
//! `java.net.URI` for URIs). A non-critical extension that does not decode is ignored, as the JDK
//! ignores it; an unknown critical extension parses (the validator refuses it later, not the parser).
//! Where JDK 17 and JDK 25 differ, [`Jdk`] says which one is modelled.
//!
//! What the model does not do: resolve host names. The JDK's `URIName` (JDK 25) and `IPAddressName`
//! hand a host that is neither a valid DNS name nor an IP literal to `InetAddress.getByName`, which
//! may query DNS; the model treats such a host as unresolvable (the JDK's outcome on a machine without
//! DNS for it).

mod alg;
mod der;
mod ext;
mod key;
mod name;
mod tbs;
mod time;
mod uri;

/// Which JDK's parser is modelled. The two differ in a few rules (listed on each variant); a JVM of
/// another feature version is modelled as the nearest one below it (18–24 as 17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Jdk {
    /// JDK 17 (17.0.21): `OtherName` values need no `[0]` wrapper, an `EDIPartyName` may lack its
    /// party name, an IPv4-mapped IPv6 subnet needs a mask whose first 96 bits are set, constructed
    /// OCTET STRINGs nest at most 30 deep, and there is no HSS/LMS key factory.
    V17,
    /// JDK 25: the reverse of each JDK 17 rule above.
    V25,
}

impl Jdk {
    /// Every modelled JDK.
    pub const ALL: [Jdk; 2] = [Jdk::V17, Jdk::V25];

    /// The model for a JVM of this feature version (`None` = 17, trustpath's default).
    pub fn for_major(major: Option<u32>) -> Jdk {
        if major.unwrap_or(17) >= 25 {
            Jdk::V25
        } else {
            Jdk::V17
        }
    }

    /// Position in [`Jdk::ALL`].
    pub fn index(self) -> usize {
        match self {
            Jdk::V17 => 0,
            Jdk::V25 => 1,
        }
    }

    /// The feature version, for messages.
    pub fn major(self) -> u32 {
        match self {
            Jdk::V17 => 17,
            Jdk::V25 => 25,
        }
    }
}

/// Why the JDK refuses a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct JdkParseError {
    /// The JDK's own message for the refusal (the innermost exception's text, e.g. `Empty issuer DN not
    /// allowed in X509Certificates`).
    pub reason: String,
    /// The JDK class and check that refuses it (`X509CertInfo: empty issuer`), for the `(JDK: …)` note.
    pub rule: &'static str,
}

/// A refusal inside the model, before it becomes a [`JdkParseError`].
#[derive(Debug, Clone)]
pub(crate) struct Fail {
    pub msg: String,
    pub rule: &'static str,
}

impl Fail {
    /// An `IOException` (or another checked exception) with this message.
    pub fn new(rule: &'static str, msg: impl Into<String>) -> Fail {
        Fail {
            msg: msg.into(),
            rule,
        }
    }

    /// A `RuntimeException` the JDK lets escape from its parser (still a refusal).
    pub fn runtime(rule: &'static str, what: &str) -> Fail {
        Fail {
            msg: format!("java.lang.{what}"),
            rule,
        }
    }
}

pub(crate) type R<T> = Result<T, Fail>;

/// Whether the JDK's `CertificateFactory` accepts `der` as an X.509 certificate; `Err` holds its reason.
pub fn parse(der: &[u8], jdk: Jdk) -> Result<(), JdkParseError> {
    tbs::certificate(der, jdk).map_err(|f| JdkParseError {
        reason: f.msg,
        rule: f.rule,
    })
}
