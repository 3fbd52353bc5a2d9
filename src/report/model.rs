//! What a report is made of: the truststores used and, per endpoint or chain file, what was captured and
//! what the diagnosis found. Commands fill these; the printers only read them.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Serialize;

use crate::cert::Certificate;
use crate::chain::Diagnosis;
use crate::finding::{Finding, Severity};
use crate::probe::TlsInfo;

/// Where a truststore in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoreOrigin {
    /// Given with `--truststore`.
    Option,
    /// The default JVM's `cacerts` (`--cacerts`, or the default when one was found).
    JvmCacerts,
    /// Mozilla's root program (webpki-root-certs), used when no JVM was found.
    Mozilla,
}

/// One truststore the judgement used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreSummary {
    /// Its label, as anchors name it (a path, or `mozilla-roots`).
    pub label: String,
    /// Its format (`jks`, `pkcs12`, `pem`, `directory`, `builtin`).
    pub format: String,
    /// How many trusted-certificate entries it holds.
    pub anchors: usize,
    /// Where it came from.
    pub origin: StoreOrigin,
}

/// Everything reported about one endpoint or chain file.
#[derive(Debug, Clone, Default)]
pub struct EndpointReport {
    /// The target as given (`https://wiki.example.test`), or the chain file's path.
    pub target: String,
    /// The host name checked against the leaf, when there is one.
    pub host: Option<String>,
    /// The port probed (none for chain files).
    pub port: Option<u16>,
    /// The SNI name sent.
    pub sni: Option<String>,
    /// The address connected to.
    pub address: Option<SocketAddr>,
    /// The handshake, when probed.
    pub tls: Option<TlsInfo>,
    /// The chain as served (or as read from the file), leaf first.
    pub chain: Vec<Certificate>,
    /// The diagnosis, when there was a chain to judge.
    pub diagnosis: Option<Diagnosis>,
    /// Every finding (capture and diagnosis), most important first.
    pub findings: Vec<Finding>,
    /// Files written by `--write-fixes`.
    pub written: Vec<PathBuf>,
}

impl EndpointReport {
    /// The JVM's verdict: false without a chain.
    pub fn trusted(&self) -> bool {
        self.diagnosis.as_ref().is_some_and(|d| d.trusted)
    }

    /// Whether the endpoint passes: trusted by the JVM and no error finding.
    pub fn ok(&self) -> bool {
        self.trusted() && !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// A whole run: `trustpath probe` or `trustpath verify`.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The truststores the JVM verdicts used.
    pub truststores: Vec<StoreSummary>,
    /// One entry per target or chain file, in input order.
    pub endpoints: Vec<EndpointReport>,
    /// The validation instant (seconds since the epoch), for "expires in N days".
    pub now: i64,
}

impl Run {
    /// The process exit code: 0 when every endpoint passes, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.endpoints.iter().all(EndpointReport::ok) {
            crate::error::exit::OK
        } else {
            crate::error::exit::PROBLEMS
        }
    }
}
