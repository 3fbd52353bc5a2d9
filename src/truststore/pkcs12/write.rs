//! Writing PKCS#12 exactly as keytool lays it out: keys first, then certificates (encrypted or in clear),
//! then the MAC; bag attributes in keytool's order.

use std::borrow::Cow;

use super::read::{check_pkcs8, key_algorithm};
use super::{Random, der_error, effective_protection, keytool_default_cipher, oid, pbe};
use crate::asn1::{self, CONTEXT_0, Tag, seq, tlv};
use crate::cert::Certificate;
use crate::truststore::keyprotect;
use crate::truststore::{
    Entry, EntryBody, KeyMaterial, OpaqueKey, Pkcs12Cipher, Pkcs12Protection, PrivateKeyEntry,
    StoreError, TrustStore,
};

/// Writes `store` as PKCS#12 under `password`, keeping the protection it was read with (see
/// [`effective_protection`] for a new store).
///
/// Keys still under the JKS/JCEKS key protector are opened with `password`, as `keytool -importkeystore`
/// does with the source store password.
///
/// Refused, with a message saying why: aliases that differ only in case (the JDK would keep one), keys
/// under the JKS/JCEKS key protector that `password` does not open, secret keys that did not come
/// from a PKCS#12 file, and any store that needs a password (a MAC, encrypted certificates, or keys)
/// when `password` is empty or not ASCII (the JDK refuses non-ASCII PKCS#12 passwords).
///
/// Salts and IVs come from the system's secure random source; nothing else varies between two writes
/// of the same store.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    write_with(store, password, &mut super::system_random)
}

/// [`write()`] with salts and IVs drawn from `random`: the output is a function of the store, the
/// password and what `random` gives. A key entry with no creation time (read from a PKCS#12 file whose
/// localKeyId is not keytool's "Time …") keeps its localKeyId; when it needs a new one, it is keytool's
/// "Time <ms>" for its certificate's notBefore (a secret key: the epoch), never the clock.
pub(crate) fn write_with(
    store: &TrustStore,
    password: &str,
    random: &mut Random<'_>,
) -> Result<Vec<u8>, StoreError> {
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
    let needs_password = !matches!(protection, Pkcs12Protection::PasswordLess) || store.has_keys();
    if needs_password && !password.is_ascii() {
        return Err(StoreError::Unsupported(
            "the JDK opens PKCS#12 stores only with an ASCII password (keytool: \"Password is not ASCII\"); \
             choose a password without accents or symbols beyond ASCII"
                .to_owned(),
        ));
    }
    let key_cipher = key_cipher_for(&protection);

    let mut key_bags: Vec<Vec<u8>> = Vec::new();
    let mut cert_bags: Vec<Vec<u8>> = Vec::new();
    let mut key_ids = KeyIds::default();
    for (index, entry) in store.entries.iter().enumerate() {
        match &entry.body {
            EntryBody::TrustedCert(cert) => {
                let attrs = bag_attributes(Some(&entry.alias), None, true).map_err(der_error)?;
                cert_bags.push(cert_bag(cert, &attrs).map_err(der_error)?);
            }
            EntryBody::PrivateKey(pk) => {
                let created_ms = entry.created_ms.or_else(|| {
                    pk.chain
                        .first()
                        .map(|leaf| leaf.info().not_before.saturating_mul(1000))
                });
                let key_id = key_ids.assign(pk.local_key_id.clone(), created_ms);
                let attrs =
                    bag_attributes(Some(&entry.alias), Some(&key_id), false).map_err(der_error)?;
                key_bags.push(shrouded_key_bag(
                    index,
                    entry,
                    pk,
                    (&key_cipher, password, &mut *random),
                    &attrs,
                )?);
                // keytool: the leaf carries the key's alias and localKeyId, the rest of the chain its
                // subject name as friendlyName.
                for (i, cert) in pk.chain.iter().enumerate() {
                    let attrs = if i == 0 {
                        attrs.clone()
                    } else {
                        bag_attributes(rfc2253_subject(cert).as_deref(), None, false)
                            .map_err(der_error)?
                    };
                    cert_bags.push(cert_bag(cert, &attrs).map_err(der_error)?);
                }
            }
            EntryBody::SecretKey(key) => {
                let key_id = key_ids.assign(None, entry.created_ms);
                let attrs =
                    bag_attributes(Some(&entry.alias), Some(&key_id), false).map_err(der_error)?;
                key_bags.push(secret_bag(
                    &entry.alias,
                    key,
                    (&key_cipher, password, &mut *random),
                    &attrs,
                )?);
            }
        }
    }

    let mut safes: Vec<Vec<u8>> = Vec::new();
    if !key_bags.is_empty() {
        let contents = seq(&slices(&key_bags)).map_err(der_error)?;
        safes.push(data_content_info(&contents).map_err(der_error)?);
    }
    if !cert_bags.is_empty() {
        let contents = seq(&slices(&cert_bags)).map_err(der_error)?;
        safes.push(cert_content_info(&contents, &protection, password, random)?);
    }
    let auth_safe = seq(&slices(&safes)).map_err(der_error)?;
    let mut pfx: Vec<Vec<u8>> = vec![
        asn1::uint(3).map_err(der_error)?,
        data_content_info(&auth_safe).map_err(der_error)?,
    ];
    match &protection {
        Pkcs12Protection::PasswordLess => {}
        Pkcs12Protection::ClearCertsWithMac(mac) | Pkcs12Protection::Encrypted { mac, .. } => {
            pfx.push(pbe::mac_data(mac, &auth_safe, password, random)?);
        }
    }
    seq(&slices(&pfx)).map_err(der_error)
}

