//! `--fetch-aia` against a server that forgets its intermediate, whose leaf's caIssuers URL points at a
//! loopback HTTP server holding the intermediate (DER): the browser path uses the fetched issuer and
//! the report says from where; the java verdict uses it only as the JVM would — with
//! `--jvm-enable-aia` and a URL `com.sun.security.allowedAIALocations` allows — and the real JVM with
//! the same system properties agrees each time; `--write-fixes` completes the fullchain with it; the URL
//! is fetched once per run.

use std::process::Command;
use std::sync::atomic::Ordering;

use assert_cmd::prelude::*;
use rcgen::{CertificateParams, DnType, KeyUsagePurpose};

use crate::support::aia::{aia_extension, http_server, keytool_truststore, leaf_with_aia};
use crate::support::certs;
use crate::support::{self, formats, serve};

fn json_probe(args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .arg("probe")
        .args(args)
        .args(["--timeout", "5", "--json"])
        .output()
        .unwrap();
    let doc = formats::json("probe.schema.json", &out.stdout);
    (out.status.code().unwrap_or(-1), doc["endpoints"][0].clone())
}

fn codes(ep: &serde_json::Value) -> Vec<String> {
    ep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_fetched_intermediate_completes_the_browser_path_and_the_java_one_only_as_the_jvm_does() {
    if !(support::have_tool("keytool") && support::have_tool("java")) {
        return;
    }
    let root = certs::root("AIA Lab Root");
    let int = certs::intermediate("AIA Lab Issuing CA", &root);
    let (http_port, hits) = http_server(int.der());
    let url = format!("http://127.0.0.1:{http_port}/ca/issuing.cer");
    let leaf = leaf_with_aia(&int, &url);
    let server = serve::start(serve::tls_config(
        &[leaf.der()],
        &leaf.key.serialize_der(),
        "aia",
    ));
    let port = server.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let store = keytool_truststore(dir.path(), "aia-root", &root.pem());
    let store_s = store.display().to_string();
    // The JDK 17 on PATH judges, and trustpath judges for that JDK (its update decides whether it has
    // the allowedAIALocations filter: 17.0.18 and later).
    let (_, home) = support::jdks()
        .into_iter()
        .find(|(major, _)| *major == 17)
        .expect("a JDK 17");
    let home_s = home.display().to_string();
    let target = format!("localhost:{port}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let base = [
        target.as_str(),
        "--resolve",
        &resolve,
        "--truststore",
        &store_s,
        "--java-home",
        &home_s,
    ];
    let java = |props: &[String]| {
        let mut cmd = Command::new(home.join("bin/java"));
        cmd.args(props)
            .arg(format!("-Djavax.net.ssl.trustStore={store_s}"))
            .arg("-Djavax.net.ssl.trustStorePassword=changeit")
            .arg("-cp")
            .arg(support::java_client_dir())
            .args(["TlsClient", "127.0.0.1", &port.to_string(), "localhost"]);
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };

    // Without --fetch-aia nothing is fetched.
    let (code, ep) = json_probe(&base);
    assert_eq!(code, 1);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    assert!(
        codes(&ep).contains(&"missing-intermediate".to_owned()),
        "{ep:#}"
    );

    // --fetch-aia, the default JVM: browsers complete the path, the JVM does not (nor does the real one).
    let (code, ep) = json_probe(&[&base[..], &["--fetch-aia"]].concat());
    assert_eq!(code, 1, "{ep:#}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let c = codes(&ep);
    assert!(c.contains(&"missing-intermediate".to_owned()), "{ep:#}");
    assert!(c.contains(&"aia-fetched".to_owned()), "{ep:#}");
    // (The browser verdict's anchors are Mozilla's, without the lab root: only its path is looked at.)
    let d = &ep["verdicts"];
    assert_eq!(d["java"]["trusted"], false, "{ep:#}");
    assert_eq!(d["browser"]["path"][1]["source"], "fetched", "{d:#}");
    assert_eq!(d["browser"]["path"][1]["url"], url.as_str(), "{d:#}");
    assert!(java(&[]).starts_with("UNTRUSTED"));

    // A JVM with enableAIAcaIssuers=true and this JDK's java.security: a JDK with the
    // allowedAIALocations filter (its java.security names it, empty) still refuses; one without it
    // (17.0.15) fetches any URL and trusts. trustpath says what the real JVM says.
    let enable = "-Dcom.sun.security.enableAIAcaIssuers=true".to_owned();
    let filters = std::fs::read_to_string(home.join("conf/security/java.security"))
        .expect("java.security")
        .lines()
        .any(|l| l.starts_with("com.sun.security.allowedAIALocations"));
    let jvm_trusts = java(std::slice::from_ref(&enable)) == "TRUSTED";
    assert_eq!(jvm_trusts, !filters, "{}", home.display());
    let (code, ep) = json_probe(&[&base[..], &["--fetch-aia", "--jvm-enable-aia"]].concat());
    assert_eq!(ep["verdicts"]["java"]["trusted"], jvm_trusts, "{ep:#}");
    assert_eq!(code, if jvm_trusts { 0 } else { 1 }, "{ep:#}");

    // With the URL allowed too, the JVM fetches it: trusted, and a warning that the server is still
    // incomplete for other clients.
    let allow = format!("http://127.0.0.1:{http_port}/ca/");
    let (code, ep) = json_probe(
        &[
            &base[..],
            &[
                "--fetch-aia",
                "--jvm-enable-aia",
                "--jvm-aia-locations",
                &allow,
            ],
        ]
        .concat(),
    );
    assert_eq!(ep["verdicts"]["java"]["trusted"], true, "{ep:#}");
    assert_eq!(code, 0, "{ep:#}");
    assert_eq!(codes(&ep), ["aia-fetched"], "{ep:#}");
    assert_eq!(ep["findings"][0]["severity"], "warning");
    assert_eq!(
        java(&[
            enable.clone(),
            format!("-Dcom.sun.security.allowedAIALocations={allow}")
        ]),
        "TRUSTED"
    );

    // --write-fixes: the fullchain is completed with the fetched intermediate.
    let fixes = dir.path().join("fixes");
    let (_, ep) = json_probe(
        &[
            &base[..],
            &["--fetch-aia", "--write-fixes", &fixes.display().to_string()],
        ]
        .concat(),
    );
    let fullchain = std::fs::read_dir(&fixes)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("fullchain.pem"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap_or_else(|| panic!("no fullchain written: {ep:#}"));
    assert_eq!(
        fullchain.matches("BEGIN CERTIFICATE").count(),
        2,
        "{fullchain}"
    );
    assert!(fullchain.contains(int.pem().trim()), "{fullchain}");
}

#[test]
fn trust_with_fetch_aia_imports_the_root_named_by_the_intermediates_ca_issuers_url() {
    if !(support::have_tool("keytool") && support::have_tool("java")) {
        return;
    }
    let root = certs::root("AIA Stranger Root");
    let (http_port, _) = http_server(root.der());
    let url = format!("http://127.0.0.1:{http_port}/root.cer");
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(DnType::CommonName, "AIA Stranger CA");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p.custom_extensions = vec![aia_extension(&url)];
    let int = certs::signed_by(p, certs::EC, &root);
    let leaf = certs::leaf(&["localhost"], &int);
    let server = serve::start(serve::tls_config(
        &[leaf.der(), int.der()],
        &leaf.key.serialize_der(),
        "aia-trust",
    ));
    let port = server.addr.port();
    let dir = tempfile::tempdir().unwrap();
    // A truststore with an unrelated root only.
    let other = certs::root("Unrelated Root");
    let store = keytool_truststore(dir.path(), "other", &other.pem());
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["trust", &format!("localhost:{port}")])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg("--truststore")
        .arg(&store)
        .args([
            "--storepass",
            "changeit",
            "--timeout",
            "5",
            "--fetch-aia",
            "--yes",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("CN=AIA Stranger Root"), "{text}");
    assert!(!text.contains("pins an intermediate"), "{text}");
    let java = Command::new("java")
        .arg(format!("-Djavax.net.ssl.trustStore={}", store.display()))
        .arg("-Djavax.net.ssl.trustStorePassword=changeit")
        .arg("-cp")
        .arg(support::java_client_dir())
        .args(["TlsClient", "127.0.0.1", &port.to_string(), "localhost"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&java.stdout).trim(),
        "TRUSTED",
        "{text}"
    );
}

#[test]
fn jvm_aia_locations_for_a_jdk_without_the_filter_is_said_to_be_unused() {
    // A JDK before the filter (17.0.15) ignores allowedAIALocations; 17.0.18 and later, and 25.0.2, read it.
    for (major, home) in support::jdks() {
        let has_filter = std::fs::read_to_string(home.join("conf/security/java.security"))
            .expect("java.security")
            .lines()
            .any(|l| l.starts_with("com.sun.security.allowedAIALocations"));
        // Port 1 on loopback refuses at once: the note comes before any connection.
        let out = Command::cargo_bin("trustpath")
            .unwrap()
            .args([
                "probe",
                "127.0.0.1:1",
                "--timeout",
                "2",
                "--fetch-aia",
                "--jvm-enable-aia",
            ])
            .args(["--jvm-aia-locations", "http://ca.test/", "--java-home"])
            .arg(&home)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let said = stderr.contains("--jvm-aia-locations http://ca.test/ is not used");
        assert_eq!(
            said,
            !has_filter,
            "JDK {major} at {}: {stderr}",
            home.display()
        );
        if said {
            assert!(
                stderr.contains("no com.sun.security.allowedAIALocations filter"),
                "{stderr}"
            );
        }
    }
}
