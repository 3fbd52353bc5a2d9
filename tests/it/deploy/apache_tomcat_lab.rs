//! `trustpath discover` and `trustpath check` on a real Apache httpd 2.4 in front of a real Tomcat 10, on
//! 127.0.0.1 only, with the real JVM as the judge.
//!
//! The lab: `trustpath gen lab` makes the PKI; Apache runs in Debian's stock layout (the system's
//! `apache2.conf` without `ServerRoot`, `sites-enabled` symlinks, `<IfModule>`, an included TLS snippet,
//! `Listen` on 127.0.0.1) as the TLS proxy for Tomcat, with Atlassian's Synchrony configuration
//! (`RewriteCond %{HTTP:Upgrade}` + `RewriteRule … ws://… [P]`, or `ProxyPass … upgrade=websocket`), a
//! port-80-style listener that only redirects, and an identity provider's login host that proxies
//! nothing. Tomcat has an HTTP connector behind the proxy and a direct HTTPS connector on a keytool-made
//! JKS, and serves a tiny app and a WebSocket echo compiled here against its own jars. Each variant breaks
//! one thing; `discover` runs on the real configuration files each time, the discovered file is completed
//! as a user would (the `[jvm]` truststore, `/status` and `/` checks), `check` judges it, and a JVM with
//! the deployment's truststore (TLS with endpoint identification, `java.net.http` for every request and
//! redirect, its WebSocket client) must agree with every verdict. Tomcat starts once per configuration
//! and serves every variant that shares it.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::apache::{Apache, Layout};
use support::serve::free_port;
use support::tomcat::{self, Tomcat};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

const APP: &str = "app.lab.test";
const LOGIN: &str = "login.lab.test";

/// How Tomcat's connectors are configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TomcatConf {
    /// proxyName, proxyPort, scheme="https", secure="true" behind the TLS proxy.
    Healthy,
    /// proxyName and proxyPort, but no scheme or secure.
    NoSchemeSecure,
    /// None of the proxy attributes.
    NoProxyAttributes,
    /// The direct HTTPS connector's certificateKeystorePassword does not open its JKS.
    WrongKeystorePassword,
}

/// How Apache proxies `/synchrony`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Synchrony {
    /// Atlassian's `<Location /synchrony>` with `RewriteCond %{HTTP:UPGRADE}` and a `ws://` `[P]` rule.
    Rewrite,
    /// `ProxyPass /synchrony … upgrade=websocket`.
    Upgrade,
    /// `ProxyPass /synchrony` without anything for WebSockets.
    NoUpgrade,
    /// An authentication proxy's redirect of `/synchrony/*` to the login host.
    ToLogin,
    /// Not proxied: Synchrony is reached on its own plain port.
    Absent,
}

/// One lab deployment and the codes its check must find.
struct Variant {
    name: &'static str,
    tomcat: TomcatConf,
    synchrony: Synchrony,
    /// Apache serves the leaf without the intermediate.
    leaf_only: bool,
    /// The app JVM's truststore holds another lab's root.
    foreign_truststore: bool,
    /// The deployment's RTC endpoint is Synchrony's own plain ws:// port.
    rtc_plain: bool,
    /// What Confluence's `/rest/synchrony-interop/synchrony-status` says.
    synchrony_status: &'static str,
    expected: &'static [&'static str],
}

