//! Confluence's Synchrony diagnostics as one `trustpath check`: a loopback stand-in for Confluence answers
//! the Synchrony interop requests with `running` or `stopped`, `/synchrony/jwt-key` plainly or with a
//! redirect to an authentication proxy's login page, and Synchrony's heartbeat; `synchrony.service.url`
//! points at it or at a closed port. `synchrony-stopped` names the cause the check saw, and its fix.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::formats;
use crate::support::serve::free_port;

/// A plain HTTP server on 127.0.0.1 answering each request head with `answer(path)`; stopped on drop.
pub(super) struct Stub {
    pub(super) port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(super) fn stub(answer: impl Fn(&str) -> String + Send + 'static) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopped.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut chunk = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
            let _ = stream.write_all(answer(&path).as_bytes());
        }
    });
    Stub {
        port,
        stop,
        thread: Some(thread),
    }
}

pub(super) fn response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n{body}",
        body.len()
    )
}

const LOGIN_PAGE: &str = "<!doctype html><title>Sign in</title>\
    <form method=post action=/IDMSWebAuth/login><input name=u><input type=\"password\" name=p></form>";

/// A Confluence stand-in: the interop requests say `status`; `/synchrony/jwt-key` is redirected to
/// `login_port`'s login page when given.
fn confluence(status: &'static str, login_port: Option<u16>) -> Stub {
    confluence_with(true, status, login_port)
}

