//! Turning what the searches found into [`Finding`]s: the java path's problems (errors when the JVM
//! refuses, warnings when it accepts something risky), the host name, and the deployment mistakes the
//! JVM forgives (order, duplicates, extra certificates, a served root) — each with a remediation that can
//! be acted on.
//!
//! Remediation lines that import a certificate name the store by the label of the java anchors
//! (`Anchor::store`), or the placeholder `STORE` when there is none, and the file by the placeholder
//! `CA.pem` (the report writes `Fix::import` there).

use super::checks;
use super::diagnosis::TrustAnchors;
use super::path::Candidate;
use super::pool::{Origin, Pool};
use super::problem::Problem;
use super::problem::label;
use crate::cert::{CertInfo, Certificate};
use crate::finding::{Code, Finding, Severity};

/// The store placeholder used when no java anchor names its store.
pub const STORE_PLACEHOLDER: &str = "STORE";

/// The served index of a pool item on a path, for [`Finding::cert`].
pub(crate) fn served_index(pool: &Pool<'_>, served: &[Certificate], item: usize) -> Option<usize> {
    match pool.items[item].origin {
        Origin::Served(i) => Some(i),
        _ => served.iter().position(|c| c == pool.items[item].cert),
    }
}

/// The store label for import lines.
pub(crate) fn store_label(anchors: &TrustAnchors) -> String {
    anchors
        .java
        .first()
        .map(|a| a.store.clone())
        .unwrap_or_else(|| STORE_PLACEHOLDER.to_owned())
}

/// Findings from the java path's problems.
pub(crate) fn from_problems(
    pool: &Pool<'_>,
    served: &[Certificate],
    cand: &Candidate,
    extra_help: &dyn Fn(&CertInfo) -> Option<String>,
    store: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let leaf = label(pool.items[cand.path[0]].info);
    for p in &cand.problems {
        let item = cand.path[p.pos];
        let info = pool.items[item].info;
        let severity = if p.fatal {
            Severity::Error
        } else {
            Severity::Warning
        };
        let (code, message, remediation) = match p.code {
            Code::UntrustedRoot if p.pos == 0 => (
                Code::SelfSigned,
                format!(
                    "{leaf} is self-signed and not in the truststore (SHA-256 {})",
                    pool.items[item].cert.sha256_colons()
                ),
                format!(
                    "serve a certificate issued by a CA the JVM trusts, or import this one: trustpath store import {store} CA.pem"
                ),
            ),
            // An anchor the authorityKeyIdentifier does not select (`java.rs`).
            Code::UntrustedRoot if p.pos > 0 && pool.items[item].is_anchor() => (
                Code::UntrustedRoot,
                p.message.clone(),
                format!(
                    "import the CA certificate '{}' that the authorityKeyIdentifier of {} names (get it from its CA) into {store}",
                    pool.items[cand.path[p.pos - 1]].info.issuer,
                    label(pool.items[cand.path[p.pos - 1]].info)
                ),
            ),
            Code::UntrustedRoot if pool.self_signed(item) => (
                Code::UntrustedRoot,
                p.message.clone(),
                format!(
                    "import the root '{}' (SHA-256 {}) if you trust it: trustpath store import {store} CA.pem",
                    info.subject,
                    pool.items[item].cert.sha256_colons()
                ),
            ),
            Code::UntrustedRoot => (
                Code::UntrustedRoot,
                p.message.clone(),
                format!(
                    "get the root CA certificate '{}' from its CA and, if you trust it, import it: trustpath store import {store} CA.pem",
                    info.issuer
                ),
            ),
            Code::MissingIntermediate => {
                let mut msg = p.message.clone();
                if let Some(url) = info.ca_issuers_urls.first() {
                    msg.push_str(&format!(
                        "; its AIA caIssuers URL is {url} (browsers fetch it from there, the JVM does not)"
                    ));
                }
                let mut rem = format!(
                    "serve {leaf} + the intermediate '{}' as fullchain",
                    info.issuer
                );
                if let Some(h) = extra_help(info) {
                    rem.push_str(&format!(" ({h})"));
                } else if let Some(url) = info.ca_issuers_urls.first() {
                    rem.push_str(&format!(" (download it from {url})"));
                }
                (Code::MissingIntermediate, msg, rem)
            }
            Code::NotACa | Code::BadKeyUsage if pool.items[item].is_anchor() => {
                let alias = pool.items[item]
                    .anchor
                    .map(|a| a.alias.as_str())
                    .unwrap_or_default();
                let remediation = if p.pos == 1 && pool.same_subject_and_key(cand.path[0], item) {
                    format!(
                        "import the certificate the server presents now into {store} (a leaf that is itself a trusted entry is accepted as is), in place of the old entry '{alias}'"
                    )
                } else {
                    format!(
                        "replace the trusted entry '{alias}' in {store} with the CA certificate that issued {} (basicConstraints cA=true, keyUsage keyCertSign)",
                        label(pool.items[cand.path[p.pos - 1]].info)
                    )
                };
                (p.code, p.message.clone(), remediation)
            }
            Code::BadEku if p.rule == Some(checks::RULE_NETSCAPE_CERT_TYPE) => (
                Code::BadEku,
                p.message.clone(),
                format!(
                    "reissue {leaf} without the Netscape cert type extension, or with its SSL server bit"
                ),
            ),
            code => (code, p.message.clone(), remediation_for(p, info)),
        };
        let mut f = Finding::new(code, severity, message, remediation);
        if let Some(i) = served_index(pool, served, item) {
            f = f.at(i);
        }
        out.push(f);
    }
    out
}

