//! Placeholder: being written (see the foundation issue).

#![allow(unused_variables)]

use super::{StoreError, TrustStore};

/// Reads a store.
pub fn read(bytes: &[u8], password: &str) -> Result<TrustStore, StoreError> {
    Err(StoreError::Unsupported(
        "pkcs12 not yet implemented".to_owned(),
    ))
}

/// Writes a store.
pub fn write(store: &TrustStore, password: &str) -> Result<Vec<u8>, StoreError> {
    Err(StoreError::Unsupported(
        "pkcs12 not yet implemented".to_owned(),
    ))
}
