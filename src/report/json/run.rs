//! The JSON document of `probe --json` and `verify --json`: the truststores used and, per endpoint or
//! chain file, the capture, the certificates, both verdicts with their paths, the findings and the fix.
//! [`EndpointJson`], [`FindingJson`] and [`StoreJson`] are also parts of the deployment document.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

use super::field::{self, SchemaVersion};

use crate::cert::Certificate;
use crate::chain::{Fix, PathSource, PathStep, Verdict};
use crate::finding::Finding;
use crate::judge::{EndpointReport, Run};
use crate::jvm::{StoreOrigin, StoreSummary};
use crate::probe::{Handshake, Protocol, TlsInfo};
use crate::report::rfc3339;

/// The document of `trustpath probe` and `trustpath verify`: the truststores used and one object per
/// endpoint or chain file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunJson {
    /// The contract's version.
    pub schema_version: SchemaVersion,
    /// The truststores the JVM verdicts used.
    pub truststores: Vec<StoreJson>,
    /// The JVM whose rules apply and why that one; `null` when the stores were given alone.
    pub jvm: Option<JvmJson>,
    /// One per target or chain file, in input order.
    pub endpoints: Vec<EndpointJson>,
}

impl From<&Run> for RunJson {
    fn from(run: &Run) -> RunJson {
        RunJson {
            schema_version: SchemaVersion,
            truststores: run.truststores.iter().map(StoreJson::from).collect(),
            jvm: run.jvm.as_ref().map(JvmJson::from),
            endpoints: run.endpoints.iter().map(EndpointJson::from).collect(),
        }
    }
}

/// The values of `jvm.chosen_by`.
const CHOSEN_BY: [&str; 5] = [
    "--java-home",
    "[jvm] java_home",
    "JAVA_HOME",
    "PATH",
    "default",
];

/// `--java-home`, `[jvm] java_home`, `JAVA_HOME`, `PATH` or `default`.
fn jvm_chosen_by(_: &mut SchemaGenerator) -> Schema {
    field::one_of(CHOSEN_BY)
}

/// The JVM whose cacerts, `java.security` and version apply, and why it was chosen.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JvmJson {
    /// Its Java home; `null` when no JVM was named or found.
    pub java_home: Option<String>,
    /// Its major version (from its `release` file), when known.
    pub java_version: Option<u32>,
    /// What chose it: `--java-home`, `[jvm] java_home` (the deployment file), `JAVA_HOME`, `PATH` (the
    /// `java` found there) or `default` (nothing named or found).
    #[schemars(schema_with = "jvm_chosen_by")]
    pub chosen_by: &'static str,
    /// The same in words, naming the file for `[jvm] java_home`.
    pub why: String,
}

impl From<&crate::jvm::JvmUsed> for JvmJson {
    fn from(jvm: &crate::jvm::JvmUsed) -> JvmJson {
        JvmJson {
            java_home: jvm.home.as_ref().map(|h| h.display().to_string()),
            java_version: jvm.major,
            chosen_by: jvm.chosen_by_key(),
            why: jvm.why(),
        }
    }
}

/// The values of a truststore's `origin`.
const ORIGINS: [&str; 4] = ["option", "jvm-cacerts", "mozilla", "browser-roots"];

/// `option`, `jvm-cacerts`, `mozilla` or `browser-roots`.
fn store_origin(_: &mut SchemaGenerator) -> Schema {
    field::one_of(ORIGINS)
}

/// One truststore the judgement used.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreJson {
    /// Its label (a path, or `mozilla-roots`).
    pub label: String,
    /// `jks`, `jceks`, `pkcs12`, `pem`, `der`, `directory`, `builtin`.
    pub format: String,
    /// How many trusted-certificate entries it holds.
    pub anchors: usize,
    /// `option` (`--truststore`), `jvm-cacerts` (the default JVM's), `mozilla` (no JVM found) or
    /// `browser-roots` (`--browser-roots`: the browser view's, beside Mozilla's roots; never the JVM's).
    #[schemars(schema_with = "store_origin")]
    pub origin: &'static str,
}

