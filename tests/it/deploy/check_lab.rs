//! `trustpath check` on a lab deployment started here: `trustpath serve` as the app node and as the RTC
//! (Synchrony) node, a real nginx in front terminating TLS for the app and a login host, and the
//! deployment file pointing at all of it (loopback only). The healthy deployment passes with exit 0; each
//! broken variant is found with its code, live and, where the fault is in nginx.conf, offline too.

use crate::support;
use crate::support::formats;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::nginx::Nginx;
use support::serve::{free_port, start_plain};
use support::{JavaTrust, have_tool, java_handshake};
use time::OffsetDateTime;
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

const APP: &str = "app.lab.test";
const LOGIN: &str = "login.lab.test";

/// What a variant changes.
#[derive(Default, Clone, Copy)]
struct Variant {
    /// The Synchrony location lacks `proxy_http_version 1.1` and the Upgrade/Connection headers.
    no_upgrade_headers: bool,
    /// nginx serves the leaf alone.
    leaf_only: bool,
    /// `/synchrony/` answers with a 302 to the login host.
    auth_redirect: bool,
    /// The session cookie lacks `Secure`.
    cookie_without_secure: bool,
    /// The deployment's RTC endpoint is the node's plain ws:// port.
    rtc_plain: bool,
    /// The app's JVM truststore holds another lab's root.
    foreign_truststore: bool,
    /// A public name the certificate lacks (asked of the proxy by SNI).
    uncovered_name: bool,
}

fn write_lab(dir: &Path, names: &[&str]) -> lab::Lab {
    std::fs::create_dir_all(dir).unwrap();
    let names = SubjectName::parse_all(names).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    for f in &lab.files {
        std::fs::write(dir.join(&f.name), &f.contents).unwrap();
    }
    lab
}

fn nginx_servers(d: &Path, port: u16, app: u16, rtc: u16, v: Variant) -> String {
    let d = d.display();
    let cert = if v.leaf_only {
        "leaf.pem"
    } else {
        "fullchain.pem"
    };
    let secure = if v.cookie_without_secure {
        ""
    } else {
        " Secure;"
    };
    let upgrade = if v.no_upgrade_headers {
        String::new()
    } else {
        "        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
        proxy_read_timeout 120s;
"
        .to_owned()
    };
    let synchrony = if v.auth_redirect {
        format!("        return 302 https://{LOGIN}:{port}/login?target=$request_uri;\n")
    } else {
        format!("        proxy_pass http://127.0.0.1:{rtc};\n{upgrade}")
    };
    format!(
        r#"    server {{
        listen 127.0.0.1:{port} ssl;
        server_name {APP};
        ssl_certificate {d}/{cert};
        ssl_certificate_key {d}/server.key;
        location / {{
            proxy_pass http://127.0.0.1:{app};
            proxy_set_header Host $host;
            add_header Set-Cookie "JSESSIONID=0123456789ABCDEF; Path=/;{secure} HttpOnly" always;
        }}
        location /synchrony/ {{
    {synchrony}        }}
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name {LOGIN};
        ssl_certificate {d}/fullchain.pem;
        ssl_certificate_key {d}/server.key;
        location / {{
            default_type text/html;
            return 200 '<html><body><form method="post" action="/login"><input name="username"><input type="password" name="password"></form></body></html>';
        }}
    }}"#
    )
}

fn deployment(d: &Path, port: u16, app: u16, rtc: u16, v: Variant) -> String {
    let truststore = if v.foreign_truststore {
        d.join("other/truststore.p12")
    } else {
        d.join("truststore.p12")
    };
    let synchrony = if v.rtc_plain {
        format!("ws://127.0.0.1:{rtc}/synchrony/v1/bayeux-sync1")
    } else {
        format!("wss://{APP}:{port}/synchrony/v1/bayeux-sync1")
    };
    let extra_name = if v.uncovered_name {
        ", \"www.lab.test\""
    } else {
        ""
    };
    format!(
        r#"name = "lab"
public_names = ["{APP}"{extra_name}]

[jvm]
truststore = "{truststore}"

[configs]
nginx = "nginx.conf"

[[endpoint]]
name = "app"
role = "app"
url = "https://{APP}:{port}/"
connect = "127.0.0.1"
  [[endpoint.http]]
  path = "/"
  expect_status = 200
  expect_body = "trustpath serve"

[[endpoint]]
name = "heartbeat"
role = "rtc"
url = "https://{APP}:{port}/synchrony/heartbeat"
connect = "127.0.0.1"
  [[endpoint.http]]
  expect_status = 200

[[endpoint]]
name = "synchrony"
role = "rtc"
url = "{synchrony}"
connect = "127.0.0.1"

[[endpoint]]
name = "node"
role = "node"
url = "http://127.0.0.1:{app}/"

[[endpoint]]
name = "login"
role = "auth"
url = "https://{LOGIN}:{port}/"
connect = "127.0.0.1"
"#,
        truststore = truststore.display()
    )
}

