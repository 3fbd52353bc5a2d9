//! keytool and the JVM as judges of `trustpath store`:
//! - stores made by keytool (JDK 17 and any newer JDK installed) in JKS, PKCS#12 and password-less PKCS#12
//!   list the same aliases, kinds and fingerprints through `trustpath store list --json` as `keytool -list`;
//! - after `trustpath store import`, `keytool -list -alias A` shows a trustedCertEntry, and a JVM given only
//!   that store as its truststore completes a handshake with a loopback server whose chain ends at the CA;
//! - the real system store (`/etc/ssl/certs/java/cacerts`) lists as keytool lists it (read-only).

use crate::support;
use crate::support::formats;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{JavaTrust, certs};

fn trustpath(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// alias (lower-cased) → (kind, sha256 lower hex) from `keytool -list -v`.
fn keytool_entries(
    java_home: &Path,
    store: &Path,
    pass: Option<&str>,
) -> BTreeMap<String, (String, String)> {
    let mut cmd = Command::new(java_home.join("bin/keytool"));
    cmd.args(["-list", "-v", "-keystore"]).arg(store);
    if let Some(p) = pass {
        cmd.args(["-storepass", p]);
    }
    let out = support::run_ok(cmd.stdin(std::process::Stdio::null()));
    let mut map = BTreeMap::new();
    let mut alias = None;
    let mut kind = None;
    let mut in_first_cert = false;
    for line in out.lines() {
        let line = line.trim();
        if let Some(a) = line.strip_prefix("Alias name: ") {
            alias = Some(a.to_lowercase());
            kind = None;
            in_first_cert = true;
        } else if let Some(k) = line.strip_prefix("Entry type: ") {
            kind = Some(match k {
                "trustedCertEntry" => "trusted-cert",
                "PrivateKeyEntry" => "private-key",
                "SecretKeyEntry" => "secret-key",
                other => panic!("unknown keytool entry type {other}"),
            });
        } else if let (Some(sha), true) = (line.strip_prefix("SHA256: "), in_first_cert) {
            let a = alias.clone().unwrap();
            map.insert(
                a,
                (
                    kind.unwrap().to_owned(),
                    sha.replace(':', "").to_lowercase(),
                ),
            );
            in_first_cert = false;
        }
    }
    map
}

fn trustpath_entries(store: &Path, pass: &str) -> BTreeMap<String, (String, String)> {
    let out = trustpath(&[
        "store".as_ref(),
        "list".as_ref(),
        store.as_os_str(),
        "--json".as_ref(),
        "--storepass".as_ref(),
        pass.as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = formats::json("store-list.schema.json", &out.stdout);
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["alias"].as_str().unwrap().to_lowercase(),
                (
                    e["kind"].as_str().unwrap().to_owned(),
                    e["sha256"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

/// Builds a keytool store holding a trusted CA and a private-key entry, in `kind`.
fn keytool_store(java_home: &Path, dir: &Path, kind: &str, ca_pem: &Path) -> PathBuf {
    let store = dir.join(format!("kt-{kind}"));
    let keytool = java_home.join("bin/keytool");
    let mut common: Vec<String> = vec!["-keystore".into(), store.display().to_string()];
    match kind {
        "jks" => common.extend([
            "-storetype".into(),
            "JKS".into(),
            "-storepass".into(),
            "changeit".into(),
        ]),
        "pkcs12" => common.extend([
            "-storetype".into(),
            "PKCS12".into(),
            "-storepass".into(),
            "changeit".into(),
        ]),
        "pkcs12-passwordless" => common.extend([
            "-storetype".into(),
            "PKCS12".into(),
            "-storepass".into(),
            "changeit".into(),
            "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE".into(),
            "-J-Dkeystore.pkcs12.macAlgorithm=NONE".into(),
        ]),
        _ => unreachable!(),
    }
    support::run_ok(
        Command::new(&keytool)
            .args(["-importcert", "-noprompt", "-alias", "Corp-Root"])
            .args(&common)
            .arg("-file")
            .arg(ca_pem),
    );
    if kind != "pkcs12-passwordless" {
        support::run_ok(
            Command::new(&keytool)
                .args([
                    "-genkeypair",
                    "-alias",
                    "tomcat",
                    "-keyalg",
                    "EC",
                    "-dname",
                    "CN=app.lab.test",
                    "-validity",
                    "30",
                ])
                .args(&common),
        );
    }
    store
}

#[test]
fn keytool_made_stores_list_the_same_entries_through_trustpath() {
    if !support::have_tool("keytool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ca = certs::root("Corp Root");
    let ca_pem = dir.path().join("corp-root.pem");
    std::fs::write(&ca_pem, ca.pem()).unwrap();
    for (major, home) in support::jdks() {
        for kind in ["jks", "pkcs12", "pkcs12-passwordless"] {
            let sub = dir.path().join(format!("jdk{major}"));
            std::fs::create_dir_all(&sub).unwrap();
            let store = keytool_store(&home, &sub, kind, &ca_pem);
            let pass = if kind == "pkcs12-passwordless" {
                None
            } else {
                Some("changeit")
            };
            let want = keytool_entries(&home, &store, pass);
            let got = trustpath_entries(&store, "changeit");
            assert_eq!(got, want, "JDK {major}, {kind}");
            if kind == "pkcs12-passwordless" {
                // A password-less store reads with whatever password is given, as keytool does.
                assert_eq!(trustpath_entries(&store, "anything"), want);
            }
        }
    }
}

#[test]
fn the_system_cacerts_lists_as_keytool_lists_it() {
    let system = Path::new("/etc/ssl/certs/java/cacerts");
    if !support::have_tool("keytool") || !system.is_file() {
        return;
    }
    let (_, home) = support::jdks().into_iter().next().expect("a JDK");
    let want = keytool_entries(&home, system, Some("changeit"));
    assert!(
        want.len() > 100,
        "system cacerts has {} entries",
        want.len()
    );
    assert_eq!(trustpath_entries(system, "changeit"), want);
}

#[test]
fn after_an_import_keytool_sees_a_trusted_entry_and_the_jvm_trusts_the_server() {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Lab Import Root");
    let inter = certs::intermediate("Lab Import Issuing CA", &root);
    let leaf = certs::leaf(&["app.lab.test"], &inter);
    let server = support::serve::start(support::serve::tls_config(
        &[leaf.der(), inter.der()],
        &leaf.key.serialize_der(),
        "store import test",
    ));
    let root_pem = dir.path().join("root.pem");
    std::fs::write(&root_pem, format!("some text before\n{}", root.pem())).unwrap();
    let (_, home) = support::jdks().into_iter().next().expect("a JDK");

    for kind in ["jks", "pkcs12", "pkcs12-passwordless"] {
        let sub = dir.path().join(format!("import-{kind}"));
        std::fs::create_dir_all(&sub).unwrap();
        // Start from a keytool-made store (holding an unrelated CA) so our write must keep its entries.
        let other = certs::root("Unrelated Root");
        let other_pem = sub.join("other.pem");
        std::fs::write(&other_pem, other.pem()).unwrap();
        let store = keytool_store(&home, &sub, kind, &other_pem);
        let before = keytool_entries(
            &home,
            &store,
            if kind == "pkcs12-passwordless" {
                None
            } else {
                Some("changeit")
            },
        );

        // Before the import the JVM refuses: "PKIX path building failed".
        let trust = JavaTrust::SystemProperty {
            path: &store,
            password: if kind == "pkcs12-passwordless" {
                None
            } else {
                Some("changeit")
            },
        };
        let v = support::java_handshake(Some(&home), trust, server.addr.port(), "app.lab.test");
        assert!(!v.trusted(), "{kind}: trusted before import");

        let out = trustpath(&[
            "store".as_ref(),
            "import".as_ref(),
            store.as_os_str(),
            root_pem.as_os_str(),
            "--alias".as_ref(),
            "lab-root".as_ref(),
        ]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        let keytool = home.join("bin/keytool");
        let mut list = Command::new(&keytool);
        list.args(["-list", "-alias", "lab-root", "-keystore"])
            .arg(&store);
        if kind != "pkcs12-passwordless" {
            list.args(["-storepass", "changeit"]);
        }
        let listed = support::run_ok(list.stdin(std::process::Stdio::null()));
        assert!(listed.contains("trustedCertEntry"), "{kind}: {listed}");

        let after = keytool_entries(
            &home,
            &store,
            if kind == "pkcs12-passwordless" {
                None
            } else {
                Some("changeit")
            },
        );
        for (alias, entry) in &before {
            assert_eq!(
                after.get(alias),
                Some(entry),
                "{kind}: lost or changed {alias}"
            );
        }
        assert_eq!(after.len(), before.len() + 1);

        let trust = JavaTrust::SystemProperty {
            path: &store,
            password: if kind == "pkcs12-passwordless" {
                None
            } else {
                Some("changeit")
            },
        };
        let v = support::java_handshake(Some(&home), trust, server.addr.port(), "app.lab.test");
        assert!(v.trusted(), "{kind}: JVM refused after import: {v:?}");
    }
}
