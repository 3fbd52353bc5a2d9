//! `trustpath check` of the app's outbound connections against real servers on loopback: OpenLDAP
//! `slapd` (StartTLS and LDAPS), Exim (SMTP STARTTLS), Dovecot (IMAP STARTTLS and IMAPS, POP3 STLS and
//! POP3S), PostgreSQL (SSLRequest) and `trustpath serve`
//! (HTTPS), each serving a good chain, one missing its intermediate and one under an untrusted root,
//! declared in a deployment file with roles `ldap`, `mail`, `db` and `outbound` and judged with the app
//! JVM's truststore (`[jvm] truststore`). The JVM (JNDI's StartTLS, an `SSLSocket` after the STARTTLS
//! exchange, TLS from the first byte) agrees with every verdict. `[jvm] proxy` tunnels the outbound
//! HTTPS through a real tinyproxy, whose refusal is a finding quoting its answer; `[synchrony]
//! service_url` is one of the outbound connections.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde_json::Value;

use crate::support::outbound::{self, Lab, Served};
use crate::support::{self, formats, serve};

/// An in-process HTTPS server serving `served`.
fn https(served: &Served) -> serve::Running {
    let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(served.chain_pem.as_bytes())
        .map(|c| c.unwrap().to_vec())
        .collect();
    let key = PrivatePkcs8KeyDer::from_pem_slice(served.key_pem.as_bytes()).unwrap();
    serve::start(serve::tls_config(&chain, key.secret_pkcs8_der(), "service"))
}

/// The start of a deployment file: the lab truststore as the app JVM's, `jvm_extra` more `[jvm]` lines,
/// and a plain app endpoint (a `trustpath serve` on `app_port`).
pub(super) fn header(lab: &Lab, jvm_extra: &str, app_port: u16) -> String {
    format!(
        "name = \"outbound-lab\"\n[jvm]\ntruststore = \"{}\"\nstorepass = \"changeit\"\n{jvm_extra}\n\
         [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"http://127.0.0.1:{app_port}/\"\n",
        lab.truststore().display()
    )
}

/// One outbound `[[endpoint]]` at `localhost`, connected at 127.0.0.1.
pub(super) fn entry(name: &str, role: &str, url: &str) -> String {
    format!(
        "[[endpoint]]\nname = \"{name}\"\nrole = \"{role}\"\nurl = \"{url}\"\nconnect = \"127.0.0.1\"\n"
    )
}

/// `trustpath check --json FILE` (the caller's proxy variables removed): exit code and document,
/// checked against the schema.
pub(super) fn check(dir: &Path, text: &str, extra: &[&str]) -> (i32, Value) {
    let file = dir.join("deployment.toml");
    std::fs::write(&file, text).unwrap();
    let mut cmd = Command::cargo_bin("trustpath").unwrap();
    for var in ["https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"] {
        cmd.env_remove(var);
    }
    let out = cmd
        .env("NO_COLOR", "1")
        .args(["check", "--timeout", "5"])
        .args(extra)
        .arg(&file)
        .output()
        .unwrap();
    if extra.contains(&"--json") {
        let doc = formats::json("check.schema.json", &out.stdout);
        (out.status.code().unwrap_or(-1), doc)
    } else {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code().unwrap_or(-1), Value::String(text))
    }
}

