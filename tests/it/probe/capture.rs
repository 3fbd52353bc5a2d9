//! Capture against real servers on 127.0.0.1: in-process rustls servers with rcgen chains, `openssl
//! s_server` speaking only TLS 1.0 or only RSA key exchange, and hostile servers (silent, dripping,
//! oversized chains, resets, plain HTTP). Every probe ends within a short timeout with a finding.

use crate::support::{self, certs};

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use trustpath::finding::Code;
use trustpath::probe::jdk_tls::TlsDisabled;
use trustpath::probe::{CapturedChain, Handshake, ProbeOptions, Prober, Resolve, Target};

const TIMEOUT: Duration = Duration::from_secs(2);

/// A root → intermediate → leaf chain for `localhost`.
struct Pki {
    root: CertificateDer<'static>,
    intermediate: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    leaf_key: PrivatePkcs8KeyDer<'static>,
    leaf_pem: String,
    int_pem: String,
    key_pem: String,
}

fn pki(alg: &'static rcgen::SignatureAlgorithm) -> Pki {
    let ca = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    };
    let root = certs::self_signed(ca("Probe Test Root"), certs::EC);
    let int = certs::signed_by(ca("Probe Test Intermediate"), certs::EC, &root);
    let mut leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf = certs::signed_by(leaf_params, alg, &int);
    Pki {
        root: root.cert.der().clone(),
        intermediate: int.cert.der().clone(),
        leaf: leaf.cert.der().clone(),
        leaf_key: PrivatePkcs8KeyDer::from(leaf.key.serialize_der()),
        leaf_pem: leaf.pem(),
        int_pem: int.pem(),
        key_pem: leaf.key.serialize_pem(),
    }
}

fn ec_pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| pki(&rcgen::PKCS_ECDSA_P256_SHA256))
}

/// An in-process rustls server serving `chain` until the test ends.
async fn rustls_server(
    chain: Vec<CertificateDer<'static>>,
    key: PrivatePkcs8KeyDer<'static>,
) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, PrivateKeyDer::Pkcs8(key))
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

/// A raw TCP server running `behave` on each connection.
async fn raw_server<F, Fut>(behave: F) -> SocketAddr
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let behave = Arc::new(behave);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(behave(tcp));
        }
    });
    addr
}

/// Makes the next close send a TCP reset.
#[allow(deprecated)] // SO_LINGER 0 is exactly what this hostile server wants.
fn reset(tcp: &tokio::net::TcpStream) {
    let _ = tcp.set_linger(Some(Duration::ZERO));
}

async fn probe_one(target: &str, addr: SocketAddr) -> CapturedChain {
    let target = Target::parse(target).unwrap();
    let prober = Prober::new(ProbeOptions {
        timeout: TIMEOUT,
        resolve: vec![Resolve {
            host: target.host.clone(),
            port: target.port,
            addr: addr.ip(),
        }],
        sni: None,
        ..ProbeOptions::default()
    })
    .unwrap();
    let mut t = target;
    t.port = addr.port();
    prober.probe(t).await
}

fn codes(c: &CapturedChain) -> Vec<Code> {
    c.findings.iter().map(|f| f.code).collect()
}

#[tokio::test]
async fn a_rustls_server_chain_is_captured_in_served_order_with_tls_parameters() {
    let pki = ec_pki();
    // Served out of order on purpose: the capture must keep the server's order.
    let addr = rustls_server(
        vec![pki.leaf.clone(), pki.root.clone(), pki.intermediate.clone()],
        pki.leaf_key.clone_key(),
    )
    .await;
    let got = probe_one("localhost", addr).await;
    assert!(got.findings.is_empty(), "{:?}", got.findings);
    let ders: Vec<&[u8]> = got.chain.iter().map(|c| c.der()).collect();
    assert_eq!(
        ders,
        [
            pki.leaf.as_ref(),
            pki.root.as_ref(),
            pki.intermediate.as_ref()
        ]
    );
    let tls = got.tls.unwrap();
    assert_eq!(tls.handshake, Handshake::Complete);
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    assert_eq!(tls.alpn.as_deref(), Some("h2"));
    assert!(tls.cipher_suite.unwrap().starts_with("TLS_"));
    assert_eq!(got.address, Some(addr));
    assert_eq!(got.sni.as_deref(), Some("localhost"));
}

