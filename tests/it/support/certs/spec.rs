//! Certificates the oracle builds: a [`CertSpec`] says what one certificate holds (names, validity, each
//! extension, who signs it and how), and [`build`] turns a list of them into DER, issuers first. The specs
//! are plain data so that mutations can bend any field, including ones no healthy CA would write.

use std::sync::Arc;

use rand::rngs::StdRng;
use sha1::Digest as _;

pub mod der;
pub mod keys;

use der::{StrKind, boolean, integer_bytes, octets, oid, seq, set_of, time, tlv};
use keys::{Key, SigAlg, bit_string};

/// One attribute of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atv {
    /// Attribute type (dotted OID).
    pub oid: &'static str,
    /// How the value is encoded.
    pub kind: StrKind,
    /// The value.
    pub text: String,
}

/// The OID of commonName.
pub const CN: &str = "2.5.4.3";
/// The OID of organizationName.
pub const O: &str = "2.5.4.10";
/// The OID of organizationalUnitName.
pub const OU: &str = "2.5.4.11";
/// The OID of countryName.
pub const C: &str = "2.5.4.6";

/// A distinguished name: RDNs in order, each a set of attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name(pub Vec<Vec<Atv>>);

impl Name {
    /// `O=org, CN=cn` as two single-valued RDNs, both UTF8String.
    pub fn simple(org: &str, cn: &str) -> Name {
        Name(vec![
            vec![Atv {
                oid: O,
                kind: StrKind::Utf8,
                text: org.into(),
            }],
            vec![Atv {
                oid: CN,
                kind: StrKind::Utf8,
                text: cn.into(),
            }],
        ])
    }

    /// DER.
    pub fn der(&self) -> Vec<u8> {
        seq(&self
            .0
            .iter()
            .map(|rdn| {
                set_of(
                    &rdn.iter()
                        .map(|a| seq(&[oid(a.oid), a.kind.encode(&a.text)]))
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>())
    }

    /// The first CN attribute, mutable.
    pub fn cn_mut(&mut self) -> Option<&mut Atv> {
        self.0.iter_mut().flatten().find(|a| a.oid == CN)
    }

    /// Text form for case descriptions.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|a| {
                        let k = match a.oid {
                            CN => "CN",
                            O => "O",
                            OU => "OU",
                            C => "C",
                            o => o,
                        };
                        format!("{k}={}", a.text)
                    })
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// One GeneralName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenName {
    /// dNSName, written as raw bytes (a U-label makes it invalid IA5 on purpose).
    Dns(String),
    /// iPAddress: 4 or 16 bytes (8 or 32 in a name constraint: address and mask).
    Ip(Vec<u8>),
    /// rfc822Name.
    Email(String),
    /// uniformResourceIdentifier.
    Uri(String),
    /// directoryName.
    Dir(Name),
}

impl GenName {
    fn der(&self) -> Vec<u8> {
        match self {
            GenName::Dns(s) => tlv(0x82, s.as_bytes()),
            GenName::Ip(b) => tlv(0x87, b),
            GenName::Email(s) => tlv(0x81, s.as_bytes()),
            GenName::Uri(s) => tlv(0x86, s.as_bytes()),
            GenName::Dir(n) => tlv(0xa4, &n.der()),
        }
    }
}

/// The authority key identifier a certificate carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aki {
    /// None.
    Absent,
    /// The issuer's subject key identifier (the usual form).
    IssuerKeyId,
    /// These bytes as keyIdentifier.
    KeyId(Vec<u8>),
    /// authorityCertIssuer + authorityCertSerialNumber: the issuer's issuer name and the issuer's serial
    /// (`true`), or a wrong serial (`false`).
    IssuerSerial(bool),
}

/// The subject key identifier a certificate carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ski {
    /// None.
    Absent,
    /// SHA-1 of the public key bits (RFC 5280 §4.2.1.2 method 1).
    FromKey,
    /// These bytes.
    Bytes(Vec<u8>),
}

/// A certificate policy on a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Policy OID (`2.5.29.32.0` = anyPolicy).
    pub oid: String,
    /// With a CPS pointer qualifier.
    pub qualifier: bool,
}

