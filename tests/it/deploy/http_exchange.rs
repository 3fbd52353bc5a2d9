//! HTTP and WebSocket checks against real loopback servers: `trustpath serve` (a 200 page and a valid
//! 101, over TLS and plain) and small canned HTTP servers on 127.0.0.1 (a redirect to a second server
//! holding a login form, a same-host login redirect, session cookies without flags, a page or a wrong
//! accept key answering an upgrade, a redirect loop, a server that never answers). The test's Opener maps
//! every host name to 127.0.0.1, so the checks see the names a deployment would use.

use crate::support;

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use support::serve::{capture_connector, free_port, runtime, start, start_plain, tls_config};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use trustpath::deploy::model::{self, Deployment, Endpoint, EndpointUrl, HttpCheck};
use trustpath::deploy::web::{self, HttpOutcome, Limits, Opener, WebsocketOutcome};
use trustpath::finding::{Finding, Severity};
use trustpath::probe::http::AcceptCheck;
use trustpath::probe::{BoxIo, Failure};

/// Short enough to keep the silent-server tests quick, long enough for a loaded CI machine.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Hosts the test Opener knows; anything else is "not found", as DNS would say.
const HOSTS: &[&str] = &["wiki.test", "sso.test", "rtc.test"];

struct Identity {
    chain: Vec<Vec<u8>>,
    key: Vec<u8>,
}

/// One root and one leaf for every test host, made once per test binary.
fn identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| {
        let root = support::certs::root("http exchange test root");
        let leaf = support::certs::leaf(HOSTS, &root);
        Identity {
            chain: vec![leaf.der()],
            key: leaf.key.serialize_der(),
        }
    })
}

fn acceptor() -> TlsAcceptor {
    let id = identity();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        id.chain
            .iter()
            .map(|c| CertificateDer::from(c.clone()))
            .collect(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key.clone())),
    )
    .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// Connects to 127.0.0.1 on the URL's port for any known host name; TLS (capture-only, SNI = host)
/// for https and wss.
fn opener() -> Box<Opener> {
    Box::new(|url: EndpointUrl| {
        Box::pin(async move {
            open(&url)
                .await
                .map_err(|e| Failure::from_open(&e, TIMEOUT))
        })
    })
}

async fn open(url: &EndpointUrl) -> std::io::Result<BoxIo> {
    if !HOSTS.contains(&url.host.as_str()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("unknown host {}", url.host),
        ));
    }
    let tcp = TcpStream::connect(("127.0.0.1", url.port)).await?;
    if url.scheme.secure() {
        let name = ServerName::try_from(url.host.clone())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let tls = capture_connector().connect(name, tcp).await?;
        Ok(Box::new(tls) as BoxIo)
    } else {
        Ok(Box::new(tcp) as BoxIo)
    }
}

/// What a canned server does with a request head.
enum Reply {
    /// Write these bytes and close.
    Send(String),
    /// Say nothing and hold the connection.
    Silence,
    /// Wait, then write these bytes and close.
    Later(Duration, String),
}

