//! Password-based encryption of PKCS#12 bags and the PKCS#12 MAC, as the JDK's `PKCS12KeyStore` does them.
//!
//! Ciphers: PBES2 (PBKDF2 + AES-CBC, keytool 12+ default; decryption also accepts the other PBKDF2 PRFs
//! and AES key sizes openssl writes), and the PKCS#12 PBES1 schemes keytool 8 used
//! (`PBEWithSHA1AndRC2_40` for certificates, `PBEWithSHA1AndDESede` for keys) plus 128-bit RC2.
//! The MAC is HMAC keyed by the PKCS#12 key-derivation function (RFC 7292 appendix B) over the
//! authenticated safe. Passwords are encoded as Java does: UTF-8 for PBKDF2, UTF-16BE with a two-byte
//! terminator for the PKCS#12 KDF.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit,
};
use hmac::{Mac, digest};
use pkcs12::kdf::{Pkcs12KeyType, derive_key};

use super::ber::{self, NULL, Reader};
use super::{Random, der_error, oid};
use crate::asn1::{self, Decode, Encode, ObjectIdentifier, oid_to_string};
use crate::truststore::{Pkcs12Cipher, Pkcs12Mac, StoreError};

/// Largest iteration count accepted, for encryption or MAC: the JDK's `PKCS12KeyStore.MAX_ITERATION_COUNT`
/// (a hostile file must not make a read take minutes).
pub const MAX_ITERATIONS: u32 = 5_000_000;

/// Most key-derivation iterations one read of a PKCS#12 file may spend, its MAC and every encrypted item
/// together: keytool writes 10,000 per item, so this is a thousand items' worth, and two items at the
/// JDK's per-item maximum. The JDK caps each item only; a file of 200 items at 5,000,000 iterations would
/// keep it busy for minutes.
pub const MAX_TOTAL_ITERATIONS: u64 = 10_000_000;

/// The iterations a read of one file may still spend.
#[derive(Debug)]
pub struct Budget {
    spent: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new()
    }
}

impl Budget {
    /// A whole budget of [`MAX_TOTAL_ITERATIONS`].
    pub fn new() -> Budget {
        Budget { spent: 0 }
    }

    /// Spends `iterations`, or refuses when the file's total would exceed the budget.
    pub fn spend(&mut self, iterations: u32) -> Result<(), PbeError> {
        let total = self.spent.saturating_add(u64::from(iterations));
        if total > MAX_TOTAL_ITERATIONS {
            return Err(PbeError::Malformed(format!(
                "the file's key derivations add up to more than {MAX_TOTAL_ITERATIONS} iterations \
                 ({} spent, {iterations} more asked; keytool writes 10000 per item): refusing a file made to \
                 keep a reader busy",
                self.spent
            )));
        }
        self.spent = total;
        Ok(())
    }
}

/// The iteration count an encryption `AlgorithmIdentifier` (its whole encoding) declares, without
/// deriving anything; `None` when it cannot be read (the decryption itself will say why).
pub fn declared_iterations(alg_id: &[u8]) -> Option<u32> {
    let mut outer = Reader::new(alg_id);
    let mut alg = outer.sequence("encryption algorithm").ok()?;
    let alg_oid = alg.oid("encryption algorithm").ok()?;
    if alg_oid == oid::PBES2.as_bytes() {
        let params = alg.element("PBES2 parameters").ok()?;
        let params = pkcs5::pbes2::Parameters::from_der(params.whole).ok()?;
        return match &params.kdf {
            pkcs5::pbes2::Kdf::Pbkdf2(p) => Some(p.iteration_count),
            _ => None,
        };
    }
    let mut params = alg.sequence("PBE parameters").ok()?;
    params.octet_string("PBE salt").ok()?;
    params.small_uint("PBE iteration count").ok()
}

