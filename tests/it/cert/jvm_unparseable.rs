//! What the JVM does with a certificate its X.509 parser refuses, measured with every installed JDK, and
//! what trustpath says about it: a refused `store import` leaves a store keytool still loads; a keystore
//! holding such a certificate fails to load in keytool and makes the JVM's default SSLContext fail
//! ("problem accessing trust store"), which `verify` reports as `unloadable-truststore`; a served one
//! makes JSSE abort the handshake ("Failed to parse server certificates"), which `probe` reports as
//! `jvm-unparseable-cert`, with a `--write-fixes` fullchain that leaves it out and that the JVM trusts.

use std::path::{Path, PathBuf};
use std::process::{Command as Std, Output};

use crate::support::{self, certs, serve};
use assert_cmd::Command;
use trustpath::cert::Certificate;
use trustpath::truststore::{self, Entry, StoreFormat, TrustStore};

fn trustpath() -> Command {
    let mut c = Command::cargo_bin("trustpath").unwrap();
    c.env("NO_COLOR", "1").env_remove("JAVA_HOME");
    c
}

/// A self-signed certificate with an empty name: x509-parser and openssl read it, the JDK refuses its
/// empty issuer ("Empty issuer DN not allowed in X509Certificates").
fn unparseable() -> Vec<u8> {
    let mut p = rcgen::CertificateParams::new(vec!["evil.test".to_owned()]).unwrap();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    certs::self_signed(p, certs::EC).der()
}

fn pem(der: &[u8]) -> String {
    Certificate::from_der(der.to_vec()).unwrap().to_pem()
}

/// keytool of one JDK home on `store` (`-list`).
fn keytool_list(home: &Path, store: &Path, kind: &str) -> Output {
    Std::new(home.join("bin/keytool"))
        .args([
            "-list",
            "-storepass",
            "changeit",
            "-storetype",
            kind,
            "-keystore",
        ])
        .arg(store)
        .output()
        .expect("run keytool")
}

fn write_store(path: &Path, format: StoreFormat, certs: &[Vec<u8>]) {
    write_store_with(path, format, certs, None);
}

