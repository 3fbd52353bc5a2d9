//! The JDK's ASN.1 reader as its X.509 parser uses it (`sun.security.util.DerValue` and `DerInputStream`
//! with BER allowed, which is how `X509CertImpl(byte[])` reads every certificate): long-form lengths with
//! leading zeros, indefinite lengths on constructed values (converted as `DerIndefLenConverter` does),
//! integers with redundant leading zeros, bit strings with non-zero pad bits and constructed OCTET
//! STRINGs are all accepted; multi-byte tags, lengths of more than four bytes and truncated values are
//! not.
//!
//! Values share one buffer (`Rc<[u8]>`) and remember their range in it, as the JDK's do, because a few
//! JDK rules depend on that: a reader positioned after an indefinite-length value continues from the end
//! of the whole buffer, not of its own range (`DerInputStream.getDerValue`), which this model repeats.

use std::rc::Rc;

use super::{Fail, Jdk, Line, R};

pub(super) const TAG_BOOLEAN: u8 = 0x01;
pub(super) const TAG_INTEGER: u8 = 0x02;
pub(super) const TAG_BIT_STRING: u8 = 0x03;
pub(super) const TAG_OCTET_STRING: u8 = 0x04;
pub(super) const TAG_NULL: u8 = 0x05;
pub(super) const TAG_OID: u8 = 0x06;
pub(super) const TAG_ENUMERATED: u8 = 0x0a;
pub(super) const TAG_UTF8_STRING: u8 = 0x0c;
pub(super) const TAG_PRINTABLE_STRING: u8 = 0x13;
pub(super) const TAG_T61_STRING: u8 = 0x14;
pub(super) const TAG_IA5_STRING: u8 = 0x16;
pub(super) const TAG_UTC_TIME: u8 = 0x17;
pub(super) const TAG_GENERALIZED_TIME: u8 = 0x18;
pub(super) const TAG_GENERAL_STRING: u8 = 0x1b;
pub(super) const TAG_UNIVERSAL_STRING: u8 = 0x1c;
pub(super) const TAG_BMP_STRING: u8 = 0x1e;
pub(super) const TAG_SEQUENCE: u8 = 0x30;
pub(super) const TAG_SET: u8 = 0x31;

/// `DerValue`'s nesting limit for constructed OCTET STRINGs (JDK 17 from 17.0.20 only; JDK 25 and
/// earlier 17 updates have none).
const MAX_CONSTRUCTED_NEST: u32 = 30;

const RULE: &str = "DerValue: encoding";

/// The `n` length octets at `at` read into an `int` as the converter reads them (an octet past the
/// end reads as 0): a negative length is refused.
fn long_form_length(data: &[u8], at: usize, n: usize) -> R<usize> {
    let mut l: i32 = 0;
    for i in at..at + n {
        l = l
            .wrapping_shl(8)
            .wrapping_add(i32::from(*data.get(i).unwrap_or(&0)));
    }
    usize::try_from(l).map_err(|_| fail("Invalid length bytes"))
}

fn fail(msg: impl Into<String>) -> Fail {
    Fail::new(RULE, msg)
}

/// One ASN.1 value: its tag and its content, a range of a shared buffer.
#[derive(Clone)]
pub(super) struct Val {
    /// The tag byte (after any `resetTag`).
    pub tag: u8,
    jdk: Jdk,
    buf: Rc<[u8]>,
    start: usize,
    end: usize,
}

/// A position in a buffer with an end (`DerInputStream`). Positions are signed because the JDK's can pass
/// the end (see the module documentation).
#[derive(Clone)]
pub(super) struct Input {
    jdk: Jdk,
    buf: Rc<[u8]>,
    pos: isize,
    end: isize,
}

