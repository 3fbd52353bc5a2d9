//! One oracle case (a served chain, a truststore, a host and an instant), how it is written for both
//! judges, trustpath's verdict on it (the java profile, exactly as `trustpath verify --java-home JDK`
//! builds its inputs), and a dump that re-judges a failing case from the command line.

use std::path::{Path, PathBuf};

use trustpath::cert::Certificate;
use trustpath::chain::{
    Anchor, ChainInput, Policy, TlsVersion, TrustAnchors, UnparseableAnchor, diagnose,
};
use trustpath::truststore::{
    Entry, EntryBody, KeyMaterial, Pkcs12Cipher, Pkcs12Mac, Pkcs12Protection, PrivateKeyEntry,
    StoreFormat as Codec, TrustStore,
};

use crate::support::jvm_batch::{self, StoreKind};

/// How a case's truststore is written (always by trustpath's own codecs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFormat {
    /// JKS.
    Jks,
    /// PKCS#12 with encrypted certificate bags and a MAC (keytool's default shape).
    Pkcs12Encrypted,
    /// PKCS#12 with certificates in clear and a MAC.
    Pkcs12ClearCerts,
    /// PKCS#12 without MAC or encryption (the JDK 18+ cacerts shape).
    Pkcs12PasswordLess,
    /// A PEM bundle.
    Pem,
}

impl StoreFormat {
    fn extension(self) -> &'static str {
        match self {
            StoreFormat::Jks => "jks",
            StoreFormat::Pem => "pem",
            _ => "p12",
        }
    }

    /// Short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            StoreFormat::Jks => "JKS",
            StoreFormat::Pkcs12Encrypted => "PKCS#12 (encrypted)",
            StoreFormat::Pkcs12ClearCerts => "PKCS#12 (certificates in clear)",
            StoreFormat::Pkcs12PasswordLess => "PKCS#12 (password-less)",
            StoreFormat::Pem => "PEM",
        }
    }
}

/// One truststore entry.
#[derive(Debug, Clone)]
pub struct AnchorEntry {
    /// Generator bookkeeping: which certificate spec it is.
    pub spec: usize,
    /// Stored as a private-key entry (its certificate is then the chain's first).
    pub key_entry: bool,
    /// Alias.
    pub alias: String,
    /// The certificate.
    pub der: Vec<u8>,
    /// The private key, for a key entry.
    pub pkcs8: Option<Vec<u8>>,
}

impl AnchorEntry {
    /// A trusted-certificate entry for spec `spec` (certificate filled in after building).
    pub fn trusted(spec: usize, alias: &str) -> Self {
        AnchorEntry {
            spec,
            key_entry: false,
            alias: alias.into(),
            der: Vec::new(),
            pkcs8: None,
        }
    }

    /// A trusted-certificate entry holding `der`.
    pub fn cert(der: Vec<u8>, alias: &str) -> Self {
        AnchorEntry {
            spec: 0,
            key_entry: false,
            alias: alias.into(),
            der,
            pkcs8: None,
        }
    }
}

/// One case for both judges.
#[derive(Debug, Clone)]
pub struct OracleCase {
    /// Unique id (`r{seed}-{index}`, or the suite's case id).
    pub id: String,
    /// How to reproduce it (seed and index, or the suite and case).
    pub origin: String,
    /// What was done to the chain.
    pub notes: Vec<String>,
    /// Served certificates, leaf first.
    pub served: Vec<Vec<u8>>,
    /// The truststore's entries.
    pub anchors: Vec<AnchorEntry>,
    /// The truststore's format.
    pub store: StoreFormat,
    /// The truststore's password.
    pub password: String,
    /// The host the client connects to.
    pub host: Option<String>,
    /// The instant of validation (Unix seconds).
    pub at: i64,
    /// The TLS version the connection negotiated; `None`: judged without a handshake by trustpath (as
    /// TLS 1.3) and as the JVM's default TLS 1.3 handshake by the JVM.
    pub tls: Option<TlsVersion>,
}

/// A JDK both judges are run for.
#[derive(Debug, Clone)]
pub struct Jdk {
    /// Feature version (`release` file).
    pub major: u32,
    /// Full version (`release` file): `17.0.15`.
    pub version: trustpath::cert::jdk::JavaVersion,
    /// Its home.
    pub home: PathBuf,
    /// The policy trustpath is given for it, as `trustpath verify --java-home HOME` builds it.
    pub policy: Policy,
}

