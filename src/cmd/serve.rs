//! `trustpath serve`: a local TLS endpoint serving a given chain, or a named fault from a throwaway lab
//! PKI. The first line on stdout is always `listening on ADDR:PORT`, so scripts using port 0 can read it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::args::StorePassArgs;
use crate::clock::Clock;
use crate::error::{Result, exit};
use crate::pki::keystores;
use crate::pki::scenario::{self, SCENARIOS};
use crate::serve::{self, ServeConfig, TlsIdentity};
use crate::storefile;
use crate::truststore::StoreFormat;

/// Arguments of `trustpath serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "The first line printed is `listening on ADDR:PORT` (useful with port 0). Ctrl-C stops \
the server; --max-connections and --for stop it in scripts.\n\n\
Examples:\n  \
$ trustpath serve --cert server.pem --key server.key \\\n      --chain intermediate-ca.pem --listen 127.0.0.1:8443\n  \
$ trustpath serve --scenario missing-intermediate --listen 127.0.0.1:0 \\\n      --write-trust lab-trust.jks --trust-format jks\n  \
$ trustpath serve --list-scenarios\n  \
$ trustpath serve --plain --echo-headers --label \"app node\" \\\n      --listen 127.0.0.1:8090"
)]
pub struct ServeArgs {
    /// PEM file whose certificates are served first, in file order (normally the server certificate,
    /// or a full chain).
    #[arg(long, value_name = "FILE", requires = "key", conflicts_with_all = ["scenario", "list_scenarios"])]
    pub cert: Option<PathBuf>,
    /// Serve plain HTTP without TLS: a stand-in for an app or RTC node behind a proxy (a page for GET, a
    /// WebSocket echo for upgrades).
    #[arg(long, conflicts_with_all = ["cert", "scenario", "list_scenarios"])]
    pub plain: bool,
    /// List the request headers received on the served page, so a check through a real proxy shows what
    /// reaches the app (`X-Forwarded-For`, `X-Forwarded-Proto`, `Host`, …); `trustpath check` reads the
    /// list. Authorization, Proxy-Authorization and Cookie values are never shown, only their length.
    #[arg(long, conflicts_with = "list_scenarios")]
    pub echo_headers: bool,
    /// The name the served page shows (`trustpath serve: LABEL`); defaults to the certificate file or
    /// scenario.
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// PEM private key of the served certificate (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY").
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// PEM file of further certificates served after --cert, in file order (any order is served as is).
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub chain: Option<PathBuf>,
    /// Serve a named fault from a throwaway lab PKI (see --list-scenarios).
    #[arg(long, value_name = "NAME", conflicts_with = "list_scenarios")]
    pub scenario: Option<String>,
    /// List the scenarios with one line each, and exit.
    #[arg(long)]
    pub list_scenarios: bool,
    /// Address to listen on (an IP address or a host name such as localhost, and a port); port 0 picks a
    /// free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8443", value_parser = listen_addr)]
    pub listen: SocketAddr,
    /// Host name the scenario certificates are issued for (127.0.0.1 is always added as an IP name).
    #[arg(
        long,
        value_name = "HOST",
        default_value = "localhost",
        requires = "scenario"
    )]
    pub name: String,
    /// Write a truststore trusting the scenario's lab root to this new file (never overwritten without
    /// --force).
    #[arg(long, value_name = "FILE", requires = "scenario")]
    pub write_trust: Option<PathBuf>,
    /// Format of --write-trust. The file name is never used to guess it.
    #[arg(long, value_enum, default_value_t = TrustFormat::Pem, requires = "write_trust")]
    pub trust_format: TrustFormat,
    /// Password of a JKS or PKCS#12 --write-trust file.
    #[command(flatten)]
    pub storepass: StorePassArgs,
    /// Overwrite an existing --write-trust file.
    #[arg(long)]
    pub force: bool,
    /// Stop after this many connections have been accepted and answered.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long = "for", value_name = "SECONDS")]
    pub duration: Option<u64>,
}

/// Format of a truststore written by `--write-trust`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrustFormat {
    /// The root certificate as PEM (for curl --cacert, openssl -CAfile, `trustpath store import`).
    Pem,
    /// A JKS truststore (for -Djavax.net.ssl.trustStore).
    Jks,
    /// A PKCS#12 truststore.
    Pkcs12,
}

