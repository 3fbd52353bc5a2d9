//! The pure judgement of a live observation: the probe reports with their diagnoses joined with the
//! HTTP, WebSocket and cross-endpoint findings, per endpoint in file order, with the public-name coverage
//! and the chains side by side.

use super::cross::{self, NameProbe, Redirect, Seen};
use super::model::{Deployment, Endpoint, HttpCheck};
use super::run::{DeployedEndpoint, OutboundConnection};
use super::web::{self, Hop, HttpOutcome, WebsocketOutcome};
use crate::finding::{self, Code, Finding, Severity};
use crate::judge::EndpointReport;
use crate::probe::{Failure, Stage};

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
/// findings; `outbound` are the app's outbound connections, as checked (Synchrony's diagnostics read
/// `synchrony.service.url`'s). Pure; `store` names the app JVM's truststore in messages.
pub fn assemble(
    d: &Deployment,
    reports: Vec<EndpointReport>,
    outbound: &[OutboundConnection],
    http: Vec<Vec<HttpOutcome>>,
    websocket: Vec<Option<WebsocketOutcome>>,
    name_probes: &[NameProbe],
    store: &str,
) -> Live {
    let redirects: Vec<Vec<Redirect>> = http
        .iter()
        .map(|outcomes| {
            outcomes
                .iter()
                .flat_map(|h| redirects_of(&h.hops))
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

    let mut endpoints: Vec<DeployedEndpoint> = d
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
            findings.extend(deadline_finding(e, &http, websocket.as_ref()));
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
    for (index, f) in super::rtc::findings(d, &endpoints)
        .into_iter()
        .chain(super::sso::findings(d, &endpoints))
        .chain(super::forwarded::findings(d, &endpoints))
    {
        endpoints[index].findings.push(f);
        finding::sort(&mut endpoints[index].findings);
    }
    let synchrony = super::synchrony::findings(d, &endpoints, outbound);
    if let Some(app) = endpoints
        .iter_mut()
        .find(|e| e.role == super::model::Role::App)
        && !synchrony.is_empty()
    {
        app.findings.extend(synchrony);
        finding::sort(&mut app.findings);
    }
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

/// Every redirect the hops received, followed or not: the URL that answered and where its `Location`
/// leads.
fn redirects_of(hops: &[Hop]) -> Vec<Redirect> {
    hops.iter()
        .filter(|hop| hop.status.is_some_and(web::is_redirect))
        .filter_map(|hop| {
            let to = hop.url.join(hop.location.as_deref()?).ok()?;
            Some(Redirect {
                from: hop.url.clone(),
                to,
            })
        })
        .collect()
}

/// When the endpoint's deadline stopped its check: one finding naming the request (or upgrade) it
/// stopped at and what was not made.
fn deadline_finding(
    e: &Endpoint,
    http: &[HttpOutcome],
    websocket: Option<&WebsocketOutcome>,
) -> Option<Finding> {
    let (during, failure) = http
        .iter()
        .find_map(|outcome| {
            let stop = outcome
                .hops
                .iter()
                .position(|h| h.error.as_ref().is_some_and(Failure::deadline))?;
            let hop = &outcome.hops[stop];
            let first = &outcome.hops[0].url;
            let during = if stop == 0 {
                format!("GET {first}")
            } else {
                let chain: String = outcome.hops[..=stop]
                    .windows(2)
                    .map(|w| {
                        let status = w[0].status.map_or("?".to_owned(), |s| s.to_string());
                        format!(" → {status} → {}", w[1].url)
                    })
                    .collect();
                format!(
                    "GET {} (request {} of GET {first}{chain})",
                    hop.url,
                    stop + 1
                )
            };
            Some((during, hop.error.clone()?))
        })
        .or_else(|| {
            let w = websocket?;
            let f = w.error.clone().filter(Failure::deadline)?;
            Some((format!("the WebSocket upgrade of {}", w.url), f))
        })?;
    let Failure::Deadline { stage, after } = failure else {
        return None;
    };
    let step = match stage {
        Stage::Connect => "no connection was made in time",
        Stage::Tls => "the TLS handshake had not finished",
        Stage::Send => "the request was still being sent",
        _ => "the answer had not come",
    };
    let mut not_made: Vec<String> = checks_for(e)
        .iter()
        .skip(http.len())
        .map(|c| format!("GET {}", e.url.at_path(&c.path)))
        .collect();
    if let (Some(path), None) = (&e.websocket, websocket) {
        not_made.push(format!("the WebSocket upgrade of {}", e.url.at_path(path)));
    }
    let not_made = if not_made.is_empty() {
        String::new()
    } else {
        format!("; not made: {}", not_made.join(", "))
    };
    Some(Finding::new(
        Code::Timeout,
        Severity::Error,
        format!(
            "the check of {} stopped at its {} s deadline (--deadline) during {during}: {step}{not_made}",
            e.name,
            after.as_secs_f64()
        ),
        "a server that answers slowly, or redirects again and again, keeps the check busy: look at the requests above (each redirect and what answered it), fix the server or the redirect, or raise --deadline",
    ))
}

fn is_connection_failure(code: Code) -> bool {
    matches!(
        code,
        Code::ConnectFailed
            | Code::Timeout
            | Code::HandshakeFailed
            | Code::PlaintextHttp
            | Code::NotTls
            | Code::ServedKeyMismatch
    )
}
