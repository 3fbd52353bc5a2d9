//! Does a leaf certificate cover the host name the client connects to? Two rule sets:
//!
//! - **java**: `sun.security.util.HostnameChecker` with `TYPE_TLS` (what HTTPS endpoint identification
//!   uses). An IP literal matches IP subjectAltNames only. A DNS name must be a valid `SNIHostName`
//!   (`IDN.toASCII` with the STD3 rules: letters, digits and hyphens, so no `_`). A trailing dot is
//!   dropped first, as `X509TrustManagerImpl.checkIdentity` drops it before any comparison: TLS clients
//!   (`HttpsURLConnection`, an `SSLSocket`/`SSLEngine` asking for "HTTPS" identification) trust
//!   `www.example.com.` where the certificate names `www.example.com` (measured with both JVMs; only code
//!   that calls `HostnameChecker` itself, such as `java.net.http.HttpClient`, refuses it). It
//!   matches the DNS subjectAltNames; only when there is no DNS subjectAltName at all is the most specific
//!   subject CN used — in any string type, and refused outright when it is not in Unicode NFKC. Host and
//!   template are both compared in their `IDN.toUnicode(IDN.toASCII(…))` form (`idn.rs`), so a Unicode host
//!   matches a punycode name and a wildcard never matches part of an A-label. Templates are compared label
//!   by label with the same number of labels, and `*` may appear inside a label (`f*.example.com`) and, up
//!   to JDK 24, in *any* label (`matchAllWildcards`: `www.*.example.com`); JDK 25 accepts it in the
//!   left-most label only (measured with both JVMs). A template that is `*`, ends in `.*`, has no dot
//!   after its last `*`, is not itself a valid `SNIHostName` once `*` is replaced by `z` (a trailing dot,
//!   an underscore), or — for chains anchored at a JDK-bundled root — wildcards a public suffix (`*.com`,
//!   `*.co.uk`) never matches.
//! - **browser**: RFC 6125 as the CA/Browser Forum applies it: subjectAltNames only (no CN fallback), a
//!   wildcard only as the whole left-most label, matching exactly one label, never for an IP address.

use std::net::IpAddr;

use unicode_normalization::is_nfkc;
use x509_parser::prelude::*;

use super::{idn, x500};
use crate::cert::CertInfo;

/// A host name as the client holds it: an IP address or a DNS name (ASCII letters lower-cased; a trailing
/// dot kept, which the JVM's trust manager and browsers drop before comparing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// An IP literal.
    Ip(IpAddr),
    /// A DNS name.
    Dns(String),
}

impl Host {
    /// Classifies `host` (IPv6 may be bracketed).
    pub fn parse(host: &str) -> Host {
        let trimmed = host.trim_start_matches('[').trim_end_matches(']');
        match trimmed.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Dns(host.to_ascii_lowercase()),
        }
    }
}

/// The names a certificate offers, for messages: DNS SANs, IP SANs, and the CN when the rule uses it.
pub(crate) fn offered_names(info: &CertInfo, with_cn: bool) -> String {
    let mut names: Vec<String> = info.dns_names.clone();
    names.extend(info.ip_addresses.iter().cloned());
    if with_cn
        && info.dns_names.is_empty()
        && let Some(cn) = &info.common_name
    {
        names.push(format!("CN={cn}"));
    }
    if names.is_empty() {
        "no names".to_owned()
    } else {
        names.join(", ")
    }
}

/// The DNS subjectAltNames of a certificate as the JDK reads them (`DerValue.getIA5String`: US-ASCII,
/// each byte above 0x7F a U+FFFD), including those x509-parser could not read as text.
pub(crate) fn java_dns_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Some(san) =
        cert.tbs_certificate
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => Some(san),
                _ => None,
            })
    else {
        return Vec::new();
    };
    san.general_names
        .iter()
        .filter_map(|g| match g {
            GeneralName::DNSName(d) => Some(x500::ia5(d.as_bytes())),
            GeneralName::Invalid(tag, bytes) if tag.0 == 2 => Some(x500::ia5(bytes)),
            _ => None,
        })
        .collect()
}