/// A canned HTTP server on 127.0.0.1 recording the request heads it got; stopped (with its open
/// connections) when dropped.
struct Canned {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Canned {
    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn canned(tls: bool, answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Canned {
    let listener = runtime()
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let acceptor = tls.then(acceptor);
    let recorded = heads.clone();
    let task = runtime().spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((tcp, _)) = listener.accept().await {
            let (answer, recorded, acceptor) = (answer.clone(), recorded.clone(), acceptor.clone());
            connections.spawn(async move {
                match acceptor {
                    Some(a) => {
                        if let Ok(Ok(tls)) =
                            tokio::time::timeout(Duration::from_secs(5), a.accept(tcp)).await
                        {
                            serve_one(tls, &*answer, &recorded).await;
                        }
                    }
                    None => serve_one(tcp, &*answer, &recorded).await,
                }
            });
        }
    });
    Canned { port, heads, task }
}

async fn serve_one<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    answer: &(dyn Fn(&str) -> Reply + Send + Sync),
    recorded: &Mutex<Vec<String>>,
) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .is_err()
    {
        return;
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    recorded.lock().unwrap().push(head.clone());
    match answer(&head) {
        Reply::Send(response) => {
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Silence => tokio::time::sleep(Duration::from_secs(30)).await,
        Reply::Later(wait, response) => {
            tokio::time::sleep(wait).await;
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    }
}

/// The request target of a request head.
fn target(head: &str) -> &str {
    head.split(' ').nth(1).unwrap_or_default()
}

fn response(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.push_str(body);
    Reply::Send(out)
}

const LOGIN_PAGE: &str = "<!doctype html><title>Corporate sign-in</title>\
    <form method=post action=/login><input name=username><input type=\"password\" name=password></form>";

/// A deployment whose app is `app_url`, plus an `rtc` endpoint at `rtc_url` when given.
fn deployment(app_url: &str, rtc_url: Option<&str>) -> Deployment {
    let mut text = format!("[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"{app_url}\"\n");
    if let Some(rtc) = rtc_url {
        text.push_str(&format!(
            "[[endpoint]]\nname = \"synchrony\"\nrole = \"rtc\"\nurl = \"{rtc}\"\n"
        ));
    }
    model::parse(&text, "test.toml", Path::new("/")).unwrap()
}

fn check(path: &str, expect_status: Option<u16>) -> HttpCheck {
    HttpCheck {
        path: path.to_owned(),
        expect_status,
        expect_body: None,
        headers: Vec::new(),
        follow_redirects: true,
    }
}

/// Each step within [`TIMEOUT`], the whole well within the default deadline.
fn limits() -> Limits {
    Limits::new(TIMEOUT, Duration::from_secs(60))
}

fn http(endpoint: &Endpoint, check: &HttpCheck) -> HttpOutcome {
    runtime().block_on(web::run_http(&*opener(), None, endpoint, check, limits()))
}

fn websocket(endpoint: &Endpoint) -> WebsocketOutcome {
    let path = endpoint
        .websocket
        .clone()
        .unwrap_or(endpoint.url.path.clone());
    runtime().block_on(web::run_websocket(
        &*opener(),
        None,
        endpoint,
        &path,
        limits(),
    ))
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.name()).collect()
}

#[test]
fn trustpath_serve_upgrades_a_websocket_over_tls_with_a_valid_accept_key() {
    let id = identity();
    let server = start(tls_config(&id.chain, &id.key, "rtc over tls"));
    let d = deployment(
        "https://wiki.test/",
        Some(&format!(
            "wss://rtc.test:{}/synchrony/v1/bayeux-sync1",
            server.addr.port()
        )),
    );
    let rtc = &d.endpoints[1];
    let outcome = websocket(rtc);
    assert_eq!(outcome.status, Some(101), "{outcome:#?}");
    assert_eq!(outcome.accept, Some(AcceptCheck::Valid));
    assert!(outcome.upgraded());
    assert!(
        outcome.summary().ends_with(" → 101 upgraded"),
        "{}",
        outcome.summary()
    );
    assert!(web::websocket_findings(rtc, &outcome).is_empty());
}

#[test]
fn trustpath_serve_upgrades_a_websocket_over_plain_tcp() {
    let server = start_plain("rtc over tcp");
    let d = deployment(
        "http://wiki.test/",
        Some(&format!("ws://rtc.test:{}/synchrony/", server.addr.port())),
    );
    let outcome = websocket(&d.endpoints[1]);
    assert!(outcome.upgraded(), "{outcome:#?}");
}

#[test]
fn a_get_over_the_already_open_tls_connection_meets_its_expectations() {
    let id = identity();
    let server = start(tls_config(&id.chain, &id.key, "the wiki"));
    let d = deployment(&format!("https://wiki.test:{}/", server.addr.port()), None);
    let app = d.app();
    let mut c = check("/status?x=1", Some(200));
    c.expect_body = Some("trustpath serve: the wiki".into());
    let open = opener();
    let outcome = runtime().block_on(async {
        let first = open(app.url.clone()).await.unwrap();
        web::run_http(&*open, Some(first), app, &c, limits()).await
    });
    assert_eq!(outcome.hops.len(), 1, "{outcome:#?}");
    assert_eq!(outcome.hops[0].status, Some(200));
    assert!(outcome.hops[0].body_excerpt.contains("path: /status?x=1"));
    assert!(web::http_findings(&d, app, &c, &outcome).is_empty());

    c.expect_body = Some("Confluence is up".into());
    let f = web::http_findings(&d, app, &c, &outcome);
    assert_eq!(codes(&f), ["unexpected-body"]);
}

#[test]
fn a_cross_host_redirect_to_a_login_form_is_an_auth_proxy_naming_the_host_and_prefix() {
    let sso = canned(false, |head| match target(head) {
        t if t.starts_with("/login") => {
            response("200 OK", &["Content-Type: text/html"], LOGIN_PAGE)
        }
        _ => response("404 Not Found", &[], ""),
    });
    let sso_port = sso.port;
    let wiki = canned(false, move |head| {
        response(
            "302 Found",
            &[&format!(
                "Location: http://sso.test:{sso_port}/login?return={}",
                target(head)
            )],
            "",
        )
    });
    let d = deployment(&format!("http://wiki.test:{}/", wiki.port), None);
    let c = check("/synchrony/heartbeat", Some(200));
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops.len(), 2, "{outcome:#?}");
    assert!(outcome.hops[1].login_form);

    let f = web::http_findings(&d, d.app(), &c, &outcome);
    assert_eq!(codes(&f), ["auth-proxy-redirect"], "{f:#?}");
    assert_eq!(f[0].severity, Severity::Error);
    assert!(
        f[0].message.contains(&format!("sso.test:{sso_port}")),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("holds a login form"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].remediation.contains("allow `/synchrony/*`"),
        "{}",
        f[0].remediation
    );

    // The login host got its own Host header and none of the check's headers.
    let sso_heads = sso.heads();
    assert!(
        sso_heads[0].contains(&format!("Host: sso.test:{sso_port}")),
        "{sso_heads:?}"
    );
    assert!(wiki.heads()[0].starts_with("GET /synchrony/heartbeat HTTP/1.1"));
}

