//! PKCS#12 keystores, read and written the way the JDK's `sun.security.pkcs12.PKCS12KeyStore` does, so that
//! keytool and the JVM cannot tell trustpath's files from their own.
//!
//! What decides what the JVM sees (read in JDK 25's `PKCS12KeyStore.java`, checked with keytool and the
//! JVM of JDK 17 and 25 by `tests/pkcs12_keytool.rs`):
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

mod ber;
mod oid;
mod pbe;
mod read;
mod write;

pub use self::read::read;
pub use self::write::write;

use super::{Pkcs12Cipher, Pkcs12Mac, Pkcs12Protection, StoreError, TrustStore};

/// A source of salts and IVs: fills the buffer, or says why it could not.
pub(crate) type Random<'a> = dyn FnMut(&mut [u8]) -> Result<(), StoreError> + 'a;

/// Fills `buf` from the operating system's secure random source (through aws-lc-rs).
pub(crate) fn system_random(buf: &mut [u8]) -> Result<(), StoreError> {
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(buf)
        .map_err(|_| {
            StoreError::Unsupported("the system random number generator failed".to_owned())
        })
}

/// A DER encoding failure (only a length beyond 4 GiB fails) as a [`StoreError`].
fn der_error(e: crate::asn1::Error) -> StoreError {
    StoreError::Unsupported(format!("cannot encode the PKCS#12 structure: {e}"))
}

/// keytool 12+'s default bag cipher and MAC: PBES2 with AES-256-CBC and PBKDF2-HmacSHA256, 10,000
/// iterations; HmacPBESHA256 MAC, 10,000 iterations.
pub fn keytool_default_protection() -> Pkcs12Protection {
    Pkcs12Protection::Encrypted {
        cert_encryption: keytool_default_cipher(),
        mac: keytool_default_mac(),
    }
}

/// keytool 12+'s default bag cipher: PBES2 with AES-256-CBC and PBKDF2-HmacSHA256, 10,000 iterations.
pub fn keytool_default_cipher() -> Pkcs12Cipher {
    Pkcs12Cipher::Pbes2Aes256 { iterations: 10_000 }
}

/// keytool 12+'s default MAC: HmacPBESHA256 with 10,000 iterations.
pub fn keytool_default_mac() -> Pkcs12Mac {
    Pkcs12Mac {
        digest: "SHA-256".to_owned(),
        iterations: 10_000,
    }
}

/// The protection [`write()`] uses for `store` and `password`: the one read from the file when there is
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

#[cfg(test)]
mod tests {
    use super::write::{bag_attributes, cert_bag, data_content_info, rfc2253_subject, write_with};
    use super::*;
    use crate::asn1::{self, seq};
    use crate::cert::Certificate;
    use crate::truststore::{Entry, EntryBody, KeyMaterial, PrivateKeyEntry, StoreFormat};

    fn ca_cert(name: &str) -> Certificate {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Lab, Inc.");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        Certificate::from_der(cert.der().to_vec()).unwrap()
    }

    fn trust_store(certs: &[(&str, Certificate)]) -> TrustStore {
        let mut store = TrustStore::new(StoreFormat::Pkcs12);
        for (alias, cert) in certs {
            store
                .entries
                .push(Entry::trusted(*alias, cert.clone(), None));
        }
        store
    }

    /// A password-less PFX holding `bags` in one clear SafeContents.
    fn password_less_pfx(bags: &[&[u8]]) -> Vec<u8> {
        let contents = seq(bags).unwrap();
        let auth_safe = seq(&[&data_content_info(&contents).unwrap()]).unwrap();
        seq(&[
            &asn1::uint(3).unwrap(),
            &data_content_info(&auth_safe).unwrap(),
        ])
        .unwrap()
    }

