//! The checks one client profile runs on one candidate path (leaf first, ending at an anchor when the
//! path is complete): validity, signatures, algorithms and key sizes, CA-ness and keyCertSign, path length,
//! name constraints, certificate policies (`policy.rs`), unknown critical extensions, and the leaf's
//! extended and plain key usage.
//!
//! Where the JVM and the Web PKI differ, the rule used is stated in the code beside it; the host name is
//! checked separately (the JVM checks it after choosing a path).

use x509_parser::prelude::*;

use super::algorithms::{self, AlgContext, DisabledAlgorithms};
use super::diagnosis::Profile;
use super::name_constraints;
use super::policy;
use super::pool::Pool;
use super::problem::{Problem, label};
use super::signature::SigCheck;
use super::structure::{self, Role};
use super::tls_signatures::{RULE_TLS_SIGNATURE_SCHEMES, TlsVersion};
use crate::cert::jdk::{IgnoredExtension, JavaVersion, Jdk};
use crate::cert::{CertInfo, Certificate, KeyInfo};
use crate::finding::Code;

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const ANY_EKU: &str = "2.5.29.37.0";
/// Microsoft's Server-Gated-Cryptography EKU, which the JDK's `EndEntityChecker` takes for serverAuth.
const MS_SGC: &str = "1.3.6.1.4.1.311.10.3.3";
/// Netscape's Server-Gated-Cryptography EKU, likewise.
const NS_SGC: &str = "2.16.840.1.113730.4.1";
/// The Netscape certificate type extension.
const NETSCAPE_CERT_TYPE: &str = "2.16.840.1.113730.1.1";
/// `EndEntityChecker.checkTLSServer`: a Netscape cert type extension must have its SSL server bit.
pub(crate) const RULE_NETSCAPE_CERT_TYPE: &str = "EndEntityChecker: Netscape cert type";
const KU_DIGITAL_SIGNATURE: u16 = 1;
const KU_KEY_CERT_SIGN: u16 = 1 << 5;

/// The rules of one profile at one instant.
pub(crate) struct Rules<'p> {
    /// Which client.
    pub profile: Profile,
    /// The validation time.
    pub now: i64,
    /// The JVM's disabled algorithms (unused for browsers).
    pub disabled: &'p DisabledAlgorithms,
    /// The JVM's version (its feature release and update), for the rules that differ between JDKs.
    pub java: JavaVersion,
    /// The TLS version of the connection, and whether it was assumed (no handshake).
    pub tls: (TlsVersion, bool),
}

impl Rules<'_> {
    /// The JDK parser model for the JVM judged for.
    pub fn jdk(&self) -> Jdk {
        Jdk::for_version(Some(self.java))
    }

    /// The JVM's feature version (17, 25, …).
    pub fn java_major(&self) -> u32 {
        self.java.feature
    }

    /// The non-critical extension `oid` of `cert` that this JVM could not decode and set aside (its
    /// getters then return nothing for it), if so.
    pub fn jdk_ignores<'c>(
        &self,
        cert: &'c Certificate,
        oid: &str,
    ) -> Option<&'c IgnoredExtension> {
        cert.jdk_view(self.jdk()).ok()?.ignored(oid)
    }
}

/// The subjectAltName extension.
pub(crate) const SUBJECT_ALT_NAME: &str = "2.5.29.17";
/// The nameConstraints extension.
const NAME_CONSTRAINTS: &str = "2.5.29.30";
/// The extendedKeyUsage extension.
pub(crate) const EXTENDED_KEY_USAGE: &str = "2.5.29.37";

/// `BasicChecker`: each certificate is valid at the validation time.
const RULE_VALIDITY: &str = "BasicChecker: validity";
/// `BasicChecker`: each signature verifies with the key of the certificate above it.
const RULE_SIGNATURE: &str = "BasicChecker: signature";
/// `AlgorithmChecker` with `jdk.certpath.disabledAlgorithms`, for signature algorithms.
const RULE_DISABLED_SIGNATURE: &str =
    "AlgorithmChecker: jdk.certpath.disabledAlgorithms (signature algorithm)";
/// `AlgorithmChecker` with `jdk.certpath.disabledAlgorithms`, for keys (the anchor's too).
const RULE_DISABLED_KEY: &str = "AlgorithmChecker: jdk.certpath.disabledAlgorithms (key)";
/// `SunCertPathBuilder`: no path from the leaf reaches a trust anchor.
const RULE_NO_PATH: &str =
    "SunCertPathBuilder: unable to find valid certification path to requested target";
/// `ConstraintsChecker`: an intermediate must be a CA.
const RULE_BASIC_CONSTRAINTS: &str = "ConstraintsChecker: basicConstraints cA";
/// `ConstraintsChecker`: a version 1 or 2 intermediate only as a self-issued one below the anchor.
const RULE_V1_INTERMEDIATE: &str = "ConstraintsChecker: version 1/2 intermediate";
/// `KeyChecker.verifyCAKeyUsage`: an intermediate's keyUsage must assert keyCertSign.
const RULE_KEY_CERT_SIGN: &str = "KeyChecker: keyCertSign";
/// `ConstraintsChecker`: pathLenConstraint.
const RULE_PATH_LEN: &str = "ConstraintsChecker: pathLenConstraint";
/// `ConstraintsChecker`: name constraints.
const RULE_NAME_CONSTRAINTS: &str = "ConstraintsChecker: name constraints";
/// `PKIXMasterCertPathValidator` (and the builder's `ForwardBuilder.verifyCert`): a critical extension no
/// checker knows.
const RULE_CRITICAL_EXTENSION: &str =
    "PKIXMasterCertPathValidator: unrecognized critical extension";