/// Reads one value at `offset` within `len` bytes of `buf` (`DerValue(byte[], int, int, true, allowMore)`).
fn read_value(jdk: Jdk, buf: &Rc<[u8]>, offset: isize, len: isize, allow_more: bool) -> R<Val> {
    if len < 2 {
        return Err(fail("Too short"));
    }
    let at = |i: isize| -> R<u8> {
        usize::try_from(i)
            .ok()
            .and_then(|i| buf.get(i).copied())
            .ok_or_else(|| Fail::runtime(RULE, "ArrayIndexOutOfBoundsException"))
    };
    let mut buf = Rc::clone(buf);
    let mut offset = offset;
    let mut len = len;
    let mut pos = offset;
    let tag = at(pos)?;
    pos += 1;
    if tag & 0x1f == 0x1f {
        // The JDK adds the offset in its buffer ("… at N is not supported"); buffers are copied at
        // points the model does not always copy, so the reason stops before it.
        return Err(fail("Tag number over 30"));
    }
    let mut len_byte = at(pos)?;
    pos += 1;
    if len_byte == 0x80 {
        if tag & 0x20 == 0 {
            return Err(fail(
                "Indefinite length encoding not supported with non-constructed data",
            ));
        }
        let rest_start = pos as usize;
        let rest_end = (offset + len) as usize;
        let mut indef = Vec::with_capacity(rest_end - rest_start + 2);
        indef.push(tag);
        indef.push(0x80);
        indef.extend_from_slice(buf.get(rest_start..rest_end).unwrap_or_default());
        let converted = convert_indefinite(&indef)?
            .ok_or_else(|| fail("not enough data to resolve indef len BER"))?;
        buf = Rc::from(converted);
        offset = 0;
        len = buf.len() as isize;
        pos = 2;
        if buf.first() != Some(&tag) {
            return Err(fail("Indefinite length encoding not supported"));
        }
        len_byte = buf[1];
        if len_byte == 0x80 {
            return Err(fail("Indefinite len conversion failed"));
        }
    }
    let length: i64 = if len_byte & 0x80 == 0 {
        i64::from(len_byte)
    } else {
        let n = len_byte & 0x7f;
        if n > 4 {
            return Err(fail("Invalid lenByte"));
        }
        if len < 2 + isize::from(n) {
            return Err(fail("Not enough length bytes"));
        }
        let l = long_form_length(&buf, pos as usize, usize::from(n))?;
        pos += isize::from(n);
        l as i64
    };
    let header = (pos - offset) as i64;
    if (len as i64) - length < header {
        return Err(fail("not enough content"));
    }
    if (len as i64) - length > header && !allow_more {
        return Err(fail("extra data at the end"));
    }
    let start = pos as usize;
    Ok(Val {
        tag,
        jdk,
        buf,
        start,
        end: start + length as usize,
    })
}

