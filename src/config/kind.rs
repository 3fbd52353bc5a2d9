//! What a configuration file looks like, so that a file given as the wrong kind (an nginx file as
//! `--apache`, a `web.xml` as `--tomcat`, a text file) is refused with what was expected and what it
//! seems to be, instead of being read as an empty configuration of the kind asked for.
//!
//! [`looks_like`] is a guess from the text alone: well-formed XML by its root element, PEM, JSON, TOML,
//! and nginx against Apache httpd by their directive shapes (nginx ends directives with `;` and opens
//! blocks with `{`; Apache writes `<Section …>` lines and bare `Directive args` lines with names it
//! knows). It never decides what a file *is*: the readers do, and use this only to explain a refusal.
//!
//! It is given files that were just refused, hostile ones included, so it is bounded as the readers are:
//! XML is parsed only when its entities pass the `server.xml` reader's expansion check, with the same
//! node limit (a refused entity bomb is named by its first element instead).

/// What a file looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Looks {
    /// An nginx configuration.
    Nginx,
    /// An Apache httpd configuration.
    Apache,
    /// Tomcat's `server.xml` (an XML document whose root is `<Server>`).
    TomcatServerXml,
    /// Another XML document, with its root element's name.
    Xml(String),
    /// TOML (a trustpath deployment file, say).
    Toml,
    /// PEM (certificates or keys).
    Pem,
    /// A JSON document.
    Json,
    /// Nothing but white space.
    Empty,
    /// Not text.
    Binary,
    /// Text that is none of these, with its first line (shortened).
    Text(String),
}

impl std::fmt::Display for Looks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Looks::Nginx => f.write_str(
                "an nginx configuration (blocks such as `http {` and `server {`, directives ending in `;`)",
            ),
            Looks::Apache => f.write_str(
                "an Apache httpd configuration (`<VirtualHost>`-style sections and directives such as `ServerName`, without `;`)",
            ),
            Looks::TomcatServerXml => f.write_str("Tomcat's server.xml (a `<Server>` element)"),
            Looks::Xml(root) => write!(f, "an XML document whose root element is <{root}>"),
            Looks::Toml => {
                f.write_str("a TOML file (`key = value` lines and `[tables]`), such as a deployment file")
            }
            Looks::Pem => f.write_str("a PEM file (certificates or keys)"),
            Looks::Json => f.write_str("a JSON document"),
            Looks::Empty => f.write_str("an empty file"),
            Looks::Binary => f.write_str("a binary file, not text"),
            Looks::Text(first) => write!(f, "text that is no server configuration (it begins '{first}')"),
        }
    }
}

/// Apache section names (`<Name …>` lines).
const APACHE_SECTIONS: &[&str] = &[
    "virtualhost",
    "ifmodule",
    "ifdefine",
    "ifversion",
    "ifdirective",
    "iffile",
    "directory",
    "directorymatch",
    "files",
    "filesmatch",
    "location",
    "locationmatch",
    "proxy",
    "proxymatch",
    "macro",
    "requireall",
    "requireany",
    "requirenone",
    "limit",
    "limitexcept",
    "if",
    "else",
    "elseif",
];

/// Apache directive names common in site and server configurations (lower-case).
const APACHE_DIRECTIVES: &[&str] = &[
    "servername",
    "serveralias",
    "serverroot",
    "serveradmin",
    "servertokens",
    "serversignature",
    "listen",
    "loadmodule",
    "include",
    "includeoptional",
    "proxypass",
    "proxypassreverse",
    "proxypreservehost",
    "proxyrequests",
    "proxytimeout",
    "sslengine",
    "sslcertificatefile",
    "sslcertificatekeyfile",
    "sslcertificatechainfile",
    "sslprotocol",
    "sslciphersuite",
    "documentroot",
    "errorlog",
    "customlog",
    "loglevel",
    "logformat",
    "rewriteengine",
    "rewriterule",
    "rewritecond",
    "redirect",
    "redirectmatch",
    "redirectpermanent",
    "timeout",
    "keepalive",
    "keepalivetimeout",
    "maxkeepaliverequests",
    "user",
    "group",
    "pidfile",
    "mutex",
    "defaultruntimedir",
    "hostnamelookups",
    "accessfilename",
    "require",
    "options",
    "allowoverride",
    "addtype",
    "directoryindex",
    "alias",
    "header",
    "requestheader",
    "setenvif",
    "traceenable",
];

/// nginx directive names (lower-case) that open blocks or are typical of its configurations.
const NGINX_DIRECTIVES: &[&str] = &[
    "http",
    "events",
    "server",
    "location",
    "upstream",
    "stream",
    "listen",
    "server_name",
    "proxy_pass",
    "proxy_set_header",
    "ssl_certificate",
    "ssl_certificate_key",
    "worker_processes",
    "worker_connections",
    "root",
    "return",
    "rewrite",
    "error_log",
    "access_log",
    "pid",
    "include",
];

