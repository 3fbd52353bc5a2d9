//! Stores: damaged JKS, JCEKS, PKCS#12, PEM bundles and DER certificates; a 100 MB store and one over the
//! store limit; `/dev/zero`; a PKCS#12 file whose items declare more key-derivation work than a read
//! spends.

use std::path::{Path, PathBuf};

use super::{HUNDRED_MB, bit_flips, damaged, refused, sparse, truncations};
use crate::support::certs;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn damaged_stores_of_every_format_end_in_a_clear_error_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Hostile Root");
    let bundle = format!("{}{}", root.pem(), certs::root("Other Root").pem());
    let sources: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "jks",
            std::fs::read(fixture("testcerts/keytool/small.jks")).unwrap(),
            "pässwörd",
        ),
        (
            "jceks",
            std::fs::read(fixture("testcerts/keytool/small.jceks")).unwrap(),
            "changeit",
        ),
        (
            "p12",
            std::fs::read(fixture("testcerts/keytool-p12/jdk17-default.p12")).unwrap(),
            "changeit",
        ),
        (
            "legacy-p12",
            std::fs::read(fixture("testcerts/keytool-p12/jdk17-legacy.p12")).unwrap(),
            "changeit",
        ),
        ("pem", bundle.into_bytes(), "changeit"),
        ("der", root.der(), "changeit"),
    ];
    let mut runs = 0;
    let mut refusals = 0;
    for (name, bytes, password) in &sources {
        let variants = truncations(bytes, 8).into_iter().chain(bit_flips(bytes, 8));
        for (i, variant) in variants.enumerate() {
            let path = dir.path().join(format!("{name}-{i}"));
            std::fs::write(&path, &variant).unwrap();
            let w = damaged(&[
                "store".as_ref(),
                "list".as_ref(),
                path.as_os_str(),
                "--storepass".as_ref(),
                password.as_ref(),
            ]);
            runs += 1;
            if w.code == Some(2) {
                refusals += 1;
                assert!(
                    w.stderr.contains(&path.display().to_string()),
                    "the error names the file: {}",
                    w.stderr
                );
            }
        }
    }
    // Every truncation (a cut store never reads) and most flips are refused.
    assert!(refusals >= runs / 2, "{refusals} of {runs} refused");
}

#[test]
fn a_hundred_megabyte_store_and_dev_zero_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A JKS header declaring two billion entries, then zeros.
    let jks = d.join("huge.jks");
    sparse(
        &jks,
        &[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0x7F, 0xFF, 0xFF, 0xFF],
        HUNDRED_MB,
    );
    refused(&["store", "list", jks.to_str().unwrap()], &["huge.jks"]);
    // A PEM block that never ends.
    let pem = d.join("huge.pem");
    sparse(&pem, b"-----BEGIN CERTIFICATE-----\n", HUNDRED_MB);
    refused(&["store", "list", pem.to_str().unwrap()], &["huge.pem"]);
    // Over the store limit: refused from its size, before a byte is read.
    let over = d.join("over.p12");
    sparse(&over, &[0x30, 0x84], 300 * 1024 * 1024);
    let w = refused(
        &["store", "list", over.to_str().unwrap()],
        &[
            "over.p12",
            "larger than the 268435456-byte limit for a store",
        ],
    );
    assert!(w.max_rss_kib < 64 * 1024, "{}", w.summary());
    refused(
        &["store", "list", "/dev/zero"],
        &["/dev/zero: is a character device, not a file"],
    );
    refused(
        &[
            "store",
            "import",
            d.join("new.p12").to_str().unwrap(),
            "/dev/zero",
        ],
        &["/dev/zero: is a character device"],
    );
    assert!(!d.join("new.p12").exists());
}

#[test]
fn a_pkcs12_file_declaring_more_key_derivation_than_a_read_spends_is_refused_at_once() {
    // keytool's legacy PKCS#12 (3DES keys and RC2 certificates at 50,000 iterations, the MAC at
    // 100,000), every count raised to the JDK's per-item maximum of 5,000,000: 20,000,000 in all.
    let mut bytes = std::fs::read(fixture("testcerts/keytool-p12/jdk17-legacy.p12")).unwrap();
    let mut patched = 0;
    for from in [[2u8, 3, 0, 0xC3, 0x50], [2, 3, 1, 0x86, 0xA0]] {
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(5).position(|w| w == from) {
            bytes[at + i..at + i + 5].copy_from_slice(&[2, 3, 0x4C, 0x4B, 0x40]);
            at += i + 5;
            patched += 1;
        }
    }
    assert_eq!(
        patched, 4,
        "the fixture's three PBE counts and its MAC count"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.p12");
    std::fs::write(&path, &bytes).unwrap();
    let w = refused(
        &["store", "list", path.to_str().unwrap()],
        &[
            "declare 20000000 key-derivation iterations",
            "more than the 10000000 a read spends",
        ],
    );
    assert!(
        w.wall.as_secs() < 10,
        "refused before any derivation: {}",
        w.summary()
    );
}
