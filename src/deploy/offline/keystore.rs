//! Tomcat's TLS configuration, offline: each keystore a Connector names opens with the configured
//! password and type, holds the key alias with its key, and carries a complete chain for the public name;
//! PEM certificates configured on a Connector go through [`super::certificate`].

use crate::config::Located;
use crate::config::tomcat::{Connector, Keystore, KeystoreForm, ServerXml};
use crate::finding::{Code, Severity};
use crate::truststore::{EntryBody, KeyMaterial, StoreFormat};

use super::Checks;
use super::certificate::PemConfig;
use super::material::{self, KeystoreProblem};

impl Checks<'_> {
    /// Every keystore and PEM certificate the Connectors of `x` name.
    pub(super) fn tomcat(&mut self, x: &ServerXml) {
        for c in &x.connectors {
            for k in &c.keystores {
                self.keystore(x, c, k);
            }
            for p in &c.pem_certificates {
                let host = c
                    .proxy_name
                    .clone()
                    .or_else(|| p.host_name.clone().filter(|h| h != "_default_"))
                    .or_else(|| self.public_name.clone());
                let cert = Located {
                    value: x.resolve(&p.certificate_file).display().to_string(),
                    source: p.source.clone(),
                };
                let key = p.key_file.as_ref().map(|k| Located {
                    value: x.resolve(k).display().to_string(),
                    source: p.source.clone(),
                });
                let chain = p.chain_file.as_ref().map(|k| Located {
                    value: x.resolve(k).display().to_string(),
                    source: p.source.clone(),
                });
                self.pem(PemConfig {
                    subject: c.subject(),
                    base: &x.catalina_base,
                    cert_directive: "certificateFile",
                    cert: &cert,
                    chain_directive: "certificateChainFile",
                    chain: chain.as_ref(),
                    key_directive: "certificateKeyFile",
                    key: key.as_ref(),
                    host,
                });
            }
        }
    }

    fn keystore(&mut self, x: &ServerXml, c: &Connector, k: &Keystore) {
        let [file_attr, pass_attr, type_attr, alias_attr] = k.attribute_names();
        let subject = match &k.host_name {
            Some(h) => format!("{} SSLHostConfig {h}", c.subject()),
            None => c.subject(),
        };
        let at = k.source.to_string();
        let Some(file) = &k.file else {
            self.raise(at, subject, Code::KeystoreUnreadable, Severity::Error, format!(
                        "TLS is enabled but {file_attr} is not set: Tomcat then reads ${{user.home}}/.keystore of the user it runs as"
                    ), format!("set {file_attr} to the keystore that holds the server's key and chain"));
            return;
        };
        let path = x.resolve(file);
        let password = k.password.as_deref().unwrap_or("changeit");
        let declared = k
            .store_type
            .as_deref()
            .unwrap_or("JKS")
            .to_ascii_uppercase();
        let opened = match material::open_keystore(self.loader, &path, password) {
            Ok(o) => o,
            Err(problem) => {
                let (message, fix) = match problem {
                    KeystoreProblem::Unreadable(e) => (
                        format!("{file_attr}=\"{file}\" cannot be read: {e}"),
                        format!(
                            "point {file_attr} at the keystore file (relative paths and ${{catalina.base}} are taken from {})",
                            x.catalina_base.display()
                        ),
                    ),
                    KeystoreProblem::Format(e) => (
                        format!("{} is not a keystore Tomcat can open: {e}", path.display()),
                        format!(
                            "point {file_attr} at a JKS or PKCS#12 keystore holding the key and its chain"
                        ),
                    ),
                    KeystoreProblem::Password(e) => (
                        format!(
                            "{} does not open with the {pass_attr} {}: {e}",
                            path.display(),
                            if k.password.is_some() {
                                "given"
                            } else {
                                "default (changeit; none is set)"
                            }
                        ),
                        format!(
                            "set {pass_attr} to the keystore's password (check it with: keytool -list -keystore {})",
                            path.display()
                        ),
                    ),
                };
                self.raise(
                    at,
                    subject,
                    Code::KeystoreUnreadable,
                    Severity::Error,
                    message,
                    fix,
                );
                return;
            }
        };
        let compatible = match declared.as_str() {
            "JKS" | "PKCS12" => matches!(opened.format, StoreFormat::Jks | StoreFormat::Pkcs12),
            "JCEKS" => matches!(opened.format, StoreFormat::Jceks | StoreFormat::Jks),
            _ => true,
        };
        if !compatible {
            let actual = match opened.format {
                StoreFormat::Jceks => "JCEKS",
                StoreFormat::Pkcs12 => "PKCS12",
                _ => "JKS",
            };
            self.raise(at.clone(), subject.clone(), Code::KeystoreUnreadable, Severity::Error, format!(
                        "{type_attr}=\"{declared}\" but {} is a {actual} keystore: the JVM cannot load it as {declared}",
                        path.display()
                    ), format!("set {type_attr}=\"{actual}\""));
        }
        let keys: Vec<&str> = opened
            .store
            .entries
            .iter()
            .filter(|e| matches!(e.body, EntryBody::PrivateKey(_)))
            .map(|e| e.alias.as_str())
            .collect();
        let entry = match &k.alias {
            Some(a) => opened
                .store
                .entries
                .iter()
                .find(|e| e.alias.eq_ignore_ascii_case(a)),
            None => opened
                .store
                .entries
                .iter()
                .find(|e| matches!(e.body, EntryBody::PrivateKey(_))),
        };
        let key_entry = entry.and_then(|e| match &e.body {
            EntryBody::PrivateKey(p) => Some((e.alias.clone(), p)),
            _ => None,
        });
        let Some((alias, key)) = key_entry else {
            let what = match (&k.alias, entry) {
                (Some(a), Some(e)) => format!(
                    "{alias_attr}=\"{a}\" in {} is a {} entry, not a private key",
                    path.display(),
                    e.kind().name()
                ),
                (Some(a), None) => format!("{} has no entry {alias_attr}=\"{a}\"", path.display()),
                (None, _) => format!("{} holds no private-key entry", path.display()),
            };
            let holders = if keys.is_empty() {
                "; it holds no private key at all".to_owned()
            } else {
                format!("; entries holding keys: {}", keys.join(", "))
            };
            let fix = match keys.first() {
                Some(first) => format!("set {alias_attr}=\"{first}\" (or the alias of the key made for this server)"),
                None => "import the server's key with its chain (keytool -importkeystore from the .p12 the CA's files were bundled into)".to_owned(),
            };
            self.raise(
                at,
                subject,
                Code::KeyAliasMissing,
                Severity::Error,
                format!("{what}{holders}"),
                fix,
            );
            return;
        };
        if let KeyMaterial::JavaProtected(epki) = &key.key {
            let key_pass = k.key_password.as_deref().unwrap_or(password);
            if crate::truststore::keyprotect::recover(epki, key_pass).is_err() {
                let attr = match k.form {
                    KeystoreForm::ConnectorAttributes => "keyPass",
                    KeystoreForm::SslHostConfig => "certificateKeyPassword",
                };
                self.raise(
                    at.clone(),
                    subject.clone(),
                    Code::KeystoreUnreadable,
                    Severity::Error,
                    format!(
                        "the key of alias \"{alias}\" in {} does not open with {}",
                        path.display(),
                        if k.key_password.is_some() {
                            format!("the {attr} given")
                        } else {
                            format!("the keystore password ({attr} is not set)")
                        }
                    ),
                    format!("set {attr} to the key's password"),
                );
            }
        }
        let host = c
            .proxy_name
            .clone()
            .or_else(|| k.host_name.clone().filter(|h| h != "_default_"))
            .or_else(|| self.public_name.clone());
        let source = path.display().to_string();
        self.diagnose(
            &source,
            &format!("{subject} alias {alias}"),
            key.chain.clone(),
            host,
        );
    }
}
