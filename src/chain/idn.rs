//! Internationalized host names as the JDK handles them: `java.net.IDN` (IDNA 2003: RFC 3490 ToASCII and
//! ToUnicode, with the RFC 3491 Nameprep profile and RFC 3492 Punycode) and the host name check of
//! `javax.net.ssl.SNIHostName`.
//!
//! `HostnameChecker.isMatched` puts both the host and the certificate's name through
//! `IDN.toUnicode(IDN.toASCII(…))` before comparing them, so `bücher.example`, `BÜCHER.example` and
//! `xn--bcher-kva.example` are one name, and a wildcard is matched against the Unicode form of an A-label
//! (`x*.example` does not cover `xn--bcher-kva.example`, `b*.example` does). Nameprep is the `stringprep`
//! crate's (Unicode 3.2 tables; code points unassigned in 3.2 are refused, as with the JDK's default
//! flags), Punycode the `punycode` crate's.

use std::fmt;

/// The ACE prefix of an A-label.
const ACE_PREFIX: &str = "xn--";
/// The longest label `IDN.toASCII` accepts.
const MAX_LABEL_LENGTH: usize = 63;

/// Why `IDN.toASCII` refuses a name (its `IllegalArgumentException`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdnError(&'static str);

impl fmt::Display for IdnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// `IDN.isLabelSeparator`: the full stop and its ideographic, fullwidth and halfwidth forms.
fn is_label_separator(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{ff0e}' | '\u{ff61}')
}

/// Splits `input` as `IDN.toASCII`/`toUnicode` do: labels between separators, with a trailing separator
/// kept as `.`. Returns (labels, trailing separator).
fn labels(input: &str) -> (Vec<&str>, bool) {
    let mut out = Vec::new();
    let mut start = 0;
    let mut trailing = false;
    for (i, c) in input.char_indices() {
        if is_label_separator(c) {
            out.push(&input[start..i]);
            start = i + c.len_utf8();
            trailing = start == input.len();
        }
    }
    if start < input.len() {
        out.push(&input[start..]);
    }
    (out, trailing)
}

/// `IDN.isRootLabel`.
fn is_root_label(s: &str) -> bool {
    let mut chars = s.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_label_separator(c))
}

fn starts_with_ace_prefix(s: &str) -> bool {
    s.len() >= ACE_PREFIX.len()
        && s.as_bytes()[..ACE_PREFIX.len()].eq_ignore_ascii_case(ACE_PREFIX.as_bytes())
}

/// `IDN.isNonLDHAsciiCodePoint`.
fn is_non_ldh_ascii(c: char) -> bool {
    matches!(c as u32, 0..=0x2c | 0x2e..=0x2f | 0x3a..=0x40 | 0x5b..=0x60 | 0x7b..=0x7f)
}

/// `IDN.toASCII(input, useStd3AsciiRules ? USE_STD3_ASCII_RULES : 0)`.
pub(crate) fn to_ascii(input: &str, std3: bool) -> Result<String, IdnError> {
    if is_root_label(input) {
        return Ok(".".to_owned());
    }
    let (labels, trailing) = labels(input);
    let mut out = String::with_capacity(input.len());
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&label_to_ascii(label, std3)?);
        if i + 1 < labels.len() || trailing {
            out.push('.');
        }
    }
    Ok(out)
}

