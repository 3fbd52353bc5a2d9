//! `trustpath check`: check a deployment as one system. Every endpoint of the deployment file is probed
//! at once; each chain is judged with the app JVM's own truststore; HTTP requests and a WebSocket upgrade
//! go over the probed connections; cross-endpoint findings compare them; the server configurations named
//! in the file (or with `--tomcat`/`--nginx`/`--apache`) are checked offline.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::args::{self, TrustArgs};
use crate::clock::Clock;
use crate::deploy::cross::{self, NameProbe, Seen};
use crate::deploy::model::{self, ConfigSpec, Deployment};
use crate::deploy::web::{self, HttpOutcome, Opener, WebsocketOutcome};
use crate::deploy::{Endpoint, EndpointUrl};
use crate::error::Result;
use crate::finding::{self, Code, Finding, Severity};
use crate::jvm::{JvmTrust, TrustSpec};
use crate::password::PassSource;
use crate::probe::http::BoxIo;
use crate::probe::{CapturedChain, ProbeOptions, Prober, Resolve, Target};
use crate::report::deploy::{DeployedEndpoint, DeploymentRun};

/// Arguments of `trustpath check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath check deployment.toml
      Probe every endpoint of the deployment (app, proxy, RTC port, nodes, auth proxy), judge
      each chain with the app JVM's truststore, make the HTTP and WebSocket checks, compare
      the endpoints, and check the server configurations the file names.

  $ trustpath discover --tomcat conf/server.xml --nginx nginx.conf > deployment.toml
  $ trustpath check deployment.toml --json
      Build the deployment file from the configurations, edit it, then check it; JSON for CI.

  $ trustpath check --tomcat conf/server.xml --nginx /etc/nginx/nginx.conf
      Offline only: the keystore opens with keystorePass and holds keyAlias with a complete
      chain, nginx serves a fullchain in order with its key, WebSocket locations carry the
      Upgrade headers, and Tomcat's proxyName/proxyPort/scheme agree with what nginx listens on.")]