/// The iteration count a `MacData` (its whole encoding) declares (1 when absent, as the JDK reads it).
pub fn declared_mac_iterations(mac_data: &[u8]) -> Option<u32> {
    let mut outer = Reader::new(mac_data);
    let mut mac = outer.sequence("MacData").ok()?;
    mac.element("MacData digest").ok()?;
    mac.octet_string("MacData salt").ok()?;
    if mac.is_empty() {
        return Some(1);
    }
    mac.small_uint("MacData iteration count").ok()
}

/// Salt length keytool uses for PBE and MAC salts.
const SALT_LEN: usize = 20;

/// Why a decryption or MAC check failed.
#[derive(Debug)]
pub enum PbeError {
    /// The password does not fit (bad padding, MAC mismatch).
    WrongPassword,
    /// The parameters are malformed.
    Malformed(String),
    /// A scheme trustpath does not implement.
    Unsupported(String),
}

impl From<ber::DerError> for PbeError {
    fn from(e: ber::DerError) -> Self {
        PbeError::Malformed(e)
    }
}

/// The password as the PKCS#12 KDF takes it: UTF-16BE code units and a two-byte NUL terminator, except
/// that "\0" stands for no bytes at all (the JDK's `PKCS12PBECipherCore.derive`, used by its retry of an
/// empty password).
fn bmp_password(password: &str) -> Vec<u8> {
    if password == "\0" {
        return Vec::new();
    }
    let mut out = asn1::utf16be(password);
    out.extend_from_slice(&[0, 0]);
    out
}

/// The PKCS#12 KDF (RFC 7292 appendix B) over one password, salt and iteration count: the password as
/// [`bmp_password`] encodes it and the count as the `pkcs12` crate takes it.
struct Kdf<'a> {
    pass: Vec<u8>,
    salt: &'a [u8],
    rounds: i32,
}

