//! `--client-cert` against a real nginx with `ssl_verify_client on` on 127.0.0.1: without a client
//! certificate the probe says one is required (nginx answers `400 No required SSL certificate was sent`);
//! with the right one — PEM with `--client-key`, PKCS#12 made by openssl, JKS made by keytool — the
//! request gets through (HTTP 200) and the verdict on the server's chain is unchanged; with a certificate
//! from a CA nginx does not name, the probe withholds it as the JDK's key manager does and says why. The
//! JVM (`javax.net.ssl.keyStore` with the same stores) gets the same answers. No password is ever printed.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose};

use crate::support::certs::{self, Issued};
use crate::support::nginx::Nginx;
use crate::support::outbound;
use crate::support::serve::free_port;
use crate::support::{self, formats};

const SECRET: &str = "s3cret-Client-Pass";

/// Environment variables set for one run.
type Env<'a> = Vec<(&'a str, &'a str)>;

/// A client certificate (clientAuth) for `cn` signed by `issuer`.
fn client_leaf(cn: &str, issuer: &Issued) -> Issued {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    certs::signed_by(p, certs::EC, issuer)
}

/// Writes `NAME.pem`, `NAME.key`, `NAME.p12` (openssl, password [`SECRET`]) and `NAME.jks` (keytool).
fn write_identity(dir: &Path, name: &str, leaf: &Issued, ca: &Issued) {
    let pem = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    std::fs::write(&pem, format!("{}{}", leaf.pem(), ca.pem())).unwrap();
    std::fs::write(&key, leaf.key.serialize_pem()).unwrap();
    let p12 = dir.join(format!("{name}.p12"));
    support::run_ok(
        Command::new("openssl")
            .args(["pkcs12", "-export", "-name", name, "-passout"])
            .arg(format!("pass:{SECRET}"))
            .arg("-in")
            .arg(&pem)
            .arg("-inkey")
            .arg(&key)
            .arg("-out")
            .arg(&p12),
    );
    support::run_ok(
        Command::new("keytool")
            .args(["-importkeystore", "-noprompt", "-srcstoretype", "PKCS12"])
            .arg("-srckeystore")
            .arg(&p12)
            .args(["-srcstorepass", SECRET, "-deststoretype", "JKS"])
            .arg("-destkeystore")
            .arg(dir.join(format!("{name}.jks")))
            .args(["-deststorepass", SECRET]),
    );
}

