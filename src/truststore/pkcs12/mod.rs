//! PKCS#12 keystores, read and written the way the JDK's `sun.security.pkcs12.PKCS12KeyStore` does, so that
//! keytool and the JVM cannot tell trustpath's files from their own.
//!
//! What decides what the JVM sees (all checked against `PKCS12KeyStore.java` of JDK 17 and 25):
//!
//! - A certificate bag is a *trusted* entry only when it carries Oracle's trustedKeyUsage attribute
//!   (2.16.840.1.113894.746875.1.1). A bag without it is not listed by keytool and is no trust anchor; it
//!   only serves to build the chain of a private key (this is why an openssl-made "truststore" shows the
//!   JVM zero certificates). trustpath writes the attribute with anyExtendedKeyUsage, as keytool does.
//! - A JVM given no `trustStorePassword` skips encrypted content and does not check the MAC, so it sees
//!   the trusted certificates of a store only when their bags are in clear: password-less
//!   ([`Pkcs12Protection::PasswordLess`], the JDK 18+ `cacerts` form) or MAC'd with certificates in clear
//!   ([`Pkcs12Protection::ClearCertsWithMac`]).
//! - Aliases are friendlyName attributes; a bag without one gets the next of "1", "2", … as the JDK names
//!   it. Aliases that differ only in case are one entry to the JDK (the later one wins).
//! - A private key's chain starts at the certificate bag with the same localKeyId and follows issuers
//!   (authority/subject key identifiers first, then names) until a self-issued certificate.
//!
//! Layout written (keytool's): the authenticated safe holds a data `SafeContents` with the shrouded key
//! and secret bags (when there are keys), then the certificate `SafeContents`, encrypted or in clear;
//! then the MAC, unless the store is password-less.

mod der;
mod oid;
mod pbe;

use std::borrow::Cow;

use self::der::{CONTEXT_0, Reader, oid_to_string, seq, tlv};
use self::pbe::PbeError;
use super::{
    Entry, EntryBody, KeyMaterial, MAX_CHAIN_LEN, MAX_ENTRIES, MAX_KEY_LEN, OpaqueKey, Pkcs12Cipher, Pkcs12Mac,
    Pkcs12Protection, PrivateKeyEntry, StoreError, StoreFormat, TrustStore,
};
use crate::cert::Certificate;

/// keytool 12+'s default bag cipher and MAC: PBES2 with AES-256-CBC and PBKDF2-HmacSHA256, 10,000
/// iterations; HmacPBESHA256 MAC, 10,000 iterations.
pub fn keytool_default_protection() -> Pkcs12Protection {
    Pkcs12Protection::Encrypted {
        cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations: 10_000 },
        mac: keytool_default_mac(),
    }
}

/// keytool 12+'s default MAC: HmacPBESHA256 with 10,000 iterations.
pub fn keytool_default_mac() -> Pkcs12Mac {
    Pkcs12Mac {
        digest: "SHA-256".to_owned(),
        iterations: 10_000,
    }
}

/// The protection [`write`] uses for `store` and `password`: the one read from the file when there is
/// one; for a new store, password-less when `password` is empty, certificates in clear with a
/// SHA-256 MAC when the store holds only trusted certificates (a JVM loads it with or without
/// `trustStorePassword`), and keytool's default otherwise.
pub fn effective_protection(store: &TrustStore, password: &str) -> Pkcs12Protection {
    match &store.pkcs12_protection {
        Some(p) => p.clone(),
        None if password.is_empty() => Pkcs12Protection::PasswordLess,
        None if !store.has_keys() => Pkcs12Protection::ClearCertsWithMac(keytool_default_mac()),
        None => keytool_default_protection(),
    }
}