/// `PKIXValidator.verifyTrustAnchor`: a version 3 trust anchor that issues a certificate on the path must
/// be a CA (basicConstraints cA=true).
pub(crate) const RULE_ANCHOR_CA: &str = "PKIXValidator: verifyTrustAnchor (basicConstraints cA)";
/// `PKIXValidator.verifyTrustAnchor`: its keyUsage, when present, must assert keyCertSign.
pub(crate) const RULE_ANCHOR_KEY_CERT_SIGN: &str =
    "PKIXValidator: verifyTrustAnchor (keyUsage keyCertSign)";

/// Whether the JDK makes this check only after the path has validated (`PKIXValidator` checks the trust
/// anchor it returns): a path failing only such checks is the one the JVM settles on, and it fails.
pub(crate) fn after_validation(p: &Problem) -> bool {
    matches!(p.rule, Some(RULE_ANCHOR_CA | RULE_ANCHOR_KEY_CERT_SIGN))
}

/// Formats a Unix time as `2025-01-01 00:00 UTC`.
pub(crate) fn date(t: i64) -> String {
    let fmt = ::time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    ::time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| t.to_string())
}

/// Runs the profile's checks on `path` (pool indices, leaf first).
pub(crate) fn check_path(pool: &Pool<'_>, path: &[usize], rules: &Rules<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(&last) = path.last() else {
        return out;
    };
    let anchored = pool.items[last].is_anchor();
    let java = rules.profile == Profile::Java;
    // The JVM returns a leaf that is itself a trusted entry without any further check
    // (sun.security.validator.PKIXValidator.engineValidate, and Validator.validate skips the end-entity
    // checks for a one-certificate chain).
    if java && anchored && path.len() == 1 {
        return out;
    }
    let chain_len = if anchored { path.len() - 1 } else { path.len() };
    let jdk_ca = anchored && pool.items[last].anchor.is_some_and(|a| a.jdk_bundled);
    let ctx = AlgContext {
        jdk_ca,
        now: rules.now,
    };

    for pos in 0..chain_len {
        let item = &pool.items[path[pos]];
        let info = item.info;
        let who = label(info);
        if rules.now < info.not_before {
            out.push(
                Problem::fatal(
                    Code::NotYetValid,
                    pos,
                    format!(
                        "{who} is not valid before {} (checked at {})",
                        date(info.not_before),
                        date(rules.now)
                    ),
                )
                .by(RULE_VALIDITY),
            );
        }
        if rules.now > info.not_after {
            out.push(
                Problem::fatal(
                    Code::Expired,
                    pos,
                    format!(
                        "{who} expired on {} (checked at {})",
                        date(info.not_after),
                        date(rules.now)
                    ),
                )
                .by(RULE_VALIDITY),
            );
        }
        if let Some(&next) = path.get(pos + 1) {
            let signer = pool.items[next].info;
            match pool.signature(path[pos], next) {
                Some(SigCheck::Valid) => {}
                Some(SigCheck::Invalid) => out.push(Problem::fatal(
                    Code::BadSignature,
                    pos,
                    format!(
                        "the {} signature on {who} does not verify with the key of its issuer {}",
                        info.signature_algorithm,
                        label(signer)
                    ),
                )
                .by(RULE_SIGNATURE)),
                Some(SigCheck::Unsupported(what)) => out.push(
                    Problem::fatal(
                        Code::WeakSignature,
                        pos,
                        format!("the signature on {who} uses {what}, which cannot be verified"),
                    )
                    .by(RULE_SIGNATURE),
                ),
                Some(SigCheck::Malformed(what)) => out.push(
                    Problem::fatal(Code::InvalidChain, pos, format!("{who} is malformed: {what}"))
                        .by("X509CertImpl: signature algorithm mismatch"),
                ),
                // trustpath's own bound on path building: no JDK rule decides this one.
                None => out.push(Problem::fatal(
                    Code::InvalidChain,
                    pos,
                    "the signature-check budget was spent before this path was checked",
                )),
            }
            check_signature_algorithm(&mut out, pos, info, &signer.key, java, rules, ctx);
        }
        if java {
            check_tls_signature_scheme(&mut out, pos, info, rules);
        }
        check_key(&mut out, pos, info, java, rules, ctx);
        if pos > 0 {
            let self_issued = pool.self_issued(path[pos]);
            check_issuer(
                &mut out,
                pos,
                info,
                self_issued,
                java,
                anchored && pos == chain_len - 1,
            );
        }
        check_critical_extensions(&mut out, pos, &item.parsed);
        let role = if pos == 0 {
            Role::Leaf
        } else {
            Role::Intermediate
        };
        structure::check(&mut out, pos, &item.parsed, role, !java);
    }
    if anchored && !java && chain_len > 0 {
        check_critical_extensions(&mut out, chain_len, &pool.items[last].parsed);
    }
    if java && anchored && chain_len > 0 {
        check_trust_anchor(&mut out, pool, path, chain_len);
    }
    // The anchor's key signs the first certificate below it: key-size constraints apply to it.
    if anchored && chain_len > 0 {
        let anchor = pool.items[last].info;
        if java {
            if let Some(entry) = rules.disabled.key_disabled(&anchor.key, ctx) {
                out.push(
                    Problem::fatal(
                        Code::WeakKey,
                        chain_len,
                        format!(
                            "the trust anchor {} has a {} key, disabled by jdk.certpath.disabledAlgorithms ({entry})",
                            label(anchor),
                            anchor.key
                        ),
                    )
                    .by(RULE_DISABLED_KEY),
                );
            }
        } else if let Some(why) = algorithms::browser_refuses_key(&anchor.key) {
            out.push(Problem::fatal(
                Code::WeakKey,
                chain_len,
                format!("the trust anchor {} has a {why}", label(anchor)),
            ));
        }
    }
    check_path_len(&mut out, pool, path, chain_len, java, anchored);
    check_name_constraints(&mut out, pool, path, chain_len, rules, anchored);
    if anchored {
        let flavor = if java {
            policy::Flavor::Jdk
        } else {
            policy::Flavor::Chrome
        };
        policy::check(&mut out, pool, &path[..chain_len], flavor);
    }
    let (eku_ignored, netscape_ignored) = if java {
        let leaf = pool.items[path[0]].cert;
        (
            rules.jdk_ignores(leaf, EXTENDED_KEY_USAGE),
            rules.jdk_ignores(leaf, NETSCAPE_CERT_TYPE).is_some(),
        )
    } else {
        (None, false)
    };
    check_leaf(
        &mut out,
        &pool.items[path[0]].parsed,
        pool.items[path[0]].info,
        java,
        eku_ignored.map(|e| (e, rules.java_major())),
        netscape_ignored,
    );
    if !anchored {
        let top = chain_len - 1;
        let info = pool.items[path[top]].info;
        if pool.self_signed(path[top]) {
            out.push(
                Problem::fatal(
                    Code::UntrustedRoot,
                    top,
                    format!(
                        "the path ends at the self-signed {} (SHA-256 {}), which is not a trust anchor",
                        label(info),
                        pool.items[path[top]].cert.sha256_colons()
                    ),
                )
                .by(RULE_NO_PATH),
            );
        } else if top > 0 && info.is_ca && pool.issuers_of(path[top]).is_empty() {
            // The server sent its intermediates and the path stops at a CA whose issuer nobody has:
            // servers do not send roots, so what is missing is (almost always) the root the truststore
            // lacks, not another intermediate.
            out.push(
                Problem::fatal(
                    Code::UntrustedRoot,
                    top,
                    format!(
                        "the path ends at {}, whose issuer '{}' is not in the truststore (and was not served)",
                        label(info),
                        info.issuer
                    ),
                )
                .by(RULE_NO_PATH),
            );
        } else {
            out.push(
                Problem::fatal(
                    Code::MissingIntermediate,
                    top,
                    format!(
                        "no certificate for the issuer '{}' of {} was found",
                        info.issuer,
                        label(info)
                    ),
                )
                .by(RULE_NO_PATH),
            );
        }
    }
    super::problem::sort(&mut out);
    out
}