#[test]
fn a_same_host_redirect_to_the_apps_own_login_page_is_normal() {
    let wiki = canned(false, |head| match target(head) {
        "/" => response(
            "302 Found",
            &["Location: /login.action?os_destination=%2F"],
            "",
        ),
        _ => response("200 OK", &[], LOGIN_PAGE),
    });
    let d = deployment(&format!("http://wiki.test:{}/", wiki.port), None);
    let c = check("/", Some(200));
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops.len(), 2, "{outcome:#?}");
    assert!(outcome.hops[1].login_form);
    assert!(web::http_findings(&d, d.app(), &c, &outcome).is_empty());
}

#[test]
fn session_cookies_without_secure_or_http_only_over_https_are_insecure_cookies() {
    let wiki = canned(true, |_| {
        response(
            "200 OK",
            &[
                "Set-Cookie: JSESSIONID=0123456789ABCDEF; Path=/",
                "Set-Cookie: crowd.token_key=t0ken; Path=/; secure",
                "Set-Cookie: theme=dark",
            ],
            "welcome",
        )
    });
    let d = deployment(&format!("https://wiki.test:{}/", wiki.port), None);
    let c = web::implicit_check(d.app());
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops[0].set_cookies.len(), 3, "{outcome:#?}");
    let json =
        serde_json::to_string(&trustpath::report::json::deploy::HttpJson::from(&outcome)).unwrap();
    assert!(
        !json.contains("0123456789ABCDEF") && !json.contains("t0ken"),
        "{json}"
    );

    let f = web::http_findings(&d, d.app(), &c, &outcome);
    let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(codes(&f), ["insecure-cookie"; 3], "{messages:#?}");
    assert!(messages[0].contains("JSESSIONID is set without Secure"));
    assert!(messages[1].contains("JSESSIONID is set without HttpOnly"));
    assert!(messages[2].contains("crowd.token_key is set without HttpOnly"));
    assert!(messages[0].contains(&format!("https://wiki.test:{}/", wiki.port)));
}

