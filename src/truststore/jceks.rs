//! The SunJCE JCEKS keystore format (magic `CECECECE`): the JKS layout (see [`super::jks`]) plus secret-key
//! entries (tag 3), each a Java-serialized `javax.crypto.SealedObject` kept as an opaque blob.
//!
//! Like `com.sun.crypto.provider.JceKeyStore`, which lower-cases aliases on every `set` and lookup, the
//! writer lower-cases aliases and refuses two that collide. Private keys are kept byte-for-byte (the JCEKS
//! engine recovers keys under both the JKS and the JCEKS protector); a plain PKCS#8 key is protected with
//! the JKS protector under the store password. Secret keys are written back exactly as read.

use bytes::Bytes;

use super::jks::{self, Flavor};
use super::keyprotect;
use super::serialization::{self, Value};
use super::{OpaqueKey, StoreError, TrustStore};

pub use super::serialization::SEALED_KEY_CLASS;

/// Reads a JCEKS store, checking its integrity digest with `password`. A JKS store is read too (the
/// JDK's JCEKS engine accepts both magics); its `format` is then [`super::StoreFormat::Jks`].
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    read_shared(&Bytes::copy_from_slice(bytes), password)
}

/// [`read`] of a buffer the store's certificates then share (slices of it, no copy each).
pub fn read_shared(bytes: &Bytes, password: &str) -> Result<TrustStore, StoreError> {
    if bytes.starts_with(&jks::JKS_MAGIC.to_be_bytes()) {
        return jks::read_shared(bytes, password);
    }
    jks::read_store(bytes, Some(password), Flavor::Jceks)
}

/// Reads a JCEKS store without checking the integrity digest, as the JVM does without a password.
pub fn read_unverified(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    if bytes.starts_with(&jks::JKS_MAGIC.to_be_bytes()) {
        return jks::read_unverified(bytes);
    }
    jks::read_store(&Bytes::copy_from_slice(bytes), None, Flavor::Jceks)
}

/// Writes a JCEKS store protected by `password`: aliases lower-cased, private and secret keys kept as
/// read, plain PKCS#8 keys protected under `password`.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    jks::write_store(store, password, Flavor::Jceks)
}

/// Unseals a JCEKS secret key with its key password (keytool's default: the store password) and returns
/// the key's algorithm as the JDK names it (`AES`, `HmacSHA256`, …). Reading does not do this, because
/// unsealing costs the JDK's PBE iterations (200,000 MD5 rounds per key half): call it when shown.
pub fn secret_key_algorithm(key: &OpaqueKey, password: &str) -> Result<String, StoreError> {
    let bad = |what: String| StoreError::malformed(format!("sealed secret key: {what}"));
    let fields = serialization::object_fields(&key.blob).map_err(bad)?;
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let seal_alg = match field("sealAlg") {
        Some(Value::Str(s)) => String::from_utf8_lossy(s).into_owned(),
        _ => return Err(bad("no sealAlg field".to_owned())),
    };
    if seal_alg != "PBEWithMD5AndTripleDES" {
        return Err(StoreError::Unsupported(format!(
            "secret key sealed with {seal_alg}, not the JCEKS PBEWithMD5AndTripleDES"
        )));
    }
    let (Some(Value::Bytes(params)), Some(Value::Bytes(content))) =
        (field("encodedParams"), field("encryptedContent"))
    else {
        return Err(bad("no encodedParams or encryptedContent field".to_owned()));
    };
    let (salt, iterations) = keyprotect::parse_pbe_params(params)
        .ok_or_else(|| bad("malformed PBE parameters".to_owned()))?;
    let plain = keyprotect::pbe_md5_tripledes_decrypt(
        content,
        salt,
        iterations,
        password,
        "sealed secret key",
    )?
    .ok_or_else(|| {
        StoreError::Unsupported(
            "cannot unseal the secret key: its key password is not the one given".to_owned(),
        )
    })?;
    let inner =
        serialization::object_fields(&plain).map_err(|e| bad(format!("unsealed content: {e}")))?;
    match inner.iter().find(|(n, _)| n == "algorithm") {
        Some((_, Value::Str(s))) => jks::mutf8::decode(s).map_err(bad),
        _ => Err(bad("unsealed key names no algorithm".to_owned())),
    }
}
