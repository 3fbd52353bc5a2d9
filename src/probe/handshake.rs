//! The TLS step of a probe: one rustls handshake attempt with the capture-only verifier of
//! [`super::danger`] (bounded in bytes and time), the raw TLS ≤ 1.2 hello of [`super::legacy`] when rustls
//! cannot complete a handshake, and what their errors mean (a server choking on the post-quantum key
//! share, a plain-HTTP answer, an alert).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::ClientConfig;
use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use tokio::io::AsyncReadExt;

use super::connect::Dialer;
use super::danger::AfterAuth;
use super::findings::{legacy_finding, plaintext_finding, proxy_finding, starttls_finding};
use super::proxy;
use super::starttls::{self, Protocol};
use super::target::Target;
use super::{
    CapturedChain, Handshake, MAX_CONNECTION_BYTES, MAX_HANDSHAKE_BYTES, ProbedTls, Prober,
    TlsInfo, danger, legacy, stream,
};
use crate::cert::Certificate;
use crate::finding::{Code, Finding, Severity};

/// How long a probe waits, after a handshake in which the server asked for a client certificate, for the
/// alert a TLS 1.3 server sends when it requires one (or for the answer to `GET /` on an HTTPS port).
const CLIENT_AUTH_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Most bytes read of the answer to that `GET /`.
const CLIENT_AUTH_READ: usize = 8 * 1024;

/// The outcome of one rustls attempt.
pub(super) enum Attempt {
    Done {
        tls: TlsInfo,
        presented: danger::Presented,
        stream: Option<Box<ProbedTls>>,
        /// The server asked for a client certificate: its request, and what it did after the handshake
        /// (a TLS 1.3 server refuses only then; nginx answers HTTP requests with 400).
        client_auth: Option<(danger::Request, AfterAuth)>,
    },
    Failed {
        error: std::io::Error,
        presented: Option<danger::Presented>,
        head: Vec<u8>,
        /// The server's request for a client certificate, when it made one.
        client_auth: Option<danger::Request>,
    },
    Connect(std::io::Error),
    TimedOut {
        connected: bool,
    },
    /// The proxy tunnel or the STARTTLS exchange did not open the way to TLS (the finding says why;
    /// the stage is the step that failed).
    NotUpgraded(Finding, super::Stage),
    /// The STARTTLS exchange did not finish in time.
    UpgradeTimedOut(Protocol),
}

