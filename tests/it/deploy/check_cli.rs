//! `trustpath check` without a proxy: bad input is refused with exit 2 and a message that says where;
//! an app served by `trustpath serve` with the lab chain and a node on plain HTTP pass with exit 0; a
//! closed port is a finding (exit 1), not an error of the run.

use crate::support;
use crate::support::formats;

use std::process::Command;

use support::serve::{free_port, start, start_plain, tls_config};
use time::OffsetDateTime;
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

fn trustpath() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
}

/// `trustpath check --json FILE` (without JAVA_HOME, so only the file names the JVM): exit code and
/// document.
fn check_json(file: &std::path::Path) -> (Option<i32>, serde_json::Value) {
    let out = trustpath()
        .args(["check", "--json", "--timeout", "5"])
        .arg(file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    formats::check_json("check.schema.json", &v);
    (out.status.code(), v)
}

#[test]
fn bad_deployment_files_are_refused_with_exit_2_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.toml");
    for (text, needle) in [
        (
            "[[endpoint]]\nname = \"a\"\nrole = \"server\"\nurl = \"https://h.test\"\n",
            "line 3",
        ),
        (
            "[[endpoint]]\nname = \"a\"\nrole = \"node\"\nurl = \"http://h.test\"\n",
            "role = \"app\"",
        ),
        ("name = \"x\"\n", "no [[endpoint]]"),
        ("[[endpoint]\n", "TOML parse error"),
    ] {
        std::fs::write(&file, text).unwrap();
        let out = trustpath().arg("check").arg(&file).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(needle), "{text}: {err}");
        assert!(err.contains("d.toml"), "{err}");
    }
    let out = trustpath().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to check"));
}

#[test]
fn an_app_and_a_node_without_a_proxy_pass_and_a_closed_port_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = SubjectName::parse_all(&["app.lab.test"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    for f in &lab.files {
        std::fs::write(d.join(&f.name), &f.contents).unwrap();
    }
    let chain = vec![
        lab.leaf.cert.der().to_vec(),
        lab.intermediate.as_ref().unwrap().der().to_vec(),
    ];
    let app = start(tls_config(&chain, &lab.leaf.key_pkcs8, "app"));
    let node = start_plain("node");
    let write = |jvm: &str, extra: &str| {
        std::fs::write(
            d.join("deployment.toml"),
            format!(
                "[jvm]\n{jvm}\n\
                 [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://app.lab.test:{}/\"\nconnect = \"127.0.0.1\"\n\
                 [[endpoint.http]]\nexpect_status = 200\nexpect_body = \"trustpath serve: app\"\n\
                 [[endpoint]]\nname = \"node\"\nrole = \"node\"\nurl = \"http://127.0.0.1:{}/\"\n{extra}",
                app.addr.port(),
                node.addr.port()
            ),
        )
        .unwrap();
    };
    write("truststore = \"truststore.jks\"", "");
    let (code, v) = check_json(&d.join("deployment.toml"));
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["endpoints"][0]["verdict"], "trusted");
    assert_eq!(v["endpoints"][0]["http"][0]["hops"][0]["status"], 200);
    assert_eq!(v["endpoints"][1]["verdict"], "plain");
    assert_eq!(v["truststores"][0]["format"], "jks");

    write(
        "truststore = \"truststore.jks\"",
        &format!(
            "[[endpoint]]\nname = \"down\"\nrole = \"node\"\nurl = \"http://127.0.0.1:{}/\"\n",
            free_port()
        ),
    );
    let (code, v) = check_json(&d.join("deployment.toml"));
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["endpoints"][2]["findings"][0]["code"], "connect-failed");
    assert_eq!(v["endpoints"][2]["verdict"], "unreachable");
    assert_eq!(v["endpoints"][0]["ok"], true);
}