pub struct CheckArgs {
    /// The deployment file (TOML; see the README or `trustpath discover`). Without it, only the
    /// configurations given with --tomcat/--nginx/--apache are checked, offline.
    #[arg(value_name = "DEPLOYMENT.toml")]
    pub deployment: Option<PathBuf>,
    /// Tomcat's server.xml to check offline (overrides `tomcat` in the file's `[configs]`).
    #[arg(long, value_name = "FILE")]
    pub tomcat: Option<PathBuf>,
    /// The nginx configuration to check offline; includes are followed.
    #[arg(long, value_name = "FILE")]
    pub nginx: Option<PathBuf>,
    /// The Apache httpd configuration to check offline; Include is followed.
    #[arg(long, value_name = "FILE")]
    pub apache: Option<PathBuf>,
    /// Connect to ADDR when reaching HOST:PORT, while SNI, Host and the name check still use HOST.
    /// Repeat for several. An endpoint's own `connect` takes precedence.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Seconds allowed for each connection, handshake and HTTP exchange.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// Print one JSON document instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// The app JVM's truststore, when it is not the file's `[jvm]` (these options win over the file).
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Runs `trustpath check`.
pub fn run(args: CheckArgs, clock: Clock) -> Result<u8> {
    let timeout = args::timeout(args.timeout)?;
    let deployment = match &args.deployment {
        Some(path) => Some(load_deployment(path)?),
        None => None,
    };
    let spec = config_spec(&args, deployment.as_ref());
    if deployment.is_none() && spec == ConfigSpec::default() {
        anyhow::bail!(
            "nothing to check: give a deployment file (trustpath discover writes one) or --tomcat/--nginx/--apache"
        );
    }
    let trust = trust_spec(args.trust.spec(), deployment.as_ref())
        .load(args.warn_days)
        .context("cannot load the app JVM's truststore")?;
    let resolve = args
        .resolve
        .iter()
        .map(|r| Resolve::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let now = clock.unix();

    let mut run = DeploymentRun {
        name: deployment
            .as_ref()
            .map_or_else(|| "offline".to_owned(), |d| d.name.clone()),
        file: args.deployment.as_ref().map(|p| p.display().to_string()),
        truststores: trust.summaries.clone(),
        now,
        ..DeploymentRun::default()
    };

    if let Some(d) = &deployment {
        let live = check_live(d, resolve, timeout, &trust, now)?;
        run.endpoints = live.endpoints;
        run.names = live.names;
        run.chains = live.chains;
    }

    if spec != ConfigSpec::default() {
        let configs = crate::config::load(&spec)?;
        run.config_files = [&spec.tomcat, &spec.nginx, &spec.apache]
            .into_iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect();
        run.configs = crate::config::check_offline(
            &configs,
            deployment.as_ref(),
            &trust.anchors,
            &trust.policy,
            now,
        );
    }

    print(&run, args.json)?;
    Ok(run.exit_code())
}

/// Reads and validates a deployment file; relative paths in it are relative to its directory.
pub fn load_deployment(path: &Path) -> Result<Deployment> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read deployment file {}", path.display()))?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    model::parse(&text, &path.display().to_string(), base).map_err(anyhow::Error::msg)
}

/// The configuration files: the flags, else the deployment file's `[configs]`.
fn config_spec(args: &CheckArgs, deployment: Option<&Deployment>) -> ConfigSpec {
    let file = deployment.map(|d| d.configs.clone()).unwrap_or_default();
    ConfigSpec {
        tomcat: args.tomcat.clone().or(file.tomcat),
        nginx: args.nginx.clone().or(file.nginx),
        apache: args.apache.clone().or(file.apache),
    }
}

/// The truststores: the command line's when it names a store or a JVM, else the file's `[jvm]`.
fn trust_spec(cli: TrustSpec, deployment: Option<&Deployment>) -> TrustSpec {
    let Some(jvm) = deployment.map(|d| &d.jvm) else {
        return cli;
    };
    let mut spec = cli.clone();
    if !cli.names_store() {
        match &jvm.truststore {
            Some(path) => spec.truststores = vec![path.clone()],
            None => spec.cacerts = jvm.java_home.is_some(),
        }
    }
    if spec.java_home.is_none() {
        spec.java_home = jvm.java_home.clone();
    }
    if cli.storepass.is_none() {
        spec.storepass = jvm
            .storepass
            .clone()
            .map(PassSource::Given)
            .or_else(|| jvm.storepass_env.clone().map(PassSource::Env));
    }
    spec
}

/// What one endpoint's connection, requests and upgrade gave.
struct Observed {
    capture: CapturedChain,
    http: Vec<HttpOutcome>,
    websocket: Option<WebsocketOutcome>,
}

/// Probes every endpoint concurrently, then judges everything.
fn check_live(
    d: &Deployment,
    resolve: Vec<Resolve>,
    timeout: Duration,
    trust: &JvmTrust,
    now: i64,
) -> Result<Live> {
    let prober = Arc::new(
        Prober::new(ProbeOptions {
            timeout,
            resolve,
            sni: None,
            http1_only: true,
            jdk_tls_disabled: trust.tls_disabled.clone(),
        })
        .context("cannot set up TLS")?,
    );
    let deployment = Arc::new(d.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (observed, name_probes) = runtime.block_on(async {
        let opener = opener(Arc::clone(&prober), Arc::clone(&deployment), timeout);
        let mut tasks = tokio::task::JoinSet::new();
        for index in 0..deployment.endpoints.len() {
            let prober = Arc::clone(&prober);
            let deployment = Arc::clone(&deployment);
            let opener = Arc::clone(&opener);
            tasks.spawn(async move {
                let e = &deployment.endpoints[index];
                (
                    index,
                    observe(&prober, &opener, &deployment, e, timeout).await,
                )
            });
        }
        let mut observed: Vec<Option<Observed>> =
            (0..deployment.endpoints.len()).map(|_| None).collect();
        while let Some(done) = tasks.join_next().await {
            // A task only fails if it panicked; that endpoint is then reported as not reached.
            if let Ok((index, o)) = done {
                observed[index] = Some(o);
            }
        }
        let observed: Vec<Observed> = observed
            .into_iter()
            .zip(&deployment.endpoints)
            .map(|(o, e)| {
                o.unwrap_or_else(|| Observed {
                    capture: failed_capture(
                        e,
                        "the check of this endpoint stopped unexpectedly".to_owned(),
                    ),
                    http: Vec::new(),
                    websocket: None,
                })
            })
            .collect();
        let names = name_probes(&prober, &deployment, &observed).await;
        (observed, names)
    });

    let captures: Vec<CapturedChain> = observed.iter().map(|o| o.capture.clone()).collect();
    let judged = crate::judge::captures(captures, trust, &[], now);
    let store = trust.store_labels();
    let (http, websocket): (Vec<_>, Vec<_>) =
        observed.into_iter().map(|o| (o.http, o.websocket)).unzip();
    Ok(assemble(
        d,
        judged.endpoints,
        http,
        websocket,
        &name_probes,
        &store,
    ))
}

/// Everything observed on a deployment, judged: the endpoints with all their findings, the public-name
/// coverage and the chains side by side.
#[derive(Debug, Clone)]
pub struct Live {
    /// Endpoints in file order.
    pub endpoints: Vec<DeployedEndpoint>,
    /// Public-name coverage.
    pub names: Vec<cross::NameCoverage>,
    /// The chains side by side.
    pub chains: Vec<cross::ChainRow>,
}

/// Joins what was observed per endpoint (in file order: the probe report with its diagnosis, the HTTP
/// outcomes of [`checks_for`], the WebSocket outcome) with the HTTP, WebSocket and cross-endpoint
/// findings. Pure; `store` names the app JVM's truststore in messages.
pub fn assemble(
    d: &Deployment,
    reports: Vec<crate::judge::EndpointReport>,
    http: Vec<Vec<HttpOutcome>>,
    websocket: Vec<Option<WebsocketOutcome>>,
    name_probes: &[NameProbe],
    store: &str,
) -> Live {
    let redirects: Vec<Vec<String>> = http
        .iter()
        .map(|outcomes| {
            outcomes
                .iter()
                .flat_map(|h| h.hops.iter().skip(1).map(|hop| hop.url.clone()))
                .collect()
        })
        .collect();
    let seen: Vec<Seen<'_>> = d
        .endpoints
        .iter()
        .zip(&reports)
        .zip(&redirects)
        .map(|((e, r), redirects)| Seen {
            endpoint: e,
            connected: r.findings.iter().all(|f| !is_connection_failure(f.code)),
            chain: &r.chain,
            diagnosis: r.diagnosis.as_ref(),
            redirects,
        })
        .collect();
    let cross = cross::check(d, &seen, name_probes, store);

    let endpoints = d
        .endpoints
        .iter()
        .zip(reports)
        .zip(http.into_iter().zip(websocket))
        .zip(cross.per_endpoint)
        .map(|(((e, report), (http, websocket)), cross_findings)| {
            let mut findings = report.findings.clone();
            for (check, outcome) in checks_for(e).iter().zip(&http) {
                findings.extend(web::http_findings(d, e, check, outcome));
            }
            if let Some(w) = &websocket {
                findings.extend(web::websocket_findings(e, w));
            }
            findings.extend(cross_findings);
            finding::sort(&mut findings);
            DeployedEndpoint {
                name: e.name.clone(),
                role: e.role,
                url: e.url.clone(),
                probe: report,
                http,
                websocket,
                findings,
            }
        })
        .collect();
    Live {
        endpoints,
        names: cross.names,
        chains: cross.chains,
    }
}

/// The HTTP checks made on an endpoint: its own, or the implicit GET of its URL.
pub fn checks_for(e: &Endpoint) -> Vec<crate::deploy::model::HttpCheck> {
    if e.url.scheme.websocket() {
        Vec::new()
    } else if e.http.is_empty() {
        vec![web::implicit_check(e)]
    } else {
        e.http.clone()
    }
}

/// Connects to one endpoint, captures its chain, and makes its HTTP requests and WebSocket upgrade.
async fn observe(
    prober: &Prober,
    opener: &Arc<Opener>,
    d: &Deployment,
    e: &Endpoint,
    timeout: Duration,
) -> Observed {
    let target = target_of(&e.url);
    let connect = e.connect.or_else(|| connect_for(d, &e.url));
    let (capture, first): (CapturedChain, Option<BoxIo>) = if e.url.scheme.secure() {
        let (capture, stream) = prober.open(target, connect).await;
        (capture, stream.map(|s| s as BoxIo))
    } else {
        plain(prober, e, connect, timeout).await
    };
    let mut observed = Observed {
        capture,
        http: Vec::new(),
        websocket: None,
    };
    // Without a connection, HTTP would only repeat the connection finding.
    let Some(first) = first else {
        return observed;
    };
    let mut first = Some(first);
    for check in checks_for(e) {
        observed
            .http
            .push(web::run_http(opener.as_ref(), first.take(), e, &check, timeout).await);
    }
    if let Some(path) = &e.websocket {
        observed.websocket = Some(web::run_websocket(opener.as_ref(), e, path, timeout).await);
    }
    observed
}

/// A plain TCP connection to an http:// or ws:// endpoint, recorded as a capture without a chain.
async fn plain(
    prober: &Prober,
    e: &Endpoint,
    connect: Option<SocketAddr>,
    timeout: Duration,
) -> (CapturedChain, Option<BoxIo>) {
    let mut capture = empty_capture(e);
    let addrs = match connect {
        Some(a) => Ok(vec![a]),
        None => resolve_plain(prober, &e.url, timeout).await,
    };
    let addrs = match addrs {
        Ok(a) => a,
        Err(err) => {
            capture.findings.push(connect_finding(&e.url, &err));
            return (capture, None);
        }
    };
    match tcp_connect(&addrs, timeout).await {
        Ok((tcp, addr)) => {
            capture.address = Some(addr);
            (capture, Some(Box::new(tcp) as BoxIo))
        }
        Err(err) => {
            capture.address = addrs.first().copied();
            capture.findings.push(connect_finding(&e.url, &err));
            (capture, None)
        }
    }
}

fn connect_finding(url: &EndpointUrl, err: &std::io::Error) -> Finding {
    if err.kind() == std::io::ErrorKind::TimedOut {
        Finding::new(
            Code::Timeout,
            Severity::Error,
            format!("connecting to {} timed out", url.authority()),
            "check that the service runs and that no firewall drops the connection",
        )
    } else {
        Finding::new(
            Code::ConnectFailed,
            Severity::Error,
            format!("cannot connect to {}: {err}", url.authority()),
            "check that the service listens on this address and port and that no firewall blocks it",
        )
    }
}

async fn resolve_plain(
    prober: &Prober,
    url: &EndpointUrl,
    timeout: Duration,
) -> std::io::Result<Vec<SocketAddr>> {
    let target = target_of(url);
    if let Some(addr) = prober
        .options()
        .resolve
        .iter()
        .find_map(|r| r.applies_to(&target))
    {
        return Ok(vec![addr]);
    }
    if let Ok(ip) = url.host.parse() {
        return Ok(vec![SocketAddr::new(ip, url.port)]);
    }
    let found = tokio::time::timeout(
        timeout,
        tokio::net::lookup_host((url.host.as_str(), url.port)),
    )
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "DNS lookup timed out"))??;
    let found: Vec<SocketAddr> = found.collect();
    if found.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} has no addresses", url.host),
        ));
    }
    Ok(found)
}

