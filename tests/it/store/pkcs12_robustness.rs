//! The PKCS#12 reader on hostile input: every truncation and byte flip of small stores yields a result or
//! an error, never a panic or a giant allocation; errors name the entry and what was wrong; the writer
//! refuses what it cannot write faithfully.

use crate::support;

use trustpath::cert::Certificate;
use trustpath::truststore::{
    Entry, EntryBody, KeyMaterial, OpaqueKey, Pkcs12Cipher, Pkcs12Mac, Pkcs12Protection,
    PrivateKeyEntry, StoreError, StoreFormat, TrustStore, keyprotect, pkcs12,
};

const PW: &str = "changeit";

/// A self-signed certificate and its PKCS#8 key.
fn self_signed(name: &str) -> (Certificate, Vec<u8>) {
    let issued = support::certs::root(name);
    (
        Certificate::from_der(issued.der()).unwrap(),
        issued.key.serialize_der(),
    )
}

fn fast_mac() -> Pkcs12Mac {
    Pkcs12Mac {
        digest: "SHA-256".to_owned(),
        iterations: 100,
    }
}

/// A password-less store of two trusted certificates.
fn password_less_store() -> Vec<u8> {
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store
        .entries
        .push(Entry::trusted("first", self_signed("first").0, None));
    store
        .entries
        .push(Entry::trusted("second", self_signed("second").0, None));
    store.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
    pkcs12::write(&store, "").unwrap()
}

/// An encrypted, MAC'd store with a private key and a trusted certificate (few iterations, to stay fast).
fn encrypted_store() -> Vec<u8> {
    let (cert, key) = self_signed("server");
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store.entries.push(Entry {
        alias: "server".to_owned(),
        created_ms: Some(1_700_000_000_000),
        body: EntryBody::PrivateKey(PrivateKeyEntry {
            key: KeyMaterial::Pkcs8(key),
            chain: vec![cert],
            local_key_id: None,
        }),
    });
    store
        .entries
        .push(Entry::trusted("ca", self_signed("ca").0, None));
    store.pkcs12_protection = Some(Pkcs12Protection::Encrypted {
        cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations: 100 },
        mac: fast_mac(),
    });
    pkcs12::write(&store, PW).unwrap()
}

#[test]
fn every_truncation_of_a_store_is_an_error_and_never_a_panic() {
    for bytes in [password_less_store(), encrypted_store()] {
        assert!(pkcs12::read(&bytes, PW).is_ok());
        for len in 0..bytes.len() {
            let result = pkcs12::read(&bytes[..len], PW);
            assert!(
                result.is_err(),
                "a store cut to {len} of {} bytes was read",
                bytes.len()
            );
        }
    }
}

#[test]
fn byte_flips_in_a_password_less_store_never_panic() {
    let bytes = password_less_store();
    for offset in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut flipped = bytes.clone();
            flipped[offset] ^= mask;
            // Either outcome is fine (a flipped signature byte still parses); a panic fails the test.
            let _ = pkcs12::read(&flipped, PW);
        }
    }
}

#[test]
fn every_byte_flip_in_a_maced_store_is_detected() {
    let bytes = encrypted_store();
    for offset in 0..bytes.len() {
        for mask in [0x01u8, 0xff] {
            let mut flipped = bytes.clone();
            flipped[offset] ^= mask;
            let result = pkcs12::read(&flipped, PW);
            assert!(
                result.is_err(),
                "flipping byte {offset} with {mask:#04x} went unnoticed"
            );
        }
    }
}

#[test]
fn a_broken_certificate_is_reported_with_its_entry_index() {
    let bytes = password_less_store();
    let store = pkcs12::read(&bytes, "").unwrap();
    let second = store.entries[1].certificate().unwrap().der().to_vec();
    let at = bytes
        .windows(second.len())
        .position(|w| w == second.as_slice())
        .unwrap();
    let mut broken = bytes.clone();
    // The certificate's tbsCertificate SEQUENCE tag becomes a SET: no longer an X.509 certificate.
    broken[at + 4] = 0x31;
    let err = pkcs12::read(&broken, "").unwrap_err();
    match &err {
        StoreError::Malformed {
            entry: Some(1),
            what,
        } => assert!(what.contains("certificate"), "{what}"),
        other => panic!("expected a malformed entry 1, got {other:?}"),
    }
    assert!(err.to_string().starts_with("entry 1: "), "{err}");
}

#[test]
fn a_length_claiming_gigabytes_is_refused_without_allocating_it() {
    let mut bytes = vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff];
    bytes.extend_from_slice(&[0x02, 0x01, 0x03]);
    let err = pkcs12::read(&bytes, PW).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn deeply_nested_indefinite_lengths_are_refused() {
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend_from_slice(&[0x30, 0x80]);
    }
    let err = pkcs12::read(&bytes, PW).unwrap_err();
    assert!(err.to_string().contains("deeper"), "{err}");
}

