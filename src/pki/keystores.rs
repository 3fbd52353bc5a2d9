//! The Java keystores of a lab: a private-key entry with its chain (Tomcat's `keystoreFile`) and a
//! truststore holding the root as a trusted-certificate entry (`-Djavax.net.ssl.trustStore`), written
//! through the project's codecs (`crate::truststore::write`).

use time::OffsetDateTime;

use super::{Issued, PkiError};
use crate::cert::Certificate;
use crate::truststore::{
    self, Entry, EntryBody, KeyMaterial, PrivateKeyEntry, StoreFormat, TrustStore,
};

/// The alias of the root in a lab truststore.
pub const TRUST_ALIAS: &str = "trustpath-lab-root";
/// Tomcat's default key alias, and the lab's.
pub const DEFAULT_KEY_ALIAS: &str = "tomcat";
/// The password Tomcat and the JRE assume; fine in a lab, to be changed anywhere else.
pub const DEFAULT_PASSWORD: &str = "changeit";

fn millis(now: OffsetDateTime) -> i64 {
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn write(
    store: &TrustStore,
    format: StoreFormat,
    password: &str,
    what: &str,
) -> Result<Vec<u8>, PkiError> {
    truststore::write(store, format, password).map_err(|source| PkiError::Store {
        what: what.to_owned(),
        source,
    })
}

/// A keystore holding one private-key entry: `leaf`'s key and the chain `leaf, intermediates…`.
pub fn key_store(
    format: StoreFormat,
    alias: &str,
    leaf: &Issued,
    intermediates: &[Certificate],
    password: &str,
    now: OffsetDateTime,
) -> Result<Vec<u8>, PkiError> {
    let mut chain = vec![leaf.cert.clone()];
    chain.extend(intermediates.iter().cloned());
    let mut store = TrustStore::new(format);
    store.entries.push(Entry {
        alias: alias.to_owned(),
        created_ms: Some(millis(now)),
        body: EntryBody::PrivateKey(PrivateKeyEntry {
            key: KeyMaterial::Pkcs8(leaf.key_pkcs8.clone()),
            chain,
            local_key_id: None,
        }),
    });
    write(&store, format, password, &format!("the {format} keystore"))
}

/// A truststore holding `anchor` as a trusted-certificate entry named [`TRUST_ALIAS`].
pub fn trust_store(
    format: StoreFormat,
    anchor: &Certificate,
    password: &str,
    now: OffsetDateTime,
) -> Result<Vec<u8>, PkiError> {
    let mut store = TrustStore::new(format);
    store.entries.push(Entry::trusted(
        TRUST_ALIAS,
        anchor.clone(),
        Some(millis(now)),
    ));
    write(
        &store,
        format,
        password,
        &format!("the {format} truststore"),
    )
}
