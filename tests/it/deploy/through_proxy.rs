//! What crosses a real proxy, live: a real nginx and a real Apache httpd (127.0.0.1 only) in front of
//! `trustpath serve` stand-ins — the app node is `serve --plain --echo-headers`, whose page lists the
//! request headers it received, and the RTC node is a plain or TLS `serve` on the RTC port — in each
//! layout the RTC add-ons name (HTTP, HTTP + SSL, HTTPS). The RTC port is proxied to the same port on the
//! app server as the add-ons require: the proxy listens on 127.0.0.2 and the nodes on 127.0.0.1, as a
//! proxy on the public interface in front of Tomcat on the loopback does. `trustpath check` must name
//! each layout from what it observed on both sides of the proxy (`rtc-mode-mismatch`), the RTC host
//! that is not the base URL's (`rtc-host-mismatch`), and what reached the app (`forwarded-for-missing`,
//! `forwarded-proto-missing`), and nothing when the layout is right.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::apache::{Apache, Layout};
use support::nginx::Nginx;
use support::process::Guard;
use support::serve::{Running, start, start_echo, start_plain, tls_config};
use time::OffsetDateTime;
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

const APP: &str = "app.lab.test";
const OTHER: &str = "rtc.lab.test";
/// Where the proxy listens for the RTC port (the nodes are on 127.0.0.1, the same port).
const PROXY_IP: &str = "127.0.0.2";

/// A layout of one side: TLS at the proxy, and TLS from the proxy to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Side {
    client_tls: bool,
    server_tls: bool,
}

const HTTP: Side = Side {
    client_tls: false,
    server_tls: false,
};
const HTTP_SSL: Side = Side {
    client_tls: true,
    server_tls: false,
};
const HTTPS: Side = Side {
    client_tls: true,
    server_tls: true,
};

/// One deployment through the proxy.
#[derive(Debug, Clone, Copy)]
struct Case {
    name: &'static str,
    app: Side,
    rtc: Side,
    /// The deployment file says `wss://` for the RTC port whatever the proxy serves there.
    rtc_declared_tls: Option<bool>,
    /// The RTC endpoint's host.
    rtc_host: &'static str,
    /// The proxy passes X-Forwarded-For and X-Forwarded-Proto to the app.
    forwarded: bool,
    /// Codes expected on the app and on the RTC endpoint (others are ignored unless listed as absent).
    app_codes: &'static [&'static str],
    rtc_codes: &'static [&'static str],
}

const fn case(name: &'static str, app: Side, rtc: Side) -> Case {
    Case {
        name,
        app,
        rtc,
        rtc_declared_tls: None,
        rtc_host: APP,
        forwarded: true,
        app_codes: &[],
        rtc_codes: &[],
    }
}

/// Codes this test is about; every other code is judged by other tests.
const WATCHED: &[&str] = &[
    "rtc-mode-mismatch",
    "rtc-host-mismatch",
    "forwarded-for-missing",
    "forwarded-proto-missing",
];

fn cases() -> Vec<Case> {
    vec![
        case("HTTP all the way", HTTP, HTTP),
        case("HTTP + SSL on both", HTTP_SSL, HTTP_SSL),
        case("HTTPS all the way", HTTPS, HTTPS),
        Case {
            rtc_codes: &["rtc-mode-mismatch"],
            ..case(
                "an HTTPS RTC port beside an HTTP + SSL app",
                HTTP_SSL,
                HTTPS,
            )
        },
        Case {
            rtc_declared_tls: Some(true),
            rtc_codes: &["rtc-mode-mismatch"],
            ..case(
                "a plain RTC port declared wss:// beside an HTTP + SSL app",
                HTTP_SSL,
                HTTP,
            )
        },
        Case {
            rtc_host: OTHER,
            rtc_codes: &["rtc-host-mismatch"],
            ..case("the RTC port under another name", HTTP_SSL, HTTP_SSL)
        },
        Case {
            forwarded: false,
            app_codes: &["forwarded-for-missing", "forwarded-proto-missing"],
            ..case("no forwarded headers", HTTP_SSL, HTTP_SSL)
        },
    ]
}

