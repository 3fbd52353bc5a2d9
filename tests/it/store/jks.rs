//! JKS against the real keytool and JVM (JDK 17 on PATH and any newer JDK under /usr/lib/jvm): stores
//! keytool makes read as keytool lists them, and stores trustpath writes are listed, exported and have their
//! keys recovered by the JDK as if keytool had written them.

use crate::support;
use crate::support::javastore;

use javastore::{
    Listed, key_check, keytool, keytool_chain_store, list_ours, parse_list_rfc, rcgen_key_and_cert,
    scratch,
};
use trustpath::truststore::keyprotect::{self, Protector};
use trustpath::truststore::{
    Entry, EntryBody, KeyMaterial, PrivateKeyEntry, StoreError, StoreFormat, TrustStore, jceks, jks,
};

const PASSWORD: &str = "pässwörd";

/// The keytool integrity digest, computed independently of the codec.
fn integrity_digest(password: &str, body: &[u8]) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    let mut md = Sha1::new();
    md.update(
        password
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>(),
    );
    md.update(b"Mighty Aphrodite");
    md.update(body);
    md.finalize().to_vec()
}

fn java_protected(store: &TrustStore, alias: &str) -> Vec<u8> {
    match &store
        .entries
        .iter()
        .find(|e| e.alias == alias)
        .unwrap()
        .body
    {
        EntryBody::PrivateKey(PrivateKeyEntry {
            key: KeyMaterial::JavaProtected(b),
            ..
        }) => b.clone(),
        other => panic!("{alias} is {other:?}"),
    }
}

#[test]
fn keytool_made_jks_reads_as_keytool_lists_it_and_our_rewrite_is_accepted_by_the_jdk() {
    if !support::have_tool("keytool") {
        return;
    }
    // One thread per JDK: each is a chain of JVM runs, mostly waiting on their start-up.
    std::thread::scope(|scope| {
        for (major, home) in support::jdks() {
            scope.spawn(move || {
                let dir = scratch("jks", major);
                let made = dir.join("made.jks");
                keytool_chain_store(&home, &dir, &made, "JKS", PASSWORD, "zürich-ca", true);
                let listed = parse_list_rfc(&keytool(
                    &home,
                    &[
                        "-list",
                        "-rfc",
                        "-keystore",
                        made.to_str().unwrap(),
                        "-storepass",
                        PASSWORD,
                    ],
                ));

                // Read: the same aliases, kinds and certificates as keytool lists.
                let bytes = std::fs::read(&made).unwrap();
                let store = jks::read(&bytes, PASSWORD).unwrap();
                assert_eq!(store.format, StoreFormat::Jks);
                assert_eq!(list_ours(&store), listed, "JDK {major}");
                assert_eq!(listed.len(), 3);
                assert_eq!(
                    listed
                        .iter()
                        .find(|l| l.alias == "server")
                        .unwrap()
                        .certs
                        .len(),
                    2
                );

                // Rewrite with a new trusted certificate and a freshly generated (PKCS#8) key.
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
                        key: KeyMaterial::Pkcs8(gen_key.clone()),
                        chain: vec![gen_cert.clone()],
                        local_key_id: None,
                    }),
                });
                let ours = dir.join("ours.jks");
                std::fs::write(&ours, jks::write(&edited, PASSWORD).unwrap()).unwrap();
                let ours_s = ours.to_str().unwrap();

                // keytool lists what we wrote, with aliases lower-cased as the JDK itself would store them.
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
                    &["-list", "-rfc", "-keystore", ours_s, "-storepass", PASSWORD],
                ));
                assert_eq!(relisted, want, "JDK {major}");
                let one = keytool(
                    &home,
                    &[
                        "-list",
                        "-alias",
                        "New-Root",
                        "-keystore",
                        ours_s,
                        "-storepass",
                        PASSWORD,
                    ],
                );
                assert!(one.contains("trustedCertEntry"), "JDK {major}: {one}");
                let key = keytool(
                    &home,
                    &[
                        "-list",
                        "-alias",
                        "Generated",
                        "-keystore",
                        ours_s,
                        "-storepass",
                        PASSWORD,
                    ],
                );
                assert!(key.contains("PrivateKeyEntry"), "JDK {major}: {key}");
                let exported = keytool(
                    &home,
                    &[
                        "-exportcert",
                        "-rfc",
                        "-alias",
                        "ZÜRICH-CA",
                        "-keystore",
                        ours_s,
                        "-storepass",
                        PASSWORD,
                    ],
                );
                let exported = trustpath::pem::parse_all(exported.as_bytes()).unwrap();
                assert_eq!(
                    exported[0].contents,
                    store
                        .entries
                        .iter()
                        .find(|e| e.alias == "zürich-ca")
                        .unwrap()
                        .certificate()
                        .unwrap()
                        .der()
                );

                // The JVM recovers every private key with the store password, and each signs what its leaf verifies;
                // aliases are found whatever their case.
                let lines = key_check(
                    &home,
                    &dir,
                    &ours,
                    "JKS",
                    PASSWORD,
                    &["New-Root", "ZÜRICH-CA", "GENERATED"],
                );
                assert_eq!(
                    lines,
                    [
                        "generated\tPrivateKeyEntry\tkey-ok",
                        "new-root\ttrustedCertEntry\t-",
                        "server\tPrivateKeyEntry\tkey-ok",
                        "test-ca\tPrivateKeyEntry\tkey-ok",
                        "zürich-ca\ttrustedCertEntry\t-",
                        "lookup\tNew-Root\ttrustedCertEntry",
                        "lookup\tZÜRICH-CA\ttrustedCertEntry",
                        "lookup\tGENERATED\tkeyEntry",
                    ],
                    "JDK {major}"
                );

                // Keytool's private keys survive read → write → read byte-for-byte; ours came out JKS-protected.
                let back = jks::read(&std::fs::read(&ours).unwrap(), PASSWORD).unwrap();
                for alias in ["server", "test-ca"] {
                    assert!(
                        java_protected(&back, alias) == java_protected(&store, alias),
                        "{alias}"
                    );
                }
                let generated = java_protected(&back, "generated");
                assert_eq!(keyprotect::protector(&generated).unwrap(), Protector::Jks);
                assert_eq!(keyprotect::recover(&generated, PASSWORD).unwrap(), gen_key);
                let _ = std::fs::remove_dir_all(&dir);
            });
        }
    });
}