/// Java's rule. `dns_names` are the DNS subjectAltNames as [`java_dns_names`] reads them; `cn` is the most
/// specific (last) CN of the subject; `public_ca` says whether the chain is anchored at a JDK-bundled
/// root; `leftmost_only` is JDK 25's rule for wildcards.
pub(crate) fn java_matches(
    host: &Host,
    info: &CertInfo,
    dns_names: &[String],
    cn: Option<&str>,
    public_ca: bool,
    leftmost_only: bool,
) -> bool {
    match host {
        Host::Ip(ip) => ip_matches(ip, &info.ip_addresses),
        Host::Dns(name) => {
            // checkIdentity drops one trailing dot; then `new SNIHostName(expectedName)` must accept it.
            let name = name.strip_suffix('.').unwrap_or(name);
            if !idn::valid_sni_host_name(name) {
                return false;
            }
            if !dns_names.is_empty() {
                return dns_names
                    .iter()
                    .any(|t| java_template_matches(name, t, public_ca, leftmost_only));
            }
            // A CN that is not in NFKC makes the check fail ("Not a formal name").
            cn.is_some_and(|cn| {
                is_nfkc(cn) && java_template_matches(name, cn, public_ca, leftmost_only)
            })
        }
    }
}

/// The browser rule.
pub(crate) fn browser_matches(host: &Host, info: &CertInfo) -> bool {
    match host {
        Host::Ip(ip) => ip_matches(ip, &info.ip_addresses),
        Host::Dns(name) => {
            let name = name.strip_suffix('.').unwrap_or(name);
            info.dns_names
                .iter()
                .any(|t| browser_template_matches(name, t))
        }
    }
}

/// Why the JVM refuses `host` before comparing it with any name (`new SNIHostName(host)` throws in
/// `HostnameChecker.matchDNS`), if it does.
pub(crate) fn java_refuses_host(host: &Host) -> Option<&'static str> {
    match host {
        Host::Dns(name) if !idn::valid_sni_host_name(name.strip_suffix('.').unwrap_or(name)) => {
            Some(
                "not a valid host name (SNIHostName: letters, digits and hyphens in each label, no empty label)",
            )
        }
        _ => None,
    }
}

fn ip_matches(ip: &IpAddr, sans: &[String]) -> bool {
    sans.iter()
        .any(|s| s.parse::<IpAddr>().is_ok_and(|a| a == *ip))
}

/// `HostnameChecker.isMatched(name, template, chainsToPublicCA)` for `TYPE_TLS`: JDK 17 matches every
/// label (`matchAllWildcards`), JDK 25 the left-most label only (`matchLeftmostWildcard`).
pub(crate) fn java_template_matches(
    name: &str,
    template: &str,
    public_ca: bool,
    leftmost_only: bool,
) -> bool {
    // Both normalised to Unicode (the public suffix list is in Unicode); any IDN failure is no match.
    let (Ok(name), Ok(template)) = (idn::to_ascii(name, false), idn::to_ascii(template, false))
    else {
        return false;
    };
    let (name, template) = (idn::to_unicode(&name), idn::to_unicode(&template));
    if java_illegal_wildcard(&template, public_ca) {
        return false;
    }
    // `new SNIHostName(template.replace('*', 'z'))` must accept the template.
    if !idn::valid_sni_host_name(&template.replace('*', "z")) {
        return false;
    }
    // `toLowerCase(Locale.ENGLISH)`.
    let (name, template) = (name.to_lowercase(), template.to_lowercase());
    if leftmost_only {
        let t = template.find('.').unwrap_or(template.len());
        let n = name.find('.').unwrap_or(name.len());
        return java_label_matches(&name[..n], &template[..t]) && template[t..] == name[n..];
    }
    // StringTokenizer drops empty tokens.
    let n: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
    let t: Vec<&str> = template.split('.').filter(|l| !l.is_empty()).collect();
    n.len() == t.len() && n.iter().zip(&t).all(|(n, t)| java_label_matches(n, t))
}

/// `HostnameChecker.hasIllegalWildcard`.
fn java_illegal_wildcard(template: &str, public_ca: bool) -> bool {
    if template == "*" || template == "*." {
        return true;
    }
    let Some(last) = template.rfind('*') else {
        return false;
    };
    let after = &template[last..];
    let Some(dot) = after.find('.') else {
        return true;
    };
    if !public_ca {
        return false;
    }
    is_public_suffix(&after[dot + 1..])
}

/// A small stand-in for the JDK's public suffix list (`RegisteredDomain`): single-label TLDs and the common
/// two-label registries. Only used for chains anchored at public roots, which do not issue such wildcards.
fn is_public_suffix(domain: &str) -> bool {
    const TWO_LABEL: &[&str] = &[
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "ne.jp",
        "or.jp", "co.nz", "com.br", "com.cn", "com.mx", "co.in", "co.za", "com.tr", "co.kr",
    ];
    !domain.contains('.') || TWO_LABEL.contains(&domain)
}