fn confluence_with(enabled: bool, status: &'static str, login_port: Option<u16>) -> Stub {
    stub(move |path| match path {
        "/rest/synchrony-interop/status" => response(
            "200 OK",
            "Content-Type: application/json\r\n",
            &format!(r#"{{"synchronyEnabled":{enabled},"sharedDraftsEnabled":true}}"#),
        ),
        "/rest/synchrony-interop/synchrony-status" => response(
            "200 OK",
            "Content-Type: application/json\r\n",
            &format!(r#"{{"status":"{status}"}}"#),
        ),
        "/synchrony/jwt-key" => match login_port {
            Some(port) => response(
                "302 Found",
                &format!(
                    "Location: http://idms.test:{port}/IDMSWebAuth/login?path=%2Fsynchrony%2Fjwt-key\r\n"
                ),
                "",
            ),
            None => response("200 OK", "", "jwt-key"),
        },
        "/synchrony/heartbeat" => response("200 OK", "", "OK"),
        _ => response("200 OK", "", "Confluence"),
    })
}

/// `trustpath check --json` on a Confluence deployment of `app`, with `service_port` as
/// `synchrony.service.url`'s port and the login host when given: exit code and the app's findings
/// (code, message, remediation).
fn check(
    app: &Stub,
    service_port: u16,
    login: Option<&Stub>,
) -> (Option<i32>, Vec<(String, String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wiki.toml");
    let mut text = format!(
        "product = \"confluence\"\n\
         [synchrony]\nservice_url = \"http://127.0.0.1:{service_port}/synchrony/v1\"\n\
         [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"http://wiki.test:{p}/\"\nconnect = \"127.0.0.1\"\n\
         [[endpoint]]\nname = \"synchrony-heartbeat\"\nrole = \"rtc\"\nurl = \"http://wiki.test:{p}/synchrony/heartbeat\"\nconnect = \"127.0.0.1\"\n\
         [[endpoint.http]]\nexpect_status = 200\n",
        p = app.port
    );
    if let Some(l) = login {
        text.push_str(&format!(
            "[[endpoint]]\nname = \"login\"\nrole = \"auth\"\nurl = \"http://idms.test:{}/\"\nconnect = \"127.0.0.1\"\n",
            l.port
        ));
    }
    std::fs::write(&file, text).unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5"])
        .arg(&file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    formats::check_json("check.schema.json", &v);
    let app = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "app")
        .unwrap();
    let findings = app["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
                f["remediation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (out.status.code(), findings)
}

/// The human report of the same check as [`check`] (the README's example is a human report).
fn check_human(app: &Stub, service_port: u16, login: &Stub) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wiki.toml");
    std::fs::write(
        &file,
        format!(
            "product = \"confluence\"\n\
             [synchrony]\nservice_url = \"http://127.0.0.1:{service_port}/synchrony/v1\"\n\
             [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"http://wiki.test:{p}/\"\nconnect = \"127.0.0.1\"\n\
             [[endpoint]]\nname = \"synchrony-heartbeat\"\nrole = \"rtc\"\nurl = \"http://wiki.test:{p}/synchrony/heartbeat\"\nconnect = \"127.0.0.1\"\n\
             [[endpoint.http]]\nexpect_status = 200\n\
             [[endpoint]]\nname = \"login\"\nrole = \"auth\"\nurl = \"http://idms.test:{l}/\"\nconnect = \"127.0.0.1\"\n",
            p = app.port,
            l = login.port
        ),
    )
    .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--timeout", "5"])
        .arg(&file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_readme_worked_example_of_the_authentication_proxy_article_is_what_check_prints() {
    let login = stub(|_| response("200 OK", "Content-Type: text/html\r\n", LOGIN_PAGE));
    let app = confluence("stopped", Some(login.port));
    let output = check_human(&app, app.port, &login)
        .replace("wiki.test", "confluence.example.test")
        .replace("idms.test", "idms.example.test")
        .replace(&format!(":{}", app.port), ":18090")
        .replace(&format!(":{}", login.port), ":18091");
    crate::support::readme_example::assert_shown(
        "$ trustpath check wiki.toml      # Confluence at confluence.example.test:18090 behind an authentication proxy",
        &output,
    );
}

fn codes(findings: &[(String, String, String)]) -> Vec<&str> {
    findings.iter().map(|f| f.0.as_str()).collect()
}

#[test]
fn a_running_synchrony_reached_by_its_service_url_gives_no_synchrony_finding() {
    let app = confluence("running", None);
    let (code, findings) = check(&app, app.port, None);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn stopped_while_jwt_key_goes_to_a_login_page_names_the_auth_proxy_and_allowing_synchrony() {
    let login = stub(|_| response("200 OK", "Content-Type: text/html\r\n", LOGIN_PAGE));
    let app = confluence("stopped", Some(login.port));
    let (code, findings) = check(&app, app.port, Some(&login));
    assert_eq!(code, Some(1));
    assert_eq!(
        codes(&findings)[..2],
        ["auth-proxy-redirect", "synchrony-stopped"],
        "{findings:#?}"
    );
    let (_, message, fix) = &findings[1];
    assert!(
        message.contains("says Synchrony is \"stopped\" (\"running\" expected): Confluence cannot reach Synchrony although Synchrony answers its heartbeat"),
        "{message}"
    );
    assert!(
        message.contains("(1) an authentication proxy blocking /synchrony/*: GET http://wiki.test:")
            && message.contains("/synchrony/jwt-key is redirected to a login page (auth-proxy-redirect) ← seen failing"),
        "{message}"
    );
    assert!(
        fix.starts_with("allow `/synchrony/*` without authentication"),
        "{fix}"
    );
    let redirect = &findings[0];
    assert!(redirect.2.contains("allow `/synchrony/*`"), "{redirect:?}");
}

#[test]
fn stopped_with_an_unreachable_service_url_names_synchrony_service_url() {
    let app = confluence("stopped", None);
    let closed = free_port();
    let (code, findings) = check(&app, closed, None);
    assert_eq!(code, Some(1));
    let (_, message, fix) = findings
        .iter()
        .find(|f| f.0 == "synchrony-stopped")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(
        message.contains(&format!(
            "(2) synchrony.service.url unreachable or untrusted from the app's JVM: http://127.0.0.1:{closed}/synchrony/v1 (synchrony-service): connect-failed"
        )) && message.contains("← seen failing"),
        "{message}"
    );
    assert!(
        fix.starts_with(&format!(
            "make synchrony.service.url (http://127.0.0.1:{closed}/synchrony/v1) reachable from the app's host and trusted by its JVM"
        )),
        "{fix}"
    );
}

#[test]
fn stopped_with_nothing_seen_failing_lists_every_fix_in_order() {
    let app = confluence("stopped", None);
    let (_, findings) = check(&app, app.port, None);
    let (_, message, fix) = findings
        .iter()
        .find(|f| f.0 == "synchrony-stopped")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(!message.contains("seen failing"), "{message}");
    assert!(
        fix.starts_with("in this order: allow `/synchrony/*`"),
        "{fix}"
    );
    assert!(fix.contains("atlassian-confluence.log"), "{fix}");
}

#[test]
fn collaborative_editing_switched_off_is_a_warning_naming_the_setting() {
    let app = confluence_with(false, "running", None);
    let (_, findings) = check(&app, app.port, None);
    assert_eq!(codes(&findings), ["synchrony-disabled"], "{findings:#?}");
    assert!(
        findings[0].1.contains("says synchronyEnabled false"),
        "{findings:#?}"
    );
}
