//! Tomcat's `server.xml`: its `RemoteIpValve`s, and its `<Connector>`s with the attributes that decide how users and proxies
//! reach the app (port, address, scheme, secure, proxyName, proxyPort, SSLEnabled) and where the TLS key
//! lives, in both forms Tomcat accepts: the old Connector attributes (`keystoreFile`, `keystorePass`,
//! `keystoreType`, `keyAlias`, `keyPass`) and the Tomcat 8.5+ `<SSLHostConfig><Certificate …>` elements
//! (keystore or PEM files).
//!
//! Parsing is pure ([`parse_text`]); attribute names are matched case-insensitively, as Tomcat's
//! digester does. Paths stay as written; [`ServerXml::resolve`] applies `${catalina.base}` /
//! `${catalina.home}` and makes relative paths relative to the Tomcat base (the parent of `conf/`).
//!
//! Bounded: the DTD's internal entities may expand the document to at most [`MAX_EXPANDED`] bytes in
//! [`MAX_EXPANSIONS`] references (the JDK's XML parser, which Tomcat reads `server.xml` with, stops at
//! 64,000 expansions too), the document may hold at most [`MAX_NODES`] nodes, and line numbers come from
//! one index of the text (linear in the number of connectors).

pub(super) mod entities;

use std::path::{Path, PathBuf};

use super::ConfigError;
use super::loader::{Loader, Source};

/// What trustpath reads from `server.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerXml {
    /// The file.
    pub file: PathBuf,
    /// `$CATALINA_BASE` as guessed from the file's place (`BASE/conf/server.xml`), else its directory.
    pub catalina_base: PathBuf,
    /// The connectors, in file order.
    pub connectors: Vec<Connector>,
    /// The `RemoteIpValve`s (under `<Engine>`, `<Host>` or `<Context>`), in file order.
    pub remote_ip_valves: Vec<RemoteIpValve>,
}

/// One `<Valve className="org.apache.catalina.valves.RemoteIpValve" …>`: Tomcat replaces the client
/// address the app sees (`request.getRemoteAddr()`) with the one in `remoteIpHeader` when the request
/// comes from an address `internalProxies` or `trustedProxies` matches (Java regular expressions, matched
/// against the whole address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteIpValve {
    /// Where the element starts.
    pub source: Source,
    /// The element it is in (`Engine`, `Host`, `Context`).
    pub container: String,
    /// `internalProxies` as written (Tomcat's default covers 10/8, 192.168/16, 169.254/16, 127/8,
    /// 100.64/10, 172.16/12, ::1 and fe80::/10, fc00::/7).
    pub internal_proxies: Option<String>,
    /// `trustedProxies` as written (none by default).
    pub trusted_proxies: Option<String>,
    /// `remoteIpHeader` (default `X-Forwarded-For`).
    pub remote_ip_header: Option<String>,
    /// `protocolHeader` (none by default: the scheme is left as the Connector says).
    pub protocol_header: Option<String>,
}

/// One `<Connector>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connector {
    /// Where the element starts.
    pub source: Source,
    /// `port`.
    pub port: u16,
    /// `address`, when bound to one address.
    pub address: Option<String>,
    /// `protocol` as written (`HTTP/1.1`, `org.apache.coyote.http11.Http11NioProtocol`, `AJP/1.3`).
    pub protocol: Option<String>,
    /// `scheme` as written (Tomcat's default is `http`).
    pub scheme: Option<String>,
    /// `secure` (default false).
    pub secure: Option<bool>,
    /// `proxyName`.
    pub proxy_name: Option<String>,
    /// `proxyPort`.
    pub proxy_port: Option<u16>,
    /// `SSLEnabled`.
    pub ssl_enabled: bool,
    /// `redirectPort`.
    pub redirect_port: Option<u16>,
    /// Keystores holding the TLS key (old attributes, or one per `<Certificate certificateKeystoreFile>`).
    pub keystores: Vec<Keystore>,
    /// PEM certificates (`<Certificate certificateFile=… certificateKeyFile=…>`).
    pub pem_certificates: Vec<PemCertificate>,
}

impl Connector {
    /// Whether this is an AJP connector (not HTTP).
    pub fn is_ajp(&self) -> bool {
        self.protocol
            .as_deref()
            .is_some_and(|p| p.to_ascii_uppercase().contains("AJP"))
    }

    /// `scheme`, lower-cased, defaulting to `http`.
    pub fn scheme(&self) -> String {
        self.scheme
            .as_deref()
            .unwrap_or("http")
            .to_ascii_lowercase()
    }

