//! RFC 5280 name constraints (4.2.1.10), by two rule sets.
//!
//! **browser** ([`check`]): dNSName, iPAddress and directoryName, as Chrome's verifier (BoringSSL's
//! `pki/name_constraints.cc`) applies them: other name types in a constraint are ignored; a malformed DNS
//! subjectAltName under a DNS constraint is refused; and the number of comparisons (DNS, IP and directory
//! subjectAltNames times subtrees of those types) per check is capped at 2^20, so a certificate with
//! thousands of names and constraints is refused rather than checked for ever.
//!
//! **java** ([`check_java`]): the JDK's `NameConstraintsExtension.verify(X509Certificate)`, name by name
//! with each name type's `constrains` (`DNSName`, `IPAddressName`, `X500Name`, `RFC822Name`), no cap on
//! the number of names, and no judgement of a name's syntax beyond what its comparison does (an
//! underscore or an empty label in a DNS name is compared as written, an 8-byte iPAddress is a subnet).
//! The names checked are the subject (when not empty), every subjectAltName, the subject's emailAddress
//! attributes when there is no subjectAltName extension at all, and the most specific CN: as an IP
//! address when it is an IP literal and there is no IP name, else as a DNS name when there is no DNS
//! name and it is one. The JDKs differ (each measured with the real JVMs):
//!
//! - JDK 17 from 17.0.20 (17.0.21.1; [`crate::cert::jdk::Change::Parser17u20`]) takes the CN as a DNS name when `new DNSName(cn.replace('*', 'z'))` accepts it
//!   (labels of letters, digits and inner hyphens, 63 characters at most, 253 in all), keeping a `*`;
//!   matches a wildcard DNS name against an excluded subtree as a host name template
//!   (`*.example.com` is inside an excluded `bad.example.com`); and reads an IPv4-mapped IPv6 address
//!   (`::ffff:192.168.1.1`) as the IPv4 address.
//! - JDK 25 (25.0.3), and JDK 17 before 17.0.20 (17.0.15, 17.0.19: their `NameConstraintsExtension`
//!   has no `replace('*', 'z')`, their `DNSName` neither length nor hyphen checks, `DNSName.constrains`
//!   no wildcard form and `IPAddressName` no IPv4-mapped form), take the CN when `new DNSName(cn)`
//!   accepts it (no `*`; each label starts with a letter or digit, any length), compare wildcard names
//!   literally, and keep IPv4-mapped addresses as IPv6.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use x509_parser::prelude::*;

use super::hostname;
use super::x500::{self, JavaName};
use crate::cert::jdk::Jdk;

/// The names a certificate carries that the browser rule constrains.
struct Names<'a> {
    dns: Vec<String>,
    ips: Vec<&'a [u8]>,
    dirs: Vec<Vec<(String, String)>>,
}

/// The comparison cap (see the module documentation).
const MAX_COMPARISONS: usize = 1 << 20;

/// `ca`'s nameConstraints extension, when it has one.
fn name_constraints_of<'a>(ca: &'a X509Certificate<'_>) -> Option<&'a NameConstraints<'a>> {
    ca.tbs_certificate
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::NameConstraints(nc) => Some(nc),
            _ => None,
        })
}

