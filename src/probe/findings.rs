//! The findings a probe raises on an endpoint it could not reach or that spoke no modern TLS: each names
//! the address or port, what happened, and what to check.

use std::net::SocketAddr;
use std::time::Duration;

use super::banner::Plain;
use super::client_cert::ClientIdentity;
use super::danger::{AfterAuth, Answer, Request};
use super::jdk_tls;
use super::proxy::{Proxy, TunnelError};
use super::starttls::{Protocol, Refusal};
use super::target::Target;
use crate::finding::{Code, Finding, Severity};

/// The host name did not resolve.
pub fn resolve_failed(target: &Target, error: &std::io::Error) -> Finding {
    Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        format!("cannot resolve {}: {error}", target.host),
        "check the host name, or connect elsewhere with --resolve HOST:PORT:ADDR",
    )
}

/// The TCP connection was refused or failed (`address` is the one tried last, when any was).
pub fn connect_failed(
    target: &Target,
    address: Option<SocketAddr>,
    error: &std::io::Error,
) -> Finding {
    let address = address.map_or_else(|| target.to_string(), |a| a.to_string());
    Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        format!("cannot connect to {address}: {error}"),
        "check that the service listens on this address and port and that no firewall blocks it",
    )
}

/// No TCP connection (`connected` false) or no completed handshake within `timeout`.
pub fn timeout_finding(connected: bool, timeout: Duration) -> Finding {
    let secs = timeout.as_secs_f64();
    let (message, fix) = if connected {
        (
            format!(
                "the TLS handshake did not finish within {secs} s (the server accepted the connection but did not complete the handshake)"
            ),
            "check that this port serves TLS (not a protocol that waits for the client) and that nothing in between holds packets; raise --timeout for slow links",
        )
    } else {
        (
            format!("no TCP connection within {secs} s"),
            "check that the host is reachable and that no firewall drops packets; raise --timeout for slow links",
        )
    };
    Finding::new(Code::Timeout, Severity::Error, message, fix)
}

/// A port that answered the TLS ClientHello with plain HTTP (`line`: its status line, or the first line
/// of an HTML page sent without one).
pub fn plaintext_finding(target: &Target, line: &str) -> Finding {
    let what = if line.starts_with("HTTP/") {
        line.to_owned()
    } else {
        format!("an HTML page without a status line: {line}")
    };
    Finding::new(
        Code::PlaintextHttp,
        Severity::Error,
        format!(
            "port {} answered the TLS ClientHello with plain HTTP ({what})",
            target.port
        ),
        "probe the TLS port instead, or enable TLS on this connector (Tomcat: SSLEnabled=\"true\" with a certificate; nginx: listen … ssl)",
    )
}

/// A port that answered the TLS ClientHello with another protocol than TLS or HTTP (a server greeting
/// such as SSH's, or other text), naming it and the likely cause.
pub fn not_tls_finding(target: &Target, plain: &Plain) -> Finding {
    if let Plain::Http(line) = plain {
        return plaintext_finding(target, line);
    }
    let (host, port) = (&target.host, target.port);
    let url_host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.clone()
    };
    let wrong_port = "this is not the TLS port: check the port number of the service you meant (HTTPS is usually 443 or 8443)";
    let fix = match plain {
        Plain::Smtp(_) => format!(
            "a mail server greets in clear here: probe its STARTTLS certificate as smtp://{url_host}:{port}, or its implicit-TLS port as smtps://{url_host}:465; if you meant another service, {wrong_port}"
        ),
        Plain::Imap(_) => format!(
            "an IMAP server greets in clear here: probe its STARTTLS certificate as imap://{url_host}:{port}, or its implicit-TLS port as imaps://{url_host}:993; if you meant another service, {wrong_port}"
        ),
        Plain::Pop3(_) => format!(
            "a POP3 server greets in clear here: probe its STARTTLS certificate as pop3://{url_host}:{port}, or its implicit-TLS port as pop3s://{url_host}:995; if you meant another service, {wrong_port}"
        ),
        Plain::SmtpOrFtp(_) => format!(
            "if it is a mail server, probe its STARTTLS certificate as smtp://{url_host}:{port}; otherwise {wrong_port}"
        ),
        Plain::Ssh(_) => format!("an SSH server listens here (SSH is not TLS); {wrong_port}"),
        Plain::Ftp(_) => format!(
            "an FTP server listens here (trustpath does not speak FTP's AUTH TLS); {wrong_port}"
        ),
        Plain::Http(_) | Plain::Text(_) => {
            format!("a service that speaks plain text listens here; {wrong_port}")
        }
    };
    Finding::new(
        Code::NotTls,
        Severity::Error,
        format!(
            "port {port} answered the TLS ClientHello with {} instead of TLS ({})",
            plain.protocol(),
            plain.line()
        ),
        fix,
    )
}

