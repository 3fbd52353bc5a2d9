//! The Sun JKS keystore format (magic `FEEDFEED`), read and written as `sun.security.provider.JavaKeyStore`
//! does, and the layout JCEKS shares with it.
//!
//! ```text
//! magic u32 | version u32 (2) | count u32 | entries | SHA-1(password UTF-16BE ‖ "Mighty Aphrodite" ‖ all before)
//! entry: tag u32 | alias (modified UTF-8, u16 length) | date i64 (ms) | body
//!   tag 1 private key:  u32 length + EncryptedPrivateKeyInfo DER | u32 chain count | certificates
//!   tag 2 trusted cert: certificate
//!   tag 3 secret key (JCEKS only): a Java-serialized javax.crypto.SealedObject
//! certificate: type (modified UTF-8, "X.509"; absent in version 1) | u32 length | DER
//! ```
//!
//! Reading is bounded: every length is checked against what remains and against the limits in
//! [`super`]; nothing is allocated from an untrusted count. Writing lower-cases aliases as the JDK's
//! engines do on every `set` and lookup (an upper-case alias in a file is unreachable by name in the JVM)
//! and keeps private keys byte-for-byte when their protection allows.

pub(crate) mod mutf8;

use super::cursor::Cursor;
use std::borrow::Cow;
use std::collections::HashMap;

use bytes::Bytes;
use sha1::{Digest, Sha1};

use super::keyprotect::{self, Protector};
use super::{
    Entry, EntryBody, KeyMaterial, MAX_ALIAS_LEN, MAX_CHAIN_LEN, MAX_ENTRIES, MAX_KEY_LEN,
    OpaqueKey, PrivateKeyEntry, StoreError, StoreFormat, TrustStore,
};
use crate::asn1;
use crate::cert::{Certificate, MAX_CERT_LEN};

/// The first four bytes of a JKS store.
pub const JKS_MAGIC: u32 = 0xFEED_FEED;
/// The first four bytes of a JCEKS store.
pub const JCEKS_MAGIC: u32 = 0xCECE_CECE;
/// The text the JDK mixes into the integrity digest after the password.
const INTEGRITY_SALT: &[u8] = b"Mighty Aphrodite";
/// Length of the SHA-1 integrity digest that ends the file.
pub(crate) const DIGEST_LEN: usize = 20;
/// The only certificate type the JDK's keystores hold in practice.
const X509: &str = "X.509";

/// Reads a JKS store, checking its integrity digest with `password` (the store password).
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    read_shared(&Bytes::copy_from_slice(bytes), password)
}

/// [`read`] of a buffer the store's certificates then share (slices of it, no copy each).
pub fn read_shared(bytes: &Bytes, password: &str) -> Result<TrustStore, StoreError> {
    read_store(bytes, Some(password), Flavor::Jks)
}

/// Reads a JKS store without checking the integrity digest, as the JVM does when no
/// `javax.net.ssl.trustStorePassword` is set. Structure is still fully checked.
pub fn read_unverified(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    read_store(&Bytes::copy_from_slice(bytes), None, Flavor::Jks)
}

/// Writes a JKS store protected by `password`: aliases lower-cased, private keys kept byte-for-byte when
/// already JKS-protected, otherwise protected under `password` (as keytool does when the key password is
/// the store password). Secret keys and aliases that collide once lower-cased are refused.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    write_store(store, password, Flavor::Jks)
}

/// Which of the two related formats is being handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// JKS.
    Jks,
    /// JCEKS.
    Jceks,
}

impl Flavor {
    fn magic(self) -> u32 {
        match self {
            Flavor::Jks => JKS_MAGIC,
            Flavor::Jceks => JCEKS_MAGIC,
        }
    }

    fn format(self) -> StoreFormat {
        match self {
            Flavor::Jks => StoreFormat::Jks,
            Flavor::Jceks => StoreFormat::Jceks,
        }
    }
}