    /// `Connector port 8443`.
    pub fn subject(&self) -> String {
        format!("Connector port {}", self.port)
    }

    /// The host name of its first `<SSLHostConfig>` other than `_default_`, lower-cased.
    pub fn tls_host_name(&self) -> Option<String> {
        self.keystores
            .iter()
            .filter_map(|k| k.host_name.as_deref())
            .chain(
                self.pem_certificates
                    .iter()
                    .filter_map(|p| p.host_name.as_deref()),
            )
            .find(|h| *h != "_default_")
            .map(str::to_ascii_lowercase)
    }

    /// Whether `address` binds all interfaces (or is absent).
    pub fn binds_all(&self) -> bool {
        self.address
            .as_deref()
            .is_none_or(|a| matches!(a, "0.0.0.0" | "::" | "*" | "[::]"))
    }
}

/// Which way a keystore was configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeystoreForm {
    /// `keystoreFile`/`keystorePass`/`keystoreType`/`keyAlias` on the Connector.
    ConnectorAttributes,
    /// `<SSLHostConfig><Certificate certificateKeystoreFile=…>`.
    SslHostConfig,
}

/// A keystore the connector takes its key from (its passwords are left out of `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct Keystore {
    /// Where it is configured (the Connector or the Certificate element).
    pub source: Source,
    /// Which form.
    pub form: KeystoreForm,
    /// `SSLHostConfig hostName` (`_default_` when absent), for the SSLHostConfig form.
    pub host_name: Option<String>,
    /// The file as written (absent: Tomcat uses `${user.home}/.keystore`).
    pub file: Option<String>,
    /// The password (absent: `changeit`).
    pub password: Option<String>,
    /// The keystore type (absent: `JKS`).
    pub store_type: Option<String>,
    /// The key alias (absent: the first key entry).
    pub alias: Option<String>,
    /// The key password (absent: the keystore password).
    pub key_password: Option<String>,
    /// The Certificate element's `type` (RSA, EC, UNDEFINED), when given.
    pub key_type: Option<String>,
}

impl std::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |p: &Option<String>| p.as_ref().map(|_| "(redacted)");
        f.debug_struct("Keystore")
            .field("source", &self.source)
            .field("form", &self.form)
            .field("host_name", &self.host_name)
            .field("file", &self.file)
            .field("password", &redacted(&self.password))
            .field("store_type", &self.store_type)
            .field("alias", &self.alias)
            .field("key_password", &redacted(&self.key_password))
            .field("key_type", &self.key_type)
            .finish()
    }
}

impl Keystore {
    /// The attribute names of this form, for messages: (file, password, type, alias).
    pub fn attribute_names(&self) -> [&'static str; 4] {
        match self.form {
            KeystoreForm::ConnectorAttributes => {
                ["keystoreFile", "keystorePass", "keystoreType", "keyAlias"]
            }
            KeystoreForm::SslHostConfig => [
                "certificateKeystoreFile",
                "certificateKeystorePassword",
                "certificateKeystoreType",
                "certificateKeyAlias",
            ],
        }
    }
}

/// A PEM certificate of an `<SSLHostConfig>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemCertificate {
    /// Where the Certificate element starts.
    pub source: Source,
    /// `SSLHostConfig hostName`.
    pub host_name: Option<String>,
    /// `certificateFile`.
    pub certificate_file: String,
    /// `certificateKeyFile`.
    pub key_file: Option<String>,
    /// `certificateChainFile`.
    pub chain_file: Option<String>,
}

impl ServerXml {
    /// A path from `server.xml` on disk: `${catalina.base}` and `${catalina.home}` replaced by the base,
    /// relative paths taken from the base (as Tomcat does).
    pub fn resolve(&self, written: &str) -> PathBuf {
        let base = self.catalina_base.display().to_string();
        let text = written
            .replace("${catalina.base}", &base)
            .replace("${catalina.home}", &base);
        let path = PathBuf::from(text);
        if path.is_absolute() {
            path
        } else {
            self.catalina_base.join(path)
        }
    }
}

/// Reads `server.xml`. A file that is not XML, or whose root is not `<Server>`, is refused as the wrong
/// kind of file; a `<Server>` without any `<Connector>` as nothing to check.
pub fn load(loader: &dyn Loader, path: &Path) -> Result<ServerXml, ConfigError> {
    let text = loader.read(path).map_err(|error| ConfigError::Read {
        at: None,
        path: path.to_path_buf(),
        error,
    })?;
    let read = parse_text(&text, path);
    super::checked_kind(
        loader,
        path,
        &super::expected::TOMCAT,
        read,
        |x: &ServerXml| x.connectors.is_empty().then_some(1),
    )
}

