//! The JVM's X.509 parser before any path (java profile): JSSE parses every served certificate
//! (`CertificateMessage`: "Failed to parse server certificates", alert `bad_certificate`) and fails the
//! handshake on the first it cannot parse, whether it is on the path or not; and a truststore holding a
//! certificate the JVM cannot parse fails to load as a whole, so nothing is trusted. Both decide the java
//! verdict whatever the path; the browser profile keeps its own judgement. The parser is modelled by
//! [`crate::cert::jdk`], once per certificate (the outcome is cached on the [`Certificate`]).

use super::diagnosis::{TrustAnchors, Verdict};
use super::problem::label;
use crate::cert::Certificate;
use crate::cert::jdk::Jdk;
use crate::finding::{Code, Finding, Severity};

/// What the parser gate found for one diagnosis.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// Findings, most important first.
    pub findings: Vec<Finding>,
    /// The java verdict's reason when the gate refuses (the verdict is then untrusted).
    pub refusal: Option<String>,
}

impl Gate {
    /// Makes the java verdict untrusted with the gate's reason, when it refuses.
    pub fn apply(&self, verdict: &mut Verdict) {
        if let Some(reason) = &self.refusal {
            verdict.trusted = false;
            verdict.reason = Some(reason.clone());
        }
    }
}

/// Runs the gate for the JVM `jdk` models.
pub(crate) fn gate(served: &[Certificate], anchors: &TrustAnchors, jdk: Jdk) -> Gate {
    let mut gate = Gate::default();
    for (i, cert) in served.iter().enumerate() {
        let Err(e) = cert.jdk_parse(jdk) else {
            continue;
        };
        let who = match cert.try_info() {
            Ok(info) => format!("served certificate {i} ({})", label(info)),
            Err(_) => format!("served certificate {i}"),
        };
        let message = format!(
            "the JVM (JDK {}) cannot parse {who}: {}; JSSE aborts the handshake before judging the chain \
             (\"Failed to parse server certificates\", alert bad_certificate)",
            jdk.major(),
            e.reason
        );
        let remediation = if i == 0 {
            "reissue the server certificate with a CA that issues well-formed certificates"
                .to_owned()
        } else {
            format!("stop serving certificate {i} (or replace it with a well-formed one)")
        };
        if gate.refusal.is_none() {
            gate.refusal = Some(format!("{message} (JDK: {})", e.rule));
        }
        // Bytes trustpath cannot read either already have their `invalid-chain` finding.
        if cert.try_info().is_ok() {
            gate.findings.push(
                Finding::new(
                    Code::JvmUnparseableCert,
                    Severity::Error,
                    message,
                    remediation,
                )
                .at(i),
            );
        }
    }
    for u in &anchors.unparseable {
        if u.fails_store {
            let message = format!(
                "the truststore {} cannot be loaded by the JVM (JDK {}): entry '{}' holds a certificate it \
                 cannot parse ({}), so loading the store fails as a whole (KeyStore.load of a keystore: a JVM \
                 given it as javax.net.ssl.trustStore cannot create its SSLContext, \"problem accessing trust \
                 store\"; CertificateFactory.generateCertificates of a PEM bundle): every TLS connection fails",
                u.store,
                jdk.major(),
                u.alias,
                u.error.reason
            );
            if gate.refusal.is_none() {
                gate.refusal = Some(format!("{message} (JDK: {})", u.error.rule));
            }
            gate.findings.push(Finding::new(
                Code::UnloadableTruststore,
                Severity::Error,
                message,
                format!(
                    "trustpath store remove {} --alias '{}'",
                    shell_word(&u.store),
                    u.alias
                ),
            ));
        } else {
            gate.findings.push(Finding::new(
                Code::JvmUnparseableCert,
                Severity::Warning,
                format!(
                    "'{}' in {} is not a trust anchor for the JVM (JDK {}): it cannot parse it ({}); keytool \
                     refuses to import it",
                    u.alias,
                    u.store,
                    jdk.major(),
                    u.error.reason
                ),
                format!("remove '{}' from {}", u.alias, u.store),
            ));
        }
    }
    gate
}

