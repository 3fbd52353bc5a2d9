//! The java profile: how the JVM (JDK 17+, `sun.security.validator.PKIXValidator.engineValidate` behind the
//! default `X509TrustManager`) picks the path it validates.
//!
//! 1. A leaf that is itself a trusted entry (the very same certificate) is accepted at once. A renewed
//!    certificate with the subject and key of a trusted one is not: it is validated with the trusted one as
//!    its issuer, which must then be a CA (`checks.rs`, `PKIXValidator.verifyTrustAnchor`).
//! 2. If the served chain is in order (each subject is the previous issuer, as `X500Principal`s), the first
//!    served certificate after the leaf that is trusted (the same certificate, or one with the subject and
//!    key of a trusted one) ends the path, and the certificates before it are validated as served.
//! 3. If the last served certificate's issuer is the subject of a trusted certificate, the served chain is
//!    validated as is.
//!
//!    In both cases `PKIXCertPathValidator` tries only the anchors whose subject is the issuer of the last
//!    certificate **and** that the last certificate's authorityKeyIdentifier selects
//!    (`AdaptableX509CertSelector`: its keyIdentifier equals the anchor's subjectKeyIdentifier when the
//!    anchor has one; its authorityCertSerialNumber equals the serial of a version 3 anchor), in turn,
//!    until one validates; with no such anchor the chain "does not chain with any of the trust anchors".
//!    There is no second chance with the builder.
//! 4. Otherwise `SunCertPathBuilder` searches the served certificates and the anchors for any valid path
//!    (modelled by [`path::build`] with the builder's own rules; it does not look at the
//!    authorityKeyIdentifier when it picks an anchor). The JVM never fetches AIA URLs.

use num_bigint::BigInt;
use x509_parser::prelude::*;

use super::checks::Rules;
use super::path::{self, Candidate, Search};
use super::pool::Pool;
use super::problem::Problem;
use super::problem::label;
use crate::finding::Code;

/// The JDK rule that refuses an anchor the authorityKeyIdentifier does not select.
pub(crate) const RULE_AKI: &str =
    "PKIXCertPathValidator: trust anchor selected by authorityKeyIdentifier";

/// The anchor the JDK would treat a served certificate after the leaf as: the item itself when it is an
/// anchor, or an anchor with the same subject and public key.
pub(crate) fn trusted_as(pool: &Pool<'_>, item: usize) -> Option<usize> {
    if pool.items[item].is_anchor() {
        return Some(item);
    }
    (0..pool.items.len()).find(|&a| pool.items[a].is_anchor() && pool.same_subject_and_key(item, a))
}

/// The JVM's search. `served` maps served positions to pool indices (`None` = did not parse).
pub(crate) fn search(pool: &Pool<'_>, served: &[Option<usize>], rules: &Rules<'_>) -> Search {
    let Some(Some(leaf)) = served.first().copied() else {
        return Search::default();
    };
    if pool.items[leaf].is_anchor() {
        // `trustedCerts.contains(chain[0])`: the served leaf is byte for byte a trusted entry.
        return Search {
            candidates: vec![Candidate::evaluate(pool, vec![leaf], rules)],
            exhausted: false,
        };
    }
    let mut in_order = true;
    for i in 1..served.len() {
        let (Some(prev), Some(cur)) = (served[i - 1], served[i]) else {
            in_order = false;
            break;
        };
        if !pool.names_chain(prev, cur) {
            in_order = false;
            break;
        }
        if trusted_as(pool, cur).is_some() {
            let chain: Vec<usize> = served[..i].iter().flatten().copied().collect();
            return validate(pool, chain, rules);
        }
    }
    if in_order {
        let chain: Vec<usize> = served.iter().flatten().copied().collect();
        if let Some(&last) = chain.last()
            && (0..pool.items.len()).any(|a| pool.items[a].is_anchor() && pool.names_chain(last, a))
        {
            return validate(pool, chain, rules);
        }
    }
    path::build(pool, leaf, rules, true)
}

