//! Encoding rules a certificate must follow regardless of the path (RFC 5280 section 4 and the CA/Browser
//! Forum Baseline Requirements): duplicate extensions (refused by the JDK's parser too), serial numbers,
//! empty names, the criticality of AKI/SKI/SAN/nameConstraints/EKU, and leaf-only or CA-only extensions.
//! The JVM applies only the first; the browser profile applies all of them, as Chrome and webpki do.

use std::collections::HashSet;

use x509_parser::prelude::*;

use super::problem::Problem;
use crate::finding::Code;

const AKI: &str = "2.5.29.35";
const SKI: &str = "2.5.29.14";
const SAN: &str = "2.5.29.17";
const NAME_CONSTRAINTS: &str = "2.5.29.30";
const EKU: &str = "2.5.29.37";

/// What a certificate is on the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The end-entity certificate.
    Leaf,
    /// An intermediate CA.
    Intermediate,
    /// The trust anchor (browser profile only).
    Anchor,
}

/// Checks `cert` (at path position `pos`) and pushes what is wrong.
pub(crate) fn check(
    out: &mut Vec<Problem>,
    pos: usize,
    cert: &X509Certificate<'_>,
    role: Role,
    browser: bool,
) {
    let tbs = &cert.tbs_certificate;
    let name = tbs.subject.to_string();
    let mut seen = HashSet::new();
    for ext in tbs.extensions() {
        if !seen.insert(ext.oid.to_id_string()) {
            // The JDK's parser refuses the certificate ("Duplicate extensions not allowed").
            out.push(
                Problem::fatal(
                    Code::InvalidChain,
                    pos,
                    format!(
                        "'{name}' has the extension {} twice (RFC 5280 4.2)",
                        ext.oid.to_id_string()
                    ),
                )
                .by("CertificateExtensions: duplicate extension"),
            );
            return;
        }
    }
    if !browser {
        return;
    }
    if role == Role::Anchor {
        // Anchors are otherwise taken as given; an unknown critical extension still makes them unusable.
        return;
    }
    // The browser profile's own encoding rules (not applied to the java profile here, so no JDK rule).
    let mut bad = |why: String| {
        out.push(Problem::fatal(
            Code::InvalidChain,
            pos,
            format!("'{name}' {why}"),
        ));
    };
    let serial = tbs.raw_serial();
    if serial.is_empty() || serial.iter().all(|b| *b == 0) {
        bad("has a zero serial number (RFC 5280 4.1.2.2 requires a positive one)".into());
    } else if serial[0] & 0x80 != 0 {
        bad("has a negative serial number (RFC 5280 4.1.2.2)".into());
    } else if serial.len() > 20 {
        bad(format!(
            "has a {}-byte serial number; RFC 5280 allows 20",
            serial.len()
        ));
    }
    if tbs.issuer.iter_attributes().next().is_none() {
        bad("has an empty issuer name (RFC 5280 4.1.2.4)".into());
    }
    let subject_empty = tbs.subject.iter_attributes().next().is_none();
    if role != Role::Leaf && subject_empty {
        bad("is a CA with an empty subject (RFC 5280 4.1.2.6)".into());
    }
    for ext in tbs.extensions() {
        let oid = ext.oid.to_id_string();
        match oid.as_str() {
            AKI | SKI if ext.critical => {
                bad(format!("marks {oid} critical (RFC 5280 4.2.1.1/4.2.1.2)"))
            }
            SAN if subject_empty && !ext.critical => bad(
                "has an empty subject but a non-critical subjectAltName (RFC 5280 4.2.1.6)".into(),
            ),
            SAN if !subject_empty && ext.critical => {
                bad("has a subject and a critical subjectAltName (CA/B Forum BR 7.1.2.7.12)".into())
            }
            NAME_CONSTRAINTS => {
                if role == Role::Leaf {
                    bad("is an end entity with nameConstraints (RFC 5280 4.2.1.10)".into());
                } else if !ext.critical {
                    bad("has non-critical nameConstraints (RFC 5280 4.2.1.10)".into());
                } else if let ParsedExtension::NameConstraints(nc) = ext.parsed_extension() {
                    let empty =
                        |s: &Option<Vec<GeneralSubtree<'_>>>| s.as_ref().is_none_or(Vec::is_empty);
                    if empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees) {
                        bad("has nameConstraints with neither permitted nor excluded subtrees (RFC 5280 4.2.1.10)".into());
                    }
                }
            }
            EKU if role == Role::Leaf && ext.critical => {
                bad("marks extendedKeyUsage critical (CA/B Forum BR 7.1.2.7.10)".into());
            }
            _ => {}
        }
    }
}