async fn tcp_connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr)> {
    let work = async {
        let mut last = None;
        for addr in addrs {
            match tokio::net::TcpStream::connect(addr).await {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    return Ok((tcp, *addr));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address")))
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))?
}

/// Opens connections for redirects and upgrades: TLS (capture-only verification: the chain is judged
/// elsewhere) for https/wss, TCP for http/ws; a URL whose host and port belong to an endpoint with
/// `connect` goes to that address.
fn opener(prober: Arc<Prober>, d: Arc<Deployment>, timeout: Duration) -> Arc<Opener> {
    Arc::new(move |url: EndpointUrl| {
        let prober = Arc::clone(&prober);
        let d = Arc::clone(&d);
        Box::pin(async move {
            let connect = connect_for(&d, &url);
            if url.scheme.secure() {
                let (capture, stream) = prober.open(target_of(&url), connect).await;
                match stream {
                    Some(s) => Ok(s as BoxIo),
                    None => Err(std::io::Error::other(capture.findings.first().map_or_else(
                        || "the TLS handshake did not complete".to_owned(),
                        |f| f.message.clone(),
                    ))),
                }
            } else {
                let addrs = match connect {
                    Some(a) => vec![a],
                    None => resolve_plain(&prober, &url, timeout).await?,
                };
                let (tcp, _) = tcp_connect(&addrs, timeout).await?;
                Ok(Box::new(tcp) as BoxIo)
            }
        })
    })
}

/// The `connect` address of the endpoint with this URL's host and port, if any.
fn connect_for(d: &Deployment, url: &EndpointUrl) -> Option<SocketAddr> {
    d.endpoints
        .iter()
        .filter(|e| e.url.host == url.host && e.url.port == url.port)
        .find_map(|e| e.connect)
}

fn target_of(url: &EndpointUrl) -> Target {
    Target {
        input: url.text.clone(),
        host: url.host.clone(),
        port: url.port,
    }
}

/// A capture of `e` with nothing in it yet (plain endpoints have no chain).
fn empty_capture(e: &Endpoint) -> CapturedChain {
    CapturedChain {
        target: target_of(&e.url),
        sni: None,
        address: None,
        tls: None,
        chain: Vec::new(),
        findings: Vec::new(),
        ocsp: Vec::new(),
    }
}

/// A capture of `e` for a check that stopped unexpectedly.
fn failed_capture(e: &Endpoint, why: String) -> CapturedChain {
    let mut capture = empty_capture(e);
    capture.findings.push(Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        why,
        "run the check again; report a bug if it persists",
    ));
    capture
}

