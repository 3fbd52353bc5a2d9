//! The oracle's key pool and signatures. Key generation dominates the cost of a random chain, so each run
//! draws keys from a small pool per key type. Every pool key is derived from a fixed seed and its slot, so a
//! case (seed, index) gets the same keys on every machine; RSA keys are also cached on disk under the
//! test's target tmpdir (they take seconds to find).
//!
//! Signing: ECDSA and Ed25519 with aws-lc-rs. aws-lc-rs signs ECDSA only with a curve's own hash
//! (P-256/SHA-256, P-384/SHA-384, P-521/SHA-224…512), so another hash is signed as a prehashed digest:
//! ECDSA signs the left-most bits of the hash as an integer (SEC 1 §4.1.3), so the real hash, zero-padded
//! on the left or cut to the curve's digest length, gives the same integer. RSA with aws-lc-rs for keys of 2048
//! bits and more with SHA-256/384/512 (PKCS#1 and PSS), else with the RustCrypto `rsa` crate: aws-lc-rs
//! neither makes nor signs with RSA keys under 2048 bits and never signs PKCS#1 SHA-1 or SHA-224, which the
//! oracle needs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::digest as lc_digest;
use aws_lc_rs::signature::{self as lc, KeyPair as _};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use sha1::Digest as _;

use super::der::{oid, seq, tlv};

/// The seed every pool key derives from (with its type and slot). Changing it changes every key.
const POOL_SEED: u64 = 0x7275_7374_7061_7468;

/// A key type of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA with this many bits.
    Rsa(usize),
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
    /// ECDSA on NIST P-521.
    P521,
    /// ECDSA on secp256k1 (the JDK removed this curve in JDK 16).
    Secp256k1,
    /// Ed25519.
    Ed25519,
}

impl KeyType {
    /// How many keys of this type the pool holds.
    pub fn slots(self) -> usize {
        match self {
            KeyType::Rsa(1024) => 3,
            KeyType::Rsa(2048) => 8,
            KeyType::Rsa(_) => 2,
            KeyType::P256 => 8,
            KeyType::P384 | KeyType::Ed25519 => 4,
            KeyType::P521 | KeyType::Secp256k1 => 3,
        }
    }

    /// Short name for case descriptions.
    pub fn name(self) -> String {
        match self {
            KeyType::Rsa(bits) => format!("RSA-{bits}"),
            KeyType::P256 => "P-256".into(),
            KeyType::P384 => "P-384".into(),
            KeyType::P521 => "P-521".into(),
            KeyType::Secp256k1 => "secp256k1".into(),
            KeyType::Ed25519 => "Ed25519".into(),
        }
    }
}

/// A hash for a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    /// MD5: only for RSA PKCS#1 (a root self-signed with MD5withRSA).
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// Every SHA hash, weakest first (MD5 is only ever chosen on purpose).
    pub const ALL: [Hash; 5] = [
        Hash::Sha1,
        Hash::Sha224,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
    ];

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => md5::Md5::digest(data).to_vec(),
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    fn len(self) -> usize {
        match self {
            Hash::Md5 => 16,
            Hash::Sha1 => 20,
            Hash::Sha224 => 28,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    fn oid(self) -> &'static str {
        match self {
            Hash::Md5 => "1.2.840.113549.2.5",
            Hash::Sha1 => "1.3.14.3.2.26",
            Hash::Sha224 => "2.16.840.1.101.3.4.2.4",
            Hash::Sha256 => "2.16.840.1.101.3.4.2.1",
            Hash::Sha384 => "2.16.840.1.101.3.4.2.2",
            Hash::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }

    /// `SHA256` and so on, as in JDK algorithm names.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA1",
            Hash::Sha224 => "SHA224",
            Hash::Sha256 => "SHA256",
            Hash::Sha384 => "SHA384",
            Hash::Sha512 => "SHA512",
        }
    }
}