impl Jdk {
    /// The JDK at `home`, with the policy `src/cmd/trust.rs` derives from its `release` file and its
    /// `conf/security/java.security`.
    pub fn new(home: &Path) -> Jdk {
        let release = std::fs::read_to_string(home.join("release")).expect("release file");
        let version = trustpath::jvm::security::release_version(&release).expect("JAVA_VERSION");
        let major = version.feature;
        let security = trustpath::jvm::locate::java_security_in(home)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .expect("java.security");
        Jdk {
            major,
            version,
            home: home.to_path_buf(),
            policy: Policy {
                java_disabled_algorithms: trustpath::jvm::security::disabled_algorithms(&security),
                java_version: Some(version),
                ..Policy::default()
            },
        }
    }
}

/// trustpath's verdict.
#[derive(Debug, Clone)]
pub struct Ours {
    /// The java verdict.
    pub trusted: bool,
    /// Its reason, or why the command could not judge (exit 2).
    pub reason: String,
}

impl OracleCase {
    /// A file name for the case: its id with anything but `[A-Za-z0-9._-]` replaced, and a hash of the id
    /// (suite ids hold `/` and `:`).
    pub fn file_stem(&self) -> String {
        use sha1::Digest as _;
        let clean: String = self
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let hash = sha1::Sha1::digest(self.id.as_bytes());
        format!("{clean}-{}", hex::encode(&hash[..4]))
    }

    /// Writes the truststore into `dir` (named after the case); returns its path and how the JVM loads it.
    pub fn write_store(&self, dir: &Path) -> (PathBuf, StoreKind) {
        let codec = match self.store {
            StoreFormat::Jks => Codec::Jks,
            StoreFormat::Pem => Codec::Pem,
            _ => Codec::Pkcs12,
        };
        let mut store = TrustStore::new(codec);
        store.pkcs12_protection = match self.store {
            StoreFormat::Pkcs12Encrypted => Some(Pkcs12Protection::Encrypted {
                cert_encryption: Pkcs12Cipher::Pbes2Aes256 { iterations: 256 },
                mac: Pkcs12Mac {
                    digest: "SHA-256".into(),
                    iterations: 256,
                },
            }),
            StoreFormat::Pkcs12ClearCerts => Some(Pkcs12Protection::ClearCertsWithMac(Pkcs12Mac {
                digest: "SHA-256".into(),
                iterations: 256,
            })),
            StoreFormat::Pkcs12PasswordLess => Some(Pkcs12Protection::PasswordLess),
            _ => None,
        };
        for a in &self.anchors {
            let cert = Certificate::from_der_lazy(a.der.clone());
            let entry = match &a.pkcs8 {
                Some(pkcs8) => {
                    let key = if codec == Codec::Jks {
                        KeyMaterial::JavaProtected(
                            trustpath::truststore::keyprotect::jks_protect(
                                pkcs8,
                                &self.password,
                                [7u8; 20],
                            )
                            .expect("jks key protection"),
                        )
                    } else {
                        KeyMaterial::Pkcs8(pkcs8.clone())
                    };
                    Entry {
                        alias: a.alias.clone(),
                        created_ms: Some(0),
                        body: EntryBody::PrivateKey(PrivateKeyEntry {
                            key,
                            chain: vec![cert],
                            local_key_id: None,
                        }),
                    }
                }
                None => Entry::trusted(a.alias.clone(), cert, Some(0)),
            };
            store.entries.push(entry);
        }
        let bytes = trustpath::truststore::write(&store, codec, &self.password)
            .unwrap_or_else(|e| panic!("{}: trustpath cannot write its store: {e}", self.id));
        let path = dir.join(format!("{}.{}", self.file_stem(), self.store.extension()));
        std::fs::write(&path, bytes).expect("write store");
        let kind = match codec {
            Codec::Jks => StoreKind::Jks,
            Codec::Pem => StoreKind::Pem,
            _ => StoreKind::Pkcs12,
        };
        (path, kind)
    }

    /// The case as the JVM judge reads it.
    pub fn for_jvm(&self, store: &Path, kind: StoreKind) -> jvm_batch::Case {
        jvm_batch::Case {
            id: self.id.clone(),
            store_kind: kind,
            store: store.to_path_buf(),
            password: Some(self.password.clone()),
            host: self.host.clone(),
            at: self.at,
            served: self.served.clone(),
            protocol: self.tls.map(|t| t.name().to_owned()),
        }
    }

    /// trustpath's verdict with each JDK's policy: the store read once from `store` by the file layer, its
    /// JVM-visible entries as anchors, the chain read certificate by certificate (a certificate trustpath
    /// cannot read makes `verify` exit 2: counted as not trusted, with the reason).
    pub fn ours_all(&self, store: &Path, jdks: &[Jdk]) -> Vec<Ours> {
        match trustpath::storefile::load(store, &self.password) {
            Ok(loaded) => jdks
                .iter()
                .map(|jdk| self.ours_loaded(store, &loaded, jdk))
                .collect(),
            Err(e) => jdks
                .iter()
                .map(|_| Ours {
                    trusted: false,
                    reason: format!("cannot read truststore: {e:#}"),
                })
                .collect(),
        }
    }