#[tokio::test]
async fn many_targets_come_back_in_input_order_whatever_finishes_first() {
    let pki = ec_pki();
    let good = rustls_server(vec![pki.leaf.clone()], pki.leaf_key.clone_key()).await;
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let targets: Vec<Target> = [good, refused, good, refused, good]
        .iter()
        .map(|a| Target::parse(&a.to_string()).unwrap())
        .collect();
    let prober = Arc::new(
        Prober::new(ProbeOptions {
            timeout: TIMEOUT,
            ..ProbeOptions::default()
        })
        .unwrap(),
    );
    let got = prober.probe_all(targets, 2, Arc::new(|_| {})).await;
    let ports: Vec<u16> = got.iter().map(|c| c.target.port).collect();
    assert_eq!(
        ports,
        [
            good.port(),
            refused.port(),
            good.port(),
            refused.port(),
            good.port()
        ]
    );
    assert_eq!(codes(&got[1]), [Code::ConnectFailed]);
    assert_eq!(got[0].chain.len(), 1);
    // An IP literal target sends no SNI.
    assert_eq!(got[0].sni, None);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_failed_finding() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let got = probe_one("localhost", SocketAddr::from(([127, 0, 0, 1], port))).await;
    assert_eq!(codes(&got), [Code::ConnectFailed]);
    assert!(
        got.findings[0]
            .message
            .contains("cannot connect to 127.0.0.1:"),
        "{}",
        got.findings[0].message
    );
    assert!(got.chain.is_empty());
}

#[tokio::test]
async fn a_plain_http_answer_is_a_plaintext_http_finding() {
    let addr = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 2048];
        let _ = tcp.read(&mut buf).await;
        let _ = tcp
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::PlaintextHttp]);
    assert!(got.findings[0].message.contains("HTTP/1.1 400 Bad Request"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_a_finding() {
    let addr = raw_server(|tcp| async move {
        tokio::time::sleep(Duration::from_secs(20)).await;
        drop(tcp);
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::Timeout]);
}

#[tokio::test]
async fn a_server_dripping_one_byte_a_second_times_out_with_a_finding() {
    let addr = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 2048];
        let _ = tcp.read(&mut buf).await;
        for b in [0x16u8, 3, 3, 0x40, 0].iter().cycle().take(20) {
            if tcp.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::Timeout]);
}

#[tokio::test]
async fn a_reset_mid_handshake_is_a_handshake_failed_finding() {
    let addr = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 64];
        let _ = tcp.read(&mut buf).await;
        reset(&tcp);
        drop(tcp);
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::HandshakeFailed]);
    assert!(got.chain.is_empty());
}

#[tokio::test]
async fn two_hundred_certificates_are_refused_by_rustls_and_read_by_the_legacy_hello() {
    let pki = ec_pki();
    let mut chain = vec![pki.leaf.clone()];
    chain.extend(std::iter::repeat_n(pki.intermediate.clone(), 199));
    let addr = rustls_server(chain, pki.leaf_key.clone_key()).await;
    let got = probe_one("localhost", addr).await;
    // rustls refuses a Certificate message over 64 KiB; the raw TLS 1.2 hello still reads the chain, and
    // the finding says rustls failed rather than blaming a legacy protocol.
    assert_eq!(codes(&got), [Code::HandshakeFailed], "{:?}", got.findings);
    assert_eq!(got.chain.len(), 200);
    assert_eq!(got.tls.unwrap().handshake, Handshake::LegacyHello);
}

