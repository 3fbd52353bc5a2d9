//! The JVM's `jdk.tls.disabledAlgorithms` applied to what a legacy handshake negotiated: would a JSSE
//! client with that setting still connect with this protocol version and cipher suite?
//!
//! Modelled on `sun.security.util.DisabledAlgorithmConstraints` with the TLS decomposer
//! `sun.security.ssl.SSLAlgorithmDecomposer` (JDK 17 and 25): an entry disables an algorithm completely
//! only when it is a bare name (entries with `keySize`, `usage` or `denyAfter` constraints are partial and
//! never disable a suite by name); names compare case-insensitively; a suite is disabled when its full
//! name, or one of its components (key exchange, bulk cipher, MAC), is in the set, or when it matches a
//! `TLS_…*` wildcard pattern (JDK 17.0.15+ and 21+, e.g. `TLS_RSA_*`, added to the default in 2025).

/// The value of `jdk.tls.disabledAlgorithms` in JDK 17's `java.security` (17.0.21) and JDK 25's: the
/// default when the JVM's own file is not known.
pub const JDK_DEFAULT_TLS_DISABLED_ALGORITHMS: &str = "SSLv3, TLSv1, TLSv1.1, DTLSv1.0, RC4, DES, \
    MD5withRSA, DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH, TLS_RSA_*, \
    rsa_pkcs1_sha1 usage HandshakeSignature, ecdsa_sha1 usage HandshakeSignature, \
    dsa_sha1 usage HandshakeSignature";

/// A parsed `jdk.tls.disabledAlgorithms` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsDisabled {
    /// Completely disabled names, lower-cased.
    names: Vec<String>,
    /// Wildcard patterns (`TLS_RSA_*`), lower-cased, split at each `*`.
    patterns: Vec<Vec<String>>,
}

impl Default for TlsDisabled {
    fn default() -> Self {
        TlsDisabled::parse(JDK_DEFAULT_TLS_DISABLED_ALGORITHMS)
    }
}

impl TlsDisabled {
    /// Parses the property's value (the text after `=`; surrounding double quotes are removed as the
    /// JDK does).
    pub fn parse(value: &str) -> TlsDisabled {
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let mut names = Vec::new();
        let mut patterns = Vec::new();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            // "DH keySize < 1024", "rsa_pkcs1_sha1 usage HandshakeSignature": partial constraints.
            if entry.contains(char::is_whitespace) {
                continue;
            }
            let lower = entry.to_ascii_lowercase();
            if lower.contains('*') {
                // The JDK accepts wildcards only in TLS_ suite patterns.
                if lower.starts_with("tls_") {
                    patterns.push(lower.split('*').map(str::to_owned).collect());
                }
            } else {
                names.push(lower);
            }
        }
        TlsDisabled { names, patterns }
    }

    /// The entry that disables protocol `version` (`TLSv1`, `SSLv3`), if any.
    pub fn refuses_protocol(&self, version: &str) -> Option<String> {
        let lower = version.to_ascii_lowercase();
        self.names
            .iter()
            .find(|n| **n == lower)
            .map(|_| version.to_owned())
    }

    /// The entry that disables cipher suite `suite` (IANA name), if any.
    pub fn refuses_suite(&self, suite: &str) -> Option<String> {
        let lower = suite.to_ascii_lowercase();
        if self.names.contains(&lower) {
            return Some(suite.to_owned());
        }
        for component in components(suite) {
            if self
                .names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&component))
            {
                return Some(component);
            }
        }
        self.patterns
            .iter()
            .find(|p| wildcard_matches(p, &lower))
            .map(|p| p.join("*").to_ascii_uppercase())
    }
}

/// `parts` (a pattern split at `*`) matches the whole of `text`.
fn wildcard_matches(parts: &[String], text: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut remaining) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part.as_str()) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last.as_str())
}