impl From<&StoreSummary> for StoreJson {
    fn from(s: &StoreSummary) -> StoreJson {
        StoreJson {
            label: s.label.clone(),
            format: s.format.clone(),
            anchors: s.anchors,
            origin: match s.origin {
                StoreOrigin::Option => ORIGINS[0],
                StoreOrigin::JvmCacerts => ORIGINS[1],
                StoreOrigin::Mozilla => ORIGINS[2],
                StoreOrigin::BrowserRoots => ORIGINS[3],
            },
        }
    }
}

/// One endpoint's (or chain file's) capture and diagnosis.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EndpointJson {
    /// The target as given (for `verify`, the chain file's path).
    target: String,
    /// The host name the leaf is checked against.
    host: Option<String>,
    /// The port probed (null for chain files).
    port: Option<u16>,
    /// The SNI name sent.
    sni: Option<String>,
    /// The address connected to, `IP:PORT`.
    address: Option<String>,
    /// The handshake; null when none got as far as the certificates.
    tls: Option<TlsJson>,
    /// The certificates as served (or read), leaf first.
    chain: Vec<CertJson>,
    /// The JVM's verdict.
    trusted: bool,
    /// Trusted and no finding of severity `error` (what the exit code follows).
    ok: bool,
    /// Both profiles' verdicts; null when there was no chain to judge.
    verdicts: Option<VerdictsJson>,
    /// Every finding, most important first.
    findings: Vec<FindingJson>,
    /// What to serve and import; null when nothing needs fixing.
    fix: Option<FixJson>,
    /// Files written by `--write-fixes`.
    written: Vec<String>,
}

impl From<&EndpointReport> for EndpointJson {
    fn from(e: &EndpointReport) -> EndpointJson {
        EndpointJson {
            target: e.target.clone(),
            host: e.host.clone(),
            port: e.port,
            sni: e.sni.clone(),
            address: e.address.map(|a| a.to_string()),
            tls: e.tls.as_ref().map(TlsJson::from),
            chain: e
                .chain
                .iter()
                .enumerate()
                .map(|(i, c)| CertJson::new(i, c))
                .collect(),
            trusted: e.trusted(),
            ok: e.ok(),
            verdicts: e.diagnosis.as_ref().map(|d| VerdictsJson {
                java: VerdictJson::from(&d.java),
                browser: VerdictJson::from(&d.browser),
            }),
            findings: e.findings.iter().map(FindingJson::from).collect(),
            fix: e
                .diagnosis
                .as_ref()
                .and_then(|d| d.fix.as_ref())
                .map(FixJson::from),
            written: e.written.iter().map(|p| p.display().to_string()).collect(),
        }
    }
}

/// The values of `tls.handshake`.
const HANDSHAKES: [&str; 3] = ["complete", "incomplete", "legacy-hello"];

/// `complete`, `incomplete` or `legacy-hello`.
fn handshake(_: &mut SchemaGenerator) -> Schema {
    field::one_of(HANDSHAKES)
}

/// The TLS parameters negotiated.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TlsJson {
    /// `complete`, `incomplete` (the chain arrived, then the handshake failed) or `legacy-hello` (read
    /// from a raw TLS <= 1.2 hello).
    #[schemars(schema_with = "handshake")]
    handshake: &'static str,
    /// The JDK's name of the protocol version (`TLSv1.2`, `TLSv1.3`, …).
    version: Option<String>,
    /// The IANA name of the cipher suite.
    cipher_suite: Option<String>,
    /// The key exchange group.
    key_exchange: Option<String>,
    /// The ALPN protocol agreed.
    alpn: Option<String>,
    /// Whether an OCSP response was stapled.
    ocsp_stapled: bool,
    /// Whether the handshake was retried without the post-quantum key share.
    retried_without_pq: bool,
    /// The STARTTLS exchange spoken before the handshake (`smtp`, `imap`, `pop3`, `ldap`, `postgres`);
    /// null when TLS started with the first byte.
    #[schemars(schema_with = "field::starttls_or_null")]
    starttls: Option<&'static str>,
}

