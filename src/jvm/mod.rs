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
use crate::cert::jdk::Jdk;
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
}

impl JvmTrust {
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
        })
    }

    /// The truststores' labels, joined (`/opt/app/truststore.jks, mozilla-roots`), for messages.
    pub fn store_labels(&self) -> String {
        self.summaries
            .iter()
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
    let java_major = java_home
        .as_deref()
        .and_then(|home| {
            crate::input::read_text(&home.join("release"), &crate::input::JVM_FILE).ok()
        })
        .and_then(|text| security::release_major(&text));
    let jdk = Jdk::for_major(java_major);
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
    if summaries.is_empty() {
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
    Ok(JvmTrust {
        anchors,
        summaries,
        policy: Policy {
            warn_days,
            java_disabled_algorithms,
            java_major,
        },
        tls_disabled,
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
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| {
            let cert = Certificate::from_der_lazy(der.as_ref().to_vec());
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
        .collect()
}
