//! A JDK's full version, as its `release` file names it (`JAVA_VERSION="17.0.15"`), and the behaviours
//! that changed within a feature release, in an update.
//!
//! The JDK's trust decisions are not fixed per feature release: security updates change them. Each
//! change trustpath models is a [`Change`] with the first update of each feature release that has it
//! (a backport lands in a different update of each release). The model follows the update of the JDK
//! it judges for; measured with the real JVMs 17.0.15, 17.0.19, 17.0.21.1 and 25.0.3 (see the README,
//! "java profile vs the JVM"). Where a change could only be placed between two measured updates, the
//! earlier bound is taken, so that a JVM of an update in between is judged by the stricter rule (a JVM
//! refusing what trustpath calls trusted is the one mistake trustpath must not make). When the update
//! is unknown (a feature release named without one, no `release` file, or a feature release no change
//! lists), the newest behaviour is assumed, which is also the stricter one.

use std::fmt;

/// A JDK's version: `17.0.21.1` is feature 17, interim 0, update 21, patch 1; `1.8.0_392` is 8.0.392.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JavaVersion {
    /// The feature release (`17`, `21`, `25`).
    pub feature: u32,
    /// The interim release (0 for every LTS update so far).
    pub interim: u32,
    /// The update release (`15` in `17.0.15`; `392` in `1.8.0_392`).
    pub update: u32,
    /// The emergency patch (`1` in `17.0.21.1`).
    pub patch: u32,
}

impl JavaVersion {
    /// A version from its parts.
    pub const fn new(feature: u32, interim: u32, update: u32, patch: u32) -> JavaVersion {
        JavaVersion {
            feature,
            interim,
            update,
            patch,
        }
    }

    /// The newest update of feature release `feature`: what is assumed when only the feature release
    /// is known.
    pub const fn newest(feature: u32) -> JavaVersion {
        JavaVersion::new(feature, u32::MAX, u32::MAX, u32::MAX)
    }

    /// Whether this stands for [`JavaVersion::newest`] (no update known).
    pub fn update_known(self) -> bool {
        self.interim != u32::MAX
    }