/// Most bytes the document may have once its internal entities are expanded.
pub const MAX_EXPANDED: u64 = 16 * 1024 * 1024;

/// Most entity references expanded (the JDK's `jdk.xml.entityExpansionLimit` default).
pub const MAX_EXPANSIONS: u64 = 64_000;

/// Most nodes (elements, attributes' owners, text) the document may hold.
pub const MAX_NODES: u32 = 1_000_000;

/// Parses `server.xml` text read from `path`.
pub fn parse_text(text: &str, path: &Path) -> Result<ServerXml, ConfigError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let root = Source::new(path, dir, 1);
    if let Err(message) = entities::check(text) {
        return Err(ConfigError::syntax(&root, message));
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        ConfigError::syntax(
            &root.at(pos.row as usize),
            format!("not well-formed XML: {e}"),
        )
    })?;
    let catalina_base = if dir.file_name().is_some_and(|n| n == "conf") {
        dir.parent().unwrap_or(dir).to_path_buf()
    } else {
        dir.to_path_buf()
    };
    let lines = LineIndex::new(text);
    let mut connectors = Vec::new();
    for node in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Connector")
    {
        connectors.push(connector(&lines, node, &root)?);
    }
    let remote_ip_valves = doc
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().name() == "Valve"
                && attr(*n, "className").is_some_and(|c| c.ends_with(".RemoteIpValve"))
        })
        .map(|n| RemoteIpValve {
            source: root.at(line_of(&lines, n)),
            container: n
                .parent_element()
                .map_or_else(String::new, |p| p.tag_name().name().to_owned()),
            internal_proxies: attr(n, "internalProxies"),
            trusted_proxies: attr(n, "trustedProxies"),
            remote_ip_header: attr(n, "remoteIpHeader"),
            protocol_header: attr(n, "protocolHeader"),
        })
        .collect();
    Ok(ServerXml {
        file: path.to_path_buf(),
        catalina_base,
        connectors,
        remote_ip_valves,
    })
}

fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.attributes()
        .find(|a| a.name().eq_ignore_ascii_case(name))
        .map(|a| a.value().trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The byte offset where each line starts, to turn a node's offset into its line in O(log n)
/// (`roxmltree::Document::text_pos_at` scans the text from its start every time).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex(starts)
    }

    /// The 1-based line of byte offset `at`.
    fn line(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at)
    }
}

fn line_of(lines: &LineIndex, node: roxmltree::Node<'_, '_>) -> usize {
    lines.line(node.range().start)
}

