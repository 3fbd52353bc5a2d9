//! `AlgorithmId.parse` and the `AlgorithmParameters` the JDK decodes for it: the parameters of an
//! algorithm whose name has a parameters implementation are decoded at once (`decodeParams`), so bad EC,
//! DSA, DH, RSASSA-PSS, OAEP, cipher-IV or PBE parameters fail the certificate wherever the algorithm
//! identifier sits (signature, key). Names come from `KnownOIDs` (and provider aliases), measured with
//! both JDKs.

use super::curve::curve_field_size;
use super::der::{
    self, Input, TAG_INTEGER, TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, Val,
};
use super::{Fail, Jdk, Line, R};

/// A parsed AlgorithmIdentifier: the OID and the parameters as the JDK keeps them (re-encoded with a
/// minimal length; `None` when absent or NULL).
pub(super) struct AlgorithmId {
    pub oid: der::Oid,
    pub dotted: String,
    pub params: Option<Vec<u8>>,
}

/// The `AlgorithmParameters` implementations reachable from an OID, by `getName()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Params {
    Aes,
    DesEde,
    Blowfish,
    ChaCha20,
    Oaep,
    Pss,
    Dh,
    Pbe,
    Pbes2,
    Dsa,
    Ec,
}

fn params_for(oid: &str, jdk: Jdk) -> Option<Params> {
    Some(match oid {
        "2.16.840.1.101.3.4.1" => Params::Aes,
        "1.3.14.3.2.17" => Params::DesEde,
        "1.3.6.1.4.1.3029.1.1.2" if jdk == Jdk::V25 => Params::Blowfish,
        "1.2.840.113549.1.9.16.3.18" => Params::ChaCha20,
        "1.2.840.113549.1.1.7" => Params::Oaep,
        "1.2.840.113549.1.1.10" => Params::Pss,
        "1.2.840.113549.1.3.1" | "1.2.840.10046.2.1" => Params::Dh,
        "1.2.840.113549.1.5.3"
        | "1.2.840.113549.1.12.1.1"
        | "1.2.840.113549.1.12.1.2"
        | "1.2.840.113549.1.12.1.3"
        | "1.2.840.113549.1.12.1.5"
        | "1.2.840.113549.1.12.1.6" => Params::Pbe,
        "1.2.840.113549.1.5.13" => Params::Pbes2,
        "1.2.840.10040.4.1" | "1.3.14.3.2.12" => Params::Dsa,
        "1.2.840.10045.2.1" => Params::Ec,
        _ => return None,
    })
}

/// `KnownOIDs` names of message digests, as PSS and OAEP compare them.
fn digest_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.3.14.3.2.26" => "SHA-1",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "2.16.840.1.101.3.4.2.3" => "SHA-512",
        "2.16.840.1.101.3.4.2.5" => "SHA-512/224",
        "2.16.840.1.101.3.4.2.6" => "SHA-512/256",
        "2.16.840.1.101.3.4.2.7" => "SHA3-224",
        "2.16.840.1.101.3.4.2.8" => "SHA3-256",
        "2.16.840.1.101.3.4.2.9" => "SHA3-384",
        "2.16.840.1.101.3.4.2.10" => "SHA3-512",
        _ => return None,
    })
}

const MGF1: &str = "1.2.840.113549.1.1.8";

impl AlgorithmId {
    /// `AlgorithmId.parse(DerValue)`, decoding the parameters when the JDK does.
    pub fn parse(v: &Val, jdk: Jdk) -> R<AlgorithmId> {
        const RULE: &str = "AlgorithmId: parse";
        v.require_tag(TAG_SEQUENCE, RULE, "algid parse error, not a sequence")?;
        let mut input = v.to_der_input_stream()?;
        let oid = input.get_oid()?;
        let mut params = None;
        if input.available() != 0 {
            let p = input.get_der_value()?;
            if p.tag == TAG_NULL {
                if p.len() != 0 {
                    return Err(Fail::new(RULE, "invalid NULL"));
                }
            } else {
                params = Some(p);
            }
            if input.available() != 0 {
                return Err(Fail::new(RULE, "Invalid AlgorithmIdentifier: extra data"));
            }
        }
        let dotted = oid.dotted();
        let params = match params {
            None => None,
            Some(p) => {
                let encoded = p.to_byte_array();
                if let Some(kind) = params_for(&dotted, jdk) {
                    decode_params(kind, &encoded, jdk)?;
                }
                Some(encoded)
            }
        };
        Ok(AlgorithmId {
            oid,
            dotted,
            params,
        })
    }

    /// `AlgorithmId.equals`: same OID and the same parameter encoding (absent and NULL alike).
    pub fn same_as(&self, other: &AlgorithmId) -> bool {
        self.oid == other.oid && self.params == other.params
    }