#[tokio::test]
async fn a_five_megabyte_chain_ends_with_a_finding_and_no_chain() {
    let pki = ec_pki();
    let copies = 5 * 1024 * 1024 / pki.intermediate.len();
    let mut chain = vec![pki.leaf.clone()];
    chain.extend(std::iter::repeat_n(pki.intermediate.clone(), copies));
    let addr = rustls_server(chain, pki.leaf_key.clone_key()).await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::HandshakeFailed], "{:?}", got.findings);
    assert!(got.chain.is_empty());
}

#[tokio::test]
async fn a_middlebox_dropping_large_client_hellos_gets_a_retry_without_the_post_quantum_share() {
    let pki = ec_pki();
    let backend = rustls_server(vec![pki.leaf.clone()], pki.leaf_key.clone_key()).await;
    let addr = raw_server(move |mut tcp| async move {
        let mut header = [0u8; 5];
        if tcp.read_exact(&mut header).await.is_err() {
            return;
        }
        let len = u16::from_be_bytes([header[3], header[4]]);
        if len > 1000 {
            reset(&tcp);
            return;
        }
        let Ok(mut up) = tokio::net::TcpStream::connect(backend).await else {
            return;
        };
        if up.write_all(&header).await.is_ok() {
            let _ = tokio::io::copy_bidirectional(&mut tcp, &mut up).await;
        }
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert!(got.findings.is_empty(), "{:?}", got.findings);
    let tls = got.tls.unwrap();
    assert!(tls.retried_without_pq, "{tls:?}");
    assert_eq!(got.chain.len(), 1);
}

/// A JKS truststore holding `pki`'s root, for the JVM judge.
fn jks_truststore(pki: &Pki, dir: &std::path::Path) -> std::path::PathBuf {
    use trustpath::truststore::{self, Entry, StoreFormat, TrustStore};
    let mut store = TrustStore::new(StoreFormat::Jks);
    let root = trustpath::cert::Certificate::from_der(pki.root.to_vec()).unwrap();
    store
        .entries
        .push(Entry::trusted("probe-test-root", root, Some(0)));
    let path = dir.join("truststore.jks");
    std::fs::write(
        &path,
        truststore::write(&store, StoreFormat::Jks, "changeit").unwrap(),
    )
    .unwrap();
    path
}

/// What the JVM (JDK on PATH) says about `addr` with `pki`'s root as its only anchor.
fn jvm_verdict(pki: &Pki, addr: SocketAddr) -> support::JavaVerdict {
    let dir = tempfile::tempdir().unwrap();
    let store = jks_truststore(pki, dir.path());
    support::java_handshake(
        None,
        support::JavaTrust::Explicit {
            path: &store,
            store_type: "JKS",
            password: Some("changeit"),
        },
        addr.port(),
        "localhost",
    )
}

/// `openssl s_server` on a free loopback port; killed on drop.
struct OpensslServer {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for OpensslServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl_server(pki: &Pki, args: &[&str]) -> OpensslServer {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.pem"), &pki.leaf_pem).unwrap();
    std::fs::write(dir.path().join("chain.pem"), &pki.int_pem).unwrap();
    std::fs::write(dir.path().join("key.pem"), &pki.key_pem).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(dir.path().join("cert.pem"))
        .arg("-cert_chain")
        .arg(dir.path().join("chain.pem"))
        .arg("-key")
        .arg(dir.path().join("key.pem"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    OpensslServer {
        child,
        addr,
        _dir: dir,
    }
}

#[tokio::test]
async fn a_tls_1_0_only_server_still_has_its_chain_captured_with_a_legacy_tls_error() {
    if !support::have_tool("openssl") {
        return;
    }
    let pki = ec_pki();
    let server = openssl_server(pki, &["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    let got = probe_one("localhost", server.addr).await;
    assert_eq!(codes(&got), [Code::LegacyTls], "{:?}", got.findings);
    assert_eq!(
        got.findings[0].severity,
        trustpath::finding::Severity::Error
    );
    assert!(
        got.findings[0].message.contains("TLSv1 "),
        "{}",
        got.findings[0].message
    );
    let ders: Vec<&[u8]> = got.chain.iter().map(|c| c.der()).collect();
    assert_eq!(ders, [pki.leaf.as_ref(), pki.intermediate.as_ref()]);
    let tls = got.tls.unwrap();
    assert_eq!(tls.handshake, Handshake::LegacyHello);
    assert_eq!(tls.version.as_deref(), Some("TLSv1"));
    // The error severity is the JVM's own answer: it refuses the TLS 1.0 server.
    if support::have_tool("java") {
        let verdict = jvm_verdict(pki, server.addr);
        assert!(
            matches!(&verdict, support::JavaVerdict::Untrusted(why) if why.contains("protocol")),
            "{verdict:?}"
        );
    }
}

/// The JVM's `jdk.tls.disabledAlgorithms`, read from `java_home`'s java.security as trustpath reads it.
fn jdk_tls_disabled(java_home: &std::path::Path) -> TlsDisabled {
    let text = std::fs::read_to_string(java_home.join("conf/security/java.security")).unwrap();
    TlsDisabled::parse(
        &trustpath::jvm::security::security_property(&text, "jdk.tls.disabledAlgorithms").unwrap(),
    )
}

#[tokio::test]
async fn an_rsa_key_exchange_cbc_only_server_is_legacy_tls_an_error_exactly_when_the_jvm_refuses_it()
 {
    if !support::have_tool("openssl") || !support::have_tool("java") {
        return;
    }
    let pki = pki(&rcgen::PKCS_RSA_SHA256);
    let server = openssl_server(&pki, &["-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0"]);
    // Each JDK decides with its own jdk.tls.disabledAlgorithms: JDK 17 before 17.0.15 and 21 still
    // connect; TLS_RSA_* in newer defaults refuses RSA key exchange.
    for (major, home) in support::jdks() {
        let target = Target::parse("localhost").unwrap();
        let prober = Prober::new(ProbeOptions {
            timeout: TIMEOUT,
            resolve: vec![Resolve {
                host: target.host.clone(),
                port: target.port,
                addr: server.addr.ip(),
            }],
            jdk_tls_disabled: jdk_tls_disabled(&home),
            ..ProbeOptions::default()
        })
        .unwrap();
        let mut t = target;
        t.port = server.addr.port();
        let got = prober.probe(t).await;
        assert_eq!(codes(&got), [Code::LegacyTls], "{:?}", got.findings);
        let tls = got.tls.as_ref().unwrap();
        assert_eq!(tls.version.as_deref(), Some("TLSv1.2"));
        assert_eq!(
            tls.cipher_suite.as_deref(),
            Some("TLS_RSA_WITH_AES_128_CBC_SHA")
        );
        assert_eq!(got.chain.len(), 2);
        let dir = tempfile::tempdir().unwrap();
        let store = jks_truststore(&pki, dir.path());
        let verdict = support::java_handshake(
            Some(&home),
            support::JavaTrust::Explicit {
                path: &store,
                store_type: "JKS",
                password: Some("changeit"),
            },
            server.addr.port(),
            "localhost",
        );
        let expected = if verdict.trusted() {
            trustpath::finding::Severity::Warning
        } else {
            trustpath::finding::Severity::Error
        };
        assert_eq!(
            got.findings[0].severity, expected,
            "JDK {major}: {verdict:?} / {}",
            got.findings[0].message
        );
    }
}

#[tokio::test]
async fn an_ipv6_literal_target_is_probed_without_sni() {
    let Ok(probe) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("SKIPPED: no IPv6 loopback");
        return;
    };
    drop(probe);
    let pki = ec_pki();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.leaf.clone()],
            PrivateKeyDer::Pkcs8(pki.leaf_key.clone_key()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let _ = acceptor.accept(tcp).await;
        }
    });
    let prober = Prober::new(ProbeOptions {
        timeout: TIMEOUT,
        ..ProbeOptions::default()
    })
    .unwrap();
    let got = prober
        .probe(Target::parse(&format!("[::1]:{port}")).unwrap())
        .await;
    assert!(got.findings.is_empty(), "{:?}", got.findings);
    assert_eq!(got.sni, None);
    assert_eq!(got.chain.len(), 1);
    assert_eq!(
        got.address,
        Some(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)))
    );
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_connect_failed_finding() {
    let prober = Prober::new(ProbeOptions {
        timeout: TIMEOUT,
        ..ProbeOptions::default()
    })
    .unwrap();
    // `.invalid` never resolves (RFC 6761); a resolver that cannot answer times out into the same code.
    let got = prober
        .probe(Target::parse("no-such-host.invalid").unwrap())
        .await;
    assert_eq!(codes(&got), [Code::ConnectFailed]);
    assert!(
        got.findings[0]
            .message
            .starts_with("cannot resolve no-such-host.invalid")
    );
    assert_eq!(got.address, None);
}

#[tokio::test]
async fn many_targets_on_one_name_share_a_lookup_and_all_connect() {
    let pki = ec_pki();
    let addr = rustls_server(vec![pki.leaf.clone()], pki.leaf_key.clone_key()).await;
    let targets: Vec<Target> = (0..20)
        .map(|_| Target::parse(&format!("localhost:{}", addr.port())).unwrap())
        .collect();
    let prober = Arc::new(
        Prober::new(ProbeOptions {
            timeout: TIMEOUT,
            ..ProbeOptions::default()
        })
        .unwrap(),
    );
    let got = prober.probe_all(targets, 8, Arc::new(|_| {})).await;
    assert_eq!(got.len(), 20);
    for c in &got {
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert_eq!(c.address, Some(addr));
        assert_eq!(c.sni.as_deref(), Some("localhost"));
    }
}

/// A rustls server asking for a client certificate issued by the test root: required, or optional.
async fn client_auth_server(
    version: &'static rustls::SupportedProtocolVersion,
    required: bool,
) -> SocketAddr {
    let pki = ec_pki();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.root.clone()).unwrap();
    let builder = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::clone(&provider),
    );
    let client_verifier = if required {
        builder.build().unwrap()
    } else {
        builder.allow_unauthenticated().build().unwrap()
    };
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_client_cert_verifier(client_verifier)
        .with_single_cert(
            vec![pki.leaf.clone(), pki.intermediate.clone()],
            PrivateKeyDer::Pkcs8(pki.leaf_key.clone_key()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(tcp).await {
                // Hold the connection until the client closes it.
                let mut buf = [0u8; 16];
                let _ = tls.read(&mut buf).await;
            }
        }
    });
    addr
}

