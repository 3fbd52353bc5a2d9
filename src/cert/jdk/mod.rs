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
mod curve;
mod der;
pub(crate) use der::dotted as oid_dotted;
mod ext;
mod key;
mod name;
mod oidmap;
mod tbs;
mod time;
mod uri;
mod version;
pub use version::{Change, JavaVersion};

/// Which JDK's parser is modelled: a feature release (17 or 25; another is modelled as the nearest one
/// below it, 18–24 as 17) and, for 17, the updates whose parser differs (see [`Change`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Jdk {
    /// JDK 17 up to 17.0.15 (measured: 17.0.15): as [`Jdk::V17u16`], and a BMPString may hold a
    /// surrogate pair ([`Change::BmpStringSurrogates`]).
    V17u15,
    /// JDK 17.0.16 to 17.0.19 (measured: 17.0.19): as [`Jdk::V17`] but without the rules of
    /// [`Change::Parser17u20`]: constructed OCTET STRINGs nest without limit, an IPv4-mapped IPv6
    /// subnet's mask is not checked, a URI's host is checked as JDK 25 checks it, and ML-DSA and ML-KEM
    /// keys are opaque `X509Key`s.
    V17u16,
    /// JDK 17.0.20 and later (measured: 17.0.21.1): `OtherName` values need no `[0]` wrapper, an
    /// `EDIPartyName` may lack its party name, an IPv4-mapped IPv6 subnet needs a mask whose first 96
    /// bits are set, constructed OCTET STRINGs nest at most 30 deep, and there is no HSS/LMS key factory.
    V17,
    /// JDK 25 (measured: 25.0.3): the reverse of each JDK 17 rule above.
    V25,
}

/// The feature release a [`Jdk`] models, for the rules that differ between 17 and 25 in every update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    Jdk17,
    Jdk25,
}

impl Jdk {
    /// Every modelled parser.
    pub const ALL: [Jdk; 4] = [Jdk::V17u15, Jdk::V17u16, Jdk::V17, Jdk::V25];

    /// The newest update of each modelled feature release: the JVMs a certificate written into a
    /// store must be readable by (older updates refuse less, see [`Change`]).
    pub const LATEST: [Jdk; 2] = [Jdk::V17, Jdk::V25];

    /// The model for a JVM of this feature version, at its newest update (`None` = 17, trustpath's
    /// default).
    pub fn for_major(major: Option<u32>) -> Jdk {
        Jdk::for_version(Some(JavaVersion::newest(major.unwrap_or(17))))
    }

    /// The model for a JVM of this version (`None`: the newest JDK 17, trustpath's default).
    pub fn for_version(version: Option<JavaVersion>) -> Jdk {
        let version = version.unwrap_or(JavaVersion::newest(17));
        if version.feature >= 25 {
            Jdk::V25
        } else if version.feature != 17 || version.has(Change::Parser17u20) {
            Jdk::V17
        } else if version.has(Change::BmpStringSurrogates) {
            Jdk::V17u16
        } else {
            Jdk::V17u15
        }
    }

    /// Position in [`Jdk::ALL`].
    pub fn index(self) -> usize {
        match self {
            Jdk::V17u15 => 0,
            Jdk::V17u16 => 1,
            Jdk::V17 => 2,
            Jdk::V25 => 3,
        }
    }

    /// The feature version, for messages.
    pub fn major(self) -> u32 {
        match self.line() {
            Line::Jdk17 => 17,
            Line::Jdk25 => 25,
        }
    }

    /// The feature release modelled.
    pub(crate) fn line(self) -> Line {
        match self {
            Jdk::V25 => Line::Jdk25,
            _ => Line::Jdk17,
        }
    }

    /// [`Change::BmpStringSurrogates`].
    pub(crate) fn refuses_bmp_surrogates(self) -> bool {
        self != Jdk::V17u15
    }

    /// [`Change::Parser17u20`]'s JDK 17 rules (a nesting limit, the IPv4-mapped mask check, the URI
    /// host rules).
    pub(crate) fn parser_17u20(self) -> bool {
        self == Jdk::V17
    }

