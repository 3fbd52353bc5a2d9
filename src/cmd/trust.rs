//! Options and loading shared by `trustpath probe` and `trustpath verify`: which truststores the JVM
//! verdict uses (`--truststore`, `--cacerts`, the default JVM's cacerts, else Mozilla's roots), the store
//! password, the JVM's `java.security` policy, `--extra-certs`, and writing `--write-fixes` files.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cert::Certificate;
use crate::chain::{Anchor, Policy, TrustAnchors, UnparseableAnchor};
use crate::error::Result;
use crate::finding::{Code, Finding, Severity};
use crate::report::{EndpointReport, StoreOrigin, StoreSummary};

/// The label of Mozilla's root program as a store.
pub const MOZILLA_LABEL: &str = "mozilla-roots";

/// Truststore options.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// A truststore the JVM verdict uses: JKS, JCEKS, PKCS#12, a PEM bundle or a directory of PEM/DER
    /// files. Repeat for several; their trusted-certificate entries are all anchors.
    #[arg(long = "truststore", value_name = "FILE")]
    pub truststores: Vec<PathBuf>,
    /// Also use the default JVM's cacerts (found from JAVA_HOME, else the `java` on PATH). Without any
    /// --truststore this is the default when a JVM is found; otherwise Mozilla's roots are used.
    #[arg(long)]
    pub cacerts: bool,
    /// The JVM whose cacerts and java.security apply. Defaults to JAVA_HOME, else the `java` on PATH.
    #[arg(long, value_name = "DIR")]
    pub java_home: Option<PathBuf>,
    /// The truststore password.
    #[command(flatten)]
    pub storepass: crate::password::StorePassArgs,
}

/// Options about the diagnosis and its fixes.
#[derive(Debug, Clone, clap::Args)]
pub struct FixArgs {
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// Write fixes into DIR: a corrected fullchain (leaf first, intermediates in order, no root) when the
    /// needed certificates are known, and the PEM of each CA the truststore lacks.
    #[arg(long, value_name = "DIR")]
    pub write_fixes: Option<PathBuf>,
    /// A PEM bundle of certificates known from elsewhere (e.g. the CA's intermediates), used to build
    /// the corrected fullchain, never as trust anchors.
    #[arg(long, value_name = "FILE")]
    pub extra_certs: Option<PathBuf>,
}

/// The anchors, their summaries and the policy, ready for `chain::diagnose`.
#[derive(Debug, Clone)]
pub struct Trust {
    /// Java and browser anchors.
    pub anchors: TrustAnchors,
    /// The stores, for the report.
    pub summaries: Vec<StoreSummary>,
    /// The policy (warning window, the JVM's disabled algorithms).
    pub policy: Policy,
    /// The JVM's `jdk.tls.disabledAlgorithms` (the JDK default when no JVM's java.security was read).
    pub tls_disabled: crate::probe::jdk_tls::TlsDisabled,
}

impl TrustArgs {
    /// The store password: --storepass, --storepass-env, --storepass-file, else `changeit`.
    pub fn password(&self) -> Result<String> {
        self.storepass.resolve()
    }