const fn variant(name: &'static str, expected: &'static [&'static str]) -> Variant {
    Variant {
        name,
        tomcat: TomcatConf::Healthy,
        synchrony: Synchrony::Rewrite,
        leaf_only: false,
        foreign_truststore: false,
        rtc_plain: false,
        synchrony_status: "running",
        expected,
    }
}

fn variants() -> Vec<Variant> {
    vec![
        variant("healthy, Synchrony by RewriteRule ws:// [P]", &[]),
        Variant {
            synchrony: Synchrony::Upgrade,
            ..variant("healthy, Synchrony by ProxyPass upgrade=websocket", &[])
        },
        Variant {
            leaf_only: true,
            ..variant(
                "Apache serves the leaf only",
                &["missing-intermediate", "jvm-distrusts-proxy"],
            )
        },
        Variant {
            synchrony: Synchrony::NoUpgrade,
            ..variant(
                "the WebSocket rewrite is missing",
                &["websocket-upgrade-failed", "websocket-headers-missing"],
            )
        },
        Variant {
            synchrony: Synchrony::ToLogin,
            synchrony_status: "stopped",
            ..variant(
                "/synchrony/* is redirected to the login host",
                &[
                    "auth-proxy-redirect",
                    "websocket-upgrade-failed",
                    "synchrony-stopped",
                ],
            )
        },
        Variant {
            synchrony_status: "stopped",
            ..variant(
                "Confluence says Synchrony is stopped while its heartbeat answers",
                &["synchrony-stopped"],
            )
        },
        Variant {
            synchrony: Synchrony::Absent,
            rtc_plain: true,
            ..variant(
                "the RTC port is plain HTTP beside an HTTPS app",
                &["mixed-scheme"],
            )
        },
        Variant {
            foreign_truststore: true,
            ..variant(
                "the truststore lacks the lab root",
                &["jvm-distrusts-proxy", "untrusted-root"],
            )
        },
        Variant {
            tomcat: TomcatConf::NoSchemeSecure,
            ..variant(
                "Tomcat without scheme and secure",
                &["base-url-mismatch", "proxy-mismatch", "insecure-cookie"],
            )
        },
        Variant {
            tomcat: TomcatConf::NoProxyAttributes,
            ..variant(
                "Tomcat without proxy attributes",
                &["base-url-mismatch", "proxy-mismatch"],
            )
        },
        Variant {
            tomcat: TomcatConf::WrongKeystorePassword,
            ..variant(
                "a wrong keystore password",
                &["keystore-unreadable", "connect-failed"],
            )
        },
    ]
}

/// The ports of one Tomcat configuration and the Apache in front of it (fixed while Tomcat runs: its
/// proxyPort names Apache's).
#[derive(Debug, Clone, Copy)]
struct Ports {
    tomcat_http: u16,
    tomcat_https: u16,
    apache_http: u16,
    apache_tls: u16,
}

fn server_xml(conf: TomcatConf, p: Ports) -> String {
    let proxy = match conf {
        TomcatConf::Healthy | TomcatConf::WrongKeystorePassword => format!(
            "\n               proxyName=\"{APP}\" proxyPort=\"{}\" scheme=\"https\" secure=\"true\"",
            p.apache_tls
        ),
        TomcatConf::NoSchemeSecure => format!(
            "\n               proxyName=\"{APP}\" proxyPort=\"{}\"",
            p.apache_tls
        ),
        TomcatConf::NoProxyAttributes => String::new(),
    };
    let password = if conf == TomcatConf::WrongKeystorePassword {
        "not-the-password"
    } else {
        "changeit"
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- A Confluence-style server.xml: an HTTP connector behind the proxy, a direct HTTPS connector. -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="{http}" address="127.0.0.1" protocol="HTTP/1.1"
               connectionTimeout="20000" maxThreads="24"{proxy}/>
    <Connector port="{https}" address="127.0.0.1" protocol="org.apache.coyote.http11.Http11NioProtocol"
               SSLEnabled="true" scheme="https" secure="true" maxThreads="8">
      <SSLHostConfig>
        <Certificate certificateKeystoreFile="conf/tomcat.jks" certificateKeystorePassword="{password}"
                     certificateKeyAlias="tomcat" type="EC"/>
      </SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <!-- The valve trustpath check suggests (remote-ip-valve-missing), as written: Tomcat must start with it. -->
      <Valve className="org.apache.catalina.valves.RemoteIpValve" remoteIpHeader="X-Forwarded-For" protocolHeader="X-Forwarded-Proto"/>
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
"#,
        http = p.tomcat_http,
        https = p.tomcat_https,
    )
}

fn site(v: &Variant, p: Ports, login_dir: &Path) -> String {
    let t = p.tomcat_http;
    let synchrony = match v.synchrony {
        Synchrony::Rewrite => format!(
            "    ProxyPass /synchrony http://127.0.0.1:{t}/synchrony
    <Location /synchrony>
        Require all granted
        RewriteEngine on
        RewriteCond %{{HTTP:UPGRADE}} ^WebSocket$ [NC]
        RewriteCond %{{HTTP:CONNECTION}} Upgrade$ [NC]
        RewriteRule .* ws://127.0.0.1:{t}%{{REQUEST_URI}} [P]
    </Location>
"
        ),
        Synchrony::Upgrade => {
            format!("    ProxyPass /synchrony http://127.0.0.1:{t}/synchrony upgrade=websocket\n")
        }
        Synchrony::NoUpgrade => {
            format!("    ProxyPass /synchrony http://127.0.0.1:{t}/synchrony\n")
        }
        Synchrony::ToLogin => format!(
            "    # The authentication proxy sends /synchrony/* to its login page.
    ProxyPass /synchrony !
    RedirectMatch 302 ^/synchrony/(.*)$ https://{LOGIN}:{tls}/login?target=/synchrony/$1
",
            tls = p.apache_tls
        ),
        Synchrony::Absent => String::new(),
    };
    let login = login_dir.display();
    format!(
        r#"# The port users type: it only redirects to the TLS host.
<VirtualHost *:{http}>
    ServerName {APP}
    Redirect permanent / https://{APP}:{tls}/
</VirtualHost>

<IfModule mod_ssl.c>
<VirtualHost *:{tls}>
    ServerName {APP}
    Include tls/lab.conf
    ProxyRequests Off
    ProxyPreserveHost On
{synchrony}    ProxyPass / http://127.0.0.1:{t}/
    ProxyPassReverse / http://127.0.0.1:{t}/
</VirtualHost>

# The identity provider's login host: it proxies nothing to the app.
<VirtualHost *:{tls}>
    ServerName {LOGIN}
    Include tls/lab.conf
    Alias /login {login}/index.html
    <Directory {login}>
        Require all granted
    </Directory>
</VirtualHost>
</IfModule>
"#,
        http = p.apache_http,
        tls = p.apache_tls,
    )
}

fn tls_snippet(lab: &Path, leaf_only: bool) -> String {
    let chain = if leaf_only {
        String::new()
    } else {
        format!(
            "SSLCertificateChainFile {}\n",
            lab.join("intermediate-ca.pem").display()
        )
    };
    format!(
        "# The lab's certificate, included by every TLS host.\nSSLEngine on\nSSLCertificateFile {}\n{chain}SSLCertificateKeyFile {}\n",
        lab.join("server.pem").display(),
        lab.join("server.key").display()
    )
}

fn trustpath() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("trustpath"));
    cmd.env_remove("JAVA_HOME").env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// `trustpath gen lab` into `dir`, for `names`.