fn check_signature_algorithm(
    out: &mut Vec<Problem>,
    pos: usize,
    info: &CertInfo,
    signer_key: &KeyInfo,
    java: bool,
    rules: &Rules<'_>,
    ctx: AlgContext,
) {
    let alg = &info.signature_algorithm;
    let who = label(info);
    if java {
        if let Some(entry) = rules.disabled.signature_disabled(alg, signer_key, ctx) {
            out.push(Problem::fatal(
                Code::WeakSignature,
                pos,
                format!("{who} is signed with {alg}, disabled by jdk.certpath.disabledAlgorithms ({entry})"),
            ).by(RULE_DISABLED_SIGNATURE));
        } else if algorithms::browser_refuses_signature(alg) {
            out.push(Problem::warn(
                Code::WeakSignature,
                pos,
                format!("{who} is signed with {alg}: this JVM accepts it under a private root, browsers refuse it"),
            ).by(RULE_DISABLED_SIGNATURE));
        }
    } else if algorithms::browser_refuses_signature(alg) {
        out.push(Problem::fatal(
            Code::WeakSignature,
            pos,
            format!("{who} is signed with {alg}, which browsers refuse"),
        ));
    }
}

/// The JVM's TLS client accepts a certificate below the anchor only when its signature algorithm is one of
/// the client's `signature_algorithms_cert` for the negotiated version (`tls_signatures.rs`).
fn check_tls_signature_scheme(
    out: &mut Vec<Problem>,
    pos: usize,
    info: &CertInfo,
    rules: &Rules<'_>,
) {
    let (version, assumed) = rules.tls;
    let alg = &info.signature_algorithm;
    if version.accepts(alg, rules.java) {
        return;
    }
    let accepted = version
        .certificate_signature_algorithms(rules.java)
        .unwrap_or_default()
        .join(", ");
    let over = if assumed {
        format!(
            "{} (assumed: the chain was judged without a handshake, and a JDK 17+ client negotiates TLS 1.3 with any server that speaks it)",
            version.name()
        )
    } else {
        version.name().to_owned()
    };
    out.push(
        Problem::fatal(
            Code::WeakSignature,
            pos,
            format!(
                "{} is signed with {alg}, which the JVM's TLS client does not accept in a certificate over {over}: it accepts only {accepted}",
                label(info)
            ),
        )
        .by(RULE_TLS_SIGNATURE_SCHEMES),
    );
}

fn check_key(
    out: &mut Vec<Problem>,
    pos: usize,
    info: &CertInfo,
    java: bool,
    rules: &Rules<'_>,
    ctx: AlgContext,
) {
    let who = label(info);
    if java {
        if let Some(entry) = rules.disabled.key_disabled(&info.key, ctx) {
            out.push(
                Problem::fatal(
                    Code::WeakKey,
                    pos,
                    format!(
                        "{who} has a {} key, disabled by jdk.certpath.disabledAlgorithms ({entry})",
                        info.key
                    ),
                )
                .by(RULE_DISABLED_KEY),
            );
        } else if let Some(why) = algorithms::browser_refuses_key(&info.key) {
            out.push(
                Problem::warn(
                    Code::WeakKey,
                    pos,
                    format!("{who} has a {why}: this JVM accepts it, browsers refuse it"),
                )
                .by(RULE_DISABLED_KEY),
            );
        }
    } else if let Some(why) = algorithms::browser_refuses_key(&info.key) {
        out.push(Problem::fatal(
            Code::WeakKey,
            pos,
            format!("{who} has a {why}"),
        ));
    }
}

