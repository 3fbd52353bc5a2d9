//! The truststore model and its codecs: bytes (and a password) in, a [`TrustStore`] out, and back.
//!
//! Codecs never open paths or prompt; the file layer (`crate::storefile`) does I/O, locking and atomic
//! writes. The format is always detected from content ([`detect`]), never from a file name.

mod cursor;
pub mod edit;
pub mod jceks;
pub mod jks;
pub mod jvm_load;
pub mod keyprotect;
pub mod pem_bundle;
pub mod pkcs12;
mod serialization;

use std::fmt;

use bytes::Bytes;

use crate::cert::Certificate;

/// Most entries a keystore may declare (the JDK's cacerts has ~150; 100,000 bounds hostile input).
pub const MAX_ENTRIES: usize = 100_000;
/// Largest private-key or secret-key blob accepted.
pub const MAX_KEY_LEN: usize = 64 * 1024;
/// Longest certificate chain accepted in one private-key entry.
pub const MAX_CHAIN_LEN: usize = 64;
/// Longest alias accepted (in bytes of its encoding).
pub const MAX_ALIAS_LEN: usize = 4096;

/// The message the JDK gives for a failed integrity check, which admins search for.
pub const WRONG_PASSWORD: &str = "keystore was tampered with, or password was incorrect";

/// The on-disk form of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum StoreFormat {
    /// Sun JKS (magic `FEEDFEED`).
    Jks,
    /// SunJCE JCEKS (magic `CECECECE`).
    Jceks,
    /// PKCS#12, protected or password-less.
    Pkcs12,
    /// One or more PEM blocks.
    Pem,
    /// One DER certificate.
    Der,
    /// A directory of PEM/DER certificate files (as `/etc/ssl/certs`).
    Directory,
}

impl StoreFormat {
    /// Lower-case name, as shown in listings and accepted by `--to`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for StoreFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a PKCS#12 file is protected; kept on read so that a rewrite keeps the same scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs12Protection {
    /// No MAC and certificate bags in clear: the JDK 18+ `cacerts` form, loadable without a password.
    PasswordLess,
    /// Certificate bags in clear, with a MAC under the store password: loadable by a JVM with or without
    /// `trustStorePassword` (with one, its integrity is checked).
    ClearCertsWithMac(Pkcs12Mac),
    /// Certificate bags encrypted and a MAC (keytool's default for a store made with `-storepass`).
    Encrypted {
        /// How certificate bags are encrypted.
        cert_encryption: Pkcs12Cipher,
        /// The MAC.
        mac: Pkcs12Mac,
    },
}

/// A PKCS#12 MAC scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkcs12Mac {
    /// Digest: `SHA-1`, `SHA-256`, …
    pub digest: String,
    /// Iteration count.
    pub iterations: u32,
}

/// A PKCS#12 bag encryption scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs12Cipher {
    /// PBES2 with AES-256-CBC and PBKDF2-HmacSHA256 (keytool 12+ default).
    Pbes2Aes256 {
        /// PBKDF2 iteration count.
        iterations: u32,
    },
    /// PBEWithSHA1AndRC2_40 (keytool 8 default for certificates).
    Rc2_40 {
        /// Iteration count.
        iterations: u32,
    },
    /// PBEWithSHA1AndDESede (keytool 8 default for keys).
    TripleDes {
        /// Iteration count.
        iterations: u32,
    },
}

/// A whole keystore or certificate collection, in entry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustStore {
    /// Where it came from.
    pub format: StoreFormat,
    /// Entries in file order.
    pub entries: Vec<Entry>,
    /// PKCS#12 only: the protection read, to be kept on rewrite.
    pub pkcs12_protection: Option<Pkcs12Protection>,
}

/// One alias of a keystore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The alias. keytool folds JKS aliases to lower case; trustpath keeps what the file holds.
    pub alias: String,
    /// Creation time in milliseconds since the epoch, where the format records one (JKS, JCEKS).
    pub created_ms: Option<i64>,
    /// What the alias holds.
    pub body: EntryBody,
}