/// Reads a PKCS#12 store. A password-less store (no MAC, certificates in clear) reads with any password,
/// as keytool does, unless it holds keys, which are always encrypted under the password. A failed MAC or
/// decryption is [`StoreError::WrongPassword`].
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    let mut top = Reader::new(bytes);
    let mut pfx = top.sequence("PKCS#12 PFX").map_err(StoreError::malformed)?;
    if !top.is_empty() {
        return Err(StoreError::malformed(format!(
            "{} bytes follow the PKCS#12 structure",
            top.remaining()
        )));
    }
    let version = pfx.small_uint("PFX version").map_err(StoreError::malformed)?;
    if version != 3 {
        return Err(StoreError::malformed(format!(
            "PFX version {version}; the JDK reads only version 3"
        )));
    }
    let auth_safe = read_data_content_info(&mut pfx, "authSafe").map_err(StoreError::malformed)?;
    let mac = if pfx.is_empty() {
        None
    } else {
        let mac_data = pfx.element("MacData").map_err(StoreError::malformed)?;
        Some(pbe::verify_mac(mac_data.whole, &auth_safe, password).map_err(|e| pbe_error(e, None, "MAC"))?)
    };
    if !pfx.is_empty() {
        return Err(StoreError::malformed(format!(
            "{} unexpected bytes after the MacData",
            pfx.remaining()
        )));
    }

    let mut safes = Reader::new(&auth_safe)
        .sequence("AuthenticatedSafe")
        .map_err(StoreError::malformed)?;
    let mut loader = Loader::default();
    let mut cert_cipher: Option<Pkcs12Cipher> = None;
    let mut index = 0usize;
    while !safes.is_empty() {
        if index >= MAX_ENTRIES {
            return Err(StoreError::malformed(format!(
                "more than {MAX_ENTRIES} ContentInfos in the authenticated safe"
            )));
        }
        let what = format!("ContentInfo {index} of the authenticated safe");
        let mut content_info = safes.sequence(&what).map_err(StoreError::malformed)?;
        let content_type = content_info.oid(&what).map_err(StoreError::malformed)?;
        let contents: Cow<'_, [u8]> = if content_type == oid::DATA {
            let mut inner = content_info.explicit0(&what).map_err(StoreError::malformed)?;
            inner.octet_string(&what).map_err(StoreError::malformed)?
        } else if content_type == oid::ENCRYPTED_DATA {
            let (plain, cipher) = decrypt_encrypted_data(&mut content_info, &what, password)?;
            cert_cipher.get_or_insert(cipher);
            Cow::Owned(plain)
        } else {
            return Err(StoreError::Unsupported(format!(
                "{what} has content type {}: public-key protected PKCS#12 is not supported (nor by the JDK)",
                oid_to_string(content_type)
            )));
        };
        loader.load_safe_contents(&contents, password)?;
        index += 1;
    }

    let protection = match (mac, cert_cipher) {
        (None, None) => Pkcs12Protection::PasswordLess,
        (Some(mac), None) => Pkcs12Protection::ClearCertsWithMac(mac),
        (Some(mac), Some(cert_encryption)) => Pkcs12Protection::Encrypted { cert_encryption, mac },
        // Encrypted certificates without a MAC: not something keytool writes. A rewrite adds keytool's
        // default MAC.
        (None, Some(cert_encryption)) => Pkcs12Protection::Encrypted {
            cert_encryption,
            mac: keytool_default_mac(),
        },
    };
    Ok(TrustStore {
        format: StoreFormat::Pkcs12,
        entries: loader.finish(),
        pkcs12_protection: Some(protection),
    })
}

/// Reads a `ContentInfo` of type data and returns its content octets.
fn read_data_content_info<'a>(r: &mut Reader<'a>, what: &str) -> Result<Cow<'a, [u8]>, String> {
    let mut content_info = r.sequence(what)?;
    let content_type = content_info.oid(what)?;
    if content_type != oid::DATA {
        return Err(format!(
            "{what} has content type {}, not data: public-key integrity mode is not supported (nor by the JDK)",
            oid_to_string(content_type)
        ));
    }
    let mut inner = content_info.explicit0(what)?;
    inner.octet_string(what)
}

/// Decrypts an `EncryptedData` content (the reader is inside the `ContentInfo`, after its type).
fn decrypt_encrypted_data(
    content_info: &mut Reader<'_>,
    what: &str,
    password: &str,
) -> Result<(Vec<u8>, Pkcs12Cipher), StoreError> {
    let m = StoreError::malformed;
    let mut outer = content_info.explicit0(what).map_err(m)?;
    let mut encrypted_data = outer.sequence(&format!("{what}: EncryptedData")).map_err(m)?;
    encrypted_data
        .small_uint(&format!("{what}: EncryptedData version"))
        .map_err(m)?;
    let mut info = encrypted_data
        .sequence(&format!("{what}: EncryptedContentInfo"))
        .map_err(m)?;
    info.oid(&format!("{what}: encrypted content type")).map_err(m)?;
    let alg = info.element(&format!("{what}: encryption algorithm")).map_err(m)?;
    let content = match info.peek_tag() {
        Some(der::CONTEXT_0_PRIMITIVE) => Cow::Borrowed(info.element(what).map_err(m)?.content),
        Some(CONTEXT_0) => {
            let element = info.element(what).map_err(m)?;
            let mut joined = Vec::with_capacity(element.content.len());
            der::join_segments(element.content, der::OCTET_STRING, 0, &mut joined)
                .map_err(|e| StoreError::malformed(format!("{what}: {e}")))?;
            Cow::Owned(joined)
        }
        Some(t) => {
            return Err(StoreError::malformed(format!(
                "{what}: encrypted content has {}, expected [0]",
                der::tag_name(t)
            )));
        }
        None => {
            return Err(StoreError::malformed(format!(
                "{what}: the encrypted content is absent"
            )));
        }
    };
    pbe::decrypt(alg.whole, &content, password).map_err(|e| pbe_error(e, None, what))
}