fn gen_lab(dir: &Path, names: &[&str]) {
    let out = run(trustpath()
        .args(["gen", "lab", "--out"])
        .arg(dir)
        .args(names));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The discovered deployment file, completed as a user would: the app JVM's truststore, the app's
/// `/status` and `/` checks, and, for `rtc_plain`, Synchrony on its own plain port.
fn complete(discovered: &str, v: &Variant, truststore: &Path, p: Ports) -> String {
    let mut doc: DocumentMut = discovered.parse().unwrap();
    let mut jvm = Table::new();
    jvm.insert("truststore", value(truststore.display().to_string()));
    doc.insert("jvm", Item::Table(jvm));
    let endpoints = doc["endpoint"].as_array_of_tables_mut().unwrap();
    let app = endpoints
        .iter_mut()
        .find(|t| t["role"].as_str() == Some("app"))
        .unwrap();
    let mut checks = ArrayOfTables::new();
    let mut status = Table::new();
    status.insert("path", value("/status"));
    status.insert("expect_status", value(200));
    status.insert("expect_body", value("RUNNING"));
    checks.push(status);
    let mut root = Table::new();
    root.insert("path", value("/"));
    root.insert("expect_status", value(200));
    checks.push(root);
    app.insert("http", Item::ArrayOfTables(checks));
    if v.rtc_plain {
        let mut rtc = Table::new();
        rtc.insert("name", value("synchrony"));
        rtc.insert("role", value("rtc"));
        rtc.insert(
            "url",
            value(format!(
                "ws://127.0.0.1:{}/synchrony/v1/bayeux-sync1",
                p.tomcat_http
            )),
        );
        endpoints.push(rtc);
    }
    doc.to_string()
}

/// Every finding code in a check's JSON, endpoints and configuration.
fn codes(v: &Value) -> Vec<String> {
    let endpoint = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["findings"].as_array().unwrap());
    let configs = v["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["finding"]);
    endpoint
        .chain(configs)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A directory with `DeployJudge` compiled (once per test binary).
fn judge_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("trustpath-deploy-judge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/DeployJudge.java");
        support::run_ok(Command::new("javac").arg("-d").arg(&dir).arg(src));
        dir
    })
}

