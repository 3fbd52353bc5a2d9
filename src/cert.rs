//! One X.509 certificate as trustpath handles it: the DER bytes exactly as they were found (served,
//! stored or read from a file), and a summary parsed from them on first use.
//!
//! The DER is never re-encoded, so a certificate read from a keystore and written back is byte-identical,
//! and its SHA-256 fingerprint is the one keytool and openssl print.

pub mod jdk;

use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// The largest certificate trustpath accepts (real certificates are a few KiB; 64 KiB bounds hostile input).
pub const MAX_CERT_LEN: usize = 64 * 1024;

/// A parsed-on-demand X.509 certificate. Cloning is cheap (the bytes and the parse results are shared).
///
/// The bytes may be a slice of a larger shared buffer (a keystore file read whole): the certificates of a
/// 10,000-entry store then cost no copy of their DER, and a cache not yet needed costs one word.
#[derive(Clone)]
pub struct Certificate {
    der: Bytes,
    cache: Arc<OnceLock<Box<Cache>>>,
}

/// What is computed from the DER once and shared by every clone.
///
/// It is made on first use and each outcome is boxed, so that a store of 10,000 certificates read only to
/// be rewritten (an import) does not allocate and touch megabytes of summaries it never computes.
#[derive(Default)]
struct Cache {
    /// The summary, or why the bytes do not parse (a failure is cached as a failure).
    info: OnceLock<Box<Result<CertInfo, CertError>>>,
    /// The stand-in [`Certificate::info`] returns for bytes that do not parse.
    placeholder: OnceLock<Box<CertInfo>>,
    /// The JDK parser model's outcome, per modelled JDK ([`jdk::Jdk::index`]).
    jdk: [OnceLock<Box<Result<jdk::JdkView, jdk::JdkParseError>>>; jdk::Jdk::ALL.len()],
}

/// Why bytes are not a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The input was empty.
    #[error("empty certificate")]
    Empty,
    /// Larger than [`MAX_CERT_LEN`].
    #[error("certificate of {0} bytes is larger than the {MAX_CERT_LEN}-byte limit")]
    TooLarge(usize),
    /// Not a DER X.509 certificate.
    #[error("not an X.509 certificate: {0}")]
    Parse(String),
    /// DER certificate followed by other bytes.
    #[error("{0} unexpected bytes after the certificate")]
    Trailing(usize),
}

/// What trustpath reads out of a certificate for reports, store listings and chain building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject distinguished name, RFC 4514 style (`CN=…, O=…`).
    pub subject: String,
    /// Issuer distinguished name, RFC 4514 style.
    pub issuer: String,
    /// Raw DER of the subject name (for exact issuer/subject matching).
    pub subject_raw: Vec<u8>,
    /// Raw DER of the issuer name.
    pub issuer_raw: Vec<u8>,
    /// The subject's common name, when there is one.
    pub common_name: Option<String>,
    /// Serial number, lower-case hex.
    pub serial_hex: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
    /// X.509 version as written (1, 2 or 3).
    pub version: u32,
    /// basicConstraints cA flag (false when the extension is absent).
    pub is_ca: bool,
    /// basicConstraints pathLenConstraint.
    pub path_len: Option<u32>,
    /// Whether a basicConstraints extension is present at all.
    pub has_basic_constraints: bool,
    /// keyUsage bits, when the extension is present (bit 0 = digitalSignature … bit 8 = decipherOnly).
    pub key_usage: Option<u16>,
    /// extendedKeyUsage OIDs in dotted form, when the extension is present.
    pub extended_key_usage: Option<Vec<String>>,
    /// DNS subjectAltNames.
    pub dns_names: Vec<String>,
    /// IP subjectAltNames, as text (`10.0.0.1`, `::1`).
    pub ip_addresses: Vec<String>,
    /// subjectKeyIdentifier, hex.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, hex.
    pub authority_key_id: Option<String>,
    /// caIssuers URLs from the authorityInfoAccess extension.
    pub ca_issuers_urls: Vec<String>,
    /// OCSP responder URLs from the authorityInfoAccess extension.
    pub ocsp_urls: Vec<String>,
    /// The public key, as algorithm and size.
    pub key: KeyInfo,
    /// The signature algorithm the issuer used, in Java's naming (`SHA256withRSA`).
    pub signature_algorithm: String,
    /// Dotted OID of the signature algorithm.
    pub signature_algorithm_oid: String,
    /// Whether subject and issuer names are identical.
    pub self_issued: bool,
}

