//! Names: `X500Name` (with its fallback for a name that is not a SEQUENCE), `RDN`, `AVA`, and
//! `GeneralName` with each of its forms (`OtherName`, `RFC822Name`, `DNSName`, `X400Address`,
//! `URIName`, `IPAddressName`, `OIDName`, `EDIPartyName`, a directory name).

use super::der::{
    self, Input, TAG_BMP_STRING, TAG_IA5_STRING, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, TAG_SET,
    Val,
};
use super::oidmap::known_extension;
use super::{Fail, Jdk, Line, R, uri};

/// A parsed X.500 name: how many AVAs each RDN holds.
pub(super) struct X500Name {
    rdn_sizes: Vec<usize>,
}

impl X500Name {
    /// `X500Name.isEmpty()`: no RDN holds an AVA.
    pub fn is_empty(&self) -> bool {
        self.rdn_sizes.iter().all(|&n| n == 0)
    }

    /// `X500Name(DerInputStream)` (`parseDER`): the next value as a SEQUENCE of RDNs. When the next value
    /// is not a SEQUENCE (or does not parse), the JDK wraps *all the remaining bytes* of the stream in a
    /// SEQUENCE and reads that instead; the stream has then moved past the value it could read.
    pub fn parse_stream(input: &mut Input, jdk: Jdk) -> R<X500Name> {
        let rest = input.to_byte_array();
        let rdns = match input.get_sequence() {
            Ok(rdns) => rdns,
            Err(_) => {
                let mut wrapped = vec![TAG_SEQUENCE];
                wrapped.extend_from_slice(&der::length_bytes(rest.len() as i64));
                wrapped.extend_from_slice(&rest);
                Input::new(&wrapped, jdk).get_sequence()?
            }
        };
        let mut rdn_sizes = Vec::with_capacity(rdns.len());
        for rdn in &rdns {
            rdn_sizes.push(rdn_avas(rdn, jdk)?);
        }
        Ok(X500Name { rdn_sizes })
    }
}

/// `RDN(DerValue)`: a SET of AVAs; returns how many.
pub(super) fn rdn_avas(rdn: &Val, jdk: Jdk) -> R<usize> {
    rdn.require_tag(TAG_SET, "RDN", "X500 RDN")?;
    let avas = rdn.subs_isolated(TAG_SET)?;
    for a in &avas {
        ava(a, jdk)?;
    }
    Ok(avas.len())
}

/// `AVA(DerValue)`: SEQUENCE { OID, any value } with nothing after; a BMPString value must hold no
/// surrogate (from 17.0.16, [`super::Change::BmpStringSurrogates`]).
fn ava(v: &Val, jdk: Jdk) -> R<()> {
    let mut data = v.sequence_data("AVA", "AVA not a sequence")?;
    data.get_oid()?;
    let value = data.get_der_value()?;
    if data.available() != 0 {
        return Err(Fail::new(
            "AVA",
            format!("AVA, extra bytes = {}", data.available()),
        ));
    }
    if value.tag == TAG_BMP_STRING && jdk.refuses_bmp_surrogates() {
        value.validate_bmp_string()?;
    }
    Ok(())
}

/// `GeneralNames(DerValue)`: a non-empty SEQUENCE of GeneralName; returns how many.
pub(super) fn general_names(v: &Val, jdk: Jdk) -> R<usize> {
    const RULE: &str = "GeneralNames";
    let mut data = v.sequence_data(RULE, "Invalid encoding for GeneralNames.")?;
    if data.available() == 0 {
        return Err(Fail::new(
            RULE,
            "No data available in passed DER encoded value.",
        ));
    }
    let mut n = 0;
    while data.available() != 0 {
        general_name(&data.get_der_value()?, false, jdk)?;
        n += 1;
    }
    Ok(n)
}

/// `GeneralName(DerValue, nameConstraint)`: the form is chosen by the tag number alone, then each form
/// requires context-specific class and its own primitive/constructed form.
pub(super) fn general_name(v: &Val, name_constraint: bool, jdk: Jdk) -> R<()> {
    const RULE: &str = "GeneralName";
    let ctx = v.is_context();
    let cons = v.is_constructed();
    match v.tag & 0x1f {
        0 => {
            if !(ctx && cons) {
                return Err(Fail::new(RULE, "Invalid encoding of Other-Name"));
            }
            other_name(&v.with_tag(TAG_SEQUENCE), jdk)
        }
        1 => {
            if !ctx || cons {
                return Err(Fail::new(RULE, "Invalid encoding of RFC822 name"));
            }
            rfc822(&v.with_tag(TAG_IA5_STRING).get_ascii(TAG_IA5_STRING)?)
        }
        2 => {
            if !ctx || cons {
                return Err(Fail::new(RULE, "Invalid encoding of DNSName"));
            }
            // DNSName(DerValue) only decodes the IA5String; the strict rules apply to names built from
            // strings (and are checked later, by the hostname and name-constraint checks).
            Ok(())
        }
        3 => {
            if !(ctx && cons) {
                return Err(Fail::new(RULE, "Invalid encoding of X400Address name"));
            }
            Ok(())
        }
        4 => {
            if !(ctx && cons) {
                return Err(Fail::new(RULE, "Invalid encoding of Directory name"));
            }
            X500Name::parse_stream(&mut v.data(), jdk).map(|_| ())
        }
        5 => {
            if !(ctx && cons) {
                return Err(Fail::new(RULE, "Invalid encoding of EDI name"));
            }
            edi_party_name(&v.with_tag(TAG_SEQUENCE), jdk)
        }
        6 => {
            if !ctx || cons {
                return Err(Fail::new(RULE, "Invalid encoding of URI"));
            }
            let text = v.with_tag(TAG_IA5_STRING).get_ascii(TAG_IA5_STRING)?;
            if name_constraint {
                uri::name_constraint(&text, jdk)
            } else {
                uri::uri_name(&text, jdk)
            }
        }
        7 => {
            if !ctx || cons {
                return Err(Fail::new(RULE, "Invalid encoding of IP address"));
            }
            let bytes = v.with_tag(TAG_OCTET_STRING).get_octet_string(false)?;
            ip_address_bytes(&bytes, jdk)
        }
        8 => {
            if !ctx || cons {
                return Err(Fail::new(RULE, "Invalid encoding of OID name"));
            }
            v.with_tag(TAG_OID).get_oid().map(|_| ())
        }
        t => Err(Fail::new(
            RULE,
            format!("Unrecognized GeneralName tag, ({t})"),
        )),
    }
}

