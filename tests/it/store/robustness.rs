//! Hostile and damaged JKS/JCEKS input: truncation at every offset of small keytool-made stores (and a
//! sample of offsets of the system cacerts), single-bit flips, absurd counts and lengths. Every case must
//! be an error that says where, never a panic and never a giant allocation.

use std::path::Path;

use trustpath::truststore::{EntryKind, StoreError, StoreFormat, jceks, jks};

const JKS_PASSWORD: &str = "pässwörd";
const JCEKS_PASSWORD: &str = "changeit";
const SYSTEM_CACERTS: &str = "/etc/ssl/certs/java/cacerts";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testcerts/keytool")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn kinds(store: &trustpath::truststore::TrustStore) -> Vec<(String, EntryKind)> {
    let mut v: Vec<_> = store
        .entries
        .iter()
        .map(|e| (e.alias.clone(), e.kind()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn the_committed_keytool_stores_read_as_their_script_describes() {
    let store = jks::read(&fixture("small.jks"), JKS_PASSWORD).unwrap();
    assert_eq!(store.format, StoreFormat::Jks);
    assert_eq!(
        kinds(&store),
        [
            ("ca".to_owned(), EntryKind::PrivateKey),
            ("server".to_owned(), EntryKind::PrivateKey),
            ("zürich-ca".to_owned(), EntryKind::TrustedCert),
        ]
    );
    let server = store.entries.iter().find(|e| e.alias == "server").unwrap();
    match &server.body {
        trustpath::truststore::EntryBody::PrivateKey(k) => assert_eq!(k.chain.len(), 2),
        other => panic!("server is {other:?}"),
    }

    let store = jceks::read(&fixture("small.jceks"), JCEKS_PASSWORD).unwrap();
    assert_eq!(store.format, StoreFormat::Jceks);
    assert_eq!(
        kinds(&store),
        [
            ("aes".to_owned(), EntryKind::SecretKey),
            ("ca".to_owned(), EntryKind::PrivateKey),
            ("server".to_owned(), EntryKind::PrivateKey),
            ("zürich-ca".to_owned(), EntryKind::TrustedCert),
        ]
    );
}

#[test]
fn rewriting_the_committed_stores_reproduces_them_byte_for_byte() {
    // Same entries, same order, same dates, same key blobs: the writer's output is the file keytool wrote.
    let bytes = fixture("small.jks");
    let store = jks::read(&bytes, JKS_PASSWORD).unwrap();
    assert!(jks::write(&store, JKS_PASSWORD).unwrap() == bytes);
    let bytes = fixture("small.jceks");
    let store = jceks::read(&bytes, JCEKS_PASSWORD).unwrap();
    assert!(jceks::write(&store, JCEKS_PASSWORD).unwrap() == bytes);
}

#[test]
fn a_wrong_password_is_reported_as_keytool_words_it() {
    let err = jks::read(&fixture("small.jks"), "changeit").unwrap_err();
    assert_eq!(err, StoreError::WrongPassword);
    assert_eq!(
        err.to_string(),
        "keystore was tampered with, or password was incorrect"
    );
    let err = jceks::read(&fixture("small.jceks"), "pässwörd").unwrap_err();
    assert_eq!(err, StoreError::WrongPassword);
}

/// Reads with the codec for `bytes`' format, with and without the password; both must not panic.
fn read_both(bytes: &[u8], jceks_format: bool, password: &str) -> (Result<(), StoreError>, bool) {
    let (checked, unchecked) = if jceks_format {
        (jceks::read(bytes, password), jceks::read_unverified(bytes))
    } else {
        (jks::read(bytes, password), jks::read_unverified(bytes))
    };
    (checked.map(|_| ()), unchecked.is_ok())
}

#[test]
fn truncating_a_store_at_any_offset_is_an_error_never_a_panic() {
    for (name, is_jceks, password) in [
        ("small.jks", false, JKS_PASSWORD),
        ("small.jceks", true, JCEKS_PASSWORD),
    ] {
        let bytes = fixture(name);
        for cut in 0..bytes.len() {
            let (checked, unchecked_ok) = read_both(&bytes[..cut], is_jceks, password);
            let err = checked.expect_err(&format!("{name} cut at {cut} must not read"));
            assert!(
                matches!(err, StoreError::Malformed { .. }),
                "{name} cut at {cut}: {err:?}"
            );
            assert!(!unchecked_ok, "{name} cut at {cut} read without a password");
        }
    }
}

#[test]
fn a_truncated_entry_is_named_by_its_index_and_alias() {
    let bytes = fixture("small.jks");
    let store = jks::read(&bytes, JKS_PASSWORD).unwrap();
    let last = store.entries.len() - 1;
    let err = jks::read(&bytes[..bytes.len() - 40], JKS_PASSWORD)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "entry {last}: alias '{}': ",
            store.entries[last].alias
        )),
        "{err}"
    );
    assert!(err.contains("cut short"), "{err}");
    let err = jks::read(&bytes[..bytes.len() - 10], JKS_PASSWORD)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("integrity digest is cut short"), "{err}");
}