impl From<&TlsInfo> for TlsJson {
    fn from(t: &TlsInfo) -> TlsJson {
        TlsJson {
            handshake: match t.handshake {
                Handshake::Complete => HANDSHAKES[0],
                Handshake::Incomplete => HANDSHAKES[1],
                Handshake::LegacyHello => HANDSHAKES[2],
            },
            version: t.version.clone(),
            cipher_suite: t.cipher_suite.clone(),
            key_exchange: t.key_exchange.clone(),
            alpn: t.alpn.clone(),
            ocsp_stapled: t.ocsp_stapled,
            retried_without_pq: t.retried_without_pq,
            starttls: t.starttls.map(Protocol::name),
        }
    }
}

/// One certificate: what it says, or why it could not be read (then `parse_error` is set and the
/// descriptive fields are null).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CertJson {
    /// Its position in the chain, 0 for the leaf.
    index: usize,
    /// Lower-case hex SHA-256 of the DER.
    sha256: String,
    /// Subject DN.
    subject: Option<String>,
    /// Issuer DN.
    issuer: Option<String>,
    /// Serial number, hex.
    serial: Option<String>,
    /// RFC 3339.
    not_before: Option<String>,
    /// RFC 3339.
    not_after: Option<String>,
    /// Key type and size, e.g. `EC P-256`, `RSA 2048`.
    key: Option<String>,
    /// The JDK's name of the signature algorithm, e.g. `SHA256withECDSA`.
    signature_algorithm: Option<String>,
    /// DNS subjectAltNames.
    dns_names: Vec<String>,
    /// IP subjectAltNames.
    ip_addresses: Vec<String>,
    /// basicConstraints CA.
    is_ca: bool,
    /// Subject equals issuer.
    self_issued: bool,
    /// Why the certificate could not be parsed.
    parse_error: Option<String>,
}

impl CertJson {
    fn new(index: usize, c: &Certificate) -> CertJson {
        match c.try_info() {
            Ok(info) => CertJson {
                index,
                sha256: c.sha256_hex(),
                subject: Some(info.subject.clone()),
                issuer: Some(info.issuer.clone()),
                serial: Some(info.serial_hex.clone()),
                not_before: Some(rfc3339(info.not_before)),
                not_after: Some(rfc3339(info.not_after)),
                key: Some(info.key_description()),
                signature_algorithm: Some(info.signature_algorithm.clone()),
                dns_names: info.dns_names.clone(),
                ip_addresses: info.ip_addresses.clone(),
                is_ca: info.is_ca,
                self_issued: info.self_issued,
                parse_error: None,
            },
            Err(e) => CertJson {
                index,
                sha256: c.sha256_hex(),
                subject: None,
                issuer: None,
                serial: None,
                not_before: None,
                not_after: None,
                key: None,
                signature_algorithm: None,
                dns_names: Vec::new(),
                ip_addresses: Vec::new(),
                is_ca: false,
                self_issued: false,
                parse_error: Some(e.to_string()),
            },
        }
    }
}

/// The java and browser verdicts.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VerdictsJson {
    /// The JVM with the given truststores.
    java: VerdictJson,
    /// Mozilla's roots and the Web PKI's rules.
    browser: VerdictJson,
}

/// One verdict: trusted or why not, and the path built.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VerdictJson {
    /// Whether this profile trusts the chain.
    trusted: bool,
    /// Why not, when not.
    reason: Option<String>,
    /// The path built, leaf first.
    path: Vec<StepJson>,
}

impl From<&Verdict> for VerdictJson {
    fn from(v: &Verdict) -> VerdictJson {
        VerdictJson {
            trusted: v.trusted,
            reason: v.reason.clone(),
            path: v.path.iter().map(StepJson::from).collect(),
        }
    }
}