/// What one certificate holds.
#[derive(Debug, Clone)]
pub struct CertSpec {
    /// Role in the case (`root`, `int1`, `leaf`, `cross`, …).
    pub label: String,
    /// The subject's key.
    pub key: Arc<Key>,
    /// Index of the issuing spec; `None` = self-signed.
    pub issuer: Option<usize>,
    /// Subject name.
    pub subject: Name,
    /// Issuer field, when not the issuer's subject written byte for byte.
    pub issuer_name: Option<Name>,
    /// 1 (no extensions) or 3.
    pub version: u8,
    /// Serial number (big-endian magnitude).
    pub serial: Vec<u8>,
    /// Validity start (Unix seconds).
    pub not_before: i64,
    /// Validity end (Unix seconds).
    pub not_after: i64,
    /// Write both times as GeneralizedTime.
    pub generalized_time: bool,
    /// The signature algorithm, when not the signer's default (`None`).
    pub sig: Option<SigAlg>,
    /// A different algorithm in `tbsCertificate.signature` than in the outer field.
    pub inner_sig: Option<SigAlg>,
    /// Signed by this key instead of the issuer's (names still say the issuer).
    pub signer_override: Option<Arc<Key>>,
    /// Flip a bit of the signature.
    pub corrupt_signature: bool,
    /// basicConstraints: (critical, cA, pathLenConstraint).
    pub bc: Option<(bool, bool, Option<u8>)>,
    /// keyUsage: (critical, bits; bit i = named bit i, 0 = digitalSignature … 8 = decipherOnly).
    pub ku: Option<(bool, u16)>,
    /// extendedKeyUsage: (critical, OIDs).
    pub eku: Option<(bool, Vec<&'static str>)>,
    /// subjectAltName: (critical, names).
    pub san: Option<(bool, Vec<GenName>)>,
    /// nameConstraints: (critical, permitted, excluded).
    pub nc: Option<(bool, Vec<GenName>, Vec<GenName>)>,
    /// Subject key identifier.
    pub ski: Ski,
    /// Authority key identifier.
    pub aki: Aki,
    /// certificatePolicies: (critical, policies).
    pub policies: Option<(bool, Vec<PolicyInfo>)>,
    /// policyConstraints: (requireExplicitPolicy, inhibitPolicyMapping).
    pub policy_constraints: Option<(Option<u32>, Option<u32>)>,
    /// inhibitAnyPolicy skip certs.
    pub inhibit_any: Option<u32>,
    /// policyMappings (issuerDomainPolicy, subjectDomainPolicy).
    pub policy_mappings: Option<Vec<(String, String)>>,
    /// Netscape certificate type bits (byte as encoded: 0x80 SSL client, 0x40 SSL server, 0x04 SSL CA).
    pub ns_cert_type: Option<u8>,
    /// An extension no one knows, with this criticality.
    pub unknown_ext: Option<bool>,
    /// One extension written twice.
    pub duplicate_ext: bool,
    /// An extension written as given (OID, critical, extnValue), in place of any the fields above make
    /// with that OID.
    pub raw_ext: Option<(&'static str, bool, Vec<u8>)>,
}

impl CertSpec {
    /// A v3 certificate with no extensions yet.
    pub fn new(
        label: &str,
        key: Arc<Key>,
        subject: Name,
        serial: Vec<u8>,
        nb: i64,
        na: i64,
    ) -> Self {
        CertSpec {
            label: label.into(),
            key,
            issuer: None,
            subject,
            issuer_name: None,
            version: 3,
            serial,
            not_before: nb,
            not_after: na,
            generalized_time: false,
            sig: None,
            inner_sig: None,
            signer_override: None,
            corrupt_signature: false,
            bc: None,
            ku: None,
            eku: None,
            san: None,
            nc: None,
            ski: Ski::FromKey,
            aki: Aki::IssuerKeyId,
            policies: None,
            policy_constraints: None,
            inhibit_any: None,
            policy_mappings: None,
            ns_cert_type: None,
            unknown_ext: None,
            duplicate_ext: false,
            raw_ext: None,
        }
    }

    /// The key that signs this certificate.
    pub fn signer<'a>(&'a self, specs: &'a [CertSpec]) -> &'a Arc<Key> {
        match (&self.signer_override, self.issuer) {
            (Some(k), _) => k,
            (None, Some(i)) => &specs[i].key,
            (None, None) => &self.key,
        }
    }

    /// The signature algorithm used for this certificate: the one chosen, moved to the signer's family
    /// when a later mutation changed the signer's key type.
    pub fn sig_alg(&self, specs: &[CertSpec]) -> SigAlg {
        let signer = self.signer(specs).ty;
        match self.sig {
            None => SigAlg::default_for(signer),
            Some(alg) => {
                let (hash, pss) = match alg {
                    SigAlg::RsaPkcs1(h) | SigAlg::Ecdsa(h) => (h, false),
                    SigAlg::RsaPss(h) => (h, true),
                    SigAlg::Ed25519 => {
                        return SigAlg::with_hash(signer, keys::Hash::Sha256, false);
                    }
                };
                SigAlg::with_hash(signer, hash, pss)
            }
        }
    }

    /// The subject key identifier value, if any.
    pub fn ski_value(&self) -> Option<Vec<u8>> {
        match &self.ski {
            Ski::Absent => None,
            Ski::FromKey => Some(key_id(&self.key)),
            Ski::Bytes(b) => Some(b.clone()),
        }
    }
}

/// SHA-1 of a key's public key bits.
pub fn key_id(key: &Key) -> Vec<u8> {
    sha1::Sha1::digest(key.public_key_bits()).to_vec()
}

/// keyUsage bits.
pub mod ku {
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub const NON_REPUDIATION: u16 = 1 << 1;
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    pub const KEY_AGREEMENT: u16 = 1 << 4;
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    pub const CRL_SIGN: u16 = 1 << 6;
}

/// Well-known OIDs.
pub mod oids {
    pub const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
    pub const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
    pub const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
    pub const ANY_EKU: &str = "2.5.29.37.0";
    pub const ANY_POLICY: &str = "2.5.29.32.0";
}

fn ext(id: &str, critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(boolean(true));
    }
    parts.push(octets(&value));
    seq(&parts)
}

/// A named-bit BIT STRING (bit i = named bit i), trailing zero bits dropped as DER requires.
fn named_bits(bits: u16) -> Vec<u8> {
    let mut bytes = vec![0u8; 2];
    for i in 0..16 {
        if bits & (1 << i) != 0 {
            bytes[i / 8] |= 0x80 >> (i % 8);
        }
    }
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    let unused = bytes.last().map_or(0, |b| b.trailing_zeros() as u8);
    let mut content = vec![unused];
    content.extend_from_slice(&bytes);
    tlv(0x03, &content)
}

fn general_names(names: &[GenName]) -> Vec<u8> {
    seq(&names.iter().map(GenName::der).collect::<Vec<_>>())
}

fn extensions(spec: &CertSpec, specs: &[CertSpec], issuer_subject: &Name) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Some((crit, ca, path_len)) = spec.bc {
        let mut parts = Vec::new();
        if ca {
            parts.push(boolean(true));
        }
        if let Some(n) = path_len {
            parts.push(integer_bytes(&[n]));
        }
        out.push(ext("2.5.29.19", crit, seq(&parts)));
    }
    if let Some((crit, bits)) = spec.ku {
        out.push(ext("2.5.29.15", crit, named_bits(bits)));
    }
    if let Some((crit, ekus)) = &spec.eku {
        out.push(ext(
            "2.5.29.37",
            *crit,
            seq(&ekus.iter().map(|o| oid(o)).collect::<Vec<_>>()),
        ));
    }
    if let Some((crit, names)) = &spec.san {
        out.push(ext("2.5.29.17", *crit, general_names(names)));
    }
    if let Some((crit, permitted, excluded)) = &spec.nc {
        let subtrees = |names: &[GenName]| -> Vec<u8> {
            names
                .iter()
                .map(|n| seq(&[n.der()]))
                .collect::<Vec<_>>()
                .concat()
        };
        let mut parts = Vec::new();
        if !permitted.is_empty() {
            parts.push(tlv(0xa0, &subtrees(permitted)));
        }
        if !excluded.is_empty() {
            parts.push(tlv(0xa1, &subtrees(excluded)));
        }
        out.push(ext("2.5.29.30", *crit, seq(&parts)));
    }
    if let Some(id) = spec.ski_value() {
        out.push(ext("2.5.29.14", false, octets(&id)));
    }
    let issuer = spec.issuer.map(|i| &specs[i]);
    let aki = match &spec.aki {
        Aki::Absent => None,
        Aki::IssuerKeyId => {
            let id = match issuer {
                Some(i) => i.ski_value().unwrap_or_else(|| key_id(&i.key)),
                None => spec.ski_value().unwrap_or_else(|| key_id(&spec.key)),
            };
            Some(seq(&[tlv(0x80, &id)]))
        }
        Aki::KeyId(b) => Some(seq(&[tlv(0x80, b)])),
        Aki::IssuerSerial(right) => {
            // The issuer's own issuer name and the issuer's serial number.
            let (issuers_issuer, serial) = match issuer {
                Some(i) => {
                    let name = i
                        .issuer_name
                        .clone()
                        .or_else(|| i.issuer.map(|j| specs[j].subject.clone()))
                        .unwrap_or_else(|| i.subject.clone());
                    (name, i.serial.clone())
                }
                None => (issuer_subject.clone(), spec.serial.clone()),
            };
            let serial = if *right {
                serial
            } else {
                let mut s = serial;
                s.push(0x5a);
                s
            };
            let int = integer_bytes(&serial);
            Some(seq(&[
                tlv(0xa1, &GenName::Dir(issuers_issuer).der()),
                tlv(0x82, &int[2..]),
            ]))
        }
    };
    if let Some(v) = aki {
        out.push(ext("2.5.29.35", false, v));
    }
    if let Some((crit, policies)) = &spec.policies {
        let infos: Vec<Vec<u8>> = policies
            .iter()
            .map(|p| {
                let mut parts = vec![oid(&p.oid)];
                if p.qualifier {
                    parts.push(seq(&[seq(&[
                        oid("1.3.6.1.5.5.7.2.1"),
                        tlv(0x16, b"http://cps.oracle.test/"),
                    ])]));
                }
                seq(&parts)
            })
            .collect();
        out.push(ext("2.5.29.32", *crit, seq(&infos)));
    }
    if let Some((require, inhibit)) = spec.policy_constraints {
        let mut parts = Vec::new();
        if let Some(n) = require {
            parts.push(tlv(0x80, &integer_bytes(&[n as u8])[2..]));
        }
        if let Some(n) = inhibit {
            parts.push(tlv(0x81, &integer_bytes(&[n as u8])[2..]));
        }
        out.push(ext("2.5.29.36", true, seq(&parts)));
    }
    if let Some(maps) = &spec.policy_mappings {
        let v = seq(&maps
            .iter()
            .map(|(a, b)| seq(&[oid(a), oid(b)]))
            .collect::<Vec<_>>());
        out.push(ext("2.5.29.33", true, v));
    }
    if let Some(n) = spec.inhibit_any {
        out.push(ext("2.5.29.54", true, integer_bytes(&[n as u8])));
    }
    if let Some(bits) = spec.ns_cert_type {
        let unused = bits.trailing_zeros().min(7) as u8;
        out.push(ext(
            "2.16.840.1.113730.1.1",
            false,
            tlv(0x03, &[unused, bits]),
        ));
    }
    if let Some(crit) = spec.unknown_ext {
        out.push(ext("1.3.6.1.4.1.55555.1.1", crit, tlv(0x0c, b"oracle")));
    }
    if let Some((id, crit, value)) = &spec.raw_ext {
        // An extension is SEQUENCE { OID, … }: its OID starts within the first four bytes.
        let o = oid(id);
        out.retain(|e| {
            e.windows(o.len())
                .position(|w| w == o.as_slice())
                .is_none_or(|at| at > 4)
        });
        out.push(ext(id, *crit, value.clone()));
    }
    if spec.duplicate_ext
        && let Some(first) = out.first().cloned()
    {
        out.push(first);
    }
    out
}

