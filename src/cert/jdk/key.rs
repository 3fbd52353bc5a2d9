//! `X509Key.parse` and the key factories behind it (`KeyFactory.getInstance(algid.getName())`): RSA and
//! RSASSA-PSS (`RSAPublicKeyImpl`), EC (`ECPublicKeyImpl`, curves of `CurveDB`), DSA, DH, XDH, EdDSA,
//! ML-DSA and ML-KEM (`NamedX509Key`), HSS/LMS (JDK 25). An algorithm without a key factory becomes an
//! opaque `X509Key` and is accepted.

use super::alg::{AlgorithmId, dh_params};
use super::curve::curve_field_size;
use super::der::{self, Input, TAG_SEQUENCE, Val};
use super::{Fail, Jdk, R};

/// The key factories reachable from an SPKI algorithm OID.
enum Factory {
    Rsa,
    Ec,
    Dsa,
    Dh,
    Xdh { bits: usize, bytes: usize },
    EdDsa { bytes: usize },
    MlDsa { size: usize },
    MlKem { k: usize },
    HssLms,
}

fn factory(oid: &str, jdk: Jdk) -> Option<Factory> {
    Some(match oid {
        "1.2.840.113549.1.1" | "1.2.840.113549.1.1.1" | "2.5.8.1.1" | "1.2.840.113549.1.1.10" => {
            Factory::Rsa
        }
        "1.2.840.10045.2.1" => Factory::Ec,
        "1.2.840.10040.4.1" | "1.3.14.3.2.12" => Factory::Dsa,
        "1.2.840.113549.1.3.1" | "1.2.840.10046.2.1" => Factory::Dh,
        "1.3.101.110" => Factory::Xdh {
            bits: 255,
            bytes: 32,
        },
        "1.3.101.111" => Factory::Xdh {
            bits: 448,
            bytes: 56,
        },
        "1.3.101.112" => Factory::EdDsa { bytes: 32 },
        "1.3.101.113" => Factory::EdDsa { bytes: 57 },
        "2.16.840.1.101.3.4.3.17" if jdk.named_key_factories() => Factory::MlDsa { size: 1312 },
        "2.16.840.1.101.3.4.3.18" if jdk.named_key_factories() => Factory::MlDsa { size: 1952 },
        "2.16.840.1.101.3.4.3.19" if jdk.named_key_factories() => Factory::MlDsa { size: 2592 },
        "2.16.840.1.101.3.4.4.1" if jdk.named_key_factories() => Factory::MlKem { k: 2 },
        "2.16.840.1.101.3.4.4.2" if jdk.named_key_factories() => Factory::MlKem { k: 3 },
        "2.16.840.1.101.3.4.4.3" if jdk.named_key_factories() => Factory::MlKem { k: 4 },
        "1.2.840.113549.1.9.16.3.17" if jdk == Jdk::V25 => Factory::HssLms,
        _ => return None,
    })
}

/// A key factory's refusal: `subject key, java.security.InvalidKeyException: WHAT` in the JDK.
fn invalid(rule: &'static str, what: impl Into<String>) -> Fail {
    Fail::new(rule, what)
}

/// `X509Key.parse(DerValue)`.
pub(super) fn parse(v: &Val, jdk: Jdk) -> R<()> {
    let mut data = v.sequence_data("X509Key", "corrupt subject key")?;
    let alg = AlgorithmId::parse(&data.get_der_value()?, jdk)?;
    let key = data.get_der_value()?.get_unaligned_bit_string(false)?;
    if let Some(f) = factory(&alg.dotted, jdk) {
        build(&f, &alg, &key, jdk)?;
    }
    if data.available() != 0 {
        return Err(Fail::new("X509Key", "excess subject key"));
    }
    Ok(())
}

