//! The probable cause of a disagreement, by the classes of issue 9 ("The JVM's verdict, exactly"), from
//! the JVM's message, trustpath's reason and the mutations applied. A heuristic to sort a long list of
//! disagreements by the rule that decides them, not a verdict: the JVM's message and the mutations printed
//! with each disagreement are what to read.

/// The classes of issue 9, by number (14 and 15 were found by the oracle after it was filed).
pub const CLASSES: [&str; 15] = [
    "trust anchor checks",
    "signatures the JVM verifies and trustpath cannot",
    "anchor selection by authority key identifier",
    "certificates the JDK refuses to parse",
    "name chaining (X500Name equality)",
    "host names",
    "Netscape cert type",
    "certificate policies",
    "expired anchor when the JVM builds the path",
    "CN fallback in other string encodings",
    "DNS name constraints applied to the CN",
    "name constraints: no cap on names, invalid names the JVM permits",
    "the root's own signature",
    "signature algorithms the JVM's TLS client accepts in certificates (signature_algorithms_cert)",
    "extensions the JDK cannot decode and sets aside",
];

const POLICY: &[&str] = &[
    "policy-mapping",
    "require-explicit-policy",
    "inhibit-any-policy",
    "inhibit-policy-mapping",
    "critical-policy-qualifier",
    "policies",
];

const NAMES: &[&str] = &[
    "multi-valued-rdn",
    "issuer-reencoded",
    "rdn-order",
    "issuer-case-space",
    "name-string-type",
];

/// `class N: what` for a disagreement, or `unclassified`.
pub fn label(class: Option<usize>) -> String {
    match class {
        Some(n) => format!("class {n}: {}", CLASSES[n - 1]),
        None => "unclassified".to_owned(),
    }
}

/// The probable class of a disagreement. `suite` is `None` for random cases; `mutations` are their notes
/// (`name: what`).
pub fn classify(
    id: &str,
    suite_case: bool,
    mutations: &[String],
    jvm_trusted: bool,
    jvm: &str,
    ours: &str,
) -> Option<usize> {
    let names: Vec<&str> = mutations
        .iter()
        .map(|n| n.split(':').next().unwrap_or_default())
        .collect();
    let has = |m: &str| names.contains(&m);
    let any = |set: &[&str]| set.iter().any(|m| has(m));
    let notes = mutations.join(" ; ");
    // AlgorithmChecker with the TLS client's SSLAlgorithmConstraints (JDK 17 and JDK 25 wordings).
    if jvm.contains("check failed on signature algorithm") || jvm.contains("signature and ") {
        return Some(14);
    }
    if has("undecodable-extension") {
        return Some(15);
    }
    let parse = |j: &str| {
        [
            "truststore does not load",
            "CertificateParsingException",
            "Duplicate extensions",
            "Signature algorithm mismatch",
            "not enough content",
        ]
        .iter()
        .any(|s| j.contains(s))
    };
    if suite_case {
        if !jvm_trusted {
            if jvm.to_lowercase().contains("polic") || jvm.contains("ANY_POLICY") {
                return Some(8);
            }
            if jvm.contains("TrustAnchor with subject") {
                return Some(1);
            }
            if parse(jvm) {
                return Some(4);
            }
            if jvm.contains("No subject alternative") || jvm.contains("No name matching") {
                return Some(6);
            }
            if jvm.contains("Path does not chain") {
                return Some(3);
            }
            if jvm.contains("unable to find valid")
                && id.starts_with("pkits/")
                && (id.contains("Polic") || id.contains("Mapping"))
            {
                return Some(8);
            }
            return None;
        }
        if id.contains("many-names")
            || id.contains("nc-permits-invalid")
            || ours.contains("malformed and cannot be checked")
        {
            return Some(12);
        }
        if ours.contains("cannot be verified") {
            return Some(2);
        }
        return None;
    }
    if !jvm_trusted {
        if jvm.contains("Netscape cert type") {
            return Some(7);
        }
        if jvm.to_lowercase().contains("polic") || jvm.contains("ANY_POLICY") {
            return Some(8);
        }
        if jvm.contains("TrustAnchor with subject") {
            return Some(1);
        }
        if parse(jvm) {
            return Some(4);
        }
        let no_san =
            has("nc-cn-only") || notes.contains("no SAN") || notes.contains("v1-cert: leaf");
        // The second: intersecting disjoint permitted DNS subtrees of two CAs throws inside the JDK, which
        // trustpath never reaches because it does not constrain a CN.
        if (jvm.contains("name constraints check failed") && (no_san || has("nc-ip")))
            || (jvm.contains("DNSName must not be null or empty") && no_san)
        {
            return Some(11);
        }
        if jvm.contains("Path does not chain with any of the trust anchors") {
            return Some(3);
        }
        if has("renewed-leaf") {
            return Some(1);
        }
        if jvm.contains("unable to find valid") {
            if any(NAMES) {
                return Some(5);
            }
            let anchor_time = [
                "root expired",
                "root valid only from",
                "root: notAfter",
                "root: notBefore",
            ]
            .iter()
            .any(|s| notes.contains(s));
            if has("expired-anchor-built") || anchor_time {
                return Some(9);
            }
            if any(POLICY) {
                return Some(8);
            }
            if no_san && notes.contains("nc-") {
                return Some(11);
            }
        }
        return None;
    }
    if has("nc-invalid-san")
        || has("nc-many-names")
        || ours.contains("malformed and cannot be checked")
    {
        return Some(12);
    }
    if has("cn-fallback-encoding") && ours.contains("does not cover") {
        return Some(10);
    }
    if (has("idn") || has("host-form")) && ours.contains("does not cover") {
        return Some(6);
    }
    if ours.contains("cannot be verified")
        || (ours.contains("signature") && (has("sig-hash") || has("key-type")))
    {
        return Some(2);
    }
    None
}
