//! The JVM an app runs on, as far as trust goes: where its `cacerts` is ([`locate`]), what its
//! `java.security` and `release` files say ([`security`]), and the anchors and policy its verdict uses
//! ([`load`]): the truststores given, else the default JVM's `cacerts`, else Mozilla's roots.
//!
//! [`load`] takes a plain [`TrustSpec`] (the commands build it from their options, `check` merges the
//! deployment file's `[jvm]` into it) and the [`LocateEnv`] to search.

pub mod locate;
pub mod security;

use std::path::PathBuf;

use anyhow::Context;

use crate::cert::Certificate;
use crate::cert::jdk::{JavaVersion, Jdk};
use crate::chain::{Anchor, Policy, TrustAnchors, UnparseableAnchor};
use crate::error::Result;
use crate::password::{self, PassSource};
use crate::probe::jdk_tls::TlsDisabled;
use crate::truststore::{TrustStore, jvm_load};

pub use locate::LocateEnv;

/// The label of Mozilla's root program as a store.
pub const MOZILLA_LABEL: &str = "mozilla-roots";

/// Which truststores a JVM verdict uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustSpec {
    /// Truststore files (JKS, JCEKS, PKCS#12, PEM bundle or directory); all their trusted entries are
    /// anchors.
    pub truststores: Vec<PathBuf>,
    /// Also use the default JVM's cacerts (without any truststore it is the default when a JVM is found).
    pub cacerts: bool,
    /// The JVM whose cacerts, java.security and release file apply (else `$JAVA_HOME`, the `java` on
    /// PATH).
    pub java_home: Option<PathBuf>,
    /// The store password, when one is named (else `changeit`).
    pub storepass: Option<PassSource>,
    /// What named `java_home`, when it is not `--java-home` (`FILE: [jvm] java_home`).
    pub java_home_named_by: Option<String>,
    /// Files whose certificates the browser view trusts beside Mozilla's roots (`--browser-roots`).
    pub browser_roots: Vec<PathBuf>,
}

impl TrustSpec {
    /// Whether a truststore or the default cacerts is named.
    pub fn names_store(&self) -> bool {
        !self.truststores.is_empty() || self.cacerts
    }

    /// The store password: the one named, else `changeit`.
    pub fn password(&self) -> Result<String> {
        password::resolve(self.storepass.as_ref())
    }

    /// Loads these stores and the policy of the JVM this machine's environment points at (see
    /// [`load`]).
    pub fn load(&self, warn_days: u32) -> Result<JvmTrust> {
        load(
            self,
            &LocateEnv::from_process(self.java_home.clone()),
            warn_days,
        )
    }
}

/// Where a truststore in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOrigin {
    /// Given with `--truststore`.
    Option,
    /// The default JVM's `cacerts` (`--cacerts`, or the default when one was found).
    JvmCacerts,
    /// Mozilla's root program (webpki-root-certs), used when no JVM was found.
    Mozilla,
    /// Certificates the browser view trusts beside Mozilla's roots (`--browser-roots`); never the
    /// JVM's.
    BrowserRoots,
}

/// The JVM a verdict or a store edit uses, and why that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JvmUsed {
    /// Its Java home, when a JVM was found or named.
    pub home: Option<PathBuf>,
    /// Its major version, from its `release` file.
    pub major: Option<u32>,
    /// Its full version (`17.0.15`), from its `release` file: the rules that changed in an update
    /// follow it.
    pub version: Option<JavaVersion>,
    /// How it was chosen.
    pub chosen_by: JvmChosenBy,
}

/// How the JVM in use was chosen, in the search order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JvmChosenBy {
    /// Named on the command line or in a file: `--java-home`, `FILE: [jvm] java_home`.
    Named(String),
    /// `$JAVA_HOME`.
    JavaHomeEnv,
    /// The `java` found on `PATH` (nothing named).
    Path,
    /// Nothing named or on `PATH`: Debian's shared cacerts, or none at all.
    Default,
}

impl JvmUsed {
    /// The JVM `default` (the first candidate of the search, see [`locate::candidates`]) and `home`
    /// stand for; `named_by` is what named `--java-home`'s place, when not the option itself.
    fn new(
        default: Option<&locate::Candidate>,
        home: Option<PathBuf>,
        version: Option<JavaVersion>,
        named_by: Option<&str>,
    ) -> JvmUsed {
        let chosen_by = match default.map(|c| c.origin.as_str()) {
            Some("--java-home") => JvmChosenBy::Named(named_by.unwrap_or("--java-home").to_owned()),
            Some("$JAVA_HOME") => JvmChosenBy::JavaHomeEnv,
            Some("java on PATH") => JvmChosenBy::Path,
            _ if home.is_some() => JvmChosenBy::Path,
            _ => JvmChosenBy::Default,
        };
        JvmUsed {
            home,
            major: version.map(|v| v.feature),
            version,
            chosen_by,
        }
    }

