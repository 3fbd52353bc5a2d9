//! The data a diagnosis is made of: its inputs (anchors, policy, served chain) and its output (verdicts per
//! client profile, the path found, findings with fixes, and the corrected chain when one can be built).
//!
//! These types are the contract between `chain` (which fills them), and `probe`, `report` and the commands
//! (which pass them in and print them).

use serde::Serialize;

pub use super::anchor::Anchor;
use super::anchor_index::AnchorCache;
use crate::cert::Certificate;
use crate::cert::jdk::{JavaVersion, JdkParseError};
use crate::finding::Finding;

/// The anchors each client profile trusts.
///
/// Build it once and pass it to every [`diagnose`](super::diagnose()) call: the first call indexes the
/// anchors (parsed, by normalized subject) and later calls, on any thread, reuse that index. Changing
/// `java` or `browser` afterwards is allowed; the next call notices and re-indexes.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    /// The JVM's anchors: every trusted-certificate entry of the given truststores.
    pub java: Vec<Anchor>,
    /// A browser's anchors: Mozilla's root program (webpki-root-certs).
    pub browser: Vec<Anchor>,
    /// Truststore certificates the JVM cannot parse (found when the stores were read, for the JVM the
    /// policy names). One in a JKS, JCEKS, PKCS#12 store or a PEM bundle fails the whole store in the
    /// JVM, so no chain is trusted with it; one in a directory is just not an anchor (leave it out of
    /// `java`).
    pub unparseable: Vec<UnparseableAnchor>,
    /// Indexes of `java` and `browser`, built on first use and checked against them on every use.
    cache: AnchorCache,
}

impl TrustAnchors {
    /// The JVM's and a browser's anchors.
    pub fn new(java: Vec<Anchor>, browser: Vec<Anchor>) -> Self {
        TrustAnchors {
            java,
            browser,
            unparseable: Vec::new(),
            cache: AnchorCache::default(),
        }
    }

    /// Builds both anchor indexes now; each is otherwise built by the first diagnosis that needs it. A
    /// caller waiting on the network can do this meanwhile on another thread.
    pub fn index(&self) {
        self.cache.java(&self.java);
        self.cache.browser(&self.browser);
    }

    /// The anchor indexes (see [`AnchorCache`]).
    pub(crate) fn cache(&self) -> &AnchorCache {
        &self.cache
    }
}

/// A truststore certificate the JVM cannot parse (see [`TrustAnchors::unparseable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnparseableAnchor {
    /// Label of the store it is in.
    pub store: String,
    /// Its alias there.
    pub alias: String,
    /// The JDK's reason and rule.
    pub error: JdkParseError,
    /// Whether the JVM loads the store as a whole (JKS, JCEKS, PKCS#12, a PEM bundle), so that this
    /// certificate fails it; else (a directory) the certificate is only not an anchor.
    pub fails_store: bool,
}

/// Which client a verdict models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The JVM (JDK 17+) with the given truststore: the verdict `trusted`.
    Java,
    /// A browser with the Web PKI's rules and Mozilla's roots.
    Browser,
}

/// What the caller asks to be checked.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Warn about certificates expiring within this many days (`expires-soon`).
    pub warn_days: u32,
    /// The JVM's `jdk.certpath.disabledAlgorithms` value (the text after `=`), as read from
    /// `$JAVA_HOME/conf/security/java.security`; `None` = the JDK 17 default.
    pub java_disabled_algorithms: Option<String>,
    /// The JVM's version (`JAVA_VERSION` in `$JAVA_HOME/release`: `17.0.15`, `25.0.3`); `None` = the
    /// newest JDK 17 update. Its feature release decides the rules where the JDKs differ: the host-name
    /// wildcard rule (JDK 17 accepts `*` in any label, `www.*.example.com`; JDK 25 only in the left-most
    /// one) and name constraints (which CNs count as DNS names, wildcard names against excluded subtrees,
    /// IPv4-mapped addresses; see `name_constraints.rs`); its update decides the rules that changed in an
    /// update ([`crate::cert::jdk::Change`]: the certificate signature schemes of a TLS 1.3 client, the
    /// X.509 parser). Measured with the real JVMs 17.0.15, 17.0.19, 17.0.21.1 and 25.0.3; 18–24 assumed
    /// like the newest 17.
    pub java_version: Option<JavaVersion>,
}