/// `DerIndefLenConverter.convertBytes`: rewrites the indefinite lengths of the value at the start of
/// `data` (and of any indefinite-length value met while walking it) as definite lengths, keeping the
/// bytes after it. `None` when the data ends before every indefinite length is resolved.
fn convert_indefinite(data: &[u8]) -> R<Option<Vec<u8>>> {
    enum Slot {
        Open(usize),
        Resolved(Vec<u8>),
    }
    let size = data.len();
    let mut pos = 0usize;
    let mut slots: Vec<Slot> = Vec::new();
    let mut unresolved = 0usize;
    let mut total_len_bytes: i64 = 0;
    while pos < size {
        if pos + 2 > size {
            return Ok(None);
        }
        // parseTag: an end-of-contents resolves the innermost open indefinite length.
        if data[pos] == 0 && data[pos + 1] == 0 {
            let mut encapsulated: i64 = 0;
            let mut index = None;
            for (i, s) in slots.iter().enumerate().rev() {
                match s {
                    Slot::Open(_) => {
                        index = Some(i);
                        break;
                    }
                    Slot::Resolved(b) => encapsulated += b.len() as i64 - 3,
                }
            }
            let Some(i) = index else {
                return Err(fail("EOC does not have matching indefinite-length tag"));
            };
            let Slot::Open(open) = slots[i] else {
                unreachable!("index points at an open slot");
            };
            let section = pos as i64 - open as i64 + encapsulated;
            let bytes = length_bytes(section);
            total_len_bytes += bytes.len() as i64 - 3;
            slots[i] = Slot::Resolved(bytes);
            unresolved -= 1;
        }
        pos += 1;
        // parseLength
        let len = if pos == size {
            0
        } else {
            let b = data[pos];
            pos += 1;
            if b == 0x80 {
                slots.push(Slot::Open(pos));
                unresolved += 1;
                0
            } else if b & 0x80 != 0 {
                let n = (b & 0x7f) as usize;
                if n > 4 {
                    return Err(fail("Too much data"));
                }
                if size - pos < n + 1 {
                    return Ok(None);
                }
                let l = long_form_length(data, pos, n)?;
                pos += n;
                l
            } else {
                b as usize
            }
        };
        pos += len;
        if unresolved == 0 {
            break;
        }
    }
    if unresolved != 0 {
        return Ok(None);
    }
    if pos > size {
        // The JDK sizes its output with a negative tail here and fails.
        return Err(Fail::runtime(RULE, "NegativeArraySizeException"));
    }
    let used = pos;
    let unused = size.saturating_sub(pos);
    let mut out = Vec::with_capacity((used as i64 + total_len_bytes) as usize + unused);
    let mut p = 0usize;
    let mut next_slot = 0usize;
    while p < used {
        // writeTag: skip end-of-contents octets.
        while p < used {
            if p + 1 < size && data[p] == 0 && data[p + 1] == 0 {
                p += 2;
            } else {
                out.push(data[p]);
                p += 1;
                break;
            }
        }
        if p >= used {
            break;
        }
        // writeLengthAndValue
        let b = data[p];
        p += 1;
        if b == 0x80 {
            if let Some(Slot::Resolved(bytes)) = slots.get(next_slot) {
                out.extend_from_slice(bytes);
            }
            next_slot += 1;
        } else {
            let l = if b & 0x80 != 0 {
                let n = (b & 0x7f) as usize;
                let l = long_form_length(data, p, n)?;
                p += n;
                l
            } else {
                b as usize
            };
            out.extend_from_slice(&length_bytes(l as i64));
            let stop = (p + l).min(size);
            out.extend_from_slice(&data[p..stop]);
            p += l;
        }
    }
    out.extend_from_slice(&data[used..]);
    Ok(Some(out))
}

/// A definite length as the JDK writes it (short form below 128, else the fewest bytes up to four).
pub(super) fn length_bytes(len: i64) -> Vec<u8> {
    let l = len as u64;
    if l < 128 {
        vec![l as u8]
    } else if l < 1 << 8 {
        vec![0x81, l as u8]
    } else if l < 1 << 16 {
        vec![0x82, (l >> 8) as u8, l as u8]
    } else if l < 1 << 24 {
        vec![0x83, (l >> 16) as u8, (l >> 8) as u8, l as u8]
    } else {
        vec![
            0x84,
            (l >> 24) as u8,
            (l >> 16) as u8,
            (l >> 8) as u8,
            l as u8,
        ]
    }
}

/// A bit string as the JDK's `BitArray`: its length in bits and its bytes (unused trailing bits cleared).
pub(super) struct BitArray {
    pub bits: usize,
    pub bytes: Vec<u8>,
}

/// An OBJECT IDENTIFIER's content octets (already checked as the JDK checks them).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) struct Oid(pub Vec<u8>);

impl Oid {
    /// Dotted form, as `ObjectIdentifier.toString()`.
    pub fn dotted(&self) -> String {
        dotted(&self.0)
    }
}

/// The dotted form of an OBJECT IDENTIFIER's content octets (`ObjectIdentifier.toString()`); an arc left
/// unfinished at the end is not printed.
pub(crate) fn dotted(content: &[u8]) -> String {
    let mut out = String::with_capacity(content.len() * 3);
    let mut acc: u64 = 0;
    let mut first = true;
    for &b in content {
        if acc > u64::MAX >> 7 {
            // A component beyond 64 bits: rare enough to take the slow road.
            return dotted_big(content);
        }
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let (x, y) = match acc {
                    0..40 => (0, acc),
                    40..80 => (1, acc - 40),
                    _ => (2, acc - 80),
                };
                push_decimal(&mut out, x);
                out.push('.');
                push_decimal(&mut out, y);
                first = false;
            } else {
                out.push('.');
                push_decimal(&mut out, acc);
            }
            acc = 0;
        }
    }
    out
}