fn is_connection_failure(code: Code) -> bool {
    matches!(
        code,
        Code::ConnectFailed | Code::Timeout | Code::HandshakeFailed | Code::PlaintextHttp
    )
}

/// Asks the app's address for every public name that is no endpoint's own host, by SNI, and keeps the
/// leaf served for it.
async fn name_probes(prober: &Prober, d: &Deployment, observed: &[Observed]) -> Vec<NameProbe> {
    let Some(app_index) = d
        .endpoints
        .iter()
        .position(|e| e.role == crate::deploy::Role::App)
    else {
        return Vec::new();
    };
    let app = &d.endpoints[app_index];
    if !app.url.scheme.secure() {
        return Vec::new();
    }
    let address = observed[app_index].capture.address;
    let mut out = Vec::new();
    for name in &d.public_names {
        let direct = d
            .endpoints
            .iter()
            .any(|e| e.url.host == *name && e.url.scheme.secure() && e.role.public());
        if direct {
            continue;
        }
        let target = Target {
            input: name.clone(),
            host: name.clone(),
            port: app.url.port,
        };
        let (capture, _) = prober.open(target, address.or(app.connect)).await;
        out.push(NameProbe {
            name: name.clone(),
            via: app.name.clone(),
            error: capture
                .chain
                .is_empty()
                .then(|| capture.findings.first().map(|f| f.message.clone()))
                .flatten(),
            leaf: capture.chain.into_iter().next(),
        });
    }
    out
}

fn print(run: &DeploymentRun, json: bool) -> Result<()> {
    if json {
        crate::report::deploy::print_json(
            &mut std::io::BufWriter::new(std::io::stdout().lock()),
            run,
        )?;
    } else {
        crate::report::deploy::print_human(
            &mut std::io::BufWriter::new(anstream::stdout().lock()),
            run,
        )?;
    }
    Ok(())
}
