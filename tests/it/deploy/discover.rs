//! `trustpath discover` on sample configurations of common Confluence/Jira layouts
//! (`tests/fixtures/configs/*`): each produces the expected deployment file (`tests/golden/discover/*.toml`,
//! regenerated with `UPDATE_GOLDEN=1`), and every output parses back as a valid deployment file.

use crate::support::golden;

use std::path::{Path, PathBuf};

use trustpath::config::ConfigFiles;
use trustpath::config::{self, Configs};
use trustpath::deploy::discover;
use trustpath::deploy::model::{self, Role};

fn fixture(layout: &str, file: &str) -> PathBuf {
    // Relative to the package root (the tests' working directory), so the golden files do not depend on
    // where the checkout lives.
    Path::new("tests/fixtures/configs").join(layout).join(file)
}

fn load(layout: &str, tomcat: bool, nginx: Option<&str>, apache: Option<&str>) -> Configs {
    let spec = ConfigFiles {
        tomcat: tomcat.then(|| fixture(layout, "server.xml")),
        nginx: nginx.map(|f| fixture(layout, f)),
        apache: apache.map(|f| fixture(layout, f)),
    };
    config::load(&spec).unwrap_or_else(|e| panic!("{layout}: {e}"))
}

/// Discovers, compares with the golden file, parses the text back and returns the deployment.
fn discover(layout: &str, configs: &Configs) -> model::Deployment {
    let found = discover::discover(configs);
    golden::check(&format!("discover/{layout}.toml"), &found.text);
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let parsed = model::parse(&found.text, layout, base)
        .unwrap_or_else(|e| panic!("{layout}: the discovered file does not validate: {e}"));
    let again: model::DeploymentFile = toml::from_str(&found.text).unwrap();
    assert_eq!(
        again.endpoints, found.file.endpoints,
        "{layout}: text and model differ"
    );
    assert_eq!(again.public_names, found.file.public_names);
    assert_eq!(again.configs, found.file.configs);
    for path in [
        &parsed.configs.tomcat,
        &parsed.configs.nginx,
        &parsed.configs.apache,
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            path.is_file(),
            "{layout}: [configs] names {}",
            path.display()
        );
    }
    parsed
}

fn roles(d: &model::Deployment) -> Vec<(String, Role, String)> {
    d.endpoints
        .iter()
        .map(|e| (e.name.clone(), e.role, e.url.text.clone()))
        .collect()
}

#[test]
fn plain_http_tomcat_becomes_an_app_endpoint_with_a_placeholder_name() {
    let d = discover("http", &load("http", true, None, None));
    let app = d.app();
    assert_eq!(app.url.text, "http://replace-me.invalid:8090/");
    assert_eq!(app.connect, Some("127.0.0.1:8090".parse().unwrap()));
    assert!(d.public_names.is_empty());
    assert_eq!(d.endpoints.len(), 1, "{:?}", roles(&d));
}

#[test]
fn tls_at_nginx_gives_the_public_name_synchrony_and_the_nodes_behind() {
    let d = discover(
        "proxy-ssl",
        &load("proxy-ssl", true, Some("nginx.conf"), None),
    );
    assert_eq!(d.public_names, ["wiki.example.test"]);
    assert_eq!(
        roles(&d),
        [
            ("app".into(), Role::App, "https://wiki.example.test/".into()),
            (
                "synchrony".into(),
                Role::Rtc,
                "wss://wiki.example.test/synchrony/v1/bayeux-sync1".into()
            ),
            (
                "synchrony-heartbeat".into(),
                Role::Rtc,
                "https://wiki.example.test/synchrony/heartbeat".into()
            ),
            (
                "redirect".into(),
                Role::Proxy,
                "http://wiki.example.test/".into()
            ),
            (
                "node-8090".into(),
                Role::Node,
                "http://127.0.0.1:8090/".into()
            ),
            (
                "synchrony-node".into(),
                Role::Node,
                "http://127.0.0.1:8091/synchrony/heartbeat".into()
            ),
        ]
    );
    assert_eq!(d.endpoints[2].http[0].expect_status, Some(200));
    // The port-80 server that only redirects is checked for where it redirects, not followed.
    let redirect = &d.endpoints[3].http[0];
    assert_eq!(
        (redirect.expect_status, redirect.follow_redirects),
        (Some(301), false)
    );
}

