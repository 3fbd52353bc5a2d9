//! The PKCS#12 codec judged by keytool and the JVM: keytool-made stores (JDK 17 and 25, default, legacy and
//! password-less) read as `keytool -list` lists them; stores trustpath writes are listed by keytool with the
//! right kinds, have their keys decrypted by the JDK, and serve as the JVM's truststore in a real handshake.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use support::{JavaTrust, have_tool, java_handshake, jdks, run_ok};
use trustpath::cert::Certificate;
use trustpath::truststore::{
    Entry, EntryBody, KeyMaterial, Pkcs12Cipher, Pkcs12Mac, Pkcs12Protection, StoreError,
    StoreFormat, TrustStore, WRONG_PASSWORD, pkcs12,
};

const PW: &str = "changeit";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testcerts/keytool-p12")
        .join(name)
}

fn read_fixture(name: &str, password: &str) -> Result<TrustStore, StoreError> {
    pkcs12::read(&std::fs::read(fixture(name)).unwrap(), password)
}

/// `(lower-case alias, keytool kind, SHA-256 of the entry's certificate)`, sorted: what `keytool -list`
/// prints, and keytool's (JDK 17) lower-cased aliases.
type Listing = Vec<(String, String, Option<String>)>;

/// keytool with JVM options for a short-lived process (about half the start-up CPU).
fn keytool(path: &Path) -> Command {
    let mut cmd = Command::new(path);
    cmd.args([
        "-J-XX:TieredStopAtLevel=1",
        "-J-XX:+UseSerialGC",
        "-J-Xshare:auto",
    ]);
    cmd
}

fn keytool_listing(
    keytool_path: &Path,
    store: &Path,
    password: &str,
    alias: Option<&str>,
) -> Listing {
    let mut cmd = keytool(keytool_path);
    cmd.args([
        "-J-Duser.language=en",
        "-J-Duser.country=US",
        "-list",
        "-storetype",
        "PKCS12",
    ])
    .arg("-keystore")
    .arg(store)
    .args(["-storepass", password]);
    if let Some(a) = alias {
        cmd.args(["-alias", a]);
    }
    let out = run_ok(&mut cmd);
    let mut listing: Listing = Vec::new();
    for line in out.lines() {
        if let Some(fp) = line.strip_prefix("Certificate fingerprint (SHA-256): ") {
            if let Some(last) = listing.last_mut() {
                last.2 = Some(fp.trim().to_owned());
            }
            continue;
        }
        let line = line.trim_end().trim_end_matches(',');
        let mut parts = line.rsplitn(4, ", ");
        let kind = parts.next().unwrap_or_default();
        if ["PrivateKeyEntry", "trustedCertEntry", "SecretKeyEntry"].contains(&kind) {
            let alias = parts.nth(2).unwrap_or_default();
            listing.push((alias.to_lowercase(), kind.to_owned(), None));
        }
    }
    listing.sort();
    listing
}

fn our_listing(store: &TrustStore) -> Listing {
    let mut listing: Listing = store
        .entries
        .iter()
        .map(|e| {
            let kind = match e.body {
                EntryBody::TrustedCert(_) => "trustedCertEntry",
                EntryBody::PrivateKey(_) => "PrivateKeyEntry",
                EntryBody::SecretKey(_) => "SecretKeyEntry",
            };
            (
                e.alias.to_lowercase(),
                kind.to_owned(),
                e.certificate().map(Certificate::sha256_colons),
            )
        })
        .collect();
    listing.sort();
    listing
}

/// keytool of the JDK with this major version, when installed.
fn keytool_of(major: u32) -> Option<PathBuf> {
    jdks()
        .into_iter()
        .find(|(m, _)| *m == major)
        .map(|(_, home)| home.join("bin/keytool"))
}

const FIXTURES: &[&str] = &[
    "jdk17-default.p12",
    "jdk17-legacy.p12",
    "jdk17-passwordless.p12",
    "jdk25-default.p12",
    "jdk25-passwordless.p12",
    "jdk25-cacerts-style.p12",
    "openssl-certs-only.p12",
    "openssl-key-and-chain.p12",
    "openssl-key-no-name.p12",
];