#[test]
fn a_page_answering_an_upgrade_request_is_a_failed_upgrade() {
    let proxy = canned(false, |_| {
        response(
            "200 OK",
            &["Content-Type: text/html"],
            "<h1>Synchrony</h1><p>OK</p>",
        )
    });
    let d = deployment(
        "http://wiki.test/",
        Some(&format!(
            "ws://rtc.test:{}/synchrony/v1/bayeux-sync1",
            proxy.port
        )),
    );
    let rtc = &d.endpoints[1];
    let outcome = websocket(rtc);
    assert_eq!(outcome.status, Some(200), "{outcome:#?}");
    assert_eq!(outcome.accept, Some(AcceptCheck::Missing));
    assert_eq!(outcome.body_excerpt, "Synchrony OK");
    assert!(
        outcome
            .summary()
            .ends_with("/synchrony/v1/bayeux-sync1 → 200, not upgraded")
    );
    let f = web::websocket_findings(rtc, &outcome);
    assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
    assert!(
        f[0].message.contains("200 OK instead of 101"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].remediation
            .contains("proxy_set_header Upgrade $http_upgrade")
    );

    // The request was a browser's: key, version 13, Upgrade/Connection and an http origin.
    let head = proxy.heads()[0].to_ascii_lowercase();
    assert!(
        head.starts_with("get /synchrony/v1/bayeux-sync1 http/1.1"),
        "{head}"
    );
    assert!(head.contains("upgrade: websocket") && head.contains("connection: upgrade"));
    assert!(head.contains("sec-websocket-version: 13") && head.contains("sec-websocket-key: "));
    assert!(
        head.contains(&format!("origin: http://rtc.test:{}", proxy.port)),
        "{head}"
    );
}

#[test]
fn a_101_with_a_wrong_accept_key_is_a_failed_upgrade() {
    let proxy = canned(true, |_| {
        Reply::Send(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: dGhpcyBpcyBub3QgaXQ=\r\n\r\n"
                .into(),
        )
    });
    let d = deployment(
        "https://wiki.test/",
        Some(&format!("wss://rtc.test:{}/synchrony/", proxy.port)),
    );
    let rtc = &d.endpoints[1];
    let outcome = websocket(rtc);
    assert_eq!(outcome.status, Some(101), "{outcome:#?}");
    assert!(
        matches!(&outcome.accept, Some(AcceptCheck::Wrong { got, .. }) if got == "dGhpcyBpcyBub3QgaXQ=")
    );
    let f = web::websocket_findings(rtc, &outcome);
    assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
    assert!(
        f[0].message.contains("dGhpcyBpcyBub3QgaXQ="),
        "{}",
        f[0].message
    );
    assert!(proxy.heads()[0].contains(&format!("https://rtc.test:{}", proxy.port)));
}

#[test]
fn a_server_that_never_answers_is_an_http_failure_after_the_timeout() {
    let silent = canned(false, |_| Reply::Silence);
    let d = deployment(
        &format!("http://wiki.test:{}/", silent.port),
        Some(&format!("ws://rtc.test:{}/synchrony/", silent.port)),
    );
    let c = check("/", Some(200));
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops[0].status, None);
    let f = web::http_findings(&d, d.app(), &c, &outcome);
    assert_eq!(codes(&f), ["http-failed"], "{f:#?}");
    assert!(
        f[0].message
            .contains("timeout: no complete response within 2 s"),
        "{}",
        f[0].message
    );

    let ws = websocket(&d.endpoints[1]);
    let f = web::websocket_findings(&d.endpoints[1], &ws);
    assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
    assert!(f[0].message.contains("timeout"), "{}", f[0].message);
}