/// Maps a decryption or MAC failure to a [`StoreError`].
fn pbe_error(e: PbeError, entry: Option<usize>, what: &str) -> StoreError {
    match e {
        PbeError::WrongPassword => StoreError::WrongPassword,
        PbeError::Malformed(m) => StoreError::Malformed {
            entry,
            what: format!("{what}: {m}"),
        },
        PbeError::Unsupported(m) => StoreError::Unsupported(format!("{what} uses {m}, which trustpath does not read")),
    }
}

/// What one bag holds, before the JDK's attribute rules decide the entry.
enum BagItem {
    PrivateKey(Vec<u8>),
    SecretKey(OpaqueKey),
    Cert(Certificate),
}

/// The attributes the JDK interprets.
#[derive(Default)]
struct BagAttributes {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    trusted_key_usage: Option<Vec<Vec<u8>>>,
}

/// A certificate bag without trustedKeyUsage: a candidate for a key's chain (the JDK's `certEntries`).
struct ChainCandidate {
    cert: Certificate,
    key_id: Option<Vec<u8>>,
    alias: Option<String>,
}

/// A private-key entry waiting for its chain.
struct PendingKey {
    serial: u64,
    key_id: Vec<u8>,
    alias: String,
}

/// The JDK's `engineLoad` state: entries by lower-cased alias in insertion order, keys waiting for their
/// chains, and every certificate seen.
#[derive(Default)]
struct Loader {
    bag_index: usize,
    private_key_count: usize,
    unfriendly_counter: usize,
    serial: u64,
    entries: Vec<(String, u64, Entry)>,
    keys: Vec<PendingKey>,
    candidates: Vec<ChainCandidate>,
    all_certs: Vec<Certificate>,
}

impl Loader {
    /// An alias for a bag without friendlyName: "1", "2", … (the JDK's `getUnfriendlyName`).
    fn unfriendly_name(&mut self) -> String {
        self.unfriendly_counter += 1;
        self.unfriendly_counter.to_string()
    }

    /// Adds or replaces the entry with this alias (case-insensitively), as `LinkedHashMap.put` does.
    fn put(&mut self, entry: Entry) -> u64 {
        self.serial += 1;
        let key = entry.alias.to_lowercase();
        match self.entries.iter_mut().find(|(k, _, _)| *k == key) {
            Some(slot) => *slot = (key, self.serial, entry),
            None => self.entries.push((key, self.serial, entry)),
        }
        self.serial
    }

    fn load_safe_contents(&mut self, data: &[u8], password: &str) -> Result<(), StoreError> {
        let mut bags = Reader::new(data).sequence("SafeContents").map_err(StoreError::malformed)?;
        let mut i = 0usize;
        while !bags.is_empty() {
            let index = self.bag_index;
            self.bag_index += 1;
            if index >= MAX_ENTRIES {
                return Err(StoreError::malformed(format!("more than {MAX_ENTRIES} bags")));
            }
            self.load_bag(&mut bags, index, i, password)?;
            i += 1;
        }
        Ok(())
    }

