//! The generator of trustpath's scenario fixtures (`testcerts/scenarios/`): one chain per finding code that
//! a served chain can show, built with rcgen from the fixed RSA keys in `testcerts/keys/`, with fixed
//! serial numbers and validity windows. RSA PKCS#1 v1.5 signatures are deterministic, so running it again
//! gives byte-identical certificates; `chain::testcerts` fails when the committed files drift
//! from it and rewrites them under `UPDATE_TESTCERTS=1`.
//!
//! rcgen cannot sign with SHA-1 or with a 1024-bit RSA key; for those two scenarios the certificate is
//! made by rcgen and then re-signed here (EMSA-PKCS1-v1_5) with trustpath's legacy signer
//! (`trustpath::pki::legacy_rsa`, RustCrypto `rsa`), see [`resign`].

use std::net::IpAddr;

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType, SerialNumber, SubjectPublicKeyInfo,
};
use trustpath::pki::legacy_rsa::{LegacyDigest, LegacyRsaKey};

/// The fixed keys, PKCS#8 PEM.
pub const ROOT_KEY: &str = include_str!("../../../../testcerts/keys/root.key");
/// A second, unrelated root's key.
pub const OTHER_ROOT_KEY: &str = include_str!("../../../../testcerts/keys/other-root.key");
/// The intermediate CA's key.
pub const INTERMEDIATE_KEY: &str = include_str!("../../../../testcerts/keys/intermediate.key");
/// A second-level CA's key.
pub const SUB_CA_KEY: &str = include_str!("../../../../testcerts/keys/sub-ca.key");
/// Every leaf's key (the server's private key in the JVM judge).
pub const LEAF_KEY: &str = include_str!("../../../../testcerts/keys/leaf.key");
/// A 1024-bit RSA key (rcgen and aws-lc-rs refuse to sign with it; see [`resign`]).
pub const WEAK_KEY: &str = include_str!("../../../../testcerts/keys/weak-1024.key");

/// The host name every scenario is checked against (unless it says otherwise).
pub const HOST: &str = "www.trustpath.test";

/// One scenario: what is served, what the store trusts, and what is expected.
#[derive(Clone)]
pub struct Scenario {
    /// Folder name under `testcerts/scenarios/`.
    pub name: &'static str,
    /// One line saying what it shows.
    pub what: &'static str,
    /// DER certificates in served order.
    pub served: Vec<Vec<u8>>,
    /// DER trust anchors.
    pub trust: Vec<Vec<u8>>,
    /// The host name the client connects to.
    pub host: &'static str,
    /// Whether the JVM accepts it (checked against a real JVM by `chain::jvm_judge`).
    pub java_trusted: bool,
    /// Finding codes the diagnosis must contain.
    pub codes: Vec<&'static str>,
}

impl Scenario {
    /// The served chain, for `host`, as `chain::diagnose` takes it.
    pub fn input(&self) -> trustpath::chain::ChainInput {
        trustpath::chain::ChainInput {
            served: ders_to_certs(&self.served),
            host: Some(self.host.to_owned()),
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        }
    }

    /// The scenario's trust anchors as entries of the store labelled `store` (aliases `root0`, `root1`, …).
    pub fn anchors(&self, store: &str, jdk_bundled: bool) -> Vec<trustpath::chain::Anchor> {
        ders_to_certs(&self.trust)
            .into_iter()
            .enumerate()
            .map(|(i, cert)| trustpath::chain::Anchor {
                cert,
                store: store.to_owned(),
                alias: format!("root{i}"),
                jdk_bundled,
            })
            .collect()
    }
}

/// DER certificates as trustpath certificates (fixtures always parse).
pub fn ders_to_certs(ders: &[Vec<u8>]) -> Vec<trustpath::cert::Certificate> {
    ders.iter()
        .map(|d| {
            trustpath::cert::Certificate::from_der(d.clone()).expect("fixture certificate parses")
        })
        .collect()
}

fn key(pem: &str) -> KeyPair {
    KeyPair::from_pem(pem).expect("committed key parses")
}