    /// Whether ML-DSA and ML-KEM keys have a key factory (`NamedX509Key`), in JDK 25 and 17.0.20+.
    pub(crate) fn named_key_factories(self) -> bool {
        matches!(self, Jdk::V17 | Jdk::V25)
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

/// A non-critical extension the JDK has a class for but cannot decode: the certificate parses, the
/// extension is kept as an `UnparseableExtension`, and the certificate's getters behave as if it were
/// absent (JDK 25's `getSubjectAlternativeNames`, `getIssuerAlternativeNames` and `getExtendedKeyUsage`
/// throw `CertificateParsingException` with `reason` instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredExtension {
    /// The extension's OID, dotted.
    pub oid: String,
    /// The JDK's message for the decoding failure.
    pub reason: String,
}

/// What the JDK makes of a certificate it parses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JdkView {
    /// The non-critical extensions it set aside, in certificate order, one per OID.
    pub ignored: Vec<IgnoredExtension>,
}

impl JdkView {
    /// The set-aside extension with this OID, if any.
    pub fn ignored(&self, oid: &str) -> Option<&IgnoredExtension> {
        self.ignored.iter().find(|i| i.oid == oid)
    }
}

/// Whether the JDK's `CertificateFactory` accepts `der` as an X.509 certificate; `Err` holds its reason.
pub fn parse(der: &[u8], jdk: Jdk) -> Result<(), JdkParseError> {
    parse_view(der, jdk).map(|_| ())
}

