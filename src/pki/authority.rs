//! A certificate authority of a lab (root or intermediate): its certificate, its key, and issuing
//! intermediates and leaves under it.

use rcgen::{CertificateParams, Issuer, KeyPair, PublicKeyData, SigningKey};
use time::OffsetDateTime;

use super::key::LabKey;
use super::profile::{self, LeafUsage, Validity};
use super::{KeyType, PkiError, SubjectName};
use crate::cert::Certificate;

/// A certificate with its private key (PKCS#8 DER).
#[derive(Clone)]
pub struct Issued {
    /// The certificate.
    pub cert: Certificate,
    /// The private key as an unencrypted PKCS#8 `PrivateKeyInfo`.
    pub key_pkcs8: Vec<u8>,
}

impl Issued {
    /// The certificate as PEM.
    pub fn cert_pem(&self) -> String {
        self.cert.to_pem()
    }

    /// The key as PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn key_pem(&self) -> String {
        crate::pem::encode("PRIVATE KEY", &self.key_pkcs8)
    }
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("cert", &self.cert)
            .field(
                "key_pkcs8",
                &format_args!("({} bytes, redacted)", self.key_pkcs8.len()),
            )
            .finish()
    }
}

/// A CA that can issue certificates.
pub struct Authority {
    cert: Certificate,
    issuer: Issuer<'static, LabKey>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("cert", &self.cert)
            .finish()
    }
}

/// Signs `params` for `subject` with `issuer`, as a [`Certificate`].
pub(crate) fn sign(
    params: &CertificateParams,
    subject: &impl PublicKeyData,
    issuer: &Issuer<'_, impl SigningKey>,
) -> Result<Certificate, PkiError> {
    let der = params.signed_by(subject, issuer)?;
    Certificate::from_der(der.der().to_vec())
        .map_err(|e| PkiError::Ca(format!("rcgen produced an unparseable certificate: {e}")))
}

/// Short hex tag from a key identifier, to tell one lab's CAs from another's by name.
fn tag(params: &CertificateParams, key: &impl PublicKeyData) -> String {
    hex::encode(params.key_identifier(key).get(..4).unwrap_or_default())
}

/// The CA profile of `spec` for `key` (a root's when `root`).
fn ca_params(spec: &CaSpec<'_>, key: &LabKey, root: bool) -> Result<CertificateParams, PkiError> {
    let validity = Validity::days_from(spec.not_before, spec.days)?;
    let cn = match spec.common_name {
        Some(cn) => cn.to_owned(),
        None => {
            let role = if root { "root" } else { "intermediate" };
            let unnamed = profile::ca("", validity, spec.path_len, root);
            format!("trustpath lab {role} CA {}", tag(&unnamed, key))
        }
    };
    Ok(profile::ca(&cn, validity, spec.path_len, root))
}

/// What a new CA is to be: its name, when it starts, how long it lasts and how many CAs may stand below
/// it.
#[derive(Debug, Clone, Copy)]
pub struct CaSpec<'a> {
    /// Its common name; none for `trustpath lab root CA <tag>` (`intermediate CA` for an intermediate),
    /// with a tag from its key so that several labs can be told apart in one truststore.
    pub common_name: Option<&'a str>,
    /// The start of its validity.
    pub not_before: OffsetDateTime,
    /// How many days it is valid.
    pub days: u32,
    /// Its basicConstraints pathLenConstraint.
    pub path_len: u8,
}

impl Authority {
    /// A new self-signed root CA with `key`.
    pub fn new_root(spec: &CaSpec<'_>, key: LabKey) -> Result<Authority, PkiError> {
        Authority::new_ca(None, spec, key)
    }

    /// A new intermediate CA with `key`, signed by this one.
    pub fn new_intermediate(&self, spec: &CaSpec<'_>, key: LabKey) -> Result<Authority, PkiError> {
        Authority::new_ca(Some(self), spec, key)
    }

    /// A new CA with `key`: an intermediate signed by `parent`, or a self-signed root without one.
    fn new_ca(
        parent: Option<&Authority>,
        spec: &CaSpec<'_>,
        key: LabKey,
    ) -> Result<Authority, PkiError> {
        let params = ca_params(spec, &key, parent.is_none())?;
        let cert = match parent {
            Some(parent) => sign(&params, &key, &parent.issuer)?,
            None => sign(&params, &key, &Issuer::from_params(&params, &key))?,
        };
        Ok(Authority {
            cert,
            issuer: Issuer::new(params, key),
        })
    }

    /// An existing CA from its PEM certificate and PEM private key (PKCS#8, SEC1 or PKCS#1). Checks that
    /// the key belongs to the certificate and that the certificate is a CA.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Authority, PkiError> {
        let blocks = crate::pem::parse_all(cert_pem).map_err(|e| PkiError::Ca(e.to_string()))?;
        let der = blocks
            .into_iter()
            .find(|b| b.label == "CERTIFICATE")
            .ok_or_else(|| PkiError::Ca("no CERTIFICATE block in the CA certificate file".into()))?
            .contents;
        let cert = Certificate::from_der(der).map_err(|e| PkiError::Ca(e.to_string()))?;
        let info = cert.try_info().map_err(|e| PkiError::Ca(e.to_string()))?;
        if !info.is_ca {
            return Err(PkiError::Ca(format!(
                "{} is not a CA certificate (basicConstraints CA:TRUE is missing)",
                info.subject
            )));
        }
        let key_text = std::str::from_utf8(key_pem)
            .map_err(|_| PkiError::Ca("the CA key file is not PEM text".into()))?;
        let key = KeyPair::from_pem(key_text)
            .map_err(|e| PkiError::Ca(format!("cannot read the CA private key: {e}")))?;
        let parsed = cert.parsed().map_err(|e| PkiError::Ca(e.to_string()))?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.der_bytes() {
            return Err(PkiError::Ca(format!(
                "the private key does not belong to the CA certificate {}",
                info.subject
            )));
        }
        let issuer = Issuer::from_ca_cert_der(&cert.der().to_vec().into(), LabKey::Modern(key))
            .map_err(|e| PkiError::Ca(format!("cannot use {} as an issuer: {e}", info.subject)))?;
        Ok(Authority { cert, issuer })
    }

    /// The CA certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The CA's private key as PKCS#8 DER.
    pub fn key_pkcs8(&self) -> Vec<u8> {
        self.issuer.key().pkcs8_der()
    }

    /// The CA certificate and key as an [`Issued`].
    pub fn issued(&self) -> Issued {
        Issued {
            cert: self.cert.clone(),
            key_pkcs8: self.key_pkcs8(),
        }
    }

    /// Issues a leaf certificate with a fresh key of `key_type`, valid for `days` from `now`.
    pub fn issue_leaf(
        &self,
        names: &[SubjectName],
        usage: LeafUsage,
        key_type: KeyType,
        now: OffsetDateTime,
        days: u32,
    ) -> Result<Issued, PkiError> {
        let key = key_type.generate()?;
        let params = profile::leaf(
            names,
            usage,
            key_type.is_rsa(),
            Validity::days_from(now, days)?,
        )?;
        let cert = sign(&params, &key, &self.issuer)?;
        Ok(Issued {
            cert,
            key_pkcs8: key.serialize_der(),
        })
    }
}
