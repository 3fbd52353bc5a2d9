//! JCEKS against the real keytool and JVM (JDK 17 on PATH and any newer JDK under /usr/lib/jvm): stores
//! keytool makes (private keys, trusted certificates, secret keys) read as keytool lists them, and a
//! rewrite keeps every key usable by the JDK.

use crate::support;
use crate::support::javastore;

use javastore::{
    Listed, key_check, keytool, keytool_chain_store, list_ours, parse_list_rfc, rcgen_key_and_cert,
    scratch,
};
use trustpath::truststore::{
    Entry, EntryBody, KeyMaterial, PrivateKeyEntry, StoreFormat, jceks, jks,
};

const PASSWORD: &str = "changeit";

#[test]
fn keytool_made_jceks_reads_as_keytool_lists_it_and_our_rewrite_keeps_every_key() {
    if !support::have_tool("keytool") {
        return;
    }
    // One thread per JDK: each is a chain of JVM runs, mostly waiting on their start-up.
    std::thread::scope(|scope| {
        for (major, home) in support::jdks() {
            scope.spawn(move || {
                let dir = scratch("jceks", major);
                let made = dir.join("made.jceks");
                let made_s = made.to_str().unwrap();
                keytool_chain_store(&home, &dir, &made, "JCEKS", PASSWORD, "zürich-ca", false);
                keytool(
                    &home,
                    &[
                        "-genseckey",
                        "-alias",
                        "Sec-AES",
                        "-keyalg",
                        "AES",
                        "-keysize",
                        "128",
                        "-keystore",
                        made_s,
                        "-storetype",
                        "JCEKS",
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD,
                    ],
                );
                let listed = parse_list_rfc(&keytool(
                    &home,
                    &[
                        "-list",
                        "-rfc",
                        "-storetype",
                        "JCEKS",
                        "-keystore",
                        made_s,
                        "-storepass",
                        PASSWORD,
                    ],
                ));

                let bytes = std::fs::read(&made).unwrap();
                let store = jceks::read(&bytes, PASSWORD).unwrap();
                assert_eq!(store.format, StoreFormat::Jceks);
                assert_eq!(list_ours(&store), listed, "JDK {major}");
                assert_eq!(listed.len(), 4);
                assert!(
                    listed
                        .iter()
                        .any(|l| l.alias == "sec-aes" && l.kind == "SecretKeyEntry")
                );

                let (root, _) = rcgen_key_and_cert("New Root");
                let (gen_cert, gen_key) = rcgen_key_and_cert("Generated");
                let mut edited = store.clone();
                edited.entries.push(Entry::trusted(
                    "New-Root",
                    root.clone(),
                    Some(1_750_000_000_000),
                ));
                edited.entries.push(Entry {
                    alias: "Generated".to_owned(),
                    created_ms: Some(1_750_000_000_000),
                    body: EntryBody::PrivateKey(PrivateKeyEntry {
                        key: KeyMaterial::Pkcs8(gen_key),
                        chain: vec![gen_cert.clone()],
                        local_key_id: None,
                    }),
                });
                let written = jceks::write(&edited, PASSWORD).unwrap();
                let ours = dir.join("ours.jceks");
                std::fs::write(&ours, &written).unwrap();

                let mut want: Vec<Listed> = listed.clone();
                want.push(Listed {
                    alias: "generated".into(),
                    kind: "PrivateKeyEntry".into(),
                    certs: vec![gen_cert.sha256_hex()],
                });
                want.push(Listed {
                    alias: "new-root".into(),
                    kind: "trustedCertEntry".into(),
                    certs: vec![root.sha256_hex()],
                });
                want.sort_by(|a, b| a.alias.cmp(&b.alias));
                let relisted = parse_list_rfc(&keytool(
                    &home,
                    &[
                        "-list",
                        "-rfc",
                        "-storetype",
                        "JCEKS",
                        "-keystore",
                        ours.to_str().unwrap(),
                        "-storepass",
                        PASSWORD,
                    ],
                ));
                assert_eq!(relisted, want, "JDK {major}");

                // The JVM recovers the keytool-made keys (JCEKS protector), ours (JKS protector) and the sealed
                // secret key, and finds aliases whatever their case.
                let lines = key_check(
                    &home,
                    &dir,
                    &ours,
                    "JCEKS",
                    PASSWORD,
                    &["SEC-AES", "New-Root"],
                );
                assert_eq!(
                    lines,
                    [
                        "generated\tPrivateKeyEntry\tkey-ok",
                        "new-root\ttrustedCertEntry\t-",
                        "sec-aes\tSecretKeyEntry\tAES/16",
                        "server\tPrivateKeyEntry\tkey-ok",
                        "test-ca\tPrivateKeyEntry\tkey-ok",
                        "zürich-ca\ttrustedCertEntry\t-",
                        "lookup\tSEC-AES\tkeyEntry",
                        "lookup\tNew-Root\ttrustedCertEntry",
                    ],
                    "JDK {major}"
                );

                // Everything keytool wrote comes back byte-for-byte, and rewriting the unedited store reproduces it.
                let back = jceks::read(&written, PASSWORD).unwrap();
                for original in &store.entries {
                    let again = back
                        .entries
                        .iter()
                        .find(|e| e.alias == original.alias)
                        .unwrap();
                    assert!(again == original, "{} changed", original.alias);
                }
                assert!(
                    jceks::write(&store, PASSWORD).unwrap() == bytes,
                    "JDK {major}"
                );
                let _ = std::fs::remove_dir_all(&dir);
            });
        }
    });
}

