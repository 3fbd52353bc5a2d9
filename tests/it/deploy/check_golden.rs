//! The deployment report (`trustpath check`) against golden files: a hand-built observation of a
//! Confluence deployment at a fixed instant (a trusted app, a heartbeat redirected to a login host, a
//! Synchrony port on plain ws://, a node whose redirects betray a wrong proxyPort, one configuration
//! finding), judged by the real pure parts (`deploy::assemble`: HTTP, WebSocket and cross-endpoint
//! findings) and printed in both forms.

use crate::support::{formats, golden};

use std::path::Path;

use junit_parser::TestStatus;
use std::net::SocketAddr;
use trustpath::chain::{Diagnosis, PathSource, PathStep, Profile, Verdict};

use trustpath::chain::Policy;
use trustpath::chain::{Anchor, TrustAnchors};
use trustpath::deploy::assemble::assemble;
use trustpath::deploy::model::{Deployment, EndpointUrl, Outbound, parse};
use trustpath::deploy::offline::ConfigFinding;
use trustpath::deploy::outbound::connections;
use trustpath::deploy::run::DeploymentRun;
use trustpath::deploy::run::OutboundConnection;
use trustpath::deploy::web::cookie::SetCookie;
use trustpath::deploy::web::{Hop, HttpOutcome, WebsocketOutcome};
use trustpath::finding::{Code, Finding, Severity};
use trustpath::judge::EndpointReport;
use trustpath::jvm::JvmTrust;
use trustpath::jvm::{StoreOrigin, StoreSummary};
use trustpath::probe::CapturedChain;
use trustpath::probe::findings;
use trustpath::probe::http::AcceptCheck;
use trustpath::probe::jdk_tls::TlsDisabled;
use trustpath::probe::proxy::TunnelError;
use trustpath::probe::{Handshake, TlsInfo};
use trustpath::report::Printer;

const DEPLOYMENT: &str = r#"
name = "confluence"
public_names = ["wiki.example.test"]
[jvm]
truststore = "/opt/app/truststore.jks"
proxy = "proxy.example.test:3128"
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.example.test/"
  [[endpoint.http]]
  path = "/status"
  expect_status = 200
  expect_body = "RUNNING"
[[endpoint]]
name = "heartbeat"
role = "rtc"
url = "https://wiki.example.test/synchrony/heartbeat"
  [[endpoint.http]]
  expect_status = 200
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "ws://wiki.example.test:8091/synchrony/v1/bayeux-sync1"
[[endpoint]]
name = "node"
role = "node"
url = "http://192.0.2.5:8090/"
[[endpoint]]
name = "directory"
role = "ldap"
url = "ldap://localhost:389"
[[endpoint]]
name = "mail"
role = "mail"
url = "smtps://localhost:465"
[[endpoint]]
name = "db"
role = "db"
url = "postgres://localhost:5432"
[[endpoint]]
name = "jira"
role = "outbound"
url = "https://jira.example.test/"
"#;

fn hop(url: &str, status: u16, location: Option<&str>, body: &str) -> Hop {
    Hop {
        url: EndpointUrl::parse(url).unwrap(),
        status: Some(status),
        location: location.map(Into::into),
        set_cookies: Vec::new(),
        login_form: false,
        body_excerpt: body.into(),
        error: None,
        body: body.as_bytes().to_vec(),
        body_truncated: false,
    }
}

fn cookie(name: &str, secure: bool) -> SetCookie {
    SetCookie {
        name: name.into(),
        secure,
        http_only: true,
        same_site: None,
        domain: None,
        path: Some("/".into()),
        cleared: false,
    }
}