/// JKS-specific reads.
impl<'a> Cursor<'a> {
    /// A Java `int` length, refused when negative or above `max`.
    fn len(&mut self, what: &str, max: usize) -> Result<usize, String> {
        // The description is built only when the read fails (this runs for every entry).
        let n = match self.remaining() {
            4.. => self.u32("")?,
            _ => self.u32(&format!("{what} length"))?,
        };
        if n > i32::MAX as u32 {
            return Err(format!("{what} length {} is negative", n as i32));
        }
        let n = n as usize;
        if n > max {
            return Err(format!("{what} length {n} is over the {max}-byte limit"));
        }
        Ok(n)
    }

    /// A `readUTF` string.
    fn utf(&mut self, what: &str, max: usize) -> Result<Cow<'a, str>, String> {
        let n = usize::from(match self.remaining() {
            2.. => self.u16("")?,
            _ => self.u16(&format!("{what} length"))?,
        });
        if n > max {
            return Err(format!("{what} of {n} bytes is over the {max}-byte limit"));
        }
        let raw = self.take(n, what)?;
        mutf8::decode_borrowed(raw).map_err(|e| format!("{what}: {e}"))
    }
}

/// Reads a JKS (or, with [`Flavor::Jceks`], JCEKS) store; `password: None` skips the integrity check.
/// The certificates read are slices of `file`.
pub(crate) fn read_store(
    file: &Bytes,
    password: Option<&str>,
    flavor: Flavor,
) -> Result<TrustStore, StoreError> {
    let walk = Walk::new(file, flavor)?;
    // The count is within MAX_ENTRIES (checked); a count larger than what follows fails in the walk.
    let mut entries = Vec::with_capacity(walk.count.min(file.len() / 16));
    walk.run(password, |_, raw| {
        entries.push(raw.into_entry(file));
        Ok(())
    })?;
    Ok(TrustStore {
        format: flavor.format(),
        entries,
        pkcs12_protection: None,
    })
}

/// Checks that `bytes`, just written, read back as exactly `intended`'s entries with a good digest under
/// `password` (see [`super::verify_written`]), without building a second store.
pub(crate) fn verify_written(
    intended: &TrustStore,
    bytes: &[u8],
    password: &str,
    flavor: Flavor,
) -> Result<(), super::ReadBackError> {
    let walk = Walk::new(bytes, flavor)?;
    super::same_count(intended, walk.count)?;
    walk.run(Some(password), |i, raw| same_entry(intended, i, &raw))
}

/// [`verify_written`] of a store's body as [`write_body`] made it, before its digest is known: checks that
/// the body holds exactly `intended`'s entries and nothing after them, and computes the digest that ends
/// the file (on another core, beside the walk).
pub(crate) fn verify_body(
    intended: &TrustStore,
    body: &[u8],
    password: &str,
    flavor: Flavor,
) -> Result<[u8; DIGEST_LEN], super::ReadBackError> {
    let mut walk = Walk::new(body, flavor)?;
    super::same_count(intended, walk.count)?;
    let (walked, digest) = std::thread::scope(|s| {
        let digest = s.spawn(|| integrity_digest(password, body));
        let walked = walk.entries(&mut |i, raw| same_entry(intended, i, &raw));
        (walked, digest.join())
    });
    let end = walked?;
    if end != body.len() {
        return Err(super::ReadBackError::new(format!(
            "the new store has {} bytes after its {} entries",
            body.len() - end,
            walk.count
        )));
    }
    digest.map_err(|_| super::ReadBackError::new("the digest of the new store panicked".to_owned()))
}

/// Whether entry `i` read back is `intended`'s.
fn same_entry(
    intended: &TrustStore,
    i: usize,
    raw: &RawEntry<'_>,
) -> Result<(), super::ReadBackError> {
    let certs = match &raw.body {
        RawBody::TrustedCert(der) => std::slice::from_ref(der),
        RawBody::PrivateKey { chain, .. } => chain.as_slice(),
        RawBody::SecretKey(_) => &[],
    };
    super::same_entry(i, &intended.entries[i], &raw.alias, raw.kind(), certs)
}