/// A certificate signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigAlg {
    /// RSA PKCS#1 v1.5.
    RsaPkcs1(Hash),
    /// RSASSA-PSS with MGF1 of the same hash.
    RsaPss(Hash),
    /// ECDSA.
    Ecdsa(Hash),
    /// Ed25519.
    Ed25519,
}

impl SigAlg {
    /// The algorithm a healthy certificate signed by `key` uses.
    pub fn default_for(key: KeyType) -> SigAlg {
        match key {
            KeyType::Rsa(_) => SigAlg::RsaPkcs1(Hash::Sha256),
            KeyType::P256 | KeyType::Secp256k1 => SigAlg::Ecdsa(Hash::Sha256),
            KeyType::P384 => SigAlg::Ecdsa(Hash::Sha384),
            KeyType::P521 => SigAlg::Ecdsa(Hash::Sha512),
            KeyType::Ed25519 => SigAlg::Ed25519,
        }
    }

    /// `hash` (and PSS for RSA when `pss`) with the family `key` signs in. MD5 exists only as PKCS#1
    /// (SHA-1 stands in elsewhere).
    pub fn with_hash(key: KeyType, hash: Hash, pss: bool) -> SigAlg {
        let (hash, pss) = match (hash, key) {
            (Hash::Md5, KeyType::Rsa(_)) => (Hash::Md5, false),
            (Hash::Md5, _) => (Hash::Sha1, pss),
            other => (other.0, pss),
        };
        match key {
            KeyType::Rsa(_) if pss => SigAlg::RsaPss(hash),
            KeyType::Rsa(_) => SigAlg::RsaPkcs1(hash),
            KeyType::Ed25519 => SigAlg::Ed25519,
            _ => SigAlg::Ecdsa(hash),
        }
    }

    /// The JDK's name of the algorithm.
    pub fn name(self) -> String {
        match self {
            SigAlg::RsaPkcs1(h) => format!("{}withRSA", h.name()),
            SigAlg::RsaPss(h) => format!("RSASSA-PSS/{}", h.name()),
            SigAlg::Ecdsa(h) => format!("{}withECDSA", h.name()),
            SigAlg::Ed25519 => "Ed25519".into(),
        }
    }

    /// The DER AlgorithmIdentifier for a key of `bits` bits (PSS needs it for the salt length).
    pub fn algorithm_identifier(self, rsa_bits: usize) -> Vec<u8> {
        let null = tlv(0x05, &[]);
        match self {
            SigAlg::RsaPkcs1(h) => {
                let o = match h {
                    Hash::Md5 => "1.2.840.113549.1.1.4",
                    Hash::Sha1 => "1.2.840.113549.1.1.5",
                    Hash::Sha224 => "1.2.840.113549.1.1.14",
                    Hash::Sha256 => "1.2.840.113549.1.1.11",
                    Hash::Sha384 => "1.2.840.113549.1.1.12",
                    Hash::Sha512 => "1.2.840.113549.1.1.13",
                };
                seq(&[oid(o), null])
            }
            SigAlg::Ecdsa(h) => {
                let o = match h {
                    Hash::Md5 => {
                        unreachable!("ECDSA with MD5 is never built (see SigAlg::with_hash)")
                    }
                    Hash::Sha1 => "1.2.840.10045.4.1",
                    Hash::Sha224 => "1.2.840.10045.4.3.1",
                    Hash::Sha256 => "1.2.840.10045.4.3.2",
                    Hash::Sha384 => "1.2.840.10045.4.3.3",
                    Hash::Sha512 => "1.2.840.10045.4.3.4",
                };
                seq(&[oid(o)])
            }
            SigAlg::Ed25519 => seq(&[oid("1.3.101.112")]),
            SigAlg::RsaPss(h) => {
                // RSASSA-PSS-params (RFC 4055): fields equal to their DEFAULT (SHA-1, MGF1-SHA-1, salt 20,
                // trailer 1) are omitted, as DER requires.
                let mut params = Vec::new();
                let salt = pss_salt_len(h, rsa_bits);
                if h != Hash::Sha1 {
                    let hash_alg = seq(&[oid(h.oid()), null.clone()]);
                    params.push(tlv(0xa0, &hash_alg));
                    let mgf = seq(&[oid("1.2.840.113549.1.1.8"), hash_alg]);
                    params.push(tlv(0xa1, &mgf));
                }
                if salt != 20 {
                    params.push(tlv(0xa2, &super::der::integer(salt as u64)));
                }
                seq(&[oid("1.2.840.113549.1.1.10"), seq(&params)])
            }
        }
    }
}

