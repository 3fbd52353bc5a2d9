//! The one ASN.1 layer: DER through RustCrypto's `der` and `const-oid` crates, plus the two things they
//! leave to us. Every codec and the lab PKI encode and decode DER here; the only other ASN.1 code is the
//! BER-tolerant PKCS#12 reader (`truststore::pkcs12::der`), which reads what Windows and NSS write.
//!
//! - [`tlv`], [`seq`], [`set`]: a DER element around content that is already encoded, for structures
//!   whose member order is fixed by the JDK rather than by DER's SET OF sorting (keytool's PKCS#12 bag
//!   attributes), where `der`'s typed `SetOf` would reorder.
//! - [`utf16be`] and [`utf16be_to_string`]: Java's `char[]` as bytes (passwords in the JKS digest and key
//!   protector, the PKCS#12 KDF) and BMPString content (PKCS#12 friendly names). `der`'s `BmpString`
//!   refuses characters outside the Basic Multilingual Plane, which Java writes as surrogate pairs.

pub use const_oid::ObjectIdentifier;
pub use der::{Decode, Encode, Error, Reader, SliceReader, Tag, TagNumber, Tagged};

/// The result of a DER encoding or decoding.
pub type Result<T> = der::Result<T>;

/// `[0]` constructed, context-specific: EXPLICIT tagging.
pub const CONTEXT_0: Tag = Tag::ContextSpecific {
    constructed: true,
    number: TagNumber(0),
};

/// `[0]` primitive, context-specific: an IMPLICIT OCTET STRING.
pub const CONTEXT_0_PRIMITIVE: Tag = Tag::ContextSpecific {
    constructed: false,
    number: TagNumber(0),
};

/// One DER element: `tag`, the definite length of `content` (encoded by `der`), then `content`.
pub fn tlv(tag: Tag, content: &[u8]) -> der::Result<Vec<u8>> {
    let header = der::Header::new(tag, der::Length::try_from(content.len())?);
    let mut out = Vec::with_capacity(content.len() + 6);
    header.encode_to_vec(&mut out)?;
    out.extend_from_slice(content);
    Ok(out)
}

/// The definite-length octets DER gives a content of `len` bytes (short form under 128, else the fewest
/// big-endian bytes), encoded by `der`: for re-encoding an element whose tag `der` cannot name (any
/// universal, application or private tag). `None` beyond 4 GiB.
pub fn length_octets(len: usize) -> Option<Vec<u8>> {
    der::Length::try_from(len).ok()?.to_der().ok()
}

/// A SEQUENCE of already encoded `parts`, in the order given.
pub fn seq(parts: &[&[u8]]) -> der::Result<Vec<u8>> {
    tlv(Tag::Sequence, &parts.concat())
}

/// A SET of already encoded `parts`, in the order given (not sorted, unlike DER's SET OF).
pub fn set(parts: &[&[u8]]) -> der::Result<Vec<u8>> {
    tlv(Tag::Set, &parts.concat())
}

/// An OCTET STRING holding `bytes`.
pub fn octets(bytes: &[u8]) -> der::Result<Vec<u8>> {
    tlv(Tag::OctetString, bytes)
}

/// An INTEGER holding `value`, in the fewest bytes.
pub fn uint(value: u32) -> der::Result<Vec<u8>> {
    value.to_der()
}

/// An OBJECT IDENTIFIER.
pub fn oid(oid: &ObjectIdentifier) -> der::Result<Vec<u8>> {
    oid.to_der()
}

/// NULL.
pub const NULL: &[u8] = &[0x05, 0x00];

/// The whole encodings of the members of the DER SEQUENCE that is all of `der`, in order.
pub fn sequence_members(der: &[u8]) -> der::Result<Vec<&[u8]>> {
    let mut outer = SliceReader::new(der)?;
    let members = outer.sequence(|inner| {
        let mut members = Vec::new();
        while !inner.is_finished() {
            members.push(inner.tlv_bytes()?);
        }
        Ok::<_, der::Error>(members)
    })?;
    outer.finish()?;
    Ok(members)
}

/// Whether `der` is exactly one DER element with tag `tag` (its content is not looked at).
pub fn is_one(der: &[u8], tag: Tag) -> bool {
    der::asn1::AnyRef::from_der(der).is_ok_and(|any| any.tag() == tag)
}