/// `HostnameChecker.matchWildCards` for one label.
fn java_label_matches(name: &str, template: &str) -> bool {
    let Some(mut idx) = template.find('*') else {
        return name == template;
    };
    let mut name = name;
    let mut after = template;
    let mut beginning = true;
    loop {
        let before = &after[..idx];
        after = &after[idx + 1..];
        let Some(start) = name.find(before) else {
            return false;
        };
        if beginning && start != 0 {
            return false;
        }
        beginning = false;
        name = &name[start + before.len()..];
        match after.find('*') {
            Some(i) => idx = i,
            None => break,
        }
    }
    name.ends_with(after)
}

fn browser_template_matches(name: &str, template: &str) -> bool {
    let template = template.trim_end_matches('.').to_ascii_lowercase();
    if let Some(rest) = template.strip_prefix("*.") {
        if rest.contains('*') || !rest.contains('.') {
            return false;
        }
        match name.split_once('.') {
            Some((first, tail)) => !first.is_empty() && tail == rest,
            None => false,
        }
    } else {
        !template.contains('*') && name == template
    }
}

/// Whether `info`'s subjectAltNames cover `name` by the Web PKI rule (no CN fallback), as a browser
/// reaching the deployment by that name checks it.
pub fn san_covers(info: &CertInfo, name: &str) -> bool {
    browser_matches(&Host::parse(name), info)
}