/// `PKIXValidator.verifyTrustAnchor`, run on the anchor of a path that validated: a version 1 or 2 anchor
/// is taken as is; a version 3 one must have basicConstraints cA=true and, when it has a keyUsage,
/// keyCertSign. (A leaf that is itself the trusted entry never gets here.)
fn check_trust_anchor(out: &mut Vec<Problem>, pool: &Pool<'_>, path: &[usize], pos: usize) {
    let item = &pool.items[path[pos]];
    let info = item.info;
    if info.version < 3 {
        return;
    }
    let alias = item.anchor.map(|a| a.alias.as_str()).unwrap_or_default();
    let below = label(pool.items[path[pos - 1]].info);
    let renewed = pos == 1 && pool.same_subject_and_key(path[0], path[1]);
    let context = if renewed {
        format!(
            "the truststore holds {} (alias '{alias}') with the name and key of the served certificate, not the served certificate itself, so the JVM validates the served one as issued by it",
            label(info)
        )
    } else {
        format!(
            "the trusted entry {} (alias '{alias}') issues {below}",
            label(info)
        )
    };
    if !info.is_ca {
        out.push(
            Problem::fatal(
                Code::NotACa,
                pos,
                format!(
                    "{context}, but it is not a CA ({}), and the JVM refuses such a trust anchor",
                    if info.has_basic_constraints {
                        "basicConstraints cA=false"
                    } else {
                        "no basicConstraints"
                    }
                ),
            )
            .by(RULE_ANCHOR_CA),
        );
    } else if lacks_key_cert_sign(info) {
        out.push(
            Problem::fatal(
                Code::BadKeyUsage,
                pos,
                format!(
                    "{context}, but its keyUsage lacks keyCertSign, and the JVM refuses such a trust anchor"
                ),
            )
            .by(RULE_ANCHOR_KEY_CERT_SIGN),
        );
    }
}

/// Whether `info` has a keyUsage without keyCertSign, which the JDK refuses in an issuer or an anchor.
fn lacks_key_cert_sign(info: &CertInfo) -> bool {
    info.key_usage.is_some_and(|ku| ku & KU_KEY_CERT_SIGN == 0)
}

/// An issuer on the path (not the anchor) must be a CA allowed to sign certificates.
fn check_issuer(
    out: &mut Vec<Problem>,
    pos: usize,
    info: &CertInfo,
    self_issued: bool,
    java: bool,
    issued_by_anchor: bool,
) {
    let who = label(info);
    if info.version < 3 {
        // JDK ConstraintsChecker: version 1/2 intermediates are refused unless self-issued and issued
        // directly by the trust anchor (key rollover). Browsers refuse them outright.
        if !(java && issued_by_anchor && self_issued) {
            out.push(
                Problem::fatal(
                    Code::NotACa,
                    pos,
                    format!(
                        "{who} issues a certificate on the path but is an X.509 v{} certificate, which cannot be a CA",
                        info.version
                    ),
                )
                .by(RULE_V1_INTERMEDIATE),
            );
        }
    } else if !info.is_ca {
        out.push(
            Problem::fatal(
                Code::NotACa,
                pos,
                format!(
                    "{who} issues a certificate on the path but {}",
                    if info.has_basic_constraints {
                        "its basicConstraints say cA=false"
                    } else {
                        "has no basicConstraints extension"
                    }
                ),
            )
            .by(RULE_BASIC_CONSTRAINTS),
        );
    }
    if lacks_key_cert_sign(info) {
        out.push(
            Problem::fatal(
                Code::BadKeyUsage,
                pos,
                format!(
                    "{who} issues a certificate on the path but its keyUsage lacks keyCertSign"
                ),
            )
            .by(RULE_KEY_CERT_SIGN),
        );
    }
    if !java {
        // The Web PKI (Chrome, webpki's EKU chaining): an intermediate's EKU, when present, constrains the
        // leaf. The JDK does not look at intermediates' EKU.
        if let Some(eku) = &info.extended_key_usage
            && !eku.iter().any(|o| o == SERVER_AUTH || o == ANY_EKU)
        {
            out.push(Problem::fatal(
                Code::BadEku,
                pos,
                format!("the intermediate {who} has an extendedKeyUsage without serverAuth"),
            ));
        }
    }
}

/// pathLenConstraint, counted as the JDK's ConstraintsChecker does: walking down from the anchor, each
/// non-self-issued intermediate uses one, and a CA's constraint caps what is left.
fn check_path_len(
    out: &mut Vec<Problem>,
    pool: &Pool<'_>,
    path: &[usize],
    chain_len: usize,
    java: bool,
    anchored: bool,
) {
    let mut max = chain_len as i64;
    let mut limiter: Option<usize> = None;
    for pos in (1..chain_len).rev() {
        let info = pool.items[path[pos]].info;
        let self_issued = pool.self_issued(path[pos]);
        let plc: Option<i64> = if info.version < 3 {
            (java && anchored && pos == chain_len - 1 && self_issued).then_some(i64::MAX)
        } else if info.is_ca {
            Some(info.path_len.map_or(i64::MAX, i64::from))
        } else {
            None
        };
        let Some(plc) = plc else {
            continue; // reported as not-a-ca
        };
        if !self_issued {
            if max <= 0 {
                let by = limiter
                    .map(|p| label(pool.items[path[p]].info))
                    .unwrap_or_default();
                out.push(
                    Problem::fatal(
                        Code::PathLenExceeded,
                        pos,
                        format!(
                            "{} is one CA too many below {by}, whose pathLenConstraint allows no further intermediate",
                            label(info)
                        ),
                    )
                    .by(RULE_PATH_LEN),
                );
                return;
            }
            max -= 1;
        }
        if plc < max {
            max = plc;
            limiter = Some(pos);
        }
    }
}

