//! Live observation of a deployment: every endpoint connected to at once through the one connect path
//! of [`crate::probe`] (TLS with its chain captured for `https`/`wss`, TCP for `http`/`ws`, an endpoint's
//! `connect` address honoured), its HTTP requests made and its WebSocket upgrade tried over the probed
//! connection or new ones from the [`Opener`], and every public name that is no endpoint's own host asked
//! of the app's address by SNI. Nothing here judges: [`super::assemble`] does, from what this returns.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::cross::NameProbe;
use super::model::{Deployment, Endpoint, EndpointUrl, Role};
use super::web::{self, Deadline, HttpOutcome, Limits, Opener, WebsocketOutcome};
use crate::error::Result;
use crate::finding::{Code, Finding, Severity};
use crate::probe::{CapturedChain, ProbeOptions, Prober, Target, Transport};

/// What one endpoint's connection, requests and upgrade gave.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The capture (for plain endpoints: the address and connection findings only).
    pub capture: CapturedChain,
    /// The HTTP checks' requests, in [`super::assemble::checks_for`] order.
    pub http: Vec<HttpOutcome>,
    /// The WebSocket upgrade, when one was tried.
    pub websocket: Option<WebsocketOutcome>,
}

/// Everything observed of a deployment: per endpoint in file order, and the name probes.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Per endpoint, in file order.
    pub endpoints: Vec<Observed>,
    /// The leaves served for the public names that are no endpoint's own host.
    pub names: Vec<NameProbe>,
}

/// Observes every endpoint of `d` concurrently on a fresh runtime; `options` say how to connect (every
/// connection, request and upgrade step is bounded by their timeout), and each endpoint's whole check
/// (connection, requests, redirects, upgrade) must finish within `deadline`.
pub fn observe(d: &Deployment, options: ProbeOptions, deadline: Duration) -> Result<Observation> {
    let timeout = options.timeout;
    let prober = Arc::new(Prober::new(options).context("cannot set up TLS")?);
    let deployment = Arc::new(d.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(observe_all(prober, deployment, timeout, deadline)))
}

async fn observe_all(
    prober: Arc<Prober>,
    deployment: Arc<Deployment>,
    timeout: Duration,
    deadline: Duration,
) -> Observation {
    let opener = opener(Arc::clone(&prober), Arc::clone(&deployment));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..deployment.endpoints.len() {
        let prober = Arc::clone(&prober);
        let deployment = Arc::clone(&deployment);
        let opener = Arc::clone(&opener);
        tasks.spawn(async move {
            let e = &deployment.endpoints[index];
            let limits = Limits::new(timeout, deadline);
            (
                index,
                observe_one(&prober, &opener, &deployment, e, limits).await,
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
    let endpoints: Vec<Observed> = observed
        .into_iter()
        .zip(&deployment.endpoints)
        .map(|(o, e)| o.unwrap_or_else(|| stopped(e)))
        .collect();
    let names = name_probes(&prober, &deployment, &endpoints).await;
    Observation { endpoints, names }
}

/// Connects to one endpoint, captures its chain, and makes its HTTP requests and WebSocket upgrade, each
/// step within `limits.step`; a request stopped by the deadline ends the endpoint's check (the assembly
/// names where it stopped and what was not made).
async fn observe_one(
    prober: &Prober,
    opener: &Arc<Opener>,
    d: &Deployment,
    e: &Endpoint,
    limits: Limits,
) -> Observed {
    let connect = e.connect.or_else(|| connect_for(d, &e.url));
    let open = prober.open(Target::from(&e.url), connect, transport(&e.url));
    let Ok(opened) = tokio::time::timeout_at(limits.deadline.at, open).await else {
        return stopped_connecting(e, connect, limits.deadline);
    };
    let mut observed = Observed {
        capture: opened.capture,
        http: Vec::new(),
        websocket: None,
    };
    // Without a connection, HTTP would only repeat the connection finding.
    let Ok(first) = opened.stream else {
        return observed;
    };
    let mut first = Some(first);
    for check in super::assemble::checks_for(e) {
        let outcome = web::run_http(opener.as_ref(), first.take(), e, &check, limits).await;
        let stopped = outcome.stopped_by_deadline();
        observed.http.push(outcome);
        if stopped {
            return observed;
        }
    }
    if let Some(path) = &e.websocket {
        // The probe's own connection when no HTTP request used it: one handshake fewer.
        observed.websocket =
            Some(web::run_websocket(opener.as_ref(), first.take(), e, path, limits).await);
    }
    observed
}

/// What is recorded for an endpoint whose deadline passed while it was still being connected to (the
/// connection attempts, each within the step timeout, took all of it).
fn stopped_connecting(e: &Endpoint, connect: Option<SocketAddr>, deadline: Deadline) -> Observed {
    let mut capture = CapturedChain::new(Target::from(&e.url), None);
    capture.address = connect;
    let how = if e.url.scheme.secure() {
        "the TCP connection and TLS handshake"
    } else {
        "the TCP connection"
    };
    capture.findings.push(Finding::new(
        Code::Timeout,
        Severity::Error,
        format!(
            "the check of {} stopped at its {} s deadline (--deadline) while connecting to {}: {how} did not complete in that time; nothing else was checked",
            e.name,
            deadline.total.as_secs_f64(),
            e.url.authority()
        ),
        "check that the server accepts connections and completes the handshake promptly (`trustpath probe` shows each attempt), or raise --deadline",
    ));
    Observed {
        capture,
        http: Vec::new(),
        websocket: None,
    }
}

/// Opens connections for redirects and upgrades through the prober: TLS (capture-only verification:
/// the chain is judged elsewhere) for https/wss, TCP for http/ws; a URL whose host and port belong to an
/// endpoint with `connect` goes to that address. A failure keeps its stage (a redirect's TLS failure is a
/// TLS failure).
fn opener(prober: Arc<Prober>, d: Arc<Deployment>) -> Arc<Opener> {
    Arc::new(move |url: EndpointUrl| {
        let prober = Arc::clone(&prober);
        let d = Arc::clone(&d);
        Box::pin(async move {
            let connect = connect_for(&d, &url);
            prober
                .open(Target::from(&url), connect, transport(&url))
                .await
                .stream
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

fn transport(url: &EndpointUrl) -> Transport {
    if url.scheme.secure() {
        Transport::Tls
    } else {
        Transport::Plain
    }
}

/// What is recorded for an endpoint whose check stopped unexpectedly.
fn stopped(e: &Endpoint) -> Observed {
    let mut capture = CapturedChain::new(Target::from(&e.url), None);
    capture.findings.push(Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        "the check of this endpoint stopped unexpectedly",
        "run the check again; report a bug if it persists",
    ));
    Observed {
        capture,
        http: Vec::new(),
        websocket: None,
    }
}

/// Asks the app's address for every public name that is no endpoint's own host, by SNI, and keeps the
/// leaf served for it.
async fn name_probes(prober: &Prober, d: &Deployment, observed: &[Observed]) -> Vec<NameProbe> {
    let Some(app_index) = d.endpoints.iter().position(|e| e.role == Role::App) else {
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
        let target = Target::new(name.clone(), name.clone(), app.url.port);
        let capture = prober
            .open(target, address.or(app.connect), Transport::Tls)
            .await
            .capture;
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
