//! Offline checks of server configurations (`trustpath::config::check_offline`): Tomcat keystores,
//! the proxies' certificate files and keys, WebSocket locations and Tomcat's proxy attributes against
//! the proxy. Certificates come from a lab PKI generated once into a temporary directory; every verdict
//! is taken at a fixed instant.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::{have_tool, run_ok};
use time::macros::datetime;
use trustpath::chain::{Anchor, Policy, TrustAnchors};
use trustpath::config::{self, ConfigFiles, Configs, FsLoader, MemLoader};
use trustpath::deploy::offline::{self, ConfigFinding};
use trustpath::finding::{Code, Severity};
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

/// The instant of every verdict: 2026-11-23T00:00:00Z.
const NOW: i64 = 1_795_392_000;
const HOST: &str = "wiki.example.test";

struct Material {
    dir: tempfile::TempDir,
    anchors: TrustAnchors,
}

/// One lab for `wiki.example.test` (root, intermediate, leaf; JKS and PKCS#12 keystores, alias
/// `tomcat`, password `changeit`), a leaf-only file, a chain in the wrong order and an unrelated key.
fn material() -> &'static Material {
    static M: OnceLock<Material> = OnceLock::new();
    M.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let at = datetime!(2026-11-01 00:00 UTC);
        let names = SubjectName::parse_all(&[HOST]).unwrap();
        let lab = lab::generate(&LabSpec::new(names.clone()), at).unwrap();
        for f in &lab.files {
            std::fs::write(dir.path().join(&f.name), &f.contents).unwrap();
        }
        let other = lab::generate(&LabSpec::new(names), at).unwrap();
        std::fs::write(
            dir.path().join("other.key"),
            &other.file("server.key").unwrap().contents,
        )
        .unwrap();
        let int = lab.intermediate.clone().unwrap();
        std::fs::write(
            dir.path().join("reversed.pem"),
            format!("{}{}", int.to_pem(), lab.leaf.cert.to_pem()),
        )
        .unwrap();
        let anchors = TrustAnchors::new(
            vec![Anchor {
                cert: lab.root.clone(),
                store: "test".into(),
                alias: "lab-root".into(),
                jdk_bundled: false,
            }],
            Vec::new(),
        );
        Material { dir, anchors }
    })
}

fn path(name: &str) -> PathBuf {
    material().dir.path().join(name)
}

/// Loads configuration text (held in memory) and checks it offline.
fn check(files: &[(&str, &str)], spec: ConfigFiles) -> Vec<ConfigFinding> {
    let mut mem = MemLoader::new();
    for (p, text) in files {
        mem = mem.with(*p, *text);
    }
    let configs = config::load_with(&mem, &spec).unwrap();
    run(&configs)
}

fn run(configs: &Configs) -> Vec<ConfigFinding> {
    offline::check_offline(
        &FsLoader,
        configs,
        None,
        &material().anchors,
        &Policy::default(),
        NOW,
    )
}

fn codes(f: &[ConfigFinding]) -> Vec<Code> {
    f.iter().map(|f| f.finding.code).collect()
}

fn tomcat(xml: &str) -> Vec<ConfigFinding> {
    check(
        &[("/opt/tomcat/conf/server.xml", xml)],
        ConfigFiles {
            tomcat: Some("/opt/tomcat/conf/server.xml".into()),
            ..ConfigFiles::default()
        },
    )
}

fn connector(attrs: &str) -> String {
    format!(
        "<Server><Service>\n<Connector port=\"8443\" SSLEnabled=\"true\" {attrs}/>\n</Service></Server>\n"
    )
}