/// The names a certificate offers (DNS and IP subjectAltNames), for messages.
pub fn san_names(info: &CertInfo) -> String {
    offered_names(info, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jm(name: &str, t: &str) -> bool {
        java_template_matches(name, t, false, false)
    }

    #[test]
    fn jdk25_accepts_wildcards_in_the_left_most_label_only() {
        assert!(java_template_matches(
            "foo1.example.com",
            "foo*.example.com",
            false,
            true
        ));
        assert!(!java_template_matches(
            "www.bar.example.com",
            "www.*.example.com",
            false,
            true
        ));
    }

    #[test]
    fn java_wildcards_match_one_label_anywhere_and_inside_labels() {
        assert!(jm("www.example.com", "*.example.com"));
        assert!(!jm("example.com", "*.example.com"));
        assert!(!jm("a.b.example.com", "*.example.com"));
        assert!(jm("foo1.example.com", "foo*.example.com"));
        assert!(jm("www.bar.example.com", "www.*.example.com"));
        assert!(!jm("www.example.com", "*"));
        assert!(!jm("com", "*com"));
        assert!(jm("www.example.com", "WWW.Example.COM"));
    }

    #[test]
    fn java_refuses_public_suffix_wildcards_only_under_public_roots() {
        assert!(java_template_matches("example.com", "*.com", false, false));
        assert!(!java_template_matches("example.com", "*.com", true, false));
        assert!(!java_template_matches(
            "example.co.uk",
            "*.co.uk",
            true,
            false
        ));
    }

    #[test]
    fn a_unicode_host_and_an_a_label_are_one_name_and_wildcards_match_the_unicode_form() {
        assert!(jm("bücher.example", "xn--bcher-kva.example"));
        assert!(jm("BÜCHER.example", "xn--bcher-kva.example"));
        assert!(jm("xn--bcher-kva.example", "XN--BCHER-KVA.example"));
        assert!(jm("faß.example", "fass.example"));
        // A wildcard is matched against the Unicode form of an A-label, never part of the A-label.
        assert!(!jm("xn--bcher-kva.example", "x*.example"));
        assert!(!jm("xn--bcher-kva.example", "xn--*.example"));
        assert!(jm("xn--bcher-kva.example", "b*.example"));
        assert!(jm("www.bücher.example", "*.xn--bcher-kva.example"));
        // An IDNA 2008 A-label that IDNA 2003 would spell otherwise stays an A-label.
        assert!(!jm("xn--fa-hia.example", "fass.example"));
    }

    /// The summary of a certificate without subjectAltNames (the IP names come from it).
    fn no_names() -> CertInfo {
        let key = rcgen::KeyPair::generate().unwrap();
        crate::chain::testkit::self_signed(&crate::chain::testkit::params("x"), &key)
            .info()
            .clone()
    }

    /// Java's rule for `host` against these DNS subjectAltNames or, without them, this CN.
    fn java(host: &str, dns: &[&str], cn: Option<&str>) -> bool {
        let dns: Vec<String> = dns.iter().map(|d| (*d).to_owned()).collect();
        java_matches(&Host::parse(host), &no_names(), &dns, cn, false, false)
    }

    #[test]
    fn names_that_are_not_valid_sni_host_names_never_match() {
        // The trust manager's checkIdentity drops a host's trailing dot, as browsers do.
        assert!(java("www.example.test.", &["www.example.test"], None));
        assert!(java_refuses_host(&Host::parse("www.example.test.")).is_none());
        assert!(!java("www.example.test..", &["www.example.test"], None));
        assert!(browser_matches(
            &Host::parse("www.example.test."),
            &crate::chain::testkit::self_signed(
                &crate::chain::testkit::leaf_params(&["www.example.test"]),
                &rcgen::KeyPair::generate().unwrap()
            )
            .info()
            .clone()
        ));
        // An underscore is not an LDH character: the host is refused before any name is compared.
        assert!(!java(
            "foo_bar.example.test",
            &["foo_bar.example.test"],
            None
        ));
        // A template with a trailing dot is not a valid SNIHostName either.
        assert!(!java("www.example.test", &["www.example.test."], None));
        // Nor is a name read with U+FFFD for the UTF-8 bytes of an IA5String (`java_dns_names`).
        assert!(!java(
            "www.bücher.example",
            &["*.b\u{fffd}\u{fffd}cher.example"],
            None
        ));
        assert!(java(
            "www.bücher.example",
            &["*.xn--bcher-kva.example"],
            None
        ));
    }

    #[test]
    fn the_cn_fallback_refuses_a_cn_that_is_not_in_nfkc() {
        assert!(java("www.example.test", &[], Some("www.example.test")));
        // U+FF57 FULLWIDTH LATIN SMALL LETTER W is NFKC-normalised to "w": the CN is not a formal name.
        assert!(!java(
            "www.example.test",
            &[],
            Some("\u{ff57}ww.example.test")
        ));
        // With a DNS subjectAltName the CN is not looked at.
        assert!(!java(
            "www.example.test",
            &["other.example.test"],
            Some("www.example.test")
        ));
    }

    #[test]
    fn dns_names_are_read_as_the_jdk_reads_an_ia5_string() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut p = crate::chain::testkit::params("x");
        let raw = "b\u{fc}cher.example".as_bytes();
        let mut names = crate::chain::testkit::tlv(0x82, raw);
        names.extend(crate::chain::testkit::tlv(0x82, b"www.example.test"));
        p.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
            &[2, 5, 29, 17],
            crate::chain::testkit::tlv(0x30, &names),
        )];
        let cert = crate::chain::testkit::self_signed(&p, &key);
        let parsed = cert.parsed().unwrap();
        assert_eq!(
            java_dns_names(&parsed),
            ["b\u{fffd}\u{fffd}cher.example", "www.example.test"]
        );
    }

    #[test]
    fn the_cn_fallback_reads_a_cn_in_any_string_type() {
        use crate::chain::testkit::{self, RawCert, judge, name};
        let key = rcgen::KeyPair::generate().unwrap();
        let root = RawCert {
            extensions: vec![testkit::ca_extension()],
            ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("Root"))
        }
        .sign(&key, &key);
        let host = "www.example.test";
        let bmp: Vec<u8> = host.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let universal: Vec<u8> = host
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        for (tag, value) in [
            (0x1e, bmp),
            (0x1c, universal),
            (0x14, host.as_bytes().to_vec()),
        ] {
            let leaf = RawCert::new(
                testkit::cn_name("Root"),
                name(&[&[("2.5.4.3", tag, &value)]]),
            )
            .sign(&rcgen::KeyPair::generate().unwrap(), &key);
            for major in [17, 25] {
                let d = judge(
                    std::slice::from_ref(&leaf),
                    std::slice::from_ref(&root),
                    Some(host),
                    major,
                );
                assert!(d.trusted, "tag {tag:#x}, JDK {major}: {:?}", d.java.reason);
            }
        }
    }

    #[test]
    fn browsers_accept_only_a_whole_left_most_wildcard_label() {
        assert!(browser_template_matches("www.example.com", "*.example.com"));
        assert!(!browser_template_matches(
            "foo1.example.com",
            "foo*.example.com"
        ));
        assert!(!browser_template_matches(
            "www.bar.example.com",
            "www.*.example.com"
        ));
        assert!(!browser_template_matches("example.com", "*.com"));
    }
}