/// The browser rule: checks `cert`'s names against `ca`'s nameConstraints extension; returns a
/// description of the first violation (`DNS name evil.test is outside the permitted example.com`).
pub(crate) fn check(ca: &X509Certificate<'_>, cert: &X509Certificate<'_>) -> Option<String> {
    let nc = name_constraints_of(ca)?;
    let names = names(cert);
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
        let (mut dns, mut ips, mut dirs) = (Vec::new(), Vec::new(), Vec::new());
        for s in permitted {
            match &s.base {
                GeneralName::DNSName(d) => dns.push(*d),
                GeneralName::IPAddress(b) => ips.push(*b),
                GeneralName::DirectoryName(n) => dirs.push(rdns(n)),
                _ => {}
            }
        }
        if let Some(n) = first_outside(&names.dns, &dns, |n, c| dns_matches(n, c)) {
            return Some(format!(
                "DNS name {n} is outside the permitted {}",
                dns.join(", ")
            ));
        }
        if let Some(ip) = first_outside(&names.ips, &ips, |ip, c| ip_matches(ip, c)) {
            let subnets: Vec<String> = ips.iter().map(|c| subnet_text(c)).collect();
            return Some(format!(
                "IP address {} is outside the permitted {}",
                ip_text(ip),
                subnets.join(", ")
            ));
        }
        if let Some(d) = first_outside(&names.dirs, &dirs, |d, c| d.starts_with(c)) {
            return Some(format!(
                "directory name {} is outside the permitted subtrees",
                dn_text(d)
            ));
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
                _ => {}
            }
        }
    }
    None
}

/// The first of `names` that none of the permitted `constraints` of its type matches; none when the
/// type has no permitted constraint, which leaves its names free.
fn first_outside<'n, N, C>(
    names: &'n [N],
    constraints: &[C],
    matches: impl Fn(&N, &C) -> bool,
) -> Option<&'n N> {
    if constraints.is_empty() {
        return None;
    }
    names
        .iter()
        .find(|n| !constraints.iter().any(|c| matches(n, c)))
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

/// What a constraint says about a name (`GeneralNameInterface.NAME_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Constrains {
    /// Another name type.
    DiffType,
    /// The name is the constraint.
    Match,
    /// The name lies within the constraint.
    Narrows,
    /// The name is wider than the constraint.
    Widens,
    /// Same type, neither within nor wider.
    SameType,
}

/// A name of the certificate as the JDK checks it.
#[derive(Debug, Clone)]
enum JavaGeneralName {
    Dns(String),
    Ip(Vec<u8>),
    Dir(JavaName),
    Email(String),
    Uri(String),
}

impl JavaGeneralName {
    fn describe(&self) -> String {
        match self {
            JavaGeneralName::Dns(d) => format!("DNS name {d}"),
            JavaGeneralName::Ip(b) => format!("IP address {}", ip_or_subnet_text(b)),
            JavaGeneralName::Dir(d) => format!("directory name {}", d.join(", ")),
            JavaGeneralName::Email(e) => format!("email address {e}"),
            JavaGeneralName::Uri(u) => format!("URI {u}"),
        }
    }
}

/// What the JDK set aside as non-critical extensions it could not decode (`cert::jdk::JdkView`), which
/// its name-constraint check then does not see.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JavaIgnored {
    /// The CA's nameConstraints: the JDK's `getNameConstraintsExtension()` is `null`, nothing is checked.
    pub name_constraints: bool,
    /// The certificate's subjectAltName: checked as a certificate without one.
    pub subject_alt_name: bool,
}