    fn ours_loaded(&self, store: &Path, loaded: &TrustStore, jdk: &Jdk) -> Ours {
        let label = store.display().to_string();
        // As `TrustArgs::load` (src/cmd/trust.rs) splits a store for the JDK it judges for: a certificate
        // that JDK cannot parse fails a keystore or a PEM bundle as a whole.
        let parser = trustpath::cert::jdk::Jdk::for_version(Some(jdk.version));
        let whole = trustpath::truststore::jvm_load::loads_as_a_whole(loaded.format);
        let mut unparseable = Vec::new();
        if whole
            && let Some((alias, _, error)) =
                trustpath::truststore::jvm_load::load_failure(loaded, parser)
        {
            unparseable.push(UnparseableAnchor {
                store: label.clone(),
                alias: alias.to_owned(),
                error: error.clone(),
                fails_store: true,
            });
        }
        let mut anchors: Vec<Anchor> = Vec::new();
        for (alias, cert) in loaded.jvm_trusted() {
            if !whole && let Err(error) = cert.jdk_parse(parser) {
                unparseable.push(UnparseableAnchor {
                    store: label.clone(),
                    alias: alias.to_owned(),
                    error: error.clone(),
                    fails_store: false,
                });
                continue;
            }
            anchors.push(Anchor {
                cert: cert.clone(),
                store: label.clone(),
                alias: alias.to_owned(),
                jdk_bundled: false,
            });
        }
        let mut served = Vec::new();
        for (i, der) in self.served.iter().enumerate() {
            match Certificate::from_der(der.clone()) {
                Ok(c) => served.push(c),
                Err(e) => {
                    return Ours {
                        trusted: false,
                        reason: format!("cannot read chain: entry {i}: {e}"),
                    };
                }
            }
        }
        let input = ChainInput {
            served,
            host: self.host.clone(),
            extra: Vec::new(),
            tls_version: self.tls,
            fetched: Vec::new(),
        };
        let mut trust = TrustAnchors::new(anchors, Vec::new());
        trust.unparseable = unparseable;
        let d = diagnose(&input, &trust, &jdk.policy, self.at);
        let reason = d.java.reason.clone().unwrap_or_default();
        Ours {
            trusted: d.trusted,
            reason,
        }
    }

    /// Writes the case into `dir/<id>/` (chain, anchors, the store) with the command that re-judges it.
    pub fn dump(&self, dir: &Path, store: &Path, jdk: &Jdk, summary: &str) -> PathBuf {
        let out = dir.join(format!(
            "{}-jdk{}",
            self.id.replace(['/', ' '], "_"),
            jdk.major
        ));
        std::fs::create_dir_all(&out).expect("dump dir");
        let pem = |ders: &[Vec<u8>]| -> String {
            ders.iter()
                .map(|d| Certificate::from_der_lazy(d.clone()).to_pem())
                .collect()
        };
        std::fs::write(out.join("chain.pem"), pem(&self.served)).expect("dump chain");
        let anchors: Vec<Vec<u8>> = self.anchors.iter().map(|a| a.der.clone()).collect();
        std::fs::write(out.join("anchors.pem"), pem(&anchors)).expect("dump anchors");
        let store_copy = out.join(format!(
            "truststore.{}",
            store.extension().and_then(|e| e.to_str()).unwrap_or("bin")
        ));
        std::fs::copy(store, &store_copy).expect("dump store");
        let at = time::OffsetDateTime::from_unix_timestamp(self.at)
            .expect("instant")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("rfc3339");
        let mut cmd = format!(
            "trustpath verify {} --at {at}",
            shell(&out.join("chain.pem").display().to_string())
        );
        if let Some(h) = &self.host {
            cmd.push_str(&format!(" --host {}", shell(h)));
        }
        cmd.push_str(&format!(
            " --truststore {} --storepass {} --java-home {}",
            shell(&store_copy.display().to_string()),
            shell(&self.password),
            shell(&jdk.home.display().to_string())
        ));
        if let Some(tls) = self.tls {
            cmd.push_str(&format!(
                "\n  (the case is a {} connection; `verify` judges as TLS 1.3, `probe` of a server speaking only {} as the case)",
                tls.name(),
                tls.name()
            ));
        }
        std::fs::write(
            out.join("README.txt"),
            format!(
                "{summary}\n\nre-judge with trustpath:\n  {cmd}\n\nnotes:\n{}\n",
                self.notes
                    .iter()
                    .map(|n| format!("  - {n}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        )
        .expect("dump readme");
        out
    }
}

/// Quotes for a POSIX shell when needed.
fn shell(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