impl<'a> Kdf<'a> {
    fn new(password: &str, salt: &'a [u8], iterations: u32) -> Result<Kdf<'a>, PbeError> {
        let rounds = i32::try_from(iterations)
            .map_err(|_| PbeError::Malformed("iteration count too large".to_owned()))?;
        Ok(Kdf {
            pass: bmp_password(password),
            salt,
            rounds,
        })
    }

    /// `len` bytes of key material of kind `id`, with digest `D`.
    fn derive<D>(&self, id: Pkcs12KeyType, len: usize) -> Vec<u8>
    where
        D: digest::Digest + digest::FixedOutputReset + digest::block_api::BlockSizeUser,
    {
        derive_key::<D>(&self.pass, self.salt, id, self.rounds, len)
    }
}

/// Decrypts `data` under the `AlgorithmIdentifier` whose whole encoding is `alg_id`; returns the plain
/// text and the scheme, as trustpath names it. Every PBKDF2-based PBES2 variant (openssl also writes
/// AES-128 and HmacSHA1) is named [`Pkcs12Cipher::Pbes2Aes256`] with its iteration count, so a rewrite
/// uses keytool's AES-256/HmacSHA256 at the same count; 128-bit RC2 is named `Rc2_40` likewise.
pub fn decrypt(
    alg_id: &[u8],
    data: &[u8],
    password: &str,
    budget: &mut Budget,
) -> Result<(Vec<u8>, Pkcs12Cipher), PbeError> {
    let mut outer = Reader::new(alg_id);
    let mut alg = outer.sequence("encryption algorithm")?;
    let alg_oid = alg.oid("encryption algorithm")?;
    if alg_oid == oid::PBES2.as_bytes() {
        let params = alg.element("PBES2 parameters")?;
        let params = pkcs5::pbes2::Parameters::from_der(params.whole)
            .map_err(|e| PbeError::Malformed(format!("PBES2 parameters: {e}")))?;
        let iterations = match &params.kdf {
            pkcs5::pbes2::Kdf::Pbkdf2(p) => p.iteration_count,
            _ => {
                return Err(PbeError::Unsupported("PBES2 with scrypt".to_owned()));
            }
        };
        check_iterations(iterations)?;
        budget.spend(iterations)?;
        let plain = params
            .decrypt(password.as_bytes(), data)
            .map_err(|e| match e {
                pkcs5::Error::DecryptFailed => PbeError::WrongPassword,
                other => PbeError::Unsupported(format!("PBES2 scheme: {other}")),
            })?;
        return Ok((plain, Pkcs12Cipher::Pbes2Aes256 { iterations }));
    }
    let kind = Pbes1::from_oid(alg_oid).ok_or_else(|| {
        PbeError::Unsupported(format!("encryption algorithm {}", oid_to_string(alg_oid)))
    })?;
    let mut params = alg.sequence("PBE parameters")?;
    let salt = params.octet_string("PBE salt")?;
    let iterations = params.small_uint("PBE iteration count")?;
    check_iterations(iterations)?;
    budget.spend(iterations)?;
    let plain = kind.run(false, data, &Kdf::new(password, &salt, iterations)?)?;
    Ok((plain, kind.cipher(iterations)))
}

/// Encrypts `data` with `cipher`, salt and IV drawn from `random`; returns the `AlgorithmIdentifier` (DER)
/// and the cipher text.
pub fn encrypt(
    cipher: &Pkcs12Cipher,
    data: &[u8],
    password: &str,
    random: &mut Random<'_>,
) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
    let mut salt = [0u8; SALT_LEN];
    random(&mut salt)?;
    match *cipher {
        Pkcs12Cipher::Pbes2Aes256 { iterations } => {
            let mut iv = [0u8; 16];
            random(&mut iv)?;
            // Exactly keytool's encoding: PBKDF2 (salt, iterations, key length 32, hmacWithSHA256 with
            // NULL parameters), AES-256-CBC with its IV.
            let params = pkcs5::pbes2::Parameters {
                kdf: pkcs5::pbes2::Pbkdf2Params {
                    salt: pkcs5::pbes2::Salt::new(salt).map_err(der_error)?,
                    iteration_count: iterations,
                    key_length: Some(32),
                    prf: pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256,
                }
                .into(),
                encryption: pkcs5::pbes2::EncryptionScheme::Aes256Cbc { iv },
            };
            let encrypted = params
                .encrypt(password.as_bytes(), data)
                .map_err(|e| StoreError::Unsupported(format!("PBES2 encryption failed: {e}")))?;
            let alg = pkcs5::EncryptionScheme::Pbes2(params)
                .to_der()
                .map_err(der_error)?;
            Ok((alg, encrypted))
        }
        Pkcs12Cipher::Rc2_40 { iterations } | Pkcs12Cipher::TripleDes { iterations } => {
            let kind = if matches!(cipher, Pkcs12Cipher::Rc2_40 { .. }) {
                Pbes1::Rc2_40
            } else {
                Pbes1::TripleDes
            };
            let encrypted = Kdf::new(password, &salt, iterations)
                .and_then(|kdf| kind.run(true, data, &kdf))
                .map_err(|_| StoreError::Unsupported("PBES1 encryption failed".to_owned()))?;
            let alg = (|| {
                let params = asn1::seq(&[&asn1::octets(&salt)?, &asn1::uint(iterations)?])?;
                asn1::seq(&[&asn1::oid(&kind.oid())?, &params])
            })()
            .map_err(der_error)?;
            Ok((alg, encrypted))
        }
    }
}

fn check_iterations(iterations: u32) -> Result<(), PbeError> {
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(PbeError::Malformed(format!(
            "iteration count {iterations} is outside 1..={MAX_ITERATIONS} (the JDK's limit)"
        )));
    }
    Ok(())
}

/// The PKCS#12 PBES1 schemes (RFC 7292 appendix C).
#[derive(Debug, Clone, Copy)]
enum Pbes1 {
    Rc2_40,
    Rc2_128,
    TripleDes,
}