/// A public key's algorithm and strength.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyInfo {
    /// RSA with its modulus size in bits.
    Rsa { bits: u32 },
    /// Elliptic curve with its named curve (`P-256`, `P-384`, `P-521`, or an OID).
    Ec { curve: String, bits: u32 },
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// DSA with its prime size in bits (0 when unknown).
    Dsa { bits: u32 },
    /// Anything else, by OID.
    Other { oid: String },
}

impl fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyInfo::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyInfo::Ec { curve, .. } => write!(f, "EC {curve}"),
            KeyInfo::Ed25519 => f.write_str("Ed25519"),
            KeyInfo::Ed448 => f.write_str("Ed448"),
            KeyInfo::Dsa { bits } => write!(f, "DSA {bits}"),
            KeyInfo::Other { oid } => write!(f, "key {oid}"),
        }
    }
}

impl Certificate {
    /// Takes DER bytes that must hold exactly one parseable X.509 certificate.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, CertError> {
        let der: Vec<u8> = der.into();
        if der.is_empty() {
            return Err(CertError::Empty);
        }
        if der.len() > MAX_CERT_LEN {
            return Err(CertError::TooLarge(der.len()));
        }
        let info = {
            let (rest, parsed) =
                X509Certificate::from_der(&der).map_err(|e| CertError::Parse(e.to_string()))?;
            if !rest.is_empty() {
                return Err(CertError::Trailing(rest.len()));
            }
            CertInfo::from_parsed(&parsed)
        };
        let cache = Cache::default();
        let _ = cache.info.set(Box::new(Ok(info)));
        Ok(Certificate {
            der: der.into(),
            cache: Arc::new(OnceLock::from(Box::new(cache))),
        })
    }

    /// Takes DER bytes without parsing them now. Used by keystore codecs so that listing the fingerprints of
    /// a 10,000-entry store does not parse 10,000 certificates; [`Certificate::info`] parses on first use
    /// and [`Certificate::try_info`] reports a parse failure. A [`Bytes`] slice of a larger buffer is kept
    /// as it is (no copy).
    pub fn from_der_lazy(der: impl Into<Bytes>) -> Self {
        Certificate {
            der: der.into(),
            cache: Arc::default(),
        }
    }

    /// The cache, made on first use.
    fn cache(&self) -> &Cache {
        self.cache.get_or_init(Box::default)
    }

    /// The certificate exactly as it was found.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the DER.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.der).into()
    }

    /// SHA-256 as lower-case hex without separators (the JSON form).
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256())
    }

    /// SHA-256 as upper-case colon-separated hex (the form keytool and openssl print).
    pub fn sha256_colons(&self) -> String {
        colon_hex(&self.sha256())
    }

    /// The parsed summary, or why the bytes do not parse. Either outcome is computed once: a certificate
    /// that does not parse keeps failing, whatever was asked of it before.
    pub fn try_info(&self) -> Result<&CertInfo, CertError> {
        self.cache()
            .info
            .get_or_init(|| {
                Box::new(
                    X509Certificate::from_der(&self.der)
                        .map(|(_, parsed)| CertInfo::from_parsed(&parsed))
                        .map_err(|e| CertError::Parse(e.to_string())),
                )
            })
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The parsed summary. A certificate that does not parse (only possible for one made with
    /// [`Certificate::from_der_lazy`]) yields a placeholder summary naming the parse error;
    /// [`Certificate::try_info`] still reports the error afterwards.
    pub fn info(&self) -> &CertInfo {
        match self.try_info() {
            Ok(info) => info,
            Err(e) => self
                .cache()
                .placeholder
                .get_or_init(|| Box::new(CertInfo::unparseable(&e))),
        }
    }

    /// Whether the JDK's X.509 parser (`CertificateFactory.getInstance("X.509").generateCertificate`)
    /// accepts these bytes, as modelled by [`jdk::parse`]; computed once per JDK and shared by clones.
    /// A certificate it refuses fails a TLS handshake when served and fails the whole keystore it is
    /// stored in when the JVM loads it.
    pub fn jdk_parse(&self, jdk: jdk::Jdk) -> Result<(), &jdk::JdkParseError> {
        self.jdk_view(jdk).map(|_| ())
    }

    /// [`Certificate::jdk_parse`] with what the JDK makes of a certificate it accepts (the non-critical
    /// extensions it sets aside, see [`jdk::JdkView`]).
    pub fn jdk_view(&self, jdk: jdk::Jdk) -> Result<&jdk::JdkView, &jdk::JdkParseError> {
        self.cache().jdk[jdk.index()]
            .get_or_init(|| Box::new(jdk::parse_view(&self.der, jdk)))
            .as_ref()
            .as_ref()
    }

    /// Which modelled JDKs (the newest update of each feature release, [`jdk::Jdk::LATEST`]: older
    /// updates refuse less) refuse to parse this certificate, with the first refusal's reason; `None`
    /// when every one accepts it. The guard against writing a certificate into a keystore or a fix file
    /// that a JVM would choke on.
    pub fn jdk_refusal(&self) -> Option<JdkRefusal> {
        let mut jdks = Vec::new();
        let mut first = None;
        for j in jdk::Jdk::LATEST {
            if let Err(e) = self.jdk_parse(j) {
                jdks.push(j);
                first.get_or_insert_with(|| e.clone());
            }
        }
        first.map(|error| JdkRefusal { jdks, error })
    }

    /// Parses the certificate with x509-parser for checks that need more than [`CertInfo`].
    pub fn parsed(&self) -> Result<X509Certificate<'_>, CertError> {
        X509Certificate::from_der(&self.der)
            .map(|(_, c)| c)
            .map_err(|e| CertError::Parse(e.to_string()))
    }

    /// PEM encoding (`-----BEGIN CERTIFICATE-----`, 64-column base64, trailing newline).
    pub fn to_pem(&self) -> String {
        crate::pem::encode("CERTIFICATE", &self.der)
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl std::hash::Hash for Certificate {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.der.hash(state);
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.try_info() {
            Ok(info) => write!(f, "Certificate({:?})", info.subject),
            Err(_) => write!(f, "Certificate(<unparseable {} bytes>)", self.der.len()),
        }
    }
}

/// The JDKs that cannot parse a certificate, and why (see [`Certificate::jdk_refusal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JdkRefusal {
    /// The modelled JDKs that refuse it.
    pub jdks: Vec<jdk::Jdk>,
    /// The first one's reason.
    pub error: jdk::JdkParseError,
}