/// An OBJECT IDENTIFIER's content octets in dotted form (for messages), or hex when malformed.
pub fn oid_to_string(content: &[u8]) -> String {
    if content.is_empty() {
        return String::new();
    }
    match const_oid::ObjectIdentifierRef::from_bytes(content) {
        Ok(oid) => oid.to_string(),
        Err(_) => hex::encode(content),
    }
}

/// A string as Java's `char[]` holds it: UTF-16 code units, big-endian (surrogate pairs kept).
pub fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// Decodes UTF-16BE (surrogate pairs allowed, as Java writes them); `what` names the data in errors.
pub fn utf16be_to_string(bytes: &[u8], what: &str) -> std::result::Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("{what} of odd length {}", bytes.len()));
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).map_err(|_| format!("{what} holds an unpaired UTF-16 surrogate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_octets_are_the_shortest_definite_form() {
        let cases: [(usize, &[u8]); 6] = [
            (0, &[0x00]),
            (127, &[0x7f]),
            (128, &[0x81, 0x80]),
            (255, &[0x81, 0xff]),
            (256, &[0x82, 0x01, 0x00]),
            (65_536, &[0x83, 0x01, 0x00, 0x00]),
        ];
        for (len, octets) in cases {
            assert_eq!(length_octets(len).as_deref(), Some(octets), "{len}");
        }
    }

    #[test]
    fn integers_are_written_in_the_fewest_bytes() {
        assert_eq!(uint(0).unwrap(), [0x02, 0x01, 0x00]);
        assert_eq!(uint(10_000).unwrap(), [0x02, 0x02, 0x27, 0x10]);
        assert_eq!(uint(50_000).unwrap(), [0x02, 0x03, 0x00, 0xc3, 0x50]);
        assert_eq!(
            uint(u32::MAX).unwrap(),
            [0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn long_lengths_are_written_in_the_fewest_bytes() {
        for (len, header) in [
            (0usize, &[0x04, 0x00][..]),
            (127, &[0x04, 0x7f]),
            (128, &[0x04, 0x81, 0x80]),
            (300, &[0x04, 0x82, 0x01, 0x2c]),
            (70_000, &[0x04, 0x83, 0x01, 0x11, 0x70]),
        ] {
            let der = octets(&vec![7u8; len]).unwrap();
            assert_eq!(&der[..header.len()], header, "{len}");
            assert_eq!(der.len(), header.len() + len);
        }
    }

    #[test]
    fn sets_keep_the_order_given() {
        let b = octets(b"b").unwrap();
        let a = octets(b"a").unwrap();
        assert_eq!(
            set(&[&b, &a]).unwrap(),
            [0x31, 0x06, 0x04, 0x01, b'b', 0x04, 0x01, b'a']
        );
    }

    #[test]
    fn sequence_members_are_whole_elements_and_trailing_bytes_are_refused() {
        let one = uint(1).unwrap();
        let two = octets(b"xy").unwrap();
        let s = seq(&[&one, &two]).unwrap();
        assert_eq!(
            sequence_members(&s).unwrap(),
            [one.as_slice(), two.as_slice()]
        );
        let mut trailing = s.clone();
        trailing.push(0);
        assert!(sequence_members(&trailing).is_err());
        assert!(sequence_members(&s[..s.len() - 1]).is_err());
        assert!(is_one(&s, Tag::Sequence));
        assert!(!is_one(&trailing, Tag::Sequence));
        assert!(!is_one(&two, Tag::Sequence));
    }

    #[test]
    fn oids_print_in_dotted_form_and_malformed_ones_in_hex() {
        assert_eq!(oid_to_string(&[0x55, 0x1d, 0x25, 0x00]), "2.5.29.37.0");
        assert_eq!(
            oid_to_string(&[
                0x60, 0x86, 0x48, 0x01, 0x86, 0xf9, 0x66, 0xad, 0xca, 0x7b, 0x01, 0x01
            ]),
            "2.16.840.1.113894.746875.1.1"
        );
        assert_eq!(oid_to_string(&[0x2a, 0x86]), "2a86");
        let jks = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.17.1.1");
        assert_eq!(oid_to_string(jks.as_bytes()), "1.3.6.1.4.1.42.2.17.1.1");
    }

    #[test]
    fn utf16_keeps_characters_outside_the_basic_plane() {
        let s = "clé-😀";
        assert_eq!(utf16be_to_string(&utf16be(s), "name").unwrap(), s);
        assert_eq!(utf16be("é"), [0x00, 0xe9]);
        assert!(utf16be_to_string(&[0xd8, 0x3d], "name").is_err());
        assert!(utf16be_to_string(&[0x00], "name").is_err());
    }
}
