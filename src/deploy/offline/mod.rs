//! Offline checks of the configurations, before anything is probed: Tomcat keystores (`keystore`: open
//! with the configured password and type, hold the key alias, carry a complete chain for the public
//! name), the certificate files proxies and Tomcat serve (`certificate`: a fullchain in order, the key
//! belongs to the leaf), WebSocket proxying (`websocket`: upgrade headers, idle timeout) and Tomcat's
//! proxy attributes against what the proxy listens on (`proxy`), and the client's address passed on to
//! the app (`forwarded`).
//!
//! The configurations are what `config` read; the keystores, certificates and keys they name are read
//! through the same `config::Loader` ([`material`]). Chains are judged with [`crate::chain::diagnose`] at
//! the given instant with the caller's anchors.

mod certificate;
pub(crate) mod forwarded;
mod keystore;
pub mod material;
mod proxy;
mod remote_ip;
mod rtc_port;
mod websocket;

use std::collections::HashSet;
use std::path::PathBuf;

use crate::cert::Certificate;
use crate::chain::{ChainInput, Policy, TrustAnchors};
use crate::config::front;
use crate::config::{Configs, Loader};
use crate::deploy::Deployment;
use crate::finding::{Code, Finding, Severity};

pub use websocket::MIN_WEBSOCKET_IDLE_SECS;

/// One offline finding: where in the configuration, about what, and the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFinding {
    /// Where: `server.xml:42`, `nginx.conf:12`, or a keystore or certificate file.
    pub source: String,
    /// What: `Connector port 8443`, `server wiki.example.test:443`.
    pub subject: String,
    /// The finding.
    pub finding: Finding,
}

/// Runs every offline check, reading the files the configurations name through `loader`. `deployment`
/// gives the public name when a configuration does not; `now` is seconds since the epoch.
pub fn check_offline(
    loader: &dyn Loader,
    configs: &Configs,
    deployment: Option<&Deployment>,
    anchors: &TrustAnchors,
    policy: &Policy,
    now: i64,
) -> Vec<ConfigFinding> {
    let mut cx = Checks {
        loader,
        anchors,
        policy,
        now,
        public_name: deployment.and_then(|d| {
            d.public_names
                .first()
                .cloned()
                .or_else(|| Some(d.app().url.host.clone()))
        }),
        seen: HashSet::new(),
        out: Vec::new(),
    };
    if let Some(x) = &configs.tomcat {
        cx.tomcat(x);
    }
    if let Some(n) = &configs.nginx {
        for s in &n.servers {
            cx.certificates(&front::nginx_fronts(n, s));
            for l in &s.locations {
                cx.nginx_websocket(n, &s.subject(), l);
                cx.nginx_forwarded_for(&s.subject(), l);
            }
        }
    }
    if let Some(a) = &configs.apache {
        for v in &a.vhosts {
            cx.certificates(&[front::apache_front(v, a)]);
            cx.apache_websocket(v);
            cx.apache_forwarded_for(v);
        }
    }
    let fronts = front::fronts(configs);
    cx.rtc_port(&fronts, deployment);
    if let Some(x) = &configs.tomcat {
        for c in &x.connectors {
            cx.proxy_mismatch(c, &fronts);
            cx.remote_ip_valve(x, c, &fronts);
        }
    }
    cx.out
}

/// The state of one run of the checks: what judges, and the findings so far.
struct Checks<'a> {
    loader: &'a dyn Loader,
    anchors: &'a TrustAnchors,
    policy: &'a Policy,
    now: i64,
    public_name: Option<String>,
    seen: HashSet<(PathBuf, Option<String>)>,
    out: Vec<ConfigFinding>,
}

impl Checks<'_> {
    /// Records `finding` about `subject`, written at `source`.
    fn push(&mut self, source: impl Into<String>, subject: impl Into<String>, finding: Finding) {
        self.out.push(ConfigFinding {
            source: source.into(),
            subject: subject.into(),
            finding,
        });
    }

    /// Records a finding of `code` and `severity` about `subject`, written at `source`.
    fn raise(
        &mut self,
        source: impl Into<String>,
        subject: impl Into<String>,
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.push(source, subject, Finding::new(code, severity, message, fix));
    }

    fn diagnose(
        &mut self,
        source: &str,
        subject: &str,
        chain: Vec<Certificate>,
        host: Option<String>,
    ) {
        let input = ChainInput {
            served: chain,
            host,
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let d = crate::chain::diagnose(&input, self.anchors, self.policy, self.now);
        for f in d.findings {
            self.push(source, subject, f);
        }
    }
}