/// The three kinds of keystore entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryBody {
    /// A trusted certificate: a trust anchor for the JVM.
    TrustedCert(Certificate),
    /// A private key with its certificate chain (leaf first).
    PrivateKey(PrivateKeyEntry),
    /// A symmetric key (JCEKS, PKCS#12), preserved opaquely.
    SecretKey(OpaqueKey),
}

/// The kind of an entry, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum EntryKind {
    /// trustedCertEntry.
    TrustedCert,
    /// PrivateKeyEntry.
    PrivateKey,
    /// SecretKeyEntry.
    SecretKey,
}

impl EntryKind {
    /// The kebab-case name used in listings and JSON.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// A private key and its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateKeyEntry {
    /// The key as the source format holds it.
    pub key: KeyMaterial,
    /// The certificate chain, leaf first.
    pub chain: Vec<Certificate>,
    /// PKCS#12 only: the localKeyId attribute tying key and certificate bags, kept on rewrite.
    pub local_key_id: Option<Vec<u8>>,
}

/// A private key, in whichever form its source gave it.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// A JKS/JCEKS-protected key: the DER `EncryptedPrivateKeyInfo` exactly as stored (JKS uses Sun's
    /// proprietary key protector, OID 1.3.6.1.4.1.42.2.17.1.1; JCEKS uses PBEWithMD5AndTripleDES,
    /// 1.3.6.1.4.1.42.2.19.1). Written back byte-for-byte.
    JavaProtected(Vec<u8>),
    /// A plain PKCS#8 `PrivateKeyInfo` (decrypted from PKCS#12, or freshly generated).
    Pkcs8(Vec<u8>),
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyMaterial::JavaProtected(b) => write!(f, "JavaProtected({} bytes)", b.len()),
            KeyMaterial::Pkcs8(b) => write!(f, "Pkcs8({} bytes, redacted)", b.len()),
        }
    }
}

/// A key that trustpath does not interpret, kept byte-for-byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpaqueKey {
    /// The format-specific bytes (JCEKS: the serialized `javax.crypto.SealedObject`).
    pub blob: Vec<u8>,
    /// Human-readable algorithm, when known (`AES`).
    pub algorithm: Option<String>,
}

impl Entry {
    /// A trusted-certificate entry.
    pub fn trusted(alias: impl Into<String>, cert: Certificate, created_ms: Option<i64>) -> Entry {
        Entry {
            alias: alias.into(),
            created_ms,
            body: EntryBody::TrustedCert(cert),
        }
    }

    /// The entry's kind.
    pub fn kind(&self) -> EntryKind {
        match self.body {
            EntryBody::TrustedCert(_) => EntryKind::TrustedCert,
            EntryBody::PrivateKey(_) => EntryKind::PrivateKey,
            EntryBody::SecretKey(_) => EntryKind::SecretKey,
        }
    }

    /// The certificate that identifies the entry: the trusted certificate, or a key's leaf.
    pub fn certificate(&self) -> Option<&Certificate> {
        match &self.body {
            EntryBody::TrustedCert(c) => Some(c),
            EntryBody::PrivateKey(k) => k.chain.first(),
            EntryBody::SecretKey(_) => None,
        }
    }
}

impl TrustStore {
    /// An empty store of the given format.
    pub fn new(format: StoreFormat) -> TrustStore {
        TrustStore {
            format,
            entries: Vec::new(),
            pkcs12_protection: None,
        }
    }

    /// The certificates of trusted-certificate entries, with their aliases: the JVM's trust anchors.
    pub fn anchors(&self) -> impl Iterator<Item = (&str, &Certificate)> {
        self.entries.iter().filter_map(|e| match &e.body {
            EntryBody::TrustedCert(c) => Some((e.alias.as_str(), c)),
            _ => None,
        })
    }