/// One request the JVM made: its URL, and the status or why it failed.
type JavaHop = (String, Result<u16, String>);

/// What the JVM saw, by task name.
#[derive(Debug, Default)]
struct Judged {
    tls: BTreeMap<String, (String, String)>,
    hops: BTreeMap<String, Vec<JavaHop>>,
    ws: BTreeMap<String, (String, String)>,
}

/// One JVM judging every variant (a JVM per variant would cost a start and a warm-up each): tasks in on
/// stdin, answers out on stdout; killed when dropped.
struct JavaJudge {
    child: std::process::Child,
    tasks: std::process::ChildStdin,
    answers: std::io::BufReader<std::process::ChildStdout>,
}

impl JavaJudge {
    /// Starts the judge with every lab name resolving to 127.0.0.1 (a hosts file in `dir`).
    fn start(dir: &Path) -> JavaJudge {
        let hosts = dir.join("hosts");
        std::fs::write(&hosts, format!("127.0.0.1 {APP} {LOGIN}\n")).unwrap();
        let mut child = Command::new("java")
            .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"])
            .arg(format!("-Djdk.net.hosts.file={}", hosts.display()))
            .arg("-Djdk.httpclient.allowRestrictedHeaders=connection")
            .arg("-cp")
            .arg(judge_dir())
            .arg("DeployJudge")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        let tasks = child.stdin.take().unwrap();
        let answers = std::io::BufReader::new(child.stdout.take().unwrap());
        JavaJudge {
            child,
            tasks,
            answers,
        }
    }

    /// Judges every TLS endpoint, HTTP check and WebSocket of the check's JSON with `truststore`.
    fn judge(&mut self, check: &Value, truststore: &Path) -> Judged {
        use std::io::{BufRead, Write};
        let mut tasks = format!("truststore {} PKCS12 changeit\n", truststore.display());
        for e in check["endpoints"].as_array().unwrap() {
            let name = e["name"].as_str().unwrap();
            if matches!(e["scheme"].as_str(), Some("https" | "wss")) {
                tasks.push_str(&format!(
                    "tls {name} {} {}\n",
                    e["host"].as_str().unwrap(),
                    e["port"]
                ));
            }
            for (i, h) in e["http"].as_array().unwrap().iter().enumerate() {
                let hops = h["hops"].as_array().unwrap();
                let first = hops[0]["url"].as_str().unwrap();
                // A check with follow_redirects = false stops at its first answer, a redirect, with no
                // error.
                let redirect = hops[0]["status"]
                    .as_u64()
                    .is_some_and(|s| matches!(s, 301 | 302 | 303 | 307 | 308));
                let stopped = hops.len() == 1 && redirect && hops[0]["error"].is_null();
                let follow = if stopped { "first" } else { "follow" };
                tasks.push_str(&format!("http {name}#{i} {first} {follow}\n"));
            }
            if let Some(ws) = e["websocket"]["url"].as_str() {
                tasks.push_str(&format!("ws {name} {ws}\n"));
            }
        }
        tasks.push_str("end\n");
        self.tasks.write_all(tasks.as_bytes()).unwrap();
        self.tasks.flush().unwrap();
        let mut judged = Judged::default();
        loop {
            let mut line = String::new();
            let read = self.answers.read_line(&mut line).unwrap();
            assert!(read > 0, "the Java judge stopped; tasks:\n{tasks}");
            let line = line.trim_end();
            if line == "end" {
                return judged;
            }
            judged.record(line);
        }
    }
}

