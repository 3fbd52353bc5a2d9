//! The deployment report's RTC and forwarded-header findings against golden files: a hand-built
//! observation at a fixed instant of an app that is HTTP + SSL (TLS at the proxy, HTTP to its node) beside
//! an RTC port served under another name and forwarded over TLS (HTTPS), whose node answered with the
//! list of the request headers it received (`serve --echo-headers`) lacking X-Forwarded-For and
//! X-Forwarded-Proto — judged by the real pure parts (`deploy::assemble`) and printed in both forms.

use crate::support::{formats, golden};

use std::path::Path;

use trustpath::chain::{Diagnosis, PathSource, PathStep, Profile, Verdict};
use trustpath::deploy::assemble::assemble;
use trustpath::deploy::model::{EndpointUrl, parse};
use trustpath::deploy::run::DeploymentRun;
use trustpath::deploy::web::{Hop, HttpOutcome, WebsocketOutcome};
use trustpath::judge::EndpointReport;
use trustpath::jvm::{StoreOrigin, StoreSummary};
use trustpath::probe::http::AcceptCheck;
use trustpath::probe::{Handshake, TlsInfo};

const DEPLOYMENT: &str = r#"
name = "confluence"
product = "confluence"
[jvm]
truststore = "/opt/app/truststore.jks"
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.example.test/"
[[endpoint]]
name = "node"
role = "node"
url = "http://192.0.2.5:8090/"
[[endpoint]]
name = "rtc"
role = "rtc"
url = "wss://rtc.example.test:9083/"
[[endpoint]]
name = "rtc-node"
role = "node"
url = "https://192.0.2.5:9083/"
"#;

/// What the app node answered: `serve --echo-headers`' page, through the proxy.
const ECHO: &str = "<!doctype html>\n<title>trustpath serve</title>\n<p>trustpath serve: confluence node</p>\n<p>path: /</p>\n<p>request headers received:</p>\n<pre id=\"trustpath-received-headers\">\nhost: wiki.example.test\nconnection: close\n</pre>\n";

fn hop(url: &str, body: &str) -> Hop {
    Hop {
        url: EndpointUrl::parse(url).unwrap(),
        status: Some(200),
        location: None,
        set_cookies: Vec::new(),
        login_form: false,
        body_excerpt: "trustpath serve: confluence node".into(),
        error: None,
        body: body.as_bytes().to_vec(),
        body_truncated: false,
    }
}

fn run() -> DeploymentRun {
    let d = parse(DEPLOYMENT, "deployment.toml", Path::new("/")).unwrap();
    let root = golden::cert("root.pem");
    let int = golden::cert("intermediate.pem");
    let leaf = golden::cert("leaf.pem");
    let served = |c: &trustpath::cert::Certificate, index| PathStep {
        cert: c.clone(),
        source: PathSource::Served { index },
    };
    let java = Verdict {
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
    };
    let trusted = Diagnosis {
        trusted: true,
        browser: Verdict {
            profile: Profile::Browser,
            ..java.clone()
        },
        java,
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
    let secure = |url: &str, host: &str, addr: &str| EndpointReport {
        target: url.into(),
        host: Some(host.into()),
        port: addr.rsplit(':').next().and_then(|p| p.parse().ok()),
        sni: Some(host.into()),
        address: Some(addr.parse().unwrap()),
        tls: Some(tls.clone()),
        chain: vec![leaf.clone(), int.clone()],
        diagnosis: Some(trusted.clone()),
        ..EndpointReport::default()
    };
    let reports = vec![
        secure(
            "https://wiki.example.test/",
            "wiki.example.test",
            "192.0.2.10:443",
        ),
        EndpointReport {
            target: "http://192.0.2.5:8090/".into(),
            address: Some("192.0.2.5:8090".parse().unwrap()),
            ..EndpointReport::default()
        },
        secure(
            "wss://rtc.example.test:9083/",
            "rtc.example.test",
            "192.0.2.10:9083",
        ),
        secure("https://192.0.2.5:9083/", "192.0.2.5", "192.0.2.5:9083"),
    ];
    let outcome = |url: &str| {
        vec![HttpOutcome {
            path: "/".into(),
            hops: vec![hop(url, ECHO)],
        }]
    };
    let http = vec![
        outcome("https://wiki.example.test/"),
        outcome("http://192.0.2.5:8090/"),
        Vec::new(),
        vec![HttpOutcome {
            path: "/".into(),
            hops: vec![hop("https://192.0.2.5:9083/", "rtc")],
        }],
    ];
    let websocket = vec![
        None,
        None,
        Some(WebsocketOutcome {
            url: EndpointUrl::parse("wss://rtc.example.test:9083/").unwrap(),
            status: Some(101),
            accept: Some(AcceptCheck::Valid),
            headers: vec![("upgrade".into(), "websocket".into())],
            body_excerpt: String::new(),
            error: None,
        }),
        None,
    ];
    let live = assemble(
        &d,
        reports,
        &[],
        http,
        websocket,
        &[],
        "/opt/app/truststore.jks",
    );
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
        outbound: Vec::new(),
        jvm: None,
        config_files: Vec::new(),
        configs: Vec::new(),
    }
}

fn codes(run: &DeploymentRun, endpoint: usize) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = run.endpoints[endpoint]
        .findings
        .iter()
        .map(|f| f.code.name())
        .collect();
    codes.sort_unstable();
    codes
}

#[test]
fn the_rtc_layouts_and_what_reached_the_app_are_named_on_their_endpoints() {
    let run = run();
    assert_eq!(
        codes(&run, 0),
        ["forwarded-for-missing", "forwarded-proto-missing"]
    );
    // The node reached directly is not judged for headers a proxy adds.
    assert_eq!(codes(&run, 1), Vec::<&str>::new());
    let rtc = codes(&run, 2);
    assert!(rtc.contains(&"rtc-mode-mismatch"), "{rtc:?}");
    assert!(rtc.contains(&"rtc-host-mismatch"), "{rtc:?}");
}

#[test]
fn the_human_rtc_and_forwarded_report_matches_its_golden() {
    golden::check("check-rtc-forwarded.txt", &golden::deployment_human(&run()));
}

#[test]
fn the_json_rtc_and_forwarded_report_matches_its_golden() {
    let (text, doc) = golden::deployment_json(&run());
    formats::check_json("check.schema.json", &doc);
    golden::check("check-rtc-forwarded.json", &text);
}
