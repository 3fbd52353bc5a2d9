//! DER pieces for the oracle's certificates: primitives from the `der` crate (OIDs, integers, times),
//! a tag-length-value writer and reader to assemble structures the generator
//! bends on purpose (multi-valued RDNs, UniversalString, mismatched algorithm fields), and directory
//! string encodings.

use der::Encode;
use der::asn1::{GeneralizedTime, ObjectIdentifier, Uint, UtcTime};

/// One element: tag, definite length (DER's shortest form), content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// One DER element read back: the whole element and its content.
pub struct Element<'a> {
    /// Tag, length and content.
    pub raw: &'a [u8],
    /// The content alone.
    pub content: &'a [u8],
}

/// Reads the first element of `input` (single-byte tag, definite length) and returns it with the rest.
pub fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let bytes = input.get(2..2 + n)?;
        (
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
            2 + n,
        )
    };
    let end = header.checked_add(len)?;
    let raw = input.get(..end)?;
    Some((
        Element {
            raw,
            content: &raw[header..],
        },
        &input[end..],
    ))
}

/// The elements one after another in `content`.
pub fn children(mut content: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (e, rest) = read(content)?;
        out.push(e);
        content = rest;
    }
    Some(out)
}

/// A SEQUENCE of already-encoded elements.
pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A SET OF already-encoded elements, in DER order (sorted by encoding).
pub fn set_of(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    tlv(0x31, &sorted.concat())
}

/// An OBJECT IDENTIFIER from dotted text.
pub fn oid(dotted: &str) -> Vec<u8> {
    ObjectIdentifier::new(dotted)
        .unwrap_or_else(|e| panic!("oid {dotted}: {e}"))
        .to_der()
        .expect("oid der")
}

/// A non-negative INTEGER.
pub fn integer(n: u64) -> Vec<u8> {
    integer_bytes(&n.to_be_bytes())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn integer_bytes(bytes: &[u8]) -> Vec<u8> {
    Uint::new(bytes).expect("uint").to_der().expect("uint der")
}

/// A BOOLEAN.
pub fn boolean(b: bool) -> Vec<u8> {
    tlv(0x01, &[if b { 0xff } else { 0x00 }])
}

/// An OCTET STRING.
pub fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// A time as UTCTime (1950–2049) or, when `generalized` or outside that range, GeneralizedTime.
pub fn time(unix: i64, generalized: bool) -> Vec<u8> {
    let d = std::time::Duration::from_secs(unix.max(0) as u64);
    // 2050-01-01T00:00:00Z
    if !generalized && unix < 2_524_608_000 {
        UtcTime::from_unix_duration(d)
            .expect("utc time")
            .to_der()
            .expect("utc der")
    } else {
        GeneralizedTime::from_unix_duration(d)
            .expect("generalized time")
            .to_der()
            .expect("generalized der")
    }
}

/// How a directory string is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrKind {
    Utf8,
    Printable,
    Ia5,
    /// TeletexString, written as Latin-1 bytes.
    T61,
    /// BMPString (UTF-16BE).
    Bmp,
    /// UniversalString (UCS-4BE); the `der` crate has no tag for it, so it is written by hand.
    Universal,
}

impl StrKind {
    /// Every kind.
    pub const ALL: [StrKind; 6] = [
        StrKind::Utf8,
        StrKind::Printable,
        StrKind::Ia5,
        StrKind::T61,
        StrKind::Bmp,
        StrKind::Universal,
    ];

    /// Short name for case descriptions.
    pub fn name(self) -> &'static str {
        match self {
            StrKind::Utf8 => "UTF8String",
            StrKind::Printable => "PrintableString",
            StrKind::Ia5 => "IA5String",
            StrKind::T61 => "T61String",
            StrKind::Bmp => "BMPString",
            StrKind::Universal => "UniversalString",
        }
    }

    /// `text` encoded as this kind (characters that do not fit are written as their low byte, which is
    /// what a careless encoder does).
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            StrKind::Utf8 => tlv(0x0c, text.as_bytes()),
            StrKind::Printable => tlv(0x13, text.as_bytes()),
            StrKind::Ia5 => tlv(0x16, text.as_bytes()),
            StrKind::T61 => tlv(
                0x14,
                &text.chars().map(|c| c as u32 as u8).collect::<Vec<_>>(),
            ),
            StrKind::Bmp => tlv(
                0x1e,
                &text
                    .encode_utf16()
                    .flat_map(|u| u.to_be_bytes())
                    .collect::<Vec<_>>(),
            ),
            StrKind::Universal => tlv(
                0x1c,
                &text
                    .chars()
                    .flat_map(|c| (c as u32).to_be_bytes())
                    .collect::<Vec<_>>(),
            ),
        }
    }
}