impl fmt::Display for JdkRefusal {
    /// `JDK 17 and 25: REASON (JDK: RULE)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let majors: Vec<String> = self.jdks.iter().map(|j| j.major().to_string()).collect();
        write!(
            f,
            "JDK {}: {} (JDK: {})",
            majors.join(" and "),
            self.error.reason,
            self.error.rule
        )
    }
}

/// Upper-case hex with colons between bytes.
pub fn colon_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

impl CertInfo {
    fn unparseable(e: &CertError) -> CertInfo {
        CertInfo {
            subject: format!("<{e}>"),
            ..CertInfo::blank()
        }
    }

    /// Nothing read: empty names, no extension, an unknown key.
    fn blank() -> CertInfo {
        CertInfo {
            subject: String::new(),
            issuer: String::new(),
            subject_raw: Vec::new(),
            issuer_raw: Vec::new(),
            common_name: None,
            serial_hex: String::new(),
            not_before: 0,
            not_after: 0,
            version: 0,
            is_ca: false,
            path_len: None,
            has_basic_constraints: false,
            key_usage: None,
            extended_key_usage: None,
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            subject_key_id: None,
            authority_key_id: None,
            ca_issuers_urls: Vec::new(),
            ocsp_urls: Vec::new(),
            key: KeyInfo::Other { oid: String::new() },
            signature_algorithm: String::new(),
            signature_algorithm_oid: String::new(),
            self_issued: false,
        }
    }