/// The PSS salt length used: the hash length, or less when the key is too small for it.
fn pss_salt_len(h: Hash, rsa_bits: usize) -> usize {
    let em_len = (rsa_bits - 1).div_ceil(8);
    h.len().min(em_len.saturating_sub(h.len() + 2))
}

enum Secret {
    /// The key, and the same key in aws-lc-rs when it can sign with it (2048 bits and more): much faster
    /// for the SHA-2 signatures that most certificates carry.
    Rsa(Box<rsa::PrivateKey>, Option<Box<lc::RsaKeyPair>>),
    /// The key and the digest its aws-lc-rs algorithm signs.
    Ec(lc::EcdsaKeyPair, &'static lc_digest::Algorithm),
    Ed(lc::Ed25519KeyPair),
}

/// One pool key.
pub struct Key {
    /// Its type.
    pub ty: KeyType,
    /// Its slot in the pool (keys of one type differ by slot).
    pub slot: usize,
    /// DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    /// DER PKCS#8 PrivateKeyInfo (for key entries in stores).
    pub pkcs8: Vec<u8>,
    secret: Secret,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.ty.name(), self.slot)
    }
}

impl Key {
    /// RSA modulus size (0 for other keys).
    pub fn rsa_bits(&self) -> usize {
        match self.ty {
            KeyType::Rsa(bits) => bits,
            _ => 0,
        }
    }

    /// The subjectPublicKey bits (the BIT STRING's content without the unused-bits byte), for key
    /// identifiers.
    pub fn public_key_bits(&self) -> Vec<u8> {
        let (spki, _) = super::der::read(&self.spki).expect("spki");
        let parts = super::der::children(spki.content).expect("spki parts");
        parts[1].content[1..].to_vec()
    }