#[test]
fn flipping_any_bit_of_a_store_is_caught() {
    for (name, is_jceks, password) in [
        ("small.jks", false, JKS_PASSWORD),
        ("small.jceks", true, JCEKS_PASSWORD),
    ] {
        let bytes = fixture(name);
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1 << (at % 8);
            let (checked, _) = read_both(&damaged, is_jceks, password);
            assert!(
                checked.is_err(),
                "{name} with a bit flipped at {at} still read"
            );
        }
    }
}

#[test]
fn the_system_cacerts_reads_and_survives_sampled_damage() {
    if !Path::new(SYSTEM_CACERTS).is_file() {
        eprintln!("SKIPPED: {SYSTEM_CACERTS} not present");
        return;
    }
    let bytes = std::fs::read(SYSTEM_CACERTS).unwrap();
    let store = jks::read(&bytes, "changeit").unwrap();
    assert!(store.entries.len() > 100, "{} entries", store.entries.len());
    assert!(
        store
            .entries
            .iter()
            .all(|e| e.kind() == EntryKind::TrustedCert)
    );
    assert!(
        store
            .entries
            .iter()
            .all(|e| e.certificate().unwrap().try_info().is_ok())
    );
    assert!(jks::write(&store, "changeit").unwrap() == bytes);

    // A prime stride walks through every part of every entry without trying all 165k offsets.
    for at in (0..bytes.len()).step_by(997) {
        assert!(jks::read(&bytes[..at], "changeit").is_err(), "cut at {at}");
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x80;
        assert!(jks::read(&damaged, "changeit").is_err(), "flip at {at}");
        let _ = jks::read_unverified(&damaged);
    }
}

/// A JKS header with `count` entries followed by `body` and a (wrong) digest.
fn jks_with(count: u32, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2];
    v.extend_from_slice(&count.to_be_bytes());
    v.extend_from_slice(body);
    v.extend_from_slice(&[0; 20]);
    v
}

fn entry_head(tag: u32, alias: &str) -> Vec<u8> {
    let mut v = tag.to_be_bytes().to_vec();
    v.extend_from_slice(&(alias.len() as u16).to_be_bytes());
    v.extend_from_slice(alias.as_bytes());
    v.extend_from_slice(&0i64.to_be_bytes());
    v
}