fn observed() -> Observed {
    let d = parse(DEPLOYMENT, "deployment.toml", Path::new("/")).unwrap();
    let root = golden::cert("root.pem");
    let int = golden::cert("intermediate.pem");
    let leaf = golden::cert("leaf.pem");
    let served = |c: &trustpath::cert::Certificate, index| PathStep {
        cert: c.clone(),
        source: PathSource::Served { index },
    };
    let trusted = Diagnosis {
        trusted: true,
        java: Verdict {
            profile: Profile::Java,
            trusted: true,
            path: vec![
                served(&leaf, 0),
                served(&int, 1),
                PathStep {
                    cert: root.clone(),
                    source: PathSource::Anchor {
                        store: "/opt/app/truststore.jks".into(),
                        alias: "golden-root".into(),
                    },
                },
            ],
            reason: None,
        },
        browser: Verdict {
            profile: Profile::Browser,
            trusted: false,
            path: vec![served(&leaf, 0), served(&int, 1)],
            reason: Some("no path to a Mozilla root".into()),
        },
        findings: vec![],
        fix: None,
    };
    let tls = TlsInfo {
        handshake: Handshake::Complete,
        version: Some("TLSv1.3".into()),
        cipher_suite: Some("TLS_AES_128_GCM_SHA256".into()),
        key_exchange: Some("X25519".into()),
        alpn: Some("http/1.1".into()),
        ocsp_stapled: false,
        retried_without_pq: false,
        starttls: None,
    };
    let secure = |url: &str, port| EndpointReport {
        target: url.into(),
        host: Some("wiki.example.test".into()),
        port: Some(port),
        sni: Some("wiki.example.test".into()),
        address: Some("192.0.2.10:443".parse().unwrap()),
        tls: Some(tls.clone()),
        chain: vec![leaf.clone(), int.clone()],
        diagnosis: Some(trusted.clone()),
        ..EndpointReport::default()
    };
    let plain = |url: &str, addr: &str| EndpointReport {
        target: url.into(),
        address: Some(addr.parse().unwrap()),
        ..EndpointReport::default()
    };
    let reports = vec![
        secure("https://wiki.example.test/", 443),
        secure("https://wiki.example.test/synchrony/heartbeat", 443),
        plain(
            "ws://wiki.example.test:8091/synchrony/v1/bayeux-sync1",
            "192.0.2.10:8091",
        ),
        plain("http://192.0.2.5:8090/", "192.0.2.5:8090"),
    ];

    let mut status = hop(
        "https://wiki.example.test/status",
        200,
        None,
        "{\"state\":\"RUNNING\"}",
    );
    status.set_cookies = vec![cookie("JSESSIONID", true)];
    let to_login = "https://login.example.test/idp/login?target=%2Fsynchrony%2Fheartbeat";
    let mut login = hop(
        to_login,
        200,
        None,
        "<form><input type=\"password\"></form>",
    );
    login.login_form = true;
    let http = vec![
        vec![HttpOutcome {
            path: "/status".into(),
            hops: vec![status],
        }],
        vec![HttpOutcome {
            path: "/synchrony/heartbeat".into(),
            hops: vec![
                hop(
                    "https://wiki.example.test/synchrony/heartbeat",
                    302,
                    Some(to_login),
                    "",
                ),
                login,
            ],
        }],
        Vec::new(),
        vec![HttpOutcome {
            path: "/".into(),
            hops: vec![
                hop(
                    "http://192.0.2.5:8090/",
                    302,
                    Some("http://wiki.example.test:8090/login.action"),
                    "",
                ),
                {
                    let mut h = hop(
                        "http://wiki.example.test:8090/login.action",
                        200,
                        None,
                        "login",
                    );
                    h.set_cookies = vec![cookie("JSESSIONID", false)];
                    h
                },
            ],
        }],
    ];
    let websocket = vec![
        None,
        None,
        Some(WebsocketOutcome {
            url: EndpointUrl::parse("ws://wiki.example.test:8091/synchrony/v1/bayeux-sync1")
                .unwrap(),
            status: Some(101),
            accept: Some(AcceptCheck::Valid),
            headers: vec![("upgrade".into(), "websocket".into())],
            body_excerpt: String::new(),
            error: None,
        }),
        None,
    ];
    let outbound = outbound(&d);
    let live = assemble(
        &d,
        reports,
        &outbound,
        http,
        websocket,
        &[],
        "/opt/app/truststore.jks",
    );
    Observed {
        endpoints: live.endpoints,
        names: live.names,
        chains: live.chains,
        outbound,
    }
}

/// The app JVM's truststore of the goldens: the golden root, as `/opt/app/truststore.jks`.
fn jvm_trust() -> JvmTrust {
    JvmTrust {
        anchors: TrustAnchors::new(
            vec![Anchor {
                cert: golden::cert("root.pem"),
                store: "/opt/app/truststore.jks".into(),
                alias: "golden-root".into(),
                jdk_bundled: false,
            }],
            Vec::new(),
        ),
        summaries: Vec::new(),
        policy: Policy::default(),
        tls_disabled: TlsDisabled::default(),
        aia_allowed: None,
        jvm: None,
    }
}