/// A path as one shell word (quoted when it needs to be).
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    use crate::cert::Certificate;
    use crate::cert::jdk::JdkParseError;
    use crate::chain::{
        Anchor, ChainInput, Diagnosis, Policy, TrustAnchors, UnparseableAnchor, diagnose,
    };
    use crate::finding::{Code, Severity};

    /// 2026-01-01T00:00:00Z.
    const NOW: i64 = 1_767_225_600;

    struct Pki {
        root: Certificate,
        inter: Certificate,
        leaf: Certificate,
    }

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::new(if ca {
            Vec::new()
        } else {
            vec!["leaf.test".to_owned()]
        })
        .unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2030, 1, 1);
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        p
    }

    fn pki() -> Pki {
        let root_key = KeyPair::generate().unwrap();
        let root_params = params("Gate Root", true);
        let root = root_params.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_params, &root_key);
        let inter_key = KeyPair::generate().unwrap();
        let inter_params = params("Gate Intermediate", true);
        let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
        let inter_issuer = Issuer::new(inter_params, &inter_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = params("leaf.test", false)
            .signed_by(&leaf_key, &inter_issuer)
            .unwrap();
        let cert = |d: &[u8]| Certificate::from_der(d.to_vec()).unwrap();
        Pki {
            root: cert(root.der()),
            inter: cert(inter.der()),
            leaf: cert(leaf.der()),
        }
    }

    /// The certificate with its outer signature algorithm changed from ecdsa-with-SHA256 to
    /// ecdsa-with-SHA384 (same length): x509-parser reads it, the JDK refuses the mismatch.
    fn mismatched(c: &Certificate) -> Certificate {
        let oid = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
        let mut der = c.der().to_vec();
        let at = der.windows(oid.len()).rposition(|w| w == oid).unwrap();
        der[at + oid.len() - 1] = 0x03;
        Certificate::from_der(der).unwrap()
    }

    /// A self-signed certificate with an empty name (the JDK refuses the empty issuer).
    fn empty_name() -> Certificate {
        let mut p = CertificateParams::new(vec!["x.test".to_owned()]).unwrap();
        p.distinguished_name = rcgen::DistinguishedName::new();
        let key = KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    fn anchors(root: &Certificate) -> TrustAnchors {
        let a = Anchor {
            cert: root.clone(),
            store: "/srv/app/truststore.p12".into(),
            alias: "root".into(),
            jdk_bundled: false,
        };
        TrustAnchors::new(vec![a.clone()], vec![a])
    }

    fn run(served: Vec<Certificate>, anchors: &TrustAnchors) -> Diagnosis {
        let input = ChainInput {
            served,
            host: Some("leaf.test".into()),
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        diagnose(&input, anchors, &Policy::default(), NOW)
    }

    #[test]
    fn the_healthy_chain_is_trusted() {
        let p = pki();
        let d = run(vec![p.leaf, p.inter], &anchors(&p.root));
        assert!(d.trusted, "{:?}", d.java.reason);
    }

    #[test]
    fn a_served_leaf_the_jvm_cannot_parse_fails_the_java_verdict_with_the_jdk_rule() {
        let p = pki();
        let d = run(vec![mismatched(&p.leaf), p.inter], &anchors(&p.root));
        assert!(!d.trusted);
        let reason = d.java.reason.as_deref().unwrap_or_default();
        assert!(
            reason.contains("Signature algorithm mismatch")
                && reason.contains("(JDK: X509CertImpl: signature algorithm mismatch)"),
            "{reason}"
        );
        let f = &d.findings[0];
        assert_eq!(
            (f.code, f.severity, f.cert),
            (Code::JvmUnparseableCert, Severity::Error, Some(0))
        );
        assert!(d.fix.is_none(), "no fix but a new certificate: {:?}", d.fix);
    }

    #[test]
    fn an_unparseable_extra_certificate_fails_the_handshake_and_the_fix_leaves_it_out() {
        let p = pki();
        let bad = empty_name();
        let d = run(
            vec![p.leaf.clone(), p.inter.clone(), bad.clone()],
            &anchors(&p.root),
        );
        assert!(!d.trusted);
        assert!(
            d.java
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("served certificate 2")),
            "{:?}",
            d.java.reason
        );
        assert_eq!(d.findings[0].cert, Some(2));
        let fix = d.fix.expect("a fix: serve the chain without it");
        assert_eq!(fix.fullchain, vec![p.leaf, p.inter]);
        assert!(fix.fullchain_complete);
        assert!(!fix.fullchain.contains(&bad) && !fix.import.contains(&bad));
    }

    #[test]
    fn a_keystore_the_jvm_cannot_load_trusts_nothing() {
        let p = pki();
        let mut a = anchors(&p.root);
        a.unparseable.push(UnparseableAnchor {
            store: "/srv/app/truststore.p12".into(),
            alias: "broken".into(),
            error: JdkParseError {
                reason: "Empty issuer DN not allowed in X509Certificates".into(),
                rule: "X509CertInfo: empty issuer",
            },
            fails_store: true,
        });
        let d = run(vec![p.leaf, p.inter], &a);
        assert!(!d.trusted);
        assert!(
            d.browser.trusted,
            "the browser profile keeps its own judgement"
        );
        let f = &d.findings[0];
        assert_eq!(
            (f.code, f.severity),
            (Code::UnloadableTruststore, Severity::Error)
        );
        assert!(
            f.remediation
                .contains("trustpath store remove /srv/app/truststore.p12 --alias 'broken'"),
            "{}",
            f.remediation
        );
        assert!(
            d.java
                .reason
                .as_deref()
                .is_some_and(|r| r.ends_with("(JDK: X509CertInfo: empty issuer)")),
            "{:?}",
            d.java.reason
        );
    }

    #[test]
    fn an_unparseable_certificate_in_a_directory_truststore_only_warns() {
        let p = pki();
        let mut a = anchors(&p.root);
        a.unparseable.push(UnparseableAnchor {
            store: "/etc/ssl/certs".into(),
            alias: "bad".into(),
            error: JdkParseError {
                reason: "Signature algorithm mismatch".into(),
                rule: "X509CertImpl: signature algorithm mismatch",
            },
            fails_store: false,
        });
        let d = run(vec![p.leaf, p.inter], &a);
        assert!(d.trusted);
        assert!(
            d.findings
                .iter()
                .any(|f| f.code == Code::JvmUnparseableCert && f.severity == Severity::Warning)
        );
    }
}
