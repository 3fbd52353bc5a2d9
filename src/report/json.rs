//! The JSON report: one document per run, shaped for scripts (documented in the README). Field names
//! are snake_case, finding codes kebab-case; absent values are `null`, never omitted, except a finding's
//! `cert`.

use std::io::{self, Write};

use serde::Serialize;

use super::rfc3339;
use crate::cert::Certificate;
use crate::chain::{Fix, PathSource, PathStep, Verdict};
use crate::finding::Finding;
use crate::judge::{EndpointReport, Run};
use crate::jvm::StoreSummary;
use crate::probe::TlsInfo;

/// Writes runs as JSON.
#[derive(Debug)]
pub struct Json<W: Write> {
    out: W,
}

#[derive(Serialize)]
struct Document<'a> {
    truststores: &'a [StoreSummary],
    endpoints: Vec<Endpoint<'a>>,
}

/// One endpoint's capture and diagnosis, as `probe --json` prints it.
#[derive(Serialize)]
pub(super) struct Endpoint<'a> {
    target: &'a str,
    host: Option<&'a str>,
    port: Option<u16>,
    sni: Option<&'a str>,
    address: Option<String>,
    tls: Option<&'a TlsInfo>,
    chain: Vec<Cert>,
    trusted: bool,
    ok: bool,
    verdicts: Option<Verdicts>,
    findings: &'a [Finding],
    fix: Option<FixJson>,
    written: Vec<String>,
}

#[derive(Serialize)]
struct Cert {
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

#[derive(Serialize)]
struct Verdicts {
    java: VerdictJson,
    browser: VerdictJson,
}

#[derive(Serialize)]
struct VerdictJson {
    trusted: bool,
    reason: Option<String>,
    path: Vec<Step>,
}

#[derive(Serialize)]
struct Step {
    subject: String,
    sha256: String,
    #[serde(flatten)]
    source: PathSource,
}

#[derive(Serialize)]
struct FixJson {
    fullchain: Vec<Brief>,
    fullchain_complete: bool,
    import: Vec<Brief>,
}

#[derive(Serialize)]
struct Brief {
    subject: String,
    sha256: String,
}

impl<W: Write> Json<W> {
    /// A JSON printer on `out`.
    pub fn new(out: W) -> Json<W> {
        Json { out }
    }

    /// Writes the run as one pretty-printed JSON document and a newline.
    pub fn print_run(&mut self, run: &Run) -> io::Result<()> {
        let doc = Document {
            truststores: &run.truststores,
            endpoints: run.endpoints.iter().map(endpoint).collect(),
        };
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// The JSON form of one endpoint.
pub(super) fn endpoint(e: &EndpointReport) -> Endpoint<'_> {
    Endpoint {
        target: &e.target,
        host: e.host.as_deref(),
        port: e.port,
        sni: e.sni.as_deref(),
        address: e.address.map(|a| a.to_string()),
        tls: e.tls.as_ref(),
        chain: e
            .chain
            .iter()
            .enumerate()
            .map(|(i, c)| cert(i, c))
            .collect(),
        trusted: e.trusted(),
        ok: e.ok(),
        verdicts: e.diagnosis.as_ref().map(|d| Verdicts {
            java: verdict(&d.java),
            browser: verdict(&d.browser),
        }),
        findings: &e.findings,
        fix: e.diagnosis.as_ref().and_then(|d| d.fix.as_ref()).map(fix),
        written: e.written.iter().map(|p| p.display().to_string()).collect(),
    }
}

fn cert(index: usize, c: &Certificate) -> Cert {
    match c.try_info() {
        Ok(info) => Cert {
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
        Err(e) => Cert {
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

fn verdict(v: &Verdict) -> VerdictJson {
    VerdictJson {
        trusted: v.trusted,
        reason: v.reason.clone(),
        path: v.path.iter().map(step).collect(),
    }
}

fn step(s: &PathStep) -> Step {
    Step {
        subject: s.cert.info().subject.clone(),
        sha256: s.cert.sha256_hex(),
        source: s.source.clone(),
    }
}

fn brief(c: &Certificate) -> Brief {
    Brief {
        subject: c.info().subject.clone(),
        sha256: c.sha256_hex(),
    }
}

fn fix(f: &Fix) -> FixJson {
    FixJson {
        fullchain: f.fullchain.iter().map(brief).collect(),
        fullchain_complete: f.fullchain_complete,
        import: f.import.iter().map(brief).collect(),
    }
}