/// The app's outbound connections as the probe would capture them, judged for real with the golden
/// root: the directory (StartTLS) serving its whole chain, the mail server (implicit TLS) without its
/// intermediate, the database a self-signed certificate, and the JVM's proxy refusing the tunnel to
/// Jira.
fn outbound(d: &Deployment) -> Vec<OutboundConnection> {
    let int = golden::cert("intermediate.pem");
    let leaf = golden::cert("leaf.pem");
    let capture = |o: &Outbound, chain: Vec<trustpath::cert::Certificate>, port: u16| {
        let mut c = CapturedChain::new(o.target.clone(), Some("localhost".into()));
        c.address = Some(SocketAddr::from(([127, 0, 0, 1], port)));
        c.tls = Some(TlsInfo {
            handshake: Handshake::Complete,
            version: Some("TLSv1.3".into()),
            cipher_suite: Some("TLS_AES_128_GCM_SHA256".into()),
            key_exchange: Some("X25519".into()),
            alpn: None,
            ocsp_stapled: false,
            retried_without_pq: false,
            starttls: o.target.starttls,
        });
        c.chain = chain;
        c
    };
    let jira = &d.outbound[3];
    let mut refused = CapturedChain::new(jira.target.clone(), Some("jira.example.test".into()));
    refused.findings.push(findings::proxy_finding(
        &jira.target,
        &d.proxy.as_ref().unwrap().proxy,
        TunnelError::Refused("HTTP/1.1 403 Filtered".into()),
    ));
    let captures = vec![
        capture(&d.outbound[0], vec![leaf.clone(), int], 389),
        capture(&d.outbound[1], vec![leaf], 465),
        capture(&d.outbound[2], vec![golden::cert("other-ca.pem")], 5432),
        refused,
    ];
    let judged = trustpath::judge::captures(captures, &jvm_trust(), &[], golden::AT_UNIX);
    connections(d, judged.endpoints)
}

fn run() -> DeploymentRun {
    let live = observed();
    let mut run = DeploymentRun {
        outbound: live.outbound,
        name: "confluence".into(),
        file: Some("deployment.toml".into()),
        truststores: vec![StoreSummary {
            label: "/opt/app/truststore.jks".into(),
            format: "jks".into(),
            anchors: 1,
            origin: StoreOrigin::Option,
        }],
        jvm: Some(trustpath::jvm::JvmUsed {
            home: Some("/opt/atlassian/confluence/jre".into()),
            major: Some(17),
            version: trustpath::cert::jdk::JavaVersion::parse("17.0.21"),
            chosen_by: trustpath::jvm::JvmChosenBy::Named("--java-home".into()),
        }),
        now: golden::AT_UNIX,
        endpoints: live.endpoints,
        names: live.names,
        chains: live.chains,
        config_files: vec!["/etc/nginx/nginx.conf".into()],
        configs: vec![ConfigFinding {
            source: "nginx.conf:31".into(),
            subject: "server wiki.example.test:443 location /synchrony".into(),
            finding: Finding::new(
                Code::WebsocketIdleTimeout,
                Severity::Warning,
                "proxy_read_timeout 30s closes idle WebSockets after 30 seconds",
                "raise it: proxy_read_timeout 3600s;",
            ),
        }],
    };
    // The import lines as `check` names them: the app's truststore, the probe that writes the CA file.
    let d = parse(DEPLOYMENT, "deployment.toml", Path::new("/")).unwrap();
    let mut trust = jvm_trust();
    trust.summaries = run.truststores.clone();
    trustpath::deploy::check::name_import_lines(&mut run, &d, &trust);
    run
}

/// The judged endpoints and outbound connections.
struct Observed {
    endpoints: Vec<trustpath::deploy::run::DeployedEndpoint>,
    names: Vec<trustpath::deploy::cross::NameCoverage>,
    chains: Vec<trustpath::deploy::cross::ChainRow>,
    outbound: Vec<OutboundConnection>,
}

fn codes(run: &DeploymentRun, endpoint: usize) -> Vec<&'static str> {
    run.endpoints[endpoint]
        .findings
        .iter()
        .map(|f| f.code.name())
        .collect()
}

#[test]
fn the_pure_judgement_names_each_fault_on_its_endpoint() {
    let run = run();
    assert_eq!(codes(&run, 0), Vec::<&str>::new());
    assert_eq!(codes(&run, 1), ["auth-proxy-redirect"]);
    assert_eq!(codes(&run, 2), ["mixed-scheme"]);
    assert_eq!(codes(&run, 3), ["base-url-mismatch"]);
    let redirect = &run.endpoints[1].findings[0];
    assert!(
        redirect.message.contains("login.example.test"),
        "{}",
        redirect.message
    );
    assert!(
        redirect.remediation.contains("/synchrony/*"),
        "{}",
        redirect.remediation
    );
    assert_eq!(run.exit_code(), 1);
    assert_eq!(run.names[0].covered, Some(true));
    assert_eq!(run.chains[1].same_leaf_as.as_deref(), Some("app"));
}

#[test]
fn the_human_deployment_report_matches_its_golden() {
    golden::check("check-deployment.txt", &golden::deployment_human(&run()));
}

#[test]
fn the_json_deployment_report_matches_its_golden() {
    let (text, doc) = golden::deployment_json(&run());
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["endpoints"][2]["websocket"]["status"], 101);
    assert_eq!(
        doc["endpoints"][1]["http"][0]["hops"][1]["login_form"],
        true
    );
    assert_eq!(
        doc["configs"][0]["finding"]["code"],
        "websocket-idle-timeout"
    );
    assert_eq!(doc["endpoints"][0]["probe"]["trusted"], true);
    golden::check("check-deployment.json", &text);
}

