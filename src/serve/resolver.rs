//! A rustls certificate resolver that always answers with one fixed chain, exactly as given: no
//! reordering, no completion, no check that the key matches the first certificate. That is the point of
//! `trustpath serve`: to reproduce what a misconfigured server sends.

use std::sync::Arc;

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::ServeError;

/// Serves the same chain to every client.
#[derive(Debug)]
pub struct FixedChain(Arc<CertifiedKey>);

impl FixedChain {
    /// A resolver for `chain` (served order) signed for with `key`.
    pub fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        provider: &rustls::crypto::CryptoProvider,
    ) -> Result<FixedChain, ServeError> {
        if chain.is_empty() {
            return Err(ServeError::Config("the certificate chain is empty".into()));
        }
        let signing_key = provider
            .key_provider
            .load_private_key(key)
            .map_err(|e| ServeError::Config(format!("cannot use the private key: {e}")))?;
        // CertifiedKey::new does not compare the key with chain[0]; a mismatch is served as asked.
        Ok(FixedChain(Arc::new(CertifiedKey::new(chain, signing_key))))
    }
}

impl ResolvesServerCert for FixedChain {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }
}