    /// Signs `tbs` with `alg` (which must fit the key's family); `rng` only feeds PSS salts.
    pub fn sign(&self, alg: SigAlg, tbs: &[u8], rng: &mut StdRng) -> Vec<u8> {
        let fast = match alg {
            SigAlg::RsaPkcs1(Hash::Sha256) => Some(&lc::RSA_PKCS1_SHA256 as &dyn lc::RsaEncoding),
            SigAlg::RsaPkcs1(Hash::Sha384) => Some(&lc::RSA_PKCS1_SHA384 as &dyn lc::RsaEncoding),
            SigAlg::RsaPkcs1(Hash::Sha512) => Some(&lc::RSA_PKCS1_SHA512 as &dyn lc::RsaEncoding),
            // aws-lc-rs salts PSS with the hash length, as `pss_salt_len` does for these key sizes.
            SigAlg::RsaPss(Hash::Sha256) => Some(&lc::RSA_PSS_SHA256 as &dyn lc::RsaEncoding),
            SigAlg::RsaPss(Hash::Sha384) => Some(&lc::RSA_PSS_SHA384 as &dyn lc::RsaEncoding),
            SigAlg::RsaPss(Hash::Sha512) => Some(&lc::RSA_PSS_SHA512 as &dyn lc::RsaEncoding),
            _ => None,
        };
        if let (Secret::Rsa(_, Some(k)), Some(encoding)) = (&self.secret, fast) {
            let mut sig = vec![0u8; k.public_modulus_len()];
            k.sign(
                encoding,
                &aws_lc_rs::rand::SystemRandom::new(),
                tbs,
                &mut sig,
            )
            .expect("rsa signature");
            return sig;
        }
        match (&self.secret, alg) {
            (Secret::Rsa(k, _), SigAlg::RsaPkcs1(h)) => {
                let digest = h.digest(tbs);
                let padding = match h {
                    Hash::Md5 => rsa::Pkcs1v15Sign::new::<md5::Md5>(),
                    Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    Hash::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
                    Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                };
                k.sign(padding, &digest).expect("rsa pkcs1 signature")
            }
            (Secret::Rsa(k, _), SigAlg::RsaPss(h)) => {
                let digest = h.digest(tbs);
                let salt = pss_salt_len(h, self.rsa_bits());
                match h {
                    Hash::Md5 => {
                        unreachable!("RSA-PSS with MD5 is never built (see SigAlg::with_hash)")
                    }
                    Hash::Sha1 => {
                        k.sign_with_rng(rng, rsa::Pss::<sha1::Sha1>::new_with_salt(salt), &digest)
                    }
                    Hash::Sha224 => {
                        k.sign_with_rng(rng, rsa::Pss::<sha2::Sha224>::new_with_salt(salt), &digest)
                    }
                    Hash::Sha256 => {
                        k.sign_with_rng(rng, rsa::Pss::<sha2::Sha256>::new_with_salt(salt), &digest)
                    }
                    Hash::Sha384 => {
                        k.sign_with_rng(rng, rsa::Pss::<sha2::Sha384>::new_with_salt(salt), &digest)
                    }
                    Hash::Sha512 => {
                        k.sign_with_rng(rng, rsa::Pss::<sha2::Sha512>::new_with_salt(salt), &digest)
                    }
                }
                .expect("rsa pss signature")
            }
            (Secret::Ec(k, digest_alg), SigAlg::Ecdsa(h)) => {
                let digest_alg = *digest_alg;
                let want = digest_alg.output_len;
                let real = h.digest(tbs);
                // bits2int: the same integer from a digest of the signer's own length.
                let mut fake = vec![0u8; want];
                if real.len() >= want {
                    fake.copy_from_slice(&real[..want]);
                } else {
                    fake[want - real.len()..].copy_from_slice(&real);
                }
                let d = lc_digest::Digest::import_less_safe(&fake, digest_alg).expect("digest");
                k.sign_digest(&d)
                    .expect("ecdsa signature")
                    .as_ref()
                    .to_vec()
            }
            (Secret::Ed(k), SigAlg::Ed25519) => k.sign(tbs).as_ref().to_vec(),
            (_, alg) => panic!("{alg:?} does not fit a {} key", self.ty.name()),
        }
    }
}

/// The pool key of `ty` in `slot` (generated or loaded on first use).
pub fn key(ty: KeyType, slot: usize) -> Arc<Key> {
    type Pool = Mutex<HashMap<(KeyType, usize), Arc<Key>>>;
    static POOL: OnceLock<Pool> = OnceLock::new();
    let slot = slot % ty.slots();
    let pool = POOL.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(k) = pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(ty, slot))
    {
        return Arc::clone(k);
    }
    // Generated outside the lock; two threads may race for one key and derive the same.
    let k = Arc::new(make(ty, slot));
    let mut map = pool.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(map.entry((ty, slot)).or_insert(k))
}

fn rng_for(ty: KeyType, slot: usize) -> StdRng {
    let tag = match ty {
        KeyType::Rsa(bits) => bits as u64,
        KeyType::P256 => 1,
        KeyType::P384 => 2,
        KeyType::P521 => 3,
        KeyType::Secp256k1 => 4,
        KeyType::Ed25519 => 5,
    };
    StdRng::seed_from_u64(POOL_SEED ^ (tag << 32) ^ slot as u64)
}

fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oracle-keys")
}

