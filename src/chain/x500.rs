//! Distinguished names as the JDK compares and reads them (`sun.security.x509.X500Name`, `RDN`, `AVA`,
//! `sun.security.util.DerValue`).
//!
//! **Equality.** `X500Principal.equals` compares the RFC 2253 canonical forms of two names
//! (`X500Name.getRFC2253CanonicalName`): RDN by RDN in encoded order, the AVAs of a multi-valued RDN
//! sorted, each AVA as `AVA.toRFC2253CanonicalString`:
//!
//! - the keyword is `cn`, `c`, `l`, `st`, `o`, `ou`, `street`, `dc` or `uid`; any other attribute type is
//!   written as its dotted OID;
//! - a value is compared as text only when its type has such a keyword **and** it is a PrintableString or
//!   a UTF8String: the text has `,+<>;"\` (and a leading `#`) escaped, runs of spaces collapsed, leading
//!   and trailing white space trimmed; then the whole `keyword=value` is upper-cased, lower-cased and put
//!   in Unicode NFKD;
//! - every other value (an IA5String, T61String or BMPString CN, any emailAddress or serialNumber) is
//!   compared as `#` and the hex of its DER encoding, so case, spacing and string type all matter.
//!
//! So `CN=Root+O=Org` (one multi-valued RDN) is not `CN=Root, O=Org` (two RDNs), `O=Org+CN=Root` is
//! `CN=Root+O=Org`, `CN=My  Root` is `CN=MY ROOT`, and an emailAddress differing in case is another name.
//!
//! **Reading a value.** `DerValue.getAsString` decodes UTF8String, PrintableString, T61String (as
//! ISO-8859-1), IA5String, UniversalString (UTF-32BE), BMPString (UTF-16BE) and GeneralString; the JDK's
//! decoders replace what they cannot decode with U+FFFD. `X500Name.findMostSpecificAttribute` takes the
//! last RDN holding the attribute (the "most specific CN" of RFC 2818).

use unicode_normalization::UnicodeNormalization;
use x509_parser::der_parser::asn1_rs::{Any, Class, Tag};
use x509_parser::prelude::*;

/// A name in the JDK's comparison form: one canonical string per RDN, in encoded order.
pub(crate) type JavaName = Vec<String>;

/// The attribute type OID of commonName.
pub(crate) const COMMON_NAME: &str = "2.5.4.3";

/// The RFC 2253 keyword of an attribute type, when it has one (`AVAKeyword` entries marked
/// RFC 2253-compliant).
fn rfc2253_keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// The name in the JDK's comparison form.
pub(crate) fn java_name(name: &X509Name<'_>) -> JavaName {
    name.iter()
        .map(|rdn| {
            let mut avas: Vec<(bool, String)> = rdn
                .iter()
                .map(|ava| {
                    let oid = ava.attr_type().to_id_string();
                    let keyword = rfc2253_keyword(&oid);
                    (
                        keyword.is_none(),
                        ava_canonical(&oid, keyword, ava.attr_value()),
                    )
                })
                .collect();
            // `AVAComparator`: AVAs with a keyword first, each group by canonical string.
            avas.sort();
            avas.into_iter()
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect()
}

/// `AVA.toRFC2253CanonicalString`.
fn ava_canonical(oid: &str, keyword: Option<&str>, value: &Any<'_>) -> String {
    let tag = value.tag();
    let as_text = keyword.is_some()
        && value.class() == Class::Universal
        && (tag == Tag::PrintableString || tag == Tag::Utf8String);
    let mut out = String::with_capacity(8 + value.data.len() * 2);
    out.push_str(keyword.unwrap_or(oid));
    out.push('=');
    if !as_text {
        out.push('#');
        out.push_str(&hex::encode(der_encoding(value)));
        // Hex digits and an ASCII keyword or OID: case folding and NFKD change nothing but the case.
        return out.to_ascii_lowercase();
    }
    let text = if tag == Tag::PrintableString {
        latin1(value.data)
    } else {
        String::from_utf8_lossy(value.data).into_owned()
    };
    let mut escaped = String::with_capacity(text.len() + 4);
    let mut previous_white = false;
    for (i, c) in text.chars().enumerate() {
        let escapee = ",+<>;\"\\".contains(c);
        if printable_string_char(c) || escapee || (i == 0 && c == '#') {
            if (i == 0 && c == '#') || escapee {
                escaped.push('\\');
            }
            if c != ' ' {
                // Among PrintableString characters only the space is white space to Java.
                previous_white = false;
                escaped.push(c);
            } else if !previous_white {
                previous_white = true;
                escaped.push(c);
            }
        } else {
            previous_white = false;
            escaped.push(c);
        }
    }
    out.push_str(java_trim(&escaped));
    if out.is_ascii() {
        return out.to_ascii_lowercase();
    }
    // `toUpperCase(Locale.US).toLowerCase(Locale.US)`, then NFKD.
    out.to_uppercase().to_lowercase().nfkd().collect()
}

/// `String.trim`: drops leading and trailing characters up to U+0020.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `DerValue.isPrintableStringChar`.
fn printable_string_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// Bytes as ISO-8859-1 text.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// An IA5String's bytes as the JDK reads them (US-ASCII, each byte above 0x7F becoming U+FFFD).
pub(crate) fn ia5(bytes: &[u8]) -> String {
    ascii(bytes)
}

/// Bytes as US-ASCII text, each byte above 0x7F becoming U+FFFD (Java's decoder).
fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                char::from(b)
            } else {
                char::REPLACEMENT_CHARACTER
            }
        })
        .collect()
}

