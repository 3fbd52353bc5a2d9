//! The client certificate a probe presents when a server asks for one (`--client-cert`): a key entry of
//! a PKCS#12 or JKS/JCEKS key store (read with the truststore codecs, its key recovered with the store
//! password, as the JVM's `javax.net.ssl.keyStore` is read), or a PEM certificate chain with its PEM
//! private key. The key never leaves this type: its `Debug` prints the subject only.
//!
//! Which certificate is sent follows the JDK's default key manager (`SunX509KeyManagerImpl`
//! `getAliases`): when the server names acceptable issuers, a certificate is offered only when one of the
//! certificates of its chain was issued by a named CA; otherwise the JVM sends none, and so does the
//! probe (and says why).

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;

use crate::cert::Certificate;
use crate::truststore::{self, EntryBody, KeyMaterial};

/// A client certificate chain with its private key, ready for rustls' client authentication.
#[derive(Clone)]
pub struct ClientIdentity {
    /// The chain, leaf first.
    pub chain: Vec<Certificate>,
    /// Where it came from, for messages (`client.p12, alias 'client'`); never a secret.
    pub source: String,
    key: Arc<CertifiedKey>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("subject", &self.subject())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Why a client certificate cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The key store did not open (wrong password, damaged file, unknown format).
    #[error("{0}")]
    Store(#[from] truststore::StoreError),
    /// No key entry, or several and none chosen.
    #[error("{0}")]
    Entry(String),
    /// The key cannot sign, or does not belong to the leaf.
    #[error("{0}")]
    Key(String),
}

impl ClientIdentity {
    /// A key entry of a PKCS#12, JKS or JCEKS key store: the one named `alias`, else the only one. The
    /// key is recovered with `password`, the store's, as the JVM's default key manager does.
    pub fn from_keystore(
        bytes: &[u8],
        password: &str,
        alias: Option<&str>,
        source: &str,
    ) -> Result<ClientIdentity, IdentityError> {
        let store = truststore::read(bytes, password)?;
        let keys: Vec<_> = store
            .entries
            .iter()
            .filter_map(|e| match &e.body {
                EntryBody::PrivateKey(k) => Some((e.alias.as_str(), k)),
                _ => None,
            })
            .collect();
        let (name, entry) = match alias {
            Some(wanted) => keys
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(wanted))
                .copied()
                .ok_or_else(|| {
                    IdentityError::Entry(format!(
                        "{source} has no key entry named '{wanted}' (key entries: {})",
                        list(&keys)
                    ))
                })?,
            None => match keys.as_slice() {
                [one] => *one,
                [] => {
                    return Err(IdentityError::Entry(format!(
                        "{source} holds no private key entry (a client certificate needs its key: keytool -genkeypair, or a PKCS#12 made with openssl pkcs12 -export)"
                    )));
                }
                _ => {
                    return Err(IdentityError::Entry(format!(
                        "{source} holds several key entries ({}): choose one with --client-cert-alias",
                        list(&keys)
                    )));
                }
            },
        };
        let pkcs8 = match &entry.key {
            KeyMaterial::Pkcs8(der) => der.clone(),
            KeyMaterial::JavaProtected(epki) => truststore::keyprotect::recover(epki, password)?,
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8));
        ClientIdentity::new(
            entry.chain.clone(),
            key,
            format!("{source}, alias '{name}'"),
        )
    }

    /// A PEM (or DER) certificate chain, leaf first, with its PEM private key.
    pub fn from_pem(
        chain: Vec<Certificate>,
        key_pem: &[u8],
        source: &str,
    ) -> Result<ClientIdentity, IdentityError> {
        let key = crate::pem::private_key(key_pem).map_err(|e| {
            IdentityError::Key(format!(
                "no PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA) in --client-key: {e}"
            ))
        })?;
        ClientIdentity::new(chain, key, source.to_owned())
    }

    fn new(
        chain: Vec<Certificate>,
        key: PrivateKeyDer<'static>,
        source: String,
    ) -> Result<ClientIdentity, IdentityError> {
        if chain.is_empty() {
            return Err(IdentityError::Entry(format!(
                "{source} holds no certificate"
            )));
        }
        let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(&key)
            .map_err(|e| IdentityError::Key(format!("{source}: unsupported private key: {e}")))?;
        let ders: Vec<CertificateDer<'static>> = chain
            .iter()
            .map(|c| CertificateDer::from(c.der().to_vec()))
            .collect();
        let certified = CertifiedKey::new(ders, signer);
        certified.keys_match().map_err(|_| {
            IdentityError::Key(format!(
                "{source}: the private key does not belong to the certificate {}",
                chain[0].info().subject
            ))
        })?;
        Ok(ClientIdentity {
            chain,
            source,
            key: Arc::new(certified),
        })
    }

    /// The leaf's subject, as the JDK prints it.
    pub fn subject(&self) -> String {
        self.chain[0].info().subject.clone()
    }

    /// The leaf's issuer, as the JDK prints it.
    pub fn issuer(&self) -> String {
        self.chain[0].info().issuer.clone()
    }

    /// Whether the JDK's default key manager offers this chain to a server naming `issuers` (DER
    /// names): any when none are named, else when a certificate of the chain was issued by one of them.
    pub fn offered_to(&self, issuers: &[&[u8]]) -> bool {
        issuers.is_empty()
            || self.chain.iter().any(|c| {
                let issuer = &c.info().issuer_raw;
                issuers.iter().any(|named| {
                    *named == issuer.as_slice()
                        || crate::cert::dn_text(named).is_some_and(|t| t == c.info().issuer)
                })
            })
    }

    /// The rustls key to present.
    pub(crate) fn certified_key(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.key)
    }
}

fn list(keys: &[(&str, &truststore::PrivateKeyEntry)]) -> String {
    keys.iter()
        .map(|(a, _)| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CA named `cn` and a client certificate it issued, with the client's key (PEM).
    fn issued(cn: &str) -> (Vec<Certificate>, String, Vec<u8>) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name.push(rcgen::DnType::CommonName, cn);
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::from_params(&ca, &ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "client");
        let cert = p.signed_by(&key, &issuer).unwrap();
        let chain = vec![
            Certificate::from_der(cert.der().to_vec()).unwrap(),
            Certificate::from_der(ca_cert.der().to_vec()).unwrap(),
        ];
        (chain, key.serialize_pem(), ca_cert.der().to_vec())
    }

    #[test]
    fn a_client_certificate_is_offered_only_to_servers_naming_its_issuer_or_none() {
        let (chain, key, _) = issued("Client CA");
        let id = ClientIdentity::from_pem(chain.clone(), key.as_bytes(), "client.pem").unwrap();
        let own = chain[0].info().issuer_raw.clone();
        let other = issued("Other CA").0[0].info().issuer_raw.clone();
        assert!(id.offered_to(&[]));
        assert!(id.offered_to(&[own.as_slice()]));
        assert!(id.offered_to(&[other.as_slice(), own.as_slice()]));
        assert!(!id.offered_to(&[other.as_slice()]));
        assert!(!format!("{id:?}").contains("PRIVATE"));
    }

    #[test]
    fn a_key_that_is_not_the_leafs_is_refused_naming_the_certificate() {
        let (chain, _, _) = issued("Client CA");
        let (_, other_key, _) = issued("Other CA");
        let err = ClientIdentity::from_pem(chain, other_key.as_bytes(), "client.pem").unwrap_err();
        assert!(
            err.to_string()
                .contains("the private key does not belong to the certificate CN=client"),
            "{err}"
        );
    }
}
