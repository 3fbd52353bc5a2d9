//! RFC 5280 name constraints (4.2.1.10) for the name types that matter to TLS: dNSName, iPAddress and
//! directoryName. Other name types (rfc822Name, URI) in a constraint are ignored, so a chain constrained
//! only by those is not judged on them.

use std::net::IpAddr;

use x509_parser::prelude::*;

/// The names a certificate carries that constraints apply to.
struct Names<'a> {
    dns: Vec<String>,
    ips: Vec<&'a [u8]>,
    dirs: Vec<Vec<(String, String)>>,
}

/// Checks `cert`'s names against `ca`'s nameConstraints extension; returns a description of the first
/// violation (`DNS name evil.test is outside the permitted example.com`).
pub(crate) fn check(ca: &X509Certificate<'_>, cert: &X509Certificate<'_>) -> Option<String> {
    let nc = ca.tbs_certificate.extensions().iter().find_map(|e| match e.parsed_extension() {
        ParsedExtension::NameConstraints(nc) => Some(nc),
        _ => None,
    })?;
    let names = names(cert);
    if let Some(permitted) = &nc.permitted_subtrees {
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
                    return Some(format!("DNS name {n} is outside the permitted {}", dns.join(", ")));
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
                        ips.iter().map(|c| subnet_text(c)).collect::<Vec<_>>().join(", ")
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
                    return Some(format!("directory name {} is outside the permitted subtrees", dn_text(d)));
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
                        return Some(format!("directory name {} is inside an excluded subtree", dn_text(d)));
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
    };
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
    if constraint.len() % 2 != 0 || ip.len() != half {
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
        4 => <[u8; 4]>::try_from(ip).map(|a| IpAddr::from(a).to_string()).unwrap_or_default(),
        16 => <[u8; 16]>::try_from(ip).map(|a| IpAddr::from(a).to_string()).unwrap_or_default(),
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
    d.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}