#[test]
fn a_refused_connection_and_an_unknown_host_are_connect_failures() {
    let d = deployment(&format!("http://wiki.test:{}/", free_port()), None);
    let c = check("/", None);
    let f = web::http_findings(&d, d.app(), &c, &http(d.app(), &c));
    assert_eq!(codes(&f), ["http-failed"]);
    assert!(
        f[0].message.contains("failed: connect: "),
        "{}",
        f[0].message
    );

    let d = deployment("http://elsewhere.test/", None);
    let f = web::http_findings(&d, d.app(), &c, &http(d.app(), &c));
    assert!(
        f[0].message.contains("unknown host elsewhere.test"),
        "{}",
        f[0].message
    );
}

#[test]
fn a_redirect_loop_stops_at_the_first_repeated_url() {
    let wiki = canned(false, |head| {
        let next = if target(head) == "/a" { "/b" } else { "/a" };
        response("302 Found", &[&format!("Location: {next}")], "")
    });
    let d = deployment(&format!("http://wiki.test:{}/", wiki.port), None);
    let c = check("/a", Some(200));
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops.len(), 2, "{outcome:#?}");
    let f = web::http_findings(&d, d.app(), &c, &outcome);
    assert_eq!(codes(&f), ["http-failed"]);
    assert!(f[0].message.contains("redirect loop"), "{}", f[0].message);
    assert_eq!(wiki.heads().len(), 2);
}

#[test]
fn redirects_stop_after_the_maximum() {
    let wiki = canned(false, |head| {
        let n: usize = target(head).trim_start_matches('/').parse().unwrap_or(0);
        response(
            "307 Temporary Redirect",
            &[&format!("Location: /{}", n + 1)],
            "",
        )
    });
    let d = deployment(&format!("http://wiki.test:{}/", wiki.port), None);
    let c = check("/0", None);
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops.len(), model::MAX_REDIRECTS + 1);
    let last = outcome.hops.last().unwrap();
    assert!(
        last.error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("more than 10 redirects")
    );
}

#[test]
fn a_proxy_that_closes_on_an_upgrade_and_a_port_that_is_not_http_are_named() {
    let closing = canned(false, |_| Reply::Send(String::new()));
    let d = deployment(
        "http://wiki.test/",
        Some(&format!("ws://rtc.test:{}/synchrony/", closing.port)),
    );
    let ws = websocket(&d.endpoints[1]);
    assert_eq!(ws.status, None, "{ws:#?}");
    let f = web::websocket_findings(&d.endpoints[1], &ws);
    assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
    assert!(
        f[0].message.contains("the connection was closed"),
        "{}",
        f[0].message
    );

    let ssh = canned(false, |_| Reply::Send("SSH-2.0-OpenSSH_9.6\r\n".into()));
    let d = deployment(&format!("http://wiki.test:{}/", ssh.port), None);
    let c = check("/", Some(200));
    let f = web::http_findings(&d, d.app(), &c, &http(d.app(), &c));
    assert_eq!(codes(&f), ["http-failed"]);
    assert!(
        f[0].message
            .contains("read: the answer is not an HTTP/1.1 response"),
        "{}",
        f[0].message
    );
}