/// One entry as read, borrowing the file.
struct RawEntry<'a> {
    alias: Cow<'a, str>,
    created_ms: i64,
    body: RawBody<'a>,
}

/// The body of a [`RawEntry`].
enum RawBody<'a> {
    /// Tag 1: the protected key and the chain's certificates.
    PrivateKey { key: &'a [u8], chain: Vec<&'a [u8]> },
    /// Tag 2: the certificate.
    TrustedCert(&'a [u8]),
    /// Tag 3 (JCEKS): the sealed secret key.
    SecretKey(&'a [u8]),
}

impl RawEntry<'_> {
    fn kind(&self) -> super::EntryKind {
        match self.body {
            RawBody::PrivateKey { .. } => super::EntryKind::PrivateKey,
            RawBody::TrustedCert(_) => super::EntryKind::TrustedCert,
            RawBody::SecretKey(_) => super::EntryKind::SecretKey,
        }
    }

    /// The entry, its certificates slices of `file` (which this entry borrows).
    fn into_entry(self, file: &Bytes) -> Entry {
        let cert = |der: &[u8]| Certificate::from_der_lazy(file.slice_ref(der));
        let body = match self.body {
            RawBody::PrivateKey { key, chain } => EntryBody::PrivateKey(PrivateKeyEntry {
                key: KeyMaterial::JavaProtected(key.to_vec()),
                chain: chain.into_iter().map(cert).collect(),
                local_key_id: None,
            }),
            RawBody::TrustedCert(der) => EntryBody::TrustedCert(cert(der)),
            RawBody::SecretKey(blob) => EntryBody::SecretKey(OpaqueKey {
                blob: blob.to_vec(),
                algorithm: None,
            }),
        };
        Entry {
            alias: self.alias.into_owned(),
            created_ms: Some(self.created_ms),
            body,
        }
    }
}

/// A JKS or JCEKS store whose header was read, ready to walk its entries.
struct Walk<'a> {
    bytes: &'a [u8],
    cur: Cursor<'a>,
    version: u32,
    count: usize,
    flavor: Flavor,
}

