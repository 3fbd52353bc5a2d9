//! RSA PKCS#1 v1.5 signing for the two faults modern libraries refuse to produce: certificates signed
//! with SHA-1 (`sha1` scenario) and an RSA-1024 key in the chain (`rsa-1024` scenario). aws-lc-rs signs
//! only with RSA keys of 2048 bits or more and never with SHA-1, so this module signs with RustCrypto's
//! `rsa` (which accepts 1024-bit keys and any digest with an OID). It is also the signer of the committed
//! test fixtures (`testcerts/generate.rs`): PKCS#1 v1.5 signatures are deterministic, so the fixtures
//! come out byte-identical.
//!
//! This is lab tooling for reproducing faults: it must never touch a real key. It only ever signs with
//! freshly generated throwaway keys, the fixtures' committed keys and [`TEST_KEY_RSA_1024_PEM`].

use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey, PublicKey};

use super::PkiError;

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

/// The digest of a PKCS#1 v1.5 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyDigest {
    /// SHA-1 (sha1WithRSAEncryption).
    Sha1,
    /// SHA-256 (sha256WithRSAEncryption).
    Sha256,
}

/// An RSA private key usable for PKCS#1 v1.5 signatures of any size `rsa` accepts (1024 bits and up).
pub struct LegacyRsaKey {
    pkcs8: Vec<u8>,
    key: PrivateKey,
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
        let key = PrivateKey::from_pkcs8_der(pkcs8)
            .map_err(|e| PkiError::Legacy(format!("not an RSA PrivateKeyInfo: {e}")))?;
        let public_der = PublicKey::from(&key)
            .to_pkcs1_der()
            .map_err(|e| PkiError::Legacy(format!("cannot encode the RSA public key: {e}")))?
            .into_vec();
        Ok(LegacyRsaKey {
            pkcs8: pkcs8.to_vec(),
            key,
            public_der,
        })
    }

    /// The key as PKCS#8 DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as `SubjectPublicKeyInfo` DER.
    pub fn spki_der(&self) -> Result<Vec<u8>, PkiError> {
        use rsa::pkcs8::EncodePublicKey;
        PublicKey::from(&self.key)
            .to_public_key_der()
            .map(|doc| doc.into_vec())
            .map_err(|e| PkiError::Legacy(format!("cannot encode the RSA public key: {e}")))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u64 {
        u64::from(self.key.n().as_ref().bit_width())
    }

    /// Signs `msg` with RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1) using `digest`.
    pub fn sign_with(&self, digest: LegacyDigest, msg: &[u8]) -> Result<Vec<u8>, PkiError> {
        let signed = match digest {
            LegacyDigest::Sha1 => SigningKey::<sha1::Sha1>::new(self.key.clone())
                .try_sign(msg)
                .map(|s| s.to_vec()),
            LegacyDigest::Sha256 => SigningKey::<sha2::Sha256>::new(self.key.clone())
                .try_sign(msg)
                .map(|s| s.to_vec()),
        };
        signed.map_err(|e| PkiError::Legacy(format!("RSA signing failed: {e}")))
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
        use aws_lc_rs::signature::{self, UnparsedPublicKey};

        let pair =
            rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                .unwrap();
        let key = LegacyRsaKey::from_pkcs8(&pair.serialize_der()).unwrap();
        assert_eq!(key.bits(), 2048);
        let sig = key.sign_with(LegacyDigest::Sha256, b"message").unwrap();
        let public =
            UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &key.public_der);
        assert!(public.verify(b"message", &sig).is_ok());
        assert!(public.verify(b"other", &sig).is_err());
        // aws-lc-rs produces the same deterministic PKCS#1 v1.5 signature.
        assert_eq!(rcgen::SigningKey::sign(&pair, b"message").unwrap(), sig);
    }

    #[test]
    fn the_1024_bit_test_key_signs_sha1_that_aws_lc_verifies() {
        use aws_lc_rs::signature::{self, UnparsedPublicKey};

        let key = LegacyRsaKey::test_key_1024().unwrap();
        let sig = key.sign_with(LegacyDigest::Sha1, b"message").unwrap();
        assert_eq!(sig.len(), 128);
        let public = UnparsedPublicKey::new(
            &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            &key.public_der,
        );
        assert!(public.verify(b"message", &sig).is_ok());
        assert!(public.verify(b"other", &sig).is_err());
    }
}