impl Drop for JavaJudge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Judged {
    fn record(&mut self, line: &str) {
        let words: Vec<&str> = line.splitn(5, ' ').collect();
        let (kind, name) = (words[0], words[1].to_owned());
        let word = |i: usize| words.get(i).copied().unwrap_or("").to_owned();
        match kind {
            // tls NAME VERDICT [REASON…], ws NAME OUTCOME [DETAIL…]
            "tls" | "ws" => {
                let detail = [word(3), word(4)].join(" ").trim().to_owned();
                let map = if kind == "tls" {
                    &mut self.tls
                } else {
                    &mut self.ws
                };
                map.insert(name, (word(2), detail));
            }
            // hop NAME INDEX URL STATUS, hoperr NAME INDEX URL REASON…
            "hop" | "hoperr" => {
                let answer = if kind == "hop" {
                    Ok(word(4).parse().unwrap())
                } else {
                    Err(word(4))
                };
                self.hops.entry(name).or_default().push((word(3), answer));
            }
            _ => panic!("unexpected judge line {line:?}"),
        }
    }
}

/// The verdict trustpath gave the endpoint serving `url`'s origin (for a hop the JVM could not make).
fn verdict_for<'a>(check: &'a Value, url: &str) -> Option<&'a str> {
    let parsed = trustpath::deploy::EndpointUrl::parse(url).ok()?;
    check["endpoints"].as_array()?.iter().find_map(|e| {
        (e["host"] == parsed.host.as_str()
            && e["port"] == parsed.port
            && e["scheme"].as_str().is_some_and(|s| {
                trustpath::deploy::Scheme::parse(s).is_some_and(|s| s.web() == parsed.scheme.web())
            }))
        .then(|| e["verdict"].as_str())
        .flatten()
    })
}

/// The JVM agrees with every TLS verdict, every request and redirect, and every WebSocket upgrade.
fn assert_jvm_agrees(name: &str, check: &Value, judged: &Judged) {
    for e in check["endpoints"].as_array().unwrap() {
        let endpoint = e["name"].as_str().unwrap();
        let verdict = e["verdict"].as_str().unwrap();
        if let Some((java, why)) = judged.tls.get(endpoint) {
            let expected = match verdict {
                "trusted" => "trusted",
                "not trusted" => "untrusted",
                _ => "failed",
            };
            assert_eq!(
                java, expected,
                "{name}: {endpoint}: trustpath says {verdict}, the JVM {java} ({why})"
            );
        }
        for (i, h) in e["http"].as_array().unwrap().iter().enumerate() {
            let java = &judged.hops[&format!("{endpoint}#{i}")];
            let ours = h["hops"].as_array().unwrap();
            for (k, (url, answer)) in java.iter().enumerate() {
                let hop = &ours[k];
                assert_eq!(
                    hop["url"].as_str().unwrap(),
                    url,
                    "{name}: {endpoint}#{i} hop {k}"
                );
                match answer {
                    Ok(status) => assert_eq!(
                        hop["status"], *status,
                        "{name}: {endpoint}#{i} hop {k} {url}: {ours:#?}"
                    ),
                    // The JVM refuses the chain: trustpath says the origin is not trusted.
                    Err(why) if why.contains("SSLHandshakeException") => assert_eq!(
                        verdict_for(check, url),
                        Some("not trusted"),
                        "{name}: {endpoint}#{i} hop {k} {url}: the JVM: {why}"
                    ),
                    Err(why) => assert!(
                        !hop["error"].is_null(),
                        "{name}: {endpoint}#{i} hop {k} {url}: the JVM failed ({why}) but trustpath got {hop:#}"
                    ),
                }
            }
            // Where every request of the JVM was answered, trustpath made the same requests, no more.
            if java.iter().all(|(_, a)| a.is_ok()) {
                assert_eq!(
                    java.len(),
                    ours.len(),
                    "{name}: {endpoint}#{i}: the JVM made {java:?}, trustpath {ours:#?}"
                );
            }
        }
        if let Some(ws) = e["websocket"].as_object() {
            let (java, detail) = &judged.ws[endpoint];
            let upgraded = ws["status"] == 101 && ws["accept"]["check"] == "valid";
            match java.as_str() {
                "upgraded" => {
                    assert!(
                        upgraded,
                        "{name}: {endpoint}: the JVM upgraded; trustpath {ws:?}"
                    );
                    assert_eq!(
                        detail, "echoed",
                        "{name}: {endpoint}: the echo came back changed"
                    );
                }
                "status" => assert_eq!(
                    ws["status"].to_string(),
                    *detail,
                    "{name}: {endpoint}: the JVM's upgrade got {detail}; trustpath {ws:?}"
                ),
                // The JVM refuses the chain (trustpath upgrades anyway, judging the chain apart).
                _ if detail.contains("SSLHandshakeException") => {
                    assert_eq!(verdict, "not trusted", "{name}: {endpoint}: {detail}");
                }
                _ => assert!(
                    !upgraded,
                    "{name}: {endpoint}: the JVM failed ({detail}); trustpath {ws:?}"
                ),
            }
        }
    }
}