/// What a certificate looks like.
#[derive(Clone)]
struct Spec {
    cn: &'static str,
    dns: Vec<&'static str>,
    ips: Vec<IpAddr>,
    ca: IsCa,
    ku: Vec<KeyUsagePurpose>,
    eku: Vec<ExtendedKeyUsagePurpose>,
    serial: u64,
    from: (i32, u8, u8),
    until: (i32, u8, u8),
    permitted_dns: Option<&'static str>,
    aia: Option<&'static str>,
}

const VALID: ((i32, u8, u8), (i32, u8, u8)) = ((2025, 1, 1), (2035, 1, 1));
const EXPIRED: ((i32, u8, u8), (i32, u8, u8)) = ((2020, 1, 1), (2021, 1, 1));

fn ca(cn: &'static str, serial: u64) -> Spec {
    Spec {
        cn,
        dns: vec![],
        ips: vec![],
        ca: IsCa::Ca(BasicConstraints::Unconstrained),
        ku: vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign],
        eku: vec![],
        serial,
        from: VALID.0,
        until: VALID.1,
        permitted_dns: None,
        aia: None,
    }
}

fn leaf(cn: &'static str, serial: u64) -> Spec {
    Spec {
        cn,
        dns: vec![HOST],
        ips: vec![],
        ca: IsCa::ExplicitNoCa,
        ku: vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ],
        eku: vec![ExtendedKeyUsagePurpose::ServerAuth],
        serial,
        from: VALID.0,
        until: VALID.1,
        permitted_dns: None,
        aia: Some("http://pki.trustpath.test/intermediate.crt"),
    }
}

impl Spec {
    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "trustpath tests");
        dn.push(DnType::CommonName, self.cn);
        p.distinguished_name = dn;
        p.subject_alt_names = self
            .dns
            .iter()
            .map(|d| SanType::DnsName((*d).try_into().expect("ia5 name")))
            .chain(self.ips.iter().map(|ip| SanType::IpAddress(*ip)))
            .collect();
        p.is_ca = self.ca;
        p.key_usages = self.ku.clone();
        p.extended_key_usages = self.eku.clone();
        p.serial_number = Some(SerialNumber::from(self.serial));
        p.not_before = rcgen::date_time_ymd(self.from.0, self.from.1, self.from.2);
        p.not_after = rcgen::date_time_ymd(self.until.0, self.until.1, self.until.2);
        p.use_authority_key_identifier_extension = true;
        if let Some(d) = self.permitted_dns {
            p.name_constraints = Some(NameConstraints {
                permitted_subtrees: vec![GeneralSubtree::DnsName(d.to_owned())],
                excluded_subtrees: vec![],
            });
        }
        if let Some(url) = self.aia {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                aia(url),
            ));
        }
        p
    }

    fn self_signed(&self, k: &KeyPair) -> Vec<u8> {
        let mut p = self.params();
        p.use_authority_key_identifier_extension = false;
        p.self_signed(k).expect("self-signed").der().to_vec()
    }

    /// Signed by `issuer_spec`'s name with `signing_key`.
    fn signed(&self, subject_key: &KeyPair, issuer: &Spec, signing_key: &KeyPair) -> Vec<u8> {
        let iss = Issuer::new(issuer.params(), signing_key);
        self.params()
            .signed_by(subject_key, &iss)
            .expect("signed")
            .der()
            .to_vec()
    }
}

/// The authorityInfoAccess value with one caIssuers URL.
fn aia(url: &str) -> Vec<u8> {
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let loc = tlv(0x86, url.as_bytes());
    let desc = tlv(0x30, &[&oid[..], &loc].concat());
    tlv(0x30, &desc)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// Reads one DER TLV: (tag, whole encoding length, content).
fn read_tlv(d: &[u8]) -> (u8, usize, &[u8]) {
    let tag = d[0];
    let (len, hdr) = match d[1] {
        l if l < 0x80 => (l as usize, 2),
        0x81 => (d[2] as usize, 3),
        0x82 => (((d[2] as usize) << 8) | d[3] as usize, 4),
        _ => panic!("length form"),
    };
    (tag, hdr + len, &d[hdr..hdr + len])
}

/// A committed PKCS#8 RSA key as the legacy signer (which also signs with keys rcgen cannot load).
fn rsa_key(pem_text: &str) -> LegacyRsaKey {
    let der = pem::parse(pem_text).expect("pem").into_contents();
    LegacyRsaKey::from_pkcs8(&der).expect("committed RSA key")
}

/// The SubjectPublicKeyInfo of a PKCS#8 RSA private key (for keys rcgen cannot load).
fn rsa_spki(pem_text: &str) -> Vec<u8> {
    rsa_key(pem_text).spki_der().expect("spki")
}

const SHA256_RSA_OID: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA1_RSA_OID: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];