#[test]
fn a_keystore_that_opens_holds_the_alias_and_a_complete_chain_has_no_findings() {
    let xml = connector(&format!(
        "keystoreFile=\"{}\" keyAlias=\"tomcat\" proxyName=\"{HOST}\" proxyPort=\"443\" scheme=\"https\" secure=\"true\"",
        path("server.jks").display()
    ));
    let found = tomcat(&xml);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_wrong_keystore_password_is_keystore_unreadable_at_the_connector_line() {
    let xml = connector(&format!(
        "keystoreFile=\"{}\" keystorePass=\"wrong\"",
        path("server.jks").display()
    ));
    let found = tomcat(&xml);
    assert_eq!(codes(&found), [Code::KeystoreUnreadable]);
    assert_eq!(found[0].source, "server.xml:2");
    assert_eq!(found[0].subject, "Connector port 8443");
    assert!(
        found[0].finding.message.contains("keystorePass given"),
        "{found:#?}"
    );
}

#[test]
fn a_missing_alias_lists_the_aliases_that_hold_keys() {
    let xml = connector(&format!(
        "keystoreFile=\"{}\" keyAlias=\"confluence\"",
        path("server.jks").display()
    ));
    let found = tomcat(&xml);
    assert_eq!(codes(&found), [Code::KeyAliasMissing]);
    let m = &found[0].finding;
    assert!(m.message.contains("keyAlias=\"confluence\""), "{m:?}");
    assert!(m.message.contains("entries holding keys: tomcat"), "{m:?}");
    assert_eq!(
        m.remediation,
        "set keyAlias=\"tomcat\" (or the alias of the key made for this server)"
    );
}

#[test]
fn a_keystore_for_another_name_reports_the_chain_findings_with_the_keystore_as_source() {
    let xml = format!(
        "<Server><Service>\n<Connector port=\"8443\" SSLEnabled=\"true\" proxyName=\"other.example.test\">\n\
         <SSLHostConfig>\n<Certificate certificateKeystoreFile=\"{}\" certificateKeystoreType=\"PKCS12\" \
         certificateKeyAlias=\"tomcat\" type=\"EC\"/>\n</SSLHostConfig>\n</Connector>\n</Service></Server>\n",
        path("server.p12").display()
    );
    let found = tomcat(&xml);
    assert_eq!(codes(&found), [Code::HostnameMismatch]);
    assert_eq!(found[0].source, path("server.p12").display().to_string());
    assert_eq!(found[0].subject, "Connector port 8443 alias tomcat");
}

#[test]
fn a_missing_keystore_and_a_type_the_file_is_not_are_both_named() {
    let found = tomcat(&connector("keystoreFile=\"conf/none.jks\""));
    assert_eq!(codes(&found), [Code::KeystoreUnreadable]);
    assert!(
        found[0]
            .finding
            .message
            .contains("keystoreFile=\"conf/none.jks\" cannot be read")
    );
    assert!(
        found[0].finding.remediation.contains("/opt/tomcat"),
        "{found:#?}"
    );

    let found = tomcat(&connector(""));
    assert_eq!(codes(&found), [Code::KeystoreUnreadable]);
    assert!(found[0].finding.message.contains("${user.home}/.keystore"));

    let found = tomcat(&connector(&format!(
        "keystoreFile=\"{}\" keystoreType=\"JCEKS\" keyAlias=\"tomcat\" proxyName=\"{HOST}\"",
        path("server.p12").display()
    )));
    assert_eq!(codes(&found), [Code::KeystoreUnreadable]);
    assert_eq!(found[0].finding.remediation, "set keystoreType=\"PKCS12\"");
}

fn nginx(conf: &str) -> Vec<ConfigFinding> {
    check(
        &[("/etc/nginx/nginx.conf", conf)],
        ConfigFiles {
            nginx: Some("/etc/nginx/nginx.conf".into()),
            ..ConfigFiles::default()
        },
    )
}

fn tls_server(cert: &str, key: &str, locations: &str) -> String {
    format!(
        "http {{\n  server {{\n    listen 443 ssl;\n    server_name {HOST};\n    ssl_certificate {};\n    ssl_certificate_key {};\n{locations}  }}\n}}\n",
        path(cert).display(),
        path(key).display()
    )
}

#[test]
fn an_nginx_fullchain_with_its_key_has_no_findings() {
    let found = nginx(&tls_server("fullchain.pem", "server.key", ""));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_leaf_only_certificate_and_a_foreign_key_are_found_at_their_lines() {
    let found = nginx(&tls_server("server.pem", "other.key", ""));
    let mut c = codes(&found);
    c.sort();
    assert_eq!(c, [Code::MissingIntermediate, Code::KeyMismatch]);
    let key = found
        .iter()
        .find(|f| f.finding.code == Code::KeyMismatch)
        .unwrap();
    assert_eq!(key.source, "nginx.conf:6");
    assert_eq!(
        key.subject,
        format!(
            "server {HOST}:443 ssl_certificate {}",
            path("server.pem").display()
        )
    );
    let miss = found
        .iter()
        .find(|f| f.finding.code == Code::MissingIntermediate)
        .unwrap();
    assert_eq!(miss.source, "nginx.conf:5");
}

#[test]
fn a_fullchain_that_starts_with_the_intermediate_is_named_by_the_key_check() {
    let found = nginx(&tls_server("reversed.pem", "server.key", ""));
    let key = found
        .iter()
        .find(|f| f.finding.code == Code::KeyMismatch)
        .unwrap();
    assert!(
        key.finding.message.contains("is the chain out of order?"),
        "{found:#?}"
    );
}

#[test]
fn intermediates_in_the_wrong_order_are_wrong_order() {
    let s = trustpath::pki::scenario::build("wrong-order", HOST, datetime!(2026-11-01 00:00 UTC))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chain.pem"), s.chain_pem()).unwrap();
    std::fs::write(dir.path().join("key.pem"), s.key_pem()).unwrap();
    let conf = format!(
        "http {{ server {{ listen 443 ssl; server_name {HOST}; ssl_certificate {}; ssl_certificate_key {}; }} }}\n",
        dir.path().join("chain.pem").display(),
        dir.path().join("key.pem").display()
    );
    let mem = MemLoader::new().with("/etc/nginx/nginx.conf", conf);
    let spec = ConfigFiles {
        nginx: Some("/etc/nginx/nginx.conf".into()),
        ..ConfigFiles::default()
    };
    let configs = config::load_with(&mem, &spec).unwrap();
    let anchors = TrustAnchors::new(
        vec![Anchor {
            cert: s.trust_anchor.clone(),
            store: "test".into(),
            alias: "scenario-root".into(),
            jdk_bundled: false,
        }],
        Vec::new(),
    );
    let found =
        offline::check_offline(&FsLoader, &configs, None, &anchors, &Policy::default(), NOW);
    assert_eq!(codes(&found), [Code::WrongOrder], "{found:#?}");
}

#[test]
fn an_unreadable_certificate_file_is_config_unreadable() {
    let found = nginx(&tls_server("absent.pem", "server.key", ""));
    assert_eq!(codes(&found), [Code::ConfigUnreadable]);
    assert!(
        found[0].finding.message.starts_with("ssl_certificate "),
        "{found:#?}"
    );
}

#[test]
fn a_tls_listen_without_a_certificate_is_reported_at_the_listen() {
    let found = nginx("http {\n  server {\n    listen 8443 ssl;\n  }\n}\n");
    assert_eq!(codes(&found), [Code::ConfigUnreadable]);
    assert_eq!(found[0].source, "nginx.conf:3");
    assert!(found[0].finding.message.contains("no ssl_certificate"));
}

#[test]
fn tomcat_pem_certificates_are_checked_like_the_proxies_files() {
    let xml = |key: &str| {
        format!(
            "<Server><Service>\n<Connector port=\"8443\" SSLEnabled=\"true\">\n<SSLHostConfig hostName=\"{HOST}\">\n\
             <Certificate certificateFile=\"{}\" certificateKeyFile=\"{}\" certificateChainFile=\"{}\"/>\n\
             </SSLHostConfig>\n</Connector>\n</Service></Server>\n",
            path("server.pem").display(),
            path(key).display(),
            path("intermediate-ca.pem").display()
        )
    };
    assert!(tomcat(&xml("server.key")).is_empty());
    let found = tomcat(&xml("other.key"));
    assert_eq!(codes(&found), [Code::KeyMismatch]);
    assert_eq!(found[0].source, "server.xml:4");
    assert!(found[0].finding.message.starts_with("certificateKeyFile "));
}

#[test]
fn the_deployment_gives_the_name_when_the_configuration_does_not() {
    let conf = format!(
        "http {{ server {{ listen 443 ssl; ssl_certificate {}; ssl_certificate_key {}; }} }}\n",
        path("fullchain.pem").display(),
        path("server.key").display()
    );
    let mem = MemLoader::new().with("/etc/nginx/nginx.conf", conf);
    let spec = ConfigFiles {
        nginx: Some("/etc/nginx/nginx.conf".into()),
        ..ConfigFiles::default()
    };
    let configs = config::load_with(&mem, &spec).unwrap();
    let deployment = |name: &str| {
        trustpath::deploy::model::parse(
            &format!("public_names = ['{name}']\n[[endpoint]]\nname = 'app'\nrole = 'app'\nurl = 'https://{name}/'\n"),
            "d.toml",
            Path::new("/"),
        )
        .unwrap()
    };
    let check = |name: &str| {
        offline::check_offline(
            &FsLoader,
            &configs,
            Some(&deployment(name)),
            &material().anchors,
            &Policy::default(),
            NOW,
        )
    };
    assert!(check(HOST).is_empty());
    assert_eq!(
        codes(&check("intranet.example.test")),
        [Code::HostnameMismatch]
    );
}

#[test]
fn a_synchrony_location_without_upgrade_headers_gets_the_lines_to_add() {
    let locations = "    location /synchrony {\n      proxy_pass http://127.0.0.1:8091/synchrony;\n      proxy_set_header Host $host;\n      proxy_read_timeout 30s;\n    }\n";
    let found = nginx(&tls_server("fullchain.pem", "server.key", locations));
    assert_eq!(
        codes(&found),
        [Code::WebsocketHeadersMissing, Code::WebsocketIdleTimeout]
    );
    let ws = &found[0];
    assert_eq!(ws.source, "nginx.conf:7");
    assert_eq!(
        ws.finding.remediation,
        "add to location /synchrony { … }: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";"
    );
    assert_eq!(found[1].source, "nginx.conf:10");
}

#[test]
fn upgrade_headers_set_on_the_server_are_lost_in_a_location_with_its_own_headers() {
    // nginx inherits proxy_set_header only into levels that set none.
    let conf = "http {\n server {\n  listen 80;\n  proxy_http_version 1.1;\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection \"upgrade\";\n  location /rtc/ { proxy_pass http://127.0.0.1:9083/; }\n  location /synchrony/ { proxy_pass http://127.0.0.1:8091; proxy_set_header Host $host; }\n }\n}\n";
    let found = nginx(conf);
    assert_eq!(codes(&found), [Code::WebsocketHeadersMissing]);
    assert_eq!(found[0].source, "nginx.conf:8");
    assert!(
        found[0]
            .finding
            .remediation
            .contains("proxy_set_header Upgrade")
    );
    assert!(!found[0].finding.remediation.contains("proxy_http_version"));
}

const PROXIED_XML: &str = "<Server><Service>\n<Connector port=\"8090\" address=\"127.0.0.1\" proxyName=\"intranet.example.test\" proxyPort=\"8443\" scheme=\"http\"/>\n</Service></Server>\n";

#[test]
fn tomcat_proxy_attributes_that_disagree_with_nginx_are_proxy_mismatch_naming_both_sides() {
    let conf = format!(
        "http {{\n  server {{\n    listen 443 ssl;\n    server_name {HOST};\n    location / {{ proxy_pass http://127.0.0.1:8090; }}\n  }}\n}}\n"
    );
    let found = check(
        &[
            ("/t/conf/server.xml", PROXIED_XML),
            ("/etc/nginx/nginx.conf", &conf),
        ],
        ConfigFiles {
            tomcat: Some("/t/conf/server.xml".into()),
            nginx: Some("/etc/nginx/nginx.conf".into()),
            apache: None,
        },
    );
    let mismatches: Vec<&ConfigFinding> = found
        .iter()
        .filter(|f| f.finding.code == Code::ProxyMismatch)
        .collect();
    assert_eq!(mismatches.len(), 3, "{found:#?}");
    for m in &mismatches {
        assert_eq!(m.source, "server.xml:2");
        assert!(m.finding.message.contains("nginx.conf:3"), "{m:?}");
    }
    assert!(
        mismatches[0]
            .finding
            .message
            .contains("proxyName=\"intranet.example.test\"")
    );
    assert_eq!(mismatches[1].finding.remediation, "set proxyPort=\"443\"");
    assert_eq!(
        mismatches[2].finding.remediation,
        "set scheme=\"https\" secure=\"true\" on the Connector"
    );
}

#[test]
fn a_connector_behind_a_tls_proxy_without_any_proxy_attribute_is_warned_about() {
    let conf = format!(
        "http {{\n  server {{\n    listen 443 ssl;\n    server_name {HOST};\n    location / {{ proxy_pass http://127.0.0.1:8090; }}\n  }}\n}}\n"
    );
    let xml = "<Server><Service>\n<Connector port=\"8090\"/>\n</Service></Server>\n";
    let found = check(
        &[
            ("/t/conf/server.xml", xml),
            ("/etc/nginx/nginx.conf", &conf),
        ],
        ConfigFiles {
            tomcat: Some("/t/conf/server.xml".into()),
            nginx: Some("/etc/nginx/nginx.conf".into()),
            apache: None,
        },
    );
    let found: Vec<_> = found
        .into_iter()
        .filter(|f| f.finding.code == Code::ProxyMismatch)
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].finding.remediation,
        format!(
            "add proxyName=\"{HOST}\" proxyPort=\"443\" scheme=\"https\" secure=\"true\" to the Connector"
        )
    );
}

