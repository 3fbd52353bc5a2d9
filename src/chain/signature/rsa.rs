//! RSA signatures as the JDK verifies them (`RSASignature`, `RSAPSSSignature`): the RSA public operation
//! of the RustCrypto `rsa` crate on a modulus of any size the JDK accepts, then the JDK's own checks of
//! the encoded message.

use rsa::BoxedUint;
use x509_parser::signature_algorithm::RsaSsaPssParams;

use super::SigCheck;
use super::digest::Hash;

/// The modulus and exponent of an RSA (or RSASSA-PSS) SPKI, leading zeros stripped.
fn components(spki_key: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, v) = x509_parser::der_parser::parse_der(spki_key).ok()?;
    let seq = v.as_sequence().ok()?;
    if seq.len() != 2 {
        return None;
    }
    let strip = |b: &[u8]| {
        b.iter()
            .copied()
            .skip_while(|&x| x == 0)
            .collect::<Vec<u8>>()
    };
    let n = strip(seq[0].as_slice().ok()?);
    let e = strip(seq[1].as_slice().ok()?);
    Some((n, e))
}

/// `sig^e mod n`, as `k` bytes (k = the modulus length); `None` when the JDK refuses before computing
/// (a signature whose length is not the modulus length, or not below the modulus).
fn public_op(n: &[u8], e: &[u8], sig: &[u8]) -> Option<Vec<u8>> {
    let k = n.len();
    if k == 0 || sig.len() != k || e.is_empty() {
        return None;
    }
    if n[k - 1] & 1 == 0 {
        // An even modulus is no RSA key (and the primitive below needs an odd one).
        return None;
    }
    let bits = u32::try_from(k * 8).ok()?;
    let n = BoxedUint::from_be_slice(n, bits).ok()?;
    let m = BoxedUint::from_be_slice(sig, bits).ok()?;
    if m >= n {
        return None;
    }
    let e = BoxedUint::from_be_slice(e, u32::try_from(e.len() * 8).ok()?).ok()?;
    let key = rsa::PublicKey::new_unchecked(n, e);
    let out = rsa::hazmat::rsa_encrypt(&key, &m).ok()?;
    let bytes = out.to_be_bytes();
    let bytes: &[u8] = &bytes;
    Some(bytes[bytes.len().saturating_sub(k)..].to_vec())
}

/// PKCS#1 v1.5: `00 01 FF… 00 DigestInfo`, the DigestInfo with NULL parameters or without.
pub(super) fn verify_pkcs1(key: &[u8], hash: Hash, tbs: &[u8], sig: &[u8]) -> SigCheck {
    let Some((n, e)) = components(key) else {
        return SigCheck::Unsupported("an RSA key that does not parse".into());
    };
    let Some(em) = public_op(&n, &e, sig) else {
        return SigCheck::Invalid;
    };
    let digest = hash.digest(tbs);
    let oid = hash.oid_der();
    for with_null in [true, false] {
        let mut alg = vec![0x06, oid.len() as u8];
        alg.extend_from_slice(oid);
        if with_null {
            alg.extend([0x05, 0x00]);
        }
        let mut info = vec![0x30, alg.len() as u8];
        info.extend(alg);
        info.extend([0x04, digest.len() as u8]);
        info.extend(&digest);
        let mut t = vec![0x30, info.len() as u8];
        t.extend(info);
        if em.len() < t.len() + 11 {
            return SigCheck::Invalid;
        }
        let mut expected = vec![0x00, 0x01];
        expected.extend(std::iter::repeat_n(0xff, em.len() - t.len() - 3));
        expected.push(0x00);
        expected.extend(&t);
        if expected == em {
            return SigCheck::Valid;
        }
    }
    SigCheck::Invalid
}

/// RSASSA-PSS with the JDK's defaults (SHA-1, MGF1-SHA-1, salt 20), for a signature algorithm without
/// parameters.
pub(super) fn verify_pss_default(key: &[u8], tbs: &[u8], sig: &[u8]) -> SigCheck {
    pss(key, Hash::Sha1, Hash::Sha1, 20, tbs, sig)
}