impl Pbes1 {
    fn from_oid(o: &[u8]) -> Option<Pbes1> {
        [Pbes1::Rc2_40, Pbes1::Rc2_128, Pbes1::TripleDes]
            .into_iter()
            .find(|kind| kind.oid().as_bytes() == o)
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Pbes1::Rc2_40 => oid::PBE_SHA1_RC2_40,
            Pbes1::Rc2_128 => oid::PBE_SHA1_RC2_128,
            Pbes1::TripleDes => oid::PBE_SHA1_3DES,
        }
    }

    fn cipher(self, iterations: u32) -> Pkcs12Cipher {
        match self {
            // 128-bit RC2 is read but written as the closest keytool scheme.
            Pbes1::Rc2_40 | Pbes1::Rc2_128 => Pkcs12Cipher::Rc2_40 { iterations },
            Pbes1::TripleDes => Pkcs12Cipher::TripleDes { iterations },
        }
    }

    fn key_len(self) -> usize {
        match self {
            Pbes1::Rc2_40 => 5,
            Pbes1::Rc2_128 => 16,
            Pbes1::TripleDes => 24,
        }
    }

    fn run(self, encrypt: bool, data: &[u8], kdf: &Kdf<'_>) -> Result<Vec<u8>, PbeError> {
        let key = kdf.derive::<sha1::Sha1>(Pkcs12KeyType::EncryptionKey, self.key_len());
        let iv = kdf.derive::<sha1::Sha1>(Pkcs12KeyType::Iv, 8);
        match self {
            Pbes1::Rc2_40 | Pbes1::Rc2_128 => cbc_run::<rc2::Rc2>(encrypt, &key, &iv, data),
            Pbes1::TripleDes => cbc_run::<des::TdesEde3>(encrypt, &key, &iv, data),
        }
    }
}

fn cbc_run<C>(encrypt: bool, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, PbeError>
where
    C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt,
{
    if encrypt {
        let enc = cbc::Encryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| PbeError::Malformed("bad key or IV length".to_owned()))?;
        Ok(enc.encrypt_padded_vec::<Pkcs7>(data))
    } else {
        let dec = cbc::Decryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| PbeError::Malformed("bad key or IV length".to_owned()))?;
        dec.decrypt_padded_vec::<Pkcs7>(data)
            .map_err(|_| PbeError::WrongPassword)
    }
}

/// The digests a PKCS#12 MAC may use: `(OID, name)`, names as [`Pkcs12Mac::digest`] holds them.
const MAC_DIGESTS: &[(ObjectIdentifier, &str)] = &[
    (oid::SHA1, "SHA-1"),
    (oid::SHA224, "SHA-224"),
    (oid::SHA256, "SHA-256"),
    (oid::SHA384, "SHA-384"),
    (oid::SHA512, "SHA-512"),
    (oid::SHA512_224, "SHA-512/224"),
    (oid::SHA512_256, "SHA-512/256"),
];

/// Computes the PKCS#12 MAC of `data` with digest `name`.
fn compute_mac(name: &str, data: &[u8], kdf: &Kdf<'_>) -> Result<Vec<u8>, PbeError> {
    macro_rules! run {
        ($d:ty) => {{
            let key = kdf.derive::<$d>(Pkcs12KeyType::Mac, <$d as digest::Digest>::output_size());
            let mut mac = <hmac::Hmac<$d> as KeyInit>::new_from_slice(&key)
                .map_err(|_| PbeError::Malformed("bad MAC key length".to_owned()))?;
            mac.update(data);
            Ok(mac.finalize().into_bytes().to_vec())
        }};
    }
    match name {
        "SHA-1" => run!(sha1::Sha1),
        "SHA-224" => run!(sha2::Sha224),
        "SHA-256" => run!(sha2::Sha256),
        "SHA-384" => run!(sha2::Sha384),
        "SHA-512" => run!(sha2::Sha512),
        "SHA-512/224" => run!(sha2::Sha512_224),
        "SHA-512/256" => run!(sha2::Sha512_256),
        other => Err(PbeError::Unsupported(format!("MAC digest {other}"))),
    }
}