    /// A "random" source that counts: the same sequence of bytes on every run.
    fn counting_random() -> impl FnMut(&mut [u8]) -> Result<(), StoreError> {
        let mut next = 0u8;
        move |buf: &mut [u8]| {
            for b in buf.iter_mut() {
                *b = next;
                next = next.wrapping_add(1);
            }
            Ok(())
        }
    }

    #[test]
    fn the_same_store_password_and_random_source_write_the_same_bytes() {
        let root = ca_cert("Lab CA");
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["app.lab.test".to_owned()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2025, 1, 2);
        let leaf = params.self_signed(&leaf_key).unwrap();
        let mut store = trust_store(&[("root", root)]);
        // A key with no creation time and no localKeyId (as from a PKCS#12 file written by another tool).
        store.entries.push(Entry {
            alias: "server".to_owned(),
            created_ms: None,
            body: EntryBody::PrivateKey(PrivateKeyEntry {
                key: KeyMaterial::Pkcs8(leaf_key.serialize_der()),
                chain: vec![Certificate::from_der(leaf.der().to_vec()).unwrap()],
                local_key_id: None,
            }),
        });
        store.pkcs12_protection = Some(Pkcs12Protection::Encrypted {
            cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations: 100 },
            mac: Pkcs12Mac {
                digest: "SHA-256".to_owned(),
                iterations: 100,
            },
        });
        let first = write_with(&store, "changeit", &mut counting_random()).unwrap();
        let second = write_with(&store, "changeit", &mut counting_random()).unwrap();
        assert_eq!(first, second);
        // The key's localKeyId is keytool's "Time <ms>" for its certificate's notBefore, not the clock.
        let back = read(&first, "changeit").unwrap();
        let server = &back.entries[back.find_alias("server").unwrap()];
        let EntryBody::PrivateKey(pk) = &server.body else {
            panic!("{server:?}");
        };
        assert_eq!(pk.local_key_id.as_deref(), Some(&b"Time 1735776000000"[..]));
        assert_eq!(server.created_ms, Some(1_735_776_000_000));
        // Password-less stores draw nothing at random: two plain writes are identical.
        let mut clear = trust_store(&[("a", ca_cert("A"))]);
        clear.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
        assert_eq!(write(&clear, "").unwrap(), write(&clear, "").unwrap());
    }

    #[test]
    fn every_protection_round_trips_and_is_detected_again() {
        let store = trust_store(&[
            ("Lab-CA", ca_cert("Lab CA")),
            ("other", ca_cert("Other CA")),
        ]);
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
                assert_eq!(
                    read(&bytes, "wrong"),
                    Err(StoreError::WrongPassword),
                    "{protection:?}"
                );
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
        assert_eq!(
            effective_protection(&store, ""),
            Pkcs12Protection::PasswordLess
        );
    }

    #[test]
    fn an_empty_maced_store_stays_a_truststore_on_rewrite() {
        let store = trust_store(&[]);
        let bytes = write(&store, "changeit").unwrap();
        let back = read(&bytes, "changeit").unwrap();
        assert_eq!(
            back.pkcs12_protection,
            Some(Pkcs12Protection::ClearCertsWithMac(keytool_default_mac()))
        );
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
        let attrs = bag_attributes(None, None, true).unwrap();
        let pfx = password_less_pfx(&[&cert_bag(&cert, &attrs).unwrap()]);
        let store = read(&pfx, "").unwrap();
        assert_eq!(store.entries.len(), 1);
        assert_eq!(store.entries[0].alias, "1");
        assert_eq!(
            store.pkcs12_protection,
            Some(Pkcs12Protection::PasswordLess)
        );
    }

    #[test]
    fn a_certificate_bag_without_the_oracle_attribute_is_no_entry() {
        let cert = ca_cert("A");
        let attrs = bag_attributes(Some("plain"), None, false).unwrap();
        let pfx = password_less_pfx(&[&cert_bag(&cert, &attrs).unwrap()]);
        assert!(read(&pfx, "").unwrap().entries.is_empty());
    }
}
