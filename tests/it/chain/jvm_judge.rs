//! The JVM is the judge: every scenario of `testcerts/` is served by an in-process rustls server on
//! 127.0.0.1, a real JVM TLS client (SNI + HTTPS endpoint identification, truststore via
//! `-Djavax.net.ssl.trustStore`) connects, and `diagnose(...).trusted` at the current time must equal what
//! the JVM decided. One PKCS#12 truststore (written by trustpath's own codec) per distinct anchor set and one JVM per
//! scenario, two at a time.
//!
//! The same scenarios also go through the batch judge (`tests/support/JvmJudge.java`, the oracle of
//! `tests/oracle/`), which must give each one the verdict and the message the real handshake gave: that is
//! what makes the batch judge a faithful stand-in for a TLS client.

use crate::support;

use crate::support::certs::testcerts as generate;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio::io::AsyncWriteExt;
use trustpath::cert::Certificate;
use trustpath::chain::{Policy, TrustAnchors, diagnose};
use trustpath::truststore::{Entry, StoreFormat, TrustStore};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Serves `chain` with the fixtures' leaf key until the returned handle is aborted.
async fn serve(chain: Vec<Vec<u8>>) -> (u16, tokio::task::JoinHandle<()>) {
    let certs: Vec<CertificateDer<'static>> = chain.into_iter().map(CertificateDer::from).collect();
    let key = PrivateKeyDer::from_pem_slice(generate::LEAF_KEY.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        // Bounded: the JVM makes one connection per scenario.
        for _ in 0..4 {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.write_all(b"ok\n").await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (port, task)
}

#[test]
fn the_java_verdict_equals_the_jvms_for_every_scenario() {
    if !support::have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let scenarios = generate::scenarios();
    // One truststore per distinct set of anchors.
    let mut stores: HashMap<Vec<Vec<u8>>, PathBuf> = HashMap::new();
    for s in &scenarios {
        if stores.contains_key(&s.trust) {
            continue;
        }
        // Written by trustpath's own PKCS#12 codec, so the JVM also checks that writer.
        let path = dir.path().join(format!("store{}.p12", stores.len()));
        let mut store = TrustStore::new(StoreFormat::Pkcs12);
        for (i, der) in s.trust.iter().enumerate() {
            let cert = Certificate::from_der(der.clone()).unwrap();
            store
                .entries
                .push(Entry::trusted(format!("anchor{i}"), cert, Some(0)));
        }
        let bytes = trustpath::truststore::write(&store, StoreFormat::Pkcs12, "changeit").unwrap();
        std::fs::write(&path, bytes).unwrap();
        stores.insert(s.trust.clone(), path);
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    // Every JDK installed (17 on PATH, and a newer one such as 25 when present), each with the
    // disabledAlgorithms of its own java.security, as the CLI passes it in.
    let jdks = support::jdks();
    let jobs: Vec<(&(u32, PathBuf), &generate::Scenario)> = jdks
        .iter()
        .flat_map(|j| scenarios.iter().map(move |s| (j, s)))
        .collect();
    let started = now();
    // Two JVMs at a time: each start costs ~0.5 s of mostly single-threaded work.
    type Judged = (
        (u32, &'static str),
        (String, Vec<String>, support::JavaVerdict),
    );
    let results: Vec<Judged> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (rt, stores, jobs) = (&rt, &stores, &jobs);
                scope.spawn(move || {
                    jobs.iter()
                        .skip(w)
                        .step_by(2)
                        .map(|(jdk, s)| ((jdk.0, s.name), judge(rt, jdk, s, &stores[&s.trust])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut log = Vec::new();
    let mut disagreements = Vec::new();
    let mut real: HashMap<(u32, &str), support::JavaVerdict> = HashMap::new();
    for (key, (line, mut d, verdict)) in results {
        log.push(line);
        disagreements.append(&mut d);
        real.insert(key, verdict);
    }
    log.sort();
    println!("{}", log.join("\n"));

    // The batch judge, at the instant the handshakes ran, must decide every scenario as the handshake did.
    let batch_cases: Vec<support::jvm_batch::Case> = scenarios
        .iter()
        .map(|s| support::jvm_batch::Case {
            id: s.name.to_owned(),
            store_kind: support::jvm_batch::StoreKind::Pkcs12,
            store: stores[&s.trust].clone(),
            password: Some("changeit".to_owned()),
            host: Some(s.host.to_owned()),
            at: started,
            served: s.served.clone(),
            protocol: None,
        })
        .collect();
    for (major, home) in &jdks {
        let batch = support::jvm_batch::judge(
            home,
            &batch_cases,
            &dir.path().join(format!("batch{major}")),
        );
        for s in &scenarios {
            let handshake = &real[&(*major, s.name)];
            let judged = &batch.verdicts[s.name];
            let same = match (handshake, judged) {
                (support::JavaVerdict::Trusted, support::jvm_batch::Verdict::Trusted) => true,
                (
                    support::JavaVerdict::Untrusted(m),
                    support::jvm_batch::Verdict::Untrusted { message, .. },
                ) => {
                    // The handshake's message is the trust manager's, after the alert's name.
                    let first = m.split(" | ").next().unwrap_or_default();
                    let first = first
                        .strip_prefix('(')
                        .and_then(|r| r.split_once(") "))
                        .map_or(first, |(_, rest)| rest);
                    first == message
                }
                _ => false,
            };
            if !same {
                disagreements.push(format!(
                    "{} (JDK {major}): the batch judge says {} but the handshake said {handshake:?}",
                    s.name,
                    judged.describe()
                ));
            }
        }
        println!(
            "batch judge, JDK {major}: {} scenarios compared with their real handshakes ({})",
            scenarios.len(),
            batch.calibration
        );
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// Serves one scenario, asks the JVM, and compares: (log line, disagreements).
fn judge(
    rt: &tokio::runtime::Runtime,
    (major, home): &(u32, PathBuf),
    s: &generate::Scenario,
    store: &std::path::Path,
) -> (String, Vec<String>, support::JavaVerdict) {
    let (port, task) = rt.block_on(serve(s.served.clone()));
    let jvm = support::java_handshake(
        Some(home),
        support::JavaTrust::SystemProperty {
            path: store,
            password: Some("changeit"),
        },
        port,
        s.host,
    );
    task.abort();
    let anchors = TrustAnchors::new(s.anchors(&store.display().to_string(), false), Vec::new());
    let input = s.input();
    let policy = Policy {
        java_disabled_algorithms: disabled_algorithms(home),
        java_version: Some(support::java_version(home)),
        ..Policy::default()
    };
    let ours = diagnose(&input, &anchors, &policy, now());
    let mut disagreements = Vec::new();
    if ours.trusted != jvm.trusted() {
        disagreements.push(format!(
            "{} (JDK {major}): JVM {:?}, trustpath {} ({:?})",
            s.name, jvm, ours.trusted, ours.java.reason
        ));
    }
    // The fixtures' expectations are JDK 17's; newer JDKs are compared with trustpath only.
    if *major == 17 && jvm.trusted() != s.java_trusted {
        disagreements.push(format!(
            "{} (JDK {major}): the fixture expects java_trusted={} but the JVM says {:?}",
            s.name, s.java_trusted, jvm
        ));
    }
    let line = format!(
        "JDK {major} {:<30} jvm={:<5} ours={:<5} {:?}",
        s.name,
        jvm.trusted(),
        ours.trusted,
        jvm
    );
    (line, disagreements, jvm)
}

/// The `jdk.certpath.disabledAlgorithms` value of a JDK's `conf/security/java.security` (continuation
/// lines joined), as the caller of `diagnose` reads it.
fn disabled_algorithms(home: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join("conf/security/java.security")).ok()?;
    let joined = text.replace("\\\n", " ");
    joined
        .lines()
        .find_map(|l| l.strip_prefix("jdk.certpath.disabledAlgorithms="))
        .map(str::to_owned)
}

/// Runs the JVM client with `-Djava.security.properties=FILE` (an override of `java.security`), as an
/// admin tightening `jdk.certpath.disabledAlgorithms` would.
fn java_with_properties(props: &std::path::Path, store: &std::path::Path, port: u16) -> bool {
    let out = std::process::Command::new("java")
        .arg("-cp")
        .arg(support::java_client_dir())
        .arg(format!("-Djava.security.properties={}", props.display()))
        .arg(format!("-Djavax.net.ssl.trustStore={}", store.display()))
        .arg("-Djavax.net.ssl.trustStorePassword=changeit")
        .args(["TlsClient", "127.0.0.1", &port.to_string(), generate::HOST])
        .output()
        .expect("run java");
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!(
            "java client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn a_stricter_disabled_algorithms_value_is_applied_as_the_jvm_applies_it() {
    if !support::have_tool("java") {
        return;
    }
    let value = "MD2, MD5, SHA1, RSA keySize < 2048, DSA keySize < 1024, EC keySize < 224";
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("override.security");
    std::fs::write(&props, format!("jdk.certpath.disabledAlgorithms={value}\n")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut disagreements = Vec::new();
    for name in ["good", "sha1", "rsa-1024"] {
        let s = generate::scenarios()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap();
        let store_path = dir.path().join(format!("{name}.p12"));
        let mut store = TrustStore::new(StoreFormat::Pkcs12);
        for (i, der) in s.trust.iter().enumerate() {
            let cert = Certificate::from_der(der.clone()).unwrap();
            store
                .entries
                .push(Entry::trusted(format!("anchor{i}"), cert, Some(0)));
        }
        let bytes = trustpath::truststore::write(&store, StoreFormat::Pkcs12, "changeit").unwrap();
        std::fs::write(&store_path, bytes).unwrap();
        let (port, task) = rt.block_on(serve(s.served.clone()));
        let jvm = java_with_properties(&props, &store_path, port);
        task.abort();
        let anchors = TrustAnchors::new(
            s.anchors(&store_path.display().to_string(), false),
            Vec::new(),
        );
        let input = s.input();
        let policy = Policy {
            java_disabled_algorithms: Some(value.to_owned()),
            ..Policy::default()
        };
        let ours = diagnose(&input, &anchors, &policy, now());
        if ours.trusted != jvm {
            disagreements.push(format!(
                "{name}: JVM trusted={jvm}, trustpath {} ({:?})",
                ours.trusted, ours.java.reason
            ));
        }
        // Only the clean chain survives this value.
        assert_eq!(
            jvm,
            name == "good",
            "{name}: the JVM did not apply the override as expected"
        );
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
