//! The pure judgement of a live observation: the probe reports with their diagnoses joined with the
//! HTTP, WebSocket and cross-endpoint findings, per endpoint in file order, with the public-name coverage
//! and the chains side by side.

use super::cross::{self, NameProbe, Seen};
use super::model::{Deployment, Endpoint, EndpointUrl, HttpCheck};
use super::run::DeployedEndpoint;
use super::web::{self, HttpOutcome, WebsocketOutcome};
use crate::finding::{self, Code};
use crate::judge::EndpointReport;

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
    reports: Vec<EndpointReport>,
    http: Vec<Vec<HttpOutcome>>,
    websocket: Vec<Option<WebsocketOutcome>>,
    name_probes: &[NameProbe],
    store: &str,
) -> Live {
    let redirects: Vec<Vec<EndpointUrl>> = http
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
            let http_findings: Vec<Vec<_>> = checks_for(e)
                .iter()
                .zip(&http)
                .map(|(check, outcome)| web::http_findings(d, e, check, outcome))
                .collect();
            let websocket_findings = websocket
                .as_ref()
                .map(|w| web::websocket_findings(e, w))
                .unwrap_or_default();
            let mut findings = report.findings.clone();
            findings.extend(http_findings.iter().flatten().cloned());
            findings.extend(websocket_findings.iter().cloned());
            findings.extend(cross_findings);
            finding::sort(&mut findings);
            DeployedEndpoint {
                name: e.name.clone(),
                role: e.role,
                url: e.url.clone(),
                probe: report,
                http,
                http_findings,
                websocket,
                websocket_findings,
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
pub fn checks_for(e: &Endpoint) -> Vec<HttpCheck> {
    if e.url.scheme.websocket() {
        Vec::new()
    } else if e.http.is_empty() {
        vec![web::implicit_check(e)]
    } else {
        e.http.clone()
    }
}

fn is_connection_failure(code: Code) -> bool {
    matches!(
        code,
        Code::ConnectFailed | Code::Timeout | Code::HandshakeFailed | Code::PlaintextHttp
    )
}