#[tokio::test]
async fn a_server_requiring_a_client_certificate_has_its_chain_captured_and_its_issuers_named() {
    // TLS 1.2 refuses before the handshake completes; TLS 1.3 after the client's Finished.
    for (version, handshake) in [
        (&rustls::version::TLS12, Handshake::Incomplete),
        (&rustls::version::TLS13, Handshake::Complete),
    ] {
        let addr = client_auth_server(version, true).await;
        let got = probe_one("localhost", addr).await;
        assert_eq!(
            codes(&got),
            [Code::ClientCertRequired],
            "{:?}",
            got.findings
        );
        assert!(
            got.findings[0]
                .message
                .contains("acceptable issuers it named: CN=Probe Test Root"),
            "{:?}",
            got.findings
        );
        assert_eq!(got.chain.len(), 2);
        assert_eq!(got.tls.unwrap().handshake, handshake);
    }
}

#[tokio::test]
async fn a_server_asking_for_an_optional_client_certificate_is_noted_as_info() {
    let addr = client_auth_server(&rustls::version::TLS13, false).await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(
        codes(&got),
        [Code::ClientCertRequested],
        "{:?}",
        got.findings
    );
    assert_eq!(got.findings[0].severity, trustpath::finding::Severity::Info);
    assert_eq!(got.tls.unwrap().handshake, Handshake::Complete);
}