fn remediation_for(p: &Problem, info: &CertInfo) -> String {
    let who = label(info);
    match p.code {
        Code::Expired => format!("renew {who} and serve the new certificate"),
        Code::NotYetValid => {
            format!("check the clock, or serve a certificate for {who} that is valid now")
        }
        Code::BadSignature => format!(
            "serve the genuine issuer of {who}; this one's key does not match its signature"
        ),
        Code::WeakSignature
            if p.rule == Some(super::tls_signatures::RULE_TLS_SIGNATURE_SCHEMES) =>
        {
            format!("reissue {who} signed with SHA256withRSA, SHA256withECDSA or RSASSA-PSS")
        }
        Code::WeakSignature => format!("reissue {who} with SHA-256 or better"),
        Code::WeakKey => {
            format!("reissue {who} with an RSA key of 2048 bits or more, or an EC P-256 key")
        }
        Code::BadEku => format!("reissue {who} with extendedKeyUsage serverAuth"),
        Code::BadKeyUsage if p.pos == 0 => format!("reissue {who} with keyUsage digitalSignature"),
        Code::BadKeyUsage => format!("reissue the CA {who} with keyUsage keyCertSign"),
        Code::NotACa => {
            format!("issue the certificate below {who} from a real CA (basicConstraints cA=true)")
        }
        Code::PathLenExceeded => {
            "shorten the chain, or reissue the constraining CA with a larger pathLenConstraint"
                .to_owned()
        }
        Code::NameConstraintViolation => {
            format!("reissue {who} with names its CA is allowed to certify")
        }
        Code::PolicyViolation => format!(
            "reissue {who} so that the certificatePolicies on the path meet the CAs' policyConstraints, policyMappings and inhibitAnyPolicy (the message names the certificate that breaks them)"
        ),
        _ => "fix the chain".to_owned(),
    }
}

/// Served certificates that are byte-identical to an earlier one.
pub(crate) fn duplicates(served: &[Certificate]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in served.iter().enumerate() {
        if let Some(first) = served[..i].iter().position(|d| d == c) {
            out.push(
                Finding::new(
                    Code::DuplicateCert,
                    Severity::Warning,
                    format!(
                        "served certificate {i} {} is the same as certificate {first}",
                        cert_label(c)
                    ),
                    "serve each certificate once (leaf + intermediates as fullchain)",
                )
                .at(i),
            );
        }
    }
    out
}

/// A certificate's label from its parsed summary.
pub(crate) fn cert_label(c: &Certificate) -> String {
    label(c.info())
}

/// Order, extra and served-root findings for an accepted (or anchored) java path.
pub(crate) fn deployment(
    pool: &Pool<'_>,
    served: &[Certificate],
    cand: &Candidate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let on_path: Vec<Option<usize>> = cand
        .path
        .iter()
        .map(|&i| served_index(pool, served, i))
        .collect();
    // Wrong order: the served intermediates of the path must follow the leaf in path order.
    let served_positions: Vec<usize> = on_path.iter().skip(1).flatten().copied().collect();
    let expected: Vec<usize> = (1..=served_positions.len()).collect();
    if !served_positions.is_empty() && served_positions != expected {
        let mut sorted = served_positions.clone();
        sorted.sort_unstable();
        let order: Vec<String> = std::iter::once("0".to_owned())
            .chain(served_positions.iter().map(|p| p.to_string()))
            .collect();
        if sorted != served_positions {
            out.push(Finding::new(
                Code::WrongOrder,
                Severity::Warning,
                format!(
                    "the chain was served out of order: the path is served certificates {} in that order",
                    order.join(", ")
                ),
                "serve leaf first, then each issuer in turn (fullchain order); the JVM re-sorts, some clients do not",
            ));
        }
    }
    for (i, c) in served.iter().enumerate().skip(1) {
        if served[..i].contains(c) {
            continue;
        }
        let in_path = on_path.contains(&Some(i));
        let self_signed = c.info().self_issued && c.info().is_ca;
        let item = pool.items.iter().position(|it| it.cert == c);
        let anchor_copy = match (item, cand.path.last()) {
            (Some(it), Some(&a)) if cand.anchored && it != a => pool.same_subject_and_key(it, a),
            _ => false,
        };
        if anchor_copy {
            out.push(
                Finding::new(
                    Code::ServedRoot,
                    Severity::Info,
                    format!(
                        "served certificate {i} {} (issued by '{}') has the subject and key of the trust anchor, so the path ends at the anchor; clients use their own copy",
                        cert_label(c),
                        c.info().issuer
                    ),
                    "serve leaf + intermediates only; drop the cross-signed copy of the root",
                )
                .at(i),
            );
            continue;
        }
        if self_signed && (in_path || cand.path.last().is_some_and(|&l| *pool.items[l].cert == *c))
        {
            out.push(
                Finding::new(
                    Code::ServedRoot,
                    Severity::Info,
                    format!(
                        "the root {} was served; clients use their own copy, so it only costs bytes",
                        cert_label(c)
                    ),
                    "serve leaf + intermediates only (fullchain without the root)",
                )
                .at(i),
            );
        } else if !in_path {
            out.push(
                Finding::new(
                    Code::ExtraCert,
                    Severity::Warning,
                    format!(
                        "served certificate {i} {} (issued by '{}') is not on the path to the trust anchor",
                        cert_label(c),
                        c.info().issuer
                    ),
                    "remove it from the served chain",
                )
                .at(i),
            );
        }
    }
    out
}