    /// Reads bag `index` (the `i`-th of its SafeContents) and applies the JDK's rules to it.
    fn load_bag(&mut self, bags: &mut Reader<'_>, index: usize, i: usize, password: &str) -> Result<(), StoreError> {
        let e = |m: String| StoreError::in_entry(index, m);
        let mut bag = bags.sequence("SafeBag").map_err(e)?;
        let bag_id = bag.oid("bag type").map_err(e)?;
        let mut value = bag.explicit0("bag value").map_err(e)?;
        let attributes = if bag.is_empty() {
            BagAttributes::default()
        } else {
            read_attributes(bag.set("bag attributes").map_err(e)?).map_err(e)?
        };

        let item = if bag_id == oid::SHROUDED_KEY_BAG {
            let epki = value.element("EncryptedPrivateKeyInfo").map_err(e)?;
            let key = decrypt_epki(epki.whole, password).map_err(|err| pbe_error(err, Some(index), "private key"))?;
            check_pkcs8(&key).map_err(|m| StoreError::in_entry(index, format!("decrypted private key: {m}")))?;
            self.private_key_count += 1;
            BagItem::PrivateKey(key)
        } else if bag_id == oid::CERT_BAG {
            let mut cert_bag = value.sequence("CertBag").map_err(e)?;
            cert_bag.oid("certificate type").map_err(e)?;
            let der = cert_bag
                .explicit0("certificate value")
                .and_then(|mut v| v.octet_string("certificate value"))
                .map_err(e)?;
            let cert = Certificate::from_der(der.into_owned()).map_err(|err| e(format!("certificate bag: {err}")))?;
            BagItem::Cert(cert)
        } else if bag_id == oid::SECRET_BAG {
            let mut secret_bag = value.sequence("SecretBag").map_err(e)?;
            secret_bag.oid("secret type").map_err(e)?;
            let sealed = secret_bag
                .explicit0("secret value")
                .and_then(|mut v| v.octet_string("secret value"))
                .map_err(e)?;
            let plain = decrypt_epki(&sealed, password).map_err(|err| pbe_error(err, Some(index), "secret key"))?;
            let algorithm = secret_key_algorithm(&plain)
                .map_err(|m| StoreError::in_entry(index, format!("decrypted secret key: {m}")))?;
            BagItem::SecretKey(OpaqueKey {
                blob: plain,
                algorithm: Some(algorithm),
            })
        } else {
            // The JDK skips other bag types (plain keyBag, CRL bags, nested SafeContents), so does trustpath.
            return Ok(());
        };

        let BagAttributes {
            friendly_name,
            local_key_id,
            trusted_key_usage,
        } = attributes;
        match item {
            BagItem::PrivateKey(_) | BagItem::SecretKey(_) => {
                let is_private = matches!(item, BagItem::PrivateKey(_));
                let key_id = match local_key_id {
                    Some(id) => id,
                    // The JDK ties a lone key without localKeyId to its certificate with id "01", skips
                    // further ones, and gives secret keys "00".
                    None if is_private && self.private_key_count == 1 => b"01".to_vec(),
                    None if is_private => return Ok(()),
                    None => b"00".to_vec(),
                };
                let alias = match friendly_name {
                    Some(a) => a,
                    None => self.unfriendly_name(),
                };
                let created_ms = created_from_key_id(&key_id);
                let body = match item {
                    BagItem::PrivateKey(key) => EntryBody::PrivateKey(PrivateKeyEntry {
                        key: KeyMaterial::Pkcs8(key),
                        chain: Vec::new(),
                        local_key_id: Some(key_id.clone()),
                    }),
                    BagItem::SecretKey(key) => EntryBody::SecretKey(key),
                    BagItem::Cert(_) => unreachable!("matched above"),
                };
                let serial = self.put(Entry {
                    alias: alias.clone(),
                    created_ms,
                    body,
                });
                if is_private {
                    self.keys.push(PendingKey { serial, key_id, alias });
                }
            }
            BagItem::Cert(cert) => {
                let key_id = local_key_id.or_else(|| (self.private_key_count == 1 && i == 0).then(|| b"01".to_vec()));
                if trusted_key_usage.is_some() {
                    let alias = match friendly_name {
                        Some(a) => a,
                        None => self.unfriendly_name(),
                    };
                    self.put(Entry::trusted(alias, cert.clone(), None));
                } else {
                    self.candidates.push(ChainCandidate {
                        cert: cert.clone(),
                        key_id,
                        alias: friendly_name,
                    });
                }
                self.all_certs.push(cert);
            }
        }
        Ok(())
    }

    /// Links keys to their chains and returns the entries in order.
    fn finish(mut self) -> Vec<Entry> {
        let keys = std::mem::take(&mut self.keys);
        for key in keys {
            let chain = self.chain_for(&key);
            if let Some((_, _, entry)) = self.entries.iter_mut().find(|(_, s, _)| *s == key.serial) {
                if let EntryBody::PrivateKey(pk) = &mut entry.body {
                    pk.chain = chain;
                }
            }
        }
        self.entries.into_iter().map(|(_, _, e)| e).collect()
    }

    /// The JDK's `findMatchedCertificate` followed by `findIssuer` until a self-issued certificate.
    fn chain_for(&self, key: &PendingKey) -> Vec<Certificate> {
        let mut key_id_match = None;
        let mut alias_match = None;
        let mut full_match = None;
        for c in &self.candidates {
            let alias_eq = c.alias.as_deref().is_some_and(|a| a.to_lowercase() == key.alias.to_lowercase());
            if c.key_id.as_deref() == Some(key.key_id.as_slice()) {
                key_id_match = Some(&c.cert);
                if alias_eq {
                    full_match = Some(&c.cert);
                    break;
                }
            } else if alias_eq {
                alias_match = Some(&c.cert);
            }
        }
        let mut chain: Vec<Certificate> = Vec::new();
        let mut next = full_match.or(key_id_match).or(alias_match).cloned();
        while let Some(cert) = next {
            if chain.contains(&cert) || chain.len() >= MAX_CHAIN_LEN {
                break;
            }
            let self_issued = cert.info().self_issued;
            chain.push(cert.clone());
            if self_issued {
                break;
            }
            next = self.find_issuer(&cert);
        }
        chain
    }

    /// The issuer of `cert` among all certificates: a key-identifier match first, else a name match.
    fn find_issuer(&self, cert: &Certificate) -> Option<Certificate> {
        let info = cert.info();
        let mut fallback = None;
        for candidate in &self.all_certs {
            let c = candidate.info();
            if c.subject_raw != info.issuer_raw {
                continue;
            }
            match (&info.authority_key_id, &c.subject_key_id) {
                (Some(aki), Some(ski)) if aki == ski => return Some(candidate.clone()),
                (Some(_), Some(_)) => continue,
                (Some(_), None) => fallback = Some(candidate.clone()),
                (None, _) => return Some(candidate.clone()),
            }
        }
        fallback
    }
}