/// Re-signs an rcgen-made SHA256withRSA certificate with the RSA key `signer_pem`, using SHA-1 when
/// `sha1` (the algorithm OID is swapped in place, same length) — EMSA-PKCS1-v1_5, deterministic like
/// any PKCS#1 v1.5 signature.
fn resign(cert: &[u8], signer_pem: &str, sha1: bool) -> Vec<u8> {
    resign_tbs(cert, signer_pem, sha1, false)
}

/// Makes an X.509 v1 certificate from an rcgen-made one: drops the version and the extensions from the
/// TBS and re-signs it (SHA-256) with `signer_pem`.
fn make_v1(cert: &[u8], signer_pem: &str) -> Vec<u8> {
    resign_tbs(cert, signer_pem, false, true)
}

fn resign_tbs(cert: &[u8], signer_pem: &str, sha1: bool, v1: bool) -> Vec<u8> {
    let (_, _, body) = read_tlv(cert);
    let (_, tbs_len, tbs_content) = read_tlv(body);
    let mut tbs = body[..tbs_len].to_vec();
    if v1 {
        let mut fields = Vec::new();
        let mut rest = tbs_content;
        while !rest.is_empty() {
            let (tag, len, _) = read_tlv(rest);
            if tag != 0xa0 && tag != 0xa3 {
                fields.extend_from_slice(&rest[..len]);
            }
            rest = &rest[len..];
        }
        tbs = tlv(0x30, &fields);
    }
    let (_, alg_len, _) = read_tlv(&body[tbs_len..]);
    let mut alg = body[tbs_len..tbs_len + alg_len].to_vec();
    if sha1 {
        for buf in [&mut tbs, &mut alg] {
            let at = buf
                .windows(9)
                .position(|w| w == SHA256_RSA_OID)
                .expect("sha256WithRSA in the certificate");
            buf[at..at + 9].copy_from_slice(&SHA1_RSA_OID);
        }
    }
    let digest = if sha1 {
        LegacyDigest::Sha1
    } else {
        LegacyDigest::Sha256
    };
    let sig = rsa_key(signer_pem).sign_with(digest, &tbs).expect("signs");
    let bits = [&[0u8][..], &sig].concat();
    tlv(0x30, &[tbs, alg, tlv(0x03, &bits)].concat())
}

/// Every scenario, in a fixed order (generated once per test binary).
pub fn scenarios() -> Vec<Scenario> {
    static ALL: std::sync::OnceLock<Vec<Scenario>> = std::sync::OnceLock::new();
    ALL.get_or_init(fresh_scenarios).clone()
}

