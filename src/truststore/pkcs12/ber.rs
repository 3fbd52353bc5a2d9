//! A small, bounded BER reader: exactly what reading PKCS#12 needs, nothing more. (Writing, and everything
//! DER-only, goes through the shared [`crate::asn1`] layer.)
//!
//! The reader never allocates more than its input (only constructed OCTET STRINGs are copied, to join their
//! segments), never recurses deeper than [`MAX_DEPTH`], and reports what it expected where it failed. It
//! accepts the BER forms found in PKCS#12 files written by Windows and NSS (indefinite lengths, constructed
//! OCTET STRINGs), as the JDK does, which `der` (DER only) would refuse.

use std::borrow::Cow;

/// Deepest nesting accepted while skipping an indefinite-length element (real files nest under 10).
pub const MAX_DEPTH: usize = 32;

/// SEQUENCE tag.
pub const SEQUENCE: u8 = 0x30;
/// SET tag.
pub const SET: u8 = 0x31;
/// INTEGER tag.
pub const INTEGER: u8 = 0x02;
/// OCTET STRING tag (primitive form).
pub const OCTET_STRING: u8 = 0x04;
/// OBJECT IDENTIFIER tag.
pub const OID: u8 = 0x06;
/// NULL tag.
pub const NULL: u8 = 0x05;
/// BMPString tag.
pub const BMP_STRING: u8 = 0x1e;
/// `[0]` constructed, context-specific (EXPLICIT tagging).
pub const CONTEXT_0: u8 = 0xa0;
/// `[0]` primitive, context-specific (IMPLICIT OCTET STRING).
pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;

/// Why DER could not be read: what was expected and what was found.
pub type DerError = String;

/// One element: its tag, its content octets and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// The (single-byte) tag.
    pub tag: u8,
    /// The content octets (for an indefinite length: everything before the end-of-contents marker).
    pub content: &'a [u8],
    /// The whole encoding, header included.
    pub whole: &'a [u8],
}

/// Reads elements one after another from a slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.data.len()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub fn element(&mut self, what: &str) -> Result<Element<'a>, DerError> {
        let (element, rest) = parse_element(self.data, 0).map_err(|e| format!("{what}: {e}"))?;
        self.data = rest;
        Ok(element)
    }

    /// Reads the next element, which must have tag `tag`; returns its content.
    pub fn expect(&mut self, tag: u8, what: &str) -> Result<&'a [u8], DerError> {
        match self.peek_tag() {
            None => Err(format!("{what}: missing (the structure ends early)")),
            Some(t) if t != tag => Err(format!(
                "{what}: expected {} but found {}",
                tag_name(tag),
                tag_name(t)
            )),
            Some(_) => Ok(self.element(what)?.content),
        }
    }

    /// Reads a SEQUENCE and returns a reader over its members.
    pub fn sequence(&mut self, what: &str) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.expect(SEQUENCE, what)?))
    }

    /// Reads a SET and returns a reader over its members.
    pub fn set(&mut self, what: &str) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.expect(SET, what)?))
    }

    /// Reads an explicit `[0]` and returns a reader over its content.
    pub fn explicit0(&mut self, what: &str) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.expect(CONTEXT_0, what)?))
    }

    /// Reads an OBJECT IDENTIFIER; returns its content octets.
    pub fn oid(&mut self, what: &str) -> Result<&'a [u8], DerError> {
        let oid = self.expect(OID, what)?;
        if oid.is_empty() {
            return Err(format!("{what}: empty OBJECT IDENTIFIER"));
        }
        Ok(oid)
    }

    /// Reads an OCTET STRING, primitive or (BER) constructed.
    pub fn octet_string(&mut self, what: &str) -> Result<Cow<'a, [u8]>, DerError> {
        match self.peek_tag() {
            Some(0x24) => {
                let element = self.element(what)?;
                let mut joined = Vec::with_capacity(element.content.len());
                join_segments(element.content, 0x04, 0, &mut joined)
                    .map_err(|e| format!("{what}: {e}"))?;
                Ok(Cow::Owned(joined))
            }
            _ => Ok(Cow::Borrowed(self.expect(OCTET_STRING, what)?)),
        }
    }

    /// Reads a non-negative INTEGER that fits in a `u32`.
    pub fn small_uint(&mut self, what: &str) -> Result<u32, DerError> {
        let bytes = self.expect(INTEGER, what)?;
        uint_value(bytes).ok_or_else(|| {
            format!(
                "{what}: INTEGER {} is not a count between 0 and 4294967295",
                hex::encode(&bytes[..bytes.len().min(8)])
            )
        })
    }
}

/// The value of a DER INTEGER's content octets, when non-negative and at most 32 bits.
fn uint_value(bytes: &[u8]) -> Option<u32> {
    let (&first, _) = bytes.split_first()?;
    if first & 0x80 != 0 {
        return None;
    }
    let trimmed: &[u8] = if first == 0 && bytes.len() > 1 {
        &bytes[1..]
    } else {
        bytes
    };
    if trimmed.len() > 4 {
        return None;
    }
    Some(
        trimmed
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)),
    )
}

/// Joins the segments of a constructed OCTET STRING (or `[0] IMPLICIT` encrypted content).
pub fn join_segments(
    mut content: &[u8],
    segment_tag: u8,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), DerError> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "OCTET STRING segments nested deeper than {MAX_DEPTH}"
        ));
    }
    while !content.is_empty() {
        let (element, rest) = parse_element(content, depth + 1)?;
        match element.tag {
            t if t == segment_tag => out.extend_from_slice(element.content),
            t if t == segment_tag | 0x20 => {
                join_segments(element.content, segment_tag, depth + 1, out)?
            }
            t => return Err(format!("an OCTET STRING segment has tag {}", tag_name(t))),
        }
        content = rest;
    }
    Ok(())
}

