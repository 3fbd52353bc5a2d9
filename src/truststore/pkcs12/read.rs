//! Reading PKCS#12: the JDK's `engineLoad` rules, from the PFX down to entries and key chains.

use std::borrow::Cow;

use super::ber::{self, CONTEXT_0, Reader};
use super::pbe::{self, PbeError};
use super::{keytool_default_cipher, keytool_default_mac, oid};
use crate::asn1::{self, oid_to_string};
use crate::cert::Certificate;
use crate::truststore::{
    Entry, EntryBody, EntryKind, KeyMaterial, MAX_CHAIN_LEN, MAX_ENTRIES, MAX_KEY_LEN, OpaqueKey,
    Pkcs12Cipher, Pkcs12Protection, PrivateKeyEntry, StoreError, StoreFormat, TrustStore,
};

/// Reads a PKCS#12 store. A password-less store (no MAC, certificates in clear) reads with any password,
/// as keytool does, unless it holds keys, which are always encrypted under the password. A failed MAC or
/// decryption is [`StoreError::WrongPassword`].
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    match read_with(bytes, password) {
        // Like the JDK (`RetryWithZero`), an empty password that fails is retried as no password bytes at
        // all, which some tools write for an empty password.
        Err(StoreError::WrongPassword) if password.is_empty() => read_with(bytes, "\0"),
        result => result,
    }
}