/// RSASSA-PSS with the signature algorithm's parameters (`RSAPSSSignature.decodeSignature`).
pub(super) fn verify_pss(
    key: &[u8],
    params: &RsaSsaPssParams<'_>,
    tbs: &[u8],
    sig: &[u8],
) -> SigCheck {
    let hash_oid = params.hash_algorithm_oid().to_id_string();
    let Some(hash) = Hash::from_oid(&hash_oid) else {
        return SigCheck::Unsupported(format!("RSASSA-PSS with digest {hash_oid}"));
    };
    let mgf_hash = match params.mask_gen_algorithm_raw() {
        None => Hash::Sha1,
        Some(_) => match params.mask_gen_algorithm() {
            Ok(m) if m.mgf.to_id_string() == "1.2.840.113549.1.1.8" => {
                match Hash::from_oid(&m.hash.to_id_string()) {
                    Some(h) => h,
                    None => {
                        return SigCheck::Unsupported(format!(
                            "RSASSA-PSS with MGF1 digest {}",
                            m.hash.to_id_string()
                        ));
                    }
                }
            }
            _ => {
                return SigCheck::Unsupported(
                    "RSASSA-PSS with a mask generation other than MGF1".into(),
                );
            }
        },
    };
    if params.trailer_field() != 1 {
        return SigCheck::Unsupported(format!(
            "RSASSA-PSS with trailer field {}",
            params.trailer_field()
        ));
    }
    pss(key, hash, mgf_hash, params.salt_length() as usize, tbs, sig)
}

fn mgf1(hash: Hash, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + hash.len());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut input = seed.to_vec();
        input.extend(counter.to_be_bytes());
        out.extend(hash.digest(&input));
        counter += 1;
    }
    out.truncate(len);
    out
}

