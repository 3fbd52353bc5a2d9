//! RSA PKCS#1 v1.5 signing for the two faults modern libraries refuse to produce: certificates signed
//! with SHA-1 (`sha1` scenario) and an RSA-1024 key in the chain (`rsa-1024` scenario). aws-lc-rs signs
//! only with RSA keys of 2048 bits or more and never with SHA-1, so this module does the modular
//! exponentiation itself (num-bigint).
//!
//! This is lab tooling for reproducing faults: it is not constant time and must never touch a real key.
//! It only ever signs with freshly generated throwaway keys and with [`TEST_KEY_RSA_1024_PEM`].

use num_bigint::BigUint;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::PkiError;
use super::der::{self, INTEGER, OCTET_STRING, SEQUENCE};

/// A PUBLIC TEST KEY, published in trustpath's source: RSA 1024-bit, PKCS#8. It exists only so that the
/// `rsa-1024` scenario can build a chain with a 1024-bit key, which aws-lc-rs will not generate. Anyone
/// can sign with it; never trust a certificate that carries it.
pub const TEST_KEY_RSA_1024_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBALPKmNEZbBSm0NC8
b6jW/ON+wTxj/bngID0HNV0mXUeaJbGDFPyCVeXoN59csttKtkLG8ctF+D+LcPE4
Ys8VQWKG277LmTvLCUVf6zgr23yXdjCWgizaZ0Z6vKsrsXcvQXXdxuK8y/9SuLuH
RwtRw001+rlsreHGcMnnaaS8NJJlAgMBAAECgYEArFOj5cfYMHMz8t6qp8po2iTE
Un4E1ARe4h/mpkH/ZoH5XwulMeI7MwJBTh4r0MTrrVXCrHOEXmPo/UxuaM6Wu52p
Sp/IBGjcqD3VJbK+0nzEX4x970T62m18+y3bt5rj7XE1DihpCRkxyf9M0N8J47e6
tEq7h94mC0glQAbveAECQQDfkB1zs4dySlhnbkTBBDsDI+YzyDBcovtcwcdhB/yG
khrB3kQuSGufmyuFZC2NJy4IqxaGBpb0O5CiAU5GY8CVAkEAzeCoeqQ4YsiBqdwj
PyJaPs7Zgo604gNI/xt1KFXcxHsoKXYeodnWuQE//qnPX9J+HF0mdxYRNFoXkRwk
uS0GkQJBAIYIBdBHEu5Paj7gWjIKEkMos6vZ2jy/rcmHl7wxqJEZaRdP5TqGSpfO
1MHNNI4KrkueHwvNSZU1XNnzxHTo+x0CQErzVgLIFGsKGgJvzTkn1Xj2L0OTlpCN
p56QLXfQwn2ZZIarpP1BZCWYKecZhRCafiTvWJiUJRFNFzVR7KCpnrECQQDB3UQP
JUSXpGEsqrEV0QCWqE7Nev5O74+yPctX9TpqP4Xf5GyRNm4czj2LX10KwhXOcKk5
0dVFbxNSUXRPs3uZ
-----END PRIVATE KEY-----
";

/// DER of the AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
const RSA_ENCRYPTION_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];
/// DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1).
const SHA256_DIGEST_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
/// DigestInfo prefix for SHA-1 (RFC 8017 §9.2 note 1).
const SHA1_DIGEST_INFO: &[u8] = &[
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];

/// The digest of a PKCS#1 v1.5 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyDigest {
    /// SHA-1 (sha1WithRSAEncryption).
    Sha1,
    /// SHA-256 (sha256WithRSAEncryption).
    Sha256,
}

/// An RSA private key usable for PKCS#1 v1.5 signatures of any size.
pub struct LegacyRsaKey {
    pkcs8: Vec<u8>,
    n: BigUint,
    d: BigUint,
    modulus_len: usize,
    /// RSAPublicKey DER (the subjectPublicKey bits of a certificate).
    public_der: Vec<u8>,
}

impl LegacyRsaKey {
    /// The built-in RSA-1024 test key ([`TEST_KEY_RSA_1024_PEM`]).
    pub fn test_key_1024() -> Result<LegacyRsaKey, PkiError> {
        let blocks = crate::pem::parse_all(TEST_KEY_RSA_1024_PEM.as_bytes())
            .map_err(|e| PkiError::Legacy(e.to_string()))?;
        let block = blocks
            .into_iter()
            .next()
            .ok_or_else(|| PkiError::Legacy("the built-in test key has no PEM block".into()))?;
        LegacyRsaKey::from_pkcs8(&block.contents)
    }

