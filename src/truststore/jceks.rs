//! The SunJCE JCEKS keystore format (magic `CECECECE`): the JKS layout (see [`super::jks`]) plus secret-key
//! entries (tag 3), each a Java-serialized `javax.crypto.SealedObject` kept as an opaque blob.
//!
//! Like `com.sun.crypto.provider.JceKeyStore`, which lower-cases aliases on every `set` and lookup, the
//! writer lower-cases aliases and refuses two that collide. Private keys are kept byte-for-byte (the JCEKS
//! engine recovers keys under both the JKS and the JCEKS protector); a plain PKCS#8 key is protected with
//! the JKS protector under the store password. Secret keys are written back exactly as read.

mod serialization;

use super::jks::{self, Flavor};
use super::{StoreError, TrustStore};

pub use serialization::SEALED_KEY_CLASS;

/// Reads a JCEKS store, checking its integrity digest with `password`. A JKS store is read too (the
/// JDK's JCEKS engine accepts both magics); its `format` is then [`super::StoreFormat::Jks`].
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    if bytes.starts_with(&jks::JKS_MAGIC.to_be_bytes()) {
        return jks::read(bytes, password);
    }
    jks::read_store(bytes, Some(password), Flavor::Jceks)
}

/// Reads a JCEKS store without checking the integrity digest, as the JVM does without a password.
pub fn read_unverified(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    if bytes.starts_with(&jks::JKS_MAGIC.to_be_bytes()) {
        return jks::read_unverified(bytes);
    }
    jks::read_store(bytes, None, Flavor::Jceks)
}

/// Writes a JCEKS store protected by `password`: aliases lower-cased, private and secret keys kept as
/// read, plain PKCS#8 keys protected under `password`.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    jks::write_store(store, password, Flavor::Jceks)
}

/// The exact length of the serialized sealed key at the start of `bytes`, or why it cannot be sized.
pub(crate) fn sealed_object_len(bytes: &[u8]) -> Result<usize, String> {
    serialization::sealed_object_len(bytes)
}