    /// Parses a `JAVA_VERSION` value: `17.0.15`, `17.0.21.1` (Debian, Temurin), `25.0.3`, `25` (a
    /// GA release), `1.8.0_392` (JDK 8), with anything after `+` or `-` (`21.0.2+13`, `26-ea`) ignored.
    /// `None` when it is none of these.
    pub fn parse(text: &str) -> Option<JavaVersion> {
        let text = text.trim().trim_matches('"');
        let numeric = text.split(['+', '-']).next()?;
        let parts: Vec<u32> = numeric
            .split(['.', '_'])
            .map(|p| {
                (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect::<Option<_>>()?;
        let at = |i: usize| parts.get(i).copied().unwrap_or(0);
        let v = match parts.as_slice() {
            [] => return None,
            // The JDK 8 scheme: 1.FEATURE.0_UPDATE.
            [1, ..] if parts.len() >= 2 => JavaVersion::new(at(1), 0, at(3), 0),
            _ if parts.len() > 4 || at(0) == 0 => return None,
            _ => JavaVersion::new(at(0), at(1), at(2), at(3)),
        };
        (v.feature > 0 && v.feature < 1000).then_some(v)
    }

    /// Whether this JDK has `change` (see the module documentation for unknown updates).
    pub fn has(self, change: Change) -> bool {
        let since = change.since();
        match since.iter().find(|v| v.feature == self.feature) {
            Some(first) => !self.update_known() || self >= *first,
            // A feature release the change does not list: the newest behaviour.
            None => true,
        }
    }
}

impl fmt::Display for JavaVersion {
    /// `17.0.21.1`, `17.0.15`, `8.0.392`; `17` for [`JavaVersion::newest`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.update_known() {
            return write!(f, "{}", self.feature);
        }
        write!(f, "{}.{}.{}", self.feature, self.interim, self.update)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// A behaviour of the JDK's trust decisions that changed in an update of a feature release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// JDK-8350807: a TLS client recomputes its `signature_algorithms_cert` for the protocol the server
    /// chose, so over TLS 1.3 it no longer accepts the TLS 1.2-only schemes (DSA, SHA-224) in
    /// certificates. Before, the list was that of every enabled protocol (TLS 1.3 and 1.2). In JDK 25
    /// from GA, 21.0.9; in 17 after 17.0.15 and by 17.0.19 (measured), backported to 17u in September
    /// 2025 (17.0.17 or 17.0.18): modelled from 17.0.17.
    CertSignatureSchemesPerProtocol,
    /// JDK-8368032: `com.sun.security.allowedAIALocations` filters the caIssuers URLs the JVM fetches
    /// (absent or empty: none). Before, `enableAIAcaIssuers=true` fetched any URL. The January 2026
    /// updates: 8u481, 11.0.30, 17.0.18 (Debian's changelog names it there), 21.0.10, 25.0.2.
    AiaLocationFilter,
    /// `DerValue.validateBMPString`: a BMPString value of a name holding a surrogate pair is refused
    /// ("Illegal character in BMPString"). After 17.0.15 and by 17.0.19 (measured): modelled from
    /// 17.0.16.
    BmpStringSurrogates,
    /// The parser changes between 17.0.19 and 17.0.21.1 (measured; 17.0.20, 17.0.21 and 17.0.21.0.3
    /// could not be run, so modelled from 17.0.20): a constructed OCTET STRING nests at most 30
    /// deep, an IPv4-mapped IPv6 subnet needs a mask whose first 96 bits are set, a URI's host is
    /// checked as a DNS name with lengths (253, 63 per label) or an IPv4 literal ("…not a valid DNSName
    /// or IPv4 address"; before: the rules JDK 25 still has, "…DNSName, IPv4 address, or IPv6 address"),
    /// and ML-DSA and ML-KEM keys have a key factory (`NamedX509Key`: no parameters allowed).
    Parser17u20,
}

impl Change {
    /// Every modelled change.
    pub const ALL: [Change; 4] = [
        Change::CertSignatureSchemesPerProtocol,
        Change::AiaLocationFilter,
        Change::BmpStringSurrogates,
        Change::Parser17u20,
    ];

    /// The first update of each feature release that has it. A feature release above the highest one
    /// listed has it from GA; one not listed is assumed to have it (the newest behaviour).
    pub fn since(self) -> &'static [JavaVersion] {
        match self {
            Change::CertSignatureSchemesPerProtocol => {
                const S: [JavaVersion; 3] = [
                    JavaVersion::new(17, 0, 17, 0),
                    JavaVersion::new(21, 0, 9, 0),
                    JavaVersion::new(25, 0, 0, 0),
                ];
                &S
            }
            Change::AiaLocationFilter => {
                const S: [JavaVersion; 5] = [
                    JavaVersion::new(8, 0, 481, 0),
                    JavaVersion::new(11, 0, 30, 0),
                    JavaVersion::new(17, 0, 18, 0),
                    JavaVersion::new(21, 0, 10, 0),
                    JavaVersion::new(25, 0, 2, 0),
                ];
                &S
            }
            Change::BmpStringSurrogates => {
                const S: [JavaVersion; 1] = [JavaVersion::new(17, 0, 16, 0)];
                &S
            }
            Change::Parser17u20 => {
                const S: [JavaVersion; 1] = [JavaVersion::new(17, 0, 20, 0)];
                &S
            }
        }
    }

    /// The first update of feature release 17 that has it, for messages (`17.0.18`).
    pub fn since_17(self) -> Option<JavaVersion> {
        self.since().iter().copied().find(|v| v.feature == 17)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> JavaVersion {
        JavaVersion::parse(s).unwrap_or_else(|| panic!("{s} parses"))
    }

    #[test]
    fn versions_parse_in_debian_temurin_oracle_and_jdk_8_forms() {
        assert_eq!(v("17.0.15"), JavaVersion::new(17, 0, 15, 0));
        assert_eq!(v("\"17.0.21.1\""), JavaVersion::new(17, 0, 21, 1));
        assert_eq!(v("25.0.3"), JavaVersion::new(25, 0, 3, 0));
        assert_eq!(v("25"), JavaVersion::new(25, 0, 0, 0));
        assert_eq!(v("1.8.0_481"), JavaVersion::new(8, 0, 481, 0));
        assert_eq!(v("11.0.30+7"), JavaVersion::new(11, 0, 30, 0));
        assert_eq!(v("26-ea"), JavaVersion::new(26, 0, 0, 0));
        for bad in ["", "x", "17.0.x", "17.", ".17", "0.1", "17.0.1.2.3", "-1"] {
            assert_eq!(JavaVersion::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn versions_order_by_update_then_patch_and_print_as_written() {
        assert!(v("17.0.21.1") > v("17.0.21"));
        assert!(v("17.0.21") > v("17.0.20"));
        assert!(v("17.0.9") < v("17.0.15"));
        assert_eq!(v("17.0.21.1").to_string(), "17.0.21.1");
        assert_eq!(v("17.0.15").to_string(), "17.0.15");
        assert_eq!(JavaVersion::newest(17).to_string(), "17");
        assert!(!JavaVersion::newest(17).update_known());
        assert!(v("17.0.15").update_known());
    }

    #[test]
    fn a_change_applies_from_its_first_update_of_each_feature_release() {
        let has = |s: &str, c| v(s).has(c);
        let tls = Change::CertSignatureSchemesPerProtocol;
        assert!(!has("17.0.15", tls));
        assert!(!has("17.0.16", tls));
        assert!(has("17.0.17", tls));
        assert!(has("17.0.19", tls));
        assert!(!has("21.0.8", tls));
        assert!(has("21.0.9", tls));
        assert!(has("25", tls));
        let aia = Change::AiaLocationFilter;
        assert!(!has("17.0.17", aia));
        assert!(has("17.0.18", aia));
        assert!(!has("25.0.1", aia));
        assert!(has("25.0.2", aia));
        assert!(!has("1.8.0_472", aia));
        assert!(has("1.8.0_481", aia));
        assert!(has("26", aia));
        assert!(!has("17.0.15", Change::BmpStringSurrogates));
        assert!(has("17.0.16", Change::BmpStringSurrogates));
        assert!(!has("17.0.19", Change::Parser17u20));
        assert!(has("17.0.20", Change::Parser17u20));
        // No update known, or a feature release the change does not list: the newest behaviour.
        for c in Change::ALL {
            assert!(JavaVersion::newest(17).has(c), "{c:?}");
            assert!(v("23.0.1").has(c), "{c:?}");
            assert!(c.since_17().is_some(), "{c:?}");
        }
    }
}