fn make(ty: KeyType, slot: usize) -> Key {
    let mut rng = rng_for(ty, slot);
    match ty {
        KeyType::Rsa(bits) => {
            let file = cache_dir().join(format!("rsa-{bits}-{slot}-{POOL_SEED:x}.pk8"));
            let key = match std::fs::read(&file)
                .ok()
                .and_then(|d| rsa::pkcs8::DecodePrivateKey::from_pkcs8_der(&d).ok())
            {
                Some(k) => k,
                None => {
                    let k = rsa::PrivateKey::new(&mut rng, bits).expect("rsa key generation");
                    let der = k.to_pkcs8_der().expect("pkcs8");
                    std::fs::create_dir_all(cache_dir()).expect("key cache dir");
                    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
                    std::fs::write(&tmp, der.as_bytes()).expect("write key cache");
                    std::fs::rename(&tmp, &file).expect("key cache rename");
                    k
                }
            };
            let pkcs8 = key.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec();
            let spki = key
                .to_public_key()
                .to_public_key_der()
                .expect("spki")
                .as_bytes()
                .to_vec();
            let fast = (bits >= 2048)
                .then(|| lc::RsaKeyPair::from_pkcs8(&pkcs8).ok().map(Box::new))
                .flatten();
            Key {
                ty,
                slot,
                spki,
                pkcs8,
                secret: Secret::Rsa(Box::new(key), fast),
            }
        }
        KeyType::Ed25519 => {
            let seed: [u8; 32] = rng.random();
            let k = lc::Ed25519KeyPair::from_seed_unchecked(&seed).expect("ed25519 key");
            let spki = seq(&[
                seq(&[oid("1.3.101.112")]),
                bit_string(k.public_key().as_ref()),
            ]);
            let pkcs8 = k.to_pkcs8v1().expect("pkcs8").as_ref().to_vec();
            Key {
                ty,
                slot,
                spki,
                pkcs8,
                secret: Secret::Ed(k),
            }
        }
        _ => {
            type Curve = (
                &'static lc::EcdsaSigningAlgorithm,
                &'static lc_digest::Algorithm,
                &'static str,
                usize,
            );
            let (alg, digest, curve, len): Curve = match ty {
                KeyType::P256 => (
                    &lc::ECDSA_P256_SHA256_ASN1_SIGNING,
                    &lc_digest::SHA256,
                    "1.2.840.10045.3.1.7",
                    32,
                ),
                KeyType::P384 => (
                    &lc::ECDSA_P384_SHA384_ASN1_SIGNING,
                    &lc_digest::SHA384,
                    "1.3.132.0.34",
                    48,
                ),
                KeyType::P521 => (
                    &lc::ECDSA_P521_SHA512_ASN1_SIGNING,
                    &lc_digest::SHA512,
                    "1.3.132.0.35",
                    66,
                ),
                _ => (
                    &lc::ECDSA_P256K1_SHA256_ASN1_SIGNING,
                    &lc_digest::SHA256,
                    "1.3.132.0.10",
                    32,
                ),
            };
            let mut scalar = vec![0u8; len];
            for b in scalar.iter_mut() {
                *b = rng.random();
            }
            // Below every curve order: clear the top bits.
            scalar[0] &= if ty == KeyType::P521 { 0x00 } else { 0x7f };
            scalar[len - 1] |= 1;
            // RFC 5915 ECPrivateKey { version 1, privateKey, [0] namedCurve }.
            let ec_private = seq(&[
                super::der::integer(1),
                tlv(0x04, &scalar),
                tlv(0xa0, &oid(curve)),
            ]);
            let k = lc::EcdsaKeyPair::from_private_key_der(alg, &ec_private).expect("ec key");
            let spki = seq(&[
                seq(&[oid("1.2.840.10045.2.1"), oid(curve)]),
                bit_string(k.public_key().as_ref()),
            ]);
            let pkcs8 = k.to_pkcs8v1().expect("pkcs8").as_ref().to_vec();
            Key {
                ty,
                slot,
                spki,
                pkcs8,
                secret: Secret::Ec(k, digest),
            }
        }
    }
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = vec![0u8];
    content.extend_from_slice(bytes);
    tlv(0x03, &content)
}