/// The creation time keytool encodes in a localKeyId ("Time 1700000000000").
fn created_from_key_id(key_id: &[u8]) -> Option<i64> {
    std::str::from_utf8(key_id).ok()?.strip_prefix("Time ")?.parse().ok()
}

fn read_attributes(mut set: Reader<'_>) -> Result<BagAttributes, String> {
    let mut out = BagAttributes::default();
    while !set.is_empty() {
        let mut attribute = set.sequence("bag attribute")?;
        let attr_oid = attribute.oid("bag attribute type")?;
        let mut values = attribute.set("bag attribute values")?;
        if values.is_empty() {
            return Err(format!("attribute {} has no value", oid_to_string(attr_oid)));
        }
        if attr_oid == oid::FRIENDLY_NAME {
            let name = values.expect(der::BMP_STRING, "friendlyName")?;
            out.friendly_name = Some(der::bmp_to_string(name).map_err(|m| format!("friendlyName: {m}"))?);
        } else if attr_oid == oid::LOCAL_KEY_ID {
            out.local_key_id = Some(values.octet_string("localKeyId")?.into_owned());
        } else if attr_oid == oid::ORACLE_TRUSTED_KEY_USAGE {
            let mut usages = Vec::new();
            while !values.is_empty() {
                usages.push(values.oid("trustedKeyUsage")?.to_vec());
            }
            out.trusted_key_usage = Some(usages);
        }
    }
    Ok(out)
}

/// Decrypts an `EncryptedPrivateKeyInfo` (its whole encoding).
fn decrypt_epki(epki: &[u8], password: &str) -> Result<Vec<u8>, PbeError> {
    let mut outer = Reader::new(epki);
    let mut info = outer.sequence("EncryptedPrivateKeyInfo")?;
    let alg = info.element("key encryption algorithm")?;
    let data = info.octet_string("encrypted key")?;
    if data.len() > MAX_KEY_LEN {
        return Err(PbeError::Malformed(format!(
            "an encrypted key of {} bytes is larger than the {MAX_KEY_LEN}-byte limit",
            data.len()
        )));
    }
    Ok(pbe::decrypt(alg.whole, &data, password)?.0)
}

/// Checks that bytes look like a PKCS#8 `PrivateKeyInfo`: SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING, … }.
fn check_pkcs8(key: &[u8]) -> Result<(), String> {
    key_algorithm(key).map(|_| ())
}

/// The algorithm OID of a PKCS#8-shaped `SEQUENCE { INTEGER, SEQUENCE { OID, … }, OCTET STRING, … }`.
fn key_algorithm(key: &[u8]) -> Result<Vec<u8>, String> {
    let mut outer = Reader::new(key);
    let mut info = outer.sequence("PrivateKeyInfo")?;
    if !outer.is_empty() {
        return Err(format!("{} bytes after the PrivateKeyInfo", outer.remaining()));
    }
    info.small_uint("PrivateKeyInfo version")?;
    let mut alg = info.sequence("key algorithm")?;
    let alg_oid = alg.oid("key algorithm")?.to_vec();
    info.octet_string("key")?;
    Ok(alg_oid)
}

/// The Java name of a secret key's algorithm (from the `PrivateKeyInfo`-shaped structure the JDK seals it in).
fn secret_key_algorithm(plain: &[u8]) -> Result<String, String> {
    let alg = key_algorithm(plain)?;
    let dotted = oid_to_string(&alg);
    Ok(match dotted.as_str() {
        "2.16.840.1.101.3.4.1" => "AES".to_owned(),
        "1.2.840.113549.3.7" => "DESede".to_owned(),
        "1.2.840.113549.2.7" => "HmacSHA1".to_owned(),
        "1.2.840.113549.2.9" => "HmacSHA256".to_owned(),
        "1.2.840.113549.2.10" => "HmacSHA384".to_owned(),
        "1.2.840.113549.2.11" => "HmacSHA512".to_owned(),
        _ => dotted,
    })
}