fn write_lab(dir: &Path) -> lab::Lab {
    let names = SubjectName::parse_all(&[APP, OTHER, "127.0.0.1"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    for f in &lab.files {
        std::fs::write(dir.join(&f.name), &f.contents).unwrap();
    }
    lab
}

/// The stand-ins: the app node (`serve --plain --echo-headers` or its TLS twin) and the RTC node.
struct Nodes {
    _app: Running,
    app_port: u16,
    _rtc: Running,
    rtc_port: u16,
}

fn nodes(lab: &lab::Lab, c: &Case) -> Nodes {
    let chain: Vec<Vec<u8>> = vec![
        lab.leaf.cert.der().to_vec(),
        lab.intermediate.as_ref().unwrap().der().to_vec(),
    ];
    let app = if c.app.server_tls {
        let mut config = tls_config(&chain, &lab.leaf.key_pkcs8, "app node");
        config.echo_headers = true;
        start(config)
    } else {
        start_echo("app node")
    };
    let rtc = if c.rtc.server_tls {
        start(tls_config(&chain, &lab.leaf.key_pkcs8, "rtc node"))
    } else {
        start_plain("rtc node")
    };
    Nodes {
        app_port: app.addr.port(),
        rtc_port: rtc.addr.port(),
        _app: app,
        _rtc: rtc,
    }
}

fn scheme(tls: bool, ws: bool) -> &'static str {
    match (tls, ws) {
        (true, true) => "wss",
        (false, true) => "ws",
        (true, false) => "https",
        (false, false) => "http",
    }
}

fn deployment(d: &Path, c: &Case, port: u16, n: &Nodes) -> String {
    let rtc_tls = c.rtc_declared_tls.unwrap_or(c.rtc.client_tls);
    format!(
        r#"name = "through the proxy"
product = "confluence"

[jvm]
truststore = "{d}/truststore.p12"

[[endpoint]]
name = "app"
role = "app"
url = "{app}://{APP}:{port}/"
connect = "127.0.0.1"

[[endpoint]]
name = "app-node"
role = "node"
url = "{app_node}://127.0.0.1:{app_node_port}/"

[[endpoint]]
name = "rtc"
role = "rtc"
url = "{rtc}://{rtc_host}:{rtc_port}/"
connect = "{PROXY_IP}"

[[endpoint]]
name = "rtc-node"
role = "node"
url = "{rtc_node}://127.0.0.1:{rtc_port}/"
"#,
        d = d.display(),
        app = scheme(c.app.client_tls, false),
        app_node = scheme(c.app.server_tls, false),
        app_node_port = n.app_port,
        rtc = scheme(rtc_tls, true),
        rtc_host = c.rtc_host,
        rtc_port = n.rtc_port,
        rtc_node = scheme(c.rtc.server_tls, false),
    )
}

fn nginx_servers(d: &Path, c: &Case, port: u16, n: &Nodes) -> String {
    let d = d.display();
    let tls = |on: bool| {
        if on {
            format!(
                " ssl;\n        ssl_certificate {d}/fullchain.pem;\n        ssl_certificate_key {d}/server.key"
            )
        } else {
            String::new()
        }
    };
    let forwarded = if c.forwarded {
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n            proxy_set_header X-Forwarded-Proto $scheme;"
    } else {
        ""
    };
    format!(
        r#"    server {{
        listen 127.0.0.1:{port}{app_tls};
        server_name {APP};
        location / {{
            proxy_pass {app_node}://127.0.0.1:{app_node_port};
            proxy_set_header Host $host;
            {forwarded}
        }}
    }}
    server {{
        listen {PROXY_IP}:{rtc_port}{rtc_tls};
        server_name {APP} {OTHER};
        proxy_read_timeout 120s;
        location / {{
            proxy_pass {rtc_node}://127.0.0.1:{rtc_port}/;
            proxy_redirect off;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "Upgrade";
        }}
    }}"#,
        app_tls = tls(c.app.client_tls),
        app_node = scheme(c.app.server_tls, false),
        app_node_port = n.app_port,
        rtc_tls = tls(c.rtc.client_tls),
        rtc_port = n.rtc_port,
        rtc_node = scheme(c.rtc.server_tls, false),
    )
}