/// [`parse`], with what the JDK set aside when it accepts the certificate.
pub fn parse_view(der: &[u8], jdk: Jdk) -> Result<JdkView, JdkParseError> {
    tbs::certificate(der, jdk)
        .map(|ignored| JdkView { ignored })
        .map_err(|f| JdkParseError {
            reason: f.msg,
            rule: f.rule,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, c: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if c.len() < 0x80 {
            out.push(c.len() as u8);
        } else {
            out.extend([0x82, (c.len() >> 8) as u8, c.len() as u8]);
        }
        out.extend_from_slice(c);
        out
    }

    fn seq(parts: &[&[u8]]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    const ECDSA_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    const SHA256_RSA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
    ];
    const EC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const UNKNOWN_CURVE: &[u8] = &[0x06, 0x03, 0x2a, 0x03, 0x04];
    const SAN: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x11];
    const BC: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x13];
    const CRITICAL: &[u8] = &[0x01, 0x01, 0xff];

    fn name(cn: &str) -> Vec<u8> {
        if cn.is_empty() {
            return seq(&[]);
        }
        let ava = seq(&[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x0c, cn.as_bytes())]);
        seq(&[&tlv(0x31, &ava)])
    }

    fn spki(curve: &[u8]) -> Vec<u8> {
        let mut point = vec![0u8, 0x04];
        point.extend([9u8; 64]);
        seq(&[&seq(&[EC_KEY, curve]), &tlv(0x03, &point)])
    }

    fn ext(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
        let crit: &[u8] = if critical { CRITICAL } else { &[] };
        seq(&[oid, crit, &tlv(0x04, value)])
    }

    fn dns_san(host: &str) -> Vec<u8> {
        seq(&[&tlv(0x82, host.as_bytes())])
    }

    struct Cert {
        issuer: Vec<u8>,
        subject: Vec<u8>,
        key: Vec<u8>,
        exts: Vec<Vec<u8>>,
        inner_sig: &'static [u8],
        outer_sig: &'static [u8],
    }

    impl Default for Cert {
        fn default() -> Self {
            Cert {
                issuer: name("Issuer"),
                subject: name("leaf.test"),
                key: spki(P256),
                exts: vec![ext(SAN, false, &dns_san("leaf.test"))],
                inner_sig: ECDSA_SHA256,
                outer_sig: ECDSA_SHA256,
            }
        }
    }

    impl Cert {
        fn der(&self) -> Vec<u8> {
            let validity = seq(&[&tlv(0x17, b"250101000000Z"), &tlv(0x17, b"350101000000Z")]);
            let exts = tlv(
                0xa3,
                &seq(&self.exts.iter().map(Vec::as_slice).collect::<Vec<_>>()),
            );
            let tbs = seq(&[
                &tlv(0xa0, &[0x02, 0x01, 0x02]),
                &[0x02, 0x01, 0x07],
                &seq(&[self.inner_sig]),
                &self.issuer,
                &validity,
                &self.subject,
                &self.key,
                &exts,
            ]);
            seq(&[&tbs, &seq(&[self.outer_sig]), &tlv(0x03, &[0, 1, 2])])
        }
    }

    fn refused(c: Cert) -> JdkParseError {
        let der = c.der();
        let e = parse(&der, Jdk::V17).expect_err("JDK 17 refuses");
        assert_eq!(
            parse(&der, Jdk::V25).err(),
            Some(e.clone()),
            "JDK 25 agrees"
        );
        e
    }

    #[test]
    fn a_well_formed_certificate_parses_in_both_jdks() {
        let der = Cert::default().der();
        assert_eq!(parse(&der, Jdk::V17), Ok(()));
        assert_eq!(parse(&der, Jdk::V25), Ok(()));
    }

    #[test]
    fn an_empty_issuer_is_refused_by_x509_cert_info() {
        let e = refused(Cert {
            issuer: name(""),
            ..Cert::default()
        });
        assert_eq!(e.reason, "Empty issuer DN not allowed in X509Certificates");
        assert_eq!(e.rule, "X509CertInfo: empty issuer");
    }

    #[test]
    fn an_empty_subject_needs_a_critical_subject_alt_name() {
        let e = refused(Cert {
            subject: name(""),
            ..Cert::default()
        });
        assert!(e.reason.contains("MUST be marked critical"), "{e}");
        let ok = Cert {
            subject: name(""),
            exts: vec![ext(SAN, true, &dns_san("leaf.test"))],
            ..Cert::default()
        };
        assert_eq!(parse(&ok.der(), Jdk::V17), Ok(()));
        let e = refused(Cert {
            subject: name(""),
            exts: vec![ext(BC, false, &seq(&[]))],
            ..Cert::default()
        });
        assert!(e.reason.contains("extension is absent"), "{e}");
    }

    #[test]
    fn inner_and_outer_signature_algorithms_must_match() {
        let e = refused(Cert {
            outer_sig: SHA256_RSA,
            ..Cert::default()
        });
        assert_eq!(e.reason, "Signature algorithm mismatch");
    }

    #[test]
    fn an_ec_key_on_a_curve_the_jdk_does_not_know_is_refused() {
        let e = refused(Cert {
            key: spki(UNKNOWN_CURVE),
            ..Cert::default()
        });
        assert_eq!(e.reason, "Unknown named curve: 1.2.3.4");
    }

    #[test]
    fn duplicate_extensions_are_refused_but_an_unknown_critical_one_parses() {
        let bc = ext(BC, false, &seq(&[]));
        let e = refused(Cert {
            exts: vec![bc.clone(), bc],
            ..Cert::default()
        });
        assert_eq!(e.reason, "Duplicate extensions not allowed");
        let unknown = ext(&[0x06, 0x03, 0x2a, 0x03, 0x04], true, &[1, 2, 3]);
        let c = Cert {
            exts: vec![unknown],
            ..Cert::default()
        };
        assert_eq!(parse(&c.der(), Jdk::V17), Ok(()));
    }

    #[test]
    fn a_broken_extension_fails_only_when_critical() {
        let broken = tlv(0x02, &[1]);
        let lenient = Cert {
            exts: vec![ext(BC, false, &broken)],
            ..Cert::default()
        };
        assert_eq!(parse(&lenient.der(), Jdk::V17), Ok(()));
        let e = refused(Cert {
            exts: vec![ext(BC, true, &broken)],
            ..Cert::default()
        });
        assert_eq!(e.reason, "Invalid encoding of BasicConstraints");
    }

    #[test]
    fn jdk_25_requires_an_explicit_other_name_value_and_jdk_17_does_not() {
        let other = tlv(
            0xa0,
            &[&[0x06, 0x02, 0x2a, 0x03][..], &tlv(0x0c, b"x")].concat(),
        );
        let c = Cert {
            exts: vec![ext(SAN, true, &seq(&[&other]))],
            ..Cert::default()
        };
        assert_eq!(parse(&c.der(), Jdk::V17), Ok(()));
        let e = parse(&c.der(), Jdk::V25).expect_err("JDK 25 refuses");
        assert_eq!(e.rule, "OtherName");
    }

    #[test]
    fn each_jdk_17_update_gets_the_parser_of_its_update() {
        let at = |v: &str| Jdk::for_version(JavaVersion::parse(v));
        assert_eq!(at("17.0.15"), Jdk::V17u15);
        assert_eq!(at("17.0.9"), Jdk::V17u15);
        assert_eq!(at("17.0.16"), Jdk::V17u16);
        assert_eq!(at("17.0.19"), Jdk::V17u16);
        assert_eq!(at("17.0.20"), Jdk::V17);
        assert_eq!(at("17.0.21.1"), Jdk::V17);
        assert_eq!(at("21.0.4"), Jdk::V17);
        assert_eq!(at("25.0.3"), Jdk::V25);
        assert_eq!(Jdk::for_version(None), Jdk::V17);
        assert_eq!(Jdk::for_major(Some(17)), Jdk::V17);
        assert_eq!(Jdk::for_major(Some(26)), Jdk::V25);
        for (i, j) in Jdk::ALL.iter().enumerate() {
            assert_eq!(j.index(), i);
        }
    }

    /// Whether each of 17.0.15, 17.0.19 and 17.0.21 parses `c` (the JVM says: see the README).
    fn by_update(c: &Cert) -> [bool; 3] {
        let der = c.der();
        [Jdk::V17u15, Jdk::V17u16, Jdk::V17].map(|j| parse(&der, j).is_ok())
    }

    #[test]
    fn a_bmp_string_surrogate_pair_is_refused_from_17_0_16() {
        let ava = seq(&[
            &[0x06, 0x03, 0x55, 0x04, 0x03],
            &tlv(0x1e, &[0xd8, 0x3d, 0xde, 0x00]),
        ]);
        let c = Cert {
            issuer: seq(&[&tlv(0x31, &ava)]),
            ..Cert::default()
        };
        assert_eq!(by_update(&c), [true, false, false]);
        let e = parse(&c.der(), Jdk::V17u16).expect_err("refused");
        assert_eq!(e.reason, "Illegal character in BMPString, index: 0");
    }

    #[test]
    fn an_ml_dsa_key_with_parameters_is_refused_from_17_0_20() {
        let ml_dsa_65 = [
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12,
        ];
        let mut bits = vec![0u8];
        bits.extend([7u8; 32]);
        let c = Cert {
            key: seq(&[&seq(&[&ml_dsa_65, &[0x02, 0x01, 0x00]]), &tlv(0x03, &bits)]),
            ..Cert::default()
        };
        assert_eq!(by_update(&c), [true, true, false]);
        assert!(parse(&c.der(), Jdk::V25).is_err());
    }

    #[test]
    fn an_ipv4_mapped_subnet_needs_its_mask_from_17_0_20() {
        let mut ip = vec![0u8; 10];
        ip.extend([0xff, 0xff, 10, 0, 0, 0]);
        ip.extend([0u8; 16]);
        let c = Cert {
            exts: vec![ext(SAN, true, &seq(&[&tlv(0x87, &ip)]))],
            ..Cert::default()
        };
        assert_eq!(by_update(&c), [true, true, false]);
        assert!(parse(&c.der(), Jdk::V25).is_ok());
    }

    #[test]
    fn a_uri_host_label_over_63_characters_is_refused_from_17_0_20_with_its_own_message() {
        let uri = |host: &str| Cert {
            exts: vec![ext(
                SAN,
                true,
                &seq(&[&tlv(0x86, format!("http://{host}/").as_bytes())]),
            )],
            ..Cert::default()
        };
        let long = format!("{}.test", "a".repeat(64));
        assert_eq!(by_update(&uri(&long)), [true, true, false]);
        let trailing = uri("example.test.");
        assert_eq!(by_update(&trailing), [false, false, false]);
        let reason = |j| parse(&trailing.der(), j).expect_err("refused").reason;
        assert!(reason(Jdk::V17).contains("not a valid DNSName or IPv4 address"));
        assert!(reason(Jdk::V17u16).contains("not a valid DNSName, IPv4 address, or IPv6 address"));
    }

    #[test]
    fn constructed_octet_strings_nest_at_most_30_deep_from_17_0_20() {
        let ski = [0x06, 0x03, 0x55, 0x1d, 0x0e];
        let mut value = tlv(0x04, &[1, 2, 3]);
        for _ in 0..31 {
            value = tlv(0x24, &value);
        }
        let c = Cert {
            exts: vec![ext(&ski, true, &value)],
            ..Cert::default()
        };
        assert_eq!(by_update(&c), [true, true, false]);
        let e = parse(&c.der(), Jdk::V17).expect_err("refused");
        assert_eq!(e.reason, "Nested OctetString limit reached (30).");
    }
}