#[test]
fn an_iteration_count_above_the_jdks_limit_is_refused_before_any_work() {
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store
        .entries
        .push(Entry::trusted("a", self_signed("a").0, None));
    store.pkcs12_protection = Some(Pkcs12Protection::ClearCertsWithMac(Pkcs12Mac {
        digest: "SHA-256".to_owned(),
        iterations: 100_000,
    }));
    let mut bytes = pkcs12::write(&store, PW).unwrap();
    // The MacData ends with INTEGER 100000 (02 03 01 86 a0); make it 8,388,607.
    let n = bytes.len();
    assert_eq!(&bytes[n - 5..], &[0x02, 0x03, 0x01, 0x86, 0xa0]);
    bytes[n - 3..].copy_from_slice(&[0x7f, 0xff, 0xff]);
    let err = pkcs12::read(&bytes, PW).unwrap_err();
    assert!(err.to_string().contains("8388607"), "{err}");
}

#[test]
fn trailing_bytes_after_the_store_are_an_error() {
    let mut bytes = password_less_store();
    bytes.extend_from_slice(b"junk");
    let err = pkcs12::read(&bytes, "").unwrap_err();
    assert!(err.to_string().contains("4 bytes follow"), "{err}");
}

#[test]
fn a_jks_protected_key_opens_with_the_store_password_and_is_refused_otherwise() {
    let (cert, pkcs8) = self_signed("server");
    let protected = keyprotect::jks_protect(&pkcs8, PW, [7u8; 20]).unwrap();
    let mut store = TrustStore::new(StoreFormat::Jks);
    store.entries.push(Entry {
        alias: "server".to_owned(),
        created_ms: None,
        body: EntryBody::PrivateKey(PrivateKeyEntry {
            key: KeyMaterial::JavaProtected(protected),
            chain: vec![cert],
            local_key_id: None,
        }),
    });
    let back = pkcs12::read(&pkcs12::write(&store, PW).unwrap(), PW).unwrap();
    let EntryBody::PrivateKey(read) = &back.entries[0].body else {
        panic!("server stays a private key");
    };
    assert_eq!(read.key, KeyMaterial::Pkcs8(pkcs8));

    let err = pkcs12::write(&store, "another-password").unwrap_err();
    assert!(matches!(err, StoreError::Unsupported(_)), "{err:?}");
    assert!(err.to_string().contains("keytool -keypasswd"), "{err}");
}

#[test]
fn a_secret_key_sealed_by_jceks_is_refused_rather_than_written_wrong() {
    let mut store = TrustStore::new(StoreFormat::Jceks);
    store.entries.push(Entry {
        alias: "aes".to_owned(),
        created_ms: None,
        body: EntryBody::SecretKey(OpaqueKey {
            blob: vec![0xac, 0xed, 0x00, 0x05],
            algorithm: Some("AES".to_owned()),
        }),
    });
    let err = pkcs12::write(&store, PW).unwrap_err();
    assert!(err.to_string().contains("JCEKS"), "{err}");
}

#[test]
fn a_store_with_keys_needs_a_password_even_when_password_less() {
    let (cert, key) = self_signed("server");
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store.entries.push(Entry {
        alias: "server".to_owned(),
        created_ms: None,
        body: EntryBody::PrivateKey(PrivateKeyEntry {
            key: KeyMaterial::Pkcs8(key),
            chain: vec![cert],
            local_key_id: None,
        }),
    });
    store.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
    let err = pkcs12::write(&store, "").unwrap_err();
    assert!(err.to_string().contains("give a store password"), "{err}");
    // With a password the keys are encrypted and the certificates stay in clear, with no MAC.
    let bytes = pkcs12::write(&store, PW).unwrap();
    let back = pkcs12::read(&bytes, PW).unwrap();
    assert_eq!(back.pkcs12_protection, Some(Pkcs12Protection::PasswordLess));
    let (EntryBody::PrivateKey(written), EntryBody::PrivateKey(read)) =
        (&store.entries[0].body, &back.entries[0].body)
    else {
        panic!("server stays a private key");
    };
    assert_eq!(read.key, written.key);
    assert_eq!(read.chain, written.chain);
    assert!(
        read.local_key_id
            .as_deref()
            .is_some_and(|id| id.starts_with(b"Time "))
    );
}

/// The stores the random-damage test starts from, made once per test binary.
fn stores() -> &'static [Vec<u8>] {
    static STORES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    STORES.get_or_init(|| vec![password_less_store(), encrypted_store()])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    #[test]
    fn random_damage_to_a_store_never_panics(
        which in 0usize..2,
        edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), 0u8..=255), 1..8),
        cut in proptest::prelude::any::<proptest::sample::Index>(),
        password in "[a-z]{0,8}",
    ) {
        let mut bytes = stores()[which].clone();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = bytes.len() - cut.index(bytes.len() / 4 + 1);
        bytes.truncate(keep);
        let _ = pkcs12::read(&bytes, &password);
    }
}

#[test]
fn a_non_ascii_password_is_refused_where_the_jdk_could_not_open_the_store() {
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store
        .entries
        .push(Entry::trusted("a", self_signed("a").0, None));
    let err = pkcs12::write(&store, "pässwörd").unwrap_err();
    assert!(err.to_string().contains("ASCII"), "{err}");
    // A password-less store does not use it.
    store.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
    assert!(pkcs12::write(&store, "pässwörd").is_ok());
}