impl Prober {
    pub(super) async fn attempt(
        &self,
        config: &Arc<ClientConfig>,
        addrs: &[SocketAddr],
        server_name: ServerName<'static>,
        chosen: &mut Option<SocketAddr>,
        keep: bool,
        target: &Target,
    ) -> Attempt {
        let deadline = tokio::time::Instant::now() + self.options.timeout;
        let mut tcp = match tokio::time::timeout_at(deadline, Dialer::tcp(addrs, chosen)).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => return Attempt::Connect(e),
            Err(_) => return Attempt::TimedOut { connected: false },
        };
        if let Some(proxy) = self.proxy_for(target) {
            match tokio::time::timeout_at(deadline, proxy::tunnel(&mut tcp, target, proxy)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    return Attempt::NotUpgraded(
                        proxy_finding(target, proxy, e),
                        super::Stage::Connect,
                    );
                }
                Err(_) => return Attempt::TimedOut { connected: true },
            }
        }
        if let Some(protocol) = target.starttls {
            let name = client_name(&tcp);
            let upgrade = starttls::upgrade(&mut tcp, protocol, &name);
            match tokio::time::timeout_at(deadline, upgrade).await {
                Ok(Ok(())) => {}
                Ok(Err(refusal)) => {
                    return Attempt::NotUpgraded(
                        starttls_finding(target, protocol, refusal),
                        super::Stage::StartTls,
                    );
                }
                Err(_) => return Attempt::UpgradeTimedOut(protocol),
            }
        }
        let (tcp, peek) = stream::Recorder::new(tcp, MAX_HANDSHAKE_BYTES);
        let slot: danger::Slot = Arc::new(Mutex::new(None));
        let connector = tokio_rustls::TlsConnector::from(Arc::clone(config));
        let requested: danger::Requested = Arc::new(Mutex::new(None));
        let handshake = danger::CLIENT_AUTH.scope(
            Arc::clone(&requested),
            danger::CAPTURE.scope(
                Arc::clone(&slot),
                connector.connect(server_name.clone(), tcp),
            ),
        );
        let result = tokio::time::timeout_at(deadline, handshake).await;
        let presented = slot.lock().ok().and_then(|mut s| s.take());
        let client_auth = requested.lock().ok().and_then(|mut s| s.take());
        match result {
            Err(_) => Attempt::TimedOut { connected: true },
            Ok(Ok(tls)) => {
                let (_, conn) = tls.get_ref();
                let info = TlsInfo {
                    handshake: Handshake::Complete,
                    version: conn
                        .protocol_version()
                        .map(|v| java_version_name(&format!("{v:?}"))),
                    cipher_suite: conn
                        .negotiated_cipher_suite()
                        .map(|s| iana_suite_name(&format!("{:?}", s.suite()))),
                    key_exchange: conn
                        .negotiated_key_exchange_group()
                        .map(|g| format!("{:?}", g.name())),
                    alpn: conn
                        .alpn_protocol()
                        .map(|p| String::from_utf8_lossy(p).into_owned()),
                    ocsp_stapled: false,
                    retried_without_pq: false,
                    starttls: target.starttls,
                };
                // A TLS 1.3 server refuses a client certificate after the client's Finished, and
                // nginx only when a request comes: wait briefly for its alert, or ask `GET /` on an
                // HTTPS port (not on a connection kept for requests).
                let mut tls = tls;
                let http = target.protocol.is_none()
                    && info.alpn.as_deref().is_none_or(|a| a == "http/1.1");
                let client_auth = match client_auth {
                    Some(request) if !keep => {
                        let wait = self.options.timeout.min(CLIENT_AUTH_WAIT);
                        let host = match &server_name {
                            ServerName::DnsName(n) => n.as_ref().to_owned(),
                            _ => target.host.clone(),
                        };
                        let after = after_auth(&mut tls, http.then_some(host.as_str()), wait).await;
                        Some((request, after))
                    }
                    Some(request) => Some((request, AfterAuth::Nothing)),
                    None => None,
                };
                match presented {
                    Some(presented) => Attempt::Done {
                        tls: info,
                        presented,
                        stream: keep.then(|| {
                            tls.get_mut().0.set_limit(MAX_CONNECTION_BYTES);
                            Box::new(tls)
                        }),
                        client_auth,
                    },
                    None => Attempt::Failed {
                        error: std::io::Error::other(
                            "the handshake completed without a server certificate",
                        ),
                        presented: None,
                        head: Vec::new(),
                        client_auth: None,
                    },
                }
            }
            Ok(Err(error)) => Attempt::Failed {
                error,
                presented,
                head: peek.lock().map(|p| p.head.clone()).unwrap_or_default(),
                client_auth,
            },
        }
    }

    /// The raw TLS ≤ 1.2 fallback; records `legacy-tls` with the chain, or `handshake-failed`.
    pub(super) async fn legacy(
        &self,
        out: &mut CapturedChain,
        addrs: &[SocketAddr],
        first_error: &std::io::Error,
    ) {
        let mut random = [0u8; 32];
        let _ = rustls::crypto::aws_lc_rs::default_provider()
            .secure_random
            .fill(&mut random);
        let sni = out.sni.clone();
        let target = out.target.clone();
        let work = async {
            let mut tcp = Dialer::tcp(addrs, &mut out.address)
                .await
                .map_err(|e| legacy::LegacyError::Io(e.to_string()))?;
            if let Some(proxy) = self.proxy_for(&target) {
                proxy::tunnel(&mut tcp, &target, proxy).await.map_err(|e| {
                    legacy::LegacyError::Io(proxy_finding(&target, proxy, e).message)
                })?;
            }
            if let Some(protocol) = target.starttls {
                let name = client_name(&tcp);
                starttls::upgrade(&mut tcp, protocol, &name)
                    .await
                    .map_err(|refusal| {
                        legacy::LegacyError::Io(
                            starttls_finding(&target, protocol, refusal).message,
                        )
                    })?;
            }
            let (mut tcp, _) = stream::Recorder::new(tcp, legacy::MAX_READ);
            legacy::exchange(&mut tcp, sni.as_deref(), random).await
        };
        let first = describe(first_error);
        match tokio::time::timeout(self.options.timeout, work).await {
            Ok(Ok(hello)) if !hello.chain.is_empty() => {
                let version = legacy::version_name(hello.version);
                let suite = legacy::suite_name(hello.suite);
                if hello.version == 0x0303 && rustls_accepts(&suite) {
                    // The server is not legacy: rustls failed for another reason (an oversized
                    // Certificate message, say) and only the raw hello got the chain.
                    out.findings.push(Finding::new(
                        Code::HandshakeFailed,
                        Severity::Error,
                        format!("the TLS handshake failed: {first}; the chain was read from a plain TLS 1.2 ClientHello instead ({suite})"),
                        "check the server's TLS configuration: the JVM may fail the same way",
                    ));
                } else {
                    out.findings.push(legacy_finding(
                        &version,
                        &suite,
                        &first,
                        &self.options.jdk_tls_disabled,
                    ));
                }
                out.tls = Some(TlsInfo {
                    handshake: Handshake::LegacyHello,
                    version: Some(version),
                    cipher_suite: Some(suite),
                    key_exchange: None,
                    alpn: None,
                    ocsp_stapled: false,
                    retried_without_pq: false,
                    starttls: out.target.starttls,
                });
                out.chain = certificates(&hello.chain);
            }
            Ok(Err(legacy::LegacyError::PlainHttp(line))) => {
                out.findings.push(plaintext_finding(&out.target, &line));
            }
            other => {
                let legacy_note = match other {
                    Ok(Ok(_)) => {
                        "it sent no certificate to a legacy ClientHello either (anonymous suite)"
                            .to_owned()
                    }
                    Ok(Err(e)) => {
                        format!("a TLS 1.0–1.2 ClientHello offering legacy suites failed too: {e}")
                    }
                    Err(_) => {
                        "a TLS 1.0–1.2 ClientHello offering legacy suites timed out".to_owned()
                    }
                };
                out.findings.push(Finding::new(
                    Code::HandshakeFailed,
                    Severity::Error,
                    format!("the TLS handshake failed: {first}; {legacy_note}"),
                    "check that this port serves TLS and read the server's TLS error log; `openssl s_client -connect HOST:PORT` shows the server's side",
                ));
            }
        }
    }
}