fn dotted_big(content: &[u8]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut acc: num_bigint::BigUint = 0u32.into();
    let mut first = true;
    for &b in content {
        acc = (acc << 7u32) + (b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let forty: num_bigint::BigUint = 40u32.into();
                let eighty: num_bigint::BigUint = 80u32.into();
                if acc < forty {
                    parts.push("0".into());
                    parts.push(acc.to_string());
                } else if acc < eighty {
                    parts.push("1".into());
                    parts.push((acc.clone() - forty).to_string());
                } else {
                    parts.push("2".into());
                    parts.push((acc.clone() - eighty).to_string());
                }
                first = false;
            } else {
                parts.push(acc.to_string());
            }
            acc = 0u32.into();
        }
    }
    parts.join(".")
}

impl Val {
    /// Fails with `msg` (an `IOException` of `rule`) unless the tag is `tag`: the parsers' check before
    /// they read a value's content.
    pub fn require_tag(&self, tag: u8, rule: &'static str, msg: impl Into<String>) -> R<()> {
        if self.tag == tag {
            Ok(())
        } else {
            Err(Fail::new(rule, msg))
        }
    }

    /// A reader over the content of this SEQUENCE; fails with `msg` (an `IOException` of `rule`) when
    /// the value is not one.
    pub fn sequence_data(&self, rule: &'static str, msg: impl Into<String>) -> R<Input> {
        self.require_tag(TAG_SEQUENCE, rule, msg)?;
        Ok(self.data())
    }

    /// A value with another tag (`DerValue.resetTag` / `withTag`).
    pub fn with_tag(&self, tag: u8) -> Val {
        Val {
            tag,
            ..self.clone()
        }
    }