#[test]
fn the_junit_deployment_report_has_a_case_per_endpoint_check_and_place_and_matches_its_golden() {
    let mut out = Vec::new();
    Printer::junit(&mut out).deployment(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let report = formats::junit(&text);
    let suite = &report.suites[0];
    assert_eq!(suite.name, "trustpath check confluence");
    let cases: Vec<(&str, &str, Option<&str>)> = suite
        .cases
        .iter()
        .map(|c| {
            let failed = match &c.status {
                TestStatus::Failure(f) => Some(f.failure_type.as_str()),
                _ => None,
            };
            (
                c.original_name.as_str(),
                c.classname.as_deref().unwrap_or(""),
                failed,
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            (
                "app https://wiki.example.test/",
                "trustpath.check.endpoint",
                None
            ),
            ("app GET /status", "trustpath.check.http", None),
            (
                "heartbeat https://wiki.example.test/synchrony/heartbeat",
                "trustpath.check.endpoint",
                None
            ),
            (
                "heartbeat GET /synchrony/heartbeat",
                "trustpath.check.http",
                Some("auth-proxy-redirect")
            ),
            (
                "synchrony ws://wiki.example.test:8091/synchrony/v1/bayeux-sync1",
                "trustpath.check.endpoint",
                Some("mixed-scheme")
            ),
            (
                "synchrony WebSocket ws://wiki.example.test:8091/synchrony/v1/bayeux-sync1",
                "trustpath.check.websocket",
                None
            ),
            (
                "node http://192.0.2.5:8090/",
                "trustpath.check.endpoint",
                Some("base-url-mismatch")
            ),
            ("node GET /", "trustpath.check.http", None),
            (
                "directory ldap://localhost:389",
                "trustpath.check.outbound",
                None
            ),
            (
                "mail smtps://localhost:465",
                "trustpath.check.outbound",
                Some("missing-intermediate")
            ),
            (
                "db postgres://localhost:5432",
                "trustpath.check.outbound",
                Some("hostname-mismatch")
            ),
            (
                "jira https://jira.example.test/",
                "trustpath.check.outbound",
                Some("proxy-failed")
            ),
            (
                "nginx.conf:31 server wiki.example.test:443 location /synchrony",
                "trustpath.check.config",
                None
            ),
        ]
    );
    assert_eq!((suite.tests, suite.failures), (13, 6));
    let TestStatus::Failure(redirect) = &suite.cases[3].status else {
        unreachable!()
    };
    assert!(redirect.text.contains("/synchrony/*"), "{}", redirect.text);
    // The warning of the configuration is in the case's output, not a failure.
    assert!(
        suite.cases[12]
            .system_out
            .as_deref()
            .is_some_and(|o| o.contains("websocket-idle-timeout")),
        "{text}"
    );
    golden::check("check-deployment.junit.xml", &text);
}

#[test]
fn the_openmetrics_deployment_report_matches_its_golden_and_passes_promtool() {
    let mut out = Vec::new();
    Printer::openmetrics(&mut out).deployment(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    formats::openmetrics(&text);
    for line in [
        "trustpath_deployment_ok{deployment=\"confluence\"} 0",
        "trustpath_endpoint_ok{deployment=\"confluence\",endpoint=\"app\"} 1",
        "trustpath_endpoint_ok{deployment=\"confluence\",endpoint=\"heartbeat\"} 0",
        "trustpath_endpoint_trusted{deployment=\"confluence\",endpoint=\"app\",profile=\"java\"} 1",
        "trustpath_finding{deployment=\"confluence\",endpoint=\"heartbeat\",code=\"auth-proxy-redirect\",severity=\"error\"} 1",
        "trustpath_config_finding{deployment=\"confluence\",source=\"nginx.conf:31\",subject=\"server wiki.example.test:443 location /synchrony\",code=\"websocket-idle-timeout\",severity=\"warning\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line} in\n{text}");
    }
    // Plain endpoints have no trust series.
    assert!(!text.contains("endpoint=\"node\",profile="), "{text}");
    golden::check("check-deployment.prom", &text);
}

#[test]
fn the_deployment_tables_fit_an_80_column_terminal() {
    let mut out = anstream::StripStream::new(Vec::new());
    Printer::Human(trustpath::report::Human::new(&mut out).width(Some(80)))
        .deployment(&run())
        .unwrap();
    let text = String::from_utf8(out.into_inner()).unwrap();
    golden::check("check-deployment-80-columns.txt", &text);
    for header in ["findings", "served"] {
        let lines = crate::probe::report_golden::table_lines(&text, header);
        for line in lines {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
    }
}
