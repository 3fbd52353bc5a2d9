//! RFC 5280 name constraints (4.2.1.10) for dNSName, iPAddress, directoryName, and — for the java
//! profile, as the JDK's `NameConstraintsExtension` does — rfc822Name (also the subject's emailAddress
//! attributes) and uniformResourceIdentifier; Chrome's verifier leaves those two alone. Other name types
//! in a constraint are ignored. The number of comparisons (DNS, IP and directory subjectAltNames times subtrees of those types) per
//! check is capped at 2^20, BoringSSL's limit (`pki/name_constraints.cc`, which Chrome uses), so a
//! certificate with thousands of names and constraints is refused rather than checked for ever.

use std::net::IpAddr;

use x509_parser::prelude::*;

/// The names a certificate carries that constraints apply to.
struct Names<'a> {
    dns: Vec<String>,
    ips: Vec<&'a [u8]>,
    dirs: Vec<Vec<(String, String)>>,
    emails: Vec<String>,
    uris: Vec<String>,
}

/// The comparison cap (see the module documentation).
const MAX_COMPARISONS: usize = 1 << 20;

/// Checks `cert`'s names against `ca`'s nameConstraints extension; returns a description of the first
/// violation (`DNS name evil.test is outside the permitted example.com`).
pub(crate) fn check(
    ca: &X509Certificate<'_>,
    cert: &X509Certificate<'_>,
    mail_and_uri: bool,
) -> Option<String> {
    let nc = ca
        .tbs_certificate
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::NameConstraints(nc) => Some(nc),
            _ => None,
        })?;
    let mut names = names(cert);
    if !mail_and_uri {
        names.emails.clear();
        names.uris.clear();
    }
    // BoringSSL counts dNSName, iPAddress and directoryName entries only.
    let counted = |g: &GeneralName<'_>| {
        matches!(
            g,
            GeneralName::DNSName(_) | GeneralName::IPAddress(_) | GeneralName::DirectoryName(_)
        )
    };
    let subtrees = nc
        .permitted_subtrees
        .iter()
        .chain(nc.excluded_subtrees.iter())
        .flatten()
        .filter(|s| counted(&s.base))
        .count();
    let san_names = cert
        .tbs_certificate
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                Some(san.general_names.iter().filter(|g| counted(g)).count())
            }
            _ => None,
        })
        .unwrap_or(0);
    let comparisons = san_names.saturating_mul(subtrees);
    if comparisons > MAX_COMPARISONS {
        return Some(format!(
            "{san_names} subjectAltNames against {subtrees} name-constraint subtrees is more than the {MAX_COMPARISONS} comparisons allowed"
        ));
    }
    let has_dns_constraint = nc
        .permitted_subtrees
        .iter()
        .chain(nc.excluded_subtrees.iter())
        .flatten()
        .any(|s| matches!(s.base, GeneralName::DNSName(_)));
    if has_dns_constraint && let Some(bad) = names.dns.iter().find(|n| !valid_dns_name(n)) {
        return Some(format!(
            "DNS name {bad:?} is malformed and cannot be checked against the constraints"
        ));
    }
    if let Some(permitted) = &nc.permitted_subtrees {
        for (kind, list, matcher) in [
            (
                "email address",
                &names.emails,
                email_matches as fn(&str, &str) -> bool,
            ),
            ("URI", &names.uris, uri_matches as fn(&str, &str) -> bool),
        ] {
            let cs: Vec<&str> = permitted
                .iter()
                .filter_map(|s| match (&s.base, kind) {
                    (GeneralName::RFC822Name(c), "email address") => Some(*c),
                    (GeneralName::URI(c), "URI") => Some(*c),
                    _ => None,
                })
                .collect();
            if !cs.is_empty()
                && let Some(n) = list.iter().find(|n| !cs.iter().any(|c| matcher(n, c)))
            {
                return Some(format!(
                    "{kind} {n} is outside the permitted {}",
                    cs.join(", ")
                ));
            }
        }
        let dns: Vec<&str> = permitted
            .iter()
            .filter_map(|s| match &s.base {
                GeneralName::DNSName(d) => Some(*d),
                _ => None,
            })
            .collect();
        if !dns.is_empty() {
            for n in &names.dns {
                if !dns.iter().any(|c| dns_matches(n, c)) {
                    return Some(format!(
                        "DNS name {n} is outside the permitted {}",
                        dns.join(", ")
                    ));
                }
            }
        }
        let ips: Vec<&[u8]> = permitted
            .iter()
            .filter_map(|s| match &s.base {
                GeneralName::IPAddress(b) => Some(*b),
                _ => None,
            })
            .collect();
        if !ips.is_empty() {
            for ip in &names.ips {
                if !ips.iter().any(|c| ip_matches(ip, c)) {
                    return Some(format!(
                        "IP address {} is outside the permitted {}",
                        ip_text(ip),
                        ips.iter()
                            .map(|c| subnet_text(c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        let dirs: Vec<Vec<(String, String)>> = permitted
            .iter()
            .filter_map(|s| match &s.base {
                GeneralName::DirectoryName(n) => Some(rdns(n)),
                _ => None,
            })
            .collect();
        if !dirs.is_empty() {
            for d in &names.dirs {
                if !dirs.iter().any(|c| d.starts_with(c)) {
                    return Some(format!(
                        "directory name {} is outside the permitted subtrees",
                        dn_text(d)
                    ));
                }
            }
        }
    }
    if let Some(excluded) = &nc.excluded_subtrees {
        for s in excluded {
            match &s.base {
                GeneralName::DNSName(c) => {
                    if let Some(n) = names.dns.iter().find(|n| dns_matches(n, c)) {
                        return Some(format!("DNS name {n} is inside the excluded {c}"));
                    }
                }
                GeneralName::IPAddress(c) => {
                    if let Some(ip) = names.ips.iter().find(|ip| ip_matches(ip, c)) {
                        return Some(format!(
                            "IP address {} is inside the excluded {}",
                            ip_text(ip),
                            subnet_text(c)
                        ));
                    }
                }
                GeneralName::DirectoryName(c) => {
                    let c = rdns(c);
                    if let Some(d) = names.dirs.iter().find(|d| d.starts_with(&c)) {
                        return Some(format!(
                            "directory name {} is inside an excluded subtree",
                            dn_text(d)
                        ));
                    }
                }
                GeneralName::RFC822Name(c) => {
                    if let Some(n) = names.emails.iter().find(|n| email_matches(n, c)) {
                        return Some(format!("email address {n} is inside the excluded {c}"));
                    }
                }
                GeneralName::URI(c) => {
                    if let Some(n) = names.uris.iter().find(|n| uri_matches(n, c)) {
                        return Some(format!("URI {n} is inside the excluded {c}"));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn names<'a>(cert: &'a X509Certificate<'_>) -> Names<'a> {
    let mut names = Names {
        dns: Vec::new(),
        ips: Vec::new(),
        dirs: Vec::new(),
        emails: Vec::new(),
        uris: Vec::new(),
    };
    for a in cert.tbs_certificate.subject.iter_attributes() {
        if a.attr_type().to_id_string() == "1.2.840.113549.1.9.1"
            && let Ok(e) = a.as_str()
        {
            names.emails.push(e.to_owned());
        }
    }
    let subject = rdns(&cert.tbs_certificate.subject);
    if !subject.is_empty() {
        names.dirs.push(subject);
    }
    for e in cert.tbs_certificate.extensions() {
        if let ParsedExtension::SubjectAlternativeName(san) = e.parsed_extension() {
            for n in &san.general_names {
                match n {
                    GeneralName::DNSName(d) => names.dns.push(d.to_ascii_lowercase()),
                    GeneralName::IPAddress(b) => names.ips.push(b),
                    GeneralName::DirectoryName(d) => names.dirs.push(rdns(d)),
                    GeneralName::RFC822Name(e) => names.emails.push((*e).to_owned()),
                    GeneralName::URI(u) => names.uris.push((*u).to_owned()),
                    _ => {}
                }
            }
        }
    }
    names
}

/// RFC 5280: `example.com` covers itself and its subdomains, `.example.com` only subdomains.
fn dns_matches(name: &str, constraint: &str) -> bool {
    let c = constraint.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    if c.is_empty() {
        return true;
    }
    if let Some(sub) = c.strip_prefix('.') {
        return name.ends_with(&format!(".{sub}"));
    }
    // A wildcard SAN is compared as written (`*.example.com` is under `example.com`).
    name == c || name.ends_with(&format!(".{c}"))
}

fn ip_matches(ip: &[u8], constraint: &[u8]) -> bool {
    let half = constraint.len() / 2;
    if !constraint.len().is_multiple_of(2) || ip.len() != half {
        return false;
    }
    let (addr, mask) = constraint.split_at(half);
    ip.iter()
        .zip(addr)
        .zip(mask)
        .all(|((i, a), m)| i & m == a & m)
}

fn ip_text(ip: &[u8]) -> String {
    match ip.len() {
        4 => <[u8; 4]>::try_from(ip)
            .map(|a| IpAddr::from(a).to_string())
            .unwrap_or_default(),
        16 => <[u8; 16]>::try_from(ip)
            .map(|a| IpAddr::from(a).to_string())
            .unwrap_or_default(),
        _ => hex::encode(ip),
    }
}

fn subnet_text(c: &[u8]) -> String {
    let half = c.len() / 2;
    let (addr, mask) = c.split_at(half);
    let bits: u32 = mask.iter().map(|b| b.count_ones()).sum();
    format!("{}/{bits}", ip_text(addr))
}

/// The RDNs of a name as (type OID, lower-cased trimmed value) pairs, in order.
fn rdns(name: &X509Name<'_>) -> Vec<(String, String)> {
    name.iter_attributes()
        .map(|a| {
            let value = a
                .as_str()
                .map(|s| s.trim().to_lowercase())
                .unwrap_or_else(|_| hex::encode(a.attr_value().data));
            (a.attr_type().to_id_string(), value)
        })
        .collect()
}

fn dn_text(d: &[(String, String)]) -> String {
    d.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// RFC 5280: `user@host` is one mailbox, `host` every mailbox on that host, `.domain` every mailbox on a
/// host under that domain.
fn email_matches(email: &str, constraint: &str) -> bool {
    let email = email.to_ascii_lowercase();
    let c = constraint.to_ascii_lowercase();
    if c.contains('@') {
        return email == c;
    }
    let Some((_, host)) = email.rsplit_once('@') else {
        return false;
    };
    if c.starts_with('.') {
        host.ends_with(&c)
    } else {
        host == c
    }
}

/// RFC 5280: the URI's host equals the constraint, or (for `.domain`) lies under it.
fn uri_matches(uri: &str, constraint: &str) -> bool {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host_port
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let c = constraint.to_ascii_lowercase();
    if host.is_empty() {
        return false;
    }
    if c.starts_with('.') {
        host.ends_with(&c)
    } else {
        host == c
    }
}

/// A DNS name (optionally with a left-most `*` label) made of letters, digits, hyphens and underscores.
fn valid_dns_name(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}