    /// Finds the JVM `env` points at, as [`load`] does (a named home that is no JVM is an error).
    pub fn find(env: &LocateEnv) -> Result<JvmUsed> {
        let default = locate::default_cacerts(env)?;
        let home = default
            .as_ref()
            .and_then(|c| c.java_home.clone())
            .or_else(|| locate::java_home_on_path(env.path_env.as_deref()));
        let version = java_version(home.as_deref());
        Ok(JvmUsed::new(default.as_ref(), home, version, None))
    }

    /// A stable key for JSON: `--java-home`, `[jvm] java_home`, `JAVA_HOME`, `PATH` or `default`.
    pub fn chosen_by_key(&self) -> &'static str {
        match &self.chosen_by {
            JvmChosenBy::Named(n) if n.ends_with("[jvm] java_home") => "[jvm] java_home",
            JvmChosenBy::Named(_) => "--java-home",
            JvmChosenBy::JavaHomeEnv => "JAVA_HOME",
            JvmChosenBy::Path => "PATH",
            JvmChosenBy::Default => "default",
        }
    }

    /// Why this JVM, in words (`named by --java-home`, `found on PATH: nothing named it`).
    pub fn why(&self) -> String {
        match &self.chosen_by {
            JvmChosenBy::Named(n) => format!("named by {n}"),
            JvmChosenBy::JavaHomeEnv => "named by JAVA_HOME".to_owned(),
            JvmChosenBy::Path => {
                "the java found on PATH (no --java-home or JAVA_HOME named one)".to_owned()
            }
            JvmChosenBy::Default => {
                "no JVM named (--java-home, JAVA_HOME) or found on PATH: the JDK's default algorithm rules apply".to_owned()
            }
        }
    }

    /// One line for reports: `/usr/lib/jvm/java-17 (Java 17.0.15), the java found on PATH (…)`. The
    /// update is named when the `release` file gives it: the verdict follows it.
    pub fn describe(&self) -> String {
        let version = match (self.version, self.major) {
            (Some(v), _) => format!(" (Java {})", java_name(v)),
            (None, Some(m)) => format!(" (Java {m})"),
            (None, None) => String::new(),
        };
        match &self.home {
            Some(home) => format!("{}{version}, {}", home.display(), self.why()),
            None => format!("none: {}", self.why()),
        }
    }
}

/// A version as the JDK names it: `17.0.15`, `17.0.21.1`, `25` (a GA release), `8u392`.
fn java_name(v: JavaVersion) -> String {
    match v {
        v if v.update_known() && v.feature == 8 => format!("8u{}", v.update),
        v if v.update_known() && (v.interim, v.update, v.patch) == (0, 0, 0) => {
            v.feature.to_string()
        }
        v => v.to_string(),
    }
}

/// The version in `home`'s `release` file.
fn java_version(home: Option<&std::path::Path>) -> Option<JavaVersion> {
    home.and_then(|home| {
        crate::input::read_text(&home.join("release"), &crate::input::JVM_FILE).ok()
    })
    .and_then(|text| security::release_version(&text))
}

/// One truststore the judgement used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSummary {
    /// Its label, as anchors name it (a path, or `mozilla-roots`).
    pub label: String,
    /// Its format (`jks`, `pkcs12`, `pem`, `directory`, `builtin`).
    pub format: String,
    /// How many trusted-certificate entries it holds.
    pub anchors: usize,
    /// Where it came from.
    pub origin: StoreOrigin,
}

/// The anchors, their summaries and the policy, ready for `chain::diagnose`.
#[derive(Debug, Clone)]
pub struct JvmTrust {
    /// Java and browser anchors.
    pub anchors: TrustAnchors,
    /// The stores, for the report.
    pub summaries: Vec<StoreSummary>,
    /// The policy (warning window, the JVM's disabled algorithms).
    pub policy: Policy,
    /// The JVM's `jdk.tls.disabledAlgorithms` (the JDK default when no JVM's java.security was read).
    pub tls_disabled: TlsDisabled,
    /// The JVM's `com.sun.security.allowedAIALocations` as it applies ([`security::aia_locations`]):
    /// `None` for a JDK without the filter (before 17.0.18, 21.0.10, 25.0.2: any URL), else the value
    /// (empty: none, the default of the JDKs that have it and the assumption when no JVM was found).
    pub aia_allowed: Option<String>,
    /// The JVM whose rules apply, and why it was chosen (`None` when the stores were given alone, as
    /// in [`JvmTrust::from_store`]).
    pub jvm: Option<JvmUsed>,
}