#[test]
fn tomcat_alone_takes_the_base_url_from_its_proxy_attributes() {
    let configs = load("proxy-ssl", true, None, None);
    let found = discover::discover(&configs);
    golden::check("discover/proxy-ssl-tomcat-only.toml", &found.text);
    let d = model::parse(&found.text, "t", Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(
        roles(&d),
        [
            ("app".into(), Role::App, "https://wiki.example.test/".into()),
            (
                "node-8090".into(),
                Role::Node,
                "http://127.0.0.1:8090/".into()
            ),
        ]
    );
    assert_eq!(d.app().connect, None);
}

#[test]
fn a_confluence_install_fills_jvm_from_its_setenv_and_bundled_jre_with_file_and_line() {
    let spec = ConfigFiles {
        tomcat: Some(fixture("confluence-install", "conf/server.xml")),
        ..ConfigFiles::default()
    };
    let configs = config::load(&spec).unwrap();
    let d = discover("confluence-install", &configs);
    let install = Path::new("tests/fixtures/configs/confluence-install");
    // ${CATALINA_HOME} is the install; the commented-out older truststore does not count. Relative to the
    // deployment file's directory once parsed, so compare the file names.
    assert_eq!(
        d.jvm.truststore.as_deref(),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(install)
                .join("conf/corp-truststore.jks")
                .as_path()
        )
    );
    assert_eq!(
        d.jvm.java_home.as_deref(),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(install)
                .join("jre")
                .as_path()
        )
    );
    // The Synchrony settings make it Confluence, and synchrony.service.url the synchrony-service
    // outbound connection.
    assert_eq!(d.product, Some(model::Product::Confluence));
    let service = d
        .outbound
        .iter()
        .find(|o| o.name == model::SYNCHRONY_SERVICE)
        .unwrap();
    assert_eq!(service.url, "https://wiki.corp.test/synchrony/v1");
    // The JVM's proxy is written as check reads it: setenv.sh's -Dhttps.proxyHost/-Dhttps.proxyPort
    // and -Dhttp.nonProxyHosts.
    let proxy = d.proxy.as_ref().unwrap();
    assert_eq!(proxy.proxy.to_string(), "proxy.corp.test:3128");
    assert!(
        proxy.non_proxy_hosts.matches("wiki.corp.test")
            && proxy.non_proxy_hosts.matches("localhost")
    );
    assert!(!proxy.non_proxy_hosts.matches("jira.example.com"));
    // -Dcom.sun.security.enableAIAcaIssuers=true is [jvm] enable_aia, as check reads it.
    assert!(d.jvm.enable_aia);
    assert_eq!(d.jvm.aia_locations, None);
    let app_paths: Vec<&str> = d.app().http.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(
        app_paths,
        [
            "/",
            "/rest/synchrony-interop/status",
            "/rest/synchrony-interop/synchrony-status",
            "/synchrony/jwt-key"
        ]
    );
    let text = discover::discover(&configs).text;
    for line in [
        "# bin/setenv.sh:11 -Djavax.net.ssl.trustStore\ntruststore = ",
        "# the JRE bundled with the install",
        "# bin/setenv.sh:12 -Djavax.net.ssl.trustStorePassword: the truststore's password is set there (not copied here)",
        "# bin/setenv.sh:7 -Dhttps.proxyHost, bin/setenv.sh:7 -Dhttps.proxyPort: the app's outbound HTTPS goes through this proxy\nproxy = \"proxy.corp.test:3128\"",
        "# bin/setenv.sh:7 -Dhttp.nonProxyHosts: hosts the JVM reaches directly (with loopback, as the JVM adds it)\nnon_proxy_hosts = \"localhost|127.0.0.1|*.corp.test\"",
        "# [[endpoint]]\n# name = \"directory\"\n# role = \"ldap\"",
        "# bin/setenv.sh:13 -Dcom.sun.security.enableAIAcaIssuers: the JVM fetches a missing intermediate from the certificate's caIssuers URL (when com.sun.security.allowedAIALocations allows it)\nenable_aia = true",
        "# bin/setenv.sh:16 -Dsynchrony.service.url: https://wiki.corp.test/synchrony/v1",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // No secret is printed.
    assert!(!text.contains("s3cret"), "{text}");
}