    /// The content octets.
    pub fn content(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Content length.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// A reader over the content (`DerValue.data()`).
    pub fn data(&self) -> Input {
        Input {
            jdk: self.jdk,
            buf: Rc::clone(&self.buf),
            pos: self.start as isize,
            end: self.end as isize,
        }
    }

    /// `isConstructed()`.
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// `isContextSpecific()`.
    pub fn is_context(&self) -> bool {
        self.tag & 0xc0 == 0x80
    }

    /// `isContextSpecific(n)` (either form).
    pub fn is_context_n(&self, n: u8) -> bool {
        self.is_context() && self.tag & 0x1f == n
    }

    /// `toDerInputStream()`: only SEQUENCE and SET.
    pub fn to_der_input_stream(&self) -> R<Input> {
        if self.tag == TAG_SEQUENCE || self.tag == TAG_SET {
            Ok(self.data())
        } else {
            Err(fail(format!(
                "toDerInputStream rejects tag type {}",
                self.tag as i8
            )))
        }
    }

    /// `toByteArray()`: the tag, a minimal definite length and the content.
    pub fn to_byte_array(&self) -> Vec<u8> {
        let mut out = vec![self.tag];
        out.extend_from_slice(&length_bytes(self.len() as i64));
        out.extend_from_slice(self.content());
        out
    }

    /// The same value as a buffer of its own (`new DerValue(toByteArray())`).
    pub fn reparsed(&self) -> R<Val> {
        parse_exact(&self.to_byte_array(), self.jdk)
    }

    /// `new DerInputStream(v.toByteArray()).getSequence/getSet`: the children read from a copy of the
    /// value, so that an indefinite length inside behaves as at the end of a buffer. Read in place first
    /// (the same outcome whenever no indefinite length is met, and cheaper); copied only otherwise.
    pub fn subs_isolated(&self, expected: u8) -> R<Vec<Val>> {
        match self.subs(expected) {
            Ok(children) if children.iter().all(|c| Rc::ptr_eq(&c.buf, &self.buf)) => Ok(children),
            _ => self.reparsed()?.subs(expected),
        }
    }

    /// `subs(expectedTag)`: the children (`getSequence`/`getSet`); tag 0 accepts any.
    pub fn subs(&self, expected: u8) -> R<Vec<Val>> {
        if expected != 0 && expected != self.tag {
            return Err(fail("Not the correct tag"));
        }
        let mut input = self.data();
        let mut out = Vec::new();
        while input.available() > 0 {
            out.push(input.get_der_value()?);
        }
        Ok(out)
    }

    /// `getBoolean()`.
    pub fn get_boolean(&self) -> R<bool> {
        if self.tag != TAG_BOOLEAN {
            return Err(fail(format!(
                "DerValue.getBoolean, not a BOOLEAN {}",
                self.tag as i8
            )));
        }
        if self.len() != 1 {
            return Err(fail(format!(
                "DerValue.getBoolean, invalid length {}",
                self.len()
            )));
        }
        Ok(self.content()[0] != 0)
    }

    /// `getOID()` with `ObjectIdentifier`'s checks.
    pub fn get_oid(&self) -> R<Oid> {
        if self.tag != TAG_OID {
            return Err(fail(format!(
                "DerValue.getOID, not an OID {}",
                self.tag as i8
            )));
        }
        let enc = self.content();
        if enc.len() > 4096 {
            return Err(Fail::new(
                "ObjectIdentifier: size",
                format!(
                    "ObjectIdentifier encoded length exceeds the restriction in JDK (OId length(>=): {}, Restriction: 4096)",
                    enc.len()
                ),
            ));
        }
        if enc.is_empty() || enc[enc.len() - 1] & 0x80 != 0 {
            return Err(Fail::new(
                "ObjectIdentifier: encoding",
                "ObjectIdentifier() -- Invalid DER encoding, not ended",
            ));
        }
        for i in 0..enc.len() {
            if enc[i] == 0x80 && (i == 0 || enc[i - 1] & 0x80 == 0) {
                return Err(Fail::new(
                    "ObjectIdentifier: encoding",
                    "ObjectIdentifier() -- Invalid DER encoding, useless extra octet detected",
                ));
            }
        }
        Ok(Oid(enc.to_vec()))
    }

    /// `getOctetString()`: primitive or constructed (concatenated).
    pub fn get_octet_string(&self, nest_limit: bool) -> R<Vec<u8>> {
        self.octet_string(0, nest_limit)
    }

    fn octet_string(&self, depth: u32, nest_limit: bool) -> R<Vec<u8>> {
        let depth = depth + 1;
        if nest_limit && depth > MAX_CONSTRUCTED_NEST {
            return Err(fail(format!(
                "Nested OctetString limit reached ({MAX_CONSTRUCTED_NEST})."
            )));
        }
        // `isConstructed(tag_OctetString)` looks at the form and the number only, not the class.
        if self.tag != TAG_OCTET_STRING && !(self.is_constructed() && self.tag & 0x1f == 4) {
            return Err(fail(format!(
                "DerValue.getOctetString, not an Octet String: {}",
                self.tag as i8
            )));
        }
        if self.len() == 0 {
            return Ok(Vec::new());
        }
        if !self.is_constructed() {
            return Ok(self.content().to_vec());
        }
        let mut out = Vec::new();
        let mut input = self.data();
        while input.available() > 0 {
            out.extend(input.get_der_value()?.octet_string(depth, nest_limit)?);
        }
        Ok(out)
    }

    /// `getBigInteger()` (BER: redundant leading zeros allowed), when only its validity matters.
    pub fn get_big_integer(&self) -> R<()> {
        self.integer_bytes(TAG_INTEGER).map(|_| ())
    }

    /// `getPositiveBigInteger()`: the content read as unsigned, as its magnitude (leading zeros off).
    pub fn get_positive_magnitude(&self) -> R<&[u8]> {
        let b = self.integer_bytes(TAG_INTEGER)?;
        let skip = b.iter().take_while(|&&x| x == 0).count();
        Ok(&b[skip..])
    }

    fn integer_bytes(&self, expected: u8) -> R<&[u8]> {
        if self.tag != expected {
            return Err(fail(format!(
                "DerValue.getBigIntegerInternal, not expected {}",
                self.tag as i8
            )));
        }
        if self.len() == 0 {
            return Err(fail("Invalid encoding: zero length Int value"));
        }
        Ok(self.content())
    }

    /// `getInteger()`: an INTEGER that fits a Java `int`.
    pub fn get_integer(&self) -> R<i32> {
        self.int(TAG_INTEGER)
    }

    /// `getEnumerated()`.
    pub fn get_enumerated(&self) -> R<i32> {
        self.int(TAG_ENUMERATED)
    }

    fn int(&self, tag: u8) -> R<i32> {
        let b = self.integer_bytes(tag)?;
        let negative = b[0] & 0x80 != 0;
        // Strip sign-extension bytes, then the value fits an i32 when at most 4 bytes remain and the
        // top one agrees with the sign.
        let fill = if negative { 0xff } else { 0x00 };
        let mut i = 0;
        while i + 1 < b.len() && b[i] == fill && (b[i + 1] & 0x80 != 0) == negative {
            i += 1;
        }
        let rest = &b[i..];
        if rest.len() > 4 {
            return Err(fail(if negative {
                "Integer below minimum valid value"
            } else {
                "Integer exceeds maximum valid value"
            }));
        }
        let mut v: i64 = if negative { -1 } else { 0 };
        for &x in rest {
            v = (v << 8) | i64::from(x);
        }
        match i32::try_from(v) {
            Ok(v) => Ok(v),
            Err(_) if negative => Err(fail("Integer below minimum valid value")),
            Err(_) => Err(fail("Integer exceeds maximum valid value")),
        }
    }

    fn pad_bits(&self, implicit: bool) -> R<(u8, &[u8])> {
        if !implicit && self.tag != TAG_BIT_STRING {
            return Err(fail(format!(
                "DerValue.getBitString, not a bit string {}",
                self.tag as i8
            )));
        }
        if self.len() == 0 {
            return Err(fail("Invalid encoding: zero length bit string"));
        }
        let c = self.content();
        let pad = c[0];
        if pad > 7 {
            return Err(fail("Invalid number of padding bits"));
        }
        if (c.len() - 1) * 8 < pad as usize {
            return Err(fail("Not enough bytes in BitString"));
        }
        Ok((pad, &c[1..]))
    }

    /// `getBitString()`: the bytes.
    pub fn get_bit_string(&self) -> R<Vec<u8>> {
        Ok(self.pad_bits(false)?.1.to_vec())
    }

    /// `getUnalignedBitString(implicit)`.
    pub fn get_unaligned_bit_string(&self, implicit: bool) -> R<BitArray> {
        let (pad, bytes) = self.pad_bits(implicit)?;
        let bits = bytes.len() * 8 - pad as usize;
        let mut bytes = bytes[..bits.div_ceil(8)].to_vec();
        if let Some(last) = bytes.last_mut() {
            *last &= 0xffu8.checked_shl(pad.into()).unwrap_or(0);
        }
        Ok(BitArray { bits, bytes })
    }

    /// `getIA5String()` and friends that decode as US-ASCII: one char per byte, bytes above 0x7f becoming
    /// U+FFFD as Java's decoder makes them.
    pub fn get_ascii(&self, expected: u8) -> R<Vec<char>> {
        if self.tag != expected {
            return Err(fail(format!(
                "Incorrect string type {} is not {}",
                self.tag as i8, expected as i8
            )));
        }
        Ok(self
            .content()
            .iter()
            .map(|&b| if b < 0x80 { b as char } else { '\u{fffd}' })
            .collect())
    }

    /// `validateBMPString()`: the value decoded as UTF-16BE must hold no surrogate character. Java's
    /// decoder turns a lone surrogate into U+FFFD, so only a well-formed surrogate pair (a character
    /// outside the BMP) is refused.
    pub fn validate_bmp_string(&self) -> R<()> {
        let units: Vec<u16> = self
            .content()
            .chunks_exact(2)
            .map(|u| u16::from_be_bytes([u[0], u[1]]))
            .collect();
        for (i, w) in units.windows(2).enumerate() {
            if (0xd800..=0xdbff).contains(&w[0]) && (0xdc00..=0xdfff).contains(&w[1]) {
                return Err(Fail::new(
                    "AVA: BMPString",
                    format!("Illegal character in BMPString, index: {i}"),
                ));
            }
        }
        Ok(())
    }

    /// `getAsString()`: whether the tag is one of the string types it decodes (else it returns null).
    pub fn is_string(&self) -> bool {
        matches!(
            self.tag,
            TAG_UTF8_STRING
                | TAG_PRINTABLE_STRING
                | TAG_T61_STRING
                | TAG_IA5_STRING
                | TAG_UNIVERSAL_STRING
                | TAG_BMP_STRING
                | TAG_GENERAL_STRING
        )
    }

    /// `getUTCTime()` / `getGeneralizedTime()`.
    pub fn get_time(&self, generalized: bool) -> R<()> {
        if generalized {
            if self.tag != TAG_GENERALIZED_TIME {
                return Err(fail(format!(
                    "DerValue.getGeneralizedTime, not a GeneralizedTime: {}",
                    self.tag as i8
                )));
            }
            if self.len() < 13 {
                return Err(fail("DER Generalized Time length error"));
            }
        } else {
            if self.tag != TAG_UTC_TIME {
                return Err(fail(format!(
                    "DerValue.getUTCTime, not a UtcTime: {}",
                    self.tag as i8
                )));
            }
            if self.len() < 11 || self.len() > 17 {
                return Err(fail("DER UTC Time length error"));
            }
        }
        super::time::check(self.content(), generalized)
    }
}

impl Input {
    /// A reader over a buffer of its own.
    pub fn new(bytes: &[u8], jdk: Jdk) -> Input {
        Input {
            jdk,
            buf: Rc::from(bytes),
            pos: 0,
            end: bytes.len() as isize,
        }
    }