/// The values of a path step's `source`.
const SOURCES: [&str; 4] = ["served", "anchor", "extra", "fetched"];

/// `served`, `anchor`, `extra` or `fetched`.
fn path_source(_: &mut SchemaGenerator) -> Schema {
    field::one_of(SOURCES)
}

/// One certificate on a path, and where it came from: `"source": "served"` with its `index` in the
/// served chain, `"anchor"` with the truststore's label (`store`) and the anchor's `alias`, `"extra"`
/// (from `--extra-certs`), or `"fetched"` with the caIssuers `url` it was fetched from (`--fetch-aia`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StepJson {
    /// Subject DN.
    subject: String,
    /// Lower-case hex SHA-256.
    sha256: String,
    /// `served`, `anchor`, `extra` or `fetched`.
    #[schemars(schema_with = "path_source")]
    source: &'static str,
    /// For `served`: the index in the served chain (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    /// For `anchor`: the truststore's label (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    store: Option<String>,
    /// For `anchor`: the entry's alias (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    alias: Option<String>,
    /// For `fetched`: the caIssuers URL it was fetched from (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl From<&PathStep> for StepJson {
    fn from(s: &PathStep) -> StepJson {
        let (source, index, store, alias) = match &s.source {
            PathSource::Served { index } => (SOURCES[0], Some(*index), None, None),
            PathSource::Anchor { store, alias } => {
                (SOURCES[1], None, Some(store.clone()), Some(alias.clone()))
            }
            PathSource::Extra => (SOURCES[2], None, None, None),
            PathSource::Fetched { .. } => (SOURCES[3], None, None, None),
        };
        let url = match &s.source {
            PathSource::Fetched { url } => Some(url.clone()),
            _ => None,
        };
        StepJson {
            subject: s.cert.info().subject.clone(),
            sha256: s.cert.sha256_hex(),
            source,
            index,
            store,
            alias,
            url,
        }
    }
}

/// The fix: the fullchain to serve and the CAs to import.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FixJson {
    /// The chain to serve: leaf, then intermediates in order, no root.
    fullchain: Vec<BriefJson>,
    /// Whether the fullchain reaches an anchor.
    fullchain_complete: bool,
    /// The CAs the truststore lacks.
    import: Vec<BriefJson>,
}

impl From<&Fix> for FixJson {
    fn from(f: &Fix) -> FixJson {
        FixJson {
            fullchain: f.fullchain.iter().map(BriefJson::from).collect(),
            fullchain_complete: f.fullchain_complete,
            import: f.import.iter().map(BriefJson::from).collect(),
        }
    }
}

/// A certificate named by its subject and fingerprint.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BriefJson {
    /// Subject DN.
    subject: String,
    /// Lower-case hex SHA-256.
    sha256: String,
}

impl From<&Certificate> for BriefJson {
    fn from(c: &Certificate) -> BriefJson {
        BriefJson {
            subject: c.info().subject.clone(),
            sha256: c.sha256_hex(),
        }
    }
}

/// One finding: its code, severity, message, the certificate concerned (left out when none) and the fix.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingJson {
    /// The stable kebab-case code (the README's findings tables).
    #[schemars(schema_with = "field::finding_code")]
    code: &'static str,
    /// `error` (the JVM would refuse, or the endpoint could not be reached), `warning` or `info`.
    #[schemars(schema_with = "field::severity")]
    severity: &'static str,
    /// What was expected and what was found.
    message: String,
    /// The index in `chain` of the certificate concerned (left out when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    cert: Option<usize>,
    /// One line saying what to do.
    remediation: String,
}

impl From<&Finding> for FindingJson {
    fn from(f: &Finding) -> FindingJson {
        FindingJson {
            code: f.code.name(),
            severity: f.severity.name(),
            message: f.message.clone(),
            cert: f.cert,
            remediation: f.remediation.clone(),
        }
    }
}
