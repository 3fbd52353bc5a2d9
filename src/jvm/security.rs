//! What a Java home says about itself: properties of its `java.security` file (Java properties syntax)
//! and its feature version, from its `release` file.

/// The property listing the algorithms the JVM refuses in certificate paths.
pub const CERTPATH_DISABLED_KEY: &str = "jdk.certpath.disabledAlgorithms";
/// The property listing the protocols and suites the JVM refuses in TLS handshakes.
pub const TLS_DISABLED_KEY: &str = "jdk.tls.disabledAlgorithms";

/// The value of `jdk.certpath.disabledAlgorithms` in java.security text (Java properties syntax: `#`/`!`
/// comments, `=`, `:` or white space as separator, backslash line continuations).
pub fn disabled_algorithms(text: &str) -> Option<String> {
    security_property(text, CERTPATH_DISABLED_KEY)
}

/// The value of property `key` in java.security text (Java properties syntax: `#`/`!` comments, `=`,
/// `:` or white space as separator, backslash line continuations).
pub fn security_property(text: &str, key: &str) -> Option<String> {
    let mut logical = String::new();
    let mut found = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if logical.is_empty() && (trimmed.starts_with('#') || trimmed.starts_with('!')) {
            continue;
        }
        let continued = trimmed.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1;
        logical.push_str(if continued {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        });
        if continued {
            continue;
        }
        let entry = std::mem::take(&mut logical);
        if let Some(rest) = entry
            .strip_prefix(key)
            .filter(|rest| rest.starts_with([' ', '\t', '=', ':']))
        {
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix('=')
                .or_else(|| rest.strip_prefix(':'))
                .unwrap_or(rest);
            found = Some(rest.trim().to_owned());
        }
    }
    found
}

/// The feature version in a Java home's `release` file (`JAVA_VERSION="17.0.9"` → 17, `"1.8.0_392"` → 8).
pub fn release_major(text: &str) -> Option<u32> {
    let line = text.lines().find(|l| l.starts_with("JAVA_VERSION="))?;
    let version = line
        .trim_start_matches("JAVA_VERSION=")
        .trim()
        .trim_matches('"');
    let mut parts = version.split(['.', '_', '-', '+']);
    match parts.next()?.parse().ok()? {
        1 => parts.next()?.parse().ok(),
        major => Some(major),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_algorithms_follow_line_continuations_and_skip_comments() {
        let text = "# jdk.certpath.disabledAlgorithms=commented\n\
jdk.certpath.disabledAlgorithms=MD2, MD5, SHA1 jdkCA & usage TLSServer, \\\n    RSA keySize < 1024, \\\n    SHA1 usage SignedJAR & denyAfter 2019-01-01\n\
jdk.security.legacyAlgorithms=SHA1\n";
        assert_eq!(
            disabled_algorithms(text).as_deref(),
            Some(
                "MD2, MD5, SHA1 jdkCA & usage TLSServer, RSA keySize < 1024, SHA1 usage SignedJAR & denyAfter 2019-01-01"
            )
        );
        assert_eq!(disabled_algorithms("other=1\n"), None);
    }

    #[test]
    fn the_java_feature_version_is_read_from_the_release_file() {
        assert_eq!(
            release_major("IMPLEMENTOR=x\nJAVA_VERSION=\"17.0.9\"\n"),
            Some(17)
        );
        assert_eq!(release_major("JAVA_VERSION=\"25\"\n"), Some(25));
        assert_eq!(release_major("JAVA_VERSION=\"1.8.0_392\"\n"), Some(8));
        assert_eq!(release_major("OTHER=1\n"), None);
    }
}
