//! The one place that makes test certificates. Tests describe a certificate as rcgen `CertificateParams`
//! (or take [`root`], [`intermediate`] and [`leaf`], which fix the validity to 2025–2035) and have it
//! signed here ([`self_signed`], [`signed_by`]); [`testcerts`] generates the committed scenario fixtures
//! from fixed keys, and [`golden_fixtures`] the PKI the golden files show.

pub mod spec;
pub mod testcerts;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};

/// The key type of every certificate unless a test asks for another.
pub const EC: &SignatureAlgorithm = &rcgen::PKCS_ECDSA_P256_SHA256;

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

/// `params` signed by a new key of `alg`, as a self-signed certificate.
pub fn self_signed(params: CertificateParams, alg: &'static SignatureAlgorithm) -> Issued {
    let key = KeyPair::generate_for(alg).unwrap();
    let cert = params.self_signed(&key).unwrap();
    Issued { cert, key, params }
}

/// `params` with a new key of `alg`, signed by `issuer`.
pub fn signed_by(
    params: CertificateParams,
    alg: &'static SignatureAlgorithm,
    issuer: &Issued,
) -> Issued {
    let key = KeyPair::generate_for(alg).unwrap();
    let signer = rcgen::Issuer::from_params(&issuer.params, &issuer.key);
    let cert = params.signed_by(&key, &signer).unwrap();
    Issued { cert, key, params }
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
    self_signed(p, EC)
}

/// An intermediate CA signed by `issuer`.
pub fn intermediate(cn: &str, issuer: &Issued) -> Issued {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut p);
    signed_by(p, EC, issuer)
}

/// A server leaf for `names` signed by `issuer`.
pub fn leaf(names: &[&str], issuer: &Issued) -> Issued {
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, names[0]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    validity(&mut p);
    signed_by(p, EC, issuer)
}

/// Writes the PKI the golden files show into `tests/golden/fixtures/`: a root, an issuing CA, a leaf for
/// wiki.example.test and localhost (all EC P-256, valid 2026-01-01 to 2046-01-01), the leaf's key, a
/// fullchain, an unrelated key and an unrelated CA.
pub fn golden_fixtures() {
    let validity = |p: &mut CertificateParams| {
        p.not_before = time::macros::datetime!(2026-01-01 00:00 UTC);
        p.not_after = time::macros::datetime!(2046-01-01 00:00 UTC);
    };
    let ca = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(DnType::OrganizationName, "trustpath tests");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        validity(&mut p);
        p
    };
    let root = self_signed(ca("Golden Test Root CA"), EC);
    let int = signed_by(ca("Golden Test Issuing CA"), EC, &root);
    let mut leaf =
        CertificateParams::new(vec!["wiki.example.test".to_owned(), "localhost".to_owned()])
            .unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "wiki.example.test");
    validity(&mut leaf);
    let leaf = signed_by(leaf, EC, &int);
    let other = KeyPair::generate_for(EC).unwrap();
    let other_ca = self_signed(ca("Unrelated Test CA"), EC);
    let write =
        |name: &str, text: String| std::fs::write(super::golden::fixture(name), text).unwrap();
    write("root.pem", root.pem());
    write("intermediate.pem", int.pem());
    write("leaf.pem", leaf.pem());
    write("leaf-key.pem", leaf.key.serialize_pem());
    write("other-key.pem", other.serialize_pem());
    write("other-ca.pem", other_ca.pem());
    write("fullchain.pem", format!("{}{}", leaf.pem(), int.pem()));
}