/// The components `SSLAlgorithmDecomposer` derives from a TLS ≤ 1.2 suite name
/// (`TLS_<key exchange>_WITH_<cipher>_<mac>`): key exchange names, the bulk cipher's transformation
/// parts and name, the MAC's names.
fn components(suite: &str) -> Vec<String> {
    let mut out = Vec::new();
    let name = suite
        .strip_prefix("TLS_")
        .or_else(|| suite.strip_prefix("SSL_"))
        .unwrap_or(suite);
    let Some((kx, rest)) = name.split_once("_WITH_") else {
        return out;
    };
    let kx_parts: &[&str] = match kx {
        "RSA" => &["RSA"],
        "RSA_EXPORT" => &["RSA", "RSA_EXPORT"],
        "DH_RSA" => &["RSA", "DH", "DiffieHellman", "DH_RSA"],
        "DH_DSS" => &["DSA", "DSS", "DH", "DiffieHellman", "DH_DSS"],
        "DHE_DSS" => &["DSA", "DSS", "DH", "DHE", "DiffieHellman", "DHE_DSS"],
        "DHE_RSA" => &["RSA", "DH", "DHE", "DiffieHellman", "DHE_RSA"],
        "DH_anon" | "DH_ANON" => &["ANON", "DH", "DiffieHellman", "DH_ANON"],
        "ECDH_ECDSA" => &["ECDH", "ECDSA", "ECDH_ECDSA"],
        "ECDH_RSA" => &["ECDH", "RSA", "ECDH_RSA"],
        "ECDHE_ECDSA" => &["ECDHE", "ECDSA", "ECDHE_ECDSA"],
        "ECDHE_RSA" => &["ECDHE", "RSA", "ECDHE_RSA"],
        "ECDH_anon" | "ECDH_ANON" => &["ECDH", "ANON", "ECDH_ANON"],
        "NULL" => &["K_NULL"],
        _ => &[],
    };
    out.extend(kx_parts.iter().map(|s| (*s).to_owned()));
    // The bulk cipher: its transformation's parts (`AES/CBC/NoPadding` → AES, CBC, NoPadding) and the
    // decomposer's own name for it.
    let (cipher, mac) = match rest.rsplit_once('_') {
        Some((cipher, mac)) => (cipher, mac),
        None => (rest, ""),
    };
    let bulk: &[&str] = match cipher {
        "NULL" => &["NULL", "C_NULL"],
        "RC4_128" => &["RC4", "RC4_128"],
        "RC4_40" | "EXPORT_RC4_40" => &["RC4", "RC4_40"],
        "DES40_CBC" | "EXPORT_DES40_CBC" | "DES_CBC_40" => {
            &["DES", "CBC", "NoPadding", "DES40_CBC", "DES_CBC_40"]
        }
        "DES_CBC" => &["DES", "CBC", "NoPadding", "DES_CBC"],
        "3DES_EDE_CBC" => &["DESede", "CBC", "NoPadding", "3DES_EDE_CBC"],
        "AES_128_CBC" => &["AES", "CBC", "NoPadding", "AES_128_CBC"],
        "AES_256_CBC" => &["AES", "CBC", "NoPadding", "AES_256_CBC"],
        "AES_128_GCM" => &["AES", "GCM", "NoPadding", "AES_128_GCM"],
        "AES_256_GCM" => &["AES", "GCM", "NoPadding", "AES_256_GCM"],
        "CHACHA20_POLY1305" => &["ChaCha20-Poly1305"],
        _ => &[],
    };
    out.extend(bulk.iter().map(|s| (*s).to_owned()));
    let aead = cipher.contains("GCM") || cipher.contains("POLY1305");
    let macs: &[&str] = match mac {
        "NULL" if !aead => &["M_NULL"],
        "MD5" => &["MD5", "HmacMD5"],
        "SHA" => &["SHA1", "SHA-1", "HmacSHA1"],
        "SHA256" => &["SHA256", "SHA-256", "HmacSHA256"],
        "SHA384" => &["SHA384", "SHA-384", "HmacSHA384"],
        _ => &[],
    };
    out.extend(macs.iter().map(|s| (*s).to_owned()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JDK_17_0_15: &str = "SSLv3, TLSv1, TLSv1.1, DTLSv1.0, RC4, DES, MD5withRSA, \
        DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH";

    #[test]
    fn the_current_default_refuses_rsa_key_exchange_by_its_wildcard_pattern() {
        let d = TlsDisabled::default();
        assert_eq!(
            d.refuses_suite("TLS_RSA_WITH_AES_128_CBC_SHA").as_deref(),
            Some("TLS_RSA_*")
        );
        assert_eq!(d.refuses_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), None);
        assert_eq!(d.refuses_suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"), None);
    }

    #[test]
    fn an_older_jdk_17_without_the_pattern_accepts_rsa_key_exchange() {
        let d = TlsDisabled::parse(JDK_17_0_15);
        assert_eq!(d.refuses_suite("TLS_RSA_WITH_AES_128_CBC_SHA"), None);
        assert_eq!(d.refuses_protocol("TLSv1.2"), None);
        assert_eq!(d.refuses_protocol("TLSv1").as_deref(), Some("TLSv1"));
    }

    #[test]
    fn components_disable_rc4_3des_static_ecdh_and_anonymous_suites() {
        let d = TlsDisabled::parse(JDK_17_0_15);
        assert_eq!(
            d.refuses_suite("TLS_ECDHE_RSA_WITH_RC4_128_SHA").as_deref(),
            Some("RC4")
        );
        assert_eq!(
            d.refuses_suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA").as_deref(),
            Some("3DES_EDE_CBC")
        );
        assert_eq!(
            d.refuses_suite("TLS_ECDH_RSA_WITH_AES_128_CBC_SHA")
                .as_deref(),
            Some("ECDH")
        );
        assert_eq!(
            d.refuses_suite("TLS_DH_anon_WITH_AES_128_CBC_SHA")
                .as_deref(),
            Some("ANON")
        );
        // B_NULL's transformation is "NULL", which the list names.
        assert_eq!(
            d.refuses_suite("TLS_RSA_WITH_NULL_SHA256").as_deref(),
            Some("NULL")
        );
    }

    #[test]
    fn partial_constraints_and_quotes_are_handled_as_the_jdk_does() {
        let d = TlsDisabled::parse("\"DH keySize < 1024, TLS_ECDHE_*_CBC_SHA, sslv3\"");
        assert_eq!(d.refuses_suite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA"), None);
        assert!(
            d.refuses_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
                .is_some()
        );
        assert_eq!(
            d.refuses_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            None
        );
        assert!(d.refuses_protocol("SSLv3").is_some());
    }
}
