//! The JSON document of `check --json`: the deployment's verdict and counts, the truststores, per
//! endpoint its probe (as `probe --json` prints an endpoint), HTTP exchanges, WebSocket upgrade and
//! findings, then public-name coverage, the chains side by side and the configuration findings.

use serde::Serialize;

use super::run::{EndpointJson, FindingJson, StoreJson};
use crate::deploy::cross::{ChainRow, NameCoverage};
use crate::deploy::offline::ConfigFinding;
use crate::deploy::run::{DeployedEndpoint, DeploymentRun};
use crate::deploy::web::{Hop, HttpOutcome, SetCookie, WebsocketOutcome};
use crate::probe::http::AcceptCheck;
use crate::report::rfc3339;

/// A whole `trustpath check`.
#[derive(Debug, Serialize)]
pub struct DeploymentJson {
    deployment: String,
    file: Option<String>,
    ok: bool,
    errors: usize,
    warnings: usize,
    truststores: Vec<StoreJson>,
    endpoints: Vec<DeployedJson>,
    public_names: Vec<NameJson>,
    chains: Vec<ChainJson>,
    config_files: Vec<String>,
    configs: Vec<ConfigFindingJson>,
}

impl From<&DeploymentRun> for DeploymentJson {
    fn from(run: &DeploymentRun) -> DeploymentJson {
        let (errors, warnings, _) = run.counts();
        DeploymentJson {
            deployment: run.name.clone(),
            file: run.file.clone(),
            ok: errors == 0,
            errors,
            warnings,
            truststores: run.truststores.iter().map(StoreJson::from).collect(),
            endpoints: run.endpoints.iter().map(DeployedJson::from).collect(),
            public_names: run.names.iter().map(NameJson::from).collect(),
            chains: run.chains.iter().map(ChainJson::from).collect(),
            config_files: run.config_files.clone(),
            configs: run.configs.iter().map(ConfigFindingJson::from).collect(),
        }
    }
}

/// One endpoint of the deployment, as checked.
#[derive(Debug, Serialize)]
pub struct DeployedJson {
    name: String,
    role: &'static str,
    url: String,
    scheme: &'static str,
    host: String,
    port: u16,
    verdict: String,
    ok: bool,
    probe: EndpointJson,
    http: Vec<HttpJson>,
    websocket: Option<WebsocketJson>,
    findings: Vec<FindingJson>,
}

impl From<&DeployedEndpoint> for DeployedJson {
    fn from(e: &DeployedEndpoint) -> DeployedJson {
        DeployedJson {
            name: e.name.clone(),
            role: e.role.name(),
            url: e.url.text.clone(),
            scheme: e.url.scheme.name(),
            host: e.url.host.clone(),
            port: e.url.port,
            verdict: e.verdict(),
            ok: e.ok(),
            probe: EndpointJson::from(&e.probe),
            http: e.http.iter().map(HttpJson::from).collect(),
            websocket: e.websocket.as_ref().map(WebsocketJson::from),
            findings: e.findings.iter().map(FindingJson::from).collect(),
        }
    }
}

/// The requests made for one HTTP check.
#[derive(Debug, Serialize)]
pub struct HttpJson {
    path: String,
    hops: Vec<HopJson>,
}

impl From<&HttpOutcome> for HttpJson {
    fn from(h: &HttpOutcome) -> HttpJson {
        HttpJson {
            path: h.path.clone(),
            hops: h.hops.iter().map(HopJson::from).collect(),
        }
    }
}

/// One request of a redirect chain and what came back (the body itself is not printed). Every field is
/// present, `null` when absent, as the README documents.
#[derive(Debug, Serialize)]
pub struct HopJson {
    url: String,
    status: Option<u16>,
    location: Option<String>,
    set_cookies: Vec<CookieJson>,
    login_form: bool,
    body_excerpt: String,
    error: Option<String>,
}

impl From<&Hop> for HopJson {
    fn from(h: &Hop) -> HopJson {
        HopJson {
            url: h.url.text.clone(),
            status: h.status,
            location: h.location.clone(),
            set_cookies: h.set_cookies.iter().map(CookieJson::from).collect(),
            login_form: h.login_form,
            body_excerpt: h.body_excerpt.clone(),
            error: h.error.as_ref().map(ToString::to_string),
        }
    }
}

