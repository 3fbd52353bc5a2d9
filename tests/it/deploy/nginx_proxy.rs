//! A real nginx (non-daemon child, own prefix, 127.0.0.1 only) serves a lab's `fullchain.pem` and
//! proxies to `trustpath serve` over HTTP and over HTTPS (verifying the upstream against the lab root),
//! including a WebSocket upgrade: the deployment the lab files are meant for.

use crate::support;
use crate::support::formats;

use support::serve as serve_support;

use std::path::Path;
use std::process::{Command, Stdio};

use serve_support::{get, https_exchange, runtime, start, start_plain, tls_config};
use support::nginx::Nginx;
use support::{JavaTrust, have_tool, java_handshake};
use time::OffsetDateTime;
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

const HOST: &str = "app.lab.test";

fn write_lab(dir: &Path) -> lab::Lab {
    let names = SubjectName::parse_all(&[HOST, "127.0.0.1"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    for f in &lab.files {
        std::fs::write(dir.join(&f.name), &f.contents).unwrap();
    }
    lab
}

#[test]
fn nginx_serves_the_lab_fullchain_and_proxies_to_trustpath_serve() {
    if !have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lab = write_lab(d);

    // Upstreams: trustpath serve over plain HTTP, and over TLS with the same lab chain.
    let plain = start_plain("plain upstream");
    let chain: Vec<Vec<u8>> = [
        lab.leaf.cert.der().to_vec(),
        lab.intermediate.as_ref().unwrap().der().to_vec(),
    ]
    .to_vec();
    let tls = start(tls_config(&chain, &lab.leaf.key_pkcs8, "tls upstream"));

    let port = serve_support::free_port();
    let servers = format!(
        r#"    server {{
        listen 127.0.0.1:{port} ssl;
        server_name {HOST};
        ssl_certificate {d}/fullchain.pem;
        ssl_certificate_key {d}/server.key;
        location / {{
            proxy_pass http://127.0.0.1:{plain_port};
        }}
        location /tls/ {{
            proxy_pass https://127.0.0.1:{tls_port}/;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate {d}/root-ca.pem;
            proxy_ssl_name {HOST};
            proxy_ssl_server_name on;
        }}
        location /ws/ {{
            proxy_pass https://127.0.0.1:{tls_port};
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate {d}/root-ca.pem;
            proxy_ssl_name {HOST};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }}
    }}"#,
        d = d.display(),
        plain_port = plain.addr.port(),
        tls_port = tls.addr.port(),
    );
    let nginx = Nginx::start(d, &servers, port);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let root = lab.root.der().to_vec();

    let page = runtime().block_on(https_exchange(addr, HOST, &root, &get(HOST, "/")));
    assert!(
        page.contains("trustpath serve: plain upstream"),
        "{page}\n{}",
        nginx.log()
    );
    let page = runtime().block_on(https_exchange(addr, HOST, &root, &get(HOST, "/tls/x")));
    assert!(
        page.contains("trustpath serve: tls upstream"),
        "{page}\n{}",
        nginx.log()
    );
    let upgrade = format!(
        "GET /ws/socket HTTP/1.1\r\nHost: {HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    // Close right after the upgrade: a masked close frame with code 1000.
    let mut request = upgrade.into_bytes();
    request.extend_from_slice(&[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
    let reply = runtime().block_on(https_exchange(addr, HOST, &root, &request));
    assert!(
        reply.starts_with("HTTP/1.1 101"),
        "{reply}\n{}",
        nginx.log()
    );
    assert!(reply.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{reply}");

    if have_tool("openssl") {
        let out = Command::new("openssl")
            .args(["s_client", "-verify_return_error", "-connect"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-servername", HOST, "-verify_hostname", HOST, "-CAfile"])
            .arg(d.join("root-ca.pem"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Verify return code: 0 (ok)"), "{text}");
    }
    if have_tool("java") {
        let jks = d.join("truststore.jks");
        let verdict = java_handshake(
            None,
            JavaTrust::SystemProperty {
                path: &jks,
                password: Some("changeit"),
            },
            port,
            HOST,
        );
        assert!(verdict.trusted(), "{verdict:?}");
    }

    // trustpath itself, through nginx, with the lab truststore: trusted, no error finding, exit 0.
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["probe", "--json", "--timeout", "5"])
        .arg(format!("https://{HOST}:{port}/"))
        .arg("--resolve")
        .arg(format!("{HOST}:{port}:127.0.0.1"))
        .arg("--truststore")
        .arg(d.join("truststore.p12"))
        .output()
        .unwrap();
    let v = formats::json("probe.schema.json", &out.stdout);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["endpoints"][0]["trusted"], true, "{v:#}");
    assert_eq!(
        v["endpoints"][0]["chain"].as_array().unwrap().len(),
        2,
        "{v:#}"
    );
}
