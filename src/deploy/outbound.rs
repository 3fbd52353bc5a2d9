//! The app's own outbound connections — to its LDAP directory, its mail servers, its database, other
//! HTTPS services and Synchrony's `synchrony.service.url` — observed as the app's JVM makes them: through
//! the one connect path of [`crate::probe`] with each URL's STARTTLS exchange, an `https://` connection
//! tunnelled through `[jvm] proxy` unless `[jvm] non_proxy_hosts` excepts its host (as the JVM's
//! `https.proxyHost` and `http.nonProxyHosts` do), every other connection made directly. [`observe`] is
//! the I/O; [`connections`] joins the judged reports with what each connection is. The verdicts are the
//! app JVM's, from its truststore, as for every endpoint.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::model::{Deployment, Outbound};
use super::run::OutboundConnection;
use crate::error::Result;
use crate::finding::{Code, Finding, Severity};
use crate::judge::EndpointReport;
use crate::probe::{CapturedChain, ProbeOptions, Prober, Transport};

/// Connects to every outbound connection of `d` at once (each within `deadline`), through the JVM's
/// proxy where it applies; `options` say how to connect (their own proxy is not used). The captures
/// are in the order of `d.outbound`.
pub fn observe(
    d: &Deployment,
    options: ProbeOptions,
    deadline: Duration,
) -> Result<Vec<CapturedChain>> {
    if d.outbound.is_empty() {
        return Ok(Vec::new());
    }
    let direct = Arc::new(
        Prober::new(ProbeOptions {
            proxy: None,
            ..options.clone()
        })
        .context("cannot set up TLS")?,
    );
    let proxied = match &d.proxy {
        Some(p) => Some(Arc::new(
            Prober::new(ProbeOptions {
                proxy: Some(p.proxy.clone()),
                ..options
            })
            .context("cannot set up TLS")?,
        )),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (index, o) in d.outbound.iter().enumerate() {
            let through_proxy = d.proxy.as_ref().is_some_and(|p| p.applies_to(o));
            let prober = match (&proxied, through_proxy) {
                (Some(p), true) => Arc::clone(p),
                _ => Arc::clone(&direct),
            };
            let o = o.clone();
            tasks.spawn(async move { (index, observe_one(&prober, &o, deadline).await) });
        }
        let mut out: Vec<Option<CapturedChain>> = d.outbound.iter().map(|_| None).collect();
        while let Some(done) = tasks.join_next().await {
            // A task only fails if it panicked; that connection is then reported as not reached.
            if let Ok((index, capture)) = done {
                out[index] = Some(capture);
            }
        }
        out.into_iter()
            .zip(&d.outbound)
            .map(|(c, o)| c.unwrap_or_else(|| stopped(o)))
            .collect()
    }))
}

async fn observe_one(prober: &Prober, o: &Outbound, deadline: Duration) -> CapturedChain {
    let transport = if o.tls {
        Transport::Tls
    } else {
        Transport::Plain
    };
    let open = prober.open(o.target.clone(), o.connect, transport);
    match tokio::time::timeout(deadline, open).await {
        Ok(opened) => opened.capture,
        Err(_) => {
            let mut capture = CapturedChain::new(o.target.clone(), None);
            capture.findings.push(Finding::new(
                Code::Timeout,
                Severity::Error,
                format!(
                    "the check of {} stopped at its {} s deadline (--deadline) while connecting to {}",
                    o.name,
                    deadline.as_secs_f64(),
                    o.target
                ),
                "check that the server accepts connections and completes the handshake promptly (`trustpath probe` shows each attempt), or raise --deadline",
            ));
            capture
        }
    }
}

/// What is recorded for a connection whose check stopped unexpectedly.
fn stopped(o: &Outbound) -> CapturedChain {
    let mut capture = CapturedChain::new(o.target.clone(), None);
    capture.findings.push(Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        "the check of this connection stopped unexpectedly",
        "run the check again; report a bug if it persists",
    ));
    capture
}

/// The outbound connections as checked: each with its judged report (in the order of `d.outbound`)
/// and the proxy it went through; a proxy's refusal is fixed as the JVM's settings fix it. Pure.
pub fn connections(d: &Deployment, reports: Vec<EndpointReport>) -> Vec<OutboundConnection> {
    d.outbound
        .iter()
        .zip(reports)
        .map(|(o, mut probe)| {
            let via = d.proxy.as_ref().filter(|p| p.applies_to(o));
            if let Some(p) = via {
                for f in probe
                    .findings
                    .iter_mut()
                    .filter(|f| f.code == Code::ProxyFailed)
                {
                    f.remediation = jvm_proxy_fix(&f.message, o, &p.non_proxy_hosts.text);
                }
            }
            OutboundConnection {
                name: o.name.clone(),
                role: o.role,
                url: o.url.clone(),
                tls: o.tls,
                starttls: o.target.starttls.map(|p| p.name()),
                via: via.map(|p| p.proxy.to_string()),
                probe,
            }
        })
        .collect()
}

/// The fix for a JVM proxy that did not open the tunnel (`message` quotes its answer).
fn jvm_proxy_fix(message: &str, o: &Outbound, non_proxy_hosts: &str) -> String {
    let direct = format!(
        "if the app reaches {} without the proxy, add it to the JVM's -Dhttp.nonProxyHosts (now \"{non_proxy_hosts}\") in bin/setenv.sh and to [jvm] non_proxy_hosts",
        o.target.host
    );
    if message.contains(" 407") {
        format!(
            "the proxy wants credentials, and the JVM sends none to a CONNECT proxy by default (Basic is in jdk.http.auth.tunneling.disabledSchemes): ask for {} to be reachable without them; or {direct}",
            o.target
        )
    } else {
        format!(
            "ask the proxy's administrators to allow CONNECT to {} (proxies often allow only 443); or {direct}",
            o.target
        )
    }
}