#[test]
fn a_java_home_in_the_file_judges_with_that_jvms_cacerts() {
    if !support::have_tool("java") {
        return;
    }
    let Some((_, home)) = support::jdks().into_iter().next() else {
        panic!("java runs but no JDK home was found");
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = SubjectName::parse_all(&["app.lab.test"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    let chain = vec![
        lab.leaf.cert.der().to_vec(),
        lab.intermediate.as_ref().unwrap().der().to_vec(),
    ];
    let app = start(tls_config(&chain, &lab.leaf.key_pkcs8, "app"));
    std::fs::write(
        d.join("deployment.toml"),
        format!(
            "[jvm]\njava_home = \"{}\"\n[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://app.lab.test:{}/\"\nconnect = \"127.0.0.1\"\n",
            home.display(),
            app.addr.port()
        ),
    )
    .unwrap();
    let (code, v) = check_json(&d.join("deployment.toml"));
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["truststores"][0]["origin"], "jvm-cacerts", "{v:#}");
    let codes: Vec<&str> = v["endpoints"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"jvm-distrusts-proxy"), "{codes:?}");
    assert!(codes.contains(&"untrusted-root"), "{codes:?}");
}

/// An HTTPS server on 127.0.0.1 that answers every request with `302 Found` to `location`; it stops with
/// the test's runtime.
fn redirecting_tls_server(chain: &[Vec<u8>], key_pkcs8: &[u8], location: String) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let identity = trustpath::serve::TlsIdentity {
        chain: chain
            .iter()
            .map(|c| rustls::pki_types::CertificateDer::from(c.clone()))
            .collect(),
        key: rustls::pki_types::PrivateKeyDer::Pkcs8(key_pkcs8.to_vec().into()),
    };
    let config = trustpath::serve::tls_config(identity).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let rt = support::serve::runtime();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[test]
fn a_redirect_to_a_port_without_tls_fails_at_the_tls_stage_with_the_tls_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = SubjectName::parse_all(&["app.lab.test"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    for f in &lab.files {
        std::fs::write(d.join(&f.name), &f.contents).unwrap();
    }
    let chain = vec![
        lab.leaf.cert.der().to_vec(),
        lab.intermediate.as_ref().unwrap().der().to_vec(),
    ];
    // The redirect names https:// on a port that speaks plain HTTP: the hop's TLS handshake fails.
    let plain = start_plain("not tls");
    let app = redirecting_tls_server(
        &chain,
        &lab.leaf.key_pkcs8,
        format!("https://127.0.0.1:{}/login", plain.addr.port()),
    );
    std::fs::write(
        d.join("deployment.toml"),
        format!(
            "[jvm]\ntruststore = \"truststore.jks\"\n\
             [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://app.lab.test:{app}/\"\nconnect = \"127.0.0.1\"\n"
        ),
    )
    .unwrap();
    let (code, v) = check_json(&d.join("deployment.toml"));
    assert_eq!(code, Some(1), "{v:#}");
    let hops = &v["endpoints"][0]["http"][0]["hops"];
    assert_eq!(hops[0]["status"], 302, "{v:#}");
    let error = hops[1]["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("TLS: "), "{error}");
    assert!(error.contains("plain HTTP"), "{error}");
    let failed = v["endpoints"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "http-failed")
        .unwrap_or_else(|| panic!("no http-failed finding: {v:#}"));
    assert!(
        failed["remediation"]
            .as_str()
            .unwrap()
            .contains("TLS configuration"),
        "{failed:#}"
    );
}

#[test]
fn a_bad_port_in_the_deployment_file_is_refused_with_the_line_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.toml");
    for (port, reason) in [
        ("84430", "port '84430' is not a number from 1 to 65535"),
        ("8443x", "port '8443x' is not a number from 1 to 65535"),
        ("-1", "port '-1' is not a number from 1 to 65535"),
        ("0", "port '0' is not a number from 1 to 65535"),
    ] {
        std::fs::write(
            &file,
            format!(
                "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://127.0.0.1/\"\n\n\
                 [[endpoint]]\nname = \"typo\"\nrole = \"rtc\"\nurl = \"https://127.0.0.1:{port}/\"\n"
            ),
        )
        .unwrap();
        let out = trustpath()
            .args(["check", "--timeout", "1"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{port}: {err}");
        assert!(err.contains("d.toml:9: endpoint 'typo'"), "{port}: {err}");
        assert!(err.contains(reason), "{port}: {err}");
        assert!(out.stdout.is_empty(), "{port}: nothing is judged");
    }
}

#[test]
fn a_configuration_of_the_wrong_kind_is_refused_naming_what_was_expected_and_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, text: &str| {
        let path = d.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let nginx = write(
        "nginx.conf",
        "events { worker_connections 64; }\nhttp {\n    server {\n        listen 443 ssl;\n        server_name w.test;\n        location / { proxy_pass http://127.0.0.1:8090; }\n    }\n}\n",
    );
    let apache = write(
        "apache2.conf",
        "Listen 443\n<VirtualHost *:443>\n    ServerName w.test\n    ProxyPass / http://127.0.0.1:8090/\n</VirtualHost>\n",
    );
    let web_xml = write(
        "web.xml",
        "<?xml version=\"1.0\"?>\n<web-app version=\"6.0\"><display-name>x</display-name></web-app>\n",
    );
    let no_connector = write(
        "server.xml",
        "<Server port=\"-1\">\n  <Service name=\"Catalina\"/>\n</Server>\n",
    );
    let notes = write("notes.txt", "the wiki runs on the old box\nask Kim\n");
    let cases: [(&str, &std::path::Path, &[&str]); 6] = [
        (
            "--apache",
            &nginx,
            &[
                "not an Apache httpd configuration",
                "it looks like an nginx configuration",
            ],
        ),
        (
            "--nginx",
            &apache,
            &[
                "not an nginx configuration",
                "it looks like an Apache httpd configuration",
                "read as nginx: apache2.conf:",
            ],
        ),
        (
            "--tomcat",
            &web_xml,
            &[
                "not Tomcat's server.xml",
                "an XML document whose root element is <web-app>",
            ],
        ),
        (
            "--tomcat",
            &no_connector,
            &["no `<Connector>` in it: nothing to check"],
        ),
        (
            "--nginx",
            &notes,
            &[
                "not an nginx configuration",
                "text that is no server configuration (it begins 'the wiki runs on the old box')",
            ],
        ),
        (
            "--tomcat",
            &nginx,
            &[
                "not Tomcat's server.xml",
                "it looks like an nginx configuration",
            ],
        ),
    ];
    for (flag, file, needles) in cases {
        for command in ["check", "discover"] {
            let out = trustpath()
                .arg(command)
                .arg(flag)
                .arg(file)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{command} {flag} {}: {err}\n{}",
                file.display(),
                String::from_utf8_lossy(&out.stdout)
            );
            assert!(err.contains(&file.display().to_string()), "{err}");
            for needle in needles {
                assert!(
                    err.contains(needle),
                    "{command} {flag}: {needle:?} in {err}"
                );
            }
        }
    }
    // The right kinds pass.
    for (flag, file) in [("--nginx", &nginx), ("--apache", &apache)] {
        let out = trustpath()
            .arg("discover")
            .arg(flag)
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_deployment_file_without_a_name_is_titled_by_its_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.toml");
    let port = free_port();
    std::fs::write(
        &file,
        format!(
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://127.0.0.1:{port}/\"\n"
        ),
    )
    .unwrap();
    let golden = support::golden::fixture("root.pem");
    let out = trustpath()
        .args(["check", "--timeout", "5", "--truststore"])
        .arg(golden)
        .arg(&file)
        .env("NO_COLOR", "1")
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().next(),
        Some(format!("deployment ({})", file.display()).as_str()),
        "{text}"
    );
}