/// A cookie set: its name and attributes, never its value.
#[derive(Debug, Serialize)]
pub struct CookieJson {
    name: String,
    secure: bool,
    http_only: bool,
    same_site: Option<String>,
    domain: Option<String>,
    path: Option<String>,
    cleared: bool,
}

impl From<&SetCookie> for CookieJson {
    fn from(c: &SetCookie) -> CookieJson {
        CookieJson {
            name: c.name.clone(),
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site.clone(),
            domain: c.domain.clone(),
            path: c.path.clone(),
            cleared: c.cleared,
        }
    }
}

/// A WebSocket upgrade attempt and its answer; `accept`, `body_excerpt` and `error` are `null` when
/// absent (no answer, a `101`, a completed exchange).
#[derive(Debug, Serialize)]
pub struct WebsocketJson {
    url: String,
    status: Option<u16>,
    accept: Option<AcceptJson>,
    headers: Vec<(String, String)>,
    body_excerpt: Option<String>,
    error: Option<String>,
}

impl From<&WebsocketOutcome> for WebsocketJson {
    fn from(w: &WebsocketOutcome) -> WebsocketJson {
        WebsocketJson {
            url: w.url.text.clone(),
            status: w.status,
            accept: w.accept.as_ref().map(AcceptJson::from),
            headers: w.headers.clone(),
            body_excerpt: (!w.body_excerpt.is_empty()).then(|| w.body_excerpt.clone()),
            error: w.error.as_ref().map(ToString::to_string),
        }
    }
}

/// The `Sec-WebSocket-Accept` check: `{"check": "valid"}`, `{"check": "missing"}` or
/// `{"check": "wrong", "got": …, "expected": …}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "check")]
pub enum AcceptJson {
    /// It matched the key sent.
    Valid,
    /// There was none.
    Missing,
    /// It did not match.
    Wrong {
        /// What came back.
        got: String,
        /// What RFC 6455 requires for the key sent.
        expected: String,
    },
}

impl From<&AcceptCheck> for AcceptJson {
    fn from(a: &AcceptCheck) -> AcceptJson {
        match a {
            AcceptCheck::Valid => AcceptJson::Valid,
            AcceptCheck::Missing => AcceptJson::Missing,
            AcceptCheck::Wrong { got, expected } => AcceptJson::Wrong {
                got: got.clone(),
                expected: expected.clone(),
            },
        }
    }
}

/// Whether a public name is covered.
#[derive(Debug, Serialize)]
pub struct NameJson {
    name: String,
    endpoint: String,
    covered: Option<bool>,
    offered: String,
}

impl From<&NameCoverage> for NameJson {
    fn from(n: &NameCoverage) -> NameJson {
        NameJson {
            name: n.name.clone(),
            endpoint: n.endpoint.clone(),
            covered: n.covered,
            offered: n.offered.clone(),
        }
    }
}

/// One row of the chains side by side.
#[derive(Debug, Serialize)]
pub struct ChainJson {
    endpoint: String,
    leaf: String,
    leaf_sha256: String,
    issuer: String,
    served: usize,
    not_after: i64,
    chain_not_after: i64,
    same_leaf_as: Option<String>,
    expires_first: bool,
    not_after_rfc3339: String,
}

impl From<&ChainRow> for ChainJson {
    fn from(r: &ChainRow) -> ChainJson {
        ChainJson {
            endpoint: r.endpoint.clone(),
            leaf: r.leaf.clone(),
            leaf_sha256: r.leaf_sha256.clone(),
            issuer: r.issuer.clone(),
            served: r.served,
            not_after: r.not_after,
            chain_not_after: r.chain_not_after,
            same_leaf_as: r.same_leaf_as.clone(),
            expires_first: r.expires_first,
            not_after_rfc3339: rfc3339(r.chain_not_after),
        }
    }
}

/// One offline configuration finding.
#[derive(Debug, Serialize)]
pub struct ConfigFindingJson {
    source: String,
    subject: String,
    finding: FindingJson,
}

impl From<&ConfigFinding> for ConfigFindingJson {
    fn from(c: &ConfigFinding) -> ConfigFindingJson {
        ConfigFindingJson {
            source: c.source.clone(),
            subject: c.subject.clone(),
            finding: FindingJson::from(&c.finding),
        }
    }
}