fn pss(key: &[u8], hash: Hash, mgf_hash: Hash, s_len: usize, tbs: &[u8], sig: &[u8]) -> SigCheck {
    let Some((n, e)) = components(key) else {
        return SigCheck::Unsupported("an RSA key that does not parse".into());
    };
    let Some(mut em) = public_op(&n, &e, sig) else {
        return SigCheck::Invalid;
    };
    let m_hash = hash.digest(tbs);
    let h_len = m_hash.len();
    let key_bits = n.len() * 8 - n[0].leading_zeros() as usize;
    let em_bits = key_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let ofs = em.len() - em_len;
    if ofs == 1 && em[0] != 0 {
        return SigCheck::Invalid;
    }
    if em_len < h_len + s_len + 2 {
        return SigCheck::Invalid;
    }
    if em[ofs + em_len - 1] != 0xbc {
        return SigCheck::Invalid;
    }
    let zero_bits = em_len * 8 - em_bits;
    if zero_bits != 0 && em[ofs] & (0xffu8 << (8 - zero_bits)) != 0 {
        return SigCheck::Invalid;
    }
    let db_len = em_len - h_len - 1;
    let h = em[ofs + db_len..ofs + db_len + h_len].to_vec();
    let mask = mgf1(mgf_hash, &h, db_len);
    for (b, m) in em[ofs..ofs + db_len].iter_mut().zip(mask) {
        *b ^= m;
    }
    if zero_bits != 0 {
        em[ofs] &= 0xff >> zero_bits;
    }
    let ps_end = ofs + db_len - s_len - 1;
    if em[ofs..ps_end].iter().any(|&b| b != 0) || em[ps_end] != 0x01 {
        return SigCheck::Invalid;
    }
    let salt = &em[ofs + db_len - s_len..ofs + db_len];
    let mut m_prime = vec![0u8; 8];
    m_prime.extend(&m_hash);
    m_prime.extend(salt);
    if hash.digest(&m_prime) == h {
        SigCheck::Valid
    } else {
        SigCheck::Invalid
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;

    use super::*;

    /// (n, e, d) of `testcerts/keys/weak-1024.key` (PKCS#8 around PKCS#1).
    fn key() -> (Vec<u8>, Vec<u8>, BigUint) {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testcerts/keys/weak-1024.key"
        ))
        .unwrap();
        let der = pem::parse(text).unwrap().contents().to_vec();
        let (_, p8) = x509_parser::der_parser::parse_der(&der).unwrap();
        let inner = p8.as_sequence().unwrap()[2].as_slice().unwrap().to_vec();
        let (_, rsa) = x509_parser::der_parser::parse_der(&inner).unwrap();
        let f = rsa.as_sequence().unwrap();
        let int = |i: usize| f[i].as_slice().unwrap().to_vec();
        (int(1), int(2), BigUint::from_bytes_be(&int(3)))
    }

    fn rsa_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
        let int = |b: &[u8]| {
            let mut v = vec![0x02];
            let mut c = b.to_vec();
            if c[0] & 0x80 != 0 {
                c.insert(0, 0);
            }
            v.extend(der_len(c.len()));
            v.extend(c);
            v
        };
        let body = [int(n), int(e)].concat();
        let mut out = vec![0x30];
        out.extend(der_len(body.len()));
        out.extend(body);
        out
    }

    fn der_len(n: usize) -> Vec<u8> {
        if n < 0x80 {
            vec![n as u8]
        } else {
            vec![0x81, n as u8]
        }
    }

    fn sign_raw(n: &[u8], d: &BigUint, em: &[u8]) -> Vec<u8> {
        let s = BigUint::from_bytes_be(em).modpow(d, &BigUint::from_bytes_be(n));
        let b = s.to_bytes_be();
        let mut out = vec![0u8; n.len() - b.len()];
        out.extend(b);
        out
    }

    #[test]
    fn a_pkcs1_digest_info_without_null_parameters_verifies_as_in_the_jdk() {
        let (n, e, d) = key();
        let n: Vec<u8> = n.into_iter().skip_while(|&x| x == 0).collect();
        let key_der = rsa_key_der(&n, &e);
        let tbs = b"to be signed";
        let digest = Hash::Sha256.digest(tbs);
        // DigestInfo SEQUENCE { SEQUENCE { sha256 OID } (no NULL), OCTET STRING digest }.
        let mut t = vec![0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09];
        t.extend(Hash::Sha256.oid_der());
        t.extend([0x04, 0x20]);
        t.extend(&digest);
        let mut em = vec![0x00, 0x01];
        em.extend(std::iter::repeat_n(0xff, n.len() - t.len() - 3));
        em.push(0);
        em.extend(&t);
        let sig = sign_raw(&n, &d, &em);
        assert_eq!(
            verify_pkcs1(&key_der, Hash::Sha256, tbs, &sig),
            SigCheck::Valid
        );
        assert_eq!(
            verify_pkcs1(&key_der, Hash::Sha256, b"other", &sig),
            SigCheck::Invalid
        );
        // A signature one byte short is refused before any arithmetic.
        assert_eq!(
            verify_pkcs1(&key_der, Hash::Sha256, tbs, &sig[1..]),
            SigCheck::Invalid
        );
    }

    #[test]
    fn pss_with_an_mgf1_digest_other_than_the_message_digest_verifies() {
        let (n, e, d) = key();
        let n: Vec<u8> = n.into_iter().skip_while(|&x| x == 0).collect();
        let key_der = rsa_key_der(&n, &e);
        let tbs = b"pss";
        let (hash, mgf_hash, salt) = (Hash::Sha384, Hash::Sha1, [7u8; 10]);
        let m_hash = hash.digest(tbs);
        let mut m_prime = vec![0u8; 8];
        m_prime.extend(&m_hash);
        m_prime.extend(salt);
        let h = hash.digest(&m_prime);
        let em_len = n.len(); // 1024-bit modulus: emBits 1023, emLen 128
        let db_len = em_len - h.len() - 1;
        let mut db = vec![0u8; db_len - salt.len() - 1];
        db.push(1);
        db.extend(salt);
        let mask = mgf1(mgf_hash, &h, db_len);
        let mut masked: Vec<u8> = db.iter().zip(mask).map(|(a, b)| a ^ b).collect();
        masked[0] &= 0x7f;
        let mut em = masked;
        em.extend(&h);
        em.push(0xbc);
        let sig = sign_raw(&n, &d, &em);
        assert_eq!(
            pss(&key_der, hash, mgf_hash, 10, tbs, &sig),
            SigCheck::Valid
        );
        assert_eq!(pss(&key_der, hash, hash, 10, tbs, &sig), SigCheck::Invalid);
        assert_eq!(
            pss(&key_der, hash, mgf_hash, 11, tbs, &sig),
            SigCheck::Invalid
        );
    }
}