/// A server that negotiates only a legacy protocol or suite, an error when the JVM's
/// `jdk.tls.disabledAlgorithms` refuses it.
pub fn legacy_finding(
    version: &str,
    suite: &str,
    first: &str,
    disabled: &jdk_tls::TlsDisabled,
) -> Finding {
    let refused = disabled
        .refuses_protocol(version)
        .map(|entry| format!("the JVM's jdk.tls.disabledAlgorithms disables {entry}, so the app's JVM cannot connect"))
        .or_else(|| {
            disabled.refuses_suite(suite).map(|entry| {
                format!("the JVM's jdk.tls.disabledAlgorithms disables {suite} (by its entry {entry}), so the app's JVM cannot connect")
            })
        });
    let (severity, why) = match refused {
        Some(why) => (Severity::Error, why),
        None => (
            Severity::Warning,
            "the JVM's jdk.tls.disabledAlgorithms still allows it, but rustls and browsers refuse RSA key exchange or CBC-only servers and newer JDKs disable more legacy suites".to_owned(),
        ),
    };
    Finding::new(
        Code::LegacyTls,
        severity,
        format!(
            "the server negotiates only {version} with {suite} (offered TLS 1.2 and legacy suites; a modern handshake failed: {first}); {why}"
        ),
        "enable TLS 1.2 and 1.3 with ECDHE and AES-GCM suites (Tomcat: protocols=\"TLSv1.2+TLSv1.3\"; nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: SSLProtocol -all +TLSv1.2 +TLSv1.3)",
    )
}

/// A STARTTLS upgrade that did not happen: not offered, refused, or broken off; each quotes the server.
pub fn starttls_finding(target: &Target, protocol: Protocol, refusal: Refusal) -> Finding {
    let port = target.port;
    let command = protocol.command();
    let name = protocol.name();
    match refusal {
        Refusal::NotOffered { answer } => Finding::new(
            Code::StarttlsNotOffered,
            Severity::Error,
            format!(
                "the {name} server on port {port} does not offer {command}; it answered: {answer}"
            ),
            starttls_fix(protocol),
        ),
        Refusal::Refused { answer } => Finding::new(
            Code::StarttlsRefused,
            Severity::Error,
            format!("the {name} server on port {port} refused {command}; it answered: {answer}"),
            starttls_fix(protocol),
        ),
        Refusal::Broken { reason, answer } => Finding::new(
            Code::StarttlsFailed,
            Severity::Error,
            format!(
                "the {name} STARTTLS exchange on port {port} failed: {reason}; the server sent: {answer}"
            ),
            format!(
                "check that port {port} speaks {name} in clear first (a port that speaks TLS from the first byte is probed as {}); otherwise read the server's log",
                implicit_scheme(protocol)
            ),
        ),
    }
}

/// No answer to the STARTTLS exchange within `timeout`.
pub fn starttls_timeout(protocol: Protocol, timeout: Duration) -> Finding {
    let secs = timeout.as_secs_f64();
    Finding::new(
        Code::Timeout,
        Severity::Error,
        format!(
            "the {} STARTTLS exchange did not finish within {secs} s (the server accepted the connection but did not answer as a {} server)",
            protocol.name(),
            protocol.name()
        ),
        format!(
            "a port that waits for the client speaks TLS from the first byte: probe it as {}; raise --timeout for slow links",
            implicit_scheme(protocol)
        ),
    )
}