/// A rustls server serving `pki`'s chain but signing its handshakes with `key`, a key of another
/// certificate. `openssl s_server` and nginx refuse to start with such a pair ("key values mismatch"), so
/// the pair is served through a certificate resolver, which rustls does not check.
async fn mismatched_key_server(
    version: &'static rustls::SupportedProtocolVersion,
    key: PrivatePkcs8KeyDer<'static>,
) -> SocketAddr {
    #[derive(Debug)]
    struct Fixed(Arc<rustls::sign::CertifiedKey>);
    impl rustls::server::ResolvesServerCert for Fixed {
        fn resolve(
            &self,
            _hello: rustls::server::ClientHello<'_>,
        ) -> Option<Arc<rustls::sign::CertifiedKey>> {
            Some(Arc::clone(&self.0))
        }
    }
    let pki = ec_pki();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let signer = provider
        .key_provider
        .load_private_key(PrivateKeyDer::Pkcs8(key))
        .unwrap();
    let certified =
        rustls::sign::CertifiedKey::new(vec![pki.leaf.clone(), pki.intermediate.clone()], signer);
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Fixed(Arc::new(certified))));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

/// The SHA-256 of a public key as the `served-key-mismatch` fix has the user compute it: `command` is one
/// of the fix's two pipelines with CERT.pem or KEY.pem replaced by a real file.
fn fix_digest(command: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(command).output().unwrap();
    assert!(out.status.success(), "{command}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_server_whose_key_does_not_match_its_certificate_is_served_key_mismatch_with_a_fix_that_runs()
 {
    // Another EC P-256 key (same type: the signature does not verify), and an RSA key (another type:
    // the signature's algorithm does not fit the certificate's key), on TLS 1.2 and 1.3.
    let other_ec = rcgen::KeyPair::generate_for(certs::EC).unwrap();
    let other_rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    for key in [&other_ec, &other_rsa] {
        for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
            let der = PrivatePkcs8KeyDer::from(key.serialize_der());
            let addr = mismatched_key_server(version, der).await;
            let got = probe_one("localhost", addr).await;
            assert_eq!(
                codes(&got),
                [Code::ServedKeyMismatch],
                "{version:?}: {:?}",
                got.findings
            );
            let f = &got.findings[0];
            assert!(
                f.message.contains(
                    "certificate it served (CN=localhost): its private key does not belong"
                ),
                "{}",
                f.message
            );
            assert!(
                !f.remediation.contains("client certificate"),
                "{}",
                f.remediation
            );
            // The chain is still captured (and judged as usual).
            assert_eq!(got.chain.len(), 2);
        }
    }
    // The fix's two commands run as written on the server's files and tell the pair apart.
    if !support::have_tool("openssl") {
        return;
    }
    let pki = ec_pki();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("server.pem");
    let right = dir.path().join("right.key");
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&cert, &pki.leaf_pem).unwrap();
    std::fs::write(&right, &pki.key_pem).unwrap();
    std::fs::write(&wrong, other_ec.serialize_pem()).unwrap();
    let fix = trustpath::probe::findings::served_key_mismatch("CN=x", "e").remediation;
    let commands: Vec<&str> = fix.split('`').skip(1).step_by(2).collect();
    assert_eq!(commands.len(), 2, "{fix}");
    let of_cert = fix_digest(&commands[0].replace("CERT.pem", cert.to_str().unwrap()));
    let of_right = fix_digest(&commands[1].replace("KEY.pem", right.to_str().unwrap()));
    let of_wrong = fix_digest(&commands[1].replace("KEY.pem", wrong.to_str().unwrap()));
    assert_eq!(of_cert, of_right);
    assert_ne!(of_cert, of_wrong);
}