    /// The certificates a JVM given this store as its truststore trusts, with their aliases, following
    /// `sun.security.validator.TrustStoreUtil.getTrustedCerts`: every trusted-certificate entry, and the first
    /// certificate of every private-key entry. In JKS and JCEKS the JDK looks entries up by lower-cased
    /// alias, so an entry whose stored alias has upper-case letters (written by another tool) is invisible to
    /// it and is left out here too (see [`TrustStore::jvm_invisible`]).
    pub fn jvm_trusted(&self) -> impl Iterator<Item = (&str, &Certificate)> {
        let folds = matches!(self.format, StoreFormat::Jks | StoreFormat::Jceks);
        self.entries.iter().filter_map(move |e| {
            if folds && e.alias.to_lowercase() != e.alias {
                return None;
            }
            match &e.body {
                EntryBody::TrustedCert(c) => Some((e.alias.as_str(), c)),
                EntryBody::PrivateKey(k) => k.chain.first().map(|c| (e.alias.as_str(), c)),
                EntryBody::SecretKey(_) => None,
            }
        })
    }

    /// Entries a JVM cannot see as trust anchors: JKS/JCEKS entries whose alias has upper-case letters.
    /// `trustpath store import` rewrites the store with lower-cased aliases, which makes them visible.
    pub fn jvm_invisible(&self) -> impl Iterator<Item = &Entry> {
        let folds = matches!(self.format, StoreFormat::Jks | StoreFormat::Jceks);
        self.entries.iter().filter(move |e| {
            folds && e.alias.to_lowercase() != e.alias && e.certificate().is_some()
        })
    }

    /// The entry with this alias. JKS, JCEKS and PKCS#12 compare aliases case-insensitively in the JDK.
    pub fn find_alias(&self, alias: &str) -> Option<usize> {
        let wanted = alias.to_lowercase();
        self.entries
            .iter()
            .position(|e| e.alias.to_lowercase() == wanted)
    }

    /// The first trusted-certificate entry holding exactly this certificate (same SHA-256).
    pub fn find_cert(&self, cert: &Certificate) -> Option<&Entry> {
        self.entries.iter().find(|e| match &e.body {
            EntryBody::TrustedCert(c) => c == cert,
            _ => false,
        })
    }

    /// Parses every certificate of the store now, on every core: its summary and what each modelled JDK
    /// makes of it, both cached in the certificate. Listing a 10,000-entry store needs both for every
    /// entry; one after another they are most of its time.
    pub fn parse_certificates(&self) {
        let certs: Vec<&Certificate> = self
            .entries
            .iter()
            .flat_map(|e| match &e.body {
                EntryBody::TrustedCert(c) => std::slice::from_ref(c),
                EntryBody::PrivateKey(k) => &k.chain[..],
                EntryBody::SecretKey(_) => &[],
            })
            .collect();
        crate::parallel::map(&certs, 256, |c| {
            let _ = c.try_info();
            let _ = c.jdk_refusal();
        });
    }

    /// Whether any entry holds a private or secret key.
    pub fn has_keys(&self) -> bool {
        self.entries
            .iter()
            .any(|e| !matches!(e.body, EntryBody::TrustedCert(_)))
    }
}

/// Why a store could not be read or written. The file layer adds the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The integrity check failed.
    #[error("{WRONG_PASSWORD}")]
    WrongPassword,
    /// The bytes are not in any format trustpath reads.
    #[error("unknown format: {0}")]
    UnknownFormat(String),
    /// A structural problem at a known place.
    #[error("{}{what}", entry.map(|i| format!("entry {i}: ")).unwrap_or_default())]
    Malformed {
        /// 0-based index of the entry where it went wrong, if inside an entry.
        entry: Option<usize>,
        /// What was wrong, with the offending values.
        what: String,
    },
    /// The format can hold this, but trustpath will not write it (the message says why and what to do).
    #[error("{0}")]
    Unsupported(String),
}

impl StoreError {
    /// A malformed-input error outside any entry.
    pub fn malformed(what: impl Into<String>) -> StoreError {
        StoreError::Malformed {
            entry: None,
            what: what.into(),
        }
    }