#[test]
fn scheme_https_without_secure_is_a_warning_even_without_a_proxy_config() {
    let found = tomcat(
        "<Server>\n<Connector port=\"8090\" proxyName=\"a.test\" proxyPort=\"443\" scheme=\"https\"/>\n</Server>\n",
    );
    assert_eq!(codes(&found), [Code::ProxyMismatch]);
    assert_eq!(
        found[0].finding.remediation,
        "add secure=\"true\" to the Connector"
    );
}

fn apache(site: &str) -> Vec<ConfigFinding> {
    check(
        &[
            ("/etc/apache2/apache2.conf", "Include sites/*.conf\n"),
            ("/etc/apache2/sites/wiki.conf", site),
        ],
        ConfigFiles {
            apache: Some("/etc/apache2/apache2.conf".into()),
            ..ConfigFiles::default()
        },
    )
}

fn vhost(cert: &str, chain: &str, key: &str, body: &str) -> String {
    format!(
        "<VirtualHost *:443>\n  ServerName {HOST}\n  SSLEngine on\n  SSLCertificateFile {}\n  SSLCertificateChainFile {}\n  SSLCertificateKeyFile {}\n{body}</VirtualHost>\n",
        path(cert).display(),
        path(chain).display(),
        path(key).display()
    )
}