#[tokio::test]
async fn openssl_s_server_asking_for_a_client_certificate_is_one_finding_on_tls_1_2_and_1_3() {
    if !support::have_tool("openssl") {
        return;
    }
    let pki = ec_pki();
    // The CA file is the list of acceptable issuers s_server sends in its CertificateRequest.
    let cas = tempfile::tempdir().unwrap();
    let ca_file = cas.path().join("client-ca.pem");
    std::fs::write(&ca_file, &pki.int_pem).unwrap();
    let ca_file = ca_file.to_str().unwrap();
    // -Verify: a client certificate is required; -verify: requested only.
    for (flag, code, severity) in [
        (
            "-Verify",
            Code::ClientCertRequired,
            trustpath::finding::Severity::Error,
        ),
        (
            "-verify",
            Code::ClientCertRequested,
            trustpath::finding::Severity::Info,
        ),
    ] {
        for version in ["-tls1_2", "-tls1_3"] {
            let server = openssl_server(pki, &[flag, "1", "-CAfile", ca_file, version]);
            let got = probe_one("localhost", server.addr).await;
            assert_eq!(codes(&got), [code], "{flag} {version}: {:?}", got.findings);
            let f = &got.findings[0];
            assert_eq!(f.severity, severity, "{flag} {version}");
            assert!(
                f.message.contains("CN=Probe Test Intermediate"),
                "{flag} {version}: {}",
                f.message
            );
            assert_eq!(got.chain.len(), 2, "{flag} {version}");
        }
    }
}