impl<'a> Walk<'a> {
    /// Reads the magic number, version and entry count.
    fn new(bytes: &'a [u8], flavor: Flavor) -> Result<Walk<'a>, StoreError> {
        let mut cur = Cursor::new(bytes);
        let magic = cur.u32("magic number").map_err(StoreError::malformed)?;
        if magic != flavor.magic() {
            return Err(StoreError::malformed(format!(
                "magic number {magic:08X} is not {:08X} ({})",
                flavor.magic(),
                flavor.format()
            )));
        }
        let version = cur.u32("version").map_err(StoreError::malformed)?;
        if version != 1 && version != 2 {
            return Err(StoreError::malformed(format!(
                "version {version} is not 1 or 2"
            )));
        }
        let count = cur.u32("entry count").map_err(StoreError::malformed)?;
        if count as usize > MAX_ENTRIES {
            return Err(StoreError::malformed(format!(
                "entry count {count} is over the limit of {MAX_ENTRIES}"
            )));
        }
        Ok(Walk {
            bytes,
            cur,
            version,
            count: count as usize,
            flavor,
        })
    }

    /// Reads every entry, handing each to `each` in order, then the integrity digest, checked with
    /// `password` when one is given.
    fn run<E: From<StoreError>>(
        mut self,
        password: Option<&str>,
        mut each: impl FnMut(usize, RawEntry<'a>) -> Result<(), E>,
    ) -> Result<(), E> {
        let bytes = self.bytes;
        // A large store's digest is computed on another core while its entries are read, over the bytes
        // before the last 20 (where the digest is when nothing trails it, as in every store keytool
        // writes).
        let guessed_end = bytes.len().saturating_sub(DIGEST_LEN);
        let (read, guessed) = std::thread::scope(|s| {
            let digest = password
                .filter(|_| bytes.len() >= PARALLEL_DIGEST_MIN)
                .map(|p| s.spawn(move || integrity_digest(p, &bytes[..guessed_end])));
            let read = self.entries(&mut each);
            (read, digest.and_then(|d| d.join().ok()))
        });
        let body_end = read?;
        let stored = self
            .cur
            .take(DIGEST_LEN, "integrity digest")
            .map_err(StoreError::malformed)?;
        // The JDK stops reading after the digest, so trailing bytes are ignored as it ignores them.
        if let Some(password) = password {
            let digest = match guessed {
                Some(d) if body_end == guessed_end => d,
                _ => integrity_digest(password, &bytes[..body_end]),
            };
            if digest.as_slice() != stored {
                return Err(StoreError::WrongPassword.into());
            }
        }
        Ok(())
    }
}

impl<'a> Walk<'a> {
    /// Reads every entry, handing each to `each` in order; returns where the entries end.
    fn entries<E: From<StoreError>>(
        &mut self,
        each: &mut impl FnMut(usize, RawEntry<'a>) -> Result<(), E>,
    ) -> Result<usize, E> {
        for index in 0..self.count {
            let raw = read_entry(&mut self.cur, self.version, self.flavor, index)?;
            each(index, raw)?;
        }
        Ok(self.cur.pos)
    }
}

fn read_entry<'a>(
    cur: &mut Cursor<'a>,
    version: u32,
    flavor: Flavor,
    index: usize,
) -> Result<RawEntry<'a>, StoreError> {
    let err = |e: String| StoreError::in_entry(index, e);
    let tag = cur.u32("entry tag").map_err(err)?;
    if !(tag == 1 || tag == 2 || (tag == 3 && flavor == Flavor::Jceks)) {
        let known = match flavor {
            Flavor::Jks => "1 (private key) or 2 (trusted certificate)",
            Flavor::Jceks => "1 (private key), 2 (trusted certificate) or 3 (secret key)",
        };
        return Err(err(format!(
            "unknown entry tag {tag}; {} uses {known}",
            flavor.format()
        )));
    }
    let alias = cur.utf("alias", MAX_ALIAS_LEN).map_err(err)?;
    let in_alias = |e: String| StoreError::in_entry(index, format!("alias '{alias}': {e}"));
    let created_ms = cur.i64("creation date").map_err(in_alias)?;
    let body = match tag {
        1 => {
            let len = cur.len("private key", MAX_KEY_LEN).map_err(in_alias)?;
            let key = cur.take(len, "private key").map_err(in_alias)?;
            let n = cur.u32("chain length").map_err(in_alias)?;
            if n as usize > MAX_CHAIN_LEN {
                return Err(in_alias(format!(
                    "chain of {n} certificates is over the limit of {MAX_CHAIN_LEN}"
                )));
            }
            let mut chain = Vec::new();
            for j in 0..n {
                let cert =
                    read_cert(cur, version, &format!("chain certificate {j}")).map_err(in_alias)?;
                chain.push(cert);
            }
            RawBody::PrivateKey { key, chain }
        }
        2 => RawBody::TrustedCert(read_cert(cur, version, "certificate").map_err(in_alias)?),
        _ => {
            let rest = &cur.bytes[cur.pos..];
            let len = super::serialization::sealed_object_len(rest).map_err(in_alias)?;
            if len > MAX_KEY_LEN {
                return Err(in_alias(format!(
                    "sealed secret key of {len} bytes is over the {MAX_KEY_LEN}-byte limit"
                )));
            }
            RawBody::SecretKey(cur.take(len, "sealed secret key").map_err(in_alias)?)
        }
    };
    Ok(RawEntry {
        alias,
        created_ms,
        body,
    })
}

/// One certificate's DER.
fn read_cert<'a>(cur: &mut Cursor<'a>, version: u32, what: &str) -> Result<&'a [u8], String> {
    if version == 2 {
        // The description is built only to report a failure: the read is then run again from the same
        // position, failing the same way.
        let start = cur.pos;
        // The common case, "X.509", is compared as bytes: no string is made for it.
        let fast = cur
            .u16("")
            .ok()
            .filter(|&n| usize::from(n) == X509.len())
            .and_then(|n| cur.take(usize::from(n), "").ok())
            .is_some_and(|raw| raw == X509.as_bytes());
        if !fast {
            cur.pos = start;
            let kind = match cur.utf("type", MAX_ALIAS_LEN) {
                Ok(kind) => kind,
                Err(_) => {
                    cur.pos = start;
                    cur.utf(&format!("{what} type"), MAX_ALIAS_LEN)?
                }
            };
            if kind != X509 {
                return Err(format!("{what} has type '{kind}'; only X.509 is supported"));
            }
        }
    }
    let len = cur.len(what, MAX_CERT_LEN)?;
    let der = cur.take(len, what)?;
    if asn1::is_one(der, asn1::Tag::Sequence) {
        Ok(der)
    } else {
        Err(format!("{what} ({len} bytes) is not one DER SEQUENCE"))
    }
}

