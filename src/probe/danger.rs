//! The capture-only certificate verifier: it records the chain a server presents and accepts it without
//! judging trust, because judging is `chain::diagnose`'s job, done afterwards with the JVM's rules and the
//! app's own truststore. It still checks the server's handshake signature with the provider's algorithms,
//! so a captured chain is the one whose key the server actually holds.
//!
//! Never use this verifier for a connection that carries data: it trusts any certificate.
//!
//! One `ClientConfig` (and so one verifier) is shared by every probe; each probe's handshake runs inside
//! [`CAPTURE`]'s scope, a tokio task-local slot that the verifier fills. A verifier call outside any scope
//! records nothing.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// What the server presented, as the verifier saw it.
#[derive(Debug, Clone, Default)]
pub struct Presented {
    /// DER certificates in served order (end entity first).
    pub chain: Vec<Vec<u8>>,
    /// The stapled OCSP response, when one was sent (empty = none).
    pub ocsp: Vec<u8>,
}

/// A per-handshake slot the verifier writes to.
pub type Slot = Arc<Mutex<Option<Presented>>>;

/// A server's request for a client certificate, and what the probe answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The acceptable issuers it named, as the JDK prints names (empty: it named none).
    pub issuers: Vec<String>,
    /// What the probe sent.
    pub answer: Answer,
}

/// What the probe answered a client-certificate request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No client certificate was configured: an empty Certificate message, as a JVM without a key store.
    NoneConfigured,
    /// The configured certificate was sent.
    Sent,
    /// The configured certificate was not sent: no certificate of its chain was issued by a CA the
    /// server named (the JDK's default key manager withholds it the same way).
    Withheld,
}

/// A per-handshake slot for the client-certificate request of a server, when it made one.
pub type Requested = Arc<Mutex<Option<Request>>>;

tokio::task_local! {
    /// The slot of the handshake being driven by the current task.
    pub static CAPTURE: Slot;
    /// The client-certificate request of the handshake being driven by the current task.
    pub static CLIENT_AUTH: Requested;
}

/// Records a server's request for a client certificate (its acceptable issuers, as the JDK prints
/// names) and answers it as the JVM's default key manager would: with the configured client
/// certificate when one is configured and its chain meets the named issuers, else with none (the
/// handshake goes on with an empty Certificate message).
#[derive(Debug)]
pub struct RequestRecorder {
    identity: Option<Arc<super::client_cert::ClientIdentity>>,
}

impl RequestRecorder {
    /// A recorder presenting `identity`, when given.
    pub fn new(identity: Option<Arc<super::client_cert::ClientIdentity>>) -> RequestRecorder {
        RequestRecorder { identity }
    }
}

impl rustls::client::ResolvesClientCert for RequestRecorder {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let issuers: Vec<String> = root_hint_subjects
            .iter()
            .map(|der| {
                crate::cert::dn_text(der).unwrap_or_else(|| "(an unreadable name)".to_owned())
            })
            .collect();
        let (answer, key) = match &self.identity {
            None => (Answer::NoneConfigured, None),
            Some(id) if id.offered_to(root_hint_subjects) => {
                (Answer::Sent, Some(id.certified_key()))
            }
            Some(_) => (Answer::Withheld, None),
        };
        let _ = CLIENT_AUTH.try_with(|slot| {
            if let Ok(mut guard) = slot.lock() {
                *guard = Some(Request { issuers, answer });
            }
        });
        key
    }

    fn has_certs(&self) -> bool {
        self.identity.is_some()
    }
}

/// Accepts every server certificate after recording it; verifies handshake signatures.
#[derive(Debug)]
pub struct CaptureVerifier {
    algorithms: WebPkiSupportedAlgorithms,
}

impl CaptureVerifier {
    /// A verifier checking signatures with `provider`'s algorithms.
    pub fn new(provider: &CryptoProvider) -> CaptureVerifier {
        CaptureVerifier {
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for CaptureVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Presented {
            chain: std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.as_ref().to_vec())
                .collect(),
            ocsp: ocsp_response.to_vec(),
        };
        let _ = CAPTURE.try_with(|slot| {
            if let Ok(mut guard) = slot.lock() {
                *guard = Some(presented);
            }
        });
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// What a server did after a handshake in which it asked for a client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterAuth {
    /// Nothing said (the connection is kept for requests, or the server stayed silent).
    Nothing,
    /// It ended the connection with this alert or error.
    Refused(String),
    /// It answered `GET /` over the connection: the status and the page's title, when it had one
    /// (nginx answers `400` with "No required SSL certificate was sent" or "The SSL certificate error").
    Http(u16, Option<String>),
}