/// Runs `trustpath serve`.
pub fn run(args: ServeArgs, clock: Clock) -> Result<u8> {
    if args.list_scenarios {
        crate::report::human_stdout().scenarios(SCENARIOS)?;
        return Ok(exit::OK);
    }
    let mut notes = Vec::new();
    let (tls, label) = if args.plain {
        notes.push("serving plain HTTP (no TLS)".to_owned());
        (None, "plain".to_owned())
    } else if let Some(name) = &args.scenario {
        let now = clock.now();
        let sc = scenario::build(name, &args.name, now)?;
        notes.push(format!("scenario {}: {}", sc.info.name, sc.info.summary));
        if let Some(path) = &args.write_trust {
            let password = args.storepass.resolve()?;
            let bytes = match args.trust_format {
                TrustFormat::Pem => sc.trust_anchor_pem().into_bytes(),
                TrustFormat::Jks => {
                    keystores::trust_store(StoreFormat::Jks, &sc.trust_anchor, &password, now)?
                }
                TrustFormat::Pkcs12 => {
                    keystores::trust_store(StoreFormat::Pkcs12, &sc.trust_anchor, &password, now)?
                }
            };
            let policy = crate::storefile::Policy::in_directory(args.force, "--force");
            let swept = crate::storefile::write_one(
                path,
                &bytes,
                crate::storefile::write::PUBLIC_MODE,
                &policy,
            )?;
            crate::report::swept(&swept);
            notes.push(format!("trust anchor written to {}", path.display()));
        }
        let config = ServeConfig::scenario(&sc, args.listen);
        (config.tls, config.label)
    } else if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
        let mut chain = storefile::read_pem_certs(cert)?;
        if let Some(more) = &args.chain {
            chain.extend(storefile::read_pem_certs(more)?);
        }
        notes.push(format!(
            "serving {} certificate(s) in file order",
            chain.len()
        ));
        let key_path = key;
        let key = storefile::read_pem_private_key(key)?;
        // A key that belongs to no served certificate makes every handshake fail with a signature error
        // a client reports as a trust problem: refuse the pair. (A key of a later certificate is kept:
        // serving the chain out of order on purpose reproduces a wrong-order fault.)
        let bits = crate::keypair::public_key_bits(&key)?;
        let certs: Vec<crate::cert::Certificate> = chain
            .iter()
            .filter_map(|c| crate::cert::Certificate::from_der(c.to_vec()).ok())
            .collect();
        let key_label = key_path.display().to_string();
        let belongs = certs.iter().any(|c| {
            crate::keypair::key_mismatch(&key_label, &bits, std::slice::from_ref(c)).is_none()
        });
        if let (false, Some(f)) = (
            belongs,
            crate::keypair::key_mismatch(&key_label, &bits, &certs),
        ) {
            bail!(
                "--key does not belong to --cert: {} (nor to any other certificate served)",
                f.message
            );
        }
        (Some(TlsIdentity { chain, key }), cert.display().to_string())
    } else {
        bail!("give --cert and --key, --scenario NAME (see --list-scenarios), or --plain");
    };
    let label = args.label.clone().unwrap_or(label);
    let config = ServeConfig {
        listen: args.listen,
        tls,
        label,
        echo_headers: args.echo_headers,
        max_connections: args.max_connections,
        duration: args.duration.map(Duration::from_secs),
        handshake_timeout: serve::HANDSHAKE_TIMEOUT,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let stats = runtime.block_on(async move {
        let server = serve::bind(config).await?;
        // The Ctrl-C handler is in place before the address is printed: whoever reads the first line may
        // interrupt at once. If it cannot be installed, serve until the other limits stop us.
        let interrupt =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        // Whoever reads stdout may stop after the first line (`| head -1`, a test harness): the server
        // keeps serving, so stdout errors are ignored from here on.
        let _ = crate::report::human_stdout().listening(server.local_addr(), &notes);
        let shutdown = async move {
            match interrupt {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        anyhow::Ok(server.run(shutdown).await)
    })?;
    let _ = crate::report::human_stdout().stopped(&stats);
    Ok(exit::OK)
}

/// `--listen`: `ADDR:PORT`, `[IPv6]:PORT` or `HOST:PORT` (the host's first address, as a server binding
/// `localhost` does).
fn listen_addr(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!(
            "{text:?} has no port: give ADDR:PORT or HOST:PORT (port 0 picks one)"
        ));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "{text:?}: port {port:?} is not a number from 0 to 65535"
        ));
    }
    use std::net::ToSocketAddrs;
    match text.to_socket_addrs() {
        Ok(mut addrs) => addrs
            .next()
            .ok_or_else(|| format!("{host:?} resolves to no address")),
        Err(e) => Err(format!("cannot resolve {host:?}: {e}")),
    }
}