/// `PKIXCertPathValidator.validate` of `chain` (leaf first, no anchor) against every anchor named as the
/// last certificate's issuer and selected by its authorityKeyIdentifier, in turn, until one validates.
fn validate(pool: &Pool<'_>, chain: Vec<usize>, rules: &Rules<'_>) -> Search {
    let mut out = Search::default();
    let Some(&last) = chain.last() else {
        return out;
    };
    let named: Vec<usize> = (0..pool.items.len())
        .filter(|&a| pool.items[a].is_anchor() && pool.names_chain(last, a))
        .collect();
    let selected: Vec<usize> = named
        .iter()
        .copied()
        .filter(|&a| aki_selects(pool, last, a, rules))
        .collect();
    if selected.is_empty() {
        // "Path does not chain with any of the trust anchors": report it on the first anchor of that name.
        let mut path = chain.clone();
        let mut c = match named.first() {
            Some(&a) => {
                path.push(a);
                let mut c = Candidate::evaluate(pool, path, rules);
                c.problems
                    .push(aki_problem(pool, last, a, chain.len(), rules));
                c
            }
            None => Candidate::evaluate(pool, path, rules),
        };
        super::problem::sort(&mut c.problems);
        out.candidates.push(c);
        return out;
    }
    for a in selected {
        let mut path = chain.clone();
        path.push(a);
        let c = Candidate::evaluate(pool, path, rules);
        let done = c.validated();
        out.candidates.push(c);
        if done {
            break;
        }
    }
    out
}

/// `AdaptableX509CertSelector.match` for the anchor `anchor` and the authorityKeyIdentifier of `child`:
/// the keyIdentifier must equal the anchor's subjectKeyIdentifier (when the anchor has one), and the
/// authorityCertSerialNumber the serial number of a version 3 anchor.
///
/// The selector takes the authorityKeyIdentifier from the decoded extension (one the JDK set aside
/// selects every anchor) but reads the anchor's subjectKeyIdentifier with `getExtensionValue`, which also
/// returns an extension the JDK could not decode: its raw extnValue is then compared with the
/// keyIdentifier (`matchSubjectKeyID`), which it practically never equals.
pub(crate) fn aki_selects(pool: &Pool<'_>, child: usize, anchor: usize, rules: &Rules<'_>) -> bool {
    let (c, a) = (&pool.items[child], &pool.items[anchor]);
    if rules
        .jdk_ignores(c.cert, AUTHORITY_KEY_IDENTIFIER)
        .is_some()
    {
        return true;
    }
    let anchor_ski = if rules.jdk_ignores(a.cert, SUBJECT_KEY_IDENTIFIER).is_some() {
        a.parsed
            .tbs_certificate
            .extensions()
            .iter()
            .find(|e| e.oid.to_id_string() == SUBJECT_KEY_IDENTIFIER)
            .map(|e| hex::encode(e.value))
    } else {
        a.info.subject_key_id.clone()
    };
    if let (Some(key_id), Some(ski)) = (&c.info.authority_key_id, &anchor_ski)
        && key_id != ski
    {
        return false;
    }
    match aki_serial(&c.parsed) {
        Some(serial) if a.info.version > 2 => {
            BigInt::from_signed_bytes_be(serial)
                == BigInt::from_signed_bytes_be(a.parsed.tbs_certificate.raw_serial())
        }
        _ => true,
    }
}

/// The authorityCertSerialNumber of a certificate's authorityKeyIdentifier.
fn aki_serial<'a>(cert: &X509Certificate<'a>) -> Option<&'a [u8]> {
    cert.tbs_certificate
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => aki.authority_cert_serial,
            _ => None,
        })
}

