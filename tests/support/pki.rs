//! Small certificate factories for tests (rcgen, fixed validity).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};

/// A certificate with its key.
pub struct Issued {
    /// The certificate.
    pub cert: rcgen::Certificate,
    /// Its key.
    pub key: KeyPair,
    /// Params kept for signing children.
    pub params: CertificateParams,
}

impl Issued {
    /// PEM of the certificate.
    pub fn pem(&self) -> String {
        self.cert.pem()
    }
    /// DER of the certificate.
    pub fn der(&self) -> Vec<u8> {
        self.cert.der().to_vec()
    }
}

fn validity(p: &mut CertificateParams) {
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
}

/// A self-signed root CA named `cn`.
pub fn root(cn: &str) -> Issued {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name
        .push(DnType::OrganizationName, "trustpath tests");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut p);
    let key = KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    Issued {
        cert,
        key,
        params: p,
    }
}

/// An intermediate CA signed by `issuer`.
pub fn intermediate(cn: &str, issuer: &Issued) -> Issued {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut p);
    let key = KeyPair::generate().unwrap();
    let issuer_cert = rcgen::Issuer::from_params(&issuer.params, &issuer.key);
    let cert = p.signed_by(&key, &issuer_cert).unwrap();
    Issued {
        cert,
        key,
        params: p,
    }
}

/// A server leaf for `names` signed by `issuer`.
pub fn leaf(names: &[&str], issuer: &Issued) -> Issued {
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, names[0]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    validity(&mut p);
    let key = KeyPair::generate().unwrap();
    let issuer_cert = rcgen::Issuer::from_params(&issuer.params, &issuer.key);
    let cert = p.signed_by(&key, &issuer_cert).unwrap();
    Issued {
        cert,
        key,
        params: p,
    }
}