impl JvmTrust {
    /// How this JVM fetches a missing issuer: `enabled` as with `-Dcom.sun.security.enableAIAcaIssuers`;
    /// the allowed locations given as a system property (`locations`), else its java.security's. A JDK
    /// without the filter (`aia_allowed` is `None`) ignores the property, as it ignores java.security's.
    pub fn java_aia(&self, enabled: bool, locations: Option<&str>) -> crate::probe::aia::JavaAia {
        crate::probe::aia::JavaAia {
            enabled,
            allowed: self
                .aia_allowed
                .as_ref()
                .map(|from_file| locations.map_or_else(|| from_file.clone(), str::to_owned)),
        }
    }

    /// The trusted entries of one store file as the only Java anchors (Mozilla's roots for the browser
    /// verdict), with the default policy.
    pub fn from_store(path: &std::path::Path, password: &str) -> Result<JvmTrust> {
        let store = crate::storefile::load(path, password)?;
        let label = path.display().to_string();
        let java: Vec<Anchor> = store
            .jvm_trusted()
            .map(|(alias, cert)| Anchor {
                cert: cert.clone(),
                store: label.clone(),
                alias: alias.to_owned(),
                jdk_bundled: false,
            })
            .collect();
        let summaries = vec![StoreSummary {
            label,
            format: store.format.name().to_owned(),
            anchors: java.len(),
            origin: StoreOrigin::Option,
        }];
        Ok(JvmTrust {
            anchors: TrustAnchors::new(java, mozilla_anchors()),
            summaries,
            policy: Policy::default(),
            tls_disabled: TlsDisabled::default(),
            aia_allowed: Some(String::new()),
            jvm: None,
        })
    }