#[test]
fn apache_certificate_chain_and_key_files_are_judged_together() {
    assert!(
        apache(&vhost(
            "server.pem",
            "intermediate-ca.pem",
            "server.key",
            ""
        ))
        .is_empty()
    );
    let found = apache(&vhost("server.pem", "root-ca.pem", "other.key", ""));
    let mut c = codes(&found);
    c.sort();
    assert!(c.contains(&Code::KeyMismatch), "{found:#?}");
    assert!(c.contains(&Code::MissingIntermediate), "{found:#?}");
    let key = found
        .iter()
        .find(|f| f.finding.code == Code::KeyMismatch)
        .unwrap();
    assert_eq!(key.source, "sites/wiki.conf:6");
}

#[test]
fn apache_synchrony_without_a_websocket_route_gets_the_rewrite_to_add() {
    let body = "  ProxyTimeout 20\n  ProxyPass /synchrony http://127.0.0.1:8091/synchrony\n  ProxyPass / http://127.0.0.1:8090/\n";
    let found = apache(&vhost(
        "server.pem",
        "intermediate-ca.pem",
        "server.key",
        body,
    ));
    assert_eq!(
        codes(&found),
        [Code::WebsocketHeadersMissing, Code::WebsocketIdleTimeout]
    );
    assert_eq!(found[0].source, "sites/wiki.conf:8");
    assert!(
        found[0]
            .finding
            .remediation
            .contains("RewriteRule ^/synchrony/(.*) ws://127.0.0.1:8091/synchrony/$1 [P,L]"),
        "{found:#?}"
    );
    assert_eq!(found[1].source, "sites/wiki.conf:7");

    let guarded = "  ProxyPass /synchrony http://127.0.0.1:8091/synchrony\n  <Location /synchrony>\n    RewriteEngine on\n    RewriteCond %{HTTP:Upgrade} websocket [NC]\n    RewriteRule .* ws://127.0.0.1:8091%{REQUEST_URI} [P]\n  </Location>\n";
    assert!(
        apache(&vhost(
            "server.pem",
            "intermediate-ca.pem",
            "server.key",
            guarded
        ))
        .is_empty()
    );

    let unguarded = "  <Location /synchrony>\n    RewriteEngine on\n    RewriteRule .* ws://127.0.0.1:8091%{REQUEST_URI} [P]\n  </Location>\n";
    let found = apache(&vhost(
        "server.pem",
        "intermediate-ca.pem",
        "server.key",
        unguarded,
    ));
    assert_eq!(codes(&found), [Code::WebsocketHeadersMissing]);
    assert!(
        found[0]
            .finding
            .message
            .contains("no RewriteCond on %{HTTP:Upgrade}")
    );
}