/// `OtherName(DerValue)`: SEQUENCE { type-id OID, value }. JDK 25 requires the value to be an explicit
/// `[0]`; a type-id that names an extension class of `OIDMap` cannot be instantiated as a name.
fn other_name(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "OtherName";
    let mut data = v.to_der_input_stream()?;
    let oid = data.get_oid()?;
    let value = data.get_der_value()?;
    if jdk == Jdk::V25 && !(value.is_context_n(0) && value.is_constructed()) {
        return Err(Fail::new(RULE, "value is not EXPLICTly tagged [0]"));
    }
    if let Some(class) = known_extension(&oid.dotted()) {
        // OtherName.getGNI looks the type-id up in OIDMap and reflects on the class's constructor, which
        // an extension class does not have (JDK 25 also tries a byte[] one, and reports that).
        let param = match jdk.line() {
            Line::Jdk17 => "java.lang.Object",
            Line::Jdk25 => "[B",
        };
        return Err(Fail::new(
            RULE,
            format!(
                "Instantiation error: java.lang.NoSuchMethodException: sun.security.x509.{class}Extension.<init>({param})"
            ),
        ));
    }
    Ok(())
}

/// `RFC822Name.parseName`: not empty, and what follows the first `@` is neither empty nor a lone `.`.
fn rfc822(name: &[char]) -> R<()> {
    const RULE: &str = "RFC822Name";
    if name.is_empty() {
        return Err(Fail::new(RULE, "RFC822Name may not be null or empty"));
    }
    let domain = match name.iter().position(|&c| c == '@') {
        Some(at) => &name[at + 1..],
        None => name,
    };
    if domain.is_empty() {
        return Err(Fail::new(RULE, "RFC822Name may not end with @"));
    }
    if domain == ['.'] {
        return Err(Fail::new(RULE, "RFC822Name domain may not be just ."));
    }
    Ok(())
}

/// `EDIPartyName(DerValue)`: one or two elements; only *primitive* `[0]`/`[1]` are read (their content
/// parsed as a value), so the standard explicit encoding is skipped. JDK 25 requires a party name.
fn edi_party_name(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "EDIPartyName";
    let seq = v.subs_isolated(TAG_SEQUENCE)?;
    if seq.is_empty() || seq.len() > 2 {
        return Err(Fail::new(RULE, "Invalid encoding of EDIPartyName"));
    }
    let (mut assigner, mut party) = (false, false);
    for opt in seq {
        let mut opt = opt;
        if opt.is_context_n(0) && !opt.is_constructed() {
            if assigner {
                return Err(Fail::new(
                    RULE,
                    "Duplicate nameAssigner found in EDIPartyName",
                ));
            }
            opt = opt.data().get_der_value()?;
            assigner = true;
        }
        if opt.is_context_n(1) && !opt.is_constructed() {
            if party {
                return Err(Fail::new(RULE, "Duplicate partyName found in EDIPartyName"));
            }
            opt = opt.data().get_der_value()?;
            // getAsString() returns null for a non-string value; a null party counts as missing.
            party = opt.is_string();
        }
    }
    if jdk == Jdk::V25 && !party {
        return Err(Fail::new(RULE, "party cannot be missing"));
    }
    Ok(())
}

/// `IPAddressName(byte[])`: 4 or 8 bytes (IPv4, subnet), 16 or 32 (IPv6, subnet). JDK 17 reads an
/// IPv4-mapped IPv6 subnet as an IPv4 one, which needs a mask whose first 96 bits are set.
fn ip_address_bytes(b: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "IPAddressName";
    match b.len() {
        4 | 8 | 16 => Ok(()),
        32 => {
            let mapped = b[..10].iter().all(|&x| x == 0) && b[10] == 0xff && b[11] == 0xff;
            if jdk.parser_17u20() && mapped && b[16..28].iter().any(|&x| x != 0xff) {
                return Err(Fail::new(
                    RULE,
                    "Not an IPv4-mapped IPv6 mask: first 96 bits are not set",
                ));
            }
            Ok(())
        }
        _ => Err(Fail::new(RULE, "Invalid IPAddressName")),
    }
}

/// `RDN` as used by `DistributionPoint` (a relative name): checked like a name's RDN.
pub(super) fn relative_name(v: &Val, jdk: Jdk) -> R<()> {
    rdn_avas(&v.with_tag(TAG_SET), jdk).map(|_| ())
}