/// The java rule: `NameConstraintsExtension.verify(cert)` with `ca`'s nameConstraints (see the module
/// documentation); returns a description of the first name refused.
pub(crate) fn check_java(
    ca: &X509Certificate<'_>,
    cert: &X509Certificate<'_>,
    jdk: Jdk,
    ignored: JavaIgnored,
) -> Option<String> {
    if ignored.name_constraints {
        return None;
    }
    let nc = name_constraints_of(ca)?;
    // The JDK 17 rules above (17.0.20 and later; an older 17 has JDK 25's).
    let jdk17 = jdk.parser_17u20();
    let permitted: Vec<JavaGeneralName> = nc
        .permitted_subtrees
        .iter()
        .flatten()
        .filter_map(|s| constraint_name(&s.base, jdk17))
        .collect();
    let excluded: Vec<JavaGeneralName> = nc
        .excluded_subtrees
        .iter()
        .flatten()
        .filter_map(|s| constraint_name(&s.base, jdk17))
        .collect();
    let (permitted_text, excluded_text) = (subtrees_text(&permitted), subtrees_text(&excluded));
    for name in java_names(cert, jdk17, ignored.subject_alt_name) {
        let mut same_type = false;
        for ex in &excluded {
            match constrains(ex, &name, jdk17, true) {
                Ok(Constrains::Match | Constrains::Narrows) => {
                    return Some(format!(
                        "{} is inside the excluded {excluded_text}",
                        name.describe()
                    ));
                }
                Ok(_) => {}
                Err(why) => return Some(format!("{}: {why}", name.describe())),
            }
        }
        let mut inside = false;
        for per in &permitted {
            match constrains(per, &name, jdk17, false) {
                Ok(Constrains::DiffType) => {}
                Ok(Constrains::Widens | Constrains::SameType) => same_type = true,
                Ok(Constrains::Match | Constrains::Narrows) => {
                    inside = true;
                    break;
                }
                Err(why) => return Some(format!("{}: {why}", name.describe())),
            }
        }
        if !inside && same_type {
            return Some(format!(
                "{} is outside the permitted {permitted_text}",
                name.describe()
            ));
        }
    }
    None
}