#[test]
fn discover_and_check_on_real_apache_and_tomcat_agree_with_the_jvm_on_every_variant() {
    if !support::apache::available() || !tomcat::available() || !support::have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Apache's children (www-data when the tests run as root) read the login page under it.
    std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o711)).unwrap();
    let lab = d.join("lab");
    gen_lab(&lab, &[APP, LOGIN, "127.0.0.1"]);
    gen_lab(&d.join("other"), &["other.lab.test"]);
    let login_dir = d.join("login");
    std::fs::create_dir_all(&login_dir).unwrap();
    std::fs::write(
        login_dir.join("index.html"),
        "<html><body><form method=\"post\" action=\"/login\"><input name=\"username\"><input type=\"password\" name=\"password\"></form></body></html>\n",
    )
    .unwrap();
    // A keytool-made JKS for the direct HTTPS connector, from the lab's PKCS#12.
    let jks = d.join("tomcat.jks");
    support::run_ok(Command::new("keytool").args([
        "-importkeystore",
        "-noprompt",
        "-srckeystore",
        lab.join("server.p12").to_str().unwrap(),
        "-srcstoretype",
        "PKCS12",
        "-srcstorepass",
        "changeit",
        "-destkeystore",
        jks.to_str().unwrap(),
        "-deststoretype",
        "JKS",
        "-deststorepass",
        "changeit",
    ]));

    let started = std::time::Instant::now();
    let mut judge = JavaJudge::start(d);
    let all = variants();
    let mut checked = 0;
    // Every field the README documents for check --json, met in the live output of some variant.
    let documented = support::json_doc::check_shape();
    let mut seen = std::collections::BTreeSet::new();
    for conf in [
        TomcatConf::Healthy,
        TomcatConf::NoSchemeSecure,
        TomcatConf::NoProxyAttributes,
        TomcatConf::WrongKeystorePassword,
    ] {
        let p = Ports {
            tomcat_http: free_port(),
            tomcat_https: free_port(),
            apache_http: free_port(),
            apache_tls: free_port(),
        };
        let base = d.join(format!("tomcat-{conf:?}"));
        tomcat::write_base(&base, &server_xml(conf, p));
        std::fs::copy(&jks, base.join("conf/tomcat.jks")).unwrap();
        // Confluence's start script names the URL it calls Synchrony at: discover reads it.
        std::fs::create_dir_all(base.join("bin")).unwrap();
        std::fs::write(
            base.join("bin/setenv.sh"),
            format!(
                "CATALINA_OPTS=\"${{CATALINA_OPTS}} -Dsynchrony.service.url=http://127.0.0.1:{}/synchrony/v1\"\nexport CATALINA_OPTS\n",
                p.tomcat_http
            ),
        )
        .unwrap();
        let tomcat = Tomcat::start(&base, p.tomcat_http);
        eprintln!("[{:?}] tomcat {conf:?} up", started.elapsed());
        for (i, v) in all.iter().enumerate().filter(|(_, v)| v.tomcat == conf) {
            let vdir = d.join(format!("variant-{i}"));
            let layout = Layout::write(&vdir.join("apache2"));
            layout.ports(p.apache_http, p.apache_tls);
            layout.file("tls/lab.conf", &tls_snippet(&lab, v.leaf_only));
            layout.site("confluence.conf", &site(v, p, &login_dir));
            let apache = Apache::start(&layout, p.apache_tls);
            std::fs::write(base.join("synchrony-status"), v.synchrony_status).unwrap();

            let discovered = vdir.join("discovered.toml");
            let out = run(trustpath()
                .arg("discover")
                .arg("--tomcat")
                .arg(base.join("conf/server.xml"))
                .arg("--apache")
                .arg(layout.main())
                .arg("-o")
                .arg(&discovered));
            assert!(
                out.status.success(),
                "{}: discover: {}",
                v.name,
                String::from_utf8_lossy(&out.stderr)
            );
            let text = std::fs::read_to_string(&discovered).unwrap();
            assert_discovered(v, &text, p);

            let truststore = if v.foreign_truststore {
                d.join("other/truststore.p12")
            } else {
                lab.join("truststore.p12")
            };
            let deployment = vdir.join("deployment.toml");
            std::fs::write(&deployment, complete(&text, v, &truststore, p)).unwrap();
            let out = run(trustpath()
                .args(["check", "--json", "--timeout", "10"])
                .arg(&deployment));
            let check: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{}: not JSON ({e}): {}\n{}",
                    v.name,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            let found = codes(&check);
            let context = || {
                format!(
                    "{}\n{check:#}\napache:\n{}\ntomcat:\n{}",
                    v.name,
                    apache.log(),
                    tomcat.log()
                )
            };

            let undocumented = support::json_doc::compare(&check, &documented, &mut seen);
            assert!(
                undocumented.is_empty(),
                "{}: check --json differs from the README: {undocumented:#?}",
                v.name
            );

            let judged = judge.judge(&check, &truststore);
            eprintln!(
                "[{:?}] {}: exit {:?}, {found:?}; the JVM: tls {:?}, websocket {:?}",
                started.elapsed(),
                v.name,
                out.status.code(),
                judged
                    .tls
                    .iter()
                    .map(|(k, v)| format!("{k} {}", v.0))
                    .collect::<Vec<_>>(),
                judged
                    .ws
                    .iter()
                    .map(|(k, v)| format!(
                        "{k} {} {}",
                        v.0,
                        v.1.chars().take(40).collect::<String>()
                    ))
                    .collect::<Vec<_>>()
            );
            assert_jvm_agrees(v.name, &check, &judged);

            if v.expected.is_empty() {
                let serious: Vec<&Value> = check["endpoints"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|e| e["findings"].as_array().unwrap())
                    .chain(
                        check["configs"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| &c["finding"]),
                    )
                    .filter(|f| f["severity"] != "info")
                    .collect();
                assert!(serious.is_empty(), "{serious:#?}\n{}", context());
                assert_eq!(out.status.code(), Some(0), "{}", context());
                let synchrony = check["endpoints"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["name"] == "synchrony")
                    .unwrap();
                assert_eq!(synchrony["websocket"]["status"], 101, "{}", context());
                assert_eq!(judged.ws["synchrony"].0, "upgraded", "{}", context());
            } else {
                assert_eq!(out.status.code(), Some(1), "{found:?}\n{}", context());
                assert_synchrony_stopped(v, &check, &context);
                for want in v.expected {
                    assert!(
                        found.iter().any(|c| c == want),
                        "{}: {want} not among {found:?}\n{}",
                        v.name,
                        context()
                    );
                }
            }
            checked += 1;
            drop(apache);
        }
        drop(tomcat);
    }
    assert_eq!(checked, all.len());
    // The outbound connections' fields are seen by `deploy::outbound` (real LDAP, mail and database
    // servers); this lab has none.
    let never: Vec<String> = support::json_doc::paths(&documented)
        .difference(&seen)
        .filter(|p| !p.starts_with(".outbound[]"))
        .cloned()
        .collect();
    assert!(
        never.is_empty(),
        "documented fields no variant's check --json had: {never:#?}"
    );
}