fn read_with(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    let mut budget = pbe::Budget::new();
    let mut top = Reader::new(bytes);
    let mut pfx = top.sequence("PKCS#12 PFX").map_err(StoreError::malformed)?;
    if !top.is_empty() {
        return Err(StoreError::malformed(format!(
            "{} bytes follow the PKCS#12 structure",
            top.remaining()
        )));
    }
    let version = pfx
        .small_uint("PFX version")
        .map_err(StoreError::malformed)?;
    if version != 3 {
        return Err(StoreError::malformed(format!(
            "PFX version {version}; the JDK reads only version 3"
        )));
    }
    let auth_safe = read_data_content_info(&mut pfx, "authSafe").map_err(StoreError::malformed)?;
    // What the file declares in sight (the MAC, encrypted safes, shrouded keys outside them) is weighed
    // before any derivation: a file made to keep a reader busy is refused at once.
    let mac_iterations = pfx
        .clone()
        .element("MacData")
        .ok()
        .and_then(|m| pbe::declared_mac_iterations(m.whole))
        .unwrap_or(0);
    let declared = u64::from(mac_iterations).saturating_add(declared_iterations(&auth_safe));
    if declared > pbe::MAX_TOTAL_ITERATIONS {
        return Err(StoreError::malformed(format!(
            "its MAC and encrypted items declare {declared} key-derivation iterations in all, more than the \
             {} a read spends (keytool writes 10000 per item): refusing a file made to keep a reader busy",
            pbe::MAX_TOTAL_ITERATIONS
        )));
    }
    let mac = if pfx.is_empty() {
        None
    } else {
        let mac_data = pfx.element("MacData").map_err(StoreError::malformed)?;
        Some(
            pbe::verify_mac(mac_data.whole, &auth_safe, password, &mut budget)
                .map_err(|e| pbe_error(e, None, "MAC"))?,
        )
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
    let mut loader = Loader {
        budget,
        ..Loader::default()
    };
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
        let contents: Cow<'_, [u8]> = if content_type == oid::DATA.as_bytes() {
            let mut inner = content_info
                .explicit0(&what)
                .map_err(StoreError::malformed)?;
            inner.octet_string(&what).map_err(StoreError::malformed)?
        } else if content_type == oid::ENCRYPTED_DATA.as_bytes() {
            let (plain, cipher) =
                decrypt_encrypted_data(&mut content_info, &what, password, &mut loader.budget)?;
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

    let has_certs = !loader.all_certs.is_empty();
    let has_keys = loader.private_key_count > 0
        || loader
            .entries
            .iter()
            .any(|(_, _, e)| e.kind() != EntryKind::TrustedCert);
    let protection = match (mac, cert_cipher) {
        (None, None) => Pkcs12Protection::PasswordLess,
        // No certificate at all: nothing says whether they would be in clear. keytool would encrypt them in
        // a keystore with keys; a store with nothing in it stays a truststore.
        (Some(mac), None) if !has_certs && has_keys => Pkcs12Protection::Encrypted {
            cert_encryption: keytool_default_cipher(),
            mac,
        },
        (Some(mac), None) => Pkcs12Protection::ClearCertsWithMac(mac),
        (Some(mac), Some(cert_encryption)) => Pkcs12Protection::Encrypted {
            cert_encryption,
            mac,
        },
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

/// The iteration counts the authenticated safe declares where they can be read without a password: each
/// EncryptedData's, and each shrouded key's or secret's in a clear safe (items inside an encrypted safe
/// are counted as they are decrypted). Anything unreadable counts nothing here; the read says why.
fn declared_iterations(auth_safe: &[u8]) -> u64 {
    let mut total = 0u64;
    let Ok(mut safes) = Reader::new(auth_safe).sequence("AuthenticatedSafe") else {
        return 0;
    };
    while let Ok(mut content_info) = safes.sequence("ContentInfo") {
        let Ok(content_type) = content_info.oid("content type") else {
            break;
        };
        if content_type == oid::ENCRYPTED_DATA.as_bytes() {
            let alg = content_info
                .explicit0("EncryptedData")
                .and_then(|mut o| o.sequence("EncryptedData"))
                .and_then(|mut d| {
                    d.small_uint("version")?;
                    d.sequence("EncryptedContentInfo")
                })
                .and_then(|mut info| {
                    info.oid("content type")?;
                    info.element("algorithm")
                });
            if let Some(n) = alg.ok().and_then(|a| pbe::declared_iterations(a.whole)) {
                total = total.saturating_add(u64::from(n));
            }
            continue;
        }
        if content_type != oid::DATA.as_bytes() {
            continue;
        }
        let Ok(contents) = content_info
            .explicit0("data")
            .and_then(|mut inner| inner.octet_string("data"))
        else {
            continue;
        };
        let Ok(mut bags) = Reader::new(&contents).sequence("SafeContents") else {
            continue;
        };
        while let Ok(mut bag) = bags.sequence("SafeBag") {
            let Ok(bag_id) = bag.oid("bag type") else {
                break;
            };
            let Ok(mut value) = bag.explicit0("bag value") else {
                continue;
            };
            let alg = if bag_id == oid::SHROUDED_KEY_BAG.as_bytes() {
                value
                    .sequence("EncryptedPrivateKeyInfo")
                    .and_then(|mut epki| epki.element("algorithm"))
                    .ok()
                    .and_then(|a| pbe::declared_iterations(a.whole))
            } else if bag_id == oid::SECRET_BAG.as_bytes() {
                value
                    .sequence("SecretBag")
                    .and_then(|mut s| {
                        s.oid("secret type")?;
                        s.explicit0("secret value")?.octet_string("secret value")
                    })
                    .ok()
                    .and_then(|sealed| {
                        Reader::new(&sealed)
                            .sequence("EncryptedPrivateKeyInfo")
                            .and_then(|mut epki| epki.element("algorithm"))
                            .ok()
                            .and_then(|a| pbe::declared_iterations(a.whole))
                    })
            } else {
                None
            };
            total = total.saturating_add(u64::from(alg.unwrap_or(0)));
        }
    }
    total
}

/// Reads a `ContentInfo` of type data and returns its content octets.
fn read_data_content_info<'a>(r: &mut Reader<'a>, what: &str) -> Result<Cow<'a, [u8]>, String> {
    let mut content_info = r.sequence(what)?;
    let content_type = content_info.oid(what)?;
    if content_type != oid::DATA.as_bytes() {
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
    budget: &mut pbe::Budget,
) -> Result<(Vec<u8>, Pkcs12Cipher), StoreError> {
    let m = StoreError::malformed;
    let mut outer = content_info.explicit0(what).map_err(m)?;
    let mut encrypted_data = outer
        .sequence(&format!("{what}: EncryptedData"))
        .map_err(m)?;
    encrypted_data
        .small_uint(&format!("{what}: EncryptedData version"))
        .map_err(m)?;
    let mut info = encrypted_data
        .sequence(&format!("{what}: EncryptedContentInfo"))
        .map_err(m)?;
    info.oid(&format!("{what}: encrypted content type"))
        .map_err(m)?;
    let alg = info
        .element(&format!("{what}: encryption algorithm"))
        .map_err(m)?;
    let content = match info.peek_tag() {
        Some(ber::CONTEXT_0_PRIMITIVE) => Cow::Borrowed(info.element(what).map_err(m)?.content),
        Some(CONTEXT_0) => {
            let element = info.element(what).map_err(m)?;
            let mut joined = Vec::with_capacity(element.content.len());
            ber::join_segments(element.content, ber::OCTET_STRING, 0, &mut joined)
                .map_err(|e| StoreError::malformed(format!("{what}: {e}")))?;
            Cow::Owned(joined)
        }
        Some(t) => {
            return Err(StoreError::malformed(format!(
                "{what}: encrypted content has {}, expected [0]",
                ber::tag_name(t)
            )));
        }
        None => {
            return Err(StoreError::malformed(format!(
                "{what}: the encrypted content is absent"
            )));
        }
    };
    pbe::decrypt(alg.whole, &content, password, budget).map_err(|e| pbe_error(e, None, what))
}

/// Maps a decryption or MAC failure to a [`StoreError`].
fn pbe_error(e: PbeError, entry: Option<usize>, what: &str) -> StoreError {
    match e {
        PbeError::WrongPassword => StoreError::WrongPassword,
        PbeError::Malformed(m) => StoreError::Malformed {
            entry,
            what: format!("{what}: {m}"),
        },
        PbeError::Unsupported(m) => {
            StoreError::Unsupported(format!("{what} uses {m}, which trustpath does not read"))
        }
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
    budget: pbe::Budget,
    bag_index: usize,
    private_key_count: usize,
    unfriendly_counter: usize,
    serial: u64,
    entries: Vec<(String, u64, Entry)>,
    /// Position in `entries` by lower-cased alias (a file of N bags is read in time linear in N).
    positions: std::collections::HashMap<String, usize>,
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
        match self.positions.get(&key) {
            Some(&at) => self.entries[at] = (key, self.serial, entry),
            None => {
                self.positions.insert(key.clone(), self.entries.len());
                self.entries.push((key, self.serial, entry));
            }
        }
        self.serial
    }

    fn load_safe_contents(&mut self, data: &[u8], password: &str) -> Result<(), StoreError> {
        let mut bags = Reader::new(data)
            .sequence("SafeContents")
            .map_err(StoreError::malformed)?;
        let mut i = 0usize;
        while !bags.is_empty() {
            let index = self.bag_index;
            self.bag_index += 1;
            if index >= MAX_ENTRIES {
                return Err(StoreError::malformed(format!(
                    "more than {MAX_ENTRIES} bags"
                )));
            }
            self.load_bag(&mut bags, index, i, password)?;
            i += 1;
        }
        Ok(())
    }

    /// Reads bag `index` (the `i`-th of its SafeContents) and applies the JDK's rules to it.
    fn load_bag(
        &mut self,
        bags: &mut Reader<'_>,
        index: usize,
        i: usize,
        password: &str,
    ) -> Result<(), StoreError> {
        let e = |m: String| StoreError::in_entry(index, m);
        let mut bag = bags.sequence("SafeBag").map_err(e)?;
        let bag_id = bag.oid("bag type").map_err(e)?;
        let mut value = bag.explicit0("bag value").map_err(e)?;
        let attributes = if bag.is_empty() {
            BagAttributes::default()
        } else {
            read_attributes(bag.set("bag attributes").map_err(e)?).map_err(e)?
        };

        let item = if bag_id == oid::SHROUDED_KEY_BAG.as_bytes() {
            let epki = value.element("EncryptedPrivateKeyInfo").map_err(e)?;
            let key = decrypt_epki(epki.whole, password, &mut self.budget)
                .map_err(|err| pbe_error(err, Some(index), "private key"))?;
            check_pkcs8(&key)
                .map_err(|m| StoreError::in_entry(index, format!("decrypted private key: {m}")))?;
            self.private_key_count += 1;
            BagItem::PrivateKey(key)
        } else if bag_id == oid::CERT_BAG.as_bytes() {
            let mut cert_bag = value.sequence("CertBag").map_err(e)?;
            cert_bag.oid("certificate type").map_err(e)?;
            let der = cert_bag
                .explicit0("certificate value")
                .and_then(|mut v| v.octet_string("certificate value"))
                .map_err(e)?;
            let cert = Certificate::from_der(der.into_owned())
                .map_err(|err| e(format!("certificate bag: {err}")))?;
            BagItem::Cert(cert)
        } else if bag_id == oid::SECRET_BAG.as_bytes() {
            let mut secret_bag = value.sequence("SecretBag").map_err(e)?;
            secret_bag.oid("secret type").map_err(e)?;
            let sealed = secret_bag
                .explicit0("secret value")
                .and_then(|mut v| v.octet_string("secret value"))
                .map_err(e)?;
            let plain = decrypt_epki(&sealed, password, &mut self.budget)
                .map_err(|err| pbe_error(err, Some(index), "secret key"))?;
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
            BagItem::PrivateKey(key) => {
                let body = EntryBody::PrivateKey(PrivateKeyEntry {
                    key: KeyMaterial::Pkcs8(key),
                    chain: Vec::new(),
                    local_key_id: None,
                });
                self.add_key(body, friendly_name, local_key_id);
            }
            BagItem::SecretKey(key) => {
                self.add_key(EntryBody::SecretKey(key), friendly_name, local_key_id);
            }
            BagItem::Cert(cert) => {
                let key_id = local_key_id
                    .or_else(|| (self.private_key_count == 1 && i == 0).then(|| b"01".to_vec()));
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

    /// Adds a private or secret key entry by the JDK's rules: a lone private key without localKeyId gets
    /// id "01" (further ones are skipped), a secret key without one gets "00"; an entry without
    /// friendlyName gets the next numbered alias.
    fn add_key(
        &mut self,
        mut body: EntryBody,
        friendly_name: Option<String>,
        local_key_id: Option<Vec<u8>>,
    ) {
        let is_private = matches!(body, EntryBody::PrivateKey(_));
        let key_id = match local_key_id {
            Some(id) => id,
            None if is_private && self.private_key_count == 1 => b"01".to_vec(),
            None if is_private => return,
            None => b"00".to_vec(),
        };
        let alias = match friendly_name {
            Some(a) => a,
            None => self.unfriendly_name(),
        };
        if let EntryBody::PrivateKey(pk) = &mut body {
            pk.local_key_id = Some(key_id.clone());
        }
        let serial = self.put(Entry {
            alias: alias.clone(),
            created_ms: created_from_key_id(&key_id),
            body,
        });
        if is_private {
            self.keys.push(PendingKey {
                serial,
                key_id,
                alias,
            });
        }
    }

    /// Links keys to their chains and returns the entries in order.
    fn finish(mut self) -> Vec<Entry> {
        let keys = std::mem::take(&mut self.keys);
        for key in keys {
            let chain = self.chain_for(&key);
            let slot = self.entries.iter_mut().find(|(_, s, _)| *s == key.serial);
            if let Some((
                _,
                _,
                Entry {
                    body: EntryBody::PrivateKey(pk),
                    ..
                },
            )) = slot
            {
                pk.chain = chain;
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
            let alias_eq = c
                .alias
                .as_deref()
                .is_some_and(|a| a.to_lowercase() == key.alias.to_lowercase());
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
    std::str::from_utf8(key_id)
        .ok()?
        .strip_prefix("Time ")?
        .parse()
        .ok()
}

fn read_attributes(mut set: Reader<'_>) -> Result<BagAttributes, String> {
    let mut out = BagAttributes::default();
    while !set.is_empty() {
        let mut attribute = set.sequence("bag attribute")?;
        let attr_oid = attribute.oid("bag attribute type")?;
        let mut values = attribute.set("bag attribute values")?;
        if values.is_empty() {
            return Err(format!(
                "attribute {} has no value",
                oid_to_string(attr_oid)
            ));
        }
        if attr_oid == oid::FRIENDLY_NAME.as_bytes() {
            let name = values.expect(ber::BMP_STRING, "friendlyName")?;
            out.friendly_name = Some(
                asn1::utf16be_to_string(name, "BMPString")
                    .map_err(|m| format!("friendlyName: {m}"))?,
            );
        } else if attr_oid == oid::LOCAL_KEY_ID.as_bytes() {
            out.local_key_id = Some(values.octet_string("localKeyId")?.into_owned());
        } else if attr_oid == oid::ORACLE_TRUSTED_KEY_USAGE.as_bytes() {
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
fn decrypt_epki(
    epki: &[u8],
    password: &str,
    budget: &mut pbe::Budget,
) -> Result<Vec<u8>, PbeError> {
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
    Ok(pbe::decrypt(alg.whole, &data, password, budget)?.0)
}

/// Checks that bytes look like a PKCS#8 `PrivateKeyInfo`: SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING, … }.
pub(super) fn check_pkcs8(key: &[u8]) -> Result<(), String> {
    key_algorithm(key).map(|_| ())
}

/// The algorithm OID of a PKCS#8-shaped `SEQUENCE { INTEGER, SEQUENCE { OID, … }, OCTET STRING, … }`.
pub(super) fn key_algorithm(key: &[u8]) -> Result<Vec<u8>, String> {
    let mut outer = Reader::new(key);
    let mut info = outer.sequence("PrivateKeyInfo")?;
    if !outer.is_empty() {
        return Err(format!(
            "{} bytes after the PrivateKeyInfo",
            outer.remaining()
        ));
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