#[test]
fn the_sample_layouts_have_no_websocket_or_proxy_findings() {
    for (layout, proxy) in [
        ("proxy-ssl", Some(("nginx", "nginx.conf"))),
        ("same-host-nginx", Some(("nginx", "nginx.conf"))),
        ("same-host-apache", Some(("apache", "apache2.conf"))),
    ] {
        let dir = Path::new("tests/fixtures/configs").join(layout);
        let mut spec = ConfigFiles {
            tomcat: Some(dir.join("server.xml")),
            ..ConfigFiles::default()
        };
        match proxy {
            Some(("nginx", f)) => spec.nginx = Some(dir.join(f)),
            Some((_, f)) => spec.apache = Some(dir.join(f)),
            None => {}
        }
        let found = run(&config::load(&spec).unwrap());
        // The certificate paths of the samples do not exist: that, and only that, is reported (beside
        // the note that Tomcat, without a RemoteIpValve as in the vendors' layouts, sees the proxy).
        assert!(
            found
                .iter()
                .all(|f| f.finding.code == Code::ConfigUnreadable
                    || (f.finding.code == Code::RemoteIpValveMissing
                        && f.finding.severity == Severity::Info)),
            "{layout}: {found:#?}"
        );
        assert!(!found.is_empty(), "{layout}");
    }
}

