//! Single sign-on across two apps as one `trustpath check`: loopback stand-ins for Confluence and Jira
//! set Crowd's `crowd.token_key` scoped to their common parent domain (fine), or one of them host-only
//! (`sso-cookie-domain`, naming the host it never reaches and the domain to set).

use std::process::Command;

use super::synchrony::{Stub, response, stub};
use crate::support::formats;

/// An app that sets `crowd.token_key` with `domain` (host-only when `None`) on every answer.
fn app(domain: Option<&'static str>) -> Stub {
    stub(move |_| {
        let scope = domain.map(|d| format!("; Domain={d}")).unwrap_or_default();
        response(
            "200 OK",
            &format!("Set-Cookie: crowd.token_key=secret-token{scope}; Path=/; HttpOnly\r\n"),
            "app",
        )
    })
}

/// A finding as (endpoint, code, message, remediation).
type Found = (String, String, String, String);

/// `trustpath check --json` on wiki.corp.test and jira.corp.test: exit code, every finding, and the
/// document's text.
fn check(wiki: &Stub, jira: &Stub) -> (Option<i32>, Vec<Found>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sso.toml");
    std::fs::write(
        &file,
        format!(
            "[[endpoint]]\nname = \"wiki\"\nrole = \"app\"\nurl = \"http://wiki.corp.test:{}/\"\nconnect = \"127.0.0.1\"\n\
             [[endpoint]]\nname = \"jira\"\nrole = \"proxy\"\nurl = \"http://jira.corp.test:{}/\"\nconnect = \"127.0.0.1\"\n",
            wiki.port, jira.port
        ),
    )
    .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args(["check", "--json", "--timeout", "5"])
        .arg(&file)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    formats::check_json("check.schema.json", &v);
    let mut findings = Vec::new();
    for e in v["endpoints"].as_array().unwrap() {
        for f in e["findings"].as_array().unwrap() {
            findings.push((
                e["name"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
                f["remediation"].as_str().unwrap().to_owned(),
            ));
        }
    }
    (
        out.status.code(),
        findings,
        out.stdout.iter().map(|b| *b as char).collect(),
    )
}

#[test]
fn an_sso_cookie_scoped_to_the_common_parent_by_both_apps_is_fine() {
    let (wiki, jira) = (app(Some(".corp.test")), app(Some("corp.test")));
    let (code, findings, _) = check(&wiki, &jira);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_host_only_sso_cookie_on_one_app_is_named_with_the_host_it_misses_and_the_domain_to_set() {
    let (wiki, jira) = (app(None), app(Some(".corp.test")));
    let (code, findings, json) = check(&wiki, &jira);
    assert_eq!(code, Some(1), "{findings:#?}");
    let (endpoint, _, message, fix) = findings
        .iter()
        .find(|f| f.1 == "sso-cookie-domain")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(endpoint, "wiki");
    assert!(
        message.contains("with no Domain (host-only) is never sent to jira.corp.test"),
        "{message}"
    );
    assert!(fix.contains("to `.corp.test`"), "{fix}");
    // Cookie values are never reported.
    assert!(!json.contains("secret-token"), "{json}");
}