/// The DER encoding of a value (`DerValue.toByteArray`: tag, minimal length, contents).
fn der_encoding(value: &Any<'_>) -> Vec<u8> {
    let class_bits: u8 = match value.class() {
        Class::Universal => 0x00,
        Class::Application => 0x40,
        Class::ContextSpecific => 0x80,
        Class::Private => 0xc0,
    };
    let constructed: u8 = if value.header.is_constructed() {
        0x20
    } else {
        0
    };
    let number = value.tag().0;
    let mut out = Vec::with_capacity(value.data.len() + 6);
    if number < 31 {
        out.push(class_bits | constructed | number as u8);
    } else {
        out.push(class_bits | constructed | 0x1f);
        let mut groups = Vec::new();
        let mut n = number;
        loop {
            groups.push((n & 0x7f) as u8);
            n >>= 7;
            if n == 0 {
                break;
            }
        }
        for (i, g) in groups.iter().enumerate().rev() {
            out.push(if i > 0 { g | 0x80 } else { *g });
        }
    }
    // A value of a certificate (at most `cert::MAX_CERT_LEN` bytes) is far below `der`'s largest length.
    out.extend(crate::asn1::length_octets(value.data.len()).unwrap_or_default());
    out.extend_from_slice(value.data);
    out
}

/// `DerValue.getAsString`: the value as text, or `None` when it is not a string type.
pub(crate) fn der_string(value: &Any<'_>) -> Option<String> {
    if value.class() != Class::Universal {
        return None;
    }
    let data = value.data;
    Some(match value.tag() {
        Tag::Utf8String => String::from_utf8_lossy(data).into_owned(),
        Tag::PrintableString | Tag::Ia5String | Tag::GeneralString => ascii(data),
        Tag::T61String => latin1(data),
        Tag::BmpString => {
            let units: Vec<u16> = data
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xfffd,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        Tag::UniversalString => data
            .chunks(4)
            .map(|c| match c {
                [a, b, c, d] => char::from_u32(u32::from_be_bytes([*a, *b, *c, *d]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER),
                _ => char::REPLACEMENT_CHARACTER,
            })
            .collect(),
        _ => return None,
    })
}

/// `X500Name.findMostSpecificAttribute(oid).getAsString()`: the attribute in the last RDN holding it
/// (the first such AVA of that RDN), as text.
pub(crate) fn most_specific(name: &X509Name<'_>, oid: &str) -> Option<String> {
    let rdns: Vec<_> = name.iter().collect();
    rdns.iter().rev().find_map(|rdn| {
        rdn.iter()
            .find(|ava| ava.attr_type().to_id_string() == oid)
            .map(|ava| der_string(ava.attr_value()))
    })?
}

/// Every value of attribute `oid` as text (`X500Name.allAvas` filtered by type, `AVA.getValueString`).
pub(crate) fn all_values(name: &X509Name<'_>, oid: &str) -> Vec<String> {
    name.iter_attributes()
        .filter(|ava| ava.attr_type().to_id_string() == oid)
        .filter_map(|ava| der_string(ava.attr_value()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::testkit;

    fn canon(der: &[u8]) -> JavaName {
        let (_, name) = X509Name::from_der(der).unwrap();
        java_name(&name)
    }

    const CN: &str = "2.5.4.3";
    const O: &str = "2.5.4.10";
    const EMAIL: &str = "1.2.840.113549.1.9.1";
    const PRINTABLE: u8 = 0x13;
    const UTF8: u8 = 0x0c;
    const IA5: u8 = 0x16;
    const BMP: u8 = 0x1e;

    #[test]
    fn a_multi_valued_rdn_is_not_the_same_attributes_as_separate_rdns() {
        let multi = canon(&testkit::name(&[&[(O, UTF8, b"Org"), (CN, UTF8, b"Root")]]));
        let separate = canon(&testkit::name(&[
            &[(O, UTF8, b"Org")],
            &[(CN, UTF8, b"Root")],
        ]));
        assert_ne!(multi, separate);
        assert_eq!(multi, vec!["cn=root+o=org".to_owned()]);
    }

    #[test]
    fn the_avas_of_a_multi_valued_rdn_compare_in_any_order() {
        let a = canon(&testkit::name(&[&[(O, UTF8, b"Org"), (CN, UTF8, b"Root")]]));
        let b = canon(&testkit::name(&[&[
            (CN, PRINTABLE, b"ROOT"),
            (O, UTF8, b"org"),
        ]]));
        assert_eq!(a, b);
    }

    #[test]
    fn case_spacing_and_printable_or_utf8_do_not_matter() {
        let a = canon(&testkit::name(&[&[(CN, UTF8, b"  My  Root   CA ")]]));
        let b = canon(&testkit::name(&[&[(CN, PRINTABLE, b"MY ROOT CA")]]));
        assert_eq!(a, b);
    }

    #[test]
    fn other_string_types_and_oid_keyword_attributes_compare_by_their_encoding() {
        let ia5 = canon(&testkit::name(&[&[(CN, IA5, b"Root")]]));
        let utf8 = canon(&testkit::name(&[&[(CN, UTF8, b"Root")]]));
        assert_ne!(ia5, utf8);
        assert_eq!(ia5, vec!["cn=#1604526f6f74".to_owned()]);
        let upper = canon(&testkit::name(&[&[(EMAIL, IA5, b"CA@Example.com")]]));
        let lower = canon(&testkit::name(&[&[(EMAIL, IA5, b"ca@example.com")]]));
        assert_ne!(upper, lower);
    }

    #[test]
    fn unicode_values_are_case_folded_and_decomposed() {
        let a = canon(&testkit::name(&[&[(CN, UTF8, "Straße ﬁ".as_bytes())]]));
        let b = canon(&testkit::name(&[&[(CN, UTF8, b"STRASSE FI")]]));
        assert_eq!(a, b);
        let escaped = canon(&testkit::name(&[&[(CN, UTF8, b"#a,b")]]));
        assert_eq!(escaped, vec![r"cn=\#a\,b".to_owned()]);
    }

    #[test]
    fn the_most_specific_cn_is_read_in_any_string_type() {
        let bmp: Vec<u8> = "www.example.com"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let der = testkit::name(&[
            &[(CN, UTF8, b"first.example.com")],
            &[(O, UTF8, b"Org")],
            &[(CN, BMP, &bmp)],
        ]);
        let (_, name) = X509Name::from_der(&der).unwrap();
        assert_eq!(
            most_specific(&name, COMMON_NAME).as_deref(),
            Some("www.example.com")
        );
        let universal: Vec<u8> = "host.test"
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        let der = testkit::name(&[&[(CN, 0x1c, &universal)]]);
        let (_, name) = X509Name::from_der(&der).unwrap();
        assert_eq!(
            most_specific(&name, COMMON_NAME).as_deref(),
            Some("host.test")
        );
        let der = testkit::name(&[&[(CN, 0x14, b"caf\xe9.test")]]);
        let (_, name) = X509Name::from_der(&der).unwrap();
        assert_eq!(
            most_specific(&name, COMMON_NAME).as_deref(),
            Some("café.test")
        );
    }
}