fn aki_problem(
    pool: &Pool<'_>,
    child: usize,
    anchor: usize,
    pos: usize,
    rules: &Rules<'_>,
) -> Problem {
    let (c, a) = (pool.items[child].info, pool.items[anchor].info);
    let alias = pool.items[anchor]
        .anchor
        .map(|x| x.alias.as_str())
        .unwrap_or_default();
    let bad_ski = rules.jdk_ignores(pool.items[anchor].cert, SUBJECT_KEY_IDENTIFIER);
    let wanted = match (&c.authority_key_id, aki_serial(&pool.items[child].parsed)) {
        (Some(k), _) if let Some(bad) = bad_ski => format!(
            "authorityKeyIdentifier {k} but the trusted entry has a subjectKeyIdentifier the JDK cannot decode ({}), which it compares as raw bytes",
            bad.reason
        ),
        (Some(k), _) if a.subject_key_id.as_ref().is_some_and(|s| s != k) => format!(
            "authorityKeyIdentifier {k} but the trusted entry has subjectKeyIdentifier {}",
            a.subject_key_id.as_deref().unwrap_or_default()
        ),
        (_, Some(serial)) => format!(
            "issuer serial number {} in its authorityKeyIdentifier but the trusted entry has serial number {}",
            hex::encode(serial),
            a.serial_hex
        ),
        _ => "an authorityKeyIdentifier that does not select the trusted entry".to_owned(),
    };
    Problem::fatal(
        Code::UntrustedRoot,
        pos,
        format!(
            "{} names its issuer '{}' with {wanted} (alias '{alias}'): the JVM does not use that anchor, and no other trusted entry of that name matches",
            label(c),
            c.issuer
        ),
    )
    .by(RULE_AKI)
}

/// Whether the path's last link is one the JVM's validator would take: the anchor is selected by the
/// authorityKeyIdentifier of the certificate below it (used to check that a fix served in order works).
pub(crate) fn anchor_selected(pool: &Pool<'_>, c: &Candidate, rules: &Rules<'_>) -> bool {
    match c.path.as_slice() {
        [.., child, anchor] if c.anchored => aki_selects(pool, *child, *anchor, rules),
        _ => true,
    }
}