    /// `available()`: may be negative (see the module documentation).
    pub fn available(&self) -> isize {
        self.end - self.pos
    }

    /// `toByteArray()`: the bytes from the position to the end.
    pub fn to_byte_array(&self) -> Vec<u8> {
        let (p, e) = (self.pos.max(0) as usize, self.end.max(0) as usize);
        self.buf.get(p..e).map(<[u8]>::to_vec).unwrap_or_default()
    }

    /// The tag byte of the next value, if any (`checkNextTag`).
    pub fn peek_tag(&self) -> Option<u8> {
        if self.available() > 0 {
            usize::try_from(self.pos)
                .ok()
                .and_then(|p| self.buf.get(p).copied())
        } else {
            None
        }
    }

    /// `getDerValue()`.
    pub fn get_der_value(&mut self) -> R<Val> {
        let v = read_value(self.jdk, &self.buf, self.pos, self.end - self.pos, true)?;
        if !Rc::ptr_eq(&v.buf, &self.buf) {
            // An indefinite length was converted: the unused bytes follow the value in its new buffer.
            // JDK 25 measures them back from the end of this reader; JDK 17 from the end of the whole
            // underlying buffer, which overshoots when the reader is a range inside it.
            let unused = (v.buf.len() - v.end) as isize;
            self.pos = match self.jdk.line() {
                Line::Jdk17 => self.buf.len() as isize - unused,
                Line::Jdk25 => self.end - unused,
            };
        } else {
            self.pos = v.end as isize;
        }
        Ok(v)
    }