/// Writes `store` as PKCS#12 under `password`, keeping the protection it was read with (see
/// [`effective_protection`] for a new store).
///
/// Refused, with a message saying why: aliases that differ only in case (the JDK would keep one), keys
/// still under the JKS/JCEKS key protector (convert them to PKCS#8 first), secret keys that did not come
/// from a PKCS#12 file, and any store that needs a password (a MAC, encrypted certificates, or keys)
/// when `password` is empty.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    let protection = effective_protection(store, password);
    check_aliases(store)?;
    if password.is_empty() {
        if !matches!(protection, Pkcs12Protection::PasswordLess) {
            return Err(StoreError::Unsupported(
                "this PKCS#12 store is protected with a MAC or encryption and needs a store password".to_owned(),
            ));
        }
        if store.has_keys() {
            return Err(StoreError::Unsupported(
                "keys in a PKCS#12 store are always encrypted under the store password, even in a password-less \
                 store: give a store password"
                    .to_owned(),
            ));
        }
    }
    let key_cipher = key_cipher_for(&protection);

    let mut key_bags: Vec<Vec<u8>> = Vec::new();
    let mut cert_bags: Vec<Vec<u8>> = Vec::new();
    let mut used_key_ids: Vec<Vec<u8>> = Vec::new();
    let now_ms = now_ms();
    for (index, entry) in store.entries.iter().enumerate() {
        match &entry.body {
            EntryBody::TrustedCert(cert) => {
                let attrs = bag_attributes(Some(&entry.alias), None, true);
                cert_bags.push(cert_bag(cert, &attrs));
            }
            EntryBody::PrivateKey(pk) => {
                let pkcs8 = match &pk.key {
                    KeyMaterial::Pkcs8(der) => der,
                    KeyMaterial::JavaProtected(_) => {
                        return Err(StoreError::Unsupported(format!(
                            "private key {:?} is still under the JKS/JCEKS key protector; it must be decrypted \
                             to PKCS#8 (with its key password) before it can go into a PKCS#12 store",
                            entry.alias
                        )));
                    }
                };
                check_pkcs8(pkcs8).map_err(|m| StoreError::in_entry(index, format!("private key: {m}")))?;
                let key_id = unique_key_id(pk.local_key_id.clone(), entry.created_ms, now_ms, &mut used_key_ids);
                let (alg, encrypted) = pbe::encrypt(&key_cipher, pkcs8, password)?;
                let epki = seq(&[&alg, &tlv(der::OCTET_STRING, &encrypted)]);
                let attrs = bag_attributes(Some(&entry.alias), Some(&key_id), false);
                key_bags.push(safe_bag(oid::SHROUDED_KEY_BAG, &epki, &attrs));
                for (i, cert) in pk.chain.iter().enumerate() {
                    let attrs = if i == 0 {
                        bag_attributes(Some(&entry.alias), Some(&key_id), false)
                    } else {
                        bag_attributes(rfc2253_subject(cert).as_deref(), None, false)
                    };
                    cert_bags.push(cert_bag(cert, &attrs));
                }
            }
            EntryBody::SecretKey(key) => {
                if key_algorithm(&key.blob).is_err() {
                    return Err(StoreError::Unsupported(format!(
                        "secret key {:?} was not read from a PKCS#12 file (JCEKS seals secret keys as Java objects); \
                         trustpath cannot re-encode it: keep the store as JCEKS or delete the entry",
                        entry.alias
                    )));
                }
                let key_id = unique_key_id(None, entry.created_ms, now_ms, &mut used_key_ids);
                let (alg, encrypted) = pbe::encrypt(&key_cipher, &key.blob, password)?;
                let epki = seq(&[&alg, &tlv(der::OCTET_STRING, &encrypted)]);
                let secret = seq(&[
                    &tlv(der::OID, oid::SHROUDED_KEY_BAG),
                    &tlv(CONTEXT_0, &tlv(der::OCTET_STRING, &epki)),
                ]);
                let attrs = bag_attributes(Some(&entry.alias), Some(&key_id), false);
                key_bags.push(safe_bag(oid::SECRET_BAG, &secret, &attrs));
            }
        }
    }

    let mut safes: Vec<Vec<u8>> = Vec::new();
    if !key_bags.is_empty() {
        safes.push(data_content_info(&seq(&slices(&key_bags))));
    }
    if !cert_bags.is_empty() {
        let contents = seq(&slices(&cert_bags));
        match &protection {
            Pkcs12Protection::PasswordLess | Pkcs12Protection::ClearCertsWithMac(_) => {
                safes.push(data_content_info(&contents));
            }
            Pkcs12Protection::Encrypted { cert_encryption, .. } => {
                let (alg, encrypted) = pbe::encrypt(cert_encryption, &contents, password)?;
                let info = seq(&[
                    &tlv(der::OID, oid::DATA),
                    &alg,
                    &tlv(der::CONTEXT_0_PRIMITIVE, &encrypted),
                ]);
                let encrypted_data = seq(&[&der::uint(0), &info]);
                safes.push(seq(&[
                    &tlv(der::OID, oid::ENCRYPTED_DATA),
                    &tlv(CONTEXT_0, &encrypted_data),
                ]));
            }
        }
    }
    let auth_safe = seq(&slices(&safes));
    let mut pfx: Vec<Vec<u8>> = vec![der::uint(3), data_content_info(&auth_safe)];
    match &protection {
        Pkcs12Protection::PasswordLess => {}
        Pkcs12Protection::ClearCertsWithMac(mac) | Pkcs12Protection::Encrypted { mac, .. } => {
            pfx.push(pbe::mac_data(mac, &auth_safe, password)?);
        }
    }
    Ok(seq(&slices(&pfx)))
}