    /// Loads every store and the policy.
    pub fn load(&self, warn_days: u32) -> Result<Trust> {
        let password = self.password()?;
        let env = crate::locate::LocateEnv::from_process(self.java_home.clone());
        let default = crate::locate::default_cacerts(&env);
        let java_home = default
            .as_ref()
            .and_then(|c| c.java_home.clone())
            .or_else(|| env.java_home_flag.clone())
            .or_else(|| env.java_home_env.clone())
            .or_else(|| crate::locate::java_home_on_path(env.path_env.as_deref()));
        let mut anchors = TrustAnchors::default();
        let mut summaries = Vec::new();

        let mut stores: Vec<(PathBuf, StoreOrigin)> = self
            .truststores
            .iter()
            .map(|p| (p.clone(), StoreOrigin::Option))
            .collect();
        if self.cacerts || self.truststores.is_empty() {
            match &default {
                Some(c) => stores.push((c.path.clone(), StoreOrigin::JvmCacerts)),
                None if self.cacerts => anyhow::bail!(
                    "--cacerts: no JVM found (set JAVA_HOME or --java-home, or put java on PATH)"
                ),
                None => {}
            }
        }
        let bundled = default.as_ref().map(|c| c.real_path.clone());
        let java_major = java_home
            .as_deref()
            .and_then(|home| std::fs::read_to_string(home.join("release")).ok())
            .and_then(|text| release_major(&text));
        let jdk = crate::cert::jdk::Jdk::for_major(java_major);
        for (path, origin) in stores {
            let store = crate::storefile::load(&path, &password)
                .with_context(|| format!("cannot read truststore {}", path.display()))?;
            let label = path.display().to_string();
            let jdk_bundled = bundled.is_some() && std::fs::canonicalize(&path).ok() == bundled;
            let before = anchors.java.len();
            // A certificate this JVM cannot parse fails a keystore or a PEM bundle as a whole, and is no
            // anchor in a directory (see truststore::jvm_load and chain's parser gate).
            let whole = crate::truststore::jvm_load::loads_as_a_whole(store.format);
            if whole
                && let Some((alias, _, error)) =
                    crate::truststore::jvm_load::load_failure(&store, jdk)
            {
                anchors.unparseable.push(UnparseableAnchor {
                    store: label.clone(),
                    alias: alias.to_owned(),
                    error: error.clone(),
                    fails_store: true,
                });
            }
            for (alias, cert) in store.jvm_trusted() {
                if !whole && let Err(error) = cert.jdk_parse(jdk) {
                    anchors.unparseable.push(UnparseableAnchor {
                        store: label.clone(),
                        alias: alias.to_owned(),
                        error: error.clone(),
                        fails_store: false,
                    });
                    continue;
                }
                anchors.java.push(Anchor {
                    cert: cert.clone(),
                    store: label.clone(),
                    alias: alias.to_owned(),
                    jdk_bundled,
                });
            }
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

        let java_security = match java_home
            .as_deref()
            .and_then(crate::locate::java_security_in)
        {
            Some(path) => Some(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
            ),
            None => None,
        };
        let java_disabled_algorithms = java_security.as_deref().and_then(disabled_algorithms);
        let tls_disabled = java_security
            .as_deref()
            .and_then(|text| security_property(text, TLS_DISABLED_KEY))
            .map(|value| crate::probe::jdk_tls::TlsDisabled::parse(&value))
            .unwrap_or_default();
        Ok(Trust {
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

/// The value of `jdk.certpath.disabledAlgorithms` in java.security text (Java properties syntax: `#`/`!`
/// comments, `=`, `:` or white space as separator, backslash line continuations).
pub fn disabled_algorithms(text: &str) -> Option<String> {
    security_property(text, "jdk.certpath.disabledAlgorithms")
}

const TLS_DISABLED_KEY: &str = "jdk.tls.disabledAlgorithms";

/// The value of property `key` in java.security text (Java properties syntax: `#`/`!` comments, `=`,
/// `:` or white space as separator, backslash line continuations).
pub fn security_property(text: &str, key: &str) -> Option<String> {
    let mut logical = String::new();
    let mut found = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
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
        let _ = &mut lines;
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

/// Reads `--extra-certs` (a PEM bundle or a DER certificate).
pub fn extra_certs(args: &FixArgs) -> Result<Vec<Certificate>> {
    match &args.extra_certs {
        Some(path) => crate::storefile::read_cert_file(path).context("--extra-certs"),
        None => Ok(Vec::new()),
    }
}

/// Writes the fixes of one endpoint into `dir` and records the paths in the report: `NAME-fullchain.pem`
/// (leaf first, intermediates in order, no root) when the diagnosis could build it complete, and
/// `NAME-ca-N.pem` per CA the truststore lacks.
pub fn write_fixes(dir: &Path, name: &str, report: &mut EndpointReport) -> Result<()> {
    let Some(fix) = report.diagnosis.as_ref().and_then(|d| d.fix.clone()) else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("--write-fixes {}", dir.display()))?;
    let stem = file_stem(name);
    // A served chain is hostile input: a fix file never carries a certificate the JVM cannot parse (the
    // diagnosis leaves them out; this refuses what slips through, and says so).
    let mut refuse = |path: &Path, certs: &[Certificate]| -> bool {
        match crate::truststore::jvm_load::refuse_unparseable(certs) {
            Ok(()) => false,
            Err(e) => {
                report.findings.push(Finding::new(
                    Code::JvmUnparseableCert,
                    Severity::Warning,
                    format!("--write-fixes did not write {}: {e}", path.display()),
                    "get the certificate from its CA instead",
                ));
                true
            }
        }
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    // Only a fullchain that reaches an anchor is a fix; a partial one would be served as broken.
    if fix.fullchain_complete && !fix.fullchain.is_empty() {
        let path = dir.join(format!("{stem}-fullchain.pem"));
        if !refuse(&path, &fix.fullchain) {
            files.push((
                path,
                fix.fullchain.iter().map(Certificate::to_pem).collect(),
            ));
        }
    }
    for (i, cert) in fix.import.iter().enumerate() {
        let path = dir.join(format!("{stem}-ca-{}.pem", i + 1));
        if !refuse(&path, std::slice::from_ref(cert)) {
            files.push((path, cert.to_pem()));
        }
    }
    for (path, pem) in files {
        std::fs::write(&path, pem).with_context(|| format!("cannot write {}", path.display()))?;
        report.written.push(path);
    }
    Ok(())
}

/// A file-name-safe stem for an endpoint or chain file name.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    stem.trim_matches('_').to_owned()
}

/// The current time in seconds since the epoch.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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

    /// A self-signed certificate with an empty name (the JDK refuses its empty issuer).
    fn unparseable() -> Certificate {
        let mut p = rcgen::CertificateParams::new(vec!["x.test".to_owned()]).unwrap();
        p.distinguished_name = rcgen::DistinguishedName::new();
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    fn good() -> Certificate {
        let p = rcgen::CertificateParams::new(vec!["ok.test".to_owned()]).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    #[test]
    fn write_fixes_never_writes_a_certificate_the_jvm_cannot_parse_and_says_so() {
        use crate::chain::{Diagnosis, Fix, Profile, Verdict};
        let verdict = |profile| Verdict {
            profile,
            trusted: false,
            path: Vec::new(),
            reason: None,
        };
        let mut report = EndpointReport {
            diagnosis: Some(Diagnosis {
                trusted: false,
                java: verdict(Profile::Java),
                browser: verdict(Profile::Browser),
                findings: Vec::new(),
                fix: Some(Fix {
                    fullchain: vec![good(), unparseable()],
                    fullchain_complete: true,
                    import: vec![unparseable(), good()],
                }),
            }),
            ..EndpointReport::default()
        };
        let dir = tempfile::tempdir().unwrap();
        write_fixes(dir.path(), "host:443", &mut report).unwrap();
        assert_eq!(report.written, vec![dir.path().join("host_443-ca-2.pem")]);
        assert!(!dir.path().join("host_443-fullchain.pem").exists());
        assert!(!dir.path().join("host_443-ca-1.pem").exists());
        let notes: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.code == Code::JvmUnparseableCert)
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].message.contains("did not write")
                && notes[0].message.contains("Empty issuer DN not allowed"),
            "{}",
            notes[0].message
        );
    }

    #[test]
    fn file_stems_keep_names_readable_and_safe() {
        assert_eq!(file_stem("wiki.example.test:443"), "wiki.example.test_443");
        assert_eq!(file_stem("[::1]:8443"), "1__8443");
    }
}