fn build(f: &Factory, alg: &AlgorithmId, key: &der::BitArray, jdk: Jdk) -> R<()> {
    let bytes = &key.bytes;
    match f {
        Factory::Rsa => rsa(bytes, jdk),
        Factory::Ec => {
            let Some(params) = alg.params_val(jdk) else {
                return Err(invalid(
                    "ECPublicKeyImpl",
                    "EC domain parameters must be encoded in the algorithm identifier",
                ));
            };
            let curve = params?.get_oid()?.dotted();
            let field = curve_field_size(&curve).unwrap_or(0) as usize;
            if bytes.first() != Some(&4) || (bytes.len() - 1) / 2 != field.div_ceil(8) {
                return Err(invalid("ECPublicKeyImpl: point", "Invalid EC key"));
            }
            Ok(())
        }
        Factory::Dsa => Input::new(bytes, jdk)
            .get_der_value()
            .and_then(|y| y.get_big_integer())
            .map(|_| ())
            .map_err(|e| invalid("DSAPublicKey", format!("Invalid key: y value\n{}", e.msg))),
        Factory::Dh => {
            // DHPublicKey wraps every decoding failure (parameters missing or not a SEQUENCE, y not an
            // INTEGER) as "Invalid encoding"; the parameters themselves were decoded by DHParameters.
            let ok = match alg.params_val(jdk) {
                Some(Ok(p)) if p.tag == TAG_SEQUENCE => {
                    dh_params(&p).is_ok()
                        && Input::new(bytes, jdk)
                            .get_der_value()
                            .and_then(|y| y.get_big_integer())
                            .is_ok()
                }
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                Err(invalid("DHPublicKey", "Invalid encoding"))
            }
        }
        Factory::Xdh { bits, bytes: n } => {
            if bits % 8 != 0 && bytes.is_empty() {
                return Err(Fail::runtime(
                    "XDHPublicKeyImpl",
                    "ArrayIndexOutOfBoundsException: Index 0 out of bounds for length 0",
                ));
            }
            if key.bits != n * 8 {
                return Err(invalid(
                    "XDHPublicKeyImpl",
                    format!("key length must be {n}"),
                ));
            }
            Ok(())
        }
        Factory::EdDsa { bytes: n } => {
            if bytes.is_empty() {
                return Err(Fail::runtime(
                    "EdDSAPublicKeyImpl",
                    "ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 0",
                ));
            }
            if key.bits != n * 8 {
                return Err(invalid(
                    "EdDSAPublicKeyImpl",
                    format!("key length must be {n}"),
                ));
            }
            Ok(())
        }
        Factory::MlDsa { size } => {
            if alg.params.is_some() {
                return Err(invalid("NamedX509Key", "algorithm identifier has params"));
            }
            let _ = size;
            Ok(())
        }
        Factory::MlKem { k } => {
            if alg.params.is_some() {
                return Err(invalid("NamedX509Key", "algorithm identifier has params"));
            }
            let _ = k;
            Ok(())
        }
        Factory::HssLms => hss(alg, bytes, jdk),
    }
}

/// `RSAPublicKeyImpl(byte[])`: SEQUENCE { n, e } read as unsigned, nothing after; a modulus of at least
/// 512 bits (rounded up to a byte) and at most 16384; 3 ≤ e < n; e at most 64 bits above 3072-bit moduli.
fn rsa(bytes: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "RSAPublicKeyImpl";
    let parsed = (|| -> R<(Vec<u8>, Vec<u8>)> {
        let v = der::parse_exact(bytes, jdk)?;
        let mut d = v.sequence_data(RULE, "Not a SEQUENCE")?;
        let n = d.get_der_value()?.get_positive_magnitude()?.to_vec();
        let e = d.get_der_value()?.get_positive_magnitude()?.to_vec();
        if d.available() != 0 {
            return Err(Fail::new(RULE, "Extra data available"));
        }
        Ok((n, e))
    })();
    let (n, e) = parsed.map_err(|_| invalid(RULE, "Invalid RSA public key"))?;
    // Magnitudes without leading zeros: compare by length, then bytes.
    let bit_len = |m: &[u8]| {
        m.first()
            .map_or(0, |&b| m.len() * 8 - b.leading_zeros() as usize)
    };
    let bits = (bit_len(&n) + 7) & !7;
    if bits < 512 {
        return Err(invalid(RULE, "RSA keys must be at least 512 bits long"));
    }
    if bits > 16384 {
        return Err(invalid(RULE, "RSA keys must be no longer than 16384 bits"));
    }
    if bits > 3072 && bit_len(&e) > 64 {
        return Err(invalid(
            RULE,
            "RSA exponents can be no longer than 64 bits  if modulus is greater than 3072 bits",
        ));
    }
    if (e.len(), &e[..]) >= (n.len(), &n[..]) {
        return Err(invalid(RULE, "exponent is larger than modulus"));
    }
    if e.is_empty() || (e.len() == 1 && e[0] < 3) {
        return Err(invalid(RULE, "exponent is smaller than 3"));
    }
    Ok(())
}

/// `HSS.HSSPublicKey` (JDK 25): no parameters; L, then an LMS public key of a known LMS and LM-OTS type
/// with the same hash, exactly 24 + 32 bytes (an inner OCTET STRING wrapper is tolerated).
fn hss(alg: &AlgorithmId, bytes: &[u8], _jdk: Jdk) -> R<()> {
    const RULE: &str = "HSS: public key";
    // "X509Key is not an HSS key" needs decoded parameters, which no AlgorithmParameters gives HSS/LMS.
    let _ = alg;
    if bytes.len() < 12 {
        return Err(invalid(RULE, "LMS public key is too short"));
    }
    let mut k: &[u8] = bytes;
    if k[0] == 0x04 && usize::from(k[1]) == k.len() - 2 {
        k = &k[2..];
    }
    let lms = &k[4..];
    if lms.len() < 8 {
        return Err(invalid(RULE, "LMS public key is too short"));
    }
    let int = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if !(5..=9).contains(&int(&lms[0..4])) {
        return Err(invalid(RULE, "Unsupported or bad LMS type"));
    }
    if !(1..=4).contains(&int(&lms[4..8])) {
        return Err(invalid(
            RULE,
            "Unsupported or bad OTS Algorithm Identifier.",
        ));
    }
    if lms.len() != 24 + 32 {
        return Err(invalid(RULE, "Wrong LMS public key length"));
    }
    Ok(())
}