/// Checks the `MacData` (its whole encoding) against `auth_safe` (the authenticated safe's content octets).
pub fn verify_mac(
    mac_data: &[u8],
    auth_safe: &[u8],
    password: &str,
    budget: &mut Budget,
) -> Result<Pkcs12Mac, PbeError> {
    let mut outer = Reader::new(mac_data);
    let mut mac = outer.sequence("MacData")?;
    let mut digest_info = mac.sequence("MacData digest")?;
    let mut alg = digest_info.sequence("MacData digest algorithm")?;
    let alg_oid = alg.oid("MacData digest algorithm")?;
    if alg_oid == oid::PBMAC1.as_bytes() {
        return Err(PbeError::Unsupported("PBMAC1 (RFC 9579)".to_owned()));
    }
    let name = MAC_DIGESTS
        .iter()
        .find(|(o, _)| o.as_bytes() == alg_oid)
        .map(|(_, n)| *n)
        .ok_or_else(|| PbeError::Unsupported(format!("MAC digest {}", oid_to_string(alg_oid))))?;
    if !alg.is_empty() {
        let params = alg.expect(NULL, "MacData digest algorithm parameters")?;
        if !params.is_empty() || !alg.is_empty() {
            return Err(PbeError::Malformed(
                "MacData digest algorithm parameters: expected NULL or nothing".to_owned(),
            ));
        }
    }
    let expected = digest_info.octet_string("MacData digest value")?;
    if !digest_info.is_empty() {
        return Err(PbeError::Malformed(
            "MacData digest has unexpected members".to_owned(),
        ));
    }
    let salt = mac.octet_string("MacData salt")?;
    let iterations = if mac.is_empty() {
        1
    } else {
        mac.small_uint("MacData iteration count")?
    };
    check_iterations(iterations)?;
    if !mac.is_empty() {
        return Err(PbeError::Malformed(format!(
            "{} unexpected bytes in MacData",
            mac.remaining()
        )));
    }
    budget.spend(iterations)?;
    let actual = compute_mac(name, auth_safe, &Kdf::new(password, &salt, iterations)?)?;
    if !constant_time_eq(&actual, &expected) {
        return Err(PbeError::WrongPassword);
    }
    Ok(Pkcs12Mac {
        digest: name.to_owned(),
        iterations,
    })
}

