//! Test helpers for the chain core: certificates made with rcgen, or written field by field in DER (for
//! what rcgen cannot make: version 1 certificates, multi-valued RDNs, any string type), anchors, and a
//! diagnosis at a fixed instant.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    PublicKeyData, SigningKey,
};

use super::diagnosis::{Anchor, ChainInput, Diagnosis, Policy, TrustAnchors};
use crate::cert::Certificate;
use crate::cert::jdk::JavaVersion;

/// The fixed instant of the tests: 2026-06-01T00:00:00Z.
pub(crate) const NOW: i64 = 1_780_272_000;

/// Parameters valid 2025-01-01 to 2035-01-01 with subject CN=`cn` and an authorityKeyIdentifier.
pub(crate) fn params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p.use_authority_key_identifier_extension = true;
    p
}

/// [`params`] of a CA: basicConstraints cA=true, keyUsage keyCertSign and cRLSign.
pub(crate) fn ca_params(cn: &str) -> CertificateParams {
    let mut p = params(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

/// [`params`] of a server leaf with these DNS names.
pub(crate) fn leaf_params(dns: &[&str]) -> CertificateParams {
    let mut p = params("leaf");
    p.subject_alt_names = dns
        .iter()
        .map(|d| rcgen::SanType::DnsName((*d).try_into().expect("an IA5 name")))
        .collect();
    p
}

/// A certificate from rcgen.
pub(crate) fn cert(c: &rcgen::Certificate) -> Certificate {
    Certificate::from_der(c.der().to_vec()).expect("rcgen makes parseable certificates")
}

/// `p` self-signed with `key`.
pub(crate) fn self_signed(p: &CertificateParams, key: &KeyPair) -> Certificate {
    cert(&p.clone().self_signed(key).expect("self-signed"))
}

/// `p` for `key`, issued by `issuer` (its parameters and key).
pub(crate) fn issued(
    p: &CertificateParams,
    key: &KeyPair,
    issuer: &CertificateParams,
    issuer_key: &KeyPair,
) -> Certificate {
    cert(
        &p.clone()
            .signed_by(key, &Issuer::new(issuer.clone(), issuer_key))
            .expect("signed"),
    )
}

/// A trusted entry of store `test` with alias `alias`.
pub(crate) fn anchor(c: &Certificate, alias: &str) -> Anchor {
    Anchor {
        cert: c.clone(),
        store: "test".into(),
        alias: alias.into(),
        jdk_bundled: false,
    }
}

/// Diagnoses `served` against `anchors` (java and browser) at [`NOW`] for JDK `major`, without a
/// handshake.
pub(crate) fn judge(
    served: &[Certificate],
    anchors: &[Certificate],
    host: Option<&str>,
    major: u32,
) -> Diagnosis {
    judge_over(served, anchors, host, major, None)
}

/// [`judge`] for a connection that negotiated `tls` (`None`: no handshake).
pub(crate) fn judge_over(
    served: &[Certificate],
    anchors: &[Certificate],
    host: Option<&str>,
    major: u32,
    tls: Option<super::TlsVersion>,
) -> Diagnosis {
    judge_for(served, anchors, host, JavaVersion::newest(major), tls)
}

/// [`judge_over`] for the JDK of version `java` (an update of it).
pub(crate) fn judge_for(
    served: &[Certificate],
    anchors: &[Certificate],
    host: Option<&str>,
    java: JavaVersion,
    tls: Option<super::TlsVersion>,
) -> Diagnosis {
    let anchors: Vec<Anchor> = anchors.iter().map(|c| anchor(c, "anchor")).collect();
    let input = ChainInput {
        served: served.to_vec(),
        host: host.map(str::to_owned),
        extra: Vec::new(),
        tls_version: tls,
        fetched: Vec::new(),
    };
    let policy = Policy {
        java_version: Some(java),
        ..Policy::default()
    };
    super::diagnose(
        &input,
        &TrustAnchors::new(anchors.clone(), anchors),
        &policy,
        NOW,
    )
}

/// DER: one TLV.
pub(crate) fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let len = body.len();
    if len < 0x80 {
        v.push(len as u8);
    } else if len < 0x100 {
        v.extend([0x81, len as u8]);
    } else {
        v.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    v.extend_from_slice(body);
    v
}

/// DER: an OBJECT IDENTIFIER from its dotted form.
pub(crate) fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().expect("an arc"))
        .collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &a in &arcs[2..] {
        let mut groups = vec![(a & 0x7f) as u8];
        let mut n = a >> 7;
        while n > 0 {
            groups.push((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        body.extend(groups.iter().rev());
    }
    tlv(0x06, &body)
}

/// DER: a Name from RDNs of (attribute OID, string tag, value bytes).
pub(crate) fn name(rdns: &[&[(&str, u8, &[u8])]]) -> Vec<u8> {
    let mut seq = Vec::new();
    for rdn in rdns {
        let mut set = Vec::new();
        for (o, tag, value) in *rdn {
            let mut ava = oid(o);
            ava.extend(tlv(*tag, value));
            set.extend(tlv(0x30, &ava));
        }
        seq.extend(tlv(0x31, &set));
    }
    tlv(0x30, &seq)
}

/// DER: a Name with one CN in a UTF8String.
pub(crate) fn cn_name(cn: &str) -> Vec<u8> {
    name(&[&[("2.5.4.3", 0x0c, cn.as_bytes())]])
}

/// A certificate written field by field and signed (ECDSA P-256 with SHA-256) with `issuer_key`.
pub(crate) struct RawCert<'a> {
    /// 1 or 3.
    pub version: u8,
    /// Serial number bytes (positive).
    pub serial: Vec<u8>,
    /// Issuer Name DER.
    pub issuer: Vec<u8>,
    /// Subject Name DER.
    pub subject: Vec<u8>,
    /// Validity as (notBefore, notAfter) UTCTime strings `YYMMDDHHMMSSZ`.
    pub validity: (&'a str, &'a str),
    /// Extensions as (OID, critical, extnValue contents); version 3 only.
    pub extensions: Vec<(&'a str, bool, Vec<u8>)>,
}

impl RawCert<'_> {
    /// A version 3 certificate with these names, valid 2025–2035, without extensions.
    pub fn new(issuer: Vec<u8>, subject: Vec<u8>) -> Self {
        RawCert {
            version: 3,
            serial: vec![0x01],
            issuer,
            subject,
            validity: ("250101000000Z", "350101000000Z"),
            extensions: Vec::new(),
        }
    }

    /// Signs the certificate for `key`'s public key with `issuer_key`.
    pub fn sign(&self, key: &KeyPair, issuer_key: &KeyPair) -> Certificate {
        self.sign_with(key, "1.2.840.10045.4.3.2", |tbs| {
            issuer_key.sign(tbs).expect("ECDSA signature")
        })
    }

    /// Signs the certificate for `key`'s public key with the P-256 `issuer_key` as ECDSA over SHA-224
    /// (ecdsa-with-SHA224), which rcgen cannot make.
    pub fn sign_ecdsa_sha224(&self, key: &KeyPair, issuer_key: &KeyPair) -> Certificate {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        use sha2::Digest;
        // rcgen's PKCS#8 holds the ECPrivateKey: version 1, then the 32-byte scalar.
        let pkcs8 = issuer_key.serialize_der();
        let at = pkcs8
            .windows(5)
            .position(|w| w == [0x02, 0x01, 0x01, 0x04, 0x20])
            .expect("a P-256 ECPrivateKey")
            + 5;
        let signer =
            p256::ecdsa::SigningKey::from_slice(&pkcs8[at..at + 32]).expect("a P-256 scalar");
        self.sign_with(key, "1.2.840.10045.4.3.1", |tbs| {
            let sig: p256::ecdsa::Signature = signer
                .sign_prehash(&sha2::Sha224::digest(tbs))
                .expect("ECDSA signature");
            sig.to_der().as_bytes().to_vec()
        })
    }

    /// Writes the certificate with signature algorithm `alg_oid` (no parameters) and the signature `sign`
    /// makes over the tbsCertificate.
    fn sign_with(
        &self,
        key: &KeyPair,
        alg_oid: &str,
        sign: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Certificate {
        let alg = tlv(0x30, &oid(alg_oid));
        let mut tbs = Vec::new();
        if self.version == 3 {
            tbs.extend(tlv(0xa0, &tlv(0x02, &[0x02])));
        }
        tbs.extend(tlv(0x02, &self.serial));
        tbs.extend(&alg);
        tbs.extend(&self.issuer);
        let mut validity = tlv(0x17, self.validity.0.as_bytes());
        validity.extend(tlv(0x17, self.validity.1.as_bytes()));
        tbs.extend(tlv(0x30, &validity));
        tbs.extend(&self.subject);
        tbs.extend(key.subject_public_key_info());
        if self.version == 3 && !self.extensions.is_empty() {
            let mut exts = Vec::new();
            for (o, critical, value) in &self.extensions {
                let mut ext = oid(o);
                if *critical {
                    ext.extend([0x01, 0x01, 0xff]);
                }
                ext.extend(tlv(0x04, value));
                exts.extend(tlv(0x30, &ext));
            }
            tbs.extend(tlv(0xa3, &tlv(0x30, &exts)));
        }
        let tbs = tlv(0x30, &tbs);
        let sig = sign(&tbs);
        let mut bits = vec![0x00];
        bits.extend(sig);
        let mut body = tbs;
        body.extend(alg);
        body.extend(tlv(0x03, &bits));
        Certificate::from_der(tlv(0x30, &body)).expect("a parseable certificate")
    }
}

/// The extnValue of basicConstraints cA=true.
pub(crate) fn ca_extension() -> (&'static str, bool, Vec<u8>) {
    ("2.5.29.19", true, tlv(0x30, &[0x01, 0x01, 0xff]))
}
