//! The JSON document of `check --json`: the deployment's verdict and counts, the truststores, per
//! endpoint its probe (as `probe --json` prints an endpoint), HTTP exchanges, WebSocket upgrade and
//! findings, then the app's outbound connections (each with its probe and findings), then public-name coverage, the chains side by side and the configuration findings.

use schemars::JsonSchema;
use serde::Serialize;

use super::field::{self, SchemaVersion};
use super::run::{EndpointJson, FindingJson, JvmJson, StoreJson};
use crate::deploy::cross::{ChainRow, NameCoverage};
use crate::deploy::offline::ConfigFinding;
use crate::deploy::run::{DeployedEndpoint, DeploymentRun, OutboundConnection};
use crate::deploy::web::{Hop, HttpOutcome, SetCookie, WebsocketOutcome};
use crate::probe::http::AcceptCheck;
use crate::report::rfc3339;

/// The document of `trustpath check`: the deployment's verdict and counts, the truststores, every
/// endpoint as checked, public-name coverage, the chains side by side and the configuration findings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeploymentJson {
    /// The contract's version.
    schema_version: SchemaVersion,
    /// The deployment's name (the file's `name`).
    deployment: String,
    /// The deployment file, when one was given.
    file: Option<String>,
    /// No finding of severity `error` anywhere (what the exit code follows).
    ok: bool,
    /// How many findings are errors.
    errors: usize,
    /// How many findings are warnings.
    warnings: usize,
    /// The app JVM's truststores (as in `probe`).
    truststores: Vec<StoreJson>,
    /// The app's JVM and why that one (as in `probe`).
    jvm: Option<JvmJson>,
    /// The endpoints in file order.
    endpoints: Vec<DeployedJson>,
    /// The app's own outbound connections (LDAP, mail, database, HTTPS services, Synchrony's service
    /// URL), judged with the app JVM's truststore, in file order.
    outbound: Vec<OutboundJson>,
    /// Whether each public name is covered by the certificate served for it.
    public_names: Vec<NameJson>,
    /// The chains side by side.
    chains: Vec<ChainJson>,
    /// The configuration files read for the offline checks.
    config_files: Vec<String>,
    /// The offline configuration findings.
    configs: Vec<ConfigFindingJson>,
}

impl From<&DeploymentRun> for DeploymentJson {
    fn from(run: &DeploymentRun) -> DeploymentJson {
        let (errors, warnings, _) = run.counts();
        DeploymentJson {
            schema_version: SchemaVersion,
            deployment: run.name.clone(),
            file: run.file.clone(),
            ok: errors == 0,
            errors,
            warnings,
            truststores: run.truststores.iter().map(StoreJson::from).collect(),
            jvm: run.jvm.as_ref().map(JvmJson::from),
            endpoints: run.endpoints.iter().map(DeployedJson::from).collect(),
            outbound: run.outbound.iter().map(OutboundJson::from).collect(),
            public_names: run.names.iter().map(NameJson::from).collect(),
            chains: run.chains.iter().map(ChainJson::from).collect(),
            config_files: run.config_files.clone(),
            configs: run.configs.iter().map(ConfigFindingJson::from).collect(),
        }
    }
}

/// One endpoint of the deployment, as checked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeployedJson {
    /// Its name in the deployment file.
    name: String,
    /// `app`, `proxy`, `rtc`, `websocket`, `node` or `auth`.
    #[schemars(schema_with = "field::role")]
    role: &'static str,
    /// Its URL.
    url: String,
    /// `http`, `https`, `ws` or `wss`.
    #[schemars(schema_with = "field::scheme")]
    scheme: &'static str,
    /// The URL's host.
    host: String,
    /// The URL's port.
    port: u16,
    /// `trusted`, `not trusted`, `plain`, `unreachable`, `no chain`, or the connection finding's code.
    #[schemars(schema_with = "field::deployed_verdict")]
    verdict: String,
    /// No finding of severity `error` on this endpoint.
    ok: bool,
    /// The endpoint as `probe` reports it: TLS, chain, verdicts, fix.
    probe: EndpointJson,
    /// The HTTP checks made, in order.
    http: Vec<HttpJson>,
    /// The WebSocket upgrade, when one was tried.
    websocket: Option<WebsocketJson>,
    /// Every finding on the endpoint, most important first.
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

