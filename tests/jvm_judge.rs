//! The JVM is the judge: every scenario of `testcerts/` is served by an in-process rustls server on
//! 127.0.0.1, a real JVM TLS client (SNI + HTTPS endpoint identification, truststore via
//! `-Djavax.net.ssl.trustStore`) connects, and `diagnose(...).trusted` at the current time must equal what
//! the JVM decided. One PKCS#12 truststore (written by trustpath's own codec) per distinct anchor set and one JVM per
//! scenario, two at a time.

mod support;

#[path = "../testcerts/generate.rs"]
mod generate;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio::io::AsyncWriteExt;
use trustpath::cert::Certificate;
use trustpath::chain::{Anchor, ChainInput, Policy, TrustAnchors, diagnose};
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
    // Two JVMs at a time: each start costs ~0.5 s of mostly single-threaded work.
    let results: Vec<(String, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (rt, stores, scenarios) = (&rt, &stores, &scenarios);
                scope.spawn(move || {
                    scenarios
                        .iter()
                        .skip(w)
                        .step_by(2)
                        .map(|s| judge(rt, s, &stores[&s.trust]))
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
    for (line, mut d) in results {
        log.push(line);
        disagreements.append(&mut d);
    }
    log.sort();
    println!("{}", log.join("\n"));
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// Serves one scenario, asks the JVM, and compares: (log line, disagreements).
fn judge(
    rt: &tokio::runtime::Runtime,
    s: &generate::Scenario,
    store: &std::path::Path,
) -> (String, Vec<String>) {
    let (port, task) = rt.block_on(serve(s.served.clone()));
    let jvm = support::java_handshake(
        None,
        support::JavaTrust::SystemProperty {
            path: store,
            password: Some("changeit"),
        },
        port,
        s.host,
    );
    task.abort();
    let anchors = TrustAnchors {
        java: s
            .trust
            .iter()
            .enumerate()
            .map(|(i, d)| Anchor {
                cert: Certificate::from_der(d.clone()).unwrap(),
                store: store.display().to_string(),
                alias: format!("anchor{i}"),
                jdk_bundled: false,
            })
            .collect(),
        browser: Vec::new(),
    };
    let input = ChainInput {
        served: s
            .served
            .iter()
            .map(|d| Certificate::from_der(d.clone()).unwrap())
            .collect(),
        host: Some(s.host.to_owned()),
        extra: Vec::new(),
    };
    let ours = diagnose(&input, &anchors, &Policy::default(), now());
    let mut disagreements = Vec::new();
    if ours.trusted != jvm.trusted() {
        disagreements.push(format!(
            "{}: JVM {:?}, trustpath {} ({:?})",
            s.name, jvm, ours.trusted, ours.java.reason
        ));
    }
    if jvm.trusted() != s.java_trusted {
        disagreements.push(format!(
            "{}: the fixture expects java_trusted={} but the JVM says {:?}",
            s.name, s.java_trusted, jvm
        ));
    }
    let line = format!(
        "{:<30} jvm={:<5} ours={:<5} {:?}",
        s.name,
        jvm.trusted(),
        ours.trusted,
        jvm
    );
    (line, disagreements)
}
