//! A trust or deployment problem found on an endpoint or a chain: data with a stable kebab-case code, a
//! severity, a message naming what was expected and what was found, and a one-line remediation.
//!
//! A `Finding` is never an error of trustpath itself: an endpoint that refuses connections is a finding on
//! that endpoint, while an unreadable truststore is an `Error` that stops the job.

use strum::{EnumIter, IntoStaticStr};

/// How bad a finding is. `Error` means the JVM would refuse the connection (or it could not be made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    /// The JVM would refuse, or the endpoint could not be reached.
    Error,
    /// Accepted by the JVM but wrong or risky.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Every finding code trustpath emits. The kebab-case names are a stable interface (JSON, docs, CI scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "kebab-case")]
pub enum Code {
    /// TCP connect failed (refused, unreachable, DNS).
    ConnectFailed,
    /// Connect or handshake did not finish in time.
    Timeout,
    /// The TLS handshake failed for a reason other than trust.
    HandshakeFailed,
    /// The port answered a ClientHello with plain HTTP (a status line, or an HTML page without one).
    PlaintextHttp,
    /// The port answered a ClientHello with another protocol than TLS or HTTP: a server greeting (SSH,
    /// SMTP, FTP, POP3, IMAP) or other text; the message quotes it and the fix names the likely cause.
    NotTls,
    /// The server asked for a client certificate and ended the handshake without one; the message lists
    /// the acceptable issuers it named.
    ClientCertRequired,
    /// The server asked for a client certificate but went on without one (optional client
    /// authentication); the message lists the acceptable issuers it named.
    ClientCertRequested,
    /// The server asked for a client certificate, the one given with `--client-cert` was presented, and
    /// the server went on (its answer is named).
    ClientCertAccepted,
    /// The server refused the client certificate that was presented (an alert such as `bad_certificate`
    /// or `unknown_ca`, or nginx's "400 The SSL certificate error").
    ClientCertRejected,
    /// The client certificate given was not sent: no certificate of its chain was issued by a CA the
    /// server named as acceptable (the JDK's default key manager withholds it the same way).
    ClientCertIssuerNotAccepted,
    /// An issuer the server does not send was fetched from its certificate's caIssuers URL
    /// (`--fetch-aia`): info when only browsers use it, a warning when the app's JVM fetches it too.
    AiaFetched,
    /// A caIssuers URL could not be fetched (`--fetch-aia`): the message names the URL and why.
    AiaFetchFailed,
    /// The server's handshake signature does not verify with the public key of the certificate it
    /// served: its configured private key does not belong to its certificate.
    ServedKeyMismatch,
    /// A mail, directory or database server whose greeting or capabilities do not offer the STARTTLS
    /// upgrade (SMTP `STARTTLS`, IMAP `STARTTLS`, POP3 `STLS`); the message quotes what it answered.
    StarttlsNotOffered,
    /// A server that answered the upgrade request with an error (SMTP 454, IMAP `NO`/`BAD`, POP3 `-ERR`,
    /// an LDAP result code other than success, PostgreSQL `N`), or refused the connection in its
    /// greeting; the message quotes the answer.
    StarttlsRefused,
    /// The STARTTLS exchange broke off: the connection closed, the answer is not the protocol (a port
    /// that speaks TLS from the first byte, say), or the server sent bytes after agreeing to start TLS.
    StarttlsFailed,
    /// The HTTP proxy did not open a `CONNECT` tunnel to the target: it refused (403, 407, 502, …; the
    /// status line is quoted) or answered something that is not HTTP.
    ProxyFailed,
    /// The server only speaks TLS 1.0/1.1 or legacy suites.
    LegacyTls,
    /// The chain ends at a root no truststore holds.
    UntrustedRoot,
    /// An intermediate needed to reach an anchor was not served.
    MissingIntermediate,
    /// Certificates served out of order.
    WrongOrder,
    /// The root itself was served.
    ServedRoot,
    /// A served certificate is not part of the path.
    ExtraCert,
    /// The same certificate was served twice.
    DuplicateCert,
    /// A certificate has expired.
    Expired,
    /// A certificate is not valid yet.
    NotYetValid,
    /// A certificate expires within the warning window.
    ExpiresSoon,
    /// The leaf does not cover the host name.
    HostnameMismatch,
    /// The leaf is self-signed.
    SelfSigned,
    /// A signature algorithm that is disabled or weak.
    WeakSignature,
    /// A key that is disabled or weak.
    WeakKey,
    /// extendedKeyUsage does not allow serverAuth.
    BadEku,
    /// keyUsage does not allow what the certificate is used for.
    BadKeyUsage,
    /// An issuer that is not a CA.
    NotACa,
    /// pathLenConstraint exceeded.
    PathLenExceeded,
    /// A name outside an issuer's name constraints.
    NameConstraintViolation,
    /// The path's certificate policies break a policy rule (RFC 5280 policy processing): an explicit
    /// policy is required and none is valid, anyPolicy is mapped, or a critical policy is qualified.
    PolicyViolation,
    /// A signature that does not verify.
    BadSignature,
    /// The private key does not belong to the leaf.
    KeyMismatch,
    /// A trust anchor in the store has expired (the JVM still uses it).
    ExpiredAnchor,
    /// The chain could not be judged for another reason (malformed certificate, unsupported critical
    /// extension, path-building budget exhausted).
    InvalidChain,
    /// A certificate the JVM's X.509 parser refuses (`CertificateFactory`: an empty issuer, mismatched
    /// signature algorithms, an unknown curve, a critical extension it cannot decode, …). Served: JSSE
    /// aborts the handshake ("Failed to parse server certificates", `bad_certificate`) before judging
    /// anything (error; fix: reissue the certificate, or stop serving it). In a PEM truststore: not a
    /// trust anchor for any JVM, keytool refuses to import it (warning; fix: remove it).
    JvmUnparseableCert,
    /// A JKS, JCEKS or PKCS#12 truststore holds a certificate the JVM cannot parse: `KeyStore.load` fails,
    /// keytool refuses the store, and a JVM given it as `javax.net.ssl.trustStore` cannot create its
    /// default `SSLContext` ("problem accessing trust store"), so every TLS connection fails (error; fix:
    /// `trustpath store remove` the entry).
    UnloadableTruststore,
    /// An HTTPS app with a real-time-collaboration or WebSocket endpoint on plain HTTP/ws (or secured
    /// differently): browsers block the mixed content.
    MixedScheme,
    /// A public name of the deployment is not in the serving certificate's subjectAltName.
    NameNotCovered,
    /// The app's own JVM truststore does not trust the chain its public URL serves (the app cannot call
    /// itself back through the proxy).
    JvmDistrustsProxy,
    /// Endpoints that serve the same public name serve different certificates.
    ChainDiffers,
    /// An endpoint's scheme or port disagrees with the app's base URL or the proxy configuration.
    BaseUrlMismatch,
    /// An HTTP request got another status than expected.
    UnexpectedStatus,
    /// An HTTP response body lacks the expected text.
    UnexpectedBody,
    /// An HTTP request could not be made or its response could not be read.
    HttpFailed,
    /// A path is redirected to another host that serves a login form (an authentication proxy).
    AuthProxyRedirect,
    /// A session cookie set without `Secure` over HTTPS, or without `HttpOnly`.
    InsecureCookie,
    /// Confluence says Synchrony is not running (`/rest/synchrony-interop/synchrony-status`): it cannot
    /// reach Synchrony; the likely causes are named in order.
    SynchronyStopped,
    /// Confluence says collaborative editing is off (`/rest/synchrony-interop/status`).
    SynchronyDisabled,
    /// A real-time-collaboration port is laid out differently from the app (HTTP, HTTPS, or HTTP + SSL:
    /// TLS at the proxy, HTTP behind it), as observed on both sides of the proxy.
    RtcModeMismatch,
    /// A real-time-collaboration port is served under another host than the base URL's (the add-ons'
    /// server name is normally the base URL's host).
    RtcHostMismatch,
    /// The proxy forwards the RTC add-ons' port to another port on the app server, or not from `/`
    /// (found in configuration).
    RtcPortMismatch,
    /// A single-sign-on cookie (`crowd.token_key`) is scoped so that it does not reach every host that
    /// uses it, or the apps scope it differently.
    SsoCookieDomain,
    /// A WebSocket upgrade did not get a valid `101 Switching Protocols`.
    WebsocketUpgradeFailed,
    /// A proxy location for WebSockets lacks the `Upgrade`/`Connection` headers (found in configuration).
    WebsocketHeadersMissing,
    /// A proxy read timeout shorter than a minute on a WebSocket location.
    WebsocketIdleTimeout,
    /// A proxy passes requests to the app without the client's address (`X-Forwarded-For`), so the app
    /// and Crowd SSO see the proxy as every client (found in configuration).
    ForwardedForMissing,
    /// The app behind a TLS proxy received no `X-Forwarded-Proto` (or one naming another scheme than
    /// users reach it with), seen live in an answer listing the headers received.
    ForwardedProtoMissing,
    /// A proxy forwards the client's address (`X-Forwarded-For`) to a Tomcat Connector, but no
    /// `RemoteIpValve` reads it, or the valve's `internalProxies`/`trustedProxies` do not match the proxy
    /// (found in configuration).
    RemoteIpValveMissing,
    /// Tomcat's proxyName/proxyPort/scheme/secure disagree with what the proxy listens on.
    ProxyMismatch,
    /// A keystore named in configuration cannot be opened (missing file, wrong password or type).
    KeystoreUnreadable,
    /// The configured key alias is missing or is not a private-key entry.
    KeyAliasMissing,
    /// A file named in configuration cannot be read or parsed.
    ConfigUnreadable,
}

impl Code {
    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Every code, in declaration order.
    pub fn all() -> impl Iterator<Item = Code> {
        <Code as strum::IntoEnumIterator>::iter()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem, with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// How bad.
    pub severity: Severity,
    /// What was expected and what was found.
    pub message: String,
    /// Index in the served chain (0 = leaf) of the certificate concerned, when there is one.
    pub cert: Option<usize>,
    /// One line saying what to do.
    pub remediation: String,
}

impl Finding {
    /// A finding not tied to one certificate.
    pub fn new(
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            cert: None,
            remediation: remediation.into(),
        }
    }

    /// The same finding, about served certificate `index`.
    pub fn at(mut self, index: usize) -> Finding {
        self.cert = Some(index);
        self
    }
}

/// Sorts findings so that the first is the real problem: by severity, then in the given order (callers
/// push the most specific reason first).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.severity);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_severities_are_named_in_kebab_case() {
        assert_eq!(Code::NotACa.name(), "not-a-ca");
        assert_eq!(Code::JvmDistrustsProxy.name(), "jvm-distrusts-proxy");
        assert_eq!(Severity::Warning.name(), "warning");
        assert!(Code::all().all(|c| {
            c.name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-')
        }));
    }
}