/// Every finding code in a check's JSON, endpoints and configuration.
fn codes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for e in v["endpoints"].as_array().unwrap() {
        for f in e["findings"].as_array().unwrap() {
            out.push(f["code"].as_str().unwrap().to_owned());
        }
    }
    for c in v["configs"].as_array().unwrap() {
        out.push(c["finding"]["code"].as_str().unwrap().to_owned());
    }
    out
}

fn check(dir: &Path) -> (Option<i32>, Value) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5"])
        .arg(dir.join("deployment.toml"))
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    formats::check_json("check.schema.json", &v);
    other_formats_agree(dir, out.status.code(), &v);
    (out.status.code(), v)
}

/// The same check as JUnit and as OpenMetrics keeps the exit code; the JUnit report is valid, with a
/// failing case exactly when the JSON has an error finding, and the exposition passes promtool with one
/// `trustpath_endpoint_ok` per endpoint.
fn other_formats_agree(dir: &Path, exit: Option<i32>, v: &Value) {
    let run = |format: &str| {
        Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
            .args(["check", "--format", format, "--timeout", "5"])
            .arg(dir.join("deployment.toml"))
            .env_remove("JAVA_HOME")
            .output()
            .unwrap()
    };
    let junit = run("junit");
    assert_eq!(junit.status.code(), exit, "--format junit");
    let text = String::from_utf8(junit.stdout).unwrap();
    let report = formats::junit(&text);
    let failures = report.suites[0].failures;
    assert_eq!(failures > 0, v["errors"].as_u64() > Some(0), "{text}");
    let metrics = run("openmetrics");
    assert_eq!(metrics.status.code(), exit, "--format openmetrics");
    let text = String::from_utf8(metrics.stdout).unwrap();
    formats::openmetrics(&text);
    let endpoints = v["endpoints"].as_array().map_or(0, Vec::len);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("trustpath_endpoint_ok{"))
            .count(),
        endpoints,
        "{text}"
    );
}

