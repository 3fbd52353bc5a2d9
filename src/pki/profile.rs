//! Certificate profiles: what a root CA, an issuing intermediate and a server or client certificate
//! contain, following the CA/Browser Forum baseline requirements so that a lab chain is judged the way a
//! real one would be.
//!
//! - CAs: basicConstraints `CA:TRUE` (critical) with a pathLenConstraint, keyUsage keyCertSign + cRLSign
//!   (critical), subjectKeyIdentifier, and authorityKeyIdentifier below the root.
//! - Leaves: basicConstraints `CA:FALSE`, keyUsage digitalSignature (+ keyEncipherment for RSA keys, which
//!   TLS 1.2 RSA key exchange needs), extendedKeyUsage serverAuth or clientAuth, SKI and AKI, every name
//!   as a subjectAltName and the first one as the common name.
//! - Validity: root 10 years, intermediate 5 years, leaf 397 days (browsers refuse more than 398), each
//!   starting one hour before `now` so that a client whose clock lags slightly still accepts it.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use super::{PkiError, SubjectName};

/// Default lifetime of a root CA, in days.
pub const ROOT_DAYS: u32 = 3650;
/// Default lifetime of an intermediate CA, in days.
pub const INTERMEDIATE_DAYS: u32 = 1825;
/// Default lifetime of a leaf: 397 days, inside the 398-day limit browsers enforce since September 2020.
pub const LEAF_DAYS: u32 = 397;
/// How far before `now` validity starts.
pub const BACKDATE: Duration = Duration::hours(1);
/// The organization name every lab certificate carries, so lab certificates are recognisable.
pub const LAB_ORGANIZATION: &str = "trustpath lab";

/// What a leaf certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeafUsage {
    /// A TLS server (extendedKeyUsage serverAuth).
    #[default]
    Server,
    /// A TLS client (extendedKeyUsage clientAuth).
    Client,
}

impl LeafUsage {
    /// The file-name stem of such a leaf in a lab directory: `server` or `client`.
    pub fn stem(self) -> &'static str {
        match self {
            LeafUsage::Server => "server",
            LeafUsage::Client => "client",
        }
    }
}

/// A validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
}

impl Validity {
    /// `days` days from one hour before `now`.
    pub fn days_from(now: OffsetDateTime, days: u32) -> Result<Validity, PkiError> {
        let not_before = now - BACKDATE;
        let not_after = not_before
            .checked_add(Duration::days(i64::from(days)))
            .ok_or_else(|| PkiError::Validity(format!("{days} days from {now} overflows")))?;
        Ok(Validity {
            not_before: truncate(not_before),
            not_after: truncate(not_after),
        })
    }
}

/// Certificates hold whole seconds.
fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, LAB_ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    dn
}

/// A CA certificate's parameters: `path_len` is how many intermediates may follow it.
pub fn ca(common_name: &str, validity: Validity, path_len: u8, is_root: bool) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = name(common_name);
    p.not_before = validity.not_before;
    p.not_after = validity.not_after;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
    ];
    p.use_authority_key_identifier_extension = !is_root;
    p
}

/// A leaf certificate's parameters for `names` (the first becomes the common name).
pub fn leaf(
    names: &[SubjectName],
    usage: LeafUsage,
    rsa: bool,
    validity: Validity,
) -> Result<CertificateParams, PkiError> {
    let first = names.first().ok_or(PkiError::NoNames)?;
    let mut p = CertificateParams::default();
    p.distinguished_name = name(&first.to_string());
    p.subject_alt_names = names
        .iter()
        .map(SubjectName::to_san)
        .collect::<Result<_, _>>()?;
    p.not_before = validity.not_before;
    p.not_after = validity.not_after;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = if rsa {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    };
    p.extended_key_usages = vec![match usage {
        LeafUsage::Server => ExtendedKeyUsagePurpose::ServerAuth,
        LeafUsage::Client => ExtendedKeyUsagePurpose::ClientAuth,
    }];
    p.use_authority_key_identifier_extension = true;
    Ok(p)
}