pub(super) fn outbound<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["outbound"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no outbound {name} in {doc:#}"))
}

pub(super) fn codes(o: &Value) -> Vec<String> {
    o["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn check_judges_ldap_mail_db_and_https_outbound_as_the_jvm_does_for_every_scenario() {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let lab = outbound::lab();
    let app = serve::start_plain("app");
    let documented = support::json_doc::check_shape();
    let mut seen = std::collections::BTreeSet::new();
    for (scenario, served, code) in lab.scenarios() {
        let (Some(slapd), Some(exim), Some(pg)) = (
            outbound::slapd(Some(served)),
            outbound::exim(Some(served)),
            outbound::postgres(Some(served)),
        ) else {
            return;
        };
        let service = https(served);
        // (name, role, url, the JVM client's protocol, port)
        let connections = [
            ("directory", "ldap", "ldap", "ldap", slapd.port("ldap")),
            (
                "directory-ldaps",
                "ldap",
                "ldaps",
                "ldaps",
                slapd.port("ldaps"),
            ),
            ("mail", "mail", "smtp", "smtp", exim.port("smtp")),
            ("mail-implicit", "mail", "smtps", "tls", exim.port("smtps")),
            ("db", "db", "postgres", "postgres", pg.port("postgres")),
            ("jira", "outbound", "https", "tls", service.addr.port()),
        ];
        let mut text = header(&lab, "", app.addr.port());
        for (name, role, scheme, _, port) in &connections {
            text.push_str(&entry(name, role, &format!("{scheme}://localhost:{port}")));
        }
        let dir = tempfile::tempdir().unwrap();
        let (exit, doc) = check(dir.path(), &text, &["--json"]);
        assert_eq!(
            exit,
            if code.is_none() { 0 } else { 1 },
            "{scenario}: {doc:#}"
        );
        assert_eq!(doc["outbound"].as_array().unwrap().len(), connections.len());
        // The document is the README's, field for field.
        let undocumented = support::json_doc::compare(&doc, &documented, &mut seen);
        assert!(undocumented.is_empty(), "{scenario}: {undocumented:#?}");
        for (name, role, scheme, java, port) in &connections {
            let o = outbound(&doc, name);
            let java = outbound::java_verdict(java, *port, &lab.truststore());
            let trusted = o["verdict"] == "trusted";
            assert_eq!(
                trusted,
                java.trusted(),
                "{scenario} {name}: trustpath {o:#} vs the JVM {java:?}"
            );
            assert_eq!(
                (o["role"].as_str(), o["ok"].as_bool()),
                (Some(*role), Some(trusted))
            );
            assert_eq!(o["proxy"], Value::Null);
            let starttls = matches!(*scheme, "ldap" | "smtp" | "postgres");
            assert_eq!(o["starttls"].is_string(), starttls, "{name}: {o:#}");
            match code {
                None => assert!(codes(o).is_empty(), "{scenario} {name}: {o:#}"),
                Some(code) => {
                    assert!(
                        codes(o).iter().any(|c| c == code),
                        "{scenario} {name}: {o:#}"
                    );
                    // The fix names the app's truststore and how to get the CA file.
                    let fixes: String = o["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| f["remediation"].as_str().unwrap())
                        .collect();
                    if code == "untrusted-root" {
                        assert!(
                            fixes.contains(&lab.truststore().display().to_string())
                                && fixes.contains("trustpath probe "),
                            "{scenario} {name}: {fixes}"
                        );
                    }
                }
            }
        }
        // The endpoints' own verdicts are untouched: the plain app is reached.
        assert_eq!(doc["endpoints"][0]["verdict"], "plain", "{doc:#}");
    }
    let never: Vec<String> = support::json_doc::paths(&documented)
        .difference(&seen)
        .filter(|p| p.starts_with(".outbound[]") && !p.starts_with(".outbound[].probe."))
        .cloned()
        .collect();
    assert!(
        never.is_empty(),
        "documented outbound fields never seen: {never:#?}"
    );
}

#[test]
fn check_judges_imap_and_pop3_mail_connections_as_the_jvm_does_for_every_scenario() {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let lab = outbound::lab();
    let app = serve::start_plain("app");
    for (scenario, served, code) in lab.scenarios() {
        let Some(dovecot) = outbound::dovecot(Some(served)) else {
            return;
        };
        // (name, scheme and listener, the JVM client's protocol)
        let connections = [
            ("imap", "imap", "imap"),
            ("imaps", "imaps", "tls"),
            ("pop3", "pop3", "pop3"),
            ("pop3s", "pop3s", "tls"),
        ];
        let mut text = header(&lab, "", app.addr.port());
        for (name, scheme, _) in &connections {
            let port = dovecot.port(scheme);
            text.push_str(&entry(
                name,
                "mail",
                &format!("{scheme}://localhost:{port}"),
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let (exit, doc) = check(dir.path(), &text, &["--json"]);
        let context = format!("{scenario}: {doc:#}\ndovecot log:\n{}", dovecot.guard.log());
        assert_eq!(exit, if code.is_none() { 0 } else { 1 }, "{context}");
        // In the file's order, whatever order the connections finished in.
        let names: Vec<&str> = doc["outbound"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["imap", "imaps", "pop3", "pop3s"], "{context}");
        for (name, scheme, java) in &connections {
            let o = outbound(&doc, name);
            let java = outbound::java_verdict(java, dovecot.port(scheme), &lab.truststore());
            assert_eq!(
                o["verdict"] == "trusted",
                java.trusted(),
                "{scenario} {name}: trustpath {o:#} vs the JVM {java:?}"
            );
            assert_eq!(o["role"], "mail");
            // STARTTLS for imap:// (STARTTLS) and pop3:// (STLS); TLS at once for the s forms.
            let starttls = if scheme.ends_with('s') {
                Value::Null
            } else {
                Value::from(*scheme)
            };
            assert_eq!(o["starttls"], starttls, "{name}: {o:#}");
            match code {
                None => {
                    assert!(java.trusted(), "{scenario} {name}: {java:?}");
                    assert!(codes(o).is_empty(), "{scenario} {name}: {o:#}");
                }
                Some(code) => {
                    assert!(!java.trusted(), "{scenario} {name}: {java:?}");
                    assert!(
                        codes(o).iter().any(|c| c == code),
                        "{scenario} {name}: {o:#}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_human_report_has_the_outbound_section_and_counts_its_failures() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let app = serve::start_plain("app");
    let Some(slapd) = outbound::slapd(Some(&lab.missing)) else {
        return;
    };
    let good = https(&lab.good);
    let mut text = header(&lab, "", app.addr.port());
    text.push_str(&entry(
        "directory",
        "ldap",
        &format!("ldaps://localhost:{}", slapd.port("ldaps")),
    ));
    text.push_str(&entry(
        "jira",
        "outbound",
        &format!("https://localhost:{}/", good.addr.port()),
    ));
    let dir = tempfile::tempdir().unwrap();
    let (exit, out) = check(dir.path(), &text, &[]);
    let out = out.as_str().unwrap();
    assert_eq!(exit, 1, "{out}");
    assert!(
        out.contains("the app's outbound connections (judged with the app JVM's truststore)"),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("directory")
            && l.contains("not trusted")
            && l.contains("missing-intermediate")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("jira") && l.contains("outbound") && l.contains(" trusted")),
        "{out}"
    );
    assert!(
        out.contains("1 endpoint, 0 with errors; 2 outbound connections, 1 with errors; 1 error"),
        "{out}"
    );
}

#[test]
fn jvm_proxy_tunnels_outbound_https_and_a_refusal_quotes_the_proxy() {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let lab = outbound::lab();
    let app = serve::start_plain("app");
    let Some(proxy) = outbound::tinyproxy("") else {
        return;
    };
    let Some(slapd) = outbound::slapd(Some(&lab.good)) else {
        return;
    };
    let proxy_port = proxy.port("proxy");
    for (scenario, served, code) in lab.scenarios() {
        let service = https(served);
        let port = service.addr.port();
        // The JVM keeps loopback direct unless http.nonProxyHosts is set empty, as here.
        let jvm = format!("proxy = \"127.0.0.1:{proxy_port}\"\nnon_proxy_hosts = \"\"\n");
        let mut text = header(&lab, &jvm, app.addr.port());
        text.push_str(&entry(
            "jira",
            "outbound",
            &format!("https://localhost:{port}/"),
        ));
        // The directory client ignores https.proxyHost: it connects directly.
        text.push_str(&entry(
            "directory",
            "ldap",
            &format!("ldaps://localhost:{}", slapd.port("ldaps")),
        ));
        let dir = tempfile::tempdir().unwrap();
        let (exit, doc) = check(dir.path(), &text, &["--json"]);
        let jira = outbound(&doc, "jira");
        assert_eq!(jira["proxy"], format!("127.0.0.1:{proxy_port}"), "{jira:#}");
        assert_eq!(outbound(&doc, "directory")["proxy"], Value::Null);
        let java = outbound::java_verdict_via("tls", port, &lab.truststore(), Some(proxy_port));
        assert_eq!(
            jira["verdict"] == "trusted",
            java.trusted(),
            "{scenario}: {jira:#} vs {java:?}"
        );
        assert_eq!(exit, if code.is_none() { 0 } else { 1 }, "{doc:#}");
        if let Some(code) = code {
            assert!(codes(jira).iter().any(|c| c == code), "{jira:#}");
            // The import's fix line probes through the same proxy.
            assert!(
                code != "untrusted-root"
                    || jira
                        .to_string()
                        .contains(&format!("--proxy http://127.0.0.1:{proxy_port}")),
                "{jira:#}"
            );
        }
        assert!(
            proxy
                .guard
                .log()
                .contains(&format!("CONNECT localhost:{port}")),
            "the tunnel did not go through tinyproxy:\n{}",
            proxy.guard.log()
        );
    }
    // A proxy that allows CONNECT only to 443 refuses: the finding quotes its answer and the fix
    // speaks of the JVM's settings.
    let Some(strict) = outbound::tinyproxy("ConnectPort 443") else {
        return;
    };
    let service = https(&lab.good);
    let jvm = format!(
        "proxy = \"127.0.0.1:{}\"\nnon_proxy_hosts = \"\"\n",
        strict.port("proxy")
    );
    let mut text = header(&lab, &jvm, app.addr.port());
    text.push_str(&entry(
        "jira",
        "outbound",
        &format!("https://localhost:{}/", service.addr.port()),
    ));
    let dir = tempfile::tempdir().unwrap();
    let (exit, doc) = check(dir.path(), &text, &["--json"]);
    assert_eq!(exit, 1);
    let jira = outbound(&doc, "jira");
    let f = &jira["findings"][0];
    assert_eq!(f["code"], "proxy-failed", "{jira:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("refused the tunnel to localhost:")
            && f["message"].as_str().unwrap().contains(" 403 "),
        "{f:#}"
    );
    assert!(
        f["remediation"]
            .as_str()
            .unwrap()
            .contains("-Dhttp.nonProxyHosts"),
        "{f:#}"
    );
    assert_eq!(jira["verdict"], "proxy-failed");
}

#[test]
fn synchrony_service_url_is_an_outbound_connection_judged_with_the_app_truststore() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let app = serve::start_plain("app");
    for (scenario, served, code) in lab.scenarios() {
        let service = https(served);
        let text = format!(
            "{}[synchrony]\nservice_url = \"https://127.0.0.1:{}/synchrony/v1\"\n",
            header(&lab, "", app.addr.port()),
            service.addr.port()
        );
        // The lab's leaf names localhost: the service URL names it too, connected at 127.0.0.1
        // through --resolve.
        let text = text.replace("https://127.0.0.1:", "https://localhost:");
        let resolve = format!("localhost:{}:127.0.0.1", service.addr.port());
        let dir = tempfile::tempdir().unwrap();
        let (exit, doc) = check(dir.path(), &text, &["--json", "--resolve", &resolve]);
        let o = outbound(&doc, "synchrony-service");
        assert_eq!(o["role"], "outbound");
        assert_eq!(
            exit,
            if code.is_none() { 0 } else { 1 },
            "{scenario}: {doc:#}"
        );
        match code {
            None => assert_eq!(o["verdict"], "trusted", "{o:#}"),
            Some(code) => assert!(codes(o).iter().any(|c| c == code), "{o:#}"),
        }
        assert!(
            doc["endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["name"] != "synchrony-service"),
            "{doc:#}"
        );
    }
}
