//! The certificate files a TLS listener serves, offline, on one path for nginx, Apache and Tomcat's PEM
//! form: the files read, a fullchain in order, the key belonging to the leaf, and the chain judged as the
//! JVM would for the listener's name.

use std::path::Path;

use crate::config::Located;
use crate::config::front::{Front, ProxyKind};
use crate::finding::{Code, Finding, Severity};

use super::Checks;
use super::material;

/// One PEM certificate configuration to check (nginx, Apache or Tomcat PEM form).
pub(super) struct PemConfig<'a> {
    pub subject: String,
    pub base: &'a Path,
    pub cert_directive: &'a str,
    pub cert: &'a Located<String>,
    pub chain_directive: &'a str,
    pub chain: Option<&'a Located<String>>,
    pub key_directive: &'a str,
    pub key: Option<&'a Located<String>>,
    pub host: Option<String>,
}

impl Checks<'_> {
    /// The certificate check of one nginx `server` or Apache `<VirtualHost>` (given as its fronts): its
    /// first TLS listener must name a certificate, which is then checked.
    pub(super) fn certificates(&mut self, fronts: &[Front]) {
        let Some(front) = fronts.iter().find(|f| f.tls) else {
            return;
        };
        let [cert_directive, chain_directive, key_directive] = front.kind.certificate_directives();
        let Some(files) = &front.certificate else {
            let (message, fix) = match front.kind {
                ProxyKind::Nginx => (
                    format!(
                        "listen {} ssl but no ssl_certificate is defined for this server or its http block: nginx refuses to start",
                        front.port
                    ),
                    "add ssl_certificate (the fullchain: leaf, then intermediates) and ssl_certificate_key",
                ),
                ProxyKind::Apache => (
                    "SSLEngine on but no SSLCertificateFile in this VirtualHost: httpd refuses to start"
                        .to_owned(),
                    "add SSLCertificateFile (leaf and intermediates), SSLCertificateKeyFile",
                ),
            };
            self.raise(
                front.listen_source.to_string(),
                front.subject.clone(),
                Code::ConfigUnreadable,
                Severity::Error,
                message,
                fix,
            );
            return;
        };
        let host = front
            .names
            .first()
            .cloned()
            .or_else(|| self.public_name.clone());
        self.pem(PemConfig {
            subject: front.subject.clone(),
            base: &files.base,
            cert_directive,
            cert: &files.certificate,
            chain_directive,
            chain: files.chain.as_ref(),
            key_directive,
            key: files.key.as_ref(),
            host,
        });
    }

    /// Reads a certificate file (and chain and key files), checks the key against the leaf and judges
    /// the chain for `p.host`.
    pub(super) fn pem(&mut self, p: PemConfig<'_>) {
        if p.cert.value.contains('$') {
            return;
        }
        let path = p.base.join(&p.cert.value);
        if !self.seen.insert((path.clone(), p.host.clone())) {
            return;
        }
        let at = p.cert.source.to_string();
        let subject = format!("{} {} {}", p.subject, p.cert_directive, p.cert.value);
        let mut certs = match material::read_certificates(self.loader, &path) {
            Ok(c) => c,
            Err(e) => {
                self.push(
                    at,
                    subject,
                    unreadable(
                        p.cert_directive,
                        &p.cert.value,
                        &e,
                        "a PEM file holding the leaf, then its intermediates",
                    ),
                );
                return;
            }
        };
        if let Some(chain) = p.chain {
            let chain_path = p.base.join(&chain.value);
            match material::read_certificates(self.loader, &chain_path) {
                Ok(more) => certs.extend(more),
                Err(e) => self.push(
                    chain.source.to_string(),
                    subject.clone(),
                    unreadable(
                        p.chain_directive,
                        &chain.value,
                        &e,
                        "a PEM file of the intermediates",
                    ),
                ),
            }
        }
        match p.key {
            Some(key) if !key.value.contains('$') => {
                let key_path = p.base.join(&key.value);
                match material::read_key_bits(self.loader, &key_path) {
                    Ok(bits) => {
                        let label = format!("{} {}", p.key_directive, key.value);
                        if let Some(f) = crate::keypair::key_mismatch(&label, &bits, &certs) {
                            self.push(key.source.to_string(), subject.clone(), f);
                        }
                    }
                    Err(e) => self.push(
                        key.source.to_string(),
                        subject.clone(),
                        unreadable(
                            p.key_directive,
                            &key.value,
                            &e,
                            "the PEM private key made with the certificate's CSR",
                        ),
                    ),
                }
            }
            Some(_) => {}
            None => {
                // Apache allows the key in the certificate file.
                if let Ok(bits) = material::read_key_bits(self.loader, &path) {
                    let label = format!("the private key in {} {}", p.cert_directive, p.cert.value);
                    if let Some(f) = crate::keypair::key_mismatch(&label, &bits, &certs) {
                        self.push(at.clone(), subject.clone(), f);
                    }
                }
            }
        }
        self.diagnose(&at, &subject, certs, p.host);
    }
}

fn unreadable(directive: &str, value: &str, error: &str, expected: &str) -> Finding {
    Finding::new(
        Code::ConfigUnreadable,
        Severity::Error,
        format!("{directive} {value} cannot be used: {error}"),
        format!("point {directive} at {expected}"),
    )
}