/// `IDN.toASCIIInternal`.
fn label_to_ascii(label: &str, std3: bool) -> Result<String, IdnError> {
    let ascii = label.is_ascii();
    let mut dest = if ascii {
        label.to_owned()
    } else {
        stringprep::nameprep(label)
            .map_err(|_| IdnError("the label is refused by Nameprep"))?
            .into_owned()
    };
    if dest.is_empty() {
        return Err(IdnError("empty label is not a legal name"));
    }
    if std3 {
        if dest.chars().any(is_non_ldh_ascii) {
            return Err(IdnError("contains non-LDH ASCII characters"));
        }
        if dest.starts_with('-') || dest.ends_with('-') {
            return Err(IdnError("has leading or trailing hyphen"));
        }
    }
    if !ascii && !dest.is_ascii() {
        if starts_with_ace_prefix(&dest) {
            return Err(IdnError("the input starts with the ACE prefix"));
        }
        let encoded = punycode::encode(&dest).map_err(|()| IdnError("punycode encoding failed"))?;
        dest = format!("{ACE_PREFIX}{}", encoded.to_ascii_lowercase());
    }
    if dest.encode_utf16().count() > MAX_LABEL_LENGTH {
        return Err(IdnError("the label in the input is too long"));
    }
    Ok(dest)
}

/// `IDN.toUnicode(input)` (never fails: a label that cannot be converted is kept as it is).
pub(crate) fn to_unicode(input: &str) -> String {
    if is_root_label(input) {
        return ".".to_owned();
    }
    let (labels, trailing) = labels(input);
    let mut out = String::with_capacity(input.len());
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&label_to_unicode(label));
        if i + 1 < labels.len() || trailing {
            out.push('.');
        }
    }
    out
}

/// `IDN.toUnicodeInternal`.
fn label_to_unicode(label: &str) -> String {
    let dest = if label.is_ascii() {
        label.to_owned()
    } else {
        match stringprep::nameprep(label) {
            Ok(d) => d.into_owned(),
            Err(_) => return label.to_owned(),
        }
    };
    if starts_with_ace_prefix(&dest)
        && let Ok(decoded) = punycode::decode(&dest[ACE_PREFIX.len()..])
        && to_ascii(&decoded, false).is_ok_and(|back| back.eq_ignore_ascii_case(&dest))
    {
        return decoded;
    }
    label.to_owned()
}

/// Whether `new SNIHostName(name)` accepts `name`: `IDN.toASCII` with the STD3 rules succeeds, and the
/// result is not empty and has no trailing dot.
pub(crate) fn valid_sni_host_name(name: &str) -> bool {
    to_ascii(name, true).is_ok_and(|a| !a.is_empty() && !a.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_and_a_label_forms_are_one_name() {
        assert_eq!(
            to_ascii("bücher.example", false).unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            to_ascii("BÜCHER.example", false).unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(to_unicode("xn--bcher-kva.example"), "bücher.example");
        // Punycode keeps the case of the basic code points; the host name check lower-cases afterwards.
        assert_eq!(to_unicode("XN--BCHER-KVA.example"), "BüCHER.example");
        // Nameprep maps ß to ss (IDNA 2003), so the IDNA 2008 A-label of faß stays as it is.
        assert_eq!(to_ascii("faß.example", false).unwrap(), "fass.example");
        assert_eq!(to_unicode("xn--fa-hia.example"), "xn--fa-hia.example");
        // Ideographic full stops separate labels.
        assert_eq!(
            to_ascii("www。example。com", false).unwrap(),
            "www.example.com"
        );
    }

    #[test]
    fn labels_the_jdk_refuses_are_refused() {
        assert!(to_ascii("a..b", false).is_err());
        assert!(
            to_ascii("😀.example", false).is_err(),
            "unassigned in Unicode 3.2"
        );
        assert!(to_ascii(&"a".repeat(64), false).is_err());
        // A label that is not valid Punycode is kept as it is by toUnicode.
        assert_eq!(to_unicode("xn--zz.example"), "xn--zz.example");
    }

    #[test]
    fn sni_host_names_follow_the_std3_rules_and_have_no_trailing_dot() {
        assert!(valid_sni_host_name("www.example.com"));
        assert!(valid_sni_host_name("bücher.example"));
        assert!(!valid_sni_host_name("www.example.com."));
        assert!(!valid_sni_host_name("foo_bar.example.com"));
        assert!(!valid_sni_host_name("-foo.example.com"));
        assert!(!valid_sni_host_name(""));
    }
}