#[test]
fn absurd_counts_and_lengths_are_refused_with_the_limit_named() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            jks_with(u32::MAX, &[]),
            "entry count 4294967295 is over the limit",
        ),
        (
            jks_with(5, &[])[..12].to_vec(),
            "entry 0: entry tag is cut short",
        ),
        (
            jks_with(1, &entry_head(7, "x")),
            "entry 0: unknown entry tag 7",
        ),
        (
            jks_with(1, &entry_head(3, "x")),
            "entry 0: unknown entry tag 3; jks uses",
        ),
        (
            jks_with(
                1,
                &[entry_head(1, "k"), 0x7fff_ffffu32.to_be_bytes().to_vec()].concat(),
            ),
            "entry 0: alias 'k': private key length 2147483647 is over the 65536-byte limit",
        ),
        (
            jks_with(
                1,
                &[entry_head(1, "k"), 0xffff_fff0u32.to_be_bytes().to_vec()].concat(),
            ),
            "entry 0: alias 'k': private key length -16 is negative",
        ),
        (
            jks_with(
                1,
                &[
                    entry_head(1, "k"),
                    1u32.to_be_bytes().to_vec(),
                    vec![0x30],
                    1_000_000u32.to_be_bytes().to_vec(),
                ]
                .concat(),
            ),
            "entry 0: alias 'k': chain of 1000000 certificates is over the limit of 64",
        ),
        (
            jks_with(
                1,
                &[entry_head(2, "c"), vec![0, 5], b"X.511".to_vec()].concat(),
            ),
            "entry 0: alias 'c': certificate has type 'X.511'; only X.509 is supported",
        ),
        (
            jks_with(
                1,
                &[
                    entry_head(2, "c"),
                    vec![0, 5],
                    b"X.509".to_vec(),
                    0x00ff_ffffu32.to_be_bytes().to_vec(),
                ]
                .concat(),
            ),
            "entry 0: alias 'c': certificate length 16777215 is over the 65536-byte limit",
        ),
        (
            jks_with(
                1,
                &[
                    entry_head(2, "c"),
                    vec![0, 5],
                    b"X.509".to_vec(),
                    3u32.to_be_bytes().to_vec(),
                    vec![1, 2, 3],
                ]
                .concat(),
            ),
            "entry 0: alias 'c': certificate (3 bytes) is not one DER SEQUENCE",
        ),
        (
            jks_with(1, &[0, 0, 0, 2, 0, 2, 0xc3, 0x28]),
            "entry 0: alias: malformed modified UTF-8",
        ),
    ];
    for (bytes, want) in cases {
        let err = jks::read(&bytes, "x").unwrap_err().to_string();
        assert!(err.starts_with(want), "got {err:?}, want {want:?}");
    }
}

#[test]
fn a_damaged_sealed_secret_key_is_an_error_naming_its_entry() {
    let mut v = vec![0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1];
    v.extend_from_slice(&entry_head(3, "s"));
    // Serialization header, then objects nested far deeper than any sealed key.
    v.extend_from_slice(&[0xac, 0xed, 0x00, 0x05]);
    v.extend_from_slice(&[0x75; 4096]);
    v.extend_from_slice(&[0; 20]);
    let err = jceks::read(&v, "x").unwrap_err().to_string();
    assert!(
        err.starts_with("entry 0: alias 's': sealed secret key: "),
        "{err}"
    );

    let mut v = vec![0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1];
    v.extend_from_slice(&entry_head(3, "s"));
    v.extend_from_slice(&[0xac, 0xed, 0x00, 0x05, 0x74, 0x00, 0x01, b'a']);
    v.extend_from_slice(&[0; 20]);
    let err = jceks::read(&v, "x").unwrap_err().to_string();
    assert_eq!(
        err,
        "entry 0: alias 's': sealed secret key: starts with type code 0x74, not an object"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

    /// Several bytes overwritten and the end cut at random: the unverified readers (which parse without
    /// the digest's protection, so reach every branch) must answer, and the verified ones must refuse.
    #[test]
    fn random_damage_never_panics_and_is_caught_by_the_digest(
        jceks_store in proptest::bool::ANY,
        edits in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..8),
        keep in 0.5f64..=1.0,
    ) {
        let (name, password) = if jceks_store { ("small.jceks", JCEKS_PASSWORD) } else { ("small.jks", JKS_PASSWORD) };
        let original = fixture(name);
        let mut bytes = original.clone();
        for (at, value) in edits {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        bytes.truncate(((bytes.len() as f64) * keep) as usize);
        let (checked, _) = read_both(&bytes, jceks_store, password);
        if bytes != original {
            proptest::prop_assert!(checked.is_err());
        }
    }
}