fn subtrees_text(names: &[JavaGeneralName]) -> String {
    names
        .iter()
        .map(|n| match n {
            JavaGeneralName::Dns(d) | JavaGeneralName::Email(d) | JavaGeneralName::Uri(d) => {
                d.clone()
            }
            JavaGeneralName::Ip(b) => ip_or_subnet_text(b),
            JavaGeneralName::Dir(d) => d.join(", "),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A subtree's base name, or `None` for a name type the model does not compare (the JDK throws for some
/// of those only when a certificate name of the same type meets them).
fn constraint_name(g: &GeneralName<'_>, jdk17: bool) -> Option<JavaGeneralName> {
    Some(match g {
        GeneralName::DNSName(d) => JavaGeneralName::Dns(x500::ia5(d.as_bytes())),
        GeneralName::IPAddress(b) => JavaGeneralName::Ip(ip_address_name(b, jdk17)?),
        GeneralName::DirectoryName(n) => JavaGeneralName::Dir(x500::java_name(n)),
        GeneralName::RFC822Name(e) => JavaGeneralName::Email(x500::ia5(e.as_bytes())),
        GeneralName::URI(u) => JavaGeneralName::Uri(x500::ia5(u.as_bytes())),
        _ => return None,
    })
}

/// `new IPAddressName(byte[])`: 4 or 8 bytes (an IPv4 address or subnet), 16 or 32 (IPv6); JDK 17 reads
/// an IPv4-mapped IPv6 address or subnet as IPv4.
fn ip_address_name(b: &[u8], jdk17: bool) -> Option<Vec<u8>> {
    let mapped = |a: &[u8]| a[..10].iter().all(|&x| x == 0) && a[10] == 0xff && a[11] == 0xff;
    match b.len() {
        4 | 8 => Some(b.to_vec()),
        16 if jdk17 && mapped(b) => Some(b[12..].to_vec()),
        32 if jdk17 && mapped(&b[..16]) => {
            let mut v = b[12..16].to_vec();
            v.extend_from_slice(&b[28..32]);
            Some(v)
        }
        16 | 32 => Some(b.to_vec()),
        _ => None,
    }
}

/// The names `NameConstraintsExtension.verify(X509Certificate)` checks.
fn java_names(cert: &X509Certificate<'_>, jdk17: bool, san_ignored: bool) -> Vec<JavaGeneralName> {
    let tbs = &cert.tbs_certificate;
    let mut out = Vec::new();
    let subject = x500::java_name(&tbs.subject);
    if !subject.is_empty() {
        out.push(JavaGeneralName::Dir(subject));
    }
    let san = tbs
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => Some(san),
            _ => None,
        })
        .filter(|_| !san_ignored);
    let mut alt = Vec::new();
    match san {
        Some(san) => {
            for n in &san.general_names {
                match n {
                    GeneralName::DNSName(d) => {
                        alt.push(JavaGeneralName::Dns(x500::ia5(d.as_bytes())))
                    }
                    GeneralName::IPAddress(b) => {
                        if let Some(ip) = ip_address_name(b, jdk17) {
                            alt.push(JavaGeneralName::Ip(ip));
                        }
                    }
                    GeneralName::DirectoryName(d) => {
                        alt.push(JavaGeneralName::Dir(x500::java_name(d)))
                    }
                    GeneralName::RFC822Name(e) => {
                        alt.push(JavaGeneralName::Email(x500::ia5(e.as_bytes())))
                    }
                    GeneralName::URI(u) => alt.push(JavaGeneralName::Uri(x500::ia5(u.as_bytes()))),
                    _ => {}
                }
            }
        }
        None => {
            // No subjectAltName extension: the subject's emailAddress attributes are rfc822Names
            // (those `new RFC822Name(value)` accepts).
            for e in x500::all_values(&tbs.subject, EMAIL_ADDRESS) {
                let domain = e.split_once('@').map_or(e.as_str(), |(_, d)| d);
                if !e.is_empty() && !domain.is_empty() && domain != "." {
                    alt.push(JavaGeneralName::Email(e));
                }
            }
        }
    }
    if let Some(cn) = x500::most_specific(&tbs.subject, x500::COMMON_NAME) {
        let has = |f: fn(&JavaGeneralName) -> bool| alt.iter().any(f);
        if let Some(ip) = ip_literal(&cn) {
            if !has(|n| matches!(n, JavaGeneralName::Ip(_))) {
                let bytes = match ip {
                    IpAddr::V4(a) => a.octets().to_vec(),
                    IpAddr::V6(a) => a.octets().to_vec(),
                };
                if let Some(ip) = ip_address_name(&bytes, jdk17) {
                    alt.push(JavaGeneralName::Ip(ip));
                }
            }
        } else if !has(|n| matches!(n, JavaGeneralName::Dns(_))) {
            let valid = if jdk17 {
                strict_dns_name(&cn.replace('*', "z"))
            } else {
                legacy_dns_name(&cn)
            };
            if valid {
                alt.push(JavaGeneralName::Dns(cn));
            }
        }
    }
    out.extend(alt);
    out
}

/// The emailAddress attribute type.
const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// `IPAddressUtil.isIPv4LiteralAddress || isIPv6LiteralAddress`, as the address.
fn ip_literal(s: &str) -> Option<IpAddr> {
    if let Ok(v4) = s.parse::<Ipv4Addr>() {
        return Some(IpAddr::V4(v4));
    }
    let inner = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(s);
    inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// JDK 17.0.21's `new DNSName(name)`: no blank, no leading or trailing dot, 253 characters at most,
/// labels of 1–63 letters, digits and hyphens, not starting or ending with a hyphen.
fn strict_dns_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(' ')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name.chars().count() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// JDK 25.0.3's `new DNSName(name)`: no blank, no leading or trailing dot, labels that start with a
/// letter or digit and go on with letters, digits and hyphens.
fn legacy_dns_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(' ')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name.split('.').all(|l| {
            let mut chars = l.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// `constraint.constrains(name)`; `excluded` selects JDK 17's wildcard matching of DNS names against
/// excluded subtrees. An `Err` is a name the JDK fails on with an exception (which refuses the path).
fn constrains(
    constraint: &JavaGeneralName,
    name: &JavaGeneralName,
    jdk17: bool,
    excluded: bool,
) -> Result<Constrains, &'static str> {
    use JavaGeneralName as N;
    Ok(match (constraint, name) {
        (N::Dns(c), N::Dns(n)) => dns_constrains(c, n, jdk17 && excluded)?,
        (N::Ip(c), N::Ip(n)) => ip_constrains(c, n),
        (N::Dir(c), N::Dir(n)) => dir_constrains(c, n),
        (N::Email(c), N::Email(n)) => email_constrains(c, n)?,
        (N::Uri(c), N::Uri(n)) => {
            if uri_matches(n, c) {
                Constrains::Match
            } else {
                Constrains::SameType
            }
        }
        _ => Constrains::DiffType,
    })
}

/// `DNSName.constrains(inputName, matchWildcard)` with this = `constraint`.
fn dns_constrains(
    constraint: &str,
    name: &str,
    match_wildcard: bool,
) -> Result<Constrains, &'static str> {
    let (this, input) = (constraint.to_lowercase(), name.to_lowercase());
    if input == this
        || (match_wildcard
            && input.contains('*')
            && hostname::java_template_matches(&this, &input, false, false))
    {
        return Ok(Constrains::Match);
    }
    let first = |s: &str| s.as_bytes().first().copied();
    if this.ends_with(&input) {
        // `thisName.charAt(inNdx - 1)` and `inName.charAt(0)`: the JDK throws on an empty name.
        let before = this.len() - input.len();
        let dot_before = before > 0 && this.as_bytes()[before - 1] == b'.';
        let starts = first(&input).ok_or("the JDK fails on an empty dNSName")? == b'.';
        return Ok(if dot_before ^ starts {
            Constrains::Widens
        } else {
            Constrains::SameType
        });
    }
    if input.ends_with(&this) {
        let before = input.len() - this.len();
        let dot_before = input.as_bytes()[before - 1] == b'.';
        let starts = first(&this).ok_or("the JDK fails on an empty dNSName constraint")? == b'.';
        return Ok(if dot_before ^ starts {
            Constrains::Narrows
        } else {
            Constrains::SameType
        });
    }
    Ok(Constrains::SameType)
}

/// `IPAddressName.constrains` with this = `constraint` (4/16 bytes an address, 8/32 a subnet).
fn ip_constrains(this: &[u8], other: &[u8]) -> Constrains {
    if ip_equal(this, other) {
        return Constrains::Match;
    }
    match (this.len(), other.len()) {
        (4, 4) | (16, 16) => Constrains::SameType,
        (8, 8) | (32, 32) => {
            let half = this.len() / 2;
            let (mut other_subset, mut this_subset) = (true, true);
            let (mut this_empty, mut other_empty) = (false, false);
            for i in 0..half {
                let (a, am, o, om) = (this[i], this[i + half], other[i], other[i + half]);
                if a & am != a {
                    this_empty = true;
                }
                if o & om != o {
                    other_empty = true;
                }
                if !((am & om) == am && (a & am) == (o & am)) {
                    other_subset = false;
                }
                if !((om & am) == om && (o & om) == (a & om)) {
                    this_subset = false;
                }
            }
            if this_empty || other_empty {
                match (this_empty, other_empty) {
                    (true, true) => Constrains::Match,
                    (true, false) => Constrains::Widens,
                    _ => Constrains::Narrows,
                }
            } else if other_subset {
                Constrains::Narrows
            } else if this_subset {
                Constrains::Widens
            } else {
                Constrains::SameType
            }
        }
        // The other is a subnet, this an address.
        (4, 8) | (16, 32) if in_subnet(this, other) => Constrains::Widens,
        // This is a subnet, the other an address.
        (8, 4) | (32, 16) if in_subnet(other, this) => Constrains::Narrows,
        _ => Constrains::SameType,
    }
}

/// Whether `address` lies in `subnet` (an address and its mask, each as long as `address`), as
/// `IPAddressName.constrains` compares an address with a subnet.
fn in_subnet(address: &[u8], subnet: &[u8]) -> bool {
    let half = subnet.len() / 2;
    (0..half).all(|i| address[i] & subnet[i + half] == subnet[i])
}

/// `IPAddressName.equals`: subnets compare masked addresses and masks.
fn ip_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() == 8 || a.len() == 32 {
        let half = a.len() / 2;
        (0..half).all(|i| a[i] & a[i + half] == b[i] & b[i + half]) && a[half..] == b[half..]
    } else {
        a == b
    }
}

/// `X500Name.constrains` with this = `constraint`: RDN-wise subtrees.
fn dir_constrains(this: &JavaName, input: &JavaName) -> Constrains {
    if input == this {
        Constrains::Match
    } else if input.is_empty() {
        Constrains::Widens
    } else if this.is_empty() || input.starts_with(this) {
        Constrains::Narrows
    } else if this.starts_with(input) {
        Constrains::Widens
    } else {
        Constrains::SameType
    }
}

/// `RFC822Name.constrains` with this = `constraint`.
fn email_constrains(constraint: &str, name: &str) -> Result<Constrains, &'static str> {
    let (this, input) = (constraint.to_lowercase(), name.to_lowercase());
    if input == this {
        return Ok(Constrains::Match);
    }
    if this.ends_with(&input) {
        if input.contains('@') {
            return Ok(Constrains::SameType);
        }
        if input.starts_with('.') {
            return Ok(Constrains::Widens);
        }
        let before = this.len() - input.len();
        return Ok(if before > 0 && this.as_bytes()[before - 1] == b'@' {
            Constrains::Widens
        } else {
            Constrains::SameType
        });
    }
    if input.ends_with(&this) {
        if this.contains('@') {
            return Ok(Constrains::SameType);
        }
        if this.starts_with('.') {
            return Ok(Constrains::Narrows);
        }
        let before = input.len() - this.len();
        if before == 0 {
            return Err("the JDK fails on an empty rfc822Name constraint");
        }
        return Ok(if input.as_bytes()[before - 1] == b'@' {
            Constrains::Narrows
        } else {
            Constrains::SameType
        });
    }
    Ok(Constrains::SameType)
}

