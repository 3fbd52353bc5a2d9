//! `trustpath probe` end to end through the binary against in-process rustls servers on 127.0.0.1:
//! exit codes 0/1/2, `--resolve`, `--targets`, JSON output, `--write-fixes`, and a golden human report
//! with the port and the days left redacted.

use crate::support::{formats, golden};

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;

use assert_cmd::prelude::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn trustpath() -> Command {
    let mut cmd = Command::cargo_bin("trustpath").unwrap();
    // The goldens name the JVM in use: a fixed stand-in (tests/golden/jvm), not the machine's.
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("JAVA_HOME", "tests/golden/jvm");
    cmd
}

/// A rustls server on 127.0.0.1 serving the fixture certificates `certs`, on its own thread.
fn server(certs: &[&str]) -> SocketAddr {
    let chain: Vec<CertificateDer<'static>> = certs
        .iter()
        .map(|c| golden::cert(c).der().to_vec().into())
        .collect();
    let key = PrivateKeyDer::from_pem_file(golden::fixture("leaf-key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let _ = tokio::io::AsyncWriteExt::shutdown(&mut tls).await;
                    }
                });
            }
        });
    });
    addr
}

fn run(args: &[String]) -> (i32, String, String) {
    let out = trustpath()
        .arg("probe")
        .args(args)
        .args(["--timeout", "2"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

/// Replaces the port and the "N days left" count, which change from run to run.
fn redact(text: &str, port: u16) -> String {
    let text = text.replace(&port.to_string(), "PORT");
    text.lines()
        .map(|line| match line.find(" days left)") {
            Some(end) => {
                let start = line[..end].rfind('(').map_or(end, |i| i + 1);
                format!("{}N{}", &line[..start], &line[end..])
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_trusted_endpoint_exits_0_and_its_report_matches_the_golden() {
    let addr = server(&["leaf.pem", "intermediate.pem"]);
    let port = addr.port();
    let (code, out, err) = run(&s(&[
        &format!("https://wiki.example.test:{port}/confluence"),
        "--resolve",
        &format!("wiki.example.test:{port}:127.0.0.1"),
        "--truststore",
        "tests/golden/fixtures/root.pem",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    golden::check("probe-trusted.txt", &redact(&out, port));
}

#[test]
fn a_missing_intermediate_exits_1_and_write_fixes_writes_a_file() {
    let addr = server(&["leaf.pem"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(&s(&[
        &addr.to_string(),
        "--sni",
        "wiki.example.test",
        "--truststore",
        "tests/golden/fixtures/root.pem",
        "--extra-certs",
        "tests/golden/fixtures/intermediate.pem",
        "--write-fixes",
        dir.path().to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 1, "{out}{err}");
    let doc = formats::json("probe.schema.json", out.as_bytes());
    let e = &doc["endpoints"][0];
    assert_eq!(e["trusted"], false);
    assert_eq!(e["sni"], "wiki.example.test");
    assert_eq!(e["address"], addr.to_string());
    assert_eq!(e["tls"]["version"], "TLSv1.3");
    assert_eq!(e["chain"].as_array().unwrap().len(), 1);
    let written = e["written"].as_array().unwrap();
    assert!(!written.is_empty(), "{out}");
    for path in written {
        assert!(std::path::Path::new(path.as_str().unwrap()).is_file());
    }
}

#[test]
fn targets_from_a_file_are_reported_in_order_and_unreachable_ones_exit_1() {
    let good = server(&["leaf.pem", "intermediate.pem"]);
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("targets.txt");
    std::fs::write(
        &list,
        format!("# app and collaboration\n{refused}\n\n{good}  # proxy\n"),
    )
    .unwrap();
    let (code, out, err) = run(&s(&[
        "--targets",
        list.to_str().unwrap(),
        "--truststore",
        "tests/golden/fixtures/root.pem",
        "--sni",
        "wiki.example.test",
        "--json",
    ]));
    assert_eq!(code, 1, "{out}{err}");
    let doc = formats::json("probe.schema.json", out.as_bytes());
    let endpoints = doc["endpoints"].as_array().unwrap();
    assert_eq!(endpoints[0]["port"], refused.port());
    assert_eq!(endpoints[0]["findings"][0]["code"], "connect-failed");
    assert_eq!(endpoints[0]["verdicts"], serde_json::Value::Null);
    assert_eq!(endpoints[1]["port"], good.port());
    assert_eq!(endpoints[1]["trusted"], true);
}

#[test]
fn bad_usage_exits_2() {
    let (code, _, err) = run(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("no target given"), "{err}");
    let (code, _, err) = run(&s(&["http://wiki.example.test"]));
    assert_eq!(code, 2);
    assert!(err.contains("unsupported scheme"), "{err}");
    let (code, _, err) = run(&s(&[
        "wiki.example.test",
        "--resolve",
        "wiki.example.test:443",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("HOST:PORT:ADDR"), "{err}");
    let (code, _, err) = run(&s(&[
        "127.0.0.1:1",
        "--truststore",
        "tests/golden/fixtures/absent.pem",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read truststore"), "{err}");
}