    /// A malformed-input error inside entry `index`.
    pub fn in_entry(index: usize, what: impl Into<String>) -> StoreError {
        StoreError::Malformed {
            entry: Some(index),
            what: what.into(),
        }
    }
}

/// Detects a single file's format from its first bytes.
pub fn detect(bytes: &[u8]) -> Result<StoreFormat, StoreError> {
    match bytes {
        [0xFE, 0xED, 0xFE, 0xED, ..] => return Ok(StoreFormat::Jks),
        [0xCE, 0xCE, 0xCE, 0xCE, ..] => return Ok(StoreFormat::Jceks),
        _ => {}
    }
    if crate::pem::looks_like_pem(bytes) || pem_bundle::is_empty_bundle(bytes) {
        return Ok(StoreFormat::Pem);
    }
    if bytes.first() == Some(&0x30) {
        // Both PKCS#12 PFX and an X.509 certificate are DER SEQUENCEs. A PFX opens with INTEGER 3
        // (the version); a certificate opens with the tbsCertificate SEQUENCE.
        if let Some(first) = first_inner_tag(bytes) {
            return match first {
                0x02 => Ok(StoreFormat::Pkcs12),
                0x30 => Ok(StoreFormat::Der),
                t => Err(StoreError::UnknownFormat(format!(
                    "a DER SEQUENCE whose first element has tag 0x{t:02x}: neither a PKCS#12 file nor an X.509 certificate"
                ))),
            };
        }
        return Err(StoreError::UnknownFormat(
            "a truncated DER SEQUENCE".to_owned(),
        ));
    }
    if bytes.is_empty() {
        return Err(StoreError::UnknownFormat("the file is empty".to_owned()));
    }
    Err(StoreError::UnknownFormat(format!(
        "starts with {}: not JKS (FEEDFEED), JCEKS (CECECECE), PKCS#12, PEM or DER",
        hex::encode(&bytes[..bytes.len().min(4)])
    )))
}

/// The tag of the first element inside a DER SEQUENCE, if the header is well formed.
fn first_inner_tag(bytes: &[u8]) -> Option<u8> {
    let len_byte = *bytes.get(1)?;
    let header = if len_byte < 0x80 {
        2
    } else {
        let n = (len_byte & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        2 + n
    };
    bytes.get(header).copied()
}

/// Reads a single-file store of any format. `password` is the store password (ignored by PEM/DER and by
/// password-less PKCS#12).
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    read_from(bytes, None, password)
}

/// [`read`] of a buffer that the certificates of a JKS or JCEKS store then share (no copy per
/// certificate: the store file read whole by [`crate::storefile`]).
pub fn read_shared(bytes: &Bytes, password: &str) -> Result<TrustStore, StoreError> {
    read_from(bytes, Some(bytes), password)
}

/// [`read`]: `shared`, when given, holds `bytes`.
fn read_from(
    bytes: &[u8],
    shared: Option<&Bytes>,
    password: &str,
) -> Result<TrustStore, StoreError> {
    let shared = || {
        shared
            .cloned()
            .unwrap_or_else(|| Bytes::copy_from_slice(bytes))
    };
    match detect(bytes)? {
        StoreFormat::Jks => jks::read_shared(&shared(), password),
        StoreFormat::Jceks => jceks::read_shared(&shared(), password),
        StoreFormat::Pkcs12 => pkcs12::read(bytes, password),
        // A bundle whose last certificate was removed is a store with no entries.
        StoreFormat::Pem if pem_bundle::is_empty_bundle(bytes) => {
            Ok(TrustStore::new(StoreFormat::Pem))
        }
        StoreFormat::Pem => pem_bundle::read_pem(bytes),
        StoreFormat::Der => pem_bundle::read_der(bytes),
        StoreFormat::Directory => Err(StoreError::UnknownFormat(
            "a directory is not a single file".to_owned(),
        )),
    }
}