#[test]
fn check_passes_the_healthy_lab_deployment_and_names_each_fault_of_its_variants() {
    if !have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lab = write_lab(d, &[APP, LOGIN, "127.0.0.1"]);
    std::fs::write(d.join("leaf.pem"), lab.leaf.cert.to_pem()).unwrap();
    write_lab(&d.join("other"), &["other.lab.test"]);

    let node = start_plain;
    let app = node("confluence node");
    let rtc = node("synchrony node");
    let (app_port, rtc_port) = (app.addr.port(), rtc.addr.port());

    let variants: [(&str, Variant, &[&str]); 8] = [
        ("healthy", Variant::default(), &[]),
        (
            "no upgrade headers",
            Variant {
                no_upgrade_headers: true,
                ..Variant::default()
            },
            &["websocket-upgrade-failed", "websocket-headers-missing"],
        ),
        (
            "rtc on plain http",
            Variant {
                rtc_plain: true,
                ..Variant::default()
            },
            &["mixed-scheme"],
        ),
        (
            "leaf-only certificate",
            Variant {
                leaf_only: true,
                ..Variant::default()
            },
            &["missing-intermediate", "jvm-distrusts-proxy"],
        ),
        (
            "auth proxy on /synchrony/",
            Variant {
                auth_redirect: true,
                ..Variant::default()
            },
            &["auth-proxy-redirect", "websocket-upgrade-failed"],
        ),
        (
            "truststore without the lab root",
            Variant {
                foreign_truststore: true,
                ..Variant::default()
            },
            &["jvm-distrusts-proxy", "untrusted-root"],
        ),
        (
            "cookie without Secure",
            Variant {
                cookie_without_secure: true,
                ..Variant::default()
            },
            &["insecure-cookie"],
        ),
        (
            "public name not covered",
            Variant {
                uncovered_name: true,
                ..Variant::default()
            },
            &["name-not-covered"],
        ),
    ];

    for (name, variant, expected) in variants {
        let port = free_port();
        let nginx = Nginx::start(
            d,
            &nginx_servers(d, port, app_port, rtc_port, variant),
            port,
        );
        std::fs::write(
            d.join("deployment.toml"),
            deployment(d, port, app_port, rtc_port, variant),
        )
        .unwrap();
        let (code, v) = check(d);
        let found = codes(&v);
        // The real JVM, with the deployment's truststore, agrees with jvm-distrusts-proxy.
        if have_tool("java") {
            let truststore = if variant.foreign_truststore {
                d.join("other/truststore.p12")
            } else {
                d.join("truststore.p12")
            };
            let verdict = java_handshake(
                None,
                JavaTrust::SystemProperty {
                    path: &truststore,
                    password: Some("changeit"),
                },
                port,
                APP,
            );
            let distrusts = found.iter().any(|c| c == "jvm-distrusts-proxy");
            assert_eq!(
                verdict.trusted(),
                !distrusts,
                "{name}: {verdict:?} vs {found:?}"
            );
        }
        if expected.is_empty() {
            let serious: Vec<&Value> = v["endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|e| e["findings"].as_array().unwrap())
                .chain(
                    v["configs"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| &c["finding"]),
                )
                .filter(|f| f["severity"] != "info")
                .collect();
            assert!(serious.is_empty(), "{name}: {serious:#?}\n{}", nginx.log());
            assert_eq!(code, Some(0), "{name}: {v:#}");
            let ws = &v["endpoints"][2]["websocket"];
            assert_eq!(ws["status"], 101, "{name}: {ws:#}");
        } else {
            // insecure-cookie alone is a warning: the JVM and the browser still work, so exit 0.
            let want_code = if name == "cookie without Secure" {
                0
            } else {
                1
            };
            assert_eq!(code, Some(want_code), "{name}: {found:?}");
            for want in expected {
                assert!(
                    found.iter().any(|c| c == want),
                    "{name}: {want} not among {found:?}\n{v:#}"
                );
            }
        }
        drop(nginx);
    }
}

#[test]
fn the_human_report_shows_the_deployment_table_and_each_fix() {
    if !have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_lab(d, &[APP, LOGIN, "127.0.0.1"]);
    let rtc = start_plain("synchrony node");
    let port = free_port();
    let variant = Variant {
        rtc_plain: true,
        ..Variant::default()
    };
    let _nginx = Nginx::start(
        d,
        &nginx_servers(d, port, rtc.addr.port(), rtc.addr.port(), variant),
        port,
    );
    std::fs::write(
        d.join("deployment.toml"),
        deployment(d, port, rtc.addr.port(), rtc.addr.port(), variant),
    )
    .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--timeout", "5"])
        .arg(d.join("deployment.toml"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for needle in [
        "endpoint",
        "role",
        "verdict",
        "synchrony",
        "mixed-scheme",
        "fix: serve synchrony over TLS",
        "ws       ",
        "public names",
        "configuration",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
}

#[test]
fn discover_on_the_lab_configs_writes_a_deployment_that_check_passes() {
    if !have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_lab(d, &[APP, LOGIN, "127.0.0.1"]);
    let node = start_plain;
    let (app, rtc) = (node("confluence node"), node("synchrony node"));
    let port = free_port();
    let _nginx = Nginx::start(
        d,
        &nginx_servers(
            d,
            port,
            app.addr.port(),
            rtc.addr.port(),
            Variant::default(),
        ),
        port,
    );
    std::fs::write(
        d.join("server.xml"),
        format!(
            r#"<Server port="-1">
  <Service name="Catalina">
    <Connector port="{}" address="127.0.0.1" protocol="HTTP/1.1"
               proxyName="{APP}" proxyPort="{port}" scheme="https" secure="true"/>
  </Service>
</Server>
"#,
            app.addr.port()
        ),
    )
    .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .arg("discover")
        .arg("--tomcat")
        .arg(d.join("server.xml"))
        .arg("--nginx")
        .arg(d.join("nginx.conf"))
        .arg("-o")
        .arg(d.join("discovered.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(d.join("discovered.toml")).unwrap();
    assert!(
        text.contains(&format!("url = \"https://{APP}:{port}/\"")),
        "{text}"
    );
    assert!(text.contains("role = \"rtc\""), "{text}");
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5"])
        .arg(d.join("discovered.toml"))
        .arg("--truststore")
        .arg(d.join("truststore.p12"))
        .output()
        .unwrap();
    let v = formats::json("check.schema.json", &out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}\n{:?}\n{v:#}", codes(&v));
    let roles: Vec<&str> = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"app") && roles.contains(&"rtc") && roles.contains(&"node"),
        "{roles:?}"
    );
}