/// An IP address or subnet for messages.
fn ip_or_subnet_text(b: &[u8]) -> String {
    if b.len() == 8 || b.len() == 32 {
        subnet_text(b)
    } else {
        ip_text(b)
    }
}

#[cfg(test)]
mod tests {
    use crate::cert::Certificate;
    use crate::chain::testkit::{self, judge};
    use rcgen::{CidrSubnet, DnType, GeneralSubtree, KeyPair, NameConstraints, SanType};

    /// A root, an intermediate constrained by (permitted, excluded), and a leaf from `leaf`:
    /// (root, intermediate, leaf).
    fn constrained(
        permitted: Vec<GeneralSubtree>,
        excluded: Vec<GeneralSubtree>,
        leaf: rcgen::CertificateParams,
    ) -> (Certificate, Certificate, Certificate) {
        let rk = KeyPair::generate().unwrap();
        let rp = testkit::ca_params("Root");
        let root = testkit::self_signed(&rp, &rk);
        let ik = KeyPair::generate().unwrap();
        let mut ip = testkit::ca_params("Inter NC");
        ip.name_constraints = Some(NameConstraints {
            permitted_subtrees: permitted,
            excluded_subtrees: excluded,
        });
        let inter = testkit::issued(&ip, &ik, &rp, &rk);
        let leaf = testkit::issued(&leaf, &KeyPair::generate().unwrap(), &ip, &ik);
        (root, inter, leaf)
    }