/// What the server does next on a connection after a handshake in which it asked for a client
/// certificate: with `http_host`, the answer to `GET /` (Host: that name); else an alert, if one
/// comes within `wait`.
async fn after_auth(
    tls: &mut ProbedTls,
    http_host: Option<&str>,
    wait: std::time::Duration,
) -> AfterAuth {
    use tokio::io::AsyncWriteExt;
    let work = async {
        if let Some(host) = http_host {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.to_owned()
            };
            let request = format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                super::http::USER_AGENT
            );
            tls.write_all(request.as_bytes()).await?;
            tls.flush().await?;
        }
        let mut answer = Vec::new();
        let mut buf = [0u8; 2048];
        loop {
            let n = tls.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if http_host.is_none()
                || answer.len() >= CLIENT_AUTH_READ
                || answer
                    .windows(8)
                    .any(|w| w.eq_ignore_ascii_case(b"</title>"))
            {
                break;
            }
        }
        Ok::<Vec<u8>, std::io::Error>(answer)
    };
    match tokio::time::timeout(wait, work).await {
        // A TLS alert is a refusal; a connection closed after the request is no answer.
        Ok(Err(e)) if rustls_error(&e).is_some() => AfterAuth::Refused(describe(&e)),
        Ok(Ok(answer)) if http_host.is_some() => http_status(&answer)
            .map_or(AfterAuth::Nothing, |status| {
                AfterAuth::Http(status, page_title(&answer))
            }),
        _ => AfterAuth::Nothing,
    }
}