/// Stores at least this large have their digest computed beside the reading of their entries.
const PARALLEL_DIGEST_MIN: usize = 256 * 1024;

/// SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ body): the keytool integrity digest.
fn integrity_digest(password: &str, body: &[u8]) -> [u8; DIGEST_LEN] {
    let mut md = Sha1::new();
    md.update(asn1::utf16be(password));
    md.update(INTEGRITY_SALT);
    md.update(body);
    md.finalize().into()
}

/// Writes a JKS or JCEKS store.
pub(crate) fn write_store(
    store: &TrustStore,
    password: &str,
    flavor: Flavor,
) -> Result<Vec<u8>, StoreError> {
    let mut out = write_body(store, password, flavor)?;
    let digest = integrity_digest(password, &out);
    out.extend_from_slice(&digest);
    Ok(out)
}

/// A JKS or JCEKS store without its integrity digest (which [`verify_body`] computes), with room for it.
pub(crate) fn write_body(
    store: &TrustStore,
    password: &str,
    flavor: Flavor,
) -> Result<Vec<u8>, StoreError> {
    let fmt = flavor.format();
    if store.entries.len() > MAX_ENTRIES {
        return Err(StoreError::Unsupported(format!(
            "{} entries is over the limit of {MAX_ENTRIES}",
            store.entries.len()
        )));
    }
    // Sized for the certificates and a little per entry, so that a large store is not copied as it grows.
    let size: usize = store
        .entries
        .iter()
        .map(|e| {
            64 + e.alias.len()
                + match &e.body {
                    EntryBody::TrustedCert(c) => c.der().len(),
                    EntryBody::PrivateKey(k) => {
                        256 + k.chain.iter().map(|c| c.der().len() + 16).sum::<usize>()
                    }
                    EntryBody::SecretKey(k) => k.blob.len(),
                }
        })
        .sum();
    let mut out = Vec::with_capacity(size + 64 + DIGEST_LEN);
    out.extend_from_slice(&flavor.magic().to_be_bytes());
    out.extend_from_slice(&2u32.to_be_bytes());
    out.extend_from_slice(&(store.entries.len() as u32).to_be_bytes());
    let mut seen: HashMap<Cow<'_, str>, &str> = HashMap::with_capacity(store.entries.len());
    for entry in &store.entries {
        // The JDK's String.toLowerCase(Locale.ENGLISH) is Unicode lower-casing without locale rules
        // (an alias already in lower case, as nearly all are, is used as it is).
        let plain = entry
            .alias
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase());
        let alias: Cow<'_, str> = if !plain {
            Cow::Owned(entry.alias.to_lowercase())
        } else {
            Cow::Borrowed(&entry.alias)
        };
        if let Some(first) = seen.insert(alias.clone(), &entry.alias) {
            return Err(StoreError::Unsupported(format!(
                "aliases '{first}' and '{}' are the same alias in {fmt}, which ignores case; rename one",
                entry.alias
            )));
        }
        let created = entry.created_ms.unwrap_or(0);
        match &entry.body {
            EntryBody::TrustedCert(cert) => {
                out.extend_from_slice(&2u32.to_be_bytes());
                write_utf(&mut out, &alias)?;
                out.extend_from_slice(&created.to_be_bytes());
                write_cert(&mut out, &alias, cert)?;
            }
            EntryBody::PrivateKey(key) => {
                let protected = key_for_store(&alias, &key.key, password, flavor)?;
                if protected.len() > MAX_KEY_LEN {
                    return Err(StoreError::Unsupported(format!(
                        "entry '{alias}': private key of {} bytes is over the {MAX_KEY_LEN}-byte limit",
                        protected.len()
                    )));
                }
                if key.chain.len() > MAX_CHAIN_LEN {
                    return Err(StoreError::Unsupported(format!(
                        "entry '{alias}': chain of {} certificates is over the limit of {MAX_CHAIN_LEN}",
                        key.chain.len()
                    )));
                }
                out.extend_from_slice(&1u32.to_be_bytes());
                write_utf(&mut out, &alias)?;
                out.extend_from_slice(&created.to_be_bytes());
                out.extend_from_slice(&(protected.len() as u32).to_be_bytes());
                out.extend_from_slice(&protected);
                out.extend_from_slice(&(key.chain.len() as u32).to_be_bytes());
                for cert in &key.chain {
                    write_cert(&mut out, &alias, cert)?;
                }
            }
            EntryBody::SecretKey(secret) => {
                if flavor == Flavor::Jks {
                    return Err(StoreError::Unsupported(format!(
                        "entry '{}' is a secret key, which JKS cannot hold; convert to jceks or pkcs12",
                        entry.alias
                    )));
                }
                match super::serialization::sealed_object_len(&secret.blob) {
                    Ok(n) if n == secret.blob.len() && n <= MAX_KEY_LEN => {}
                    _ => {
                        return Err(StoreError::Unsupported(format!(
                            "entry '{}' is a secret key that did not come from a jceks store; \
                             jceks keeps only its own sealed keys, so convert to pkcs12 instead",
                            entry.alias
                        )));
                    }
                }
                out.extend_from_slice(&3u32.to_be_bytes());
                write_utf(&mut out, &alias)?;
                out.extend_from_slice(&created.to_be_bytes());
                out.extend_from_slice(&secret.blob);
            }
        }
    }
    Ok(out)
}