/// Parses one element at the start of `data`; returns it and what follows.
fn parse_element(data: &[u8], depth: usize) -> Result<(Element<'_>, &[u8]), DerError> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    let (&tag, after_tag) = data
        .split_first()
        .ok_or_else(|| "missing (the structure ends early)".to_owned())?;
    if tag & 0x1f == 0x1f {
        return Err(format!("multi-byte tag 0x{tag:02x} is not used by PKCS#12"));
    }
    let (&len0, after_len0) = after_tag.split_first().ok_or_else(|| {
        format!(
            "{} with no length (the structure ends early)",
            tag_name(tag)
        )
    })?;
    if len0 == 0x80 {
        if tag & 0x20 == 0 {
            return Err(format!(
                "primitive {} with an indefinite length",
                tag_name(tag)
            ));
        }
        // Indefinite length (BER): members follow until an end-of-contents marker (00 00).
        let body = after_len0;
        let mut rest = body;
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let content_len = body.len() - rest.len();
                let whole_len = 2 + content_len + 2;
                let element = Element {
                    tag,
                    content: &body[..content_len],
                    whole: &data[..whole_len],
                };
                return Ok((element, &rest[2..]));
            }
            if rest.is_empty() {
                return Err(format!(
                    "{} of indefinite length has no end-of-contents marker (the structure ends early)",
                    tag_name(tag)
                ));
            }
            let (_, next) = parse_element(rest, depth + 1)?;
            rest = next;
        }
    }
    let (len, header_len) = if len0 < 0x80 {
        (len0 as usize, 2)
    } else {
        let n = (len0 & 0x7f) as usize;
        if n > 4 {
            return Err(format!("{} declares a {n}-byte length", tag_name(tag)));
        }
        let bytes = after_len0.get(..n).ok_or_else(|| {
            format!(
                "{} length is cut off (the structure ends early)",
                tag_name(tag)
            )
        })?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let available = data.len() - header_len;
    if len > available {
        return Err(format!(
            "{} declares {len} bytes but only {available} remain (truncated?)",
            tag_name(tag)
        ));
    }
    let whole_len = header_len + len;
    let element = Element {
        tag,
        content: &data[header_len..whole_len],
        whole: &data[..whole_len],
    };
    Ok((element, &data[whole_len..]))
}

/// A readable name for a tag, for error messages.
pub fn tag_name(tag: u8) -> String {
    match tag {
        SEQUENCE => "SEQUENCE".to_owned(),
        SET => "SET".to_owned(),
        INTEGER => "INTEGER".to_owned(),
        OCTET_STRING => "OCTET STRING".to_owned(),
        0x24 => "constructed OCTET STRING".to_owned(),
        OID => "OBJECT IDENTIFIER".to_owned(),
        NULL => "NULL".to_owned(),
        BMP_STRING => "BMPString".to_owned(),
        0x0c => "UTF8String".to_owned(),
        CONTEXT_0 => "[0]".to_owned(),
        CONTEXT_0_PRIMITIVE => "[0] (primitive)".to_owned(),
        t => format!("tag 0x{t:02x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::asn1;

    #[test]
    fn integers_round_trip_through_the_writer_and_reader() {
        for v in [
            0u32,
            1,
            127,
            128,
            255,
            256,
            10_000,
            50_000,
            100_000,
            u32::MAX,
        ] {
            let der = asn1::uint(v).unwrap();
            assert_eq!(Reader::new(&der).small_uint("n"), Ok(v), "{v}");
        }
    }

    #[test]
    fn negative_and_oversized_integers_are_refused() {
        assert!(Reader::new(&[0x02, 0x01, 0xff]).small_uint("n").is_err());
        assert!(
            Reader::new(&[0x02, 0x05, 0x01, 0, 0, 0, 0])
                .small_uint("n")
                .is_err()
        );
        assert!(Reader::new(&[0x02, 0x00]).small_uint("n").is_err());
    }

    #[test]
    fn long_lengths_are_read() {
        let content = vec![7u8; 300];
        let der = asn1::octets(&content).unwrap();
        let mut r = Reader::new(&der);
        assert_eq!(r.octet_string("x").unwrap().len(), 300);
        assert!(r.is_empty());
    }

    #[test]
    fn ber_indefinite_lengths_and_constructed_octet_strings_are_read() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00,
            0x00,
        ];
        let mut outer = Reader::new(&ber);
        let mut inner = outer.sequence("outer").unwrap();
        assert!(outer.is_empty());
        assert_eq!(inner.octet_string("inner").unwrap().as_ref(), b"abc");
        assert!(inner.is_empty());
    }

    #[test]
    fn truncated_and_overlong_lengths_are_errors() {
        assert!(Reader::new(&[0x30, 0x05, 0x01]).element("x").is_err());
        assert!(
            Reader::new(&[0x30, 0x85, 1, 1, 1, 1, 1])
                .element("x")
                .is_err()
        );
        assert!(Reader::new(&[0x30, 0x80, 0x04, 0x00]).element("x").is_err());
        assert!(Reader::new(&[0x04, 0x80, 0x00, 0x00]).element("x").is_err());
    }

    #[test]
    fn deep_indefinite_nesting_is_bounded() {
        let mut ber = Vec::new();
        for _ in 0..10_000 {
            ber.extend_from_slice(&[0x30, 0x80]);
        }
        let err = Reader::new(&ber).element("deep").unwrap_err();
        assert!(err.contains("deeper"), "{err}");
    }
}
