//! The JSON document of `probe --json` and `verify --json`: the truststores used and, per endpoint or
//! chain file, the capture, the certificates, both verdicts with their paths, the findings and the fix.
//! [`EndpointJson`], [`FindingJson`] and [`StoreJson`] are also parts of the deployment document.

use serde::Serialize;

use crate::cert::Certificate;
use crate::chain::{Fix, PathSource, PathStep, Verdict};
use crate::finding::Finding;
use crate::judge::{EndpointReport, Run};
use crate::jvm::{StoreOrigin, StoreSummary};
use crate::probe::{Handshake, TlsInfo};
use crate::report::rfc3339;

/// A probe or verify run.
#[derive(Debug, Serialize)]
pub struct RunJson {
    /// The truststores the JVM verdicts used.
    pub truststores: Vec<StoreJson>,
    /// One per target or chain file, in input order.
    pub endpoints: Vec<EndpointJson>,
}

impl From<&Run> for RunJson {
    fn from(run: &Run) -> RunJson {
        RunJson {
            truststores: run.truststores.iter().map(StoreJson::from).collect(),
            endpoints: run.endpoints.iter().map(EndpointJson::from).collect(),
        }
    }
}

/// One truststore the judgement used.
#[derive(Debug, Serialize)]
pub struct StoreJson {
    /// Its label (a path, or `mozilla-roots`).
    pub label: String,
    /// `jks`, `pkcs12`, `pem`, `directory`, `builtin`.
    pub format: String,
    /// How many trusted-certificate entries it holds.
    pub anchors: usize,
    /// `option`, `jvm-cacerts` or `mozilla`.
    pub origin: &'static str,
}

impl From<&StoreSummary> for StoreJson {
    fn from(s: &StoreSummary) -> StoreJson {
        StoreJson {
            label: s.label.clone(),
            format: s.format.clone(),
            anchors: s.anchors,
            origin: match s.origin {
                StoreOrigin::Option => "option",
                StoreOrigin::JvmCacerts => "jvm-cacerts",
                StoreOrigin::Mozilla => "mozilla",
            },
        }
    }
}

/// One endpoint's capture and diagnosis.
#[derive(Debug, Serialize)]
pub struct EndpointJson {
    target: String,
    host: Option<String>,
    port: Option<u16>,
    sni: Option<String>,
    address: Option<String>,
    tls: Option<TlsJson>,
    chain: Vec<CertJson>,
    trusted: bool,
    ok: bool,
    verdicts: Option<VerdictsJson>,
    findings: Vec<FindingJson>,
    fix: Option<FixJson>,
    written: Vec<String>,
}

impl From<&EndpointReport> for EndpointJson {
    fn from(e: &EndpointReport) -> EndpointJson {
        EndpointJson {
            target: e.target.clone(),
            host: e.host.clone(),
            port: e.port,
            sni: e.sni.clone(),
            address: e.address.map(|a| a.to_string()),
            tls: e.tls.as_ref().map(TlsJson::from),
            chain: e
                .chain
                .iter()
                .enumerate()
                .map(|(i, c)| CertJson::new(i, c))
                .collect(),
            trusted: e.trusted(),
            ok: e.ok(),
            verdicts: e.diagnosis.as_ref().map(|d| VerdictsJson {
                java: VerdictJson::from(&d.java),
                browser: VerdictJson::from(&d.browser),
            }),
            findings: e.findings.iter().map(FindingJson::from).collect(),
            fix: e
                .diagnosis
                .as_ref()
                .and_then(|d| d.fix.as_ref())
                .map(FixJson::from),
            written: e.written.iter().map(|p| p.display().to_string()).collect(),
        }
    }
}

/// The TLS parameters negotiated.
#[derive(Debug, Serialize)]
pub struct TlsJson {
    handshake: &'static str,
    version: Option<String>,
    cipher_suite: Option<String>,
    key_exchange: Option<String>,
    alpn: Option<String>,
    ocsp_stapled: bool,
    retried_without_pq: bool,
}

impl From<&TlsInfo> for TlsJson {
    fn from(t: &TlsInfo) -> TlsJson {
        TlsJson {
            handshake: match t.handshake {
                Handshake::Complete => "complete",
                Handshake::Incomplete => "incomplete",
                Handshake::LegacyHello => "legacy-hello",
            },
            version: t.version.clone(),
            cipher_suite: t.cipher_suite.clone(),
            key_exchange: t.key_exchange.clone(),
            alpn: t.alpn.clone(),
            ocsp_stapled: t.ocsp_stapled,
            retried_without_pq: t.retried_without_pq,
        }
    }
}