/// The protected form of a private key for this store: kept byte-for-byte when the target engine can
/// recover it, else recovered and re-protected with the JKS protector under `password`.
fn key_for_store(
    alias: &str,
    key: &KeyMaterial,
    password: &str,
    flavor: Flavor,
) -> Result<Vec<u8>, StoreError> {
    let protect = |pkcs8: &[u8]| -> Result<Vec<u8>, StoreError> {
        keyprotect::jks_protect(pkcs8, password, keyprotect::random_salt()?)
    };
    match key {
        KeyMaterial::Pkcs8(pkcs8) => protect(pkcs8),
        KeyMaterial::JavaProtected(epki) => {
            let protector = keyprotect::protector(epki)
                .map_err(|e| StoreError::Unsupported(format!("entry '{alias}': {e}")))?;
            match protector {
                Protector::Jks => Ok(epki.clone()),
                Protector::Jceks { .. } if flavor == Flavor::Jceks => Ok(epki.clone()),
                Protector::Jceks { .. } => {
                    let pkcs8 = keyprotect::recover(epki, password).map_err(|e| {
                        StoreError::Unsupported(format!(
                            "entry '{alias}': its jceks-protected key must be re-protected for jks, \
                             but {e}; give the key's password as the store password or convert to pkcs12"
                        ))
                    })?;
                    protect(&pkcs8)
                }
                Protector::Other(oid) => Err(StoreError::Unsupported(format!(
                    "entry '{alias}': private key protected with algorithm {oid}, which {} cannot recover",
                    flavor.format()
                ))),
            }
        }
    }
}