impl Policy {
    /// The JVM judged for: [`Policy::java_version`], else the newest JDK 17.
    pub fn java(&self) -> JavaVersion {
        self.java_version.unwrap_or(JavaVersion::newest(17))
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            warn_days: 30,
            java_disabled_algorithms: None,
            java_version: None,
        }
    }
}

/// The chain to judge.
#[derive(Debug, Clone, Default)]
pub struct ChainInput {
    /// Certificates in the order the server sent them (index 0 = what the server presented as its leaf).
    pub served: Vec<Certificate>,
    /// The name the client connects to: a DNS name or an IP literal; `None` skips the name check.
    pub host: Option<String>,
    /// Certificates known from elsewhere (`--extra-certs`), used only to build fixes, never as trust.
    pub extra: Vec<Certificate>,
    /// The TLS version the connection negotiated, which decides the signature algorithms the JVM's client
    /// accepts in certificates (`tls_signatures.rs`); `None` when the chain was not captured from a
    /// handshake: it is then judged as TLS 1.3, the version a JDK 17+ client negotiates by default.
    pub tls_version: Option<super::TlsVersion>,
    /// Issuers fetched from the caIssuers URLs of the served certificates (`--fetch-aia`): candidates
    /// for the browser profile's path, and for the java profile's when [`Fetched::java`] says the JVM
    /// fetches them too; always usable for fixes.
    pub fetched: Vec<Fetched>,
}

/// A certificate fetched from a caIssuers URL (the fetch itself is done by the caller: this layer only
/// receives the result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The certificate.
    pub cert: Certificate,
    /// The URL it came from.
    pub url: String,
    /// Whether the app's JVM fetches it too (`com.sun.security.enableAIAcaIssuers=true` and the URL
    /// allowed by `com.sun.security.allowedAIALocations`).
    pub java: bool,
}

/// Where a certificate on a path came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum PathSource {
    /// Served by the endpoint, at this index.
    Served {
        /// Index in the served chain.
        index: usize,
    },
    /// A trust anchor.
    Anchor {
        /// Store label.
        store: String,
        /// Alias in that store.
        alias: String,
    },
    /// From `--extra-certs`.
    Extra,
    /// Fetched from a certificate's caIssuers URL (`--fetch-aia`).
    Fetched {
        /// The URL it was fetched from.
        url: String,
    },
}

/// One certificate on a path, leaf first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    /// The certificate.
    pub cert: Certificate,
    /// Where it came from.
    pub source: PathSource,
}

/// One profile's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The profile.
    pub profile: Profile,
    /// Whether this client would accept the chain.
    pub trusted: bool,
    /// The path built (leaf first, ending at the anchor when trusted; the best failing candidate
    /// otherwise).
    pub path: Vec<PathStep>,
    /// The most specific reason when not trusted, one line.
    pub reason: Option<String>,
}

/// What to change so that the JVM trusts the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fix {
    /// The chain to serve: leaf first, intermediates in order, no root. Empty when it cannot be built.
    pub fullchain: Vec<Certificate>,
    /// Whether `fullchain` is complete up to (not including) an anchor.
    pub fullchain_complete: bool,
    /// CA certificates the truststore lacks and that would make the chain trusted if imported.
    pub import: Vec<Certificate>,
}

/// Everything known about one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The JVM's verdict (`verdicts[Java].trusted`): the answer to "will the app trust this endpoint".
    pub trusted: bool,
    /// The java verdict.
    pub java: Verdict,
    /// The browser verdict.
    pub browser: Verdict,
    /// Findings, most important first (errors, then warnings, then info).
    pub findings: Vec<Finding>,
    /// The fix, when there is something to fix.
    pub fix: Option<Fix>,
}
