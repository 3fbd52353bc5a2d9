//! What a Java home says about itself: properties of its `java.security` file (Java properties syntax)
//! and its version, from its `release` file.

use crate::cert::jdk::JavaVersion;

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

/// The property filtering the caIssuers URLs the JVM fetches (JDK-8368032, see
/// [`crate::cert::jdk::Change::AiaLocationFilter`]).
pub const AIA_LOCATIONS_KEY: &str = "com.sun.security.allowedAIALocations";

/// The version in a Java home's `release` file: `JAVA_VERSION="17.0.15"`, `"17.0.21.1"` (Debian,
/// Temurin), `"25.0.3"`, `"1.8.0_392"` (see [`JavaVersion::parse`]).
pub fn release_version(text: &str) -> Option<JavaVersion> {
    let line = text.lines().find(|l| l.starts_with("JAVA_VERSION="))?;
    JavaVersion::parse(line.trim_start_matches("JAVA_VERSION="))
}

/// The feature version in a Java home's `release` file (`JAVA_VERSION="17.0.9"` → 17, `"1.8.0_392"` → 8).
pub fn release_major(text: &str) -> Option<u32> {
    release_version(text).map(|v| v.feature)
}

/// The JVM's `com.sun.security.allowedAIALocations` as it applies: `None` when the JDK has no such
/// filter (before JDK-8368032: `enableAIAcaIssuers=true` fetches any URL), else the value (absent or
/// empty: no URL). Whether the filter exists is the JDK's update, from its `release` file; without
/// one, whether its `java.security` names the property; without either (no JVM found), the newest
/// JDK's: the filter, empty.
pub fn aia_locations(version: Option<JavaVersion>, java_security: Option<&str>) -> Option<String> {
    let value = java_security.and_then(|text| security_property(text, AIA_LOCATIONS_KEY));
    let filters = match (version, java_security) {
        (Some(v), _) => v.has(crate::cert::jdk::Change::AiaLocationFilter),
        (None, Some(_)) => value.is_some(),
        (None, None) => true,
    };
    filters.then(|| value.unwrap_or_default())
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

    #[test]
    fn the_full_version_is_read_from_the_release_file_in_every_vendors_form() {
        let v = |text: &str| release_version(text).map(|v| v.to_string());
        assert_eq!(v("JAVA_VERSION=\"17.0.15\"\n").as_deref(), Some("17.0.15"));
        assert_eq!(
            v("JAVA_VERSION=\"17.0.21.1\"\n").as_deref(),
            Some("17.0.21.1")
        );
        assert_eq!(v("JAVA_VERSION=\"25.0.3\"\n").as_deref(), Some("25.0.3"));
        assert_eq!(v("JAVA_VERSION=\"25\"\n").as_deref(), Some("25.0.0"));
        assert_eq!(
            v("JAVA_VERSION=\"1.8.0_392\"\n").as_deref(),
            Some("8.0.392")
        );
        assert_eq!(v("JAVA_VERSION=\"21.0.2+13\"\n").as_deref(), Some("21.0.2"));
        assert_eq!(v("JAVA_VERSION=\"26-ea\"\n").as_deref(), Some("26.0.0"));
        assert_eq!(v("JAVA_VERSION=\"seventeen\"\n"), None);
        assert_eq!(v("JAVA_VERSION=\"17..1\"\n"), None);
        assert_eq!(v("JAVA_VERSION=\"\"\n"), None);
        assert_eq!(
            release_version("JAVA_VERSION=\"17.0.21.1\"\n"),
            Some(JavaVersion::new(17, 0, 21, 1))
        );
    }

    #[test]
    fn the_aia_location_filter_exists_from_the_update_that_added_it() {
        let file = "com.sun.security.allowedAIALocations=http://ca.test/\n";
        let v = |s: &str| JavaVersion::parse(s);
        // 17.0.15 has no filter: any URL, whatever java.security says.
        assert_eq!(aia_locations(v("17.0.15"), Some("x=1\n")), None);
        assert_eq!(aia_locations(v("17.0.17"), Some(file)), None);
        // 17.0.18 on: the value, and none allowed when java.security does not name it.
        assert_eq!(
            aia_locations(v("17.0.18"), Some("x=1\n")).as_deref(),
            Some("")
        );
        assert_eq!(
            aia_locations(v("17.0.21.1"), Some(file)).as_deref(),
            Some("http://ca.test/")
        );
        assert_eq!(aia_locations(v("21.0.9"), None), None);
        assert_eq!(aia_locations(v("21.0.10"), None).as_deref(), Some(""));
        assert_eq!(aia_locations(v("25.0.1"), None), None);
        assert_eq!(aia_locations(v("25.0.3"), None).as_deref(), Some(""));
        assert_eq!(aia_locations(v("1.8.0_481"), None).as_deref(), Some(""));
        // No release file: java.security decides; nothing at all: the newest JDK's filter.
        assert_eq!(aia_locations(None, Some("x=1\n")), None);
        assert_eq!(
            aia_locations(None, Some(file)).as_deref(),
            Some("http://ca.test/")
        );
        assert_eq!(aia_locations(None, None).as_deref(), Some(""));
    }
}