/// The URL form of a port that speaks `protocol` over TLS from the first byte.
fn implicit_scheme(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Smtp => "smtps://HOST:465",
        Protocol::Imap => "imaps://HOST:993",
        Protocol::Pop3 => "pop3s://HOST:995",
        Protocol::Ldap => "ldaps://HOST:636",
        Protocol::Postgres => "tls://HOST:PORT (PostgreSQL 17's sslnegotiation=direct)",
    }
}

/// What to change on a server that does not upgrade.
fn starttls_fix(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Smtp => {
            "enable STARTTLS on the mail server (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file and smtpd_tls_security_level = may; Exim: tls_certificate, tls_privatekey and tls_advertise_hosts = *), or point the app at its TLS port (smtps://HOST:465)"
        }
        Protocol::Imap | Protocol::Pop3 => {
            "enable TLS on the mail server (Dovecot: ssl = yes with ssl_cert and ssl_key), or point the app at its TLS port (imaps://HOST:993, pop3s://HOST:995)"
        }
        Protocol::Ldap => {
            "give the directory a certificate (OpenLDAP: olcTLSCertificateFile and olcTLSCertificateKeyFile; Active Directory: a Domain Controller certificate in the computer store), or point the app at ldaps://HOST:636"
        }
        Protocol::Postgres => {
            "turn TLS on in postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file) and reload the server"
        }
    }
}

/// A proxy that did not open the tunnel to `target`, quoting its answer (never its credentials).
pub fn proxy_finding(target: &Target, proxy: &Proxy, error: TunnelError) -> Finding {
    let (message, fix) = match error {
        TunnelError::Refused(line) => {
            let fix = if line.contains(" 407") {
                "give the proxy's credentials (--proxy-user-env VAR or --proxy-user-file FILE, as user:password), or ask for the target to be reachable without them"
            } else {
                "ask the proxy's administrators to allow CONNECT to this host and port (proxies often allow only 443), or reach the target directly (no_proxy)"
            };
            (
                format!("the proxy {proxy} refused the tunnel to {target}: {line}"),
                fix,
            )
        }
        TunnelError::Broken(reason) => (
            format!("the proxy {proxy} did not open a tunnel to {target}: {reason}"),
            "check that --proxy (or https_proxy) names an HTTP proxy that accepts CONNECT",
        ),
    };
    Finding::new(Code::ProxyFailed, Severity::Error, message, fix)
}

/// A server that asked for a client certificate and refused to go on without one, naming the
/// acceptable issuers it sent (the certificate authorities a client certificate must chain to).
pub fn client_cert_required(issuers: &[String], alert: &str) -> Finding {
    let named = if issuers.is_empty() {
        "it named no acceptable issuers (any CA it trusts)".to_owned()
    } else {
        format!("acceptable issuers it named: {}", issuers.join("; "))
    };
    Finding::new(
        Code::ClientCertRequired,
        Severity::Error,
        format!(
            "the server requires a client certificate and refused to go on without one ({alert}); {named}"
        ),
        format!(
            "give the app's JVM a key store (javax.net.ssl.keyStore) holding a client certificate and key issued by {}; the server's own chain is judged as usual",
            if issuers.is_empty() {
                "a CA the server trusts (ask its administrators which)"
            } else {
                "one of these CAs"
            }
        ),
    )
}

/// A server that asked for a client certificate but went on without one (optional client
/// authentication): worth knowing, not an error.
pub fn client_cert_requested(issuers: &[String]) -> Finding {
    let named = if issuers.is_empty() {
        "naming no acceptable issuers".to_owned()
    } else {
        format!("naming as acceptable issuers: {}", issuers.join("; "))
    };
    Finding::new(
        Code::ClientCertRequested,
        Severity::Info,
        format!(
            "the server asks for a client certificate ({named}) but accepted the handshake without one"
        ),
        "nothing to do unless the app must authenticate with a certificate (javax.net.ssl.keyStore)",
    )
}