fn write_utf(out: &mut Vec<u8>, s: &str) -> Result<(), StoreError> {
    // The length prefix is filled in once the string is encoded in place.
    let at = out.len();
    out.extend_from_slice(&[0, 0]);
    mutf8::encode_into(s, out);
    let len = out.len() - at - 2;
    if len > MAX_ALIAS_LEN {
        out.truncate(at);
        return Err(StoreError::Unsupported(format!(
            "alias '{s}' is {len} bytes long, over the {MAX_ALIAS_LEN}-byte limit"
        )));
    }
    // MAX_ALIAS_LEN (4096) is below u16::MAX, so the length fits.
    out[at..at + 2].copy_from_slice(&(len as u16).to_be_bytes());
    Ok(())
}

fn write_cert(out: &mut Vec<u8>, alias: &str, cert: &Certificate) -> Result<(), StoreError> {
    let der = cert.der();
    if der.is_empty() || der.len() > MAX_CERT_LEN {
        return Err(StoreError::Unsupported(format!(
            "entry '{alias}': certificate of {} bytes is empty or over the {MAX_CERT_LEN}-byte limit",
            der.len()
        )));
    }
    write_utf(out, X509)?;
    out.extend_from_slice(&(der.len() as u32).to_be_bytes());
    out.extend_from_slice(der);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> Certificate {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        Certificate::from_der(params.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    #[test]
    fn a_large_stores_digest_is_checked_as_a_small_ones_with_or_without_trailing_bytes() {
        let c = cert();
        let mut store = TrustStore::new(StoreFormat::Jks);
        let n = PARALLEL_DIGEST_MIN / c.der().len() + 2;
        for i in 0..n {
            store
                .entries
                .push(Entry::trusted(format!("ca-{i}"), c.clone(), Some(0)));
        }
        let bytes = Bytes::from(write_store(&store, "changeit", Flavor::Jks).unwrap());
        assert!(bytes.len() >= PARALLEL_DIGEST_MIN);
        let back = read_store(&bytes, Some("changeit"), Flavor::Jks).unwrap();
        assert_eq!(back.entries.len(), n);
        assert!(matches!(
            read_store(&bytes, Some("changeme"), Flavor::Jks),
            Err(StoreError::WrongPassword)
        ));
        // Trailing bytes (which the JDK ignores) move the digest away from the end: still checked.
        let mut trailing = bytes.to_vec();
        trailing.extend_from_slice(&[0u8; 7]);
        let trailing = Bytes::from(trailing);
        assert_eq!(
            read_store(&trailing, Some("changeit"), Flavor::Jks)
                .unwrap()
                .entries
                .len(),
            n
        );
        let mut corrupt = bytes.to_vec();
        let mid = corrupt.len() / 2;
        corrupt[mid] ^= 1;
        let corrupt = Bytes::from(corrupt);
        assert!(read_store(&corrupt, Some("changeit"), Flavor::Jks).is_err());
    }

    #[test]
    fn a_written_store_reads_back_with_lower_cased_aliases() {
        let c = cert();
        let mut store = TrustStore::new(StoreFormat::Jks);
        store.entries.push(Entry::trusted(
            "Zürich-CA 🔒",
            c.clone(),
            Some(1_700_000_000_000),
        ));
        let bytes = Bytes::from(write(&store, "pässwörd").unwrap());
        let back = read(&bytes, "pässwörd").unwrap();
        assert_eq!(back.format, StoreFormat::Jks);
        assert_eq!(back.entries[0].alias, "zürich-ca 🔒");
        assert_eq!(back.entries[0].created_ms, Some(1_700_000_000_000));
        assert_eq!(back.entries[0].certificate().unwrap(), &c);
        assert_eq!(read(&bytes, "password"), Err(StoreError::WrongPassword));
        assert!(read_unverified(&bytes).is_ok());
    }

    #[test]
    fn aliases_that_differ_only_in_case_are_refused() {
        let c = cert();
        let mut store = TrustStore::new(StoreFormat::Jks);
        store.entries.push(Entry::trusted("Root", c.clone(), None));
        store.entries.push(Entry::trusted("root", c, None));
        let err = write(&store, "changeit").unwrap_err();
        assert!(matches!(err, StoreError::Unsupported(_)), "{err}");
        assert!(err.to_string().contains("'Root' and 'root'"), "{err}");
    }

    #[test]
    fn a_secret_key_cannot_be_written_to_jks() {
        let mut store = TrustStore::new(StoreFormat::Jceks);
        store.entries.push(Entry {
            alias: "x".to_owned(),
            created_ms: None,
            body: EntryBody::SecretKey(OpaqueKey {
                blob: vec![1, 2, 3],
                algorithm: None,
            }),
        });
        assert_eq!(
            write(&store, "changeit").unwrap_err().to_string(),
            "entry 'x' is a secret key, which JKS cannot hold; convert to jceks or pkcs12"
        );
    }

    #[test]
    fn a_huge_entry_count_is_refused_without_allocating() {
        let mut bytes = vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0x7f, 0xff, 0xff, 0xff];
        bytes.extend_from_slice(&[0; 20]);
        let err = read(&Bytes::copy_from_slice(&bytes), "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("entry count"), "{err}");
        bytes[8..12].copy_from_slice(&3u32.to_be_bytes());
        let err = read(&Bytes::from(bytes), "x").unwrap_err().to_string();
        assert!(err.starts_with("entry 0: unknown entry tag 0"), "{err}");
    }

    fn three_entries() -> TrustStore {
        let mut store = TrustStore::new(StoreFormat::Jks);
        for alias in ["a-root", "b-root", "c-root"] {
            store.entries.push(Entry::trusted(alias, cert(), Some(7)));
        }
        store
    }

    #[test]
    fn certificates_read_from_a_store_are_slices_of_its_buffer_not_copies() {
        let bytes = Bytes::from(write(&three_entries(), "changeit").unwrap());
        let range = bytes.as_ptr_range();
        for e in read_shared(&bytes, "changeit").unwrap().entries {
            let der = e.certificate().unwrap().der().as_ptr_range();
            assert!(
                range.start <= der.start && der.end <= range.end,
                "{}",
                e.alias
            );
        }
    }

    #[test]
    fn a_body_read_back_gives_the_digest_that_write_ends_the_store_with() {
        for (flavor, format) in [
            (Flavor::Jks, StoreFormat::Jks),
            (Flavor::Jceks, StoreFormat::Jceks),
        ] {
            let mut store = three_entries();
            store.format = format;
            let body = write_body(&store, "pässwörd", flavor).unwrap();
            let digest = verify_body(&store, &body, "pässwörd", flavor).unwrap();
            let mut whole = body;
            whole.extend_from_slice(&digest);
            assert_eq!(whole, write_store(&store, "pässwörd", flavor).unwrap());
        }
    }

    #[test]
    fn a_body_that_is_not_what_was_meant_is_refused_naming_the_difference() {
        let store = three_entries();
        let body = write_body(&store, "changeit", Flavor::Jks).unwrap();
        let refused = |intended: &TrustStore, body: &[u8]| {
            verify_body(intended, body, "changeit", Flavor::Jks)
                .unwrap_err()
                .to_string()
        };
        let mut renamed = store.clone();
        renamed.entries[1].alias = "other".to_owned();
        assert_eq!(
            refused(&renamed, &body),
            "entry 1 reads back as alias 'b-root' instead of 'other'"
        );
        let mut recert = store.clone();
        recert.entries[2].body = EntryBody::TrustedCert(cert());
        assert_eq!(
            refused(&recert, &body),
            "entry 2 ('c-root') reads back with different certificates"
        );
        let mut fewer = store.clone();
        fewer.entries.pop();
        assert_eq!(
            refused(&fewer, &body),
            "the new store reads back with 3 entries instead of 2"
        );
        let mut longer = body.clone();
        longer.push(0);
        assert_eq!(
            refused(&store, &longer),
            "the new store has 1 bytes after its 3 entries"
        );
        let cut = &body[..body.len() - 1];
        assert!(
            refused(&store, cut).starts_with("the new store does not read back: entry 2"),
            "{}",
            refused(&store, cut)
        );
    }
}