    /// Reads an RSA key from a PKCS#8 `PrivateKeyInfo`.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<LegacyRsaKey, PkiError> {
        let info = der::read_exact(pkcs8, SEQUENCE)?;
        let parts = der::children(info.content)?;
        let (Some(alg), Some(key)) = (parts.get(1), parts.get(2)) else {
            return Err(PkiError::Legacy("PrivateKeyInfo has too few fields".into()));
        };
        if alg.raw != RSA_ENCRYPTION_ALG || key.tag != OCTET_STRING {
            return Err(PkiError::Legacy("not an RSA PrivateKeyInfo".into()));
        }
        let rsa = der::read_exact(key.content, SEQUENCE)?;
        let fields = der::children(rsa.content)?;
        // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, … }
        let int = |i: usize| -> Result<&[u8], PkiError> {
            match fields.get(i) {
                Some(t) if t.tag == INTEGER => Ok(t.content),
                _ => Err(PkiError::Legacy(format!(
                    "RSAPrivateKey field {i} is missing"
                ))),
            }
        };
        let (n_bytes, e_bytes, d_bytes) = (int(1)?, int(2)?, int(3)?);
        let n = BigUint::from_bytes_be(n_bytes);
        let modulus_len = usize::try_from(n.bits().div_ceil(8))
            .map_err(|_| PkiError::Legacy("modulus too large".into()))?;
        let mut public = der::write(INTEGER, n_bytes);
        public.extend(der::write(INTEGER, e_bytes));
        Ok(LegacyRsaKey {
            pkcs8: pkcs8.to_vec(),
            n,
            d: BigUint::from_bytes_be(d_bytes),
            modulus_len,
            public_der: der::write(SEQUENCE, &public),
        })
    }

    /// The key as PKCS#8 DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u64 {
        self.n.bits()
    }

    /// Signs `msg` with RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1) using `digest`.
    pub fn sign_with(&self, digest: LegacyDigest, msg: &[u8]) -> Result<Vec<u8>, PkiError> {
        let mut t = Vec::with_capacity(51);
        match digest {
            LegacyDigest::Sha1 => {
                t.extend_from_slice(SHA1_DIGEST_INFO);
                t.extend_from_slice(&Sha1::digest(msg));
            }
            LegacyDigest::Sha256 => {
                t.extend_from_slice(SHA256_DIGEST_INFO);
                t.extend_from_slice(&Sha256::digest(msg));
            }
        }
        let k = self.modulus_len;
        if k < t.len() + 11 {
            return Err(PkiError::Legacy(
                "RSA modulus too short for the digest".into(),
            ));
        }
        // EM = 0x00 || 0x01 || PS (0xff…) || 0x00 || T
        let mut em = vec![0xffu8; k];
        em[0] = 0x00;
        em[1] = 0x01;
        em[k - t.len() - 1] = 0x00;
        em[k - t.len()..].copy_from_slice(&t);
        let s = BigUint::from_bytes_be(&em).modpow(&self.d, &self.n);
        let bytes = s.to_bytes_be();
        let mut sig = vec![0u8; k - bytes.len()];
        sig.extend_from_slice(&bytes);
        Ok(sig)
    }
}

impl rcgen::PublicKeyData for LegacyRsaKey {
    fn der_bytes(&self) -> &[u8] {
        &self.public_der
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl rcgen::SigningKey for LegacyRsaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.sign_with(LegacyDigest::Sha256, msg)
            .map_err(|_| rcgen::Error::RingUnspecified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_test_key_is_1024_bits() {
        let key = LegacyRsaKey::test_key_1024().unwrap();
        assert_eq!(key.bits(), 1024);
    }

    #[test]
    fn signatures_verify_with_the_reference_verifier() {
        let pair =
            rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                .unwrap();
        let key = LegacyRsaKey::from_pkcs8(&pair.serialize_der()).unwrap();
        assert_eq!(key.bits(), 2048);
        let sig = key.sign_with(LegacyDigest::Sha256, b"message").unwrap();
        let alg = webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA256;
        assert!(
            alg.verify_signature(&key.public_der, b"message", &sig)
                .is_ok()
        );
        assert!(
            alg.verify_signature(&key.public_der, b"other", &sig)
                .is_err()
        );
        // aws-lc-rs produces the same deterministic PKCS#1 v1.5 signature.
        assert_eq!(rcgen::SigningKey::sign(&pair, b"message").unwrap(), sig);
    }
}
