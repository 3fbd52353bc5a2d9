//! Key types a lab can be generated with, and fresh key generation (aws-lc-rs through rcgen).

use std::fmt;

use rcgen::{KeyPair, RsaKeySize};

use super::PkiError;

/// The key algorithm and size of generated certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum KeyType {
    /// ECDSA on P-256 with SHA-256 (the default: small, fast, accepted by every current JVM).
    #[default]
    #[value(name = "ec-p256")]
    EcP256,
    /// ECDSA on P-384 with SHA-384.
    #[value(name = "ec-p384")]
    EcP384,
    /// RSA 2048-bit with SHA-256 (for clients that predate EC support).
    #[value(name = "rsa-2048")]
    Rsa2048,
    /// RSA 3072-bit with SHA-256.
    #[value(name = "rsa-3072")]
    Rsa3072,
    /// RSA 4096-bit with SHA-256 (slow to generate: seconds).
    #[value(name = "rsa-4096")]
    Rsa4096,
}

impl KeyType {
    /// The name as given on the command line (`ec-p256`).
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcP256 => "ec-p256",
            KeyType::EcP384 => "ec-p384",
            KeyType::Rsa2048 => "rsa-2048",
            KeyType::Rsa3072 => "rsa-3072",
            KeyType::Rsa4096 => "rsa-4096",
        }
    }

    /// Whether this is an RSA key (leaf certificates then also get keyEncipherment).
    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096)
    }

    /// Generates a fresh key pair of this type.
    pub fn generate(self) -> Result<KeyPair, PkiError> {
        let key = match self {
            KeyType::EcP256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?,
            KeyType::EcP384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384)?,
            KeyType::Rsa2048 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, RsaKeySize::_2048)?
            }
            KeyType::Rsa3072 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, RsaKeySize::_3072)?
            }
            KeyType::Rsa4096 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, RsaKeySize::_4096)?
            }
        };
        Ok(key)
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A signing key for certificates: a modern key pair (aws-lc-rs), or the fixed RSA-1024 test key that
/// aws-lc-rs refuses to sign with (see [`super::legacy_rsa`]).
pub enum LabKey {
    /// A key generated or loaded through rcgen.
    Modern(KeyPair),
    /// The built-in RSA-1024 test key.
    Legacy(super::legacy_rsa::LegacyRsaKey),
}

impl LabKey {
    /// A fresh key pair of `key_type`.
    pub fn generate(key_type: KeyType) -> Result<LabKey, PkiError> {
        Ok(LabKey::Modern(key_type.generate()?))
    }

    /// The private key as PKCS#8 DER.
    pub fn pkcs8_der(&self) -> Vec<u8> {
        match self {
            LabKey::Modern(k) => k.serialize_der(),
            LabKey::Legacy(k) => k.pkcs8_der().to_vec(),
        }
    }
}

impl rcgen::PublicKeyData for LabKey {
    fn der_bytes(&self) -> &[u8] {
        match self {
            LabKey::Modern(k) => k.der_bytes(),
            LabKey::Legacy(k) => k.der_bytes(),
        }
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            LabKey::Modern(k) => rcgen::PublicKeyData::algorithm(k),
            LabKey::Legacy(k) => k.algorithm(),
        }
    }
}

impl rcgen::SigningKey for LabKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        match self {
            LabKey::Modern(k) => k.sign(msg),
            LabKey::Legacy(k) => k.sign(msg),
        }
    }
}