fn apache_sites(d: &Path, c: &Case, port: u16, n: &Nodes) -> String {
    let d = d.display();
    let tls = |on: bool| {
        if on {
            format!(
                "    SSLEngine on\n    SSLCertificateFile {d}/fullchain.pem\n    SSLCertificateKeyFile {d}/server.key\n"
            )
        } else {
            String::new()
        }
    };
    // The lab's nodes serve the lab chain; TLS to them is verified against the lab root.
    let proxy_tls = |on: bool| {
        if on {
            format!(
                "    SSLProxyEngine on\n    SSLProxyCACertificateFile {d}/root-ca.pem\n    SSLProxyCheckPeerName off\n"
            )
        } else {
            String::new()
        }
    };
    let forwarded = if c.forwarded {
        format!(
            "    RequestHeader set X-Forwarded-Proto \"{}\"\n",
            scheme(c.app.client_tls, false)
        )
    } else {
        "    ProxyAddHeaders Off\n".to_owned()
    };
    format!(
        r#"<VirtualHost 127.0.0.1:{port}>
    ServerName {APP}
{app_tls}{app_proxy_tls}    ProxyRequests Off
    ProxyPreserveHost On
{forwarded}    ProxyPass / {app_node}://127.0.0.1:{app_node_port}/
    ProxyPassReverse / {app_node}://127.0.0.1:{app_node_port}/
</VirtualHost>

<VirtualHost {PROXY_IP}:{rtc_port}>
    ServerName {APP}
    ServerAlias {OTHER}
{rtc_tls}{rtc_proxy_tls}    RewriteEngine on
    RewriteCond %{{HTTP:Upgrade}} websocket [NC]
    RewriteRule /(.*)$ {rtc_ws}://127.0.0.1:{rtc_port}/$1 [P]
    ProxyRequests Off
    ProxyPass / {rtc_node}://127.0.0.1:{rtc_port}/
    ProxyPassReverse / {rtc_node}://127.0.0.1:{rtc_port}/
</VirtualHost>
"#,
        app_tls = tls(c.app.client_tls),
        app_proxy_tls = proxy_tls(c.app.server_tls),
        app_node = scheme(c.app.server_tls, false),
        app_node_port = n.app_port,
        rtc_tls = tls(c.rtc.client_tls),
        rtc_proxy_tls = proxy_tls(c.rtc.server_tls),
        rtc_ws = scheme(c.rtc.server_tls, true),
        rtc_node = scheme(c.rtc.server_tls, false),
        rtc_port = n.rtc_port,
    )
}

/// `trustpath check --json` on `file`: the exit code and the document.
fn check(file: &Path) -> (Option<i32>, Value) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5"])
        .arg(file)
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
    support::formats::check_json("check.schema.json", &v);
    (out.status.code(), v)
}