    /// The parameters as a value, when present.
    pub fn params_val(&self, jdk: Jdk) -> Option<R<Val>> {
        self.params.as_deref().map(|p| der::parse_exact(p, jdk))
    }
}

fn decode_params(kind: Params, encoded: &[u8], jdk: Jdk) -> R<()> {
    match kind {
        Params::Aes => iv(encoded, 16, "[4, 8]", jdk),
        Params::DesEde | Params::Blowfish => iv(encoded, 8, "[]", jdk),
        Params::ChaCha20 => {
            let n = der::parse_exact(encoded, jdk)?.get_octet_string(jdk.parser_17u20())?;
            if n.len() != 12 {
                return Err(Fail::new(
                    "ChaCha20Poly1305Parameters",
                    "ChaCha20-Poly1305 nonce must be 12 bytes in length",
                ));
            }
            Ok(())
        }
        Params::Pbe => {
            let v = der::parse_exact(encoded, jdk)?;
            let mut d = v.sequence_data(
                "PBEParameters",
                "PBE parameter parsing error: not a sequence",
            )?;
            d.get_octet_string()?;
            d.get_der_value()?.get_integer()?;
            if d.available() != 0 {
                return Err(Fail::new(
                    "PBEParameters",
                    "PBE parameter parsing error: extra data",
                ));
            }
            Ok(())
        }
        Params::Pbes2 => pbes2(encoded, jdk),
        Params::Oaep => oaep(encoded, jdk),
        Params::Pss => pss(encoded, jdk),
        Params::Dh => dh_params(&der::parse_exact(encoded, jdk)?),
        Params::Dsa => {
            let v = der::parse_exact(encoded, jdk)?;
            let mut d = v.sequence_data("DSAParameters", "DSA params parsing error")?;
            for _ in 0..3 {
                d.get_der_value()?.get_big_integer()?;
            }
            if d.available() != 0 {
                return Err(Fail::new(
                    "DSAParameters",
                    format!("encoded params have {} extra bytes", d.available()),
                ));
            }
            Ok(())
        }
        Params::Ec => {
            let v = der::parse_exact(encoded, jdk)?;
            v.require_tag(TAG_OID, "ECParameters", "Only named ECParameters supported")?;
            let curve = v.get_oid()?.dotted();
            if curve_field_size(&curve).is_none() {
                return Err(Fail::new(
                    "ECParameters: named curve",
                    format!("Unknown named curve: {curve}"),
                ));
            }
            Ok(())
        }
    }
}

/// `BlockCipherParamsCore.init`: one OCTET STRING of exactly the block size (the other sizes AES names
/// in its message apply to parameters built from a spec, not decoded).
fn iv(encoded: &[u8], size: usize, more: &str, jdk: Jdk) -> R<()> {
    let mut d = Input::new(encoded, jdk);
    let iv = d.get_der_value()?;
    iv.require_tag(
        TAG_OCTET_STRING,
        "BlockCipherParamsCore",
        "DER input not an octet string",
    )?;
    let iv = iv.get_octet_string(false)?;
    if d.available() != 0 {
        return Err(Fail::new(
            "BlockCipherParamsCore",
            "IV parsing error: extra data",
        ));
    }
    if iv.len() != size {
        return Err(Fail::new(
            "BlockCipherParamsCore",
            format!("IV not {size}{more} bytes long"),
        ));
    }
    Ok(())
}

/// An MGF1 AlgorithmIdentifier's digest name (PSS and OAEP).
fn mgf1_digest(alg: &AlgorithmId, jdk: Jdk) -> R<String> {
    if alg.dotted != MGF1 {
        return Err(Fail::new("PSSParameters", "Only MGF1 mgf is supported"));
    }
    let Some(p) = alg.params_val(jdk) else {
        return Err(Fail::new("PSSParameters", "Missing MGF1 parameters"));
    };
    let inner = AlgorithmId::parse(&p?, jdk)?;
    Ok(digest_name(&inner.dotted)
        .map(str::to_owned)
        .unwrap_or(inner.dotted))
}