/// The cipher for key bags: keytool pairs RC2-40 certificates with 3DES keys (its legacy mode) and uses
/// PBES2 otherwise. The model keeps only the certificate cipher, so a store whose certificates are in
/// clear gets keytool's default key cipher.
fn key_cipher_for(protection: &Pkcs12Protection) -> Pkcs12Cipher {
    match protection {
        Pkcs12Protection::Encrypted {
            cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations },
            ..
        } => Pkcs12Cipher::Pbes2Aes256 {
            iterations: *iterations,
        },
        Pkcs12Protection::Encrypted {
            cert_encryption: Pkcs12Cipher::Rc2_40 { iterations } | Pkcs12Cipher::TripleDes { iterations },
            ..
        } => Pkcs12Cipher::TripleDes {
            iterations: *iterations,
        },
        _ => Pkcs12Cipher::Pbes2Aes256 { iterations: 10_000 },
    }
}

fn check_aliases(store: &TrustStore) -> Result<(), StoreError> {
    let mut seen: Vec<(String, &str)> = Vec::with_capacity(store.entries.len());
    for entry in &store.entries {
        let folded = entry.alias.to_lowercase();
        if let Some((_, other)) = seen.iter().find(|(f, _)| *f == folded) {
            return Err(StoreError::Unsupported(format!(
                "aliases {other:?} and {:?} differ only in case; the JDK would keep only one of them in a PKCS#12 \
                 store: rename one",
                entry.alias
            )));
        }
        seen.push((folded, &entry.alias));
    }
    Ok(())
}