/// Name constraints of every CA on the path apply to the certificates below it (self-issued
/// intermediates excepted, RFC 5280 6.1.3 (b)). The JDK builds its TrustAnchors without name
/// constraints, so an anchor's own nameConstraints are ignored by the JVM; browsers apply them.
fn check_name_constraints(
    out: &mut Vec<Problem>,
    pool: &Pool<'_>,
    path: &[usize],
    chain_len: usize,
    rules: &Rules<'_>,
    anchored: bool,
) {
    let java = rules.profile == Profile::Java;
    let top = if anchored && !java {
        chain_len
    } else {
        chain_len.saturating_sub(1)
    };
    for ca_pos in 1..=top {
        let ca = &pool.items[path[ca_pos]];
        for (pos, &below) in path[..ca_pos].iter().enumerate() {
            let item = &pool.items[below];
            if pos > 0 && pool.self_issued(below) {
                continue;
            }
            let violation = if java {
                let ignored = name_constraints::JavaIgnored {
                    name_constraints: rules.jdk_ignores(ca.cert, NAME_CONSTRAINTS).is_some(),
                    subject_alt_name: rules.jdk_ignores(item.cert, SUBJECT_ALT_NAME).is_some(),
                };
                name_constraints::check_java(&ca.parsed, &item.parsed, rules.jdk(), ignored)
            } else {
                name_constraints::check(&ca.parsed, &item.parsed)
            };
            if let Some(why) = violation {
                let p = Problem::fatal(
                    Code::NameConstraintViolation,
                    pos,
                    format!("{}: {why} of {}", label(item.info), label(ca.info)),
                );
                out.push(if java { p.by(RULE_NAME_CONSTRAINTS) } else { p });
                return;
            }
        }
    }
}

/// Critical extensions the validators understand (both the JDK's PKIX checkers and webpki).
fn check_critical_extensions(out: &mut Vec<Problem>, pos: usize, cert: &X509Certificate<'_>) {
    const KNOWN: &[&str] = &[
        "2.5.29.15", // keyUsage
        "2.5.29.17", // subjectAltName
        "2.5.29.19", // basicConstraints
        "2.5.29.30", // nameConstraints
        "2.5.29.32", // certificatePolicies
        "2.5.29.33", // policyMappings
        "2.5.29.36", // policyConstraints
        "2.5.29.37", // extendedKeyUsage
        "2.5.29.54", // inhibitAnyPolicy
    ];
    for ext in cert.tbs_certificate.extensions() {
        let oid = ext.oid.to_id_string();
        if ext.critical && !KNOWN.contains(&oid.as_str()) {
            out.push(
                Problem::fatal(
                    Code::InvalidChain,
                    pos,
                    format!(
                        "'{}' has an unrecognised critical extension {oid}",
                        cert.tbs_certificate.subject
                    ),
                )
                .by(RULE_CRITICAL_EXTENSION),
            );
        }
    }
}

/// The leaf must be usable for a TLS server. For the JVM, `EndEntityChecker.checkTLSServer`: EKU (when
/// present) allows serverAuth, anyExtendedKeyUsage or one of the two Server-Gated-Cryptography EKUs;
/// keyUsage (when present) allows digitalSignature, which every TLS 1.3 and ECDHE handshake needs; and a
/// Netscape cert type extension (when present) has its SSL server bit. Browsers require serverAuth or
/// anyExtendedKeyUsage.
///
/// An extendedKeyUsage the JDK could not decode (`eku_ignored`, with the JDK's feature version) is absent
/// for JDK 17; JDK 25's `getExtendedKeyUsage` throws, which fails `EndEntityChecker`. A Netscape cert type
/// it could not decode (`netscape_ignored`) is absent (`SimpleValidator.getNetscapeCertTypeBit` finds no
/// extension and permits).
fn check_leaf(
    out: &mut Vec<Problem>,
    cert: &X509Certificate<'_>,
    info: &CertInfo,
    java: bool,
    eku_ignored: Option<(&IgnoredExtension, u32)>,
    netscape_ignored: bool,
) {
    let who = label(info);
    if let Some((bad, major)) = eku_ignored
        && major >= 25
    {
        out.push(
            Problem::fatal(
                Code::BadEku,
                0,
                format!(
                    "the JVM (JDK {major}) cannot read the extendedKeyUsage of {who} (CertificateParsingException: {})",
                    bad.reason
                ),
            )
            .by("X509CertImpl.getExtendedKeyUsage (JDK 25: an undecodable extension throws)"),
        );
    }
    let eku = info
        .extended_key_usage
        .as_ref()
        .filter(|_| eku_ignored.is_none());
    if let Some(eku) = eku {
        let server =
            |o: &String| o == SERVER_AUTH || o == ANY_EKU || (java && (o == MS_SGC || o == NS_SGC));
        if !eku.iter().any(server) {
            let p = Problem::fatal(
                Code::BadEku,
                0,
                format!(
                    "{who} has extendedKeyUsage {} but a TLS server needs serverAuth ({SERVER_AUTH})",
                    eku_names(eku)
                ),
            );
            out.push(if java {
                p.by("EndEntityChecker: TLS server extendedKeyUsage")
            } else {
                p
            });
        }
    }
    if let Some(ku) = info.key_usage
        && ku & KU_DIGITAL_SIGNATURE == 0
        && java
    {
        out.push(
            Problem::fatal(
                Code::BadKeyUsage,
                0,
                format!("{who} has a keyUsage without digitalSignature, which a TLS 1.3 or ECDHE server needs"),
            )
            .by("EndEntityChecker: TLS server keyUsage"),
        );
    }
    if java && !netscape_ignored && netscape_ssl_server(cert) == Some(false) {
        out.push(
            Problem::fatal(
                Code::BadEku,
                0,
                format!("{who} has a Netscape cert type extension without the SSL server bit"),
            )
            .by(RULE_NETSCAPE_CERT_TYPE),
        );
    }
}