/// The authorityKeyIdentifier extension.
const AUTHORITY_KEY_IDENTIFIER: &str = "2.5.29.35";
/// The subjectKeyIdentifier extension.
const SUBJECT_KEY_IDENTIFIER: &str = "2.5.29.14";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Certificate;
    use crate::chain::algorithms::DisabledAlgorithms;
    use crate::chain::checks;
    use crate::chain::diagnosis::{Anchor, Profile};
    use crate::chain::pool::Origin;
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
        KeyUsagePurpose,
    };

    const NOW: i64 = 1_780_272_000; // 2026-06-01

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::new(vec!["www.example.test".to_owned()]).unwrap();
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
        p.use_authority_key_identifier_extension = true;
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        }
        p
    }

    fn cert(c: &rcgen::Certificate) -> Certificate {
        Certificate::from_der(c.der().to_vec()).unwrap()
    }

    fn anchor(c: Certificate) -> Anchor {
        Anchor {
            cert: c,
            store: "test".into(),
            alias: "root".into(),
            jdk_bundled: false,
        }
    }

    /// Runs the java search over `served` with `anchors` at [`NOW`].
    fn judge(served: &[Certificate], anchors: &[Anchor]) -> (bool, Vec<Problem>) {
        let disabled = DisabledAlgorithms::jdk17_default();
        let rules = Rules {
            profile: Profile::Java,
            now: NOW,
            disabled: &disabled,
            java: crate::cert::jdk::JavaVersion::newest(17),
            tls: (crate::chain::TlsVersion::Tls13, true),
        };
        let mut pool = Pool::new();
        for (i, a) in anchors.iter().enumerate() {
            pool.add(&a.cert, Origin::Anchor(i), Some(a));
        }
        let idx: Vec<Option<usize>> = served
            .iter()
            .enumerate()
            .map(|(i, c)| pool.add(c, Origin::Served(i), None))
            .collect();
        let s = search(&pool, &idx, &rules);
        let best = s.best().unwrap();
        (best.ok(), best.problems.clone())
    }

    /// A root with subjectKeyIdentifier `ski`, an intermediate whose authorityKeyIdentifier says
    /// `aki`, and a leaf: (root, intermediate, leaf).
    fn chain_with_aki(ski: u8, aki: u8) -> (Certificate, Certificate, Certificate) {
        let rk = KeyPair::generate().unwrap();
        let mut rp = params("Root", true);
        rp.key_identifier_method = KeyIdMethod::PreSpecified(vec![ski; 20]);
        let root = rp.clone().self_signed(&rk).unwrap();
        let mut as_named = rp.clone();
        as_named.key_identifier_method = KeyIdMethod::PreSpecified(vec![aki; 20]);
        let ik = KeyPair::generate().unwrap();
        let ip = params("Inter", true);
        let inter = ip
            .clone()
            .signed_by(&ik, &Issuer::new(as_named, &rk))
            .unwrap();
        let leaf = params("leaf", false)
            .signed_by(&KeyPair::generate().unwrap(), &Issuer::new(ip, &ik))
            .unwrap();
        (cert(&root), cert(&inter), cert(&leaf))
    }

    #[test]
    fn an_anchor_whose_key_identifier_the_aki_does_not_name_is_not_used_for_an_ordered_chain() {
        let (root, inter, leaf) = chain_with_aki(0xaa, 0xbb);
        let anchors = [anchor(root.clone())];
        let (ok, problems) = judge(&[leaf.clone(), inter.clone()], &anchors);
        assert!(!ok);
        assert_eq!(problems[0].code, Code::UntrustedRoot);
        assert_eq!(problems[0].rule, Some(RULE_AKI));
        // Served with the root too, the JVM still validates leaf + intermediate against the anchors.
        assert!(!judge(&[leaf.clone(), inter.clone(), root], &anchors).0);
        let (root, inter, leaf) = chain_with_aki(0xaa, 0xaa);
        assert!(judge(&[leaf, inter], &[anchor(root)]).0);
    }

    #[test]
    fn the_builder_does_not_look_at_the_aki_when_it_picks_an_anchor() {
        let (root, inter, leaf) = chain_with_aki(0xaa, 0xbb);
        let stranger = params("Stranger", false)
            .self_signed(&KeyPair::generate().unwrap())
            .unwrap();
        // Out of order: the JVM builds the path, and the builder ignores the AKI.
        let (ok, _) = judge(&[leaf, cert(&stranger), inter], &[anchor(root)]);
        assert!(ok);
    }

    #[test]
    fn of_two_anchors_with_one_name_the_one_the_aki_selects_is_used() {
        let (root, inter, leaf) = chain_with_aki(0xaa, 0xaa);
        let other = params("Root", true)
            .self_signed(&KeyPair::generate().unwrap())
            .unwrap();
        assert!(judge(&[leaf, inter], &[anchor(cert(&other)), anchor(root)]).0);
    }

    #[test]
    fn an_aki_in_issuer_and_serial_form_selects_a_version_3_anchor_by_its_serial() {
        use crate::chain::testkit::{self, tlv};
        let rk = KeyPair::generate().unwrap();
        let mut rp = params("Root", true);
        rp.serial_number = Some(rcgen::SerialNumber::from(vec![0x11]));
        let root = rp.clone().self_signed(&rk).unwrap();
        let root_name = cert(&root).info().subject_raw.clone();
        let ik = KeyPair::generate().unwrap();
        let judge_serial = |serial: u8| {
            let mut ip = params("Inter", true);
            ip.use_authority_key_identifier_extension = false;
            // AuthorityKeyIdentifier ::= SEQUENCE { [1] GeneralNames { [4] Name }, [2] serial }
            let mut body = tlv(0xa1, &tlv(0xa4, &root_name));
            body.extend([0x82, 0x01, serial]);
            ip.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
                &[2, 5, 29, 35],
                tlv(0x30, &body),
            )];
            let inter = ip
                .clone()
                .signed_by(&ik, &Issuer::new(rp.clone(), &rk))
                .unwrap();
            let leaf = params("leaf", false)
                .signed_by(&KeyPair::generate().unwrap(), &Issuer::new(ip, &ik))
                .unwrap();
            let d = testkit::judge(&[cert(&leaf), cert(&inter)], &[cert(&root)], None, 17);
            (d.trusted, d.java.reason)
        };
        assert!(judge_serial(0x11).0);
        let (trusted, reason) = judge_serial(0x77);
        assert!(!trusted);
        assert!(
            reason
                .unwrap_or_default()
                .contains("issuer serial number 77")
        );
    }

    #[test]
    fn an_anchor_whose_subject_key_identifier_the_jdk_cannot_decode_is_compared_by_its_raw_bytes() {
        use crate::chain::testkit::{self, RawCert, tlv};
        let rk = KeyPair::generate().unwrap();
        let key_id = [0x11u8; 20];
        let root_with_ski = |ski: Vec<u8>| {
            RawCert {
                extensions: vec![testkit::ca_extension(), ("2.5.29.14", false, ski)],
                ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("Root"))
            }
            .sign(&rk, &rk)
        };
        let leaf = |aki: Option<Vec<u8>>| {
            let mut extensions = vec![(
                "2.5.29.17",
                false,
                tlv(0x30, &tlv(0x82, b"www.example.test")),
            )];
            if let Some(aki) = aki {
                extensions.push(("2.5.29.35", false, aki));
            }
            RawCert {
                extensions,
                ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("leaf"))
            }
            .sign(&KeyPair::generate().unwrap(), &rk)
        };
        let aki = Some(tlv(0x30, &tlv(0x80, &key_id)));
        let host = Some("www.example.test");
        // A well-formed subjectKeyIdentifier that the keyIdentifier names: selected.
        let good = root_with_ski(tlv(0x04, &key_id));
        assert!(testkit::judge(&[leaf(aki.clone())], &[good], host, 17).trusted);
        // The same bytes inside a SEQUENCE: set aside by the JDK's parser, compared raw, not selected.
        let bad = root_with_ski(tlv(0x30, &tlv(0x04, &key_id)));
        for major in [17, 25] {
            let d = testkit::judge(
                &[leaf(aki.clone())],
                std::slice::from_ref(&bad),
                host,
                major,
            );
            assert!(!d.trusted);
            let reason = d.java.reason.unwrap_or_default();
            assert!(reason.ends_with(&format!("(JDK: {RULE_AKI})")), "{reason}");
            assert!(reason.contains("cannot decode"), "{reason}");
        }
        // Without an authorityKeyIdentifier nothing is compared.
        assert!(testkit::judge(&[leaf(None)], &[bad], host, 17).trusted);
    }

    #[test]
    fn names_chain_by_x500_principal_equality_and_not_by_their_attributes() {
        use crate::chain::testkit::{self, RawCert, name};
        let (cn, o, utf8) = ("2.5.4.3", "2.5.4.10", 0x0c);
        let rk = KeyPair::generate().unwrap();
        let separate = name(&[&[(o, utf8, b"Org")], &[(cn, utf8, b"Root")]]);
        let root = RawCert {
            extensions: vec![testkit::ca_extension()],
            ..RawCert::new(separate.clone(), separate)
        }
        .sign(&rk, &rk);
        let leaf_under = |issuer: Vec<u8>| {
            RawCert::new(issuer, testkit::cn_name("leaf")).sign(&KeyPair::generate().unwrap(), &rk)
        };
        let anchors = std::slice::from_ref(&root);
        // One multi-valued RDN holding both attributes is another name.
        let multi = leaf_under(name(&[&[(o, utf8, b"Org"), (cn, utf8, b"Root")]]));
        let d = testkit::judge(&[multi], anchors, None, 17);
        assert!(!d.trusted);
        // Case, spacing and PrintableString versus UTF8String do not matter.
        let folded = leaf_under(name(&[&[(o, 0x13, b"ORG")], &[(cn, utf8, b"  root ")]]));
        assert!(testkit::judge(&[folded], anchors, None, 17).trusted);
        // An IA5String value is compared by its encoding.
        let ia5 = leaf_under(name(&[&[(o, 0x16, b"Org")], &[(cn, utf8, b"Root")]]));
        assert!(!testkit::judge(&[ia5], anchors, None, 25).trusted);
    }

    #[test]
    fn a_renewed_certificate_with_the_name_and_key_of_a_trusted_one_is_validated_against_it() {
        let key = KeyPair::generate().unwrap();
        let old = params("www.example.test", false).self_signed(&key).unwrap();
        let mut renewed = params("www.example.test", false);
        renewed.serial_number = Some(rcgen::SerialNumber::from(vec![0x42]));
        let new = renewed.self_signed(&key).unwrap();
        // The very same certificate is trusted as is.
        assert!(judge(&[cert(&old)], &[anchor(cert(&old))]).0);
        // The renewed one is issued by the trusted one, which is no CA.
        let (ok, problems) = judge(&[cert(&new)], &[anchor(cert(&old))]);
        assert!(!ok);
        assert_eq!(problems[0].code, Code::NotACa);
        assert_eq!(problems[0].pos, 1);
        assert_eq!(problems[0].rule, Some(checks::RULE_ANCHOR_CA));
    }
}
