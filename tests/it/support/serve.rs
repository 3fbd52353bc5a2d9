//! Helpers shared by the serve, gen and nginx tests (included with `#[path]`): an in-process
//! `trustpath serve` on 127.0.0.1, a capture-only TLS client that records the served chain, and an
//! HTTPS client that trusts a given root.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use trustpath::serve::{self, ServeConfig, ServeStats, TlsIdentity};

/// One multi-threaded runtime per test binary.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// A `trustpath serve` running in-process; stopped when dropped (or by [`Running::stop`]).
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<ServeStats>>,
}

impl Running {
    /// Stops the server and returns its counters.
    pub fn stop(mut self) -> ServeStats {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let handle = self.handle.take().unwrap();
        runtime().block_on(handle).unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a server for `config` (its `listen` is usually 127.0.0.1:0).
pub fn start(config: ServeConfig) -> Running {
    let server = runtime().block_on(serve::bind(config)).unwrap();
    let addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = runtime().spawn(server.run(async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        stop: Some(tx),
        handle: Some(handle),
    }
}

/// Starts a plain-HTTP `trustpath serve` on 127.0.0.1 (a node behind a proxy) whose page names `label`.
pub fn start_plain(label: &str) -> Running {
    start(ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: None,
        label: label.into(),
        echo_headers: false,
        max_connections: None,
        duration: None,
        handshake_timeout: trustpath::serve::HANDSHAKE_TIMEOUT,
    })
}

/// Starts a plain-HTTP `trustpath serve --echo-headers` on 127.0.0.1: its page lists the request
/// headers it received.
pub fn start_echo(label: &str) -> Running {
    start(ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: None,
        label: label.into(),
        echo_headers: true,
        max_connections: None,
        duration: None,
        handshake_timeout: trustpath::serve::HANDSHAKE_TIMEOUT,
    })
}

/// A TLS server config serving `chain` (DER, in order) with a PKCS#8 key.
pub fn tls_config(chain: &[Vec<u8>], key_pkcs8: &[u8], label: &str) -> ServeConfig {
    ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(TlsIdentity {
            chain: chain
                .iter()
                .map(|c| CertificateDer::from(c.clone()))
                .collect(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.to_vec())),
        }),
        label: label.to_owned(),
        echo_headers: false,
        max_connections: None,
        duration: None,
        handshake_timeout: trustpath::serve::HANDSHAKE_TIMEOUT,
    }
}

/// Accepts any certificate: the tests compare what was served, they do not judge it here.
#[derive(Debug)]
struct CaptureOnly(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for CaptureOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A client that records whatever is served.
pub fn capture_connector() -> TlsConnector {
    let p = provider();
    let config = rustls::ClientConfig::builder_with_provider(p.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(CaptureOnly(p)))
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// A client trusting only `root_der`.
pub fn trusting_connector(root_der: &[u8]) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(root_der.to_vec())).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// The chain `addr` serves for `sni`, in served order.
pub async fn served_chain(addr: SocketAddr, sni: &str) -> Vec<Vec<u8>> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from(sni.to_owned()).unwrap();
    let tls = capture_connector().connect(name, tcp).await.unwrap();
    let (_, conn) = tls.get_ref();
    conn.peer_certificates()
        .unwrap_or_default()
        .iter()
        .map(|c| c.to_vec())
        .collect()
}

/// Sends `request` over TLS (trusting `root_der`, SNI `sni`) and returns the whole response as text.
pub async fn https_exchange(
    addr: SocketAddr,
    sni: &str,
    root_der: &[u8],
    request: &[u8],
) -> String {
    String::from_utf8_lossy(&https_exchange_bytes(addr, sni, root_der, request).await).into_owned()
}

/// Sends `request` over TLS (trusting `root_der`, SNI `sni`) and returns the whole response.
pub async fn https_exchange_bytes(
    addr: SocketAddr,
    sni: &str,
    root_der: &[u8],
    request: &[u8],
) -> Vec<u8> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from(sni.to_owned()).unwrap();
    let mut tls = trusting_connector(root_der)
        .connect(name, tcp)
        .await
        .unwrap();
    tls.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tls.read_to_end(&mut out)).await;
    out
}

/// A minimal GET request.
pub fn get(host: &str, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
}

/// A free port on 127.0.0.1 (and ::1) that this process has not handed out before, from a range the
/// kernel never assigns on its own (bound then released: only a process naming the same port can still
/// take it before our server does, and `process::Guard` then says so instead of testing the wrong server).
pub fn free_port() -> u16 {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU32, Ordering};
    // Ports handed out by this process: never twice, even once the server that had one has stopped.
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Below the kernel's ephemeral range: a port taken from there (bind to port 0) can be handed by the
    // kernel to any other process on the machine — another test binary's server, an outgoing
    // connection — between this call and the moment our server binds it, and the test then talks to
    // the wrong server. Below the range only processes naming a port explicitly can collide, and a
    // random start per process keeps two test binaries on the same machine apart.
    let (low, high) = FREE_PORTS;
    let span = u32::from(high - low);
    if NEXT.load(Ordering::Relaxed) == 0 {
        let seed = std::process::id().wrapping_mul(2_654_435_761)
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
        let _ = NEXT.compare_exchange(0, seed % span + 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    for _ in 0..span {
        let port = low + (NEXT.fetch_add(1, Ordering::Relaxed) % span) as u16;
        if given.contains(&port) {
            continue;
        }
        // Free on both loopback addresses, for servers that listen on ::1 too.
        let v4 = std::net::TcpListener::bind(("127.0.0.1", port));
        let v6 = std::net::TcpListener::bind(("::1", port));
        if v4.is_ok() && !matches!(&v6, Err(e) if e.kind() == std::io::ErrorKind::AddrInUse) {
            given.push(port);
            return port;
        }
    }
    panic!("no free port from {low} to {high}");
}

/// The ports [`free_port`] hands out: below Linux's default ephemeral range (32768–60999).
const FREE_PORTS: (u16, u16) = (20000, 32000);

/// Waits (bounded) until something accepts TCP connections on `port`.
pub fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on 127.0.0.1:{port} after 10 s");
}