/// Checks that `bytes`, just written from `intended` in its format under `password`, read back as exactly
/// its entries: aliases as the format stores them (case-insensitively), kinds, and certificates (for a key
/// entry, its chain). A JKS or JCEKS store is walked in place, without building a second store.
pub fn verify_written(
    intended: &TrustStore,
    bytes: &Bytes,
    password: &str,
) -> Result<(), ReadBackError> {
    match intended.format {
        StoreFormat::Jks => jks::verify_written(intended, bytes, password, jks::Flavor::Jks),
        StoreFormat::Jceks => jks::verify_written(intended, bytes, password, jks::Flavor::Jceks),
        _ => {
            let back = read_shared(bytes, password)?;
            same_count(intended, back.entries.len())?;
            back.entries.iter().enumerate().try_for_each(|(i, got)| {
                let certs: Vec<&[u8]> = match &got.body {
                    EntryBody::TrustedCert(c) => vec![c.der()],
                    EntryBody::PrivateKey(k) => k.chain.iter().map(Certificate::der).collect(),
                    EntryBody::SecretKey(_) => Vec::new(),
                };
                same_entry(i, &intended.entries[i], &got.alias, got.kind(), &certs)
            })
        }
    }
}

/// Why a store just written is not what was meant (see [`verify_written`]).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadBackError(String);

impl ReadBackError {
    /// An error saying `what`.
    pub fn new(what: String) -> Self {
        ReadBackError(what)
    }
}

impl From<StoreError> for ReadBackError {
    fn from(e: StoreError) -> Self {
        ReadBackError(format!("the new store does not read back: {e}"))
    }
}

/// A store encoded for writing ([`encode`]): its bytes and, for JKS and JCEKS, the integrity digest
/// that ends the file still to be computed, so that the digest is computed and the bytes are read back
/// on one core while they are written on another.
pub struct Encoded {
    /// The file's bytes before the digest (all of them for PKCS#12 and PEM).
    pub body: Bytes,
    /// JKS or JCEKS: a digest follows the body.
    sealed: Option<jks::Flavor>,
}

/// [`write`] in two steps: the bytes now, and (with [`Encoded::verify`]) the digest that ends them.
pub fn encode(
    store: &TrustStore,
    format: StoreFormat,
    password: &str,
) -> Result<Encoded, StoreError> {
    let (body, sealed) = match format {
        StoreFormat::Jks => (
            jks::write_body(store, password, jks::Flavor::Jks)?,
            Some(jks::Flavor::Jks),
        ),
        StoreFormat::Jceks => (
            jks::write_body(store, password, jks::Flavor::Jceks)?,
            Some(jks::Flavor::Jceks),
        ),
        _ => (write(store, format, password)?, None),
    };
    Ok(Encoded {
        body: body.into(),
        sealed,
    })
}

impl Encoded {
    /// Checks that the bytes read back as exactly `intended` (see [`verify_written`]) and returns the
    /// bytes that end the file after [`Encoded::body`]: a JKS or JCEKS integrity digest under
    /// `password`, nothing for the other formats.
    pub fn verify(&self, intended: &TrustStore, password: &str) -> Result<Vec<u8>, ReadBackError> {
        match self.sealed {
            Some(flavor) => Ok(jks::verify_body(intended, &self.body, password, flavor)?.to_vec()),
            None => verify_written(intended, &self.body, password).map(|()| Vec::new()),
        }
    }
}

/// Whether a store read back has as many entries as `intended`.
fn same_count(intended: &TrustStore, count: usize) -> Result<(), ReadBackError> {
    if count == intended.entries.len() {
        Ok(())
    } else {
        Err(ReadBackError(format!(
            "the new store reads back with {count} entries instead of {}",
            intended.entries.len()
        )))
    }
}

