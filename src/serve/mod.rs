//! A local TLS endpoint for reproducing and testing: serves exactly the chain it is given (any order,
//! even wrong), answers HTTP GET with a small page (hyper), and accepts WebSocket upgrades on any path
//! (tungstenite), so it can stand in for an application or a real-time collaboration port behind a real
//! proxy.
//!
//! Tokio tasks, not threads, per connection, and a listen backlog of [`LISTEN_BACKLOG`], so a thousand
//! simultaneous handshakes are queued rather than refused. [`bind`] returns a [`Server`] whose address
//! is known before it runs (useful with port 0); [`Server::run`] serves until the shutdown future
//! completes, `max_connections` connections were accepted, or `duration` has passed.

pub mod echo;
pub mod http;
pub mod resolver;
pub mod websocket;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Backlog of the listening socket (the kernel caps it at `net.core.somaxconn`, 4096 by default).
pub const LISTEN_BACKLOG: u32 = 4096;
/// How long a client may take to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight connections may finish after the server stops accepting.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The certificate, key or TLS settings are unusable.
    #[error("{0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// The chain and key to serve.
pub struct TlsIdentity {
    /// Certificates in served order.
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key used for the handshake signature.
    pub key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TlsIdentity({} certificates, key redacted)",
            self.chain.len()
        )
    }
}

/// What to serve and for how long.
#[derive(Debug)]
pub struct ServeConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The TLS identity, or `None` for plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// What the served page says it is (a scenario name or file name).
    pub label: String,
    /// Whether the page lists the request headers received (`serve --echo-headers`).
    pub echo_headers: bool,
    /// Stop after accepting this many connections (and finishing them).
    pub max_connections: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// How long a client may take to complete the TLS handshake ([`HANDSHAKE_TIMEOUT`] unless a caller
    /// needs another bound).
    pub handshake_timeout: Duration,
}

impl ServeConfig {
    /// Serves a fault scenario (`crate::pki::scenario::build`) on `listen`, with no limits: the
    /// in-process equivalent of `trustpath serve --scenario NAME`.
    pub fn scenario(scenario: &crate::pki::scenario::Scenario, listen: SocketAddr) -> ServeConfig {
        let tls = scenario.tls.then(|| TlsIdentity {
            chain: scenario
                .chain
                .iter()
                .map(|c| CertificateDer::from(c.der().to_vec()))
                .collect(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(scenario.key_pkcs8.clone())),
        });
        ServeConfig {
            listen,
            tls,
            label: format!("scenario {}", scenario.info.name),
            echo_headers: false,
            max_connections: None,
            duration: None,
            handshake_timeout: HANDSHAKE_TIMEOUT,
        }
    }
}

/// Counters of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServeStats {
    /// TCP connections accepted.
    pub connections: u64,
    /// TLS handshakes that failed (or timed out).
    pub handshake_failures: u64,
    /// Pages served.
    pub pages: u64,
    /// WebSocket upgrades accepted.
    pub websockets: u64,
}

#[derive(Debug, Default)]
struct Counters {
    handshake_failures: AtomicU64,
    pages: AtomicU64,
    websockets: AtomicU64,
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    page: Arc<http::Page>,
    max_connections: Option<u64>,
    duration: Option<Duration>,
    handshake_timeout: Duration,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.listener.local_addr().ok())
            .field("tls", &self.acceptor.is_some())
            .finish()
    }
}

/// The rustls server configuration serving `identity` exactly as given.
pub fn tls_config(identity: TlsIdentity) -> Result<rustls::ServerConfig, ServeError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let resolver = resolver::FixedChain::new(identity.chain, identity.key, &provider)?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| ServeError::Config(format!("tls versions: {e}")))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Binds the listening socket (with a deep backlog) and prepares TLS.
pub async fn bind(config: ServeConfig) -> Result<Server, ServeError> {
    let acceptor = match config.tls {
        Some(identity) => Some(TlsAcceptor::from(Arc::new(tls_config(identity)?))),
        None => None,
    };
    let addr = config.listen;
    let bind_err = |source| ServeError::Bind { addr, source };
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(bind_err)?;
    socket.set_reuseaddr(true).map_err(bind_err)?;
    socket.bind(addr).map_err(bind_err)?;
    let listener = socket.listen(LISTEN_BACKLOG).map_err(bind_err)?;
    Ok(Server {
        listener,
        acceptor,
        page: Arc::new(http::Page {
            label: config.label,
            echo_headers: config.echo_headers,
        }),
        max_connections: config.max_connections,
        duration: config.duration,
        handshake_timeout: config.handshake_timeout,
    })
}

/// Binds and serves until `shutdown` completes (or the limits of `config` are reached).
pub async fn run(
    config: ServeConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<ServeStats, ServeError> {
    Ok(bind(config).await?.run(shutdown).await)
}

impl Server {
    /// The address actually bound (with the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        // A bound listener always has a local address; fall back to the unspecified one otherwise.
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// Serves until `shutdown` completes, `max_connections` were accepted and finished, or `duration`
    /// passed. In-flight connections get [`DRAIN_TIMEOUT`] to finish.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> ServeStats {
        let counters = Arc::new(Counters::default());
        let mut tasks = JoinSet::new();
        let mut accepted: u64 = 0;
        let deadline = self.duration.map(|d| tokio::time::Instant::now() + d);
        tokio::pin!(shutdown);
        let mut interrupted = false;
        loop {
            if self.max_connections.is_some_and(|max| accepted >= max) {
                break;
            }
            tokio::select! {
                _ = &mut shutdown => { interrupted = true; break; }
                _ = sleep_until(deadline) => break,
                accept = self.listener.accept() => match accept {
                    Ok((stream, _peer)) => {
                        accepted += 1;
                        let _ = stream.set_nodelay(true);
                        tasks.spawn(connection(stream, self.acceptor.clone(), self.handshake_timeout, Arc::clone(&self.page), Arc::clone(&counters)));
                    }
                    // Out of file descriptors and the like: back off briefly instead of spinning.
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                },
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        drop(self.listener);
        let drain = async { while tasks.join_next().await.is_some() {} };
        if interrupted {
            let _ = tokio::time::timeout(Duration::from_millis(500), drain).await;
        } else {
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, drain).await;
        }
        tasks.abort_all();
        ServeStats {
            connections: accepted,
            handshake_failures: counters.handshake_failures.load(Ordering::Relaxed),
            pages: counters.pages.load(Ordering::Relaxed),
            websockets: counters.websockets.load(Ordering::Relaxed),
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn connection(
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    handshake_timeout: Duration,
    page: Arc<http::Page>,
    counters: Arc<Counters>,
) {
    let outcome = match acceptor {
        Some(acceptor) => {
            match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => http::handle(tls, page).await,
                Ok(Err(_)) | Err(_) => {
                    counters.handshake_failures.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
        }
        None => http::handle(stream, page).await,
    };
    match outcome {
        http::Outcome::Page => {
            counters.pages.fetch_add(1, Ordering::Relaxed);
        }
        http::Outcome::WebSocket => {
            counters.websockets.fetch_add(1, Ordering::Relaxed);
        }
        http::Outcome::Nothing => {}
    }
}