/// `synchrony-stopped`, when Confluence says so: its fix is the auth proxy's when `/synchrony/*` goes to
/// the login host, and with nothing seen failing (the heartbeat and `synchrony.service.url`, read from
/// `bin/setenv.sh`, answer) every step in order.
fn assert_synchrony_stopped(v: &Variant, check: &Value, context: &dyn Fn() -> String) {
    let stopped = check["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["findings"].as_array().unwrap())
        .find(|f| f["code"] == "synchrony-stopped");
    if v.synchrony_status == "running" {
        assert!(stopped.is_none(), "{}", context());
        return;
    }
    let f = stopped.unwrap_or_else(|| panic!("no synchrony-stopped\n{}", context()));
    let fix = f["remediation"].as_str().unwrap();
    let message = f["message"].as_str().unwrap();
    assert!(
        // synchrony.service.url is one of the app's outbound connections: reached over plain HTTP.
        message.contains("/synchrony/v1: reached;"),
        "{message}"
    );
    if v.synchrony == Synchrony::ToLogin {
        assert!(
            fix.starts_with("allow `/synchrony/*` without authentication"),
            "{fix}"
        );
        assert!(
            message.contains("redirected to a login page (auth-proxy-redirect) ← seen failing"),
            "{message}"
        );
    } else {
        assert!(
            message.contains("although Synchrony answers its heartbeat"),
            "{message}"
        );
        assert!(
            fix.starts_with("in this order: allow `/synchrony/*`"),
            "{fix}"
        );
    }
}

/// What `discover` must have made of the real files: the app behind the TLS host with `connect`, the
/// login host neither a public name nor (unless it is a login redirect's target) an endpoint, the
/// redirect-only listener as an endpoint whose redirect is checked, Synchrony as users reach it, and
/// Tomcat's direct HTTPS connector.
fn assert_discovered(v: &Variant, text: &str, p: Ports) {
    let base = Path::new("/");
    let d = trustpath::deploy::model::parse(text, v.name, base)
        .unwrap_or_else(|e| panic!("{}: {e}\n{text}", v.name));
    let by_url = |url: &str| d.endpoints.iter().find(|e| e.url.text == url);
    let loopback = |port: u16| Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    assert_eq!(d.public_names, [APP], "{}: {text}", v.name);
    let app = d.app();
    assert_eq!(
        app.url.text,
        format!("https://{APP}:{}/", p.apache_tls),
        "{text}"
    );
    assert_eq!(app.connect, loopback(p.apache_tls), "{text}");
    let redirect = by_url(&format!("http://{APP}:{}/", p.apache_http))
        .unwrap_or_else(|| panic!("{}: no redirect endpoint:\n{text}", v.name));
    assert_eq!(redirect.connect, loopback(p.apache_http), "{text}");
    assert_eq!(
        (
            redirect.http[0].expect_status,
            redirect.http[0].follow_redirects
        ),
        (Some(301), false),
        "{text}"
    );
    let direct = by_url(&format!("https://{APP}:{}/", p.tomcat_https))
        .unwrap_or_else(|| panic!("{}: no direct connector:\n{text}", v.name));
    assert_eq!(direct.connect, loopback(p.tomcat_https), "{text}");
    let heartbeat = format!("https://{APP}:{}/synchrony/heartbeat", p.apache_tls);
    match v.synchrony {
        Synchrony::Absent => assert!(by_url(&heartbeat).is_none(), "{text}"),
        _ => {
            let e = by_url(&heartbeat)
                .unwrap_or_else(|| panic!("{}: no Synchrony heartbeat:\n{text}", v.name));
            assert_eq!(e.connect, loopback(p.apache_tls), "{text}");
        }
    }
    let login = d.endpoints.iter().find(|e| e.url.host == LOGIN);
    if v.synchrony == Synchrony::ToLogin {
        let login = login.unwrap_or_else(|| panic!("{}: no auth endpoint:\n{text}", v.name));
        assert_eq!(login.role, trustpath::deploy::Role::Auth, "{text}");
        assert_eq!(login.connect, loopback(p.apache_tls), "{text}");
    } else {
        assert!(login.is_none(), "{}: {text}", v.name);
        assert!(
            text.contains(&format!(
                "VirtualHost {LOGIN}:{} proxies nothing to the app",
                p.apache_tls
            )),
            "{text}"
        );
    }
}