/// Whether entry `i` read back (its alias, kind and certificates' DER) is `want`.
fn same_entry(
    i: usize,
    want: &Entry,
    alias: &str,
    kind: EntryKind,
    certs: &[&[u8]],
) -> Result<(), ReadBackError> {
    if !want.alias.eq_ignore_ascii_case(alias) && want.alias.to_lowercase() != alias.to_lowercase()
    {
        return Err(ReadBackError(format!(
            "entry {i} reads back as alias '{alias}' instead of '{}'",
            want.alias
        )));
    }
    if want.kind() != kind {
        return Err(ReadBackError(format!(
            "entry {i} ('{}') reads back as a different kind",
            want.alias
        )));
    }
    let same_certs = match &want.body {
        EntryBody::TrustedCert(c) => certs == [c.der()],
        EntryBody::PrivateKey(k) => certs
            .iter()
            .copied()
            .eq(k.chain.iter().map(Certificate::der)),
        EntryBody::SecretKey(_) => true,
    };
    if !same_certs {
        return Err(ReadBackError(format!(
            "entry {i} ('{}') reads back with different certificates",
            want.alias
        )));
    }
    Ok(())
}

/// Writes a store in `format` (`jks`, `jceks`, `pkcs12` or `pem`).
pub fn write(
    store: &TrustStore,
    format: StoreFormat,
    password: &str,
) -> Result<Vec<u8>, StoreError> {
    match format {
        StoreFormat::Jks => jks::write(store, password),
        StoreFormat::Jceks => jceks::write(store, password),
        StoreFormat::Pkcs12 => pkcs12::write(store, password),
        StoreFormat::Pem => pem_bundle::write_pem(store),
        StoreFormat::Der | StoreFormat::Directory => Err(StoreError::Unsupported(format!(
            "trustpath does not write a {format} store; convert it to jks, pkcs12 or pem"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(cn: &str) -> Certificate {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, cn);
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    fn store(format: StoreFormat) -> TrustStore {
        let mut s = TrustStore::new(format);
        s.entries
            .push(Entry::trusted("Corp-Root", cert("upper"), None));
        s.entries
            .push(Entry::trusted("lab-root", cert("lower"), None));
        s.entries.push(Entry {
            alias: "tomcat".to_owned(),
            created_ms: None,
            body: EntryBody::PrivateKey(PrivateKeyEntry {
                key: KeyMaterial::Pkcs8(vec![0]),
                chain: vec![cert("leaf"), cert("issuer")],
                local_key_id: None,
            }),
        });
        s
    }

    #[test]
    fn the_jvm_trusts_key_entry_leaves_and_misses_upper_case_jks_aliases() {
        let jks = store(StoreFormat::Jks);
        let trusted: Vec<&str> = jks.jvm_trusted().map(|(a, _)| a).collect();
        assert_eq!(trusted, ["lab-root", "tomcat"]);
        let invisible: Vec<&str> = jks.jvm_invisible().map(|e| e.alias.as_str()).collect();
        assert_eq!(invisible, ["Corp-Root"]);
        let (_, leaf) = jks.jvm_trusted().nth(1).unwrap();
        assert_eq!(leaf.info().common_name.as_deref(), Some("leaf"));
    }

    #[test]
    fn pkcs12_aliases_are_seen_whatever_their_case() {
        let p12 = store(StoreFormat::Pkcs12);
        assert_eq!(p12.jvm_trusted().count(), 3);
        assert_eq!(p12.jvm_invisible().count(), 0);
        assert_eq!(p12.find_alias("CORP-root"), Some(0));
    }

    #[test]
    fn formats_are_detected_from_content() {
        assert_eq!(
            detect(&[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]),
            Ok(StoreFormat::Jks)
        );
        assert_eq!(detect(&[0xCE, 0xCE, 0xCE, 0xCE]), Ok(StoreFormat::Jceks));
        assert_eq!(detect(cert("x").der()), Ok(StoreFormat::Der));
        assert_eq!(
            detect(b"junk\n-----BEGIN CERTIFICATE-----\n"),
            Ok(StoreFormat::Pem)
        );
        assert_eq!(
            detect(&[0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03]),
            Ok(StoreFormat::Pkcs12)
        );
        assert!(matches!(detect(b""), Err(StoreError::UnknownFormat(_))));
        assert!(matches!(detect(&[0x30]), Err(StoreError::UnknownFormat(_))));
    }
}