#[test]
fn a_jks_store_converted_to_jceks_keeps_its_keys_usable() {
    if !support::have_tool("keytool") {
        return;
    }
    // small.jks keys are JKS-protected under a non-ASCII password; the JCEKS engine recovers that protector.
    let password = "pässwörd";
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/keytool/small.jks");
    let store = jks::read(&std::fs::read(src).unwrap(), password).unwrap();
    let bytes = jceks::write(&store, password).unwrap();
    assert_eq!(
        jceks::read(&bytes, password).unwrap().entries,
        store.entries
    );
    for (major, home) in support::jdks() {
        let dir = scratch("jceks-from-jks", major);
        let path = dir.join("converted.jceks");
        std::fs::write(&path, &bytes).unwrap();
        let lines = key_check(&home, &dir, &path, "JCEKS", password, &[]);
        assert_eq!(
            lines,
            [
                "ca\tPrivateKeyEntry\tkey-ok",
                "server\tPrivateKeyEntry\tkey-ok",
                "zürich-ca\ttrustedCertEntry\t-"
            ],
            "JDK {major}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_secret_key_from_elsewhere_is_not_written_into_jceks() {
    let mut store = trustpath::truststore::TrustStore::new(StoreFormat::Pkcs12);
    store.entries.push(Entry {
        alias: "hmac".to_owned(),
        created_ms: None,
        body: EntryBody::SecretKey(trustpath::truststore::OpaqueKey {
            blob: vec![0x30, 0x03, 0x02, 0x01, 0x00],
            algorithm: Some("HmacSHA256".to_owned()),
        }),
    });
    let err = jceks::write(&store, PASSWORD).unwrap_err().to_string();
    assert!(
        err.starts_with("entry 'hmac' is a secret key that did not come from a jceks store"),
        "{err}"
    );
}

#[test]
fn a_sealed_secret_key_unseals_to_the_algorithm_keytool_gave_it() {
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/keytool/small.jceks");
    let store = jceks::read(&std::fs::read(src).unwrap(), PASSWORD).unwrap();
    let EntryBody::SecretKey(key) = &store
        .entries
        .iter()
        .find(|e| e.alias == "aes")
        .unwrap()
        .body
    else {
        panic!("aes is not a secret key");
    };
    assert_eq!(jceks::secret_key_algorithm(key, PASSWORD).unwrap(), "AES");
    let err = jceks::secret_key_algorithm(key, "wrong")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot unseal the secret key"), "{err}");
}