/// How a bag is encrypted: the cipher, the store password and the source of salts and IVs.
type Encryption<'a, 'r> = (&'a Pkcs12Cipher, &'a str, &'a mut Random<'r>);

/// A `pkcs8ShroudedKeyBag` for entry `index`.
fn shrouded_key_bag(
    index: usize,
    entry: &Entry,
    pk: &PrivateKeyEntry,
    (cipher, password, random): Encryption<'_, '_>,
    attrs: &[u8],
) -> Result<Vec<u8>, StoreError> {
    let pkcs8: Cow<'_, [u8]> = match &pk.key {
        KeyMaterial::Pkcs8(der) => Cow::Borrowed(der),
        // A JKS/JCEKS key protected with this store's password (keytool's default, and what PKCS#12
        // requires of its keys), as `keytool -importkeystore` takes it.
        KeyMaterial::JavaProtected(epki) => match keyprotect::recover(epki, password) {
            Ok(der) => Cow::Owned(der),
            Err(e) => {
                return Err(StoreError::Unsupported(format!(
                    "private key {:?} is under the JKS/JCEKS key protector and does not open with the PKCS#12 \
                     store password ({e}); a PKCS#12 key must use the store password, so first change its key \
                     password to it (keytool -keypasswd)",
                    entry.alias
                )));
            }
        },
    };
    let pkcs8 = pkcs8.as_ref();
    check_pkcs8(pkcs8).map_err(|m| StoreError::in_entry(index, format!("private key: {m}")))?;
    let (alg, encrypted) = pbe::encrypt(cipher, pkcs8, password, random)?;
    (|| {
        let epki = seq(&[&alg, &asn1::octets(&encrypted)?])?;
        safe_bag(&oid::SHROUDED_KEY_BAG, &epki, attrs)
    })()
    .map_err(der_error)
}

/// A `secretBag` as the JDK writes it: the key sealed like a PKCS#8 key, in an `EncryptedPrivateKeyInfo`.
fn secret_bag(
    alias: &str,
    key: &OpaqueKey,
    (cipher, password, random): Encryption<'_, '_>,
    attrs: &[u8],
) -> Result<Vec<u8>, StoreError> {
    if key_algorithm(&key.blob).is_err() {
        return Err(StoreError::Unsupported(format!(
            "secret key {alias:?} was not read from a PKCS#12 file (JCEKS seals secret keys as Java objects); \
             trustpath cannot re-encode it: keep the store as JCEKS or delete the entry"
        )));
    }
    let (alg, encrypted) = pbe::encrypt(cipher, &key.blob, password, random)?;
    (|| {
        let epki = seq(&[&alg, &asn1::octets(&encrypted)?])?;
        let secret = seq(&[
            &asn1::oid(&oid::SHROUDED_KEY_BAG)?,
            &tlv(CONTEXT_0, &asn1::octets(&epki)?)?,
        ])?;
        safe_bag(&oid::SECRET_BAG, &secret, attrs)
    })()
    .map_err(der_error)
}