/// Builds a `MacData` over `auth_safe` with a salt drawn from `random`.
pub fn mac_data(
    mac: &Pkcs12Mac,
    auth_safe: &[u8],
    password: &str,
    random: &mut Random<'_>,
) -> Result<Vec<u8>, StoreError> {
    let (oid, name) = MAC_DIGESTS
        .iter()
        .find(|(_, n)| {
            n.eq_ignore_ascii_case(&mac.digest)
                || n.replace('-', "").eq_ignore_ascii_case(&mac.digest)
        })
        .ok_or_else(|| {
            StoreError::Unsupported(format!(
                "PKCS#12 MAC digest {:?}: use SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512",
                mac.digest
            ))
        })?;
    if mac.iterations == 0 || mac.iterations > MAX_ITERATIONS {
        return Err(StoreError::Unsupported(format!(
            "PKCS#12 MAC iteration count {} is outside 1..={MAX_ITERATIONS}",
            mac.iterations
        )));
    }
    let mut salt = [0u8; SALT_LEN];
    random(&mut salt)?;
    let value = Kdf::new(password, &salt, mac.iterations)
        .and_then(|kdf| compute_mac(name, auth_safe, &kdf))
        .map_err(|_| StoreError::Unsupported("PKCS#12 MAC computation failed".to_owned()))?;
    // MacData ::= SEQUENCE { mac DigestInfo { AlgorithmIdentifier { OID, NULL }, digest }, salt, iterations }
    (|| {
        let algorithm = asn1::seq(&[&asn1::oid(oid)?, asn1::NULL])?;
        asn1::seq(&[
            &asn1::seq(&[&algorithm, &asn1::octets(&value)?])?,
            &asn1::octets(&salt)?,
            &asn1::uint(mac.iterations)?,
        ])
    })()
    .map_err(der_error)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::truststore::pkcs12::system_random;

    #[test]
    fn every_cipher_keytool_writes_decrypts_what_it_encrypted() {
        let ciphers = [
            Pkcs12Cipher::Pbes2Aes256 { iterations: 1000 },
            Pkcs12Cipher::Rc2_40 { iterations: 1000 },
            Pkcs12Cipher::TripleDes { iterations: 1000 },
        ];
        for cipher in ciphers {
            let (alg, ct) =
                encrypt(&cipher, b"secret bytes", "changeit", &mut system_random).unwrap();
            let (pt, read) = decrypt(&alg, &ct, "changeit", &mut Budget::new()).unwrap();
            assert_eq!(pt, b"secret bytes");
            assert_eq!(read, cipher);
            assert!(matches!(
                decrypt(&alg, &ct, "wrong", &mut Budget::new()),
                Err(PbeError::WrongPassword) | Ok(_)
            ));
        }
    }

    #[test]
    fn pbes2_parameters_are_encoded_exactly_as_keytool_does() {
        let mut next = 0u8;
        let mut counting = |buf: &mut [u8]| {
            for b in buf.iter_mut() {
                *b = next;
                next += 1;
            }
            Ok(())
        };
        let cipher = Pkcs12Cipher::Pbes2Aes256 { iterations: 10_000 };
        let (alg, _) = encrypt(&cipher, b"data", "changeit", &mut counting).unwrap();
        let salt: Vec<u8> = (0..20).collect();
        let iv: Vec<u8> = (20..36).collect();
        let oid = |dotted| asn1::oid(&ObjectIdentifier::new_unwrap(dotted)).unwrap();
        let seq = |parts: &[&[u8]]| asn1::seq(parts).unwrap();
        let prf = seq(&[&oid("1.2.840.113549.2.9"), asn1::NULL]);
        let pbkdf2_params = seq(&[
            &asn1::octets(&salt).unwrap(),
            &asn1::uint(10_000).unwrap(),
            &asn1::uint(32).unwrap(),
            &prf,
        ]);
        let kdf = seq(&[&oid("1.2.840.113549.1.5.12"), &pbkdf2_params]);
        let enc = seq(&[&oid("2.16.840.1.101.3.4.1.42"), &asn1::octets(&iv).unwrap()]);
        let expected = seq(&[&oid("1.2.840.113549.1.5.13"), &seq(&[&kdf, &enc])]);
        assert_eq!(hex::encode(alg), hex::encode(expected));
    }

    #[test]
    fn a_mac_checks_with_the_right_password_only() {
        let mac = Pkcs12Mac {
            digest: "SHA-256".to_owned(),
            iterations: 100,
        };
        let data = mac_data(&mac, b"auth safe", "changeit", &mut system_random).unwrap();
        assert_eq!(
            verify_mac(&data, b"auth safe", "changeit", &mut Budget::new()).unwrap(),
            mac
        );
        assert!(matches!(
            verify_mac(&data, b"auth safe", "nope", &mut Budget::new()),
            Err(PbeError::WrongPassword)
        ));
        assert!(matches!(
            verify_mac(&data, b"auth saff", "changeit", &mut Budget::new()),
            Err(PbeError::WrongPassword)
        ));
    }

    #[test]
    fn a_file_may_spend_two_items_at_the_jdk_maximum_and_no_more() {
        let mut budget = Budget::new();
        budget.spend(MAX_ITERATIONS).unwrap();
        budget.spend(MAX_ITERATIONS).unwrap();
        let e = budget.spend(1).unwrap_err();
        assert!(
            matches!(&e, PbeError::Malformed(m) if m.contains("more than 10000000 iterations")),
            "{e:?}"
        );
    }
}