/// Generates every scenario anew (uncached).
pub fn fresh_scenarios() -> Vec<Scenario> {
    let root_k = key(ROOT_KEY);
    let other_k = key(OTHER_ROOT_KEY);
    let int_k = key(INTERMEDIATE_KEY);
    let sub_k = key(SUB_CA_KEY);
    let leaf_k = key(LEAF_KEY);

    let root_s = ca("trustpath Test Root CA", 1);
    let root = root_s.self_signed(&root_k);
    let other_s = ca("trustpath Other Root CA", 2);
    let other = other_s.self_signed(&other_k);
    let int_s = ca("trustpath Test Intermediate CA", 10);
    let int = int_s.signed(&int_k, &root_s, &root_k);
    let leaf_s = leaf(HOST, 100);
    let good_leaf = leaf_s.signed(&leaf_k, &int_s, &int_k);

    let with_leaf = |name: &'static str,
                     what: &'static str,
                     l: Spec,
                     trusted: bool,
                     codes: Vec<&'static str>| {
        Scenario {
            name,
            what,
            served: vec![l.signed(&leaf_k, &int_s, &int_k), int.clone()],
            trust: vec![root.clone()],
            host: HOST,
            java_trusted: trusted,
            codes,
        }
    };

    let mut out = vec![Scenario {
        name: "good",
        what: "leaf + intermediate, root in the store",
        served: vec![good_leaf.clone(), int.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec![],
    }];
    out.push(Scenario {
        name: "missing-intermediate",
        what: "only the leaf is served; its AIA names the intermediate",
        served: vec![good_leaf.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["missing-intermediate"],
    });
    // Two intermediates for ordering: root → intermediate → sub CA → leaf.
    let sub_s = ca("trustpath Test Sub CA", 11);
    let sub = sub_s.signed(&sub_k, &int_s, &int_k);
    let sub_leaf = leaf(HOST, 101).signed(&leaf_k, &sub_s, &sub_k);
    out.push(Scenario {
        name: "wrong-order",
        what: "leaf, then the intermediate before the sub CA it issued",
        served: vec![sub_leaf.clone(), int.clone(), sub.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["wrong-order"],
    });
    out.push(Scenario {
        name: "served-root",
        what: "leaf + intermediate + the root itself",
        served: vec![good_leaf.clone(), int.clone(), root.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["served-root"],
    });
    out.push(Scenario {
        name: "extra-cert",
        what: "an unrelated CA certificate served after the chain",
        served: vec![good_leaf.clone(), int.clone(), other.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["extra-cert"],
    });
    out.push(Scenario {
        name: "duplicate-cert",
        what: "the intermediate served twice",
        served: vec![good_leaf.clone(), int.clone(), int.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["duplicate-cert"],
    });
    let mut l = leaf(HOST, 102);
    (l.from, l.until) = EXPIRED;
    out.push(with_leaf(
        "expired-leaf",
        "the leaf expired in 2021",
        l,
        false,
        vec!["expired"],
    ));

    let mut ei_s = ca("trustpath Expired Intermediate CA", 12);
    (ei_s.from, ei_s.until) = EXPIRED;
    let ei = ei_s.signed(&int_k, &root_s, &root_k);
    out.push(Scenario {
        name: "expired-intermediate",
        what: "the intermediate expired in 2021",
        served: vec![leaf(HOST, 103).signed(&leaf_k, &ei_s, &int_k), ei],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["expired"],
    });

    let mut er_s = ca("trustpath Expired Root CA", 3);
    (er_s.from, er_s.until) = EXPIRED;
    let er = er_s.self_signed(&other_k);
    let eai_s = ca("trustpath Intermediate under an Expired Root", 13);
    let eai = eai_s.signed(&int_k, &er_s, &other_k);
    out.push(Scenario {
        name: "expired-anchor",
        what: "the store's root expired in 2021 (the JVM does not check an anchor's validity)",
        served: vec![leaf(HOST, 104).signed(&leaf_k, &eai_s, &int_k), eai],
        trust: vec![er],
        host: HOST,
        java_trusted: true,
        codes: vec!["expired-anchor"],
    });
    let mut l = leaf(HOST, 105);
    (l.from, l.until) = ((2034, 1, 1), (2035, 1, 1));
    out.push(with_leaf(
        "not-yet-valid",
        "the leaf is valid from 2034",
        l,
        false,
        vec!["not-yet-valid"],
    ));

    let mut l = leaf("other.trustpath.test", 106);
    l.dns = vec!["other.trustpath.test"];
    out.push(with_leaf(
        "hostname-mismatch",
        "the leaf names other.trustpath.test only",
        l,
        false,
        vec!["hostname-mismatch"],
    ));

    let mut l = leaf("*.trustpath.test", 107);
    l.dns = vec!["*.trustpath.test"];
    out.push(with_leaf(
        "wildcard",
        "a *.trustpath.test leaf for www.trustpath.test",
        l,
        true,
        vec![],
    ));

    let mut l = leaf("partial wildcard", 108);
    l.dns = vec!["w*.trustpath.test"];
    out.push(with_leaf(
        "partial-wildcard",
        "a w*.trustpath.test leaf: the JVM matches it, browsers do not",
        l,
        true,
        vec!["hostname-mismatch"],
    ));

    let mut l = leaf("inner wildcard", 109);
    l.dns = vec!["www.*.test"];
    let mut s = with_leaf(
        "inner-wildcard",
        "a www.*.test leaf for www.trustpath.test: the JVM's matchAllWildcards accepts a wildcard in any label",
        l,
        true,
        vec!["hostname-mismatch"],
    );
    s.host = HOST;
    out.push(s);

    let mut l = leaf("127.0.0.1", 110);
    l.dns = vec![];
    l.ips = vec![IpAddr::from([127, 0, 0, 1])];
    let mut s = with_leaf(
        "ip-san",
        "an IP subjectAltName 127.0.0.1, connected by IP",
        l,
        true,
        vec![],
    );
    s.host = "127.0.0.1";
    out.push(s);

    let mut l = leaf(HOST, 111);
    l.dns = vec![];
    out.push(with_leaf(
        "cn-only",
        "no subjectAltName, CN=www.trustpath.test: the JVM falls back to the CN, browsers do not",
        l,
        true,
        vec!["hostname-mismatch"],
    ));

    let mut ss = leaf(HOST, 112);
    ss.aia = None;
    out.push(Scenario {
        name: "self-signed",
        what: "a self-signed leaf not in the store",
        served: vec![ss.self_signed(&leaf_k)],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["self-signed"],
    });
    out.push(Scenario {
        name: "untrusted-root",
        what: "a complete chain to a root the store does not hold",
        served: vec![good_leaf.clone(), int.clone(), root.clone()],
        trust: vec![other.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["untrusted-root"],
    });

    let sha1_leaf = resign(
        &leaf(HOST, 113).signed(&leaf_k, &int_s, &int_k),
        INTERMEDIATE_KEY,
        true,
    );
    out.push(Scenario {
        name: "sha1",
        what: "the leaf is signed with SHA1withRSA under a private root",
        served: vec![sha1_leaf, int.clone()],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["weak-signature"],
    });

    let weak_spki = SubjectPublicKeyInfo::from_der(&rsa_spki(WEAK_KEY)).expect("spki");
    let weak_s = ca("trustpath RSA-1024 Intermediate CA", 14);
    let weak_int = weak_s
        .params()
        .signed_by(&weak_spki, &Issuer::new(root_s.params(), &root_k))
        .expect("signed")
        .der()
        .to_vec();
    // Signed by the 1024-bit key: made with the intermediate key, then re-signed.
    let weak_leaf = resign(
        &leaf(HOST, 114).signed(&leaf_k, &weak_s, &int_k),
        WEAK_KEY,
        false,
    );
    out.push(Scenario {
        name: "rsa-1024",
        what: "the intermediate has a 1024-bit RSA key",
        served: vec![weak_leaf, weak_int],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["weak-key"],
    });

    let mut l = leaf(HOST, 115);
    l.eku = vec![ExtendedKeyUsagePurpose::ClientAuth];
    out.push(with_leaf(
        "eku-client-auth",
        "the leaf's EKU is clientAuth only",
        l,
        false,
        vec!["bad-eku"],
    ));

    let mut l = leaf(HOST, 129);
    l.ku = vec![KeyUsagePurpose::KeyEncipherment];
    out.push(with_leaf(
        "leaf-key-encipherment-only",
        "the leaf's keyUsage is keyEncipherment only: no TLS 1.3 or ECDHE handshake can use it",
        l,
        false,
        vec!["bad-key-usage"],
    ));

    let mut nk_s = ca("trustpath Intermediate without keyCertSign", 15);
    nk_s.ku = vec![KeyUsagePurpose::DigitalSignature];
    let nk = nk_s.signed(&int_k, &root_s, &root_k);
    out.push(Scenario {
        name: "no-key-cert-sign",
        what: "the intermediate's keyUsage lacks keyCertSign",
        served: vec![leaf(HOST, 116).signed(&leaf_k, &nk_s, &int_k), nk],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["bad-key-usage"],
    });

    let mut na_s = ca("trustpath Intermediate that is not a CA", 16);
    na_s.ca = IsCa::ExplicitNoCa;
    let na = na_s.signed(&int_k, &root_s, &root_k);
    out.push(Scenario {
        name: "not-a-ca",
        what: "the leaf's issuer has basicConstraints cA=false",
        served: vec![leaf(HOST, 117).signed(&leaf_k, &na_s, &int_k), na],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["not-a-ca"],
    });

    let mut pl_s = ca("trustpath pathLen 0 Intermediate CA", 17);
    pl_s.ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let pl = pl_s.signed(&int_k, &root_s, &root_k);
    let pls_s = ca("trustpath Sub CA under pathLen 0", 18);
    let pls = pls_s.signed(&sub_k, &pl_s, &int_k);
    out.push(Scenario {
        name: "path-len-exceeded",
        what: "a sub CA below an intermediate with pathLenConstraint 0",
        served: vec![leaf(HOST, 118).signed(&leaf_k, &pls_s, &sub_k), pls, pl],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["path-len-exceeded"],
    });

    let mut nc_s = ca("trustpath Name-constrained Intermediate CA", 19);
    nc_s.permitted_dns = Some("allowed.test");
    let nc = nc_s.signed(&int_k, &root_s, &root_k);
    out.push(Scenario {
        name: "name-constraint-violation",
        what: "the intermediate permits allowed.test only; the leaf names www.trustpath.test",
        served: vec![leaf(HOST, 119).signed(&leaf_k, &nc_s, &int_k), nc],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["name-constraint-violation"],
    });

    let v1_root_s = ca("trustpath v1 Root CA", 4);
    let v1_root = make_v1(&v1_root_s.self_signed(&other_k), OTHER_ROOT_KEY);
    let v1r_int_s = ca("trustpath Intermediate under a v1 Root", 20);
    let v1r_int = v1r_int_s.signed(&int_k, &v1_root_s, &other_k);
    out.push(Scenario {
        name: "v1-anchor",
        what: "the store's root is an X.509 v1 certificate (no extensions): the JVM accepts it as an anchor",
        served: vec![leaf(HOST, 121).signed(&leaf_k, &v1r_int_s, &int_k), v1r_int],
        trust: vec![v1_root],
        host: HOST,
        java_trusted: true,
        codes: vec![],
    });

    let v1_int_s = ca("trustpath v1 Intermediate CA", 21);
    let v1_int = make_v1(&v1_int_s.signed(&int_k, &root_s, &root_k), ROOT_KEY);
    out.push(Scenario {
        name: "v1-intermediate",
        what: "the intermediate is an X.509 v1 certificate: the JVM refuses it as a CA",
        served: vec![leaf(HOST, 122).signed(&leaf_k, &v1_int_s, &int_k), v1_int],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["not-a-ca"],
    });

    let mut pinned = leaf(HOST, 123);
    (pinned.from, pinned.until) = EXPIRED;
    pinned.aia = None;
    let pinned = pinned.self_signed(&leaf_k);
    out.push(Scenario {
        name: "pinned-expired-leaf",
        what: "an expired self-signed leaf that is itself in the store: the JVM trusts a trusted leaf without checking it",
        served: vec![pinned.clone()],
        trust: vec![pinned],
        host: HOST,
        java_trusted: true,
        codes: vec!["expired", "self-signed"],
    });

    // One intermediate name and key, certified twice: by the other (untrusted) root and by the root.
    let x_s = ca("trustpath Cross-signed Intermediate CA", 24);
    let x_by_other = x_s.signed(&sub_k, &other_s, &other_k);
    let x_by_root = x_s.signed(&sub_k, &root_s, &root_k);
    out.push(Scenario {
        name: "cross-signed",
        what: "the intermediate is served twice, cross-signed by an untrusted root first: the path goes through the other",
        served: vec![leaf(HOST, 124).signed(&leaf_k, &x_s, &sub_k), x_by_other, x_by_root],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["extra-cert"],
    });

    // Two CAs that certify each other: path building must stop.
    let a_s = ca("trustpath Loop CA A", 25);
    let b_s = ca("trustpath Loop CA B", 26);
    let a_by_b = a_s.signed(&int_k, &b_s, &sub_k);
    let b_by_a = b_s.signed(&sub_k, &a_s, &int_k);
    out.push(Scenario {
        name: "issuer-loop",
        what: "two CAs certify each other and neither reaches the store: path building stops",
        served: vec![
            leaf(HOST, 125).signed(&leaf_k, &a_s, &int_k),
            a_by_b,
            b_by_a,
        ],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["missing-intermediate"],
    });

    let mut ncr_s = ca("trustpath Name-constrained Root CA", 5);
    ncr_s.permitted_dns = Some("allowed.test");
    let ncr = ncr_s.self_signed(&other_k);
    let ncr_int_s = ca("trustpath Intermediate under a Name-constrained Root", 27);
    let ncr_int = ncr_int_s.signed(&int_k, &ncr_s, &other_k);
    out.push(Scenario {
        name: "name-constrained-root",
        what: "the store's root permits allowed.test only: the JVM ignores an anchor's own name constraints, browsers apply them",
        served: vec![leaf(HOST, 126).signed(&leaf_k, &ncr_int_s, &int_k), ncr_int],
        trust: vec![ncr],
        host: HOST,
        java_trusted: true,
        codes: vec![],
    });

    let mut ceku_s = ca("trustpath clientAuth-only Intermediate CA", 28);
    ceku_s.eku = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let ceku = ceku_s.signed(&int_k, &root_s, &root_k);
    out.push(Scenario {
        name: "intermediate-eku-client-auth",
        what: "the intermediate's EKU is clientAuth only: the JVM does not chain EKUs, browsers do",
        served: vec![leaf(HOST, 127).signed(&leaf_k, &ceku_s, &int_k), ceku],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: true,
        codes: vec!["bad-eku"],
    });

    // The Let's Encrypt "DST Root X3" shape: the served intermediate is an expired cross-sign, but the
    // store holds a certificate with the same subject and key.
    let isrg_s = ca("trustpath ISRG-like Root", 6);
    let isrg_root = isrg_s.self_signed(&sub_k);
    let mut isrg_cross_s = isrg_s.clone();
    isrg_cross_s.serial = 29;
    (isrg_cross_s.from, isrg_cross_s.until) = EXPIRED;
    let isrg_cross = isrg_cross_s.signed(&sub_k, &other_s, &other_k);
    out.push(Scenario {
        name: "expired-cross-sign",
        what: "the served CA is an expired cross-sign, but the store holds a root with its subject and key: the JVM stops there",
        served: vec![leaf(HOST, 128).signed(&leaf_k, &isrg_s, &sub_k), isrg_cross],
        trust: vec![isrg_root],
        host: HOST,
        java_trusted: true,
        codes: vec!["served-root"],
    });

    out.push(Scenario {
        name: "bad-signature",
        what: "the leaf names the intermediate as issuer but was signed by another key",
        served: vec![
            leaf(HOST, 120).signed(&leaf_k, &int_s, &other_k),
            int.clone(),
        ],
        trust: vec![root.clone()],
        host: HOST,
        java_trusted: false,
        codes: vec!["bad-signature"],
    });
    out
}

/// The files the generator writes, relative to `testcerts/scenarios/`: for each scenario `NAME/served.pem`
/// and `NAME/trust.pem`, and an `index.txt` with one line per scenario
/// (`name host java=trusted|untrusted codes... # what`).
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut index = String::from(
        "# name host java-verdict expected-codes # what (generated by tests/it/support/certs/testcerts.rs)\n",
    );
    for s in scenarios() {
        let pem_of = |certs: &[Vec<u8>]| -> Vec<u8> {
            certs
                .iter()
                .map(|d| {
                    pem::encode(&pem::Pem::new("CERTIFICATE", d.clone())).replace("\r\n", "\n")
                })
                .collect::<String>()
                .into_bytes()
        };
        out.push((format!("{}/served.pem", s.name), pem_of(&s.served)));
        out.push((format!("{}/trust.pem", s.name), pem_of(&s.trust)));
        index.push_str(&format!(
            "{} {} java={} {} # {}\n",
            s.name,
            s.host,
            if s.java_trusted {
                "trusted"
            } else {
                "untrusted"
            },
            if s.codes.is_empty() {
                "-".to_owned()
            } else {
                s.codes.join(",")
            },
            s.what
        ));
    }
    out.push(("index.txt".to_owned(), index.into_bytes()));
    out
}