/// Guesses what `text` is (see the module documentation).
pub fn looks_like(text: &str) -> Looks {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Looks::Empty;
    }
    let controls = trimmed
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    if trimmed.contains('\0') || controls * 20 > trimmed.chars().count() {
        return Looks::Binary;
    }
    if trimmed.starts_with('<')
        && super::tomcat::entities::check(trimmed).is_ok()
        && let Ok(doc) = roxmltree::Document::parse_with_options(
            trimmed,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                nodes_limit: super::tomcat::MAX_NODES,
                ..roxmltree::ParsingOptions::default()
            },
        )
    {
        let root = doc.root_element().tag_name().name().to_owned();
        return if root == "Server" {
            Looks::TomcatServerXml
        } else {
            Looks::Xml(root)
        };
    }
    // XML that does not parse still shows its first element (a server.xml with a typo is still one).
    if trimmed.starts_with('<') {
        let name = first_element(trimmed);
        if name == "Server" {
            return Looks::TomcatServerXml;
        }
        if trimmed.starts_with("<?xml") && !name.is_empty() {
            return Looks::Xml(name.to_owned());
        }
    }
    if trimmed.contains("-----BEGIN ") {
        return Looks::Pem;
    }
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(trimmed).is_ok()
    {
        return Looks::Json;
    }
    let (mut nginx, mut apache, mut toml) = (0usize, 0usize, 0usize);
    for line in trimmed.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let first = line
            .split(|c: char| c.is_whitespace() || c == '{' || c == ';')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if let Some(section) = line.strip_prefix("</").or_else(|| line.strip_prefix('<')) {
            let name = section
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if APACHE_SECTIONS.contains(&name.as_str()) {
                apache += 2;
            }
            continue;
        }
        if APACHE_DIRECTIVES.contains(&first.as_str()) && !line.ends_with(';') {
            apache += 2;
            continue;
        }
        // nginx's shape: directives end with `;`, blocks open with `{` and close with `}`.
        if line.ends_with(';') || line.contains('{') || line.ends_with('}') {
            nginx += 1;
            if NGINX_DIRECTIVES.contains(&first.as_str()) {
                nginx += 1;
            }
            continue;
        }
        let table = line.starts_with('[') && line.ends_with(']');
        let pair = line.split_once('=').is_some_and(|(key, _)| {
            let key = key.trim();
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.\"'".contains(c))
        });
        if table || pair {
            toml += 1;
        }
    }
    let best = nginx.max(apache).max(toml);
    if best == 0 {
        let first: String = trimmed
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(60)
            .collect();
        return Looks::Text(first);
    }
    if apache == best {
        Looks::Apache
    } else if nginx == best {
        Looks::Nginx
    } else {
        Looks::Toml
    }
}

/// The name of the first element of an XML text (after its declaration, comments and DOCTYPE).
fn first_element(text: &str) -> &str {
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            return &rest[..end];
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_bomb_is_named_by_its_first_element_without_being_expanded() {
        // 20,000 references to a 100 KiB entity: 2 GiB once expanded (the XML parser would try).
        let bomb = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE Server [\n<!ENTITY big \"{}\">\n]>\n<Server>{}</Server>\n",
            "x".repeat(100_000),
            "&big;".repeat(20_000)
        );
        assert_eq!(looks_like(&bomb), Looks::TomcatServerXml);
    }

    #[test]
    fn each_kind_of_file_is_recognised() {
        let nginx = "user www-data;\nevents { worker_connections 64; }\nhttp {\n  server {\n    listen 443 ssl;\n  }\n}\n";
        assert_eq!(looks_like(nginx), Looks::Nginx);
        let apache = "# Debian\nServerRoot \"/etc/apache2\"\nInclude ports.conf\n<VirtualHost *:443>\n  ServerName w.test\n  ProxyPass / http://127.0.0.1:8090/\n</VirtualHost>\n";
        assert_eq!(looks_like(apache), Looks::Apache);
        assert_eq!(
            looks_like("<?xml version=\"1.0\"?>\n<Server port=\"-1\"><Service/></Server>\n"),
            Looks::TomcatServerXml
        );
        assert_eq!(
            looks_like("<web-app version=\"6.0\"></web-app>"),
            Looks::Xml("web-app".into())
        );
        assert_eq!(
            looks_like("name = \"x\"\n[[endpoint]]\nurl = \"https://h\"\n"),
            Looks::Toml
        );
        assert_eq!(
            looks_like("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
            Looks::Pem
        );
        assert_eq!(looks_like("{\"a\": 1}"), Looks::Json);
        assert_eq!(looks_like(" \n\t\n"), Looks::Empty);
        assert_eq!(looks_like("\u{0}\u{1}\u{2}abc"), Looks::Binary);
        assert_eq!(
            looks_like("just some notes\nabout the wiki\n"),
            Looks::Text("just some notes".into())
        );
    }

    #[test]
    fn a_server_xml_with_a_typo_still_looks_like_one() {
        assert_eq!(
            looks_like(
                "<?xml version=\"1.0\"?>\n<!-- x -->\n<Server port=\"8005\">\n<Connector port=\"80\">\n</Server>\n"
            ),
            Looks::TomcatServerXml
        );
    }

    #[test]
    fn broken_nginx_still_looks_like_nginx() {
        assert_eq!(
            looks_like("events {}\nhttp { add_header X \"b\n\n"),
            Looks::Nginx
        );
        assert_eq!(looks_like("events {}\n}\n"), Looks::Nginx);
        assert_eq!(
            looks_like("<VirtualHost *:443>\nRewriteRule ^ %{REQUEST_URI}\n</VirtualHost>\n"),
            Looks::Apache
        );
    }

    #[test]
    fn a_lone_apache_section_is_not_taken_for_xml() {
        assert_eq!(
            looks_like("<VirtualHost *:80>\n</VirtualHost>\n"),
            Looks::Apache
        );
        assert_eq!(
            looks_like("<IfModule mod_ssl.c>\n</IfModule>\n"),
            Looks::Apache
        );
    }
}