    /// `getSequence(n)`: the next value's children; it must be a SEQUENCE.
    pub fn get_sequence(&mut self) -> R<Vec<Val>> {
        self.get_der_value()?.subs(TAG_SEQUENCE)
    }

    /// `DerInputStream.getOctetString()`: the next value must be a primitive OCTET STRING.
    pub fn get_octet_string(&mut self) -> R<Vec<u8>> {
        let v = self.get_der_value()?;
        if v.tag != TAG_OCTET_STRING {
            return Err(fail("DER input not an octet string"));
        }
        Ok(v.content().to_vec())
    }

    /// `getOID()`.
    pub fn get_oid(&mut self) -> R<Oid> {
        self.get_der_value()?.get_oid()
    }
}

/// `new DerValue(bytes)`: exactly one value.
pub(super) fn parse_exact(bytes: &[u8], jdk: Jdk) -> R<Val> {
    let buf: Rc<[u8]> = Rc::from(bytes);
    read_value(jdk, &buf, 0, bytes.len() as isize, false)
}

/// Appends `n` in decimal (what `write!(s, "{n}")` does, without the formatting machinery: OIDs are
/// rendered for every extension and attribute of every certificate a store holds).
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_exact_17(bytes: &[u8]) -> R<Val> {
        parse_exact(bytes, Jdk::V17)
    }