fn connector(
    lines: &LineIndex,
    node: roxmltree::Node<'_, '_>,
    root: &Source,
) -> Result<Connector, ConfigError> {
    let source = root.at(line_of(lines, node));
    let port_text = attr(node, "port")
        .ok_or_else(|| ConfigError::syntax(&source, "a <Connector> without a port attribute"))?;
    let number = |name: &str, text: &str| {
        text.parse::<u16>().map_err(|_| {
            ConfigError::syntax(
                &source,
                format!("<Connector {name}=\"{text}\">: not a port number"),
            )
        })
    };
    let port = number("port", &port_text)?;
    let proxy_port = attr(node, "proxyPort")
        .map(|p| number("proxyPort", &p))
        .transpose()?;
    let redirect_port = attr(node, "redirectPort")
        .map(|p| number("redirectPort", &p))
        .transpose()?;
    let flag = |name: &str| attr(node, name).map(|v| v.eq_ignore_ascii_case("true"));
    let ssl_enabled = flag("SSLEnabled").unwrap_or(false);
    let mut keystores = Vec::new();
    let mut pem_certificates = Vec::new();
    if attr(node, "keystoreFile").is_some()
        || (ssl_enabled
            && !node
                .children()
                .any(|c| c.is_element() && c.tag_name().name() == "SSLHostConfig"))
    {
        keystores.push(Keystore {
            source: source.clone(),
            form: KeystoreForm::ConnectorAttributes,
            host_name: None,
            file: attr(node, "keystoreFile"),
            password: attr(node, "keystorePass"),
            store_type: attr(node, "keystoreType"),
            alias: attr(node, "keyAlias"),
            key_password: attr(node, "keyPass"),
            key_type: None,
        });
    }
    for host in node
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "SSLHostConfig")
    {
        let host_name = attr(host, "hostName");
        for cert in host
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Certificate")
        {
            let at = root.at(line_of(lines, cert));
            if let Some(file) = attr(cert, "certificateFile") {
                pem_certificates.push(PemCertificate {
                    source: at,
                    host_name: host_name.clone(),
                    certificate_file: file,
                    key_file: attr(cert, "certificateKeyFile"),
                    chain_file: attr(cert, "certificateChainFile"),
                });
                continue;
            }
            keystores.push(Keystore {
                source: at,
                form: KeystoreForm::SslHostConfig,
                host_name: host_name.clone(),
                file: attr(cert, "certificateKeystoreFile"),
                password: attr(cert, "certificateKeystorePassword"),
                store_type: attr(cert, "certificateKeystoreType"),
                alias: attr(cert, "certificateKeyAlias"),
                key_password: attr(cert, "certificateKeyPassword"),
                key_type: attr(cert, "type"),
            });
        }
    }
    Ok(Connector {
        source,
        port,
        address: attr(node, "address"),
        protocol: attr(node, "protocol"),
        scheme: attr(node, "scheme"),
        secure: flag("secure"),
        proxy_name: attr(node, "proxyName").map(|n| n.to_ascii_lowercase()),
        proxy_port,
        ssl_enabled,
        redirect_port,
        keystores,
        pem_certificates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Server port="8000" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <!-- <Connector port="9999"/> is commented out -->
    <Connector port="8090" address="127.0.0.1" protocol="HTTP/1.1"
               proxyName="Wiki.Example.test" proxyPort="443" scheme="https" secure="true"/>
    <Connector port="8443" SSLEnabled="true" protocol="org.apache.coyote.http11.Http11NioProtocol"
               keystoreFile="${catalina.base}/conf/tomcat.jks" keystorePass="s3cret" keyAlias="tomcat"/>
    <Connector port="8444" SSLEnabled="true">
      <SSLHostConfig hostName="app.example.test">
        <Certificate certificateKeystoreFile="conf/app.p12" certificateKeystoreType="PKCS12"
                     certificateKeystorePassword="pw" certificateKeyAlias="app" type="RSA"/>
      </SSLHostConfig>
    </Connector>
    <Connector port="8009" protocol="AJP/1.3"/>
  </Service>
</Server>
"#;

    #[test]
    fn connectors_are_read_in_both_keystore_forms() {
        let x = parse_text(XML, Path::new("/opt/tomcat/conf/server.xml")).unwrap();
        assert_eq!(x.catalina_base, Path::new("/opt/tomcat"));
        assert_eq!(x.connectors.len(), 4);
        let c = &x.connectors[0];
        assert_eq!(c.source.to_string(), "server.xml:5");
        assert_eq!(c.proxy_name.as_deref(), Some("wiki.example.test"));
        assert_eq!(c.proxy_port, Some(443));
        assert_eq!(c.scheme(), "https");
        assert_eq!(c.secure, Some(true));
        assert!(c.keystores.is_empty());
        let old = &x.connectors[1].keystores[0];
        assert_eq!(old.form, KeystoreForm::ConnectorAttributes);
        assert_eq!(
            x.resolve(old.file.as_deref().unwrap()),
            Path::new("/opt/tomcat/conf/tomcat.jks")
        );
        let new = &x.connectors[2].keystores[0];
        assert_eq!(new.form, KeystoreForm::SslHostConfig);
        assert_eq!(new.source.line, 11);
        assert_eq!(new.alias.as_deref(), Some("app"));
        assert_eq!(new.store_type.as_deref(), Some("PKCS12"));
        assert_eq!(new.password.as_deref(), Some("pw"));
        assert!(!format!("{new:?}").contains("\"pw\""));
        assert_eq!(
            x.resolve(new.file.as_deref().unwrap()),
            Path::new("/opt/tomcat/conf/app.p12")
        );
        assert!(x.connectors[3].is_ajp());
    }

    #[test]
    fn bad_xml_and_bad_ports_name_the_line() {
        let e = parse_text(
            "<Server>\n<Connector port=\"80\">\n</Server>\n",
            Path::new("/t/server.xml"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("server.xml:3: not well-formed XML"),
            "{e}"
        );
        let e = parse_text(
            "<Server>\n<Connector port=\"http\"/>\n</Server>\n",
            Path::new("/t/server.xml"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "server.xml:2: <Connector port=\"http\">: not a port number"
        );
    }
}