/// The status code of an HTTP/1.x status line.
fn http_status(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|b| *b == b'\n').next()?;
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

/// The text of an HTML page's `<title>`, trimmed and bounded.
fn page_title(answer: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(answer);
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title: String = text[start..end].trim().chars().take(120).collect();
    (!title.is_empty()).then_some(title)
}

/// The EHLO argument for a connection: the local address as an address literal (RFC 5321 §4.1.3).
fn client_name(tcp: &tokio::net::TcpStream) -> String {
    match tcp.local_addr().map(|a| a.ip()) {
        Ok(std::net::IpAddr::V4(ip)) => format!("[{ip}]"),
        Ok(std::net::IpAddr::V6(ip)) => format!("[IPv6:{ip}]"),
        Err(_) => "[127.0.0.1]".to_owned(),
    }
}

pub(super) fn client_config(
    provider: CryptoProvider,
    alpn: &[&[u8]],
    identity: Option<Arc<super::client_cert::ClientIdentity>>,
) -> Result<ClientConfig, rustls::Error> {
    let verifier = Arc::new(danger::CaptureVerifier::new(&provider));
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_cert_resolver(Arc::new(danger::RequestRecorder::new(identity)));
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    // A resumed session carries no certificates: every probe must see a full handshake.
    config.resumption = Resumption::disabled();
    Ok(config)
}

/// Served DER to certificates; bytes that do not parse are kept (the report names the parse error).
pub(super) fn certificates(chain: &[Vec<u8>]) -> Vec<Certificate> {
    chain
        .iter()
        .map(|der| {
            Certificate::from_der(der.clone())
                .unwrap_or_else(|_| Certificate::from_der_lazy(der.clone()))
        })
        .collect()
}

/// Whether rustls implements a TLS 1.2 suite (ECDHE with an AEAD cipher).
pub(super) fn rustls_accepts(suite: &str) -> bool {
    suite.starts_with("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20"))
}

/// Whether the first bytes received are another protocol than TLS (HTTP, a server greeting, text).
pub(super) fn is_plain(head: &[u8]) -> bool {
    super::banner::classify(head).is_some()
}

/// Whether a failure looks like a server or middlebox choking on a large ClientHello (worth one retry
/// without the post-quantum key share).
pub(super) fn chokes(error: &std::io::Error) -> bool {
    use rustls::AlertDescription as A;
    match rustls_error(error) {
        Some(rustls::Error::AlertReceived(a)) => {
            matches!(
                a,
                A::DecodeError
                    | A::IllegalParameter
                    | A::RecordOverflow
                    | A::HandshakeFailure
                    | A::InternalError
            )
        }
        Some(_) => false,
        None => matches!(
            error.kind(),
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::ConnectionAborted
        ),
    }
}

/// Whether a handshake failed because the server's signature does not verify with the key of the
/// certificate it served (the capture verifier checks nothing else, so this is the key not matching).
pub(super) fn key_mismatch(error: &std::io::Error) -> bool {
    use rustls::CertificateError as C;
    matches!(
        rustls_error(error),
        Some(rustls::Error::InvalidCertificate(
            C::BadSignature | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
        ))
    )
}

fn rustls_error(error: &std::io::Error) -> Option<&rustls::Error> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// A one-line description of a handshake failure.
pub(super) fn describe(error: &std::io::Error) -> String {
    match rustls_error(error) {
        Some(rustls::Error::AlertReceived(a)) => format!("the server sent TLS alert {a:?}"),
        Some(e) => e.to_string(),
        None => match error.kind() {
            std::io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
            std::io::ErrorKind::ConnectionReset => "the server reset the connection".to_owned(),
            _ => error.to_string(),
        },
    }
}

/// `TLSv1_3` (rustls' Debug) → `TLSv1.3` (the JDK's name).
fn java_version_name(debug: &str) -> String {
    debug.replace('_', ".")
}

/// `TLS13_AES_128_GCM_SHA256` (rustls) → `TLS_AES_128_GCM_SHA256` (IANA, as the JDK names it).
fn iana_suite_name(debug: &str) -> String {
    match debug.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => debug.to_owned(),
    }
}