/// The watched codes on the endpoint named `name`, sorted.
fn watched(v: &Value, name: &str) -> Vec<String> {
    let e = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no endpoint {name}: {v:#}"));
    let mut codes: Vec<String> = e["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .filter(|c| WATCHED.contains(&c.as_str()))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn sorted(codes: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
    v.sort();
    v
}

/// The findings' messages on endpoint `name` with `code`.
fn messages(v: &Value, name: &str, code: &str) -> Vec<String> {
    v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == name)
        .flat_map(|e| e["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == code)
        .map(|f| {
            format!(
                "{} / fix: {}",
                f["message"].as_str().unwrap(),
                f["remediation"].as_str().unwrap()
            )
        })
        .collect()
}

/// The running proxy's log, which keeps it running until dropped.
type Log = Box<dyn Fn() -> String>;

/// A case running: the lab, the stand-ins, the proxy and the deployment file.
struct Launched {
    _dir: tempfile::TempDir,
    nodes: Nodes,
    /// The proxy's port for the app.
    port: u16,
    /// The proxy's log (and the proxy, kept running).
    log: Log,
    file: std::path::PathBuf,
}

/// Starts `c`'s stand-ins and the proxy `start_proxy` starts, and writes its deployment file.
fn launch(c: &Case, start_proxy: &dyn Fn(&Path, &Nodes, u16) -> Log) -> Launched {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lab = write_lab(d);
    let n = nodes(&lab, c);
    let port = support::serve::free_port();
    let log = start_proxy(d, &n, port);
    let file = d.join("deployment.toml");
    std::fs::write(&file, deployment(d, c, port, &n)).unwrap();
    Launched {
        _dir: dir,
        nodes: n,
        port,
        log,
        file,
    }
}

/// Runs `c` behind the proxy that `start_proxy` starts, and checks what `check` says.
fn run_case(c: &Case, proxy: &str, start_proxy: &dyn Fn(&Path, &Nodes, u16) -> Log) {
    let l = launch(c, start_proxy);
    let log = &l.log;
    let (_exit, v) = check(&l.file);
    let context = || format!("{proxy}, {}:\n{v:#}\n{}", c.name, log());
    assert_eq!(watched(&v, "app"), sorted(c.app_codes), "{}", context());
    assert_eq!(watched(&v, "rtc"), sorted(c.rtc_codes), "{}", context());
    // Each side is reachable as the layout says: the nodes answer, the RTC port upgrades.
    let rtc = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "rtc")
        .unwrap();
    if c.rtc_declared_tls.is_none() {
        assert_eq!(rtc["websocket"]["status"], 101, "{}", context());
    }
    if c.rtc_codes.contains(&"rtc-mode-mismatch") {
        let m = messages(&v, "rtc", "rtc-mode-mismatch").join("\n");
        let (rtc_mode, app_mode) = (mode_name(c.rtc), mode_name(c.app));
        assert!(
            m.contains(&format!("the RTC port is {rtc_mode} ("))
                && m.contains(&format!("but the app is {app_mode} (")),
            "{m}\n{}",
            context()
        );
        // Both sides as observed, not as declared.
        assert!(!m.contains("not observed"), "{m}\n{}", context());
        assert!(
            m.contains(": TLS handshake") && m.contains(": plain HTTP answer"),
            "{m}"
        );
        if c.app == HTTP_SSL {
            assert!(m.contains("fix: terminate TLS for port"), "{m}");
        }
    }
    if c.rtc_codes.contains(&"rtc-host-mismatch") {
        let m = messages(&v, "rtc", "rtc-host-mismatch").join("\n");
        assert!(
            m.contains(&format!(
                "reached as {OTHER} but the base URL's host is {APP}"
            )),
            "{m}"
        );
    }
    if !c.forwarded {
        let m = messages(&v, "app", "forwarded-for-missing").join("\n");
        assert!(m.contains("reached the app with no X-Forwarded-For"), "{m}");
    }
}

fn mode_name(s: Side) -> &'static str {
    match (s.client_tls, s.server_tls) {
        (false, _) => "HTTP",
        (true, false) => "HTTP + SSL",
        (true, true) => "HTTPS",
    }
}

#[test]
fn behind_nginx_check_names_each_rtc_layout_as_observed_and_what_reached_the_app() {
    if !support::have_tool("nginx") {
        return;
    }
    for c in cases() {
        run_case(&c, "nginx", &|d, n, port| {
            let nginx = Nginx::start(d, &nginx_servers(d, &c, port, n), port);
            // Kept alive by the closure until the case is done.
            Box::new(move || nginx.log())
        });
    }
}

#[test]
fn behind_apache_check_names_each_rtc_layout_as_observed_and_what_reached_the_app() {
    if !support::apache::available() {
        return;
    }
    for c in cases() {
        run_case(&c, "apache", &|d, n, port| {
            let layout = Layout::write(&d.join("apache"));
            layout.file(
                "ports.conf",
                &format!(
                    "# Loopback only: the tests' ports.\nListen 127.0.0.1:{port}\nListen {PROXY_IP}:{}\n",
                    n.rtc_port
                ),
            );
            layout.site("through-proxy.conf", &apache_sites(d, &c, port, n));
            let apache = Apache::start(&layout, port);
            Box::new(move || apache.log())
        });
    }
}

#[test]
fn serve_echo_headers_lists_what_reached_it_through_nginx() {
    if !support::have_tool("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The command line, as a user runs it.
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("trustpath"));
    cmd.args([
        "serve",
        "--plain",
        "--echo-headers",
        "--label",
        "confluence node",
        "--listen",
        "127.0.0.1:0",
    ]);
    let output = d.join("serve.log");
    let read = output.clone();
    let _serve = Guard::spawn("trustpath serve", &mut cmd, &output, move || {
        std::fs::read_to_string(&read).unwrap_or_default()
    });
    let mut node = None;
    for _ in 0..100 {
        let text = std::fs::read_to_string(&output).unwrap_or_default();
        if let Some(addr) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("listening on "))
        {
            node = Some(addr.trim().to_owned());
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let node = node.expect("serve prints `listening on ADDR:PORT`");
    let port = support::serve::free_port();
    let servers = format!(
        r#"    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{node};
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Authorization "Basic c2VjcmV0";
        }}
    }}"#
    );
    let nginx = Nginx::start(d, &servers, port);
    let reply = support::serve::runtime().block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        s.write_all(b"GET /wiki/ HTTP/1.1\r\nHost: wiki.lab.test\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        out
    });
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let body = &reply[reply.find("\r\n\r\n").unwrap() + 4..];
    let headers = trustpath::serve::echo::parse(body.as_bytes())
        .unwrap_or_else(|| panic!("{reply}\n{}", nginx.log()));
    let get = |n: &str| trustpath::serve::echo::header(&headers, n).map(str::to_owned);
    assert_eq!(
        get("x-forwarded-for").as_deref(),
        Some("127.0.0.1"),
        "{reply}"
    );
    assert_eq!(get("x-forwarded-proto"), None, "{reply}");
    assert_eq!(
        get("authorization").as_deref(),
        Some("(14 bytes, not shown)"),
        "{reply}"
    );
    assert!(!reply.contains("c2VjcmV0"), "{reply}");
    assert!(body.contains("trustpath serve: confluence node"), "{reply}");
}