/// `trustpath probe --json https://localhost:PORT` with the lab truststore and `extra`; (exit code,
/// the endpoint's JSON, stdout and stderr as text).
fn probe(
    lab: &outbound::Lab,
    port: u16,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (i32, serde_json::Value, String) {
    let mut cmd = Command::cargo_bin("trustpath").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .arg("probe")
        .arg(format!("https://localhost:{port}"))
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .args(extra)
        .arg("--truststore")
        .arg(lab.truststore())
        .args(["--storepass", "changeit", "--timeout", "5", "--json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = formats::json("probe.schema.json", &out.stdout);
    (
        out.status.code().unwrap_or(-1),
        doc["endpoints"][0].clone(),
        text,
    )
}

fn codes(endpoint: &serde_json::Value) -> Vec<String> {
    endpoint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn message(endpoint: &serde_json::Value, code: &str) -> String {
    endpoint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The JVM's `GET /` with `keystore` (PKCS12 or JKS) as javax.net.ssl.keyStore: "STATUS 200", ….
fn java_get(lab: &outbound::Lab, port: u16, keystore: Option<(&Path, &str)>) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/ClientCertGet.java");
    let mut cmd = Command::new("java");
    cmd.arg(format!(
        "-Djavax.net.ssl.trustStore={}",
        lab.truststore().display()
    ))
    .arg("-Djavax.net.ssl.trustStorePassword=changeit")
    .arg("-Djava.net.useSystemProxies=false")
    .arg(format!(
        "-Djdk.net.hosts.file={}",
        hosts_file(lab).display()
    ));
    if let Some((store, kind)) = keystore {
        cmd.arg(format!("-Djavax.net.ssl.keyStore={}", store.display()))
            .arg(format!("-Djavax.net.ssl.keyStorePassword={SECRET}"))
            .arg(format!("-Djavax.net.ssl.keyStoreType={kind}"));
    }
    let out = cmd
        .arg(src)
        .arg(format!("https://localhost:{port}/"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A hosts file naming localhost as 127.0.0.1 only (the JVM would try ::1 first otherwise).
fn hosts_file(lab: &outbound::Lab) -> std::path::PathBuf {
    let path = lab.dir.path().join("hosts");
    std::fs::write(&path, "127.0.0.1 localhost\n").unwrap();
    path
}

#[test]
fn nginx_requiring_a_client_certificate_lets_through_the_right_one_in_every_form_as_the_jvm_does() {
    if !(support::have_tool("nginx")
        && support::have_tool("openssl")
        && support::have_tool("keytool")
        && support::have_tool("java"))
    {
        return;
    }
    let lab = outbound::lab();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let client_ca = certs::root("Client Lab CA");
    let stranger_ca = certs::root("Client Stranger CA");
    write_identity(
        d,
        "right",
        &client_leaf("app.example.test", &client_ca),
        &client_ca,
    );
    write_identity(
        d,
        "wrong",
        &client_leaf("app.example.test", &stranger_ca),
        &stranger_ca,
    );
    std::fs::write(d.join("client-ca.pem"), client_ca.pem()).unwrap();
    std::fs::write(d.join("chain.pem"), &lab.good.chain_pem).unwrap();
    std::fs::write(d.join("key.pem"), &lab.good.key_pem).unwrap();
    let port = free_port();
    let body = format!(
        "server {{
    listen 127.0.0.1:{port} ssl;
    server_name localhost;
    ssl_certificate {0}/chain.pem;
    ssl_certificate_key {0}/key.pem;
    ssl_client_certificate {0}/client-ca.pem;
    ssl_verify_client on;
    location / {{ return 200 \"hello\\n\"; }}
}}",
        d.display()
    );
    let nginx = Nginx::start(&d.join("nginx"), &body, port);

    // No client certificate: required, and the CA nginx names is listed; the chain is judged as usual.
    let (code, ep, text) = probe(&lab, port, &[], &[]);
    assert_eq!(code, 1, "{text}\n{}", nginx.log());
    assert_eq!(codes(&ep), ["client-cert-required"], "{ep:#}");
    let m = message(&ep, "client-cert-required");
    assert!(m.contains("No required SSL certificate was sent"), "{m}");
    assert!(m.contains("CN=Client Lab CA"), "{m}");
    assert_eq!(ep["trusted"], true, "{ep:#}");
    assert!(java_get(&lab, port, None).contains("STATUS 400"));

    // The right certificate, in each form: accepted, HTTP 200, the verdict as before.
    let right = |ext: &str| d.join(format!("right.{ext}")).display().to_string();
    let pass_file = d.join("pass.txt");
    std::fs::write(&pass_file, format!("{SECRET}\n")).unwrap();
    let pass_file = pass_file.display().to_string();
    let forms: Vec<(Vec<String>, Env)> = vec![
        (
            vec![
                "--client-cert".into(),
                right("pem"),
                "--client-key".into(),
                right("key"),
            ],
            vec![],
        ),
        (
            vec![
                "--client-cert".into(),
                right("p12"),
                "--client-cert-pass-file".into(),
                pass_file.clone(),
            ],
            vec![],
        ),
        (
            vec![
                "--client-cert".into(),
                right("jks"),
                "--client-cert-pass-env".into(),
                "CLIENT_PASS".into(),
            ],
            vec![("CLIENT_PASS", SECRET)],
        ),
    ];
    for (args, env) in &forms {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, ep, text) = probe(&lab, port, &args, env);
        assert_eq!(code, 0, "{args:?}: {text}\n{}", nginx.log());
        assert_eq!(codes(&ep), ["client-cert-accepted"], "{args:?}: {ep:#}");
        let m = message(&ep, "client-cert-accepted");
        assert!(m.contains("HTTP 200"), "{m}");
        assert!(m.contains("CN=app.example.test"), "{m}");
        assert_eq!(ep["trusted"], true, "{ep:#}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert_eq!(
        java_get(&lab, port, Some((&d.join("right.p12"), "PKCS12"))),
        "STATUS 200"
    );
    assert_eq!(
        java_get(&lab, port, Some((&d.join("right.jks"), "JKS"))),
        "STATUS 200"
    );

    // A certificate from a CA nginx does not name: withheld, as the JVM's key manager does, and said.
    let wrong = d.join("wrong.p12").display().to_string();
    let (code, ep, text) = probe(
        &lab,
        port,
        &["--client-cert", &wrong, "--client-cert-pass", SECRET],
        &[],
    );
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        codes(&ep),
        ["client-cert-required", "client-cert-issuer-not-accepted"],
        "{ep:#}"
    );
    let m = message(&ep, "client-cert-issuer-not-accepted");
    assert!(m.contains("CN=Client Stranger CA"), "{m}");
    assert!(m.contains("CN=Client Lab CA"), "{m}");
    assert!(!text.contains(SECRET), "{text}");
    assert_eq!(
        java_get(&lab, port, Some((&d.join("wrong.p12"), "PKCS12"))),
        "STATUS 400"
    );

    // A wrong password is an error of the run naming the file, without the password.
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .args([
            "probe",
            "https://localhost:1",
            "--client-cert",
            &right("p12"),
        ])
        .args(["--client-cert-pass", "not-it"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("right.p12"), "{err}");
    assert!(!err.contains("not-it"), "{err}");
}