/// What a server's client-certificate request came to: `client-cert-issuer-not-accepted` when the
/// given certificate was withheld, then `client-cert-accepted`, `client-cert-rejected`,
/// `client-cert-required` or `client-cert-requested` after what the server did next.
pub fn client_auth(
    request: &Request,
    after: &AfterAuth,
    identity: Option<&ClientIdentity>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let named = if request.issuers.is_empty() {
        "naming no acceptable issuers".to_owned()
    } else {
        format!(
            "naming as acceptable issuers: {}",
            request.issuers.join("; ")
        )
    };
    let sent = match (request.answer, identity) {
        (Answer::Sent, Some(id)) => Some(id),
        (Answer::Withheld, Some(id)) => {
            out.push(Finding::new(
                Code::ClientCertIssuerNotAccepted,
                Severity::Warning,
                format!(
                    "the client certificate {} (issued by {}; {}) was not sent: no certificate of its chain was issued by a CA the server accepts ({}); the JVM's default key manager withholds it the same way",
                    id.subject(),
                    id.issuer(),
                    id.source,
                    request.issuers.join("; ")
                ),
                "use a client certificate issued by one of the CAs the server names, or have the server accept its issuer (nginx: ssl_client_certificate; Apache: SSLCACertificateFile; Tomcat: the connector's truststore)",
            ));
            None
        }
        _ => None,
    };
    let refusal = match after {
        AfterAuth::Refused(reason) => Some(reason.clone()),
        AfterAuth::Http(400, Some(title))
            if title.contains("SSL certificate") || title.contains("certificate") =>
        {
            Some(format!("it answered GET / with HTTP 400 \"{title}\""))
        }
        _ => None,
    };
    let answer = match after {
        AfterAuth::Http(status, Some(title)) => {
            format!("; it answered GET / with HTTP {status} \"{title}\"")
        }
        AfterAuth::Http(status, None) => format!("; it answered GET / with HTTP {status}"),
        _ => String::new(),
    };
    out.push(match (sent, refusal) {
        (Some(id), Some(reason)) => Finding::new(
            Code::ClientCertRejected,
            Severity::Error,
            format!(
                "the server refused the client certificate {} (issued by {}; {}): {reason}; it asked {named}",
                id.subject(),
                id.issuer(),
                id.source
            ),
            "check the server's log for why (unknown issuer, expired, revoked, wrong key usage) and present a certificate the server accepts",
        ),
        (None, Some(reason)) => client_cert_required(&request.issuers, &reason),
        (Some(id), None) => Finding::new(
            Code::ClientCertAccepted,
            Severity::Info,
            format!(
                "the server asked for a client certificate ({named}) and went on with {} (issued by {}; {}){answer}",
                id.subject(),
                id.issuer(),
                id.source
            ),
            "nothing to do: give the app's JVM the same key store (javax.net.ssl.keyStore)",
        ),
        (None, None) => {
            let mut f = client_cert_requested(&request.issuers);
            f.message.push_str(&answer);
            f
        }
    });
    out
}

/// A server whose handshake signature does not verify with the key of the certificate it served: the
/// key file and certificate file configured for the port do not belong together.
pub fn served_key_mismatch(leaf: &str, error: &str) -> Finding {
    Finding::new(
        Code::ServedKeyMismatch,
        Severity::Error,
        format!(
            "the server's handshake signature does not verify with the public key of the certificate it served ({leaf}): its private key does not belong to that certificate ({error}); every TLS client, the JVM included, refuses the handshake"
        ),
        "on the server, the certificate file and key file of this port do not belong together (nginx: ssl_certificate/ssl_certificate_key; Apache: SSLCertificateFile/SSLCertificateKeyFile; Tomcat: certificateFile/certificateKeyFile): `openssl x509 -noout -pubkey -in CERT.pem | openssl sha256` and `openssl pkey -pubout -in KEY.pem | openssl sha256`, run on those two files, print different digests; configure the key the certificate was issued for, or reissue the certificate for the configured key",
    )
}