    /// The java verdict for JDK `major`, and the browser verdict.
    fn verdicts(
        (root, inter, leaf): (Certificate, Certificate, Certificate),
        major: u32,
    ) -> (bool, bool) {
        let d = judge(&[leaf, inter], &[root], None, major);
        if !d.trusted {
            assert!(
                d.java
                    .reason
                    .as_deref()
                    .unwrap_or_default()
                    .ends_with("(JDK: ConstraintsChecker: name constraints)"),
                "{:?}",
                d.java.reason
            );
        }
        (d.trusted, d.browser.trusted)
    }

    fn dns(d: &str) -> GeneralSubtree {
        GeneralSubtree::DnsName(d.to_owned())
    }

    fn cn_leaf(cn: &str) -> rcgen::CertificateParams {
        let mut p = testkit::params(cn);
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, cn);
        p
    }

    fn java(
        permitted: Vec<GeneralSubtree>,
        excluded: Vec<GeneralSubtree>,
        leaf: rcgen::CertificateParams,
        major: u32,
    ) -> bool {
        verdicts(constrained(permitted, excluded, leaf), major).0
    }

    #[test]
    fn the_jvm_constrains_the_cn_as_a_dns_name_when_the_leaf_has_no_dns_name() {
        for major in [17, 25] {
            let permitted = || vec![dns("example.com")];
            assert!(!java(permitted(), vec![], cn_leaf("www.other.com"), major));
            assert!(java(permitted(), vec![], cn_leaf("www.example.com"), major));
            assert!(!java(permitted(), vec![], cn_leaf("localhost"), major));
            // A CN that is no DNS name is not constrained.
            assert!(java(permitted(), vec![], cn_leaf("Some Server"), major));
            assert!(java(
                permitted(),
                vec![],
                cn_leaf("foo_bar.other.com"),
                major
            ));
            // With a DNS subjectAltName the CN is left alone; with only an IP one it is not.
            let mut with_dns = cn_leaf("www.other.com");
            with_dns.subject_alt_names =
                vec![SanType::DnsName("www.example.com".try_into().unwrap())];
            assert!(java(permitted(), vec![], with_dns, major));
            let mut with_ip = cn_leaf("www.other.com");
            with_ip.subject_alt_names = vec![SanType::IpAddress("10.0.0.1".parse().unwrap())];
            assert!(!java(permitted(), vec![], with_ip, major));
            // A CN that is an IP literal is constrained as an IP address.
            let subnet = GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
                "192.168.0.0".parse().unwrap(),
                16,
            ));
            assert!(!java(vec![subnet], vec![], cn_leaf("10.1.1.1"), major));
        }
    }

    #[test]
    fn jdk_17_and_jdk_25_take_different_cns_for_dns_names() {
        let permitted = || vec![dns("example.com")];
        // 17.0.21: `*` counts as a letter; 25.0.3: a wildcard is no DNS name.
        assert!(!java(permitted(), vec![], cn_leaf("*.other.com"), 17));
        assert!(java(permitted(), vec![], cn_leaf("*.other.com"), 25));
        // 17.0.21 refuses a label ending in a hyphen or longer than 63; 25.0.3 takes both.
        assert!(java(permitted(), vec![], cn_leaf("foo-.other.com"), 17));
        assert!(!java(permitted(), vec![], cn_leaf("foo-.other.com"), 25));
        let long = format!("{}.other.com", "a".repeat(64));
        assert!(java(permitted(), vec![], cn_leaf(&long), 17));
        assert!(!java(permitted(), vec![], cn_leaf(&long), 25));
    }

    #[test]
    fn jdk_17_before_17_0_20_takes_cns_and_wildcards_as_jdk_25_does() {
        use crate::cert::jdk::JavaVersion;
        let at = |permitted: Vec<GeneralSubtree>, excluded, leaf, version: &str| {
            let (root, inter, leaf) = constrained(permitted, excluded, leaf);
            let java = JavaVersion::parse(version).expect("a version");
            testkit::judge_for(&[leaf, inter], &[root], None, java, None).trusted
        };
        let permitted = || vec![dns("example.com")];
        let long = format!("{}.other.com", "a".repeat(64));
        for version in ["17.0.15", "17.0.19"] {
            assert!(at(permitted(), vec![], cn_leaf("*.other.com"), version));
            assert!(!at(permitted(), vec![], cn_leaf("foo-.other.com"), version));
            assert!(!at(permitted(), vec![], cn_leaf(&long), version));
            let wildcard = testkit::leaf_params(&["*.example.com"]);
            assert!(at(vec![], vec![dns("bad.example.com")], wildcard, version));
        }
        assert!(!at(permitted(), vec![], cn_leaf("*.other.com"), "17.0.20"));
        assert!(at(permitted(), vec![], cn_leaf(&long), "17.0.21.1"));
    }

    #[test]
    fn jdk_17_matches_a_wildcard_name_against_an_excluded_subtree() {
        let excluded = || vec![dns("bad.example.com")];
        let wildcard = || testkit::leaf_params(&["*.example.com"]);
        assert!(!java(vec![], excluded(), wildcard(), 17));
        assert!(java(vec![], excluded(), wildcard(), 25));
        assert!(java(
            vec![],
            excluded(),
            testkit::leaf_params(&["good.example.com"]),
            17
        ));
    }

    #[test]
    fn the_jvm_compares_names_as_written_and_without_a_cap_unlike_browsers() {
        for major in [17, 25] {
            let permitted = || vec![dns("example.com")];
            // An empty label: malformed for browsers, a name under example.com for the JVM.
            let c = constrained(
                permitted(),
                vec![],
                testkit::leaf_params(&["foo..example.com"]),
            );
            assert_eq!(verdicts(c, major), (true, false));
            assert!(java(
                permitted(),
                vec![],
                testkit::leaf_params(&["bad_name.example.com"]),
                major
            ));
            assert!(!java(
                permitted(),
                vec![],
                testkit::leaf_params(&["foo.example.com."]),
                major
            ));
            assert!(!java(
                permitted(),
                vec![],
                testkit::leaf_params(&["bad_name.other.com"]),
                major
            ));
        }
        // 1,025 names against 1,024 subtrees: past BoringSSL's 2^20 comparisons, fine for the JVM.
        let names: Vec<String> = (0..1025).map(|i| format!("h{i}.example.com")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut subtrees = vec![dns("example.com")];
        subtrees.extend((0..1023).map(|i| dns(&format!("s{i}.other.org"))));
        let c = constrained(subtrees, vec![], testkit::leaf_params(&refs));
        assert_eq!(verdicts(c, 17), (true, false));
    }

    #[test]
    fn an_eight_byte_ip_name_is_a_subnet_and_jdk_17_reads_mapped_ipv6_as_ipv4() {
        let subnet = || {
            vec![
                GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
                    "192.168.0.0".parse().unwrap(),
                    16,
                )),
                dns("example.com"),
            ]
        };
        let mut san = testkit::tlv(0x82, b"www.example.com");
        san.extend([0x87, 0x08, 192, 168, 1, 0, 255, 255, 255, 0]);
        let mut subnet_leaf = testkit::leaf_params(&[]);
        subnet_leaf.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
            &[2, 5, 29, 17],
            testkit::tlv(0x30, &san),
        )];
        assert!(java(subnet(), vec![], subnet_leaf, 17));
        let mut mapped = testkit::leaf_params(&["www.example.com"]);
        mapped
            .subject_alt_names
            .push(SanType::IpAddress("::ffff:192.168.1.1".parse().unwrap()));
        assert!(java(subnet(), vec![], mapped.clone(), 17));
        assert!(!java(subnet(), vec![], mapped, 25));
    }

    #[test]
    fn the_subject_email_is_an_rfc822_name_only_without_a_subject_alt_name() {
        let email = || vec![GeneralSubtree::Rfc822Name("example.com".into())];
        let with_email = |mut p: rcgen::CertificateParams| {
            p.distinguished_name.push(
                DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
                rcgen::DnValue::Ia5String("a@other.com".try_into().unwrap()),
            );
            p
        };
        assert!(java(
            email(),
            vec![],
            with_email(testkit::leaf_params(&["www.example.com"])),
            17
        ));
        assert!(!java(email(), vec![], with_email(cn_leaf("x")), 17));
    }
}