    fn from_parsed(c: &X509Certificate<'_>) -> CertInfo {
        let tbs = &c.tbs_certificate;
        let subject = java_dn(&tbs.subject);
        // A root's issuer is its subject, byte for byte: the name is formatted once.
        let issuer = if tbs.issuer.as_raw() == tbs.subject.as_raw() {
            subject.clone()
        } else {
            java_dn(&tbs.issuer)
        };
        let mut info = CertInfo {
            subject,
            issuer,
            subject_raw: tbs.subject.as_raw().to_vec(),
            issuer_raw: tbs.issuer.as_raw().to_vec(),
            common_name: tbs
                .subject
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok())
                .map(str::to_owned),
            serial_hex: hex::encode(tbs.raw_serial()),
            not_before: tbs.validity.not_before.timestamp(),
            not_after: tbs.validity.not_after.timestamp(),
            version: tbs.version.0 + 1,
            key: key_info(&tbs.subject_pki),
            signature_algorithm: java_signature_name(c),
            signature_algorithm_oid: oid_text(&c.signature_algorithm.algorithm),
            self_issued: tbs.subject.as_raw() == tbs.issuer.as_raw(),
            // The extensions are read below.
            ..CertInfo::blank()
        };
        for ext in tbs.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(bc) => {
                    info.has_basic_constraints = true;
                    info.is_ca = bc.ca;
                    info.path_len = bc.path_len_constraint;
                }
                ParsedExtension::KeyUsage(ku) => info.key_usage = Some(ku.flags),
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    let mut oids = Vec::new();
                    if eku.any {
                        oids.push("2.5.29.37.0".to_owned());
                    }
                    if eku.server_auth {
                        oids.push("1.3.6.1.5.5.7.3.1".to_owned());
                    }
                    if eku.client_auth {
                        oids.push("1.3.6.1.5.5.7.3.2".to_owned());
                    }
                    if eku.code_signing {
                        oids.push("1.3.6.1.5.5.7.3.3".to_owned());
                    }
                    if eku.email_protection {
                        oids.push("1.3.6.1.5.5.7.3.4".to_owned());
                    }
                    if eku.time_stamping {
                        oids.push("1.3.6.1.5.5.7.3.8".to_owned());
                    }
                    if eku.ocsp_signing {
                        oids.push("1.3.6.1.5.5.7.3.9".to_owned());
                    }
                    oids.extend(eku.other.iter().map(oid_text));
                    info.extended_key_usage = Some(oids);
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    for name in &san.general_names {
                        match name {
                            GeneralName::DNSName(d) => info.dns_names.push((*d).to_owned()),
                            GeneralName::IPAddress(ip) => {
                                if let Some(text) = ip_text(ip) {
                                    info.ip_addresses.push(text);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                ParsedExtension::SubjectKeyIdentifier(ski) => {
                    info.subject_key_id = Some(hex::encode(ski.0));
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    info.authority_key_id = aki.key_identifier.as_ref().map(|k| hex::encode(k.0));
                }
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for desc in &aia.accessdescs {
                        if let GeneralName::URI(uri) = desc.access_location {
                            let oid = oid_text(&desc.access_method);
                            if oid == "1.3.6.1.5.5.7.48.2" {
                                info.ca_issuers_urls.push(uri.to_owned());
                            } else if oid == "1.3.6.1.5.5.7.48.1" {
                                info.ocsp_urls.push(uri.to_owned());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// A one-line description of the key (`RSA 2048`, `EC P-256`).
    pub fn key_description(&self) -> String {
        self.key.to_string()
    }
}

/// A DER-encoded distinguished name (an RFC 5280 `Name`, as a TLS CertificateRequest lists acceptable
/// issuers) as the JDK prints it; `None` when it does not parse.
pub fn dn_text(der: &[u8]) -> Option<String> {
    use x509_parser::prelude::FromDer;
    X509Name::from_der(der).ok().map(|(_, name)| java_dn(&name))
}

/// An OID's dotted text. Content octets in which every arc is complete and minimal print the same with
/// the JDK model's renderer, which is several times quicker than asn1-rs's (this runs for every name
/// attribute and algorithm of every certificate of a store); anything else keeps asn1-rs's rendering.
fn oid_text(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    let bytes = oid.as_bytes();
    let minimal = bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != 0x80 || (i > 0 && bytes[i - 1] & 0x80 != 0));
    match bytes.last() {
        Some(&last) if last & 0x80 == 0 && minimal => jdk::oid_dotted(bytes),
        _ => oid.to_id_string(),
    }
}

/// A distinguished name as the JDK prints it (`X500Principal.toString()`): most specific RDN first
/// (`CN=…, O=…, C=…`), which is the reverse of the encoded order.
fn java_dn(name: &X509Name<'_>) -> String {
    let registry = x509_parser::objects::oid_registry();
    let mut parts = Vec::new();
    for rdn in name.iter().collect::<Vec<_>>().into_iter().rev() {
        let mut attrs = Vec::new();
        for attr in rdn.iter() {
            let key = match oid_text(attr.attr_type()).as_str() {
                "2.5.4.3" => "CN".to_owned(),
                "2.5.4.11" => "OU".to_owned(),
                "2.5.4.10" => "O".to_owned(),
                "2.5.4.7" => "L".to_owned(),
                "2.5.4.8" => "ST".to_owned(),
                "2.5.4.6" => "C".to_owned(),
                "2.5.4.9" => "STREET".to_owned(),
                "0.9.2342.19200300.100.1.25" => "DC".to_owned(),
                "0.9.2342.19200300.100.1.1" => "UID".to_owned(),
                "1.2.840.113549.1.9.1" => "EMAILADDRESS".to_owned(),
                "2.5.4.5" => "SERIALNUMBER".to_owned(),
                other => x509_parser::objects::oid2abbrev(attr.attr_type(), registry)
                    .map(str::to_owned)
                    .unwrap_or_else(|_| other.to_owned()),
            };
            let value = attr
                .as_str()
                .map(|v| {
                    if v.contains([',', '+', '"', '\\', '<', '>', ';']) {
                        format!("\"{}\"", v.replace('"', "\\\""))
                    } else {
                        v.to_owned()
                    }
                })
                .unwrap_or_else(|_| format!("#{}", hex::encode(attr.attr_value().data)));
            attrs.push(format!("{key}={value}"));
        }
        parts.push(attrs.join(" + "));
    }
    parts.join(", ")
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => {
            let a: [u8; 4] = bytes.try_into().ok()?;
            Some(std::net::Ipv4Addr::from(a).to_string())
        }
        16 => {
            let a: [u8; 16] = bytes.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// The dotted OID of an EC key's named curve (its algorithm's parameters), empty when they name none.
pub(crate) fn named_curve_oid(spki: &SubjectPublicKeyInfo<'_>) -> String {
    spki.algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| oid_text(&o))
        .unwrap_or_default()
}

fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    use x509_parser::public_key::PublicKey;
    let oid = oid_text(&spki.algorithm.algorithm);
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyInfo::Rsa {
            bits: rsa.key_size() as u32,
        },
        Ok(PublicKey::EC(point)) => {
            let curve_oid = named_curve_oid(spki);
            let (curve, bits) = match curve_oid.as_str() {
                "1.2.840.10045.3.1.7" => ("P-256".to_owned(), 256),
                "1.3.132.0.34" => ("P-384".to_owned(), 384),
                "1.3.132.0.35" => ("P-521".to_owned(), 521),
                other => (other.to_owned(), point.key_size() as u32),
            };
            KeyInfo::Ec { curve, bits }
        }
        Ok(PublicKey::DSA(p)) => KeyInfo::Dsa {
            bits: (p.len() * 8) as u32,
        },
        _ => match oid.as_str() {
            "1.3.101.112" => KeyInfo::Ed25519,
            "1.3.101.113" => KeyInfo::Ed448,
            "1.2.840.10040.4.1" => KeyInfo::Dsa { bits: 0 },
            _ => KeyInfo::Other { oid },
        },
    }
}

/// The signature algorithm in the JDK's naming, which is also what `jdk.certpath.disabledAlgorithms` matches.
fn java_signature_name(c: &X509Certificate<'_>) -> String {
    let oid = oid_text(&c.signature_algorithm.algorithm);
    let name = match oid.as_str() {
        "1.2.840.113549.1.1.2" => "MD2withRSA",
        "1.2.840.113549.1.1.4" => "MD5withRSA",
        "1.2.840.113549.1.1.5" => "SHA1withRSA",
        "1.2.840.113549.1.1.14" => "SHA224withRSA",
        "1.2.840.113549.1.1.11" => "SHA256withRSA",
        "1.2.840.113549.1.1.12" => "SHA384withRSA",
        "1.2.840.113549.1.1.13" => "SHA512withRSA",
        "1.2.840.113549.1.1.15" => "SHA512/224withRSA",
        "1.2.840.113549.1.1.16" => "SHA512/256withRSA",
        "1.3.14.3.2.29" => "SHA1withRSA",
        "2.16.840.1.101.3.4.3.13" => "SHA3-224withRSA",
        "2.16.840.1.101.3.4.3.14" => "SHA3-256withRSA",
        "2.16.840.1.101.3.4.3.15" => "SHA3-384withRSA",
        "2.16.840.1.101.3.4.3.16" => "SHA3-512withRSA",
        "2.16.840.1.101.3.4.3.9" => "SHA3-224withECDSA",
        "2.16.840.1.101.3.4.3.10" => "SHA3-256withECDSA",
        "2.16.840.1.101.3.4.3.11" => "SHA3-384withECDSA",
        "2.16.840.1.101.3.4.3.12" => "SHA3-512withECDSA",
        "1.3.14.3.2.27" => "SHA1withDSA",
        "2.16.840.1.101.3.4.3.1" => "SHA224withDSA",
        "2.16.840.1.101.3.4.3.3" => "SHA384withDSA",
        "2.16.840.1.101.3.4.3.4" => "SHA512withDSA",
        "2.16.840.1.101.3.4.3.5" => "SHA3-224withDSA",
        "2.16.840.1.101.3.4.3.6" => "SHA3-256withDSA",
        "2.16.840.1.101.3.4.3.7" => "SHA3-384withDSA",
        "2.16.840.1.101.3.4.3.8" => "SHA3-512withDSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "SHA1withECDSA",
        "1.2.840.10045.4.3.1" => "SHA224withECDSA",
        "1.2.840.10045.4.3.2" => "SHA256withECDSA",
        "1.2.840.10045.4.3.3" => "SHA384withECDSA",
        "1.2.840.10045.4.3.4" => "SHA512withECDSA",
        "1.2.840.10040.4.3" => "SHA1withDSA",
        "2.16.840.1.101.3.4.3.2" => "SHA256withDSA",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => return oid,
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_text_prints_ordinary_oids_as_asn1_rs_does_and_the_rest_as_the_jdk_does() {
        use x509_parser::der_parser::oid::Oid;
        let cases: [&[u8]; 5] = [
            &[0x55, 0x04, 0x03],
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
            &[0x2a, 0x80, 0x01],
            &[0x2a, 0x86],
        ];
        for bytes in cases {
            let oid = Oid::new(bytes.into());
            assert_eq!(oid_text(&oid), oid.to_id_string(), "{bytes:02x?}");
        }
        let jdk = |bytes: &[u8]| oid_text(&Oid::new(bytes.to_vec().into()));
        // A first subidentifier over 127 (arc 2.999): asn1-rs splits it wrongly ("3.16.55.3"); the JDK
        // and X.690 read 2.999.
        assert_eq!(jdk(&[0x88, 0x37, 0x03]), "2.999.3");
        // Arcs of 64 bits and more: asn1-rs falls back to hex; the JDK prints them in decimal.
        let max = [
            0x2a, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ];
        assert_eq!(jdk(&max), format!("1.2.{}", u64::MAX));
        let over = [
            0x2a, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
        ];
        assert_eq!(jdk(&over), "1.2.18446744073709551616");
    }

    #[test]
    fn a_certificate_that_does_not_parse_keeps_failing_after_its_placeholder_was_shown() {
        let c = Certificate::from_der_lazy(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let clone = c.clone();
        assert!(c.info().subject.starts_with('<'), "a placeholder summary");
        let e = c.try_info().expect_err("still unparseable after info()");
        assert!(matches!(e, CertError::Parse(_)), "{e}");
        assert!(clone.try_info().is_err(), "clones share the outcome");
    }

    #[test]
    fn the_jdk_model_outcome_is_cached_per_jdk() {
        let c = Certificate::from_der_lazy(vec![0x31, 0x00]);
        let e = c.jdk_parse(jdk::Jdk::V17).expect_err("not a certificate");
        assert!(std::ptr::eq(
            e,
            c.jdk_parse(jdk::Jdk::V17).expect_err("same")
        ));
        assert!(c.jdk_parse(jdk::Jdk::V25).is_err());
    }
}
