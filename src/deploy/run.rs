//! A whole `trustpath check`, judged: each endpoint with its capture, diagnosis, HTTP exchanges, WebSocket
//! upgrade and findings, the public-name coverage, the chains side by side and the offline configuration
//! findings. `report` prints it (`Printer::deployment`).

use crate::deploy::cross::{ChainRow, NameCoverage};
use crate::deploy::offline::ConfigFinding;
use crate::deploy::web::{HttpOutcome, WebsocketOutcome};
use crate::deploy::{EndpointUrl, Role};
use crate::finding::{Finding, Severity};
use crate::judge::EndpointReport;
use crate::jvm::StoreSummary;

/// One endpoint of the deployment, as checked.
#[derive(Debug, Clone)]
pub struct DeployedEndpoint {
    /// Its name in the deployment file.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its URL.
    pub url: EndpointUrl,
    /// What the probe captured and the diagnosis (for plain endpoints: the address and connection
    /// findings only).
    pub probe: EndpointReport,
    /// HTTP requests made, in order.
    pub http: Vec<HttpOutcome>,
    /// The findings of each HTTP check, in the order of `http` (also in `findings`).
    pub http_findings: Vec<Vec<Finding>>,
    /// The WebSocket upgrade, when one was tried.
    pub websocket: Option<WebsocketOutcome>,
    /// The WebSocket upgrade's findings (also in `findings`).
    pub websocket_findings: Vec<Finding>,
    /// Every finding on this endpoint (connection, chain, HTTP, WebSocket, cross-endpoint), most
    /// important first.
    pub findings: Vec<Finding>,
}

impl DeployedEndpoint {
    /// The findings about the endpoint itself: connection, chain and cross-endpoint ones (every finding
    /// that is not an HTTP check's or the WebSocket upgrade's).
    pub fn endpoint_findings(&self) -> Vec<&Finding> {
        let mut others: Vec<&Finding> = self
            .http_findings
            .iter()
            .flatten()
            .chain(&self.websocket_findings)
            .collect();
        self.findings
            .iter()
            .filter(|f| match others.iter().position(|o| o == f) {
                Some(i) => {
                    others.swap_remove(i);
                    false
                }
                None => true,
            })
            .collect()
    }

    /// Whether the endpoint has no error finding.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The verdict column: `trusted`, `not trusted`, `plain`, or why nothing was judged.
    pub fn verdict(&self) -> String {
        verdict(&self.probe, self.url.scheme.secure(), "plain")
    }
}

/// One of the app's own outbound connections (LDAP, mail, database, HTTPS services, Synchrony's
/// service URL), as checked with the app JVM's truststore.
#[derive(Debug, Clone)]
pub struct OutboundConnection {
    /// Its name in the deployment file (`synchrony-service` for `[synchrony] service_url`).
    pub name: String,
    /// `ldap`, `mail`, `db` or `outbound`.
    pub role: Role,
    /// The URL as written.
    pub url: String,
    /// Whether it runs TLS (false for `http://`: only reached).
    pub tls: bool,
    /// The STARTTLS exchange spoken first (`smtp`, `ldap`, `postgres`, …), when the URL starts in clear.
    pub starttls: Option<&'static str>,
    /// The JVM's proxy (`host:port`) it was tunnelled through, when `[jvm] proxy` applies to it.
    pub via: Option<String>,
    /// What the probe captured and the diagnosis with the app JVM's truststore.
    pub probe: EndpointReport,
}

impl OutboundConnection {
    /// Every finding on this connection, most important first.
    pub fn findings(&self) -> &[Finding] {
        &self.probe.findings
    }

    /// Whether the connection has no error finding.
    pub fn ok(&self) -> bool {
        !self
            .probe
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
    }

    /// The verdict column: `trusted`, `not trusted`, `reached` (plain `http://`), `unreachable`, or
    /// the connection finding's code.
    pub fn verdict(&self) -> String {
        verdict(&self.probe, self.tls, "reached")
    }
}

/// The verdict column of a connection: `trusted` or `not trusted` when its chain was judged; for a plain
/// one (not `tls`), `plain_ok` when it was reached, else `unreachable`; else the connection finding's
/// code (`no chain` without one).
fn verdict(probe: &EndpointReport, tls: bool, plain_ok: &str) -> String {
    if let Some(d) = &probe.diagnosis {
        return if d.trusted { "trusted" } else { "not trusted" }.to_owned();
    }
    if !tls {
        return if probe.findings.is_empty() {
            plain_ok
        } else {
            "unreachable"
        }
        .to_owned();
    }
    probe
        .findings
        .first()
        .map_or_else(|| "no chain".to_owned(), |f| f.code.name().to_owned())
}

/// A whole `trustpath check`.
#[derive(Debug, Clone, Default)]
pub struct DeploymentRun {
    /// The deployment's name.
    pub name: String,
    /// The deployment file, when one was given.
    pub file: Option<String>,
    /// The app JVM's truststores (the java verdicts use them).
    pub truststores: Vec<StoreSummary>,
    /// The JVM whose rules apply, and why that one.
    pub jvm: Option<crate::jvm::JvmUsed>,
    /// The validation instant (Unix seconds).
    pub now: i64,
    /// Endpoints in file order (empty for an offline-only check).
    pub endpoints: Vec<DeployedEndpoint>,
    /// The app's own outbound connections, in file order (`[synchrony] service_url` last).
    pub outbound: Vec<OutboundConnection>,
    /// Public-name coverage.
    pub names: Vec<NameCoverage>,
    /// The chains side by side.
    pub chains: Vec<ChainRow>,
    /// Configuration files read for offline checks.
    pub config_files: Vec<String>,
    /// Offline configuration findings.
    pub configs: Vec<ConfigFinding>,
}

impl DeploymentRun {
    /// Error, warning and info counts over every finding.
    pub fn counts(&self) -> (usize, usize, usize) {
        let all = self
            .endpoints
            .iter()
            .flat_map(|e| e.findings.iter())
            .chain(self.outbound.iter().flat_map(|o| o.findings().iter()))
            .chain(self.configs.iter().map(|c| &c.finding));
        let mut counts = (0, 0, 0);
        for f in all {
            match f.severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
                Severity::Info => counts.2 += 1,
            }
        }
        counts
    }

    /// 0 when nothing is an error, 1 otherwise (as `probe`).
    pub fn exit_code(&self) -> u8 {
        if self.counts().0 == 0 {
            crate::error::exit::OK
        } else {
            crate::error::exit::PROBLEMS
        }
    }
}