/// The human report of `trustpath check` on the launched case, its names and ports replaced by the
/// README's (`wiki.example.com` on 443, the app node on 8090, the RTC port 9083).
fn human_as_in_the_readme(l: &Launched) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--timeout", "5"])
        .arg(&l.file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let rtc = l.nodes.rtc_port;
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(&format!("{APP}:{}", l.port), "wiki.example.com")
        .replace(APP, "wiki.example.com")
        .replace(&format!(":{}", l.nodes.app_port), ":8090")
        .replace(&format!(":{rtc}"), ":9083")
        .replace(&format!("port {rtc}"), "port 9083")
        .replace(&format!("listen {rtc}"), "listen 9083")
}

#[test]
fn the_readme_worked_examples_of_the_rtc_and_client_address_articles_are_what_check_prints() {
    if !support::have_tool("nginx") {
        return;
    }
    let nginx = |c: Case| {
        move |d: &Path, n: &Nodes, port: u16| -> Log {
            let nginx = Nginx::start(d, &nginx_servers(d, &c, port, n), port);
            Box::new(move || nginx.log())
        }
    };
    let rtc = case(
        "an HTTPS RTC port beside an HTTP + SSL app",
        HTTP_SSL,
        HTTPS,
    );
    let l = launch(&rtc, &nginx(rtc));
    support::readme_example::assert_shown(
        "$ trustpath check wiki.toml      # app https://wiki.example.com/ → node http://127.0.0.1:8090/, rtc wss://wiki.example.com:9083/ → node https://127.0.0.1:9083/",
        &format!("{}\n{}", human_as_in_the_readme(&l), (l.log)()),
    );
    let forwarded = Case {
        forwarded: false,
        ..case("no forwarded headers", HTTP_SSL, HTTP_SSL)
    };
    let l = launch(&forwarded, &nginx(forwarded));
    support::readme_example::assert_shown(
        "$ trustpath check wiki.toml      # app https://wiki.example.com/ through nginx → node http://127.0.0.1:8090/ (serve --echo-headers)",
        &format!("{}\n{}", human_as_in_the_readme(&l), (l.log)()),
    );
}
