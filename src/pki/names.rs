//! Subject names a leaf certificate covers: DNS names, wildcards (`*.example.test`) and IPv4/IPv6
//! literals, checked before anything is generated so that a typo fails with the name in the message.

use std::fmt;
use std::net::IpAddr;

use rcgen::SanType;

use super::PkiError;

/// Longest DNS name (RFC 1035, presentation form without the trailing dot).
const MAX_DNS_LEN: usize = 253;
/// Longest DNS label (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// One name a certificate is valid for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubjectName {
    /// A DNS name, lower case, without a trailing dot.
    Dns(String),
    /// A wildcard DNS name such as `*.example.test`, lower case.
    Wildcard(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl SubjectName {
    /// Parses a name as typed: an IP literal (IPv6 optionally in brackets), a wildcard, or a DNS name.
    pub fn parse(input: &str) -> Result<SubjectName, PkiError> {
        let bad = |reason: &str| PkiError::Name {
            name: input.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = input.trim();
        let unbracketed = trimmed
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .unwrap_or(trimmed);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(SubjectName::Ip(ip));
        }
        if trimmed.is_empty() {
            return Err(bad("the name is empty"));
        }
        if !trimmed.is_ascii() {
            return Err(bad(
                "not ASCII: give internationalized names in their punycode (xn--) form",
            ));
        }
        let name = trimmed
            .strip_suffix('.')
            .unwrap_or(trimmed)
            .to_ascii_lowercase();
        if name.len() > MAX_DNS_LEN {
            return Err(bad("longer than 253 characters"));
        }
        // All digits in the last label: an IPv4 address with a typo (999.1.1.1, 10.0.0), never a DNS
        // name (RFC 3696 §2: a top-level label is never all-numeric).
        if name
            .rsplit('.')
            .next()
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                "not a valid IPv4 address (four numbers 0-255 separated by dots), and not a DNS name \
                 (its last label is all digits)",
            ));
        }
        let (wildcard, rest) = match name.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, name.as_str()),
        };
        for label in rest.split('.') {
            if label.is_empty() {
                return Err(bad(
                    "has an empty label (two dots in a row, or a leading dot)",
                ));
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(bad("has a label longer than 63 characters"));
            }
            if label.contains('*') {
                return Err(bad(
                    "a wildcard must be the whole left-most label, as in *.example.test",
                ));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(bad(
                    "only letters, digits, '-' and '_' are allowed in DNS labels",
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(bad("a DNS label cannot start or end with '-'"));
            }
        }
        if wildcard {
            Ok(SubjectName::Wildcard(name))
        } else {
            Ok(SubjectName::Dns(name))
        }
    }

    /// Parses every name, failing on the first invalid one; an empty list is an error.
    pub fn parse_all<S: AsRef<str>>(inputs: &[S]) -> Result<Vec<SubjectName>, PkiError> {
        if inputs.is_empty() {
            return Err(PkiError::NoNames);
        }
        let mut out: Vec<SubjectName> = Vec::with_capacity(inputs.len());
        for input in inputs {
            let name = SubjectName::parse(input.as_ref())?;
            if !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }

    /// The subjectAltName entry for this name.
    pub fn to_san(&self) -> Result<SanType, PkiError> {
        Ok(match self {
            SubjectName::Dns(s) | SubjectName::Wildcard(s) => {
                SanType::DnsName(s.clone().try_into()?)
            }
            SubjectName::Ip(ip) => SanType::IpAddress(*ip),
        })
    }
}

impl fmt::Display for SubjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectName::Dns(s) | SubjectName::Wildcard(s) => f.write_str(s),
            SubjectName::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_every_kind_are_recognised() {
        assert_eq!(
            SubjectName::parse("Confluence.Example.TEST.").unwrap(),
            SubjectName::Dns("confluence.example.test".into())
        );
        assert_eq!(
            SubjectName::parse("*.example.test").unwrap(),
            SubjectName::Wildcard("*.example.test".into())
        );
        assert_eq!(
            SubjectName::parse("[::1]").unwrap(),
            SubjectName::Ip("::1".parse().unwrap())
        );
        assert_eq!(
            SubjectName::parse("127.0.0.1").unwrap(),
            SubjectName::Ip("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn malformed_names_are_refused_with_the_reason() {
        for (name, why) in [
            ("a..b", "empty label"),
            ("foo.*.test", "wildcard"),
            ("exämple.test", "punycode"),
            ("-a.test", "start or end"),
            ("a b.test", "only letters"),
        ] {
            let err = SubjectName::parse(name).unwrap_err().to_string();
            assert!(err.contains(why), "{name}: {err}");
        }
        assert!(matches!(
            SubjectName::parse_all::<&str>(&[]),
            Err(PkiError::NoNames)
        ));
    }
}