/// Builds every spec (issuers must come before what they issue); returns DER per spec.
pub fn build(specs: &[CertSpec], rng: &mut StdRng) -> Vec<Vec<u8>> {
    let mut ders: Vec<Vec<u8>> = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        if let Some(p) = spec.issuer {
            assert!(p < i, "{}: its issuer must be built first", spec.label);
        }
        let issuer_subject = spec.issuer.map_or(&spec.subject, |p| &specs[p].subject);
        let issuer_name = spec.issuer_name.as_ref().unwrap_or(issuer_subject);
        let signer = spec.signer(specs);
        let alg = spec.sig_alg(specs);
        let outer = alg.algorithm_identifier(signer.rsa_bits());
        let inner = spec.inner_sig.map_or_else(
            || outer.clone(),
            |a| a.algorithm_identifier(signer.rsa_bits()),
        );
        let mut tbs = Vec::new();
        if spec.version > 1 {
            tbs.push(tlv(0xa0, &integer_bytes(&[spec.version - 1])));
        }
        tbs.push(integer_bytes(&spec.serial));
        tbs.push(inner);
        tbs.push(issuer_name.der());
        tbs.push(seq(&[
            time(spec.not_before, spec.generalized_time),
            time(spec.not_after, spec.generalized_time),
        ]));
        tbs.push(spec.subject.der());
        tbs.push(spec.key.spki.clone());
        if spec.version >= 3 {
            let exts = extensions(spec, specs, issuer_name);
            if !exts.is_empty() {
                tbs.push(tlv(0xa3, &seq(&exts)));
            }
        }
        let tbs = seq(&tbs);
        let mut sig = signer.sign(alg, &tbs, rng);
        if spec.corrupt_signature {
            let n = sig.len();
            sig[n / 2] ^= 0x10;
        }
        ders.push(seq(&[tbs, outer, bit_string(&sig)]));
    }
    ders
}
