//! `trustpath trust`'s decision — InstallCert done right: from one judged endpoint, whether importing a
//! certificate into the truststore is the fix, and which one. The minimal right certificate is the root
//! when one is known (served, or found by the diagnosis' fix search); else the topmost CA the server
//! sent, which pins an intermediate; the server's own certificate only when it is self-signed and the
//! user asked for it. When the endpoint is already trusted, or its problem is not trust (a name
//! mismatch, an expired certificate, a refused connection), nothing is imported. Pure: the endpoint is
//! probed and judged by the caller.

use crate::cert::Certificate;
use crate::finding::{Code, Finding, Severity};
use crate::judge::EndpointReport;

/// Which certificate of the chain is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The self-signed root at the top of the path.
    Root,
    /// The topmost CA the server sent, not a root: trusting it pins an intermediate.
    Intermediate,
    /// The server's own self-signed certificate (only with the user's consent).
    Leaf,
}

impl Pick {
    /// The word reports use.
    pub fn name(self) -> &'static str {
        match self {
            Pick::Root => "root",
            Pick::Intermediate => "intermediate",
            Pick::Leaf => "server certificate",
        }
    }
}

/// What `trust` will do for an endpoint.
#[derive(Debug, Clone)]
pub enum Plan {
    /// The JVM already trusts the endpoint: nothing to import.
    AlreadyTrusted,
    /// No chain was captured: the connection findings say why.
    NotReached(Vec<Finding>),
    /// Errors an import does not fix (hostname, validity, algorithms, …): fix these instead.
    NotTrust(Vec<Finding>),
    /// The server sends a self-signed certificate of its own: importing it is allowed only when asked.
    LeafNeedsConsent(Certificate),
    /// Nothing the server sent can be imported (it sends only its leaf, issued by an unknown CA).
    NothingToImport(String),
    /// Import `cert`.
    Import {
        /// The certificate.
        cert: Certificate,
        /// What it is.
        pick: Pick,
    },
}

impl Plan {
    /// Whether the plan imports a certificate.
    pub fn imports(&self) -> Option<(&Certificate, Pick)> {
        match self {
            Plan::Import { cert, pick } => Some((cert, *pick)),
            _ => None,
        }
    }
}

/// The trust gaps an import closes; any other error is a problem of another kind.
const GAPS: [Code; 3] = [
    Code::UntrustedRoot,
    Code::SelfSigned,
    Code::MissingIntermediate,
];

/// Decides what to import for `endpoint`; `allow_leaf` is the user's consent to trust a self-signed
/// server certificate itself.
pub fn plan(endpoint: &EndpointReport, allow_leaf: bool) -> Plan {
    let Some(diagnosis) = &endpoint.diagnosis else {
        return Plan::NotReached(errors(&endpoint.findings));
    };
    if diagnosis.trusted {
        return Plan::AlreadyTrusted;
    }
    let blocking: Vec<Finding> = errors(&endpoint.findings)
        .into_iter()
        .filter(|f| !GAPS.contains(&f.code))
        .collect();
    if !blocking.is_empty() {
        return Plan::NotTrust(blocking);
    }
    let Some(leaf) = endpoint.chain.first() else {
        return Plan::NotReached(errors(&endpoint.findings));
    };
    if let Some(cert) = diagnosis.fix.as_ref().and_then(|f| f.import.first()) {
        let is_leaf = cert.sha256() == leaf.sha256() || cert.try_info().is_ok_and(|i| !i.is_ca);
        // The fix search's import ends the best path: a root, or the topmost CA found when no root is.
        let pick = if cert.try_info().is_ok_and(|i| i.self_issued) {
            Pick::Root
        } else {
            Pick::Intermediate
        };
        return match (is_leaf, allow_leaf) {
            (false, _) => Plan::Import {
                cert: cert.clone(),
                pick,
            },
            (true, true) => Plan::Import {
                cert: cert.clone(),
                pick: Pick::Leaf,
            },
            (true, false) => Plan::LeafNeedsConsent(cert.clone()),
        };
    }
    match topmost_served_ca(&endpoint.chain) {
        Some(ca) => {
            let pick = if ca.try_info().is_ok_and(|i| i.self_issued) {
                Pick::Root
            } else {
                Pick::Intermediate
            };
            Plan::Import { cert: ca, pick }
        }
        None => {
            let issuer = leaf
                .try_info()
                .map_or_else(|_| "its issuer".to_owned(), |i| format!("'{}'", i.issuer));
            Plan::NothingToImport(format!(
                "the server sends only its own certificate, issued by {issuer}, which the truststore lacks and the server does not send: serve the full chain (`trustpath probe --write-fixes DIR` writes it when the issuer is known), or import {issuer}'s certificate from the CA with `trustpath store import`"
            ))
        }
    }
}

/// The error findings.
fn errors(findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .cloned()
        .collect()
}

/// The highest CA reached from the leaf through the served certificates, by issuer name; `None` when
/// the server sent no CA that issued its path.
fn topmost_served_ca(chain: &[Certificate]) -> Option<Certificate> {
    let mut current = chain.first()?;
    let mut top = None;
    for _ in 0..chain.len() {
        let Ok(info) = current.try_info() else {
            break;
        };
        if info.self_issued && top.is_some() {
            break;
        }
        let next = chain.iter().find(|c| {
            c.sha256() != current.sha256()
                && c.try_info()
                    .is_ok_and(|i| i.is_ca && i.subject_raw == info.issuer_raw)
        });
        match next {
            Some(next) => {
                top = Some(next);
                current = next;
            }
            None => break,
        }
    }
    top.cloned()
}