#[test]
fn configured_headers_go_only_to_the_origin_they_were_configured_for() {
    // https://wiki.test:A/ → https://wiki.test:A/next (same origin: credentials again) →
    // http://wiki.test:B/clear (same host, plain HTTP: none) → https://wiki.test:C/other-port (none).
    let other_port = canned(true, |_| response("200 OK", &[], "done"));
    let other = other_port.port;
    let clear = canned(false, move |_| {
        response(
            "302 Found",
            &[&format!("Location: https://wiki.test:{other}/other-port")],
            "",
        )
    });
    let clear_port = clear.port;
    let app = canned(true, move |head| match target(head) {
        "/" => response("302 Found", &["Location: /next"], ""),
        _ => response(
            "302 Found",
            &[&format!("Location: http://wiki.test:{clear_port}/clear")],
            "",
        ),
    });
    let d = deployment(&format!("https://wiki.test:{}/", app.port), None);
    let mut c = check("/", Some(200));
    c.headers = vec![
        ("Authorization".into(), "Basic c2VjcmV0OnMzY3JldA==".into()),
        ("Cookie".into(), "seraph.confluence=t0ken".into()),
        ("X-Trace".into(), "lab-secret".into()),
    ];
    let outcome = http(d.app(), &c);
    assert_eq!(outcome.hops.len(), 4, "{outcome:#?}");
    assert_eq!(outcome.hops[3].status, Some(200));
    let secrets = ["c2VjcmV0OnMzY3JldA==", "t0ken", "lab-secret"];
    let app_heads = app.heads();
    assert_eq!(app_heads.len(), 2, "{app_heads:?}");
    for head in &app_heads {
        for secret in secrets {
            assert!(
                head.contains(secret),
                "{secret} not sent to its origin: {head}"
            );
        }
    }
    for head in clear.heads().iter().chain(other_port.heads().iter()) {
        for secret in secrets {
            assert!(!head.contains(secret), "{secret} left its origin: {head}");
        }
    }
    assert_eq!(clear.heads().len(), 1);
    assert_eq!(other_port.heads().len(), 1);
}

#[test]
fn a_server_that_redirects_slowly_forever_is_stopped_by_the_deadline_where_it_is() {
    // Every answer takes 400 ms and redirects to the next number: without a deadline the ten
    // redirects would take four seconds; with a 1.5 s deadline the check stops at the fourth request.
    let slow = canned(false, |head| {
        let n: usize = target(head).trim_start_matches('/').parse().unwrap_or(0);
        match response("302 Found", &[&format!("Location: /{}", n + 1)], "") {
            Reply::Send(text) => Reply::Later(Duration::from_millis(400), text),
            other => other,
        }
    });
    let d = deployment(&format!("http://wiki.test:{}/", slow.port), None);
    let c = check("/0", Some(200));
    let limits = Limits::new(TIMEOUT, Duration::from_millis(1500));
    let outcome = runtime().block_on(web::run_http(&*opener(), None, d.app(), &c, limits));
    assert!(outcome.stopped_by_deadline(), "{outcome:#?}");
    let last = outcome.hops.last().unwrap();
    assert!(
        last.error
            .as_ref()
            .unwrap()
            .to_string()
            .starts_with("deadline: the endpoint's 1.5 s deadline passed"),
        "{last:#?}"
    );
    assert!(outcome.hops.len() < model::MAX_REDIRECTS, "{outcome:#?}");
    // The hop the deadline stopped is no HTTP failure of its own: the endpoint's timeout finding says it.
    assert!(web::http_findings(&d, d.app(), &c, &outcome).is_empty());
}

#[test]
fn check_stops_an_endpoint_at_its_deadline_and_names_where_and_what_was_not_made() {
    // Each answer takes 700 ms and redirects once more: ten redirects would take seven seconds.
    let slow = canned(false, |head| {
        let n: usize = target(head).trim_start_matches('/').parse().unwrap_or(0);
        match response("302 Found", &[&format!("Location: /{}", n + 1)], "") {
            Reply::Send(text) => Reply::Later(Duration::from_millis(700), text),
            other => other,
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.toml");
    let base = format!("http://127.0.0.1:{}", slow.port);
    std::fs::write(
        &file,
        format!(
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"{base}/\"\n\
             [[endpoint.http]]\npath = \"/0\"\n[[endpoint.http]]\npath = \"/status\"\n"
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5", "--deadline", "2"])
        .arg(&file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let findings = v["endpoints"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "timeout");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "the check of app stopped at its 2 s deadline (--deadline) during GET {base}/"
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("of GET {base}/0 → 302 → {base}/1")),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("not made: GET {base}/status")),
        "{message}"
    );
    let hops = v["endpoints"][0]["http"][0]["hops"].as_array().unwrap();
    assert!(
        hops.last().unwrap()["error"]
            .as_str()
            .unwrap()
            .starts_with("deadline: "),
        "{hops:#?}"
    );
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}