#[test]
fn a_keytool_made_keystore_is_opened_and_its_aliases_listed() {
    if !have_tool("keytool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("tomcat.jks");
    run_ok(
        Command::new("keytool")
            .args([
                "-genkeypair",
                "-alias",
                "confluence",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=wiki.example.test",
                "-ext",
                "SAN=dns:wiki.example.test",
                "-validity",
                "3650",
                "-storetype",
                "JKS",
                "-storepass",
                "store-pw",
                "-keypass",
                "store-pw",
                "-keystore",
            ])
            .arg(&ks),
    );
    let xml = |attrs: &str| {
        connector(&format!(
            "keystoreFile=\"{}\" {attrs} proxyName=\"{HOST}\"",
            ks.display()
        ))
    };
    let right = tomcat(&xml("keystorePass=\"store-pw\" keyAlias=\"Confluence\""));
    // keytool's certificate is self-signed: that is the only finding; the keystore itself is fine.
    assert!(
        right.iter().all(|f| !matches!(
            f.finding.code,
            Code::KeystoreUnreadable | Code::KeyAliasMissing
        )),
        "{right:#?}"
    );
    assert!(!right.is_empty());
    assert_eq!(
        codes(&tomcat(&xml("keyAlias=\"confluence\""))),
        [Code::KeystoreUnreadable]
    );
    let wrong_key = tomcat(&xml("keystorePass=\"store-pw\" keyPass=\"other\""));
    assert!(
        codes(&wrong_key).contains(&Code::KeystoreUnreadable),
        "{wrong_key:#?}"
    );
    assert!(wrong_key[0].finding.message.contains("keyPass given"));
}

#[test]
fn an_nginx_location_proxying_to_the_app_without_x_forwarded_for_is_named_with_the_line_to_add() {
    // Set on the server, the header reaches /a/; /b/ sets its own headers and so loses it; /synchrony/
    // carries WebSockets and is left to the WebSocket checks.
    let conf = "http {\n server {\n  listen 80;\n  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n  location /a/ { proxy_pass http://127.0.0.1:8090; }\n  location /b/ { proxy_pass http://127.0.0.1:8090; proxy_set_header Host $host; }\n  location /synchrony/ { proxy_pass http://127.0.0.1:8091; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\"; }\n }\n}\n";
    let found = nginx(conf);
    assert_eq!(codes(&found), [Code::ForwardedForMissing], "{found:#?}");
    let f = &found[0];
    assert_eq!(
        (f.source.as_str(), f.finding.severity),
        ("nginx.conf:6", Severity::Warning)
    );
    assert!(
        f.finding
            .message
            .contains("Crowd SSO's client-IP validation"),
        "{f:#?}"
    );
    assert!(
        f.finding
            .remediation
            .starts_with("add to location /b/ { … }: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"),
        "{f:#?}"
    );
}

#[test]
fn apache_with_proxy_add_headers_off_is_named_and_the_default_is_fine() {
    let body = "  ProxyPass / http://127.0.0.1:8090/\n";
    let on = apache(&vhost("server.pem", "intermediate.pem", "server.key", body));
    assert!(!codes(&on).contains(&Code::ForwardedForMissing), "{on:#?}");
    let off = apache(&vhost(
        "server.pem",
        "intermediate.pem",
        "server.key",
        &format!("  ProxyAddHeaders Off\n{body}"),
    ));
    let f = off
        .iter()
        .find(|f| f.finding.code == Code::ForwardedForMissing)
        .unwrap_or_else(|| panic!("{off:#?}"));
    assert_eq!(f.source, "sites/wiki.conf:7");
    assert!(
        f.finding
            .remediation
            .starts_with("remove `ProxyAddHeaders Off` at sites/wiki.conf:7"),
        "{f:#?}"
    );
}

/// server.xml with a Connector on 8090 and `valve` inside `<Engine>`, checked with nginx `conf`.
fn tomcat_behind_nginx(valve: &str, conf: &str) -> Vec<ConfigFinding> {
    let xml = format!(
        "<Server><Service>\n<Connector port=\"8090\" proxyName=\"{HOST}\" proxyPort=\"80\"/>\n<Engine name=\"Catalina\" defaultHost=\"localhost\">\n{valve}\n<Host name=\"localhost\"/>\n</Engine>\n</Service></Server>\n"
    );
    let found = check(
        &[
            ("/t/conf/server.xml", &xml),
            ("/etc/nginx/nginx.conf", conf),
        ],
        ConfigFiles {
            tomcat: Some("/t/conf/server.xml".into()),
            nginx: Some("/etc/nginx/nginx.conf".into()),
            apache: None,
        },
    );
    found
        .into_iter()
        .filter(|f| f.finding.code == Code::RemoteIpValveMissing)
        .collect()
}

fn nginx_to_8090(upstream: &str, forwarded: bool) -> String {
    let header = if forwarded {
        " proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"
    } else {
        ""
    };
    format!(
        "http {{\n  server {{\n    listen 80;\n    server_name {HOST};\n    location / {{ proxy_pass http://{upstream}:8090;{header} }}\n  }}\n}}\n"
    )
}

#[test]
fn tomcat_without_a_remote_ip_valve_behind_a_proxy_that_forwards_the_address_gets_the_valve_to_add()
{
    let found = tomcat_behind_nginx("", &nginx_to_8090("127.0.0.1", true));
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(
        (f.source.as_str(), f.subject.as_str(), f.finding.severity),
        ("server.xml:2", "Connector port 8090", Severity::Info)
    );
    assert!(
        f.finding.message.starts_with(&format!(
            "server {HOST}:80 (nginx.conf:5) forwards the client's address in X-Forwarded-For to Connector port 8090, but server.xml has no RemoteIpValve"
        )),
        "{f:#?}"
    );
    assert_eq!(
        f.finding.remediation,
        "add inside <Engine> (or the <Host>) of server.xml: <Valve className=\"org.apache.catalina.valves.RemoteIpValve\" remoteIpHeader=\"X-Forwarded-For\" protocolHeader=\"X-Forwarded-Proto\"/>"
    );
    // A proxy on another host: the fix says how to name its address.
    let remote = tomcat_behind_nginx("", &nginx_to_8090("192.0.2.5", true));
    assert!(
        remote[0]
            .finding
            .remediation
            .contains("internalProxies=\"ITS_ADDRESS\""),
        "{remote:#?}"
    );
    // A proxy that does not forward the address is forwarded-for-missing's, not this.
    assert!(tomcat_behind_nginx("", &nginx_to_8090("127.0.0.1", false)).is_empty());
}

#[test]
fn a_remote_ip_valve_is_judged_by_whether_its_patterns_match_the_proxy_on_the_loopback() {
    let conf = nginx_to_8090("127.0.0.1", true);
    let valve = |attrs: &str| {
        format!("<Valve className=\"org.apache.catalina.valves.RemoteIpValve\" {attrs}/>")
    };
    // Tomcat's default internalProxies covers the loopback, and so does a pattern that names it.
    assert!(tomcat_behind_nginx(&valve(""), &conf).is_empty());
    assert!(
        tomcat_behind_nginx(
            &valve(r#"internalProxies="10\.0\.0\.\d+|127\.0\.0\.1""#),
            &conf
        )
        .is_empty()
    );
    assert!(
        tomcat_behind_nginx(
            &valve(r#"internalProxies="10\.0\.0\.5" trustedProxies="127\.\d+\.\d+\.\d+""#),
            &conf
        )
        .is_empty()
    );
    // A pattern for another proxy only: the valve ignores this one.
    let found = tomcat_behind_nginx(&valve(r#"internalProxies="10\.0\.0\.5""#), &conf);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].source.as_str(), found[0].subject.as_str()),
        ("server.xml:4", "RemoteIpValve in <Engine>")
    );
    assert!(
        found[0]
            .finding
            .message
            .contains("from 127.0.0.1, which the RemoteIpValve's internalProxies=\"10\\.0\\.0\\.5\" do not match"),
        "{found:#?}"
    );
    assert_eq!(
        found[0].finding.remediation,
        "add the loopback to the valve's internalProxies: internalProxies=\"10\\.0\\.0\\.5|127\\.0\\.0\\.1\""
    );
    // Java-only pattern syntax is not judged rather than misread.
    assert!(
        tomcat_behind_nginx(&valve(r#"internalProxies="fe[89ab]\p{XDigit}:.*""#), &conf).is_empty()
    );
}

/// nginx with the app on 80 and an RTC `server` on `rtc_port` holding `locations`, checked offline for
/// `product`.
fn rtc_port_findings(product: Option<&str>, rtc_port: u16, locations: &str) -> Vec<ConfigFinding> {
    let conf = format!(
        "http {{\n  server {{\n    listen 80;\n    server_name {HOST};\n    location /confluence/ {{ proxy_pass http://127.0.0.1:8090/confluence/; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }}\n  }}\n  server {{\n    listen {rtc_port};\n    server_name {HOST};\n{locations}\n  }}\n}}\n"
    );
    let mem = MemLoader::new().with("/etc/nginx/nginx.conf", conf);
    let mut text = String::new();
    if let Some(p) = product {
        text.push_str(&format!("product = \"{p}\"\n"));
    }
    text.push_str(&format!(
        "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"http://{HOST}/confluence/\"\n"
    ));
    let d = trustpath::deploy::model::parse(&text, "d.toml", Path::new("/")).unwrap();
    let configs = config::load_with(
        &mem,
        &ConfigFiles {
            nginx: Some("/etc/nginx/nginx.conf".into()),
            ..ConfigFiles::default()
        },
    )
    .unwrap();
    offline::check_offline(
        &FsLoader,
        &configs,
        Some(&d),
        &material().anchors,
        &Policy::default(),
        NOW,
    )
    .into_iter()
    .filter(|f| f.finding.code == Code::RtcPortMismatch)
    .collect()
}

#[test]
fn the_rtc_port_must_be_proxied_from_the_root_to_the_same_port_as_the_rtc_article_says() {
    let right = "    location / { proxy_pass http://127.0.0.1:9083/; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"Upgrade\"; }";
    assert!(rtc_port_findings(Some("confluence"), 9083, right).is_empty());
    // Another port behind the proxy.
    let other = "    location / { proxy_pass http://127.0.0.1:9084/; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"Upgrade\"; }";
    let found = rtc_port_findings(Some("confluence"), 9083, other);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].source, "nginx.conf:10");
    assert!(
        found[0]
            .finding
            .message
            .contains("is the RTC port 9083 but proxies / to port 9084 (http://127.0.0.1:9084/)"),
        "{found:#?}"
    );
    assert!(
        found[0]
            .finding
            .remediation
            .starts_with("proxy port 9083 from / to the same port on the app server: `location / { proxy_pass http://APP_SERVER:9083/; … }`"),
        "{found:#?}"
    );
    // Under the app's context path only, as the app is.
    let context = "    location /confluence/ { proxy_pass http://127.0.0.1:9083/confluence/; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"Upgrade\"; }";
    let found = rtc_port_findings(None, 9083, context);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .finding
            .message
            .contains("proxies only /confluence/: the RTC service is reached at / on its port"),
        "{found:#?}"
    );
    // Jira's add-on port is 9093: a Jira deployment's 9093 is judged, its 9083 is not an RTC port.
    assert_eq!(
        rtc_port_findings(Some("jira"), 9093, &other.replace("9084", "9094")).len(),
        1
    );
    assert!(rtc_port_findings(Some("jira"), 9083, other).is_empty());
}
