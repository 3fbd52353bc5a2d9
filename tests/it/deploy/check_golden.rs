//! The deployment report (`trustpath check`) against golden files: a hand-built observation of a
//! Confluence deployment at a fixed instant (a trusted app, a heartbeat redirected to a login host, a
//! Synchrony port on plain ws://, a node whose redirects betray a wrong proxyPort, one configuration
//! finding), judged by the real pure parts (`deploy::assemble`: HTTP, WebSocket and cross-endpoint
//! findings) and printed in both forms.

use crate::support::{formats, golden};

use std::path::Path;

use junit_parser::TestStatus;
use trustpath::chain::{Diagnosis, PathSource, PathStep, Profile, Verdict};
use trustpath::deploy::assemble::{Live, assemble};
use trustpath::deploy::model::{EndpointUrl, parse};
use trustpath::deploy::offline::ConfigFinding;
use trustpath::deploy::run::DeploymentRun;
use trustpath::deploy::web::cookie::SetCookie;
use trustpath::deploy::web::{Hop, HttpOutcome, WebsocketOutcome};
use trustpath::finding::{Code, Finding, Severity};
use trustpath::judge::EndpointReport;
use trustpath::jvm::{StoreOrigin, StoreSummary};
use trustpath::probe::http::AcceptCheck;
use trustpath::probe::{Handshake, TlsInfo};
use trustpath::report::Printer;

const DEPLOYMENT: &str = r#"
name = "confluence"
public_names = ["wiki.example.test"]
[jvm]
truststore = "/opt/app/truststore.jks"
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

fn observed() -> Live {
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
    assemble(&d, reports, http, websocket, &[], "/opt/app/truststore.jks")
}

fn run() -> DeploymentRun {
    let live = observed();
    DeploymentRun {
        name: "confluence".into(),
        file: Some("deployment.toml".into()),
        truststores: vec![StoreSummary {
            label: "/opt/app/truststore.jks".into(),
            format: "jks".into(),
            anchors: 1,
            origin: StoreOrigin::Option,
        }],
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
    }
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
    let mut out = anstream::StripStream::new(Vec::new());
    Printer::human(&mut out).deployment(&run()).unwrap();
    golden::check(
        "check-deployment.txt",
        &String::from_utf8(out.into_inner()).unwrap(),
    );
}

#[test]
fn the_json_deployment_report_matches_its_golden() {
    let mut out = Vec::new();
    Printer::json(&mut out).deployment(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
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
                "nginx.conf:31 server wiki.example.test:443 location /synchrony",
                "trustpath.check.config",
                None
            ),
        ]
    );
    assert_eq!((suite.tests, suite.failures), (9, 3));
    let TestStatus::Failure(redirect) = &suite.cases[3].status else {
        unreachable!()
    };
    assert!(redirect.text.contains("/synchrony/*"), "{}", redirect.text);
    // The warning of the configuration is in the case's output, not a failure.
    assert!(
        suite.cases[8]
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