    #[test]
    fn long_form_lengths_with_leading_zeros_are_accepted_as_ber() {
        let v = parse_exact_17(&[0x04, 0x82, 0x00, 0x02, 0xaa, 0xbb]).unwrap();
        assert_eq!(v.content(), [0xaa, 0xbb]);
        assert_eq!(v.to_byte_array(), [0x04, 0x02, 0xaa, 0xbb]);
    }

    #[test]
    fn indefinite_lengths_are_converted_and_primitive_ones_refused() {
        let v = parse_exact_17(&[0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]).unwrap();
        assert_eq!(v.to_byte_array(), [0x30, 0x03, 0x02, 0x01, 0x05]);
        let e = parse_exact_17(&[0x04, 0x80, 0x00, 0x00]).err().unwrap();
        assert!(e.msg.contains("non-constructed"), "{}", e.msg);
    }

    #[test]
    fn multi_byte_tags_and_five_byte_lengths_are_refused() {
        assert!(parse_exact_17(&[0x1f, 0x01, 0x00]).is_err());
        let e = parse_exact_17(&[0x04, 0x85, 0, 0, 0, 0, 1, 0])
            .err()
            .unwrap();
        assert_eq!(e.msg, "Invalid lenByte");
    }

    #[test]
    fn oids_with_a_leading_0x80_octet_are_refused() {
        let v = parse_exact_17(&[0x06, 0x02, 0x80, 0x01]).unwrap();
        assert!(v.get_oid().is_err());
        let v = parse_exact_17(&[0x06, 0x03, 0x2a, 0x86, 0x48]).unwrap();
        assert_eq!(v.get_oid().unwrap().dotted(), "1.2.840");
    }

    #[test]
    fn oids_are_rendered_in_decimal_with_the_first_two_arcs_joined() {
        let oid = |body: &[u8]| {
            let mut der = vec![0x06, body.len() as u8];
            der.extend_from_slice(body);
            parse_exact_17(&der).unwrap().get_oid().unwrap().dotted()
        };
        assert_eq!(oid(&[0x00]), "0.0");
        assert_eq!(oid(&[0x27, 0x00]), "0.39.0");
        assert_eq!(oid(&[0x28, 0x0a]), "1.0.10");
        assert_eq!(oid(&[0x88, 0x37]), "2.999");
        assert_eq!(
            oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
            "1.2.840.113549.1.1.11"
        );
        // u64::MAX as an arc (10 base-128 digits), then one past it (the big-number path).
        let max = [0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert_eq!(
            oid(&[&[0x2a][..], &max].concat()),
            format!("1.2.{}", u64::MAX)
        );
        let over = [0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        assert_eq!(
            oid(&[&[0x2a][..], &over].concat()),
            "1.2.18446744073709551616"
        );
    }

    #[test]
    fn bmp_strings_with_a_surrogate_pair_are_refused_and_lone_surrogates_are_not() {
        let pair = parse_exact_17(&[0x1e, 0x06, 0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00]).unwrap();
        assert!(pair.validate_bmp_string().is_err());
        let lone = parse_exact_17(&[0x1e, 0x06, 0x00, 0x41, 0xd8, 0x3d, 0xe0, 0x00]).unwrap();
        assert!(lone.validate_bmp_string().is_ok());
    }
}