/// The SSL server bit (bit 1) of the Netscape cert type extension (`NetscapeCertTypeExtension`, a BIT
/// STRING), or `None` without the extension. A malformed extension allows nothing.
fn netscape_ssl_server(cert: &X509Certificate<'_>) -> Option<bool> {
    let ext = cert
        .tbs_certificate
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == NETSCAPE_CERT_TYPE)?;
    Some(match ext.value {
        [0x03, len, unused, bits @ ..] if usize::from(*len) == bits.len() + 1 && *unused < 8 => {
            let count = (bits.len() * 8).saturating_sub(usize::from(*unused));
            count > 1 && bits[0] & 0x40 != 0
        }
        _ => false,
    })
}

fn eku_names(eku: &[String]) -> String {
    let names: Vec<&str> = eku
        .iter()
        .map(|o| match o.as_str() {
            "1.3.6.1.5.5.7.3.1" => "serverAuth",
            "1.3.6.1.5.5.7.3.2" => "clientAuth",
            "1.3.6.1.5.5.7.3.3" => "codeSigning",
            "1.3.6.1.5.5.7.3.4" => "emailProtection",
            "1.3.6.1.5.5.7.3.8" => "timeStamping",
            "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
            other => other,
        })
        .collect();
    if names.is_empty() {
        "(empty)".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Certificate;
    use crate::chain::testkit::{self, RawCert, judge};
    use rcgen::{BasicConstraints, CustomExtension, ExtendedKeyUsagePurpose, IsCa, KeyPair};

    const HOST: &str = "www.example.test";

    fn reason(d: &crate::chain::Diagnosis) -> String {
        d.java.reason.clone().unwrap_or_default()
    }

    /// A root made by `tweak` from a CA's parameters, and a leaf it issues.
    fn root_and_leaf(
        tweak: impl FnOnce(&mut rcgen::CertificateParams),
    ) -> (Certificate, Certificate) {
        let rk = KeyPair::generate().unwrap();
        let mut rp = testkit::ca_params("Root");
        tweak(&mut rp);
        let root = testkit::self_signed(&rp, &rk);
        let leaf = testkit::issued(
            &testkit::leaf_params(&[HOST]),
            &KeyPair::generate().unwrap(),
            &rp,
            &rk,
        );
        (root, leaf)
    }

    #[test]
    fn a_trust_anchor_that_is_no_ca_makes_the_jvm_refuse_whatever_the_served_order() {
        let stranger =
            testkit::self_signed(&testkit::params("Stranger"), &KeyPair::generate().unwrap());
        for (tweak, rule) in [
            (
                (|p: &mut rcgen::CertificateParams| {
                    p.is_ca = IsCa::NoCa;
                    p.key_usages.clear();
                }) as fn(&mut rcgen::CertificateParams),
                RULE_ANCHOR_CA,
            ),
            (|p| p.is_ca = IsCa::ExplicitNoCa, RULE_ANCHOR_CA),
            (
                |p| p.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature],
                RULE_ANCHOR_KEY_CERT_SIGN,
            ),
        ] {
            let (root, leaf) = root_and_leaf(tweak);
            for served in [
                vec![leaf.clone()],
                vec![leaf.clone(), root.clone()],
                vec![leaf.clone(), stranger.clone()],
            ] {
                let d = judge(&served, std::slice::from_ref(&root), Some(HOST), 17);
                assert!(!d.trusted, "{served:?}");
                assert!(
                    reason(&d).ends_with(&format!("(JDK: {rule})")),
                    "{}",
                    reason(&d)
                );
            }
        }
        let (root, leaf) = root_and_leaf(|p| p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained));
        assert!(judge(&[leaf], &[root], Some(HOST), 17).trusted);
    }

    #[test]
    fn a_version_1_anchor_and_a_leaf_that_is_itself_the_trusted_entry_are_exempt() {
        let rk = KeyPair::generate().unwrap();
        let v1 = RawCert {
            version: 1,
            ..RawCert::new(testkit::cn_name("V1 Root"), testkit::cn_name("V1 Root"))
        }
        .sign(&rk, &rk);
        assert_eq!(v1.info().version, 1);
        let leaf = testkit::issued(
            &testkit::leaf_params(&[HOST]),
            &KeyPair::generate().unwrap(),
            &testkit::params("V1 Root"),
            &rk,
        );
        assert!(judge(&[leaf], &[v1], Some(HOST), 17).trusted);
        let own = testkit::self_signed(
            &testkit::leaf_params(&[HOST]),
            &KeyPair::generate().unwrap(),
        );
        assert!(
            judge(
                std::slice::from_ref(&own),
                std::slice::from_ref(&own),
                Some(HOST),
                17
            )
            .trusted
        );
    }

    #[test]
    fn a_netscape_cert_type_without_the_ssl_server_bit_is_refused_by_the_jvm_only() {
        let rk = KeyPair::generate().unwrap();
        let rp = testkit::ca_params("Root");
        let root = testkit::self_signed(&rp, &rk);
        let with_bits = |bits: u8| {
            let mut lp = testkit::leaf_params(&[HOST]);
            lp.custom_extensions = vec![CustomExtension::from_oid_content(
                &[2, 16, 840, 1, 113730, 1, 1],
                vec![0x03, 0x02, 0x00, bits],
            )];
            testkit::issued(&lp, &KeyPair::generate().unwrap(), &rp, &rk)
        };
        let client_only = judge(
            &[with_bits(0x80)],
            std::slice::from_ref(&root),
            Some(HOST),
            17,
        );
        assert!(!client_only.trusted);
        assert!(reason(&client_only).contains("(JDK: EndEntityChecker: Netscape cert type)"));
        assert!(
            client_only.browser.trusted,
            "browsers do not read the Netscape cert type"
        );
        assert!(
            judge(
                &[with_bits(0x40)],
                std::slice::from_ref(&root),
                Some(HOST),
                25
            )
            .trusted
        );
        assert!(judge(&[with_bits(0xc0)], &[root], Some(HOST), 17).trusted);
    }

    #[test]
    fn the_jvm_takes_the_server_gated_cryptography_ekus_for_server_auth() {
        let rk = KeyPair::generate().unwrap();
        let rp = testkit::ca_params("Root");
        let root = testkit::self_signed(&rp, &rk);
        for eku in [
            vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 3],
            vec![2, 16, 840, 1, 113730, 4, 1],
        ] {
            let mut lp = testkit::leaf_params(&[HOST]);
            lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(eku)];
            let leaf = testkit::issued(&lp, &KeyPair::generate().unwrap(), &rp, &rk);
            let d = judge(&[leaf], std::slice::from_ref(&root), Some(HOST), 17);
            assert!(d.trusted);
            assert!(!d.browser.trusted);
        }
        let mut lp = testkit::leaf_params(&[HOST]);
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let leaf = testkit::issued(&lp, &KeyPair::generate().unwrap(), &rp, &rk);
        let d = judge(&[leaf], &[root], Some(HOST), 17);
        assert!(reason(&d).ends_with("(JDK: EndEntityChecker: TLS server extendedKeyUsage)"));
    }

    #[test]
    fn a_certificate_signed_with_sha_224_is_refused_over_tls_1_3_and_accepted_over_tls_1_2() {
        use crate::chain::TlsVersion;
        use crate::chain::tls_signatures::RULE_TLS_SIGNATURE_SCHEMES;
        let rk = KeyPair::generate().unwrap();
        let root = RawCert {
            extensions: vec![testkit::ca_extension()],
            ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("Root"))
        };
        // The anchor's own SHA-224 signature is never checked.
        let root = root.sign_ecdsa_sha224(&rk, &rk);
        assert_eq!(root.info().signature_algorithm, "SHA224withECDSA");
        let san = testkit::tlv(0x30, &testkit::tlv(0x82, HOST.as_bytes()));
        let leaf = RawCert {
            extensions: vec![("2.5.29.17", false, san)],
            ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("leaf"))
        }
        .sign_ecdsa_sha224(&KeyPair::generate().unwrap(), &rk);
        let anchors = std::slice::from_ref(&root);
        for major in [17, 25] {
            // No handshake: judged as TLS 1.3, and the reason says it was assumed.
            let d = judge(std::slice::from_ref(&leaf), anchors, Some(HOST), major);
            assert!(!d.trusted);
            assert!(
                reason(&d).ends_with(&format!("(JDK: {RULE_TLS_SIGNATURE_SCHEMES})")),
                "{}",
                reason(&d)
            );
            assert!(reason(&d).contains("SHA224withECDSA"));
            assert!(reason(&d).contains("assumed"));
            let f = d
                .findings
                .iter()
                .find(|f| f.code == Code::WeakSignature)
                .unwrap();
            assert!(f.remediation.contains("SHA256withECDSA"), "{f:?}");
            let over_13 = testkit::judge_over(
                std::slice::from_ref(&leaf),
                anchors,
                Some(HOST),
                major,
                Some(TlsVersion::Tls13),
            );
            assert!(!over_13.trusted);
            assert!(!reason(&over_13).contains("assumed"));
            for tls in [TlsVersion::Tls12, TlsVersion::Legacy] {
                let d = testkit::judge_over(
                    std::slice::from_ref(&leaf),
                    anchors,
                    Some(HOST),
                    major,
                    Some(tls),
                );
                assert!(d.trusted, "{tls:?}: {}", reason(&d));
            }
        }
        // A leaf that is itself the trusted entry is accepted before any algorithm check.
        let own = RawCert::new(testkit::cn_name(HOST), testkit::cn_name(HOST));
        let key = KeyPair::generate().unwrap();
        let own = own.sign_ecdsa_sha224(&key, &key);
        let d = judge(
            std::slice::from_ref(&own),
            std::slice::from_ref(&own),
            None,
            17,
        );
        assert!(d.trusted, "{}", reason(&d));
    }

    /// A root, an intermediate with `inter_ext` and a leaf CN=`HOST` with `leaf_exts`, served leaf first.
    fn chain_with(
        inter_ext: Option<(&'static str, bool, Vec<u8>)>,
        leaf_exts: Vec<(&'static str, bool, Vec<u8>)>,
    ) -> (Vec<Certificate>, Certificate) {
        let (rk, ik) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let root = RawCert {
            extensions: vec![testkit::ca_extension()],
            ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("Root"))
        }
        .sign(&rk, &rk);
        let mut extensions = vec![testkit::ca_extension()];
        extensions.extend(inter_ext);
        let inter = RawCert {
            extensions,
            ..RawCert::new(testkit::cn_name("Root"), testkit::cn_name("Inter"))
        }
        .sign(&ik, &rk);
        let leaf = RawCert {
            extensions: leaf_exts,
            ..RawCert::new(testkit::cn_name("Inter"), testkit::cn_name(HOST))
        }
        .sign(&KeyPair::generate().unwrap(), &ik);
        (vec![leaf, inter], root)
    }

    fn dns_san(host: &str) -> (&'static str, bool, Vec<u8>) {
        let name = testkit::tlv(0x82, host.as_bytes());
        ("2.5.29.17", false, testkit::tlv(0x30, &name))
    }

    #[test]
    fn name_constraints_the_jdk_cannot_decode_are_ignored_unless_critical() {
        // Permitted: DNS other.test, and a URI constraint with a scheme, which the JDK's URIName refuses
        // ("invalid URI name constraint (should not include scheme)").
        let mut subtrees = testkit::tlv(0x30, &testkit::tlv(0x82, b"other.test"));
        subtrees.extend(testkit::tlv(
            0x30,
            &testkit::tlv(0x86, b"http://other.test/"),
        ));
        let nc = testkit::tlv(0x30, &testkit::tlv(0xa0, &subtrees));
        for critical in [false, true] {
            let (served, root) = chain_with(
                Some(("2.5.29.30", critical, nc.clone())),
                vec![dns_san(HOST)],
            );
            for major in [17, 25] {
                let d = judge(&served, std::slice::from_ref(&root), Some(HOST), major);
                // Non-critical: set aside, nothing is checked. Critical: the JDK cannot parse the
                // intermediate at all.
                assert_eq!(d.trusted, !critical, "JDK {major}: {}", reason(&d));
                assert!(!d.browser.trusted, "browsers apply the DNS constraint");
            }
        }
        // Without the undecodable URI constraint the JVM applies the DNS one.
        let nc = testkit::tlv(
            0x30,
            &testkit::tlv(
                0xa0,
                &testkit::tlv(0x30, &testkit::tlv(0x82, b"other.test")),
            ),
        );
        let (served, root) = chain_with(Some(("2.5.29.30", false, nc)), vec![dns_san(HOST)]);
        let d = judge(&served, &[root], Some(HOST), 17);
        assert!(
            reason(&d).ends_with(&format!("(JDK: {RULE_NAME_CONSTRAINTS})")),
            "{}",
            reason(&d)
        );
    }

    #[test]
    fn an_extended_key_usage_the_jdk_cannot_decode_is_absent_for_jdk_17_and_fails_jdk_25() {
        // An OCTET STRING where the SEQUENCE of purposes belongs.
        let bad_eku = ("2.5.29.37", false, testkit::tlv(0x04, b"x"));
        let (served, root) = chain_with(None, vec![dns_san(HOST), bad_eku]);
        let anchors = std::slice::from_ref(&root);
        assert!(judge(&served, anchors, Some(HOST), 17).trusted);
        let d = judge(&served, anchors, Some(HOST), 25);
        assert!(!d.trusted);
        assert!(
            reason(&d).ends_with(
                "(JDK: X509CertImpl.getExtendedKeyUsage (JDK 25: an undecodable extension throws))"
            ),
            "{}",
            reason(&d)
        );
    }

    #[test]
    fn a_netscape_cert_type_the_jdk_cannot_decode_permits_a_tls_server() {
        // An OCTET STRING where the BIT STRING belongs, without the SSL server bit.
        let bad = (NETSCAPE_CERT_TYPE, false, testkit::tlv(0x04, &[0x80]));
        let (served, root) = chain_with(None, vec![dns_san(HOST), bad]);
        for major in [17, 25] {
            let d = judge(&served, std::slice::from_ref(&root), Some(HOST), major);
            assert!(d.trusted, "JDK {major}: {}", reason(&d));
        }
        let client_only = (NETSCAPE_CERT_TYPE, false, testkit::tlv(0x03, &[0x07, 0x80]));
        let (served, root) = chain_with(None, vec![dns_san(HOST), client_only]);
        let d = judge(&served, &[root], Some(HOST), 17);
        assert!(reason(&d).ends_with(&format!("(JDK: {RULE_NETSCAPE_CERT_TYPE})")));
    }

    #[test]
    fn an_empty_subject_alt_name_leaves_the_cn_for_jdk_17_and_fails_the_host_check_of_jdk_25() {
        let empty_san = ("2.5.29.17", false, testkit::tlv(0x30, &[]));
        let (served, root) = chain_with(None, vec![empty_san]);
        let anchors = std::slice::from_ref(&root);
        assert!(judge(&served, anchors, Some(HOST), 17).trusted);
        let d = judge(&served, anchors, Some(HOST), 25);
        assert!(!d.trusted);
        assert!(reason(&d).contains("No data available"), "{}", reason(&d));
        assert!(
            reason(&d).ends_with("(JDK: X509CertImpl.getSubjectAlternativeNames (JDK 25: an undecodable extension throws))"),
            "{}",
            reason(&d)
        );
        // Without a host name there is no check to fail.
        assert!(judge(&served, anchors, None, 25).trusted);
    }

    #[test]
    fn the_anchors_own_signature_and_its_algorithm_are_never_judged() {
        // An RSA root whose self-signature claims MD5 (disabled by jdk.certpath.disabledAlgorithms) and
        // does not verify: the JDK never checks an anchor's own signature (`AlgorithmChecker` and
        // `BasicChecker` see only the certificates below it).
        let rk = KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let rp = testkit::ca_params("MD5 Root");
        let good = testkit::self_signed(&rp, &rk);
        let sha256_rsa = [
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
        ];
        let mut der = good.der().to_vec();
        let mut patched = 0;
        for i in 0..der.len() - sha256_rsa.len() {
            if der[i..i + sha256_rsa.len()] == sha256_rsa {
                der[i + sha256_rsa.len() - 1] = 0x04; // md5WithRSAEncryption
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        let md5_root = Certificate::from_der(der).unwrap();
        assert_eq!(md5_root.info().signature_algorithm, "MD5withRSA");
        let leaf = testkit::issued(
            &testkit::leaf_params(&[HOST]),
            &KeyPair::generate().unwrap(),
            &rp,
            &rk,
        );
        for major in [17, 25] {
            for served in [vec![leaf.clone()], vec![leaf.clone(), md5_root.clone()]] {
                let d = judge(&served, std::slice::from_ref(&md5_root), Some(HOST), major);
                assert!(d.trusted, "JDK {major}: {:?}", d.java.reason);
            }
        }
    }
}