/// A server that sends `greeting` as soon as a client connects (as SSH, FTP and mail servers do), then
/// reads until the client goes.
async fn greeting_server(greeting: &'static [u8]) -> SocketAddr {
    raw_server(move |mut tcp| async move {
        let _ = tcp.write_all(greeting).await;
        let mut buf = [0u8; 4096];
        while matches!(tcp.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await
}

#[tokio::test]
async fn a_server_greeting_in_clear_is_not_tls_named_for_its_protocol_and_the_likely_cause() {
    let cases: [(&'static [u8], &str, &str); 4] = [
        (
            b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
            "with SSH instead of TLS (SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3)",
            "an SSH server listens here",
        ),
        (
            b"220 (vsFTPd 3.0.5)\r\n",
            "with FTP instead of TLS (220 (vsFTPd 3.0.5))",
            "an FTP server listens here",
        ),
        (
            b"220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n",
            "with SMTP instead of TLS (220 mail.example.test ESMTP Postfix (Debian/GNU))",
            "as smtp://localhost:",
        ),
        (
            b"redis? no: hello from a line protocol\n",
            "with plain text instead of TLS (redis? no: hello from a line protocol)",
            "check the port number",
        ),
    ];
    for (greeting, said, fix) in cases {
        let addr = greeting_server(greeting).await;
        let got = probe_one("localhost", addr).await;
        assert_eq!(codes(&got), [Code::NotTls], "{:?}", got.findings);
        let f = &got.findings[0];
        assert!(f.message.contains(said), "{}", f.message);
        assert!(f.remediation.contains(fix), "{}", f.remediation);
        assert!(got.chain.is_empty());
    }
}

#[tokio::test]
async fn a_bare_html_page_without_a_status_line_is_plaintext_http() {
    // What Python's http.server sends to a request line it cannot parse (HTTP/0.9 style: no status
    // line, no headers), as `python3 -m http.server` answers a TLS ClientHello.
    let addr = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 2048];
        let _ = tcp.read(&mut buf).await;
        let _ = tcp
            .write_all(
                b"<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Error response</title>\n",
            )
            .await;
    })
    .await;
    let got = probe_one("localhost", addr).await;
    assert_eq!(codes(&got), [Code::PlaintextHttp], "{:?}", got.findings);
    assert!(
        got.findings[0]
            .message
            .contains("plain HTTP (an HTML page without a status line: <!DOCTYPE HTML>)"),
        "{}",
        got.findings[0].message
    );
}