#[test]
fn the_system_cacerts_reads_as_keytool_lists_it() {
    let path = "/etc/ssl/certs/java/cacerts";
    if !support::have_tool("keytool") || !std::path::Path::new(path).is_file() {
        return;
    }
    let (_, home) = support::jdks().into_iter().next().unwrap();
    let listed = parse_list_rfc(&keytool(
        &home,
        &["-list", "-rfc", "-keystore", path, "-storepass", "changeit"],
    ));
    let store = jks::read(&std::fs::read(path).unwrap(), "changeit").unwrap();
    assert!(listed.len() > 100);
    assert_eq!(list_ours(&store), listed);
}

#[test]
fn a_jceks_protected_key_is_reprotected_for_jks_and_the_jdk_recovers_it() {
    if !support::have_tool("keytool") {
        return;
    }
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/keytool/small.jceks");
    let mut store = jceks::read(&std::fs::read(src).unwrap(), "changeit").unwrap();

    let err = jks::write(&store, "changeit").unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry 'aes' is a secret key, which JKS cannot hold; convert to jceks or pkcs12"
    );
    store.entries.retain(|e| e.alias != "aes");

    // The keys are protected under "changeit": another store password cannot re-protect them.
    let err = jks::write(&store, "other").unwrap_err();
    assert!(matches!(err, StoreError::Unsupported(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("entry 'ca': its jceks-protected key must be re-protected for jks"),
        "{err}"
    );

    let bytes = jks::write(&store, "changeit").unwrap();
    let back = jks::read(&bytes, "changeit").unwrap();
    for alias in ["ca", "server"] {
        let before = java_protected(&store, alias);
        let after = java_protected(&back, alias);
        assert!(matches!(
            keyprotect::protector(&before).unwrap(),
            Protector::Jceks { .. }
        ));
        assert_eq!(keyprotect::protector(&after).unwrap(), Protector::Jks);
        assert_eq!(
            keyprotect::recover(&after, "changeit").unwrap(),
            keyprotect::recover(&before, "changeit").unwrap()
        );
    }
    for (major, home) in support::jdks() {
        let dir = scratch("jks-from-jceks", major);
        let path = dir.join("converted.jks");
        std::fs::write(&path, &bytes).unwrap();
        let lines = key_check(&home, &dir, &path, "JKS", "changeit", &[]);
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
fn an_upper_case_alias_is_invisible_to_the_jvm_until_our_rewrite_lower_cases_it() {
    if !support::have_tool("java") {
        return;
    }
    // Another tool wrote "ZÜRICH-CA": the JDK lists it but looks names up lower-cased, so it is no trusted
    // certificate (and no trust anchor) for the JVM.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/keytool/small.jks");
    let mut store = jks::read(&std::fs::read(src).unwrap(), PASSWORD).unwrap();
    let at = store
        .entries
        .iter()
        .position(|e| e.alias == "zürich-ca")
        .unwrap();
    store.entries[at].alias = "ZÜRICH-CA".to_owned();
    let ours = jks::write(&store, PASSWORD).unwrap();
    let upper = {
        // Put the upper-case spelling back into the file as a foreign writer would, with a valid digest.
        let (lower, upper_alias) = ("zürich-ca".as_bytes(), "ZÜRICH-CA".as_bytes());
        let body = &ours[..ours.len() - 20];
        let i = body.windows(lower.len()).position(|w| w == lower).unwrap();
        let mut body = body.to_vec();
        body[i..i + upper_alias.len()].copy_from_slice(upper_alias);
        body.extend_from_slice(&integrity_digest(PASSWORD, &body));
        body
    };
    assert_eq!(
        jks::read(&upper, PASSWORD).unwrap().entries[at].alias,
        "ZÜRICH-CA"
    );

    let (_, home) = support::jdks().into_iter().next().unwrap();
    let dir = scratch("jks-upper", 0);
    let (upper_path, ours_path) = (dir.join("upper.jks"), dir.join("ours.jks"));
    std::fs::write(&upper_path, &upper).unwrap();
    std::fs::write(&ours_path, &ours).unwrap();
    let before = key_check(&home, &dir, &upper_path, "JKS", PASSWORD, &["ZÜRICH-CA"]);
    assert!(
        before.contains(&"ZÜRICH-CA\tinvisible\t-".to_owned()),
        "{before:?}"
    );
    assert!(
        before.contains(&"lookup\tZÜRICH-CA\tmissing".to_owned()),
        "{before:?}"
    );
    let after = key_check(&home, &dir, &ours_path, "JKS", PASSWORD, &["ZÜRICH-CA"]);
    assert!(
        after.contains(&"zürich-ca\ttrustedCertEntry\t-".to_owned()),
        "{after:?}"
    );
    assert!(
        after.contains(&"lookup\tZÜRICH-CA\ttrustedCertEntry".to_owned()),
        "{after:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