/// `PSSParameters.engineInit`: a SEQUENCE of `[0]` hash, `[1]` MGF1 with a known digest, `[2]` salt
/// length ≥ 0, `[3]` trailer field 1.
fn pss(encoded: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "PSSParameters";
    let seq = Input::new(encoded, jdk).get_sequence()?;
    for d in seq {
        if d.is_context_n(0) {
            AlgorithmId::parse(&d.data().get_der_value()?, jdk)?;
        } else if d.is_context_n(1) {
            let mgf = AlgorithmId::parse(&d.data().get_der_value()?, jdk)?;
            let digest = mgf1_digest(&mgf, jdk)?;
            if !matches!(
                digest.as_str(),
                "SHA-1"
                    | "SHA-224"
                    | "SHA-256"
                    | "SHA-384"
                    | "SHA-512"
                    | "SHA-512/224"
                    | "SHA-512/256"
                    | "SHA3-224"
                    | "SHA3-256"
                    | "SHA3-384"
                    | "SHA3-512"
            ) {
                return Err(Fail::new(
                    RULE,
                    format!("Unrecognized message digest algorithm {digest}"),
                ));
            }
        } else if d.is_context_n(2) {
            if d.data().get_der_value()?.get_integer()? < 0 {
                return Err(Fail::new(RULE, "Negative value for saltLength"));
            }
        } else if d.is_context_n(3) {
            let t = d.data().get_der_value()?.get_integer()?;
            if t != 1 {
                return Err(Fail::new(
                    RULE,
                    format!("Unsupported trailerField value {t}"),
                ));
            }
        } else {
            return Err(Fail::new(RULE, "Invalid encoded PSSParameters"));
        }
    }
    Ok(())
}

/// `OAEPParameters.engineInit`. JDK 17 reads the SEQUENCE's elements in any order; JDK 25 reads optional
/// `[0]`, `[1]`, `[2]` in order and requires nothing after them.
fn oaep(encoded: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "OAEPParameters";
    let mgf = |v: &Val| -> R<()> {
        let alg = AlgorithmId::parse(v, jdk)?;
        let digest = mgf1_digest(&alg, jdk)?;
        if !matches!(
            digest.as_str(),
            "SHA-1" | "SHA-224" | "SHA-256" | "SHA-384" | "SHA-512" | "SHA-512/224" | "SHA-512/256"
        ) {
            return Err(Fail::new(RULE, "Unrecognized message digest algorithm"));
        }
        Ok(())
    };
    let psource = |v: &Val, strict: bool| -> R<()> {
        let alg = AlgorithmId::parse(v, jdk)?;
        if alg.dotted != "1.2.840.113549.1.1.9" {
            return Err(Fail::new(RULE, "Wrong OID for pSpecified"));
        }
        let Some(p) = alg.params else {
            return Err(Fail::new(RULE, "Missing pSpecified label"));
        };
        if strict {
            der::parse_exact(&p, jdk)?.get_octet_string(false)?;
        } else {
            let mut d = Input::new(&p, jdk);
            let o = d.get_der_value()?;
            o.require_tag(TAG_OCTET_STRING, RULE, "DER input not an octet string")?;
            if d.available() != 0 {
                return Err(Fail::new(RULE, "Extra data for pSpecified"));
            }
        }
        Ok(())
    };
    match jdk.line() {
        Line::Jdk17 => {
            for d in Input::new(encoded, jdk).get_sequence()? {
                if d.is_context_n(0) {
                    AlgorithmId::parse(&d.data().get_der_value()?, jdk)?;
                } else if d.is_context_n(1) {
                    mgf(&d.data().get_der_value()?)?;
                } else if d.is_context_n(2) {
                    psource(&d.data().get_der_value()?, false)?;
                } else {
                    return Err(Fail::new(RULE, "Invalid encoded OAEPParameters"));
                }
            }
        }
        Line::Jdk25 => {
            let outer = der::parse_exact(encoded, jdk)?;
            let mut d = outer.data();
            // getOptionalExplicitContextSpecific(n): the next tag byte names [n] (either form); the one
            // value inside it, and nothing more ("Extra unused bytes").
            let mut next = |n: u8| -> R<Option<Val>> {
                match d.peek_tag() {
                    Some(t) if t & 0xc0 == 0x80 && t & 0x1f == n => {
                        let mut inner = d.get_der_value()?.data();
                        let value = inner.get_der_value()?;
                        if inner.available() != 0 {
                            return Err(Fail::new(RULE, "Extra unused bytes"));
                        }
                        Ok(Some(value))
                    }
                    _ => Ok(None),
                }
            };
            if let Some(v) = next(0)? {
                AlgorithmId::parse(&v, jdk)?;
            }
            if let Some(v) = next(1)? {
                mgf(&v)?;
            }
            if let Some(v) = next(2)? {
                psource(&v, true)?;
            }
            if d.available() != 0 {
                return Err(Fail::new(RULE, "Extra unused bytes"));
            }
        }
    }
    Ok(())
}