fn write_store_with(
    path: &Path,
    format: StoreFormat,
    certs: &[Vec<u8>],
    protection: Option<truststore::Pkcs12Protection>,
) {
    let mut store = TrustStore::new(format);
    store.pkcs12_protection = protection;
    for (i, der) in certs.iter().enumerate() {
        let cert = Certificate::from_der(der.clone()).unwrap();
        store
            .entries
            .push(Entry::trusted(format!("cert{i}"), cert, Some(0)));
    }
    let bytes = truststore::write(&store, format, "changeit").unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_refused_import_leaves_a_store_that_keytool_still_loads() {
    if !support::have_tool("keytool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Import Root");
    let good = dir.path().join("root.pem");
    std::fs::write(&good, root.pem()).unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, pem(&unparseable())).unwrap();
    for (name, kind) in [("store.jks", "JKS"), ("store.p12", "PKCS12")] {
        let store = dir.path().join(name);
        let create_as = if kind == "JKS" { "jks" } else { "pkcs12" };
        trustpath()
            .args(["store", "import", "--store-type", create_as])
            .arg(&store)
            .arg(&good)
            .assert()
            .success();
        let before = std::fs::read(&store).unwrap();
        let out = trustpath()
            .args(["store", "import"])
            .arg(&store)
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Empty issuer DN not allowed in X509Certificates"),
            "{err}"
        );
        assert_eq!(std::fs::read(&store).unwrap(), before, "{name} unchanged");
        for (major, home) in support::jdks() {
            let out = keytool_list(&home, &store, kind);
            assert!(
                out.status.success(),
                "JDK {major} keytool cannot load {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn a_keystore_holding_an_unparseable_certificate_fails_in_keytool_and_the_jvm_and_verify_says_so() {
    if !support::have_tool("java") || !support::have_tool("keytool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Store Root");
    let inter = certs::intermediate("Store Intermediate", &root);
    let leaf = certs::leaf(&["store.test"], &inter);
    let bad = unparseable();
    let server = serve::start(serve::tls_config(
        &[leaf.der(), inter.der()],
        &leaf.key.serialize_der(),
        "store",
    ));
    let chain = dir.path().join("chain.pem");
    std::fs::write(&chain, format!("{}{}", leaf.pem(), inter.pem())).unwrap();
    // keytool's default PKCS#12 protection: certificates encrypted, and a MAC.
    let encrypted = truststore::Pkcs12Protection::Encrypted {
        cert_encryption: truststore::Pkcs12Cipher::Pbes2Aes256 { iterations: 10_000 },
        mac: truststore::Pkcs12Mac {
            digest: "SHA-256".to_owned(),
            iterations: 10_000,
        },
    };
    for (name, format, kind, protection, keytool_says) in [
        (
            "bad.jks",
            StoreFormat::Jks,
            "JKS",
            None,
            "Empty issuer DN not allowed",
        ),
        (
            "bad.p12",
            StoreFormat::Pkcs12,
            "PKCS12",
            None,
            "Empty issuer DN not allowed",
        ),
        (
            "bad-encrypted.p12",
            StoreFormat::Pkcs12,
            "PKCS12",
            Some(encrypted.clone()),
            "keystore password was incorrect",
        ),
    ] {
        // Written with trustpath's codecs directly (the CLI refuses to).
        let store = dir.path().join(name);
        write_store_with(&store, format, &[root.der(), bad.clone()], protection);
        for (major, home) in support::jdks() {
            let out = keytool_list(&home, &store, kind);
            assert!(!out.status.success(), "JDK {major} keytool loads {name}");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(all.contains(keytool_says), "JDK {major} {name}: {all}");
            let out = Std::new(home.join("bin/java"))
                .arg("-cp")
                .arg(support::java_client_dir())
                .arg(format!("-Djavax.net.ssl.trustStore={}", store.display()))
                .arg("-Djavax.net.ssl.trustStorePassword=changeit")
                .args([
                    "TlsClient",
                    "127.0.0.1",
                    &server.addr.port().to_string(),
                    "store.test",
                ])
                .output()
                .expect("run java");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "JDK {major} connected with {name}");
            // The JVM's own error does not name the certificate or the parse failure.
            assert!(
                stderr.contains("problem accessing trust store"),
                "JDK {major} {name}: {stderr}"
            );
            if name == "bad-encrypted.p12" {
                // Without trustStorePassword the JVM skips the encrypted certificates altogether.
                let verdict = support::java_handshake(
                    Some(&home),
                    support::JavaTrust::SystemProperty {
                        path: &store,
                        password: None,
                    },
                    server.addr.port(),
                    "store.test",
                );
                assert!(
                    matches!(&verdict, support::JavaVerdict::Untrusted(w)
                        if w.contains("trustAnchors parameter must be non-empty")),
                    "JDK {major}: {verdict:?}"
                );
            }
        }
        let out = trustpath()
            .args(["verify", "--host", "store.test", "--json", "--truststore"])
            .arg(&store)
            .arg(&chain)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ep = &json["endpoints"][0];
        assert_eq!(ep["trusted"], false);
        assert_eq!(ep["findings"][0]["code"], "unloadable-truststore");
        let reason = ep["verdicts"]["java"]["reason"].as_str().unwrap();
        assert!(
            reason.contains("problem accessing trust store")
                && reason.ends_with("(JDK: X509CertInfo: empty issuer)"),
            "{reason}"
        );
        let list = trustpath()
            .args(["store", "list", "--json"])
            .arg(&store)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        assert_eq!(json["jvm_loadable"], false);
        assert!(
            json["entries"][1]["jvm_parse_error"]
                .as_str()
                .is_some_and(|e| e.contains("Empty issuer DN"))
        );
        let converted = dir.path().join(format!("converted-{name}"));
        let out = trustpath()
            .args(["store", "convert", "--to", "pkcs12"])
            .arg(&store)
            .arg(&converted)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(!converted.exists(), "convert wrote nothing");
    }
    server.stop();
}

#[test]
fn a_served_unparseable_certificate_fails_the_jvm_handshake_and_the_written_fix_leaves_it_out() {
    if !support::have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Served Root");
    let inter = certs::intermediate("Served Intermediate", &root);
    let leaf = certs::leaf(&["served.test"], &inter);
    let bad = unparseable();
    let store = dir.path().join("trust.p12");
    write_store(&store, StoreFormat::Pkcs12, &[root.der()]);
    let server = serve::start(serve::tls_config(
        &[leaf.der(), inter.der(), bad.clone()],
        &leaf.key.serialize_der(),
        "served",
    ));
    let port = server.addr.port();
    for (major, home) in support::jdks() {
        let verdict = support::java_handshake(
            Some(&home),
            support::JavaTrust::SystemProperty {
                path: &store,
                password: Some("changeit"),
            },
            port,
            "served.test",
        );
        match &verdict {
            support::JavaVerdict::Untrusted(why) => assert!(
                why.contains("Failed to parse server certificates")
                    && why.contains("Empty issuer DN not allowed"),
                "JDK {major}: {why}"
            ),
            other => panic!("JDK {major} accepted the chain: {other:?}"),
        }
    }
    let fixes = dir.path().join("fixes");
    let out = trustpath()
        .args(["probe", "--json", "--truststore"])
        .arg(&store)
        .arg("--write-fixes")
        .arg(&fixes)
        .arg("--resolve")
        .arg(format!("served.test:{port}:127.0.0.1"))
        .arg(format!("served.test:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ep = &json["endpoints"][0];
    assert_eq!(ep["trusted"], false);
    assert_eq!(ep["findings"][0]["code"], "jvm-unparseable-cert");
    assert_eq!(ep["findings"][0]["cert"], 2);
    server.stop();

    let written: Vec<PathBuf> = ep["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| PathBuf::from(p.as_str().unwrap()))
        .collect();
    assert_eq!(written.len(), 1, "only the fullchain: {written:?}");
    let text = std::fs::read_to_string(&written[0]).unwrap();
    let certs: Vec<Vec<u8>> = pem::parse_many(&text)
        .unwrap()
        .into_iter()
        .map(|p| p.contents().to_vec())
        .collect();
    assert_eq!(certs, vec![leaf.der(), inter.der()]);

    // The fixed chain, served, is trusted by every JVM.
    let fixed = serve::start(serve::tls_config(
        &certs,
        &leaf.key.serialize_der(),
        "fixed",
    ));
    for (major, home) in support::jdks() {
        let verdict = support::java_handshake(
            Some(&home),
            support::JavaTrust::SystemProperty {
                path: &store,
                password: Some("changeit"),
            },
            fixed.addr.port(),
            "served.test",
        );
        assert!(verdict.trusted(), "JDK {major}: {verdict:?}");
    }
    fixed.stop();
}