/// A localKeyId for a key: the one read, else keytool's "Time <ms>", made unique within the store.
fn unique_key_id(read: Option<Vec<u8>>, created_ms: Option<i64>, now_ms: i64, used: &mut Vec<Vec<u8>>) -> Vec<u8> {
    if let Some(id) = read {
        if !used.contains(&id) {
            used.push(id.clone());
            return id;
        }
    }
    let mut ms = created_ms.unwrap_or(now_ms);
    loop {
        let id = format!("Time {ms}").into_bytes();
        if !used.contains(&id) {
            used.push(id.clone());
            return id;
        }
        ms += 1;
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn slices(parts: &[Vec<u8>]) -> Vec<&[u8]> {
    parts.iter().map(Vec::as_slice).collect()
}

/// `ContentInfo { data, [0] OCTET STRING content }`.
fn data_content_info(content: &[u8]) -> Vec<u8> {
    seq(&[&tlv(der::OID, oid::DATA), &tlv(CONTEXT_0, &tlv(der::OCTET_STRING, content))])
}

/// `SafeBag { bagId, [0] value, attributes }`.
fn safe_bag(bag_id: &[u8], value: &[u8], attributes: &[u8]) -> Vec<u8> {
    seq(&[&tlv(der::OID, bag_id), &tlv(CONTEXT_0, value), attributes])
}

fn cert_bag(cert: &Certificate, attributes: &[u8]) -> Vec<u8> {
    let value = seq(&[
        &tlv(der::OID, oid::X509_CERTIFICATE),
        &tlv(CONTEXT_0, &tlv(der::OCTET_STRING, cert.der())),
    ]);
    safe_bag(oid::CERT_BAG, &value, attributes)
}

/// The bag attribute SET in keytool's order: friendlyName, localKeyId, trustedKeyUsage (anyExtendedKeyUsage).
/// Empty (no SET at all) when there is nothing to say, as keytool writes it.
fn bag_attributes(friendly_name: Option<&str>, local_key_id: Option<&[u8]>, trusted: bool) -> Vec<u8> {
    let mut attrs: Vec<Vec<u8>> = Vec::new();
    if let Some(name) = friendly_name {
        attrs.push(seq(&[
            &tlv(der::OID, oid::FRIENDLY_NAME),
            &tlv(der::SET, &tlv(der::BMP_STRING, &der::string_to_bmp(name))),
        ]));
    }
    if let Some(id) = local_key_id {
        attrs.push(seq(&[
            &tlv(der::OID, oid::LOCAL_KEY_ID),
            &tlv(der::SET, &tlv(der::OCTET_STRING, id)),
        ]));
    }
    if trusted {
        attrs.push(seq(&[
            &tlv(der::OID, oid::ORACLE_TRUSTED_KEY_USAGE),
            &tlv(der::SET, &tlv(der::OID, oid::ANY_EXTENDED_KEY_USAGE)),
        ]));
    }
    if attrs.is_empty() {
        return Vec::new();
    }
    tlv(der::SET, &attrs.concat())
}

/// The subject in RFC 2253 form, as Java's `X500Principal.getName()` prints it (keytool's friendlyName for
/// the non-leaf certificates of a chain). `None` when the certificate does not parse.
fn rfc2253_subject(cert: &Certificate) -> Option<String> {
    let parsed = cert.parsed().ok()?;
    let mut rdns: Vec<_> = parsed.tbs_certificate.subject.iter_rdn().collect();
    rdns.reverse();
    let rdns: Vec<String> = rdns
        .into_iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let oid = atv.attr_type().to_id_string();
                    let key = match oid.as_str() {
                        "2.5.4.3" => "CN",
                        "2.5.4.6" => "C",
                        "2.5.4.7" => "L",
                        "2.5.4.8" => "ST",
                        "2.5.4.9" => "STREET",
                        "2.5.4.10" => "O",
                        "2.5.4.11" => "OU",
                        "0.9.2342.19200300.100.1.1" => "UID",
                        "0.9.2342.19200300.100.1.25" => "DC",
                        _ => return format!("{oid}=#{}", hex::encode(atv.attr_value().data)),
                    };
                    match atv.as_str() {
                        Ok(v) => format!("{key}={}", escape_rfc2253(v)),
                        Err(_) => format!("{oid}=#{}", hex::encode(atv.attr_value().data)),
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    Some(rdns.join(","))
}

fn escape_rfc2253(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca_cert(name: &str) -> Certificate {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.distinguished_name.push(rcgen::DnType::OrganizationName, "Lab, Inc.");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        Certificate::from_der(cert.der().to_vec()).unwrap()
    }

    fn trust_store(certs: &[(&str, Certificate)]) -> TrustStore {
        let mut store = TrustStore::new(StoreFormat::Pkcs12);
        for (alias, cert) in certs {
            store.entries.push(Entry::trusted(*alias, cert.clone(), None));
        }
        store
    }

    #[test]
    fn every_protection_round_trips_and_is_detected_again() {
        let store = trust_store(&[("Lab-CA", ca_cert("Lab CA")), ("other", ca_cert("Other CA"))]);
        let fast_mac = Pkcs12Mac {
            digest: "SHA-256".to_owned(),
            iterations: 100,
        };
        let protections = [
            Pkcs12Protection::PasswordLess,
            Pkcs12Protection::ClearCertsWithMac(fast_mac.clone()),
            Pkcs12Protection::Encrypted {
                cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations: 100 },
                mac: fast_mac.clone(),
            },
            Pkcs12Protection::Encrypted {
                cert_encryption: Pkcs12Cipher::Rc2_40 { iterations: 100 },
                mac: Pkcs12Mac {
                    digest: "SHA-1".to_owned(),
                    iterations: 100,
                },
            },
        ];
        for protection in protections {
            let mut s = store.clone();
            s.pkcs12_protection = Some(protection.clone());
            let bytes = write(&s, "changeit").unwrap();
            let back = read(&bytes, "changeit").unwrap();
            assert_eq!(back.entries, s.entries, "{protection:?}");
            assert_eq!(back.pkcs12_protection, Some(protection.clone()));
            if protection != Pkcs12Protection::PasswordLess {
                assert_eq!(read(&bytes, "wrong"), Err(StoreError::WrongPassword), "{protection:?}");
            } else {
                assert_eq!(read(&bytes, "anything").unwrap().entries, s.entries);
            }
        }
    }

    #[test]
    fn a_new_store_without_keys_gets_clear_certificates_and_a_mac() {
        let store = trust_store(&[("a", ca_cert("A"))]);
        assert_eq!(
            effective_protection(&store, "changeit"),
            Pkcs12Protection::ClearCertsWithMac(keytool_default_mac())
        );
        assert_eq!(effective_protection(&store, ""), Pkcs12Protection::PasswordLess);
    }

    #[test]
    fn aliases_differing_only_in_case_are_refused() {
        let cert = ca_cert("A");
        let store = trust_store(&[("Root", cert.clone()), ("root", cert)]);
        let err = write(&store, "").unwrap_err();
        assert!(err.to_string().contains("differ only in case"), "{err}");
    }

    #[test]
    fn chain_friendly_names_follow_rfc_2253() {
        let cert = ca_cert("Lab CA");
        assert_eq!(rfc2253_subject(&cert).unwrap(), "O=Lab\\, Inc.,CN=Lab CA");
    }

    #[test]
    fn a_bag_without_a_friendly_name_gets_the_jdks_numbered_alias() {
        let cert = ca_cert("A");
        let attrs = bag_attributes(None, None, true);
        let contents = seq(&[&cert_bag(&cert, &attrs)]);
        let pfx = seq(&[&der::uint(3), &data_content_info(&seq(&[&data_content_info(&contents)]))]);
        let store = read(&pfx, "").unwrap();
        assert_eq!(store.entries.len(), 1);
        assert_eq!(store.entries[0].alias, "1");
        assert_eq!(store.pkcs12_protection, Some(Pkcs12Protection::PasswordLess));
    }

    #[test]
    fn a_certificate_bag_without_the_oracle_attribute_is_no_entry() {
        let cert = ca_cert("A");
        let attrs = bag_attributes(Some("plain"), None, false);
        let contents = seq(&[&cert_bag(&cert, &attrs)]);
        let pfx = seq(&[&der::uint(3), &data_content_info(&seq(&[&data_content_info(&contents)]))]);
        assert!(read(&pfx, "").unwrap().entries.is_empty());
    }
}