#[test]
fn keytool_made_stores_read_with_the_aliases_kinds_and_fingerprints_keytool_lists() {
    if !have_tool("keytool") {
        return;
    }
    let jdk25 = keytool_of(25);
    std::thread::scope(|s| {
        let handles: Vec<_> = FIXTURES
            .iter()
            .map(|name| {
                let keytool = match (name.starts_with("jdk25"), &jdk25) {
                    (true, Some(k)) => k.clone(),
                    _ => PathBuf::from("keytool"),
                };
                s.spawn(move || {
                    let theirs = keytool_listing(&keytool, &fixture(name), PW, None);
                    let ours = our_listing(&read_fixture(name, PW).unwrap());
                    assert_eq!(ours, theirs, "{name} (listed by {})", keytool.display());
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn a_keytool_made_password_less_truststore_is_rewritten_byte_for_byte() {
    let bytes = std::fs::read(fixture("jdk25-cacerts-style.p12")).unwrap();
    let store = pkcs12::read(&bytes, "").unwrap();
    assert_eq!(pkcs12::write(&store, "").unwrap(), bytes);
    assert_eq!(
        pkcs12::write(&store, PW).unwrap(),
        bytes,
        "the password does not matter"
    );
}

/// The DER skeleton of `bytes`: `(depth, tag)` of every element, descending into constructed ones (the
/// view `openssl asn1parse` gives; OCTET STRING contents, salts and cipher text are not compared).
fn skeleton(bytes: &[u8], depth: usize, out: &mut Vec<(usize, u8)>) {
    let mut rest = bytes;
    while let [tag, len0, tail @ ..] = rest {
        let (len, header) = if *len0 < 0x80 {
            (*len0 as usize, 2)
        } else {
            let n = (*len0 & 0x7f) as usize;
            let len = tail[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
            (len, 2 + n)
        };
        out.push((depth, *tag));
        if tag & 0x20 != 0 {
            skeleton(&rest[header..header + len], depth + 1, out);
        }
        rest = &rest[header + len..];
    }
}

#[test]
fn our_rewrites_of_keytool_stores_have_keytools_structure() {
    for name in [
        "jdk17-default.p12",
        "jdk17-legacy.p12",
        "jdk17-passwordless.p12",
        "jdk25-default.p12",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let ours = pkcs12::write(&pkcs12::read(&bytes, PW).unwrap(), PW).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        skeleton(&bytes, 0, &mut a);
        skeleton(&ours, 0, &mut b);
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn trusted_certificate_bags_carry_keytools_oracle_trusted_key_usage_attribute() {
    // SEQUENCE { 2.16.840.1.113894.746875.1.1, SET { 2.5.29.37.0 (anyExtendedKeyUsage) } }
    let attribute: &[u8] = &[
        0x30, 0x16, 0x06, 0x0c, 0x60, 0x86, 0x48, 0x01, 0x86, 0xf9, 0x66, 0xad, 0xca, 0x7b, 0x01,
        0x01, 0x31, 0x06, 0x06, 0x04, 0x55, 0x1d, 0x25, 0x00,
    ];
    let contains = |hay: &[u8]| hay.windows(attribute.len()).any(|w| w == attribute);
    assert!(contains(
        &std::fs::read(fixture("jdk25-cacerts-style.p12")).unwrap()
    ));
    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    let ca = read_fixture("jdk25-cacerts-style.p12", "").unwrap().entries[0].clone();
    store.entries.push(Entry::trusted(
        "new-alias",
        ca.certificate().unwrap().clone(),
        None,
    ));
    assert!(contains(&pkcs12::write(&store, "").unwrap()));
}

#[test]
fn the_systems_cacerts_made_password_less_by_keytool_reads_as_listed_and_rewrites_byte_for_byte() {
    if !have_tool("keytool") {
        return;
    }
    let cacerts = Path::new("/etc/ssl/certs/java/cacerts");
    if !cacerts.is_file() {
        eprintln!("SKIPPED: no {}", cacerts.display());
        return;
    }
    // The newest JDK converts it the way the JDK build makes its own password-less cacerts.
    let (_, home) = jdks().into_iter().max_by_key(|(m, _)| *m).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cacerts.p12");
    run_ok(
        keytool(&home.join("bin/keytool"))
            .args([
                "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE",
                "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
                "-importkeystore",
                "-noprompt",
                "-srcstorepass",
                PW,
                "-deststoretype",
                "PKCS12",
                "-deststorepass",
                PW,
            ])
            .arg("-srckeystore")
            .arg(cacerts)
            .arg("-destkeystore")
            .arg(&path),
    );
    let bytes = std::fs::read(&path).unwrap();
    let store = pkcs12::read(&bytes, "").unwrap();
    assert!(store.entries.len() > 50, "{} entries", store.entries.len());
    assert_eq!(
        store.pkcs12_protection,
        Some(Pkcs12Protection::PasswordLess)
    );
    assert_eq!(
        our_listing(&store),
        keytool_listing(Path::new("keytool"), &path, PW, None)
    );
    assert!(
        pkcs12::write(&store, "").unwrap() == bytes,
        "our rewrite differs from keytool's file"
    );
}

#[test]
fn keytool_made_stores_report_the_protection_they_were_written_with() {
    let pbes2 = |iterations| Pkcs12Cipher::Pbes2Aes256 { iterations };
    let mac = |digest: &str, iterations| Pkcs12Mac {
        digest: digest.to_owned(),
        iterations,
    };
    let expected = [
        (
            "jdk17-default.p12",
            Pkcs12Protection::Encrypted {
                cert_encryption: pbes2(10_000),
                mac: mac("SHA-256", 10_000),
            },
        ),
        (
            "jdk25-default.p12",
            Pkcs12Protection::Encrypted {
                cert_encryption: pbes2(10_000),
                mac: mac("SHA-256", 10_000),
            },
        ),
        (
            "jdk17-legacy.p12",
            Pkcs12Protection::Encrypted {
                cert_encryption: Pkcs12Cipher::Rc2_40 { iterations: 50_000 },
                mac: mac("SHA-1", 100_000),
            },
        ),
        ("jdk17-passwordless.p12", Pkcs12Protection::PasswordLess),
        ("jdk25-passwordless.p12", Pkcs12Protection::PasswordLess),
        ("jdk25-cacerts-style.p12", Pkcs12Protection::PasswordLess),
    ];
    for (name, protection) in expected {
        let store = read_fixture(name, PW).unwrap();
        assert_eq!(store.format, StoreFormat::Pkcs12);
        assert_eq!(store.pkcs12_protection, Some(protection), "{name}");
    }
}

#[test]
fn private_keys_come_with_their_chain_leaf_first_and_their_local_key_id() {
    for name in [
        "jdk17-default.p12",
        "jdk17-legacy.p12",
        "jdk25-passwordless.p12",
        "openssl-key-and-chain.p12",
    ] {
        let store = read_fixture(name, PW).unwrap();
        let server = &store.entries[store.find_alias("server").unwrap()];
        let EntryBody::PrivateKey(pk) = &server.body else {
            panic!("{name}: server is not a private key");
        };
        let subjects: Vec<_> = pk.chain.iter().map(|c| c.info().subject.clone()).collect();
        assert_eq!(subjects.len(), 2, "{name}: {subjects:?}");
        assert_eq!(subjects[0], "CN=app.lab.test", "{name}");
        assert!(
            subjects[1].contains("Lab Fixture CA"),
            "{name}: {subjects:?}"
        );
        assert!(pk.local_key_id.is_some(), "{name}");
        assert!(
            matches!(&pk.key, KeyMaterial::Pkcs8(der) if der.first() == Some(&0x30)),
            "{name}"
        );
    }
}

#[test]
fn a_wrong_password_is_the_jdks_tampered_or_incorrect_error() {
    for name in ["jdk17-default.p12", "jdk17-legacy.p12", "jdk25-default.p12"] {
        let err = read_fixture(name, "wrong-password").unwrap_err();
        assert_eq!(err, StoreError::WrongPassword, "{name}");
        assert_eq!(err.to_string(), WRONG_PASSWORD);
    }
}

#[test]
fn a_password_less_trust_store_reads_with_any_password() {
    let expected = read_fixture("jdk25-cacerts-style.p12", PW).unwrap();
    for password in ["", "anything", "changeme"] {
        assert_eq!(
            read_fixture("jdk25-cacerts-style.p12", password).unwrap(),
            expected
        );
    }
    // Keys stay encrypted under the password even in a password-less store, so that one needs it.
    assert_eq!(
        read_fixture("jdk17-passwordless.p12", "wrong-password").unwrap_err(),
        StoreError::WrongPassword
    );
}

fn with_protection(store: &TrustStore, protection: Pkcs12Protection) -> TrustStore {
    TrustStore {
        pkcs12_protection: Some(protection),
        ..store.clone()
    }
}

fn every_protection() -> Vec<(&'static str, Pkcs12Protection)> {
    vec![
        ("passwordless", Pkcs12Protection::PasswordLess),
        (
            "clear-certs-mac",
            Pkcs12Protection::ClearCertsWithMac(Pkcs12Mac {
                digest: "SHA-256".to_owned(),
                iterations: 10_000,
            }),
        ),
        ("keytool-default", pkcs12::keytool_default_protection()),
        (
            "legacy",
            Pkcs12Protection::Encrypted {
                cert_encryption: Pkcs12Cipher::Rc2_40 { iterations: 50_000 },
                mac: Pkcs12Mac {
                    digest: "SHA-1".to_owned(),
                    iterations: 100_000,
                },
            },
        ),
    ]
}

#[test]
fn stores_we_write_in_every_protection_are_listed_by_keytool_17_and_25_with_the_same_entries() {
    if !have_tool("keytool") {
        return;
    }
    let source = read_fixture("jdk17-default.p12", PW).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut jobs: Vec<(PathBuf, PathBuf, TrustStore)> = Vec::new();
    for (name, protection) in every_protection() {
        let store = with_protection(&source, protection.clone());
        let bytes = pkcs12::write(&store, PW).unwrap();
        let back = pkcs12::read(&bytes, PW).unwrap();
        assert_eq!(
            back.pkcs12_protection,
            Some(protection),
            "{name}: protection kept on rewrite"
        );
        assert_eq!(our_listing(&back), our_listing(&store), "{name}");
        let path = dir.path().join(format!("{name}.p12"));
        std::fs::write(&path, &bytes).unwrap();
        // Every store by the default keytool; the password-less and keytool-default ones by every JDK.
        for (i, (_, home)) in jdks().into_iter().enumerate() {
            if i == 0 || matches!(name, "passwordless" | "keytool-default") {
                jobs.push((home.join("bin/keytool"), path.clone(), store.clone()));
            }
        }
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|(keytool, path, store)| {
                s.spawn(move || {
                    let listed = keytool_listing(keytool, path, PW, None);
                    assert_eq!(
                        listed,
                        our_listing(store),
                        "{} by {}",
                        path.display(),
                        keytool.display()
                    );
                    if path.ends_with("passwordless.p12") {
                        let one = keytool_listing(keytool, path, PW, Some("Lab-CA"));
                        assert_eq!(one.len(), 1);
                        assert_eq!(one[0].1, "trustedCertEntry", "{}", path.display());
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

/// A secret key's PKCS#8 `PrivateKeyInfo` as (algorithm OID, key octets). JDK 17.0.21 writes the
/// AlgorithmIdentifier's absent parameters as an explicit NULL where 17.0.15 omitted them: both mean the
/// same key, so the comparison is of the OID and the key bytes, with the parameters absent or NULL.
fn secret_key_info(blob: &[u8]) -> (String, Vec<u8>) {
    use x509_parser::der_parser::ber::BerObjectContent;
    use x509_parser::der_parser::der::parse_der;
    let (rest, info) = parse_der(blob).expect("PrivateKeyInfo is DER");
    assert!(rest.is_empty());
    let fields = info.as_sequence().expect("PrivateKeyInfo is a SEQUENCE");
    let alg = fields[1]
        .as_sequence()
        .expect("AlgorithmIdentifier is a SEQUENCE");
    let oid = alg[0].as_oid().expect("algorithm OID").to_id_string();
    match alg.get(1).map(|p| &p.content) {
        None | Some(BerObjectContent::Null) => {}
        Some(other) => panic!("unexpected secret key parameters {other:?}"),
    }
    let key = fields[2].as_slice().expect("key octets").to_vec();
    (oid, key)
}

#[test]
fn private_and_secret_keys_we_write_are_decrypted_by_the_jdk_to_the_same_bytes() {
    if !have_tool("keytool") {
        return;
    }
    let source = read_fixture("jdk17-default.p12", PW).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::thread::scope(|s| {
        // The password-less and clear-certificate stores encrypt keys exactly as keytool's default does.
        let handles: Vec<_> = every_protection()
            .into_iter()
            .filter(|(name, _)| matches!(*name, "keytool-default" | "legacy"))
            .map(|(name, protection)| {
                let store = with_protection(&source, protection);
                let ours = dir.path().join(format!("{name}.p12"));
                let theirs = dir.path().join(format!("{name}-copied-by-keytool.p12"));
                s.spawn(move || {
                    std::fs::write(&ours, pkcs12::write(&store, PW).unwrap()).unwrap();
                    // keytool decrypts every key of our store and re-encrypts it in its own.
                    run_ok(
                        keytool(Path::new("keytool"))
                            .args(["-importkeystore", "-noprompt", "-srcstoretype", "PKCS12"])
                            .arg("-srckeystore")
                            .arg(&ours)
                            .args(["-srcstorepass", PW, "-deststoretype", "PKCS12"])
                            .arg("-destkeystore")
                            .arg(&theirs)
                            .args(["-deststorepass", PW]),
                    );
                    let copied = pkcs12::read(&std::fs::read(&theirs).unwrap(), PW).unwrap();
                    assert_eq!(copied.entries.len(), store.entries.len(), "{name}");
                    for entry in &store.entries {
                        let other = &copied.entries[copied.find_alias(&entry.alias).unwrap()];
                        match (&entry.body, &other.body) {
                            (EntryBody::PrivateKey(a), EntryBody::PrivateKey(b)) => {
                                assert_eq!(a.key, b.key, "{name}: {}", entry.alias);
                                assert_eq!(a.chain, b.chain, "{name}: {}", entry.alias);
                            }
                            (EntryBody::SecretKey(a), EntryBody::SecretKey(b)) => {
                                assert_eq!(a.algorithm, b.algorithm, "{name}: {}", entry.alias);
                                assert_eq!(
                                    secret_key_info(&a.blob),
                                    secret_key_info(&b.blob),
                                    "{name}: {}",
                                    entry.alias
                                );
                            }
                            (EntryBody::TrustedCert(a), EntryBody::TrustedCert(b)) => {
                                assert_eq!(a, b)
                            }
                            _ => panic!("{name}: {} changed kind", entry.alias),
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn openssl_decrypts_the_private_key_we_wrote_to_the_same_pkcs8() {
    if !have_tool("openssl") {
        return;
    }
    let source = read_fixture("jdk17-default.p12", PW).unwrap();
    let EntryBody::PrivateKey(pk) = &source.entries[source.find_alias("server").unwrap()].body
    else {
        panic!("server is a private key");
    };
    let KeyMaterial::Pkcs8(expected) = &pk.key else {
        panic!("read keys are PKCS#8");
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.p12");
    std::fs::write(&path, pkcs12::write(&source, PW).unwrap()).unwrap();
    let pem = run_ok(
        Command::new("openssl")
            .args([
                "pkcs12",
                "-nocerts",
                "-nodes",
                "-passin",
                "pass:changeit",
                "-in",
            ])
            .arg(&path),
    );
    let block = pem::parse_many(pem.as_bytes())
        .unwrap()
        .into_iter()
        .find(|p| p.tag() == "PRIVATE KEY")
        .expect("a PRIVATE KEY block");
    assert_eq!(block.contents(), expected.as_slice());
}

/// A root CA, an intermediate and a server certificate for app.lab.test (served with the intermediate).
struct Pki {
    ca: Certificate,
    chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    key: rustls_pki_types::PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let root = support::certs::root("trustpath Handshake CA");
    let intermediate = support::certs::intermediate("trustpath Handshake Intermediate", &root);
    let leaf = support::certs::leaf(&["app.lab.test"], &intermediate);
    Pki {
        ca: Certificate::from_der(root.der()).unwrap(),
        chain: vec![leaf.cert.der().clone(), intermediate.cert.der().clone()],
        key: rustls_pki_types::PrivateKeyDer::Pkcs8(leaf.key.serialize_der().into()),
    }
}

/// Serves the chain on 127.0.0.1 with tokio-rustls from a background runtime until dropped; each connection is handshaken and
/// then held until the client closes it (or 10 s pass).
struct Server {
    port: u16,
    _runtime: tokio::runtime::Runtime,
}

fn serve(pki: &Pki) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(pki.chain.clone(), pki.key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    use tokio::io::AsyncReadExt as _;
                    let mut buf = [0u8; 64];
                    let _ = tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        tls.read(&mut buf),
                    )
                    .await;
                }
            });
        }
    });
    Server {
        port,
        _runtime: runtime,
    }
}

#[test]
fn the_jvm_trusts_a_server_through_our_password_less_and_our_maced_truststores_with_or_without_a_password()
 {
    if !have_tool("java") {
        return;
    }
    let pki = pki();
    let server = serve(&pki);
    let dir = tempfile::tempdir().unwrap();

    let mut store = TrustStore::new(StoreFormat::Pkcs12);
    store
        .entries
        .push(Entry::trusted("Handshake-CA", pki.ca.clone(), None));
    // A new trust-only store: password-less with no password, clear certificates + MAC with one.
    let passwordless = dir.path().join("passwordless.p12");
    std::fs::write(&passwordless, pkcs12::write(&store, "").unwrap()).unwrap();
    let maced = dir.path().join("maced.p12");
    let maced_bytes = pkcs12::write(&store, PW).unwrap();
    assert!(matches!(
        pkcs12::read(&maced_bytes, PW).unwrap().pkcs12_protection,
        Some(Pkcs12Protection::ClearCertsWithMac(_))
    ));
    std::fs::write(&maced, maced_bytes).unwrap();
    // keytool's default (encrypted certificates): a JVM without trustStorePassword sees no certificate.
    let encrypted = dir.path().join("encrypted.p12");
    let enc_store = with_protection(&store, pkcs12::keytool_default_protection());
    std::fs::write(&encrypted, pkcs12::write(&enc_store, PW).unwrap()).unwrap();

    // (java home, its major version, truststore, trustStorePassword, expected verdict)
    type Case<'a> = (Option<PathBuf>, u32, &'a Path, Option<&'a str>, bool);
    let mut cases: Vec<Case<'_>> = Vec::new();
    for (i, (major, home)) in jdks().into_iter().enumerate() {
        for (path, password, trusted) in [
            (passwordless.as_path(), None, true),
            (maced.as_path(), None, true),
            (encrypted.as_path(), None, false),
            (passwordless.as_path(), Some(PW), true),
            (maced.as_path(), Some(PW), true),
            (encrypted.as_path(), Some(PW), true),
        ] {
            // The default JDK runs every case; newer ones the cases that differ without a password.
            if i == 0 || password.is_none() {
                cases.push((Some(home.clone()), major, path, password, trusted));
            }
        }
    }
    let port = server.port;
    std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(home, major, path, password, trusted)| {
                s.spawn(move || {
                    let verdict = java_handshake(
                        home.as_deref(),
                        JavaTrust::SystemProperty {
                            path,
                            password: *password,
                        },
                        port,
                        "app.lab.test",
                    );
                    assert_eq!(
                        verdict.trusted(),
                        *trusted,
                        "JDK {major}, {} with password {password:?}: {verdict:?}",
                        path.display()
                    );
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn the_jvm_ignores_a_certificate_bag_without_the_oracle_trusted_key_usage_attribute() {
    if !have_tool("java") || !have_tool("openssl") {
        return;
    }
    let pki = pki();
    let server = serve(&pki);
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("ca.pem");
    std::fs::write(&pem_path, pki.ca.to_pem()).unwrap();
    let store_path = dir.path().join("openssl.p12");
    run_ok(
        Command::new("openssl")
            .args([
                "pkcs12",
                "-export",
                "-nokeys",
                "-passout",
                "pass:changeit",
                "-in",
            ])
            .arg(&pem_path)
            .arg("-out")
            .arg(&store_path),
    );
    let read = pkcs12::read(&std::fs::read(&store_path).unwrap(), PW).unwrap();
    assert!(
        read.entries.is_empty(),
        "no trusted entry, as keytool lists none: {read:?}"
    );
    let verdict = java_handshake(
        None,
        JavaTrust::SystemProperty {
            path: &store_path,
            password: Some(PW),
        },
        server.port,
        "app.lab.test",
    );
    assert!(!verdict.trusted(), "{verdict:?}");
}

#[test]
fn an_openssl_store_with_an_empty_password_reads_with_an_empty_password() {
    if !have_tool("openssl") {
        return;
    }
    let source = read_fixture("jdk17-default.p12", PW).unwrap();
    let EntryBody::PrivateKey(pk) = &source.entries[source.find_alias("server").unwrap()].body
    else {
        panic!("server is a private key");
    };
    let KeyMaterial::Pkcs8(key) = &pk.key else {
        panic!("read keys are PKCS#8");
    };
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("server.pem");
    let mut pem_text = pk.chain[0].to_pem();
    pem_text.push_str(&pem::encode(&pem::Pem::new("PRIVATE KEY", key.clone())));
    std::fs::write(&pem_path, pem_text).unwrap();
    let path = dir.path().join("empty.p12");
    run_ok(
        Command::new("openssl")
            .args([
                "pkcs12", "-export", "-name", "server", "-passout", "pass:", "-in",
            ])
            .arg(&pem_path)
            .arg("-out")
            .arg(&path),
    );
    let store = pkcs12::read(&std::fs::read(&path).unwrap(), "").unwrap();
    assert_eq!(store.entries.len(), 1);
    let EntryBody::PrivateKey(read) = &store.entries[0].body else {
        panic!("server is a private key");
    };
    assert_eq!(&read.key, &pk.key);
}

#[test]
fn non_ascii_aliases_read_and_write_as_keytool_shows_them() {
    if !have_tool("keytool") {
        return;
    }
    let alias = "Clé-Été😀";
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("theirs.p12");
    let ca = read_fixture("jdk25-cacerts-style.p12", "").unwrap().entries[0].clone();
    let pem_path = dir.path().join("ca.pem");
    std::fs::write(&pem_path, ca.certificate().unwrap().to_pem()).unwrap();
    run_ok(
        keytool(Path::new("keytool"))
            .env("LC_ALL", "C.UTF-8")
            .args([
                "-importcert",
                "-noprompt",
                "-storetype",
                "PKCS12",
                "-storepass",
                PW,
                "-alias",
                alias,
            ])
            .arg("-keystore")
            .arg(&theirs)
            .arg("-file")
            .arg(&pem_path),
    );
    let read = read_fixture_path(&theirs);
    assert_eq!(read.entries[0].alias, alias);

    let ours = dir.path().join("ours.p12");
    std::fs::write(&ours, pkcs12::write(&read, PW).unwrap()).unwrap();
    let mut cmd = keytool(Path::new("keytool"));
    cmd.env("LC_ALL", "C.UTF-8")
        .args([
            "-J-Duser.language=en",
            "-list",
            "-storetype",
            "PKCS12",
            "-storepass",
            PW,
        ])
        .arg("-keystore")
        .arg(&ours);
    let listing = run_ok(&mut cmd);
    assert!(
        listing.contains(&format!("{}, ", alias.to_lowercase())),
        "{listing}"
    );
}

fn read_fixture_path(path: &Path) -> TrustStore {
    pkcs12::read(&std::fs::read(path).unwrap(), PW).unwrap()
}