/// `PBES2Parameters.engineInit`: PBKDF2 (salt, iterations, optional key length and HmacSHA* PRF) and
/// AES-128/256-CBC with an IV.
fn pbes2(encoded: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "PBES2Parameters";
    let not_seq = || {
        Fail::new(
            RULE,
            "PBE parameter parsing error: not an ASN.1 SEQUENCE tag",
        )
    };
    let mut params = der::parse_exact(encoded, jdk)?;
    if params.tag != TAG_SEQUENCE {
        return Err(not_seq());
    }
    let mut pd = params.data();
    let mut kdf = pd.get_der_value()?;
    if kdf.tag == TAG_OID {
        params = pd.get_der_value()?;
        pd = params.data();
        kdf = pd.get_der_value()?;
    }
    // parseKDF
    let mut kd = kdf.data();
    if kd.get_oid()?.dotted() != "1.2.840.113549.1.5.12" {
        return Err(Fail::new(
            RULE,
            "PBE parameter parsing error: expecting the object identifier for PBKDF2",
        ));
    }
    if kdf.tag != TAG_SEQUENCE {
        return Err(not_seq());
    }
    let pbkdf2 = kd.get_der_value()?;
    if pbkdf2.tag != TAG_SEQUENCE {
        return Err(not_seq());
    }
    let mut p2 = pbkdf2.data();
    let salt = p2.get_der_value()?;
    salt.require_tag(
        TAG_OCTET_STRING,
        RULE,
        "PBE parameter parsing error: not an ASN.1 OCTET STRING tag",
    )?;
    salt.get_octet_string(jdk.parser_17u20())?;
    p2.get_der_value()?.get_integer()?;
    let mut prf = None;
    match jdk.line() {
        Line::Jdk17 => {
            if p2.available() > 0 {
                let v = p2.get_der_value()?;
                if v.tag == TAG_INTEGER {
                    v.get_integer()?;
                } else {
                    prf = Some(v);
                }
            }
            if prf.is_none() && p2.available() > 0 {
                prf = Some(p2.get_der_value()?);
            }
        }
        Line::Jdk25 => {
            // getOptional(tag): taken only when the next tag byte is exactly that tag.
            if p2.peek_tag() == Some(TAG_INTEGER) {
                p2.get_der_value()?.get_integer()?;
            }
            if p2.peek_tag() == Some(TAG_SEQUENCE) {
                prf = Some(p2.get_der_value()?);
            }
        }
    }
    if let Some(prf) = prf {
        let mut rd = prf.data();
        let o = rd.get_oid()?.dotted();
        let known = matches!(
            o.as_str(),
            "1.2.840.113549.2.7"
                | "1.2.840.113549.2.8"
                | "1.2.840.113549.2.9"
                | "1.2.840.113549.2.10"
                | "1.2.840.113549.2.11"
        ) || (jdk == Jdk::V25
            && matches!(o.as_str(), "1.2.840.113549.2.12" | "1.2.840.113549.2.13"));
        if !known {
            return Err(Fail::new(
                RULE,
                "PBE parameter parsing error: expecting the object identifier for a HmacSHA key derivation function",
            ));
        }
        match jdk.line() {
            Line::Jdk17 => {
                if rd.available() != 0 && rd.get_der_value()?.tag != TAG_NULL {
                    return Err(Fail::new(
                        RULE,
                        "PBE parameter parsing error: not an ASN.1 NULL tag",
                    ));
                }
            }
            Line::Jdk25 => {
                if rd.peek_tag() == Some(TAG_NULL) {
                    rd.get_der_value()?;
                }
                if rd.available() != 0 {
                    return Err(Fail::new(RULE, "Extra unused bytes"));
                }
            }
        }
    }
    if params.tag != TAG_SEQUENCE {
        return Err(not_seq());
    }
    // parseES
    let es = pd.get_der_value()?;
    let mut ed = es.data();
    let cipher = ed.get_oid()?.dotted();
    if cipher != "2.16.840.1.101.3.4.1.2" && cipher != "2.16.840.1.101.3.4.1.42" {
        return Err(Fail::new(
            RULE,
            "PBE parameter parsing error: expecting the object identifier for AES cipher",
        ));
    }
    ed.get_octet_string()?;
    Ok(())
}

/// `DHParameters.engineInit` (and the same reading in `DHPublicKey`): SEQUENCE { p, g, [l (int)] }.
pub(super) fn dh_params(v: &Val) -> R<()> {
    let mut d = v.sequence_data("DHParameters", "DH params parsing error")?;
    d.get_der_value()?.get_big_integer()?;
    d.get_der_value()?.get_big_integer()?;
    if d.available() != 0 {
        let l = d.get_der_value()?;
        if l.tag != TAG_INTEGER {
            return Err(Fail::new(
                "DHParameters",
                format!(
                    "DerValue.getBigIntegerInternal, not expected {}",
                    l.tag as i8
                ),
            ));
        }
        l.get_integer()?;
    }
    if d.available() != 0 {
        return Err(Fail::new(
            "DHParameters",
            "DH parameter parsing error: Extra data",
        ));
    }
    Ok(())
}