/// One certificate: what it says, or why it could not be read.
#[derive(Debug, Serialize)]
pub struct CertJson {
    index: usize,
    sha256: String,
    subject: Option<String>,
    issuer: Option<String>,
    serial: Option<String>,
    not_before: Option<String>,
    not_after: Option<String>,
    key: Option<String>,
    signature_algorithm: Option<String>,
    dns_names: Vec<String>,
    ip_addresses: Vec<String>,
    is_ca: bool,
    self_issued: bool,
    parse_error: Option<String>,
}

impl CertJson {
    fn new(index: usize, c: &Certificate) -> CertJson {
        match c.try_info() {
            Ok(info) => CertJson {
                index,
                sha256: c.sha256_hex(),
                subject: Some(info.subject.clone()),
                issuer: Some(info.issuer.clone()),
                serial: Some(info.serial_hex.clone()),
                not_before: Some(rfc3339(info.not_before)),
                not_after: Some(rfc3339(info.not_after)),
                key: Some(info.key_description()),
                signature_algorithm: Some(info.signature_algorithm.clone()),
                dns_names: info.dns_names.clone(),
                ip_addresses: info.ip_addresses.clone(),
                is_ca: info.is_ca,
                self_issued: info.self_issued,
                parse_error: None,
            },
            Err(e) => CertJson {
                index,
                sha256: c.sha256_hex(),
                subject: None,
                issuer: None,
                serial: None,
                not_before: None,
                not_after: None,
                key: None,
                signature_algorithm: None,
                dns_names: Vec::new(),
                ip_addresses: Vec::new(),
                is_ca: false,
                self_issued: false,
                parse_error: Some(e.to_string()),
            },
        }
    }
}

/// The java and browser verdicts.
#[derive(Debug, Serialize)]
pub struct VerdictsJson {
    java: VerdictJson,
    browser: VerdictJson,
}

/// One verdict: trusted or why not, and the path built.
#[derive(Debug, Serialize)]
pub struct VerdictJson {
    trusted: bool,
    reason: Option<String>,
    path: Vec<StepJson>,
}

impl From<&Verdict> for VerdictJson {
    fn from(v: &Verdict) -> VerdictJson {
        VerdictJson {
            trusted: v.trusted,
            reason: v.reason.clone(),
            path: v.path.iter().map(StepJson::from).collect(),
        }
    }
}

/// One certificate on a path, and where it came from: `"source": "served"` with its `index` in the
/// served chain, `"anchor"` with the truststore's label (`store`) and the anchor's `alias`, or `"extra"`
/// (from `--extra-certs`).
#[derive(Debug, Serialize)]
pub struct StepJson {
    subject: String,
    sha256: String,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    store: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alias: Option<String>,
}

impl From<&PathStep> for StepJson {
    fn from(s: &PathStep) -> StepJson {
        let (source, index, store, alias) = match &s.source {
            PathSource::Served { index } => ("served", Some(*index), None, None),
            PathSource::Anchor { store, alias } => {
                ("anchor", None, Some(store.clone()), Some(alias.clone()))
            }
            PathSource::Extra => ("extra", None, None, None),
        };
        StepJson {
            subject: s.cert.info().subject.clone(),
            sha256: s.cert.sha256_hex(),
            source,
            index,
            store,
            alias,
        }
    }
}

/// The fix: the fullchain to serve and the CAs to import.
#[derive(Debug, Serialize)]
pub struct FixJson {
    fullchain: Vec<BriefJson>,
    fullchain_complete: bool,
    import: Vec<BriefJson>,
}

impl From<&Fix> for FixJson {
    fn from(f: &Fix) -> FixJson {
        FixJson {
            fullchain: f.fullchain.iter().map(BriefJson::from).collect(),
            fullchain_complete: f.fullchain_complete,
            import: f.import.iter().map(BriefJson::from).collect(),
        }
    }
}

/// A certificate named by its subject and fingerprint.
#[derive(Debug, Serialize)]
pub struct BriefJson {
    subject: String,
    sha256: String,
}

impl From<&Certificate> for BriefJson {
    fn from(c: &Certificate) -> BriefJson {
        BriefJson {
            subject: c.info().subject.clone(),
            sha256: c.sha256_hex(),
        }
    }
}

/// One finding: its code, severity, message, the certificate concerned (left out when none) and the fix.
#[derive(Debug, Serialize)]
pub struct FindingJson {
    code: &'static str,
    severity: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cert: Option<usize>,
    remediation: String,
}

impl From<&Finding> for FindingJson {
    fn from(f: &Finding) -> FindingJson {
        FindingJson {
            code: f.code.name(),
            severity: f.severity.name(),
            message: f.message.clone(),
            cert: f.cert,
            remediation: f.remediation.clone(),
        }
    }
}