#[test]
fn https_at_tomcat_uses_the_tls_connectors() {
    let d = discover("https-tomcat", &load("https-tomcat", true, None, None));
    let app = d.app();
    assert_eq!(app.url.text, "https://jira.example.test:8444/");
    assert_eq!(app.connect, Some("127.0.0.1:8444".parse().unwrap()));
    assert_eq!(d.public_names, ["jira.example.test"]);
    let urls: Vec<&str> = d.endpoints.iter().map(|e| e.url.text.as_str()).collect();
    assert!(
        urls.contains(&"https://jira.example.test:8443/"),
        "{urls:?}"
    );
    assert!(urls.contains(&"http://127.0.0.1:8080/"), "{urls:?}");
}

#[test]
fn nginx_on_the_same_host_resolves_upstream_blocks_to_the_loopback_tomcat() {
    let d = discover(
        "same-host-nginx",
        &load("same-host-nginx", true, Some("nginx.conf"), None),
    );
    assert_eq!(d.app().url.text, "https://confluence.example.test/");
    assert_eq!(d.app().connect, Some("192.0.2.10:443".parse().unwrap()));
    assert_eq!(d.public_names, ["confluence.example.test", "confluence"]);
    let urls: Vec<&str> = d.endpoints.iter().map(|e| e.url.text.as_str()).collect();
    assert!(urls.contains(&"http://127.0.0.1:8090/"), "{urls:?}");
    assert!(
        urls.contains(&"http://127.0.0.1:8091/synchrony/heartbeat"),
        "{urls:?}"
    );
}

#[test]
fn apache_on_the_same_host_maps_proxypass_and_the_websocket_rewrite() {
    let d = discover(
        "same-host-apache",
        &load("same-host-apache", true, None, Some("apache2.conf")),
    );
    assert_eq!(d.app().url.text, "https://docs.example.test/");
    assert_eq!(d.public_names, ["docs.example.test", "docs"]);
    let rtc: Vec<&str> = d
        .endpoints
        .iter()
        .filter(|e| e.role == Role::Rtc)
        .map(|e| e.url.text.as_str())
        .collect();
    assert_eq!(
        rtc,
        [
            "wss://docs.example.test/synchrony/v1/bayeux-sync1",
            "https://docs.example.test/synchrony/heartbeat"
        ]
    );
}

#[test]
fn the_command_prints_absolute_paths_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wiki.toml");
    let run = |extra: &[&str]| {
        assert_cmd::Command::cargo_bin("trustpath")
            .unwrap()
            .args(["discover", "--tomcat"])
            .arg(fixture("proxy-ssl", "server.xml"))
            .arg("--nginx")
            .arg(fixture("proxy-ssl", "nginx.conf"))
            .args(extra)
            .output()
            .unwrap()
    };
    let printed = run(&[]);
    assert_eq!(printed.status.code(), Some(0));
    let text = String::from_utf8(printed.stdout).unwrap();
    let d = model::parse(&text, "stdout", Path::new("/")).unwrap();
    assert!(d.configs.nginx.unwrap().is_absolute());

    let o = out.to_str().unwrap();
    assert_eq!(run(&["-o", o]).status.code(), Some(0));
    // The file written is the one printed, its header naming it in the line that checks it.
    assert!(text.contains("#   trustpath check THIS_FILE\n"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        text.replacen(
            "trustpath check THIS_FILE",
            &format!("trustpath check {o}"),
            1
        )
    );
    let refused = run(&["-o", o]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(run(&["-o", o, "--force"]).status.code(), Some(0));
}

#[test]
fn a_syntax_error_names_the_included_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("conf.d")).unwrap();
    std::fs::write(
        dir.path().join("nginx.conf"),
        "http {\n    include conf.d/*.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("conf.d/site.conf"),
        "server {\n    listen 443 ssl\n}\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("trustpath")
        .unwrap()
        .args(["discover", "--nginx"])
        .arg(dir.path().join("nginx.conf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("conf.d/site.conf:3: unexpected \"}\""),
        "{err}"
    );
}