/// One of the app's own outbound connections, as checked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OutboundJson {
    /// Its name in the deployment file (`synchrony-service` for `[synchrony] service_url`).
    name: String,
    /// `ldap`, `mail`, `db` or `outbound`.
    #[schemars(schema_with = "field::outbound_role")]
    role: &'static str,
    /// The URL as written.
    url: String,
    /// The host connected to.
    host: String,
    /// The port.
    port: u16,
    /// The STARTTLS exchange spoken before the handshake, `null` when TLS starts at once (or for
    /// `http://`).
    #[schemars(schema_with = "field::starttls_or_null")]
    starttls: Option<&'static str>,
    /// The JVM proxy (`host:port`, `[jvm] proxy`) the connection was tunnelled through, `null` when
    /// made directly.
    proxy: Option<String>,
    /// `trusted`, `not trusted`, `reached`, `unreachable`, `no chain`, or the connection finding's code.
    #[schemars(schema_with = "field::outbound_verdict")]
    verdict: String,
    /// No finding of severity `error` on this connection.
    ok: bool,
    /// The connection as `probe` reports it: TLS, chain, verdicts, fix.
    probe: EndpointJson,
    /// Every finding on the connection, most important first.
    findings: Vec<FindingJson>,
}

impl From<&OutboundConnection> for OutboundJson {
    fn from(o: &OutboundConnection) -> OutboundJson {
        OutboundJson {
            name: o.name.clone(),
            role: o.role.name(),
            url: o.url.clone(),
            host: o.probe.host.clone().unwrap_or_default(),
            port: o.probe.port.unwrap_or_default(),
            starttls: o.starttls,
            proxy: o.via.clone(),
            verdict: o.verdict(),
            ok: o.ok(),
            probe: EndpointJson::from(&o.probe),
            findings: o.findings().iter().map(FindingJson::from).collect(),
        }
    }
}

/// The requests made for one HTTP check.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HttpJson {
    /// The path checked.
    path: String,
    /// Every request made, in order; the last is the final answer.
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct HopJson {
    /// The URL requested.
    url: String,
    /// The status; null when no answer was read.
    status: Option<u16>,
    /// The `Location` header; null when none.
    location: Option<String>,
    /// The cookies set (empty when none).
    set_cookies: Vec<CookieJson>,
    /// Whether the page holds a login form.
    login_form: bool,
    /// The start of the body.
    body_excerpt: String,
    /// Why the request failed; null when it did not.
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct CookieJson {
    /// The cookie's name.
    name: String,
    /// The `Secure` attribute.
    secure: bool,
    /// The `HttpOnly` attribute.
    http_only: bool,
    /// The `SameSite` attribute; null when not set.
    same_site: Option<String>,
    /// The `Domain` attribute; null when not set.
    domain: Option<String>,
    /// The `Path` attribute; null when not set.
    path: Option<String>,
    /// Whether the cookie is being cleared (expired or empty).
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebsocketJson {
    /// The URL the upgrade was requested on.
    url: String,
    /// The status; null when no answer was read.
    status: Option<u16>,
    /// The `Sec-WebSocket-Accept` check; null when no answer was read.
    accept: Option<AcceptJson>,
    /// The answer's headers as `[name, value]` pairs, cookie values replaced by `…` (empty when none).
    headers: Vec<(String, String)>,
    /// The start of the body of an answer other than 101; null when there is none.
    body_excerpt: Option<String>,
    /// Why no answer was read; null when one was.
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
#[derive(Debug, Serialize, JsonSchema)]
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct NameJson {
    /// The public name.
    name: String,
    /// The endpoint whose certificate was asked for it.
    endpoint: String,
    /// Whether the certificate covers it; null when no certificate was seen.
    covered: Option<bool>,
    /// What the certificate offers (its names), or why nothing was seen.
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChainJson {
    /// The endpoint's name.
    endpoint: String,
    /// The leaf's subject.
    leaf: String,
    /// The leaf's SHA-256.
    leaf_sha256: String,
    /// The leaf's issuer.
    issuer: String,
    /// How many certificates were served.
    served: usize,
    /// The leaf's notAfter, Unix seconds.
    not_after: i64,
    /// The earliest notAfter of the served chain, Unix seconds.
    chain_not_after: i64,
    /// Another endpoint serving the same leaf.
    same_leaf_as: Option<String>,
    /// Whether this chain expires first among the endpoints.
    expires_first: bool,
    /// `chain_not_after`, RFC 3339.
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
#[derive(Debug, Serialize, JsonSchema)]
pub struct ConfigFindingJson {
    /// Where: `server.xml:42`, `nginx.conf:12`, or a keystore or certificate file.
    source: String,
    /// What: `Connector port 8443`, `server wiki.example.test:443`.
    subject: String,
    /// The finding.
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