    /// The truststores' labels, joined (`/opt/app/truststore.jks, mozilla-roots`), for messages.
    pub fn store_labels(&self) -> String {
        self.summaries
            .iter()
            .filter(|s| s.origin != StoreOrigin::BrowserRoots)
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Loads every store `spec` names and the policy of the JVM found in `env`; `warn_days` is the
/// `expires-soon` window.
pub fn load(spec: &TrustSpec, env: &LocateEnv, warn_days: u32) -> Result<JvmTrust> {
    let password = spec.password()?;
    // A named JVM (`--java-home`, `$JAVA_HOME`) that is none is refused here, before anything is read.
    let default = locate::default_cacerts(env)?;
    let java_home = default
        .as_ref()
        .and_then(|c| c.java_home.clone())
        .or_else(|| locate::java_home_on_path(env.path_env.as_deref()));
    let mut anchors = TrustAnchors::default();
    let mut summaries = Vec::new();

    let mut stores: Vec<(PathBuf, StoreOrigin)> = spec
        .truststores
        .iter()
        .map(|p| (p.clone(), StoreOrigin::Option))
        .collect();
    if spec.cacerts || spec.truststores.is_empty() {
        match &default {
            Some(c) => stores.push((c.path.clone(), StoreOrigin::JvmCacerts)),
            None if spec.cacerts => anyhow::bail!(
                "--cacerts: no JVM found (set JAVA_HOME or --java-home, or put java on PATH)"
            ),
            None => {}
        }
    }
    let bundled = default.as_ref().map(|c| c.real_path.clone());
    let java_version = java_version(java_home.as_deref());
    let jvm = JvmUsed::new(
        default.as_ref(),
        java_home.clone(),
        java_version,
        spec.java_home_named_by.as_deref(),
    );
    let jdk = Jdk::for_version(java_version);
    for (path, origin) in stores {
        let store = crate::storefile::load(&path, &password)
            .with_context(|| format!("cannot read truststore {}", path.display()))?;
        if store.format == crate::truststore::StoreFormat::Directory && store.entries.is_empty() {
            anyhow::bail!(
                "truststore {}: a directory with no certificate in it (no PEM or DER certificate file), so \
                 it would trust nothing; name a truststore file or a directory of certificates",
                path.display()
            );
        }
        let label = path.display().to_string();
        let jdk_bundled = bundled.is_some() && std::fs::canonicalize(&path).ok() == bundled;
        let before = anchors.java.len();
        add_store_anchors(&mut anchors, &store, &label, jdk, jdk_bundled);
        summaries.push(StoreSummary {
            label,
            format: store.format.name().to_owned(),
            anchors: anchors.java.len() - before,
            origin,
        });
    }

    anchors.browser = mozilla_anchors();
    let java_stores = summaries.len();
    for path in &spec.browser_roots {
        let store = crate::storefile::load(path, &password)
            .with_context(|| format!("cannot read --browser-roots {}", path.display()))?;
        let label = path.display().to_string();
        let before = anchors.browser.len();
        anchors
            .browser
            .extend(store.jvm_trusted().map(|(alias, cert)| Anchor {
                cert: cert.clone(),
                store: label.clone(),
                alias: alias.to_owned(),
                jdk_bundled: false,
            }));
        if anchors.browser.len() == before {
            anyhow::bail!(
                "--browser-roots {}: no certificate in it, so it would add nothing to the browser view",
                path.display()
            );
        }
        summaries.push(StoreSummary {
            label,
            format: store.format.name().to_owned(),
            anchors: anchors.browser.len() - before,
            origin: StoreOrigin::BrowserRoots,
        });
    }
    if java_stores == 0 {
        anchors.java = anchors.browser.clone();
        summaries.push(StoreSummary {
            label: MOZILLA_LABEL.to_owned(),
            format: "builtin".to_owned(),
            anchors: anchors.java.len(),
            origin: StoreOrigin::Mozilla,
        });
    }

    let java_security = match java_home.as_deref().and_then(locate::java_security_in) {
        Some(path) => Some(crate::input::read_text(&path, &crate::input::JVM_FILE)?),
        None => None,
    };
    let java_disabled_algorithms = java_security
        .as_deref()
        .and_then(security::disabled_algorithms);
    let tls_disabled = java_security
        .as_deref()
        .and_then(|text| security::security_property(text, security::TLS_DISABLED_KEY))
        .map(|value| TlsDisabled::parse(&value))
        .unwrap_or_default();
    let aia_allowed = security::aia_locations(java_version, java_security.as_deref());
    Ok(JvmTrust {
        anchors,
        summaries,
        policy: Policy {
            warn_days,
            java_disabled_algorithms,
            java_version,
        },
        tls_disabled,
        aia_allowed,
        jvm: Some(jvm),
    })
}

/// Adds the trusted entries of `store` (named `label`) to the Java anchors as the JVM `jdk` loads them.
/// A certificate this JVM cannot parse fails a keystore or a PEM bundle as a whole (the store is recorded
/// as unloadable), and is no anchor in a directory (see [`jvm_load`] and chain's parser gate).
fn add_store_anchors(
    anchors: &mut TrustAnchors,
    store: &TrustStore,
    label: &str,
    jdk: Jdk,
    jdk_bundled: bool,
) {
    let whole = jvm_load::loads_as_a_whole(store.format);
    if whole && let Some((alias, _, error)) = jvm_load::load_failure(store, jdk) {
        anchors.unparseable.push(UnparseableAnchor {
            store: label.to_owned(),
            alias: alias.to_owned(),
            error: error.clone(),
            fails_store: true,
        });
    }
    for (alias, cert) in store.jvm_trusted() {
        if !whole && let Err(error) = cert.jdk_parse(jdk) {
            anchors.unparseable.push(UnparseableAnchor {
                store: label.to_owned(),
                alias: alias.to_owned(),
                error: error.clone(),
                fails_store: false,
            });
            continue;
        }
        anchors.java.push(Anchor {
            cert: cert.clone(),
            store: label.to_owned(),
            alias: alias.to_owned(),
            jdk_bundled,
        });
    }
}

/// Mozilla's roots (webpki-root-certs) as anchors, aliased by common name.
pub fn mozilla_anchors() -> Vec<Anchor> {
    // Parsed on every core: the aliases need each root's summary.
    crate::parallel::map(webpki_root_certs::TLS_SERVER_ROOT_CERTS, 64, |der| {
        let cert = Certificate::from_der_lazy(bytes::Bytes::copy_from_slice(der));
        let alias = cert
            .info()
            .common_name
            .clone()
            .unwrap_or_else(|| cert.info().subject.clone());
        Anchor {
            cert,
            store: MOZILLA_LABEL.to_owned(),
            alias,
            jdk_bundled: false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(release: Option<&str>, major: Option<u32>) -> JvmUsed {
        JvmUsed {
            home: Some(PathBuf::from("/usr/lib/jvm/java-17")),
            major,
            version: release.map(|r| JavaVersion::parse(r).expect("a version")),
            chosen_by: JvmChosenBy::Path,
        }
    }

    #[test]
    fn the_jvm_line_names_the_update_its_verdict_follows() {
        let line = |r, m| used(r, m).describe();
        assert!(
            line(Some("17.0.15"), Some(17)).starts_with("/usr/lib/jvm/java-17 (Java 17.0.15), ")
        );
        assert!(line(Some("17.0.21.1"), Some(17)).contains("(Java 17.0.21.1)"));
        assert!(line(Some("1.8.0_392"), Some(8)).contains("(Java 8u392)"));
        assert!(line(Some("25"), Some(25)).contains("(Java 25)"));
        assert!(line(None, Some(21)).contains("(Java 21)"));
        assert!(line(None, None).starts_with("/usr/lib/jvm/java-17, "));
    }
}