/// The certificates' `ContentInfo`: data in clear, or `EncryptedData` under the store's cipher.
fn cert_content_info(
    contents: &[u8],
    protection: &Pkcs12Protection,
    password: &str,
    random: &mut Random<'_>,
) -> Result<Vec<u8>, StoreError> {
    match protection {
        Pkcs12Protection::PasswordLess | Pkcs12Protection::ClearCertsWithMac(_) => {
            data_content_info(contents).map_err(der_error)
        }
        Pkcs12Protection::Encrypted {
            cert_encryption, ..
        } => {
            let (alg, encrypted) = pbe::encrypt(cert_encryption, contents, password, random)?;
            (|| {
                let info = seq(&[
                    &asn1::oid(&oid::DATA)?,
                    &alg,
                    &tlv(asn1::CONTEXT_0_PRIMITIVE, &encrypted)?,
                ])?;
                let encrypted_data = seq(&[&asn1::uint(0)?, &info])?;
                seq(&[
                    &asn1::oid(&oid::ENCRYPTED_DATA)?,
                    &tlv(CONTEXT_0, &encrypted_data)?,
                ])
            })()
            .map_err(der_error)
        }
    }
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
            cert_encryption:
                Pkcs12Cipher::Rc2_40 { iterations } | Pkcs12Cipher::TripleDes { iterations },
            ..
        } => Pkcs12Cipher::TripleDes {
            iterations: *iterations,
        },
        _ => keytool_default_cipher(),
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

/// The localKeyIds given out so far: each key keeps the one it was read with, else gets keytool's
/// "Time <creation ms>" (the epoch when the creation time is unknown), made unique within the store.
#[derive(Default)]
struct KeyIds {
    used: Vec<Vec<u8>>,
}

impl KeyIds {
    fn assign(&mut self, read: Option<Vec<u8>>, created_ms: Option<i64>) -> Vec<u8> {
        if let Some(id) = read
            && !self.used.contains(&id)
        {
            self.used.push(id.clone());
            return id;
        }
        let mut ms = created_ms.unwrap_or(0);
        loop {
            let id = format!("Time {ms}").into_bytes();
            if !self.used.contains(&id) {
                self.used.push(id.clone());
                return id;
            }
            ms += 1;
        }
    }
}

fn slices(parts: &[Vec<u8>]) -> Vec<&[u8]> {
    parts.iter().map(Vec::as_slice).collect()
}

/// `ContentInfo { data, [0] OCTET STRING content }`.
pub(super) fn data_content_info(content: &[u8]) -> asn1::Result<Vec<u8>> {
    seq(&[
        &asn1::oid(&oid::DATA)?,
        &tlv(CONTEXT_0, &asn1::octets(content)?)?,
    ])
}

/// `SafeBag { bagId, [0] value, attributes }`.
fn safe_bag(
    bag_id: &asn1::ObjectIdentifier,
    value: &[u8],
    attributes: &[u8],
) -> asn1::Result<Vec<u8>> {
    seq(&[&asn1::oid(bag_id)?, &tlv(CONTEXT_0, value)?, attributes])
}

pub(super) fn cert_bag(cert: &Certificate, attributes: &[u8]) -> asn1::Result<Vec<u8>> {
    let value = seq(&[
        &asn1::oid(&oid::X509_CERTIFICATE)?,
        &tlv(CONTEXT_0, &asn1::octets(cert.der())?)?,
    ])?;
    safe_bag(&oid::CERT_BAG, &value, attributes)
}

/// The bag attribute SET in keytool's order: friendlyName, localKeyId, trustedKeyUsage (anyExtendedKeyUsage).
/// Empty (no SET at all) when there is nothing to say, as keytool writes it.
pub(super) fn bag_attributes(
    friendly_name: Option<&str>,
    local_key_id: Option<&[u8]>,
    trusted: bool,
) -> asn1::Result<Vec<u8>> {
    let mut attrs: Vec<Vec<u8>> = Vec::new();
    if let Some(name) = friendly_name {
        let value = tlv(Tag::BmpString, &asn1::utf16be(name))?;
        attrs.push(seq(&[
            &asn1::oid(&oid::FRIENDLY_NAME)?,
            &asn1::set(&[&value])?,
        ])?);
    }
    if let Some(id) = local_key_id {
        let value = asn1::octets(id)?;
        attrs.push(seq(&[
            &asn1::oid(&oid::LOCAL_KEY_ID)?,
            &asn1::set(&[&value])?,
        ])?);
    }
    if trusted {
        let value = asn1::oid(&oid::ANY_EXTENDED_KEY_USAGE)?;
        attrs.push(seq(&[
            &asn1::oid(&oid::ORACLE_TRUSTED_KEY_USAGE)?,
            &asn1::set(&[&value])?,
        ])?);
    }
    if attrs.is_empty() {
        return Ok(Vec::new());
    }
    asn1::set(&slices(&attrs))
}

/// The subject in RFC 2253 form, as Java's `X500Principal.getName()` prints it (keytool's friendlyName for
/// the non-leaf certificates of a chain). `None` when the certificate does not parse.
pub(super) fn rfc2253_subject(cert: &Certificate) -> Option<String> {
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
