//! `trustpath probe` of the connections a Java app makes out — LDAP (StartTLS and LDAPS), SMTP (STARTTLS
//! and implicit TLS), IMAP and POP3 (STARTTLS and implicit TLS), PostgreSQL (SSLRequest) — against the real
//! servers of `support::outbound` on 127.0.0.1, each serving a good chain, one missing its intermediate and
//! one under an untrusted root. The JVM is the judge (JNDI's StartTLS, an `SSLSocket` after the STARTTLS
//! exchange): trustpath's verdict equals the JVM's in every case, and the finding names the gap. A server
//! that does not offer or refuses the upgrade is a finding quoting its answer.

use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::Value;

use crate::support::outbound::{self, Lab, Served, Server};
use crate::support::{self, formats};

/// `trustpath probe --json TARGET` with the lab truststore; (exit code, the endpoint's JSON).
fn probe(lab: &Lab, target: &str, extra: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("probe")
        .arg(target)
        .args(extra)
        .arg("--truststore")
        .arg(lab.truststore())
        .args(["--storepass", "changeit", "--timeout", "5", "--json"])
        .output()
        .unwrap();
    let doc = formats::json("probe.schema.json", &out.stdout);
    (out.status.code().unwrap_or(-1), doc["endpoints"][0].clone())
}

fn codes(endpoint: &Value) -> Vec<String> {
    endpoint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// For each scenario of the lab, starts a server with `start` and judges each `(scheme, listener,
/// java protocol)` with trustpath and with the JVM: the verdicts agree, a good chain exits 0, the
/// others exit 1 with the scenario's finding. Returns false when the server is absent (skipped).
fn judge_every_scenario(
    start: fn(Option<&Served>) -> Option<Server>,
    targets: &[(&str, &str, &str)],
) -> bool {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return false;
    }
    let lab = outbound::lab();
    for (scenario, served, code) in lab.scenarios() {
        let Some(server) = start(Some(served)) else {
            return false;
        };
        for (scheme, listener, java) in targets {
            let port = server.port(listener);
            let url = format!("{scheme}://localhost:{port}");
            let resolve = format!("localhost:{port}:127.0.0.1");
            let (exit, endpoint) = probe(&lab, &url, &["--resolve", &resolve]);
            let jvm = outbound::java_verdict(java, port, &lab.truststore());
            let context = format!(
                "{scenario} {url}: trustpath {endpoint:#}\nJVM {jvm:?}\nserver log:\n{}",
                server.guard.log()
            );
            assert_eq!(endpoint["trusted"], jvm.trusted(), "{context}");
            assert_eq!(
                endpoint["chain"].as_array().map(Vec::len),
                Some(if scenario == "missing" { 1 } else { 2 }),
                "{context}"
            );
            match code {
                None => {
                    assert_eq!(exit, 0, "{context}");
                    assert!(jvm.trusted(), "{context}");
                }
                Some(code) => {
                    assert_eq!(exit, 1, "{context}");
                    assert!(!jvm.trusted(), "{context}");
                    assert!(codes(&endpoint).contains(&code.to_owned()), "{context}");
                }
            }
        }
    }
    true
}

#[test]
fn ldap_starttls_and_ldaps_verdicts_equal_the_jvms_jndi_for_every_chain() {
    judge_every_scenario(
        outbound::slapd,
        &[("ldap", "ldap", "ldap"), ("ldaps", "ldaps", "ldaps")],
    );
}

#[test]
fn smtp_starttls_and_implicit_tls_verdicts_equal_the_jvms_for_every_chain() {
    judge_every_scenario(
        outbound::exim,
        &[("smtp", "smtp", "smtp"), ("smtps", "smtps", "tls")],
    );
}

#[test]
fn imap_and_pop3_starttls_and_implicit_tls_verdicts_equal_the_jvms_for_every_chain() {
    judge_every_scenario(
        outbound::dovecot,
        &[
            ("imap", "imap", "imap"),
            ("imaps", "imaps", "tls"),
            ("pop3", "pop3", "pop3"),
            ("pop3s", "pop3s", "tls"),
        ],
    );
}

#[test]
fn postgres_sslrequest_verdicts_equal_the_jvms_for_every_chain() {
    judge_every_scenario(outbound::postgres, &[("postgres", "postgres", "postgres")]);
}

#[test]
fn starttls_given_as_an_option_upgrades_a_host_port_target() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::exim(Some(&lab.good)) else {
        return;
    };
    let target = format!("127.0.0.1:{}", server.port("smtp"));
    let (exit, endpoint) = probe(&lab, &target, &["--starttls", "smtp", "--sni", "localhost"]);
    assert_eq!(exit, 0, "{endpoint:#}");
    assert_eq!(endpoint["tls"]["starttls"], "smtp", "{endpoint:#}");
    assert_eq!(endpoint["target"], target);
}

/// The first finding of a probe of `url` on a server without TLS: (exit code, code, message).
fn refusal(lab: &Lab, url: &str) -> (i32, String, String) {
    let (exit, endpoint) = probe(lab, url, &[]);
    let first = &endpoint["findings"][0];
    assert!(endpoint["chain"].as_array().unwrap().is_empty());
    (
        exit,
        first["code"].as_str().unwrap().to_owned(),
        first["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_directory_without_tls_refuses_starttls_and_the_finding_quotes_its_result_code() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::slapd(None) else {
        return;
    };
    let (exit, code, message) = refusal(&lab, &format!("ldap://127.0.0.1:{}", server.port("ldap")));
    assert_eq!((exit, code.as_str()), (1, "starttls-refused"), "{message}");
    assert!(
        message.contains("refused the StartTLS extended operation; it answered: resultCode"),
        "{message}"
    );
}

#[test]
fn a_mail_server_without_tls_does_not_offer_starttls_and_the_finding_quotes_its_capabilities() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    if let Some(exim) = outbound::exim(None) {
        let (exit, code, message) =
            refusal(&lab, &format!("smtp://127.0.0.1:{}", exim.port("smtp")));
        assert_eq!(
            (exit, code.as_str()),
            (1, "starttls-not-offered"),
            "{message}"
        );
        // Exim's EHLO answer, quoted: its host name and the extensions it does offer.
        assert!(
            message.contains("does not offer STARTTLS; it answered: 250-mail.localhost Hello"),
            "{message}"
        );
    }
    if let Some(dovecot) = outbound::dovecot(None) {
        let (exit, code, message) =
            refusal(&lab, &format!("imap://127.0.0.1:{}", dovecot.port("imap")));
        assert_eq!(
            (exit, code.as_str()),
            (1, "starttls-not-offered"),
            "{message}"
        );
        assert!(message.contains("* CAPABILITY IMAP4rev1"), "{message}");
        let (exit, code, message) =
            refusal(&lab, &format!("pop3://127.0.0.1:{}", dovecot.port("pop3")));
        assert_eq!(
            (exit, code.as_str()),
            (1, "starttls-not-offered"),
            "{message}"
        );
        assert!(
            message.contains("does not offer STLS; it answered: +OK"),
            "{message}"
        );
    }
}

#[test]
fn a_database_with_ssl_off_refuses_the_sslrequest() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::postgres(None) else {
        return;
    };
    let (exit, code, message) = refusal(
        &lab,
        &format!(
            "postgres://127.0.0.1:{}/confluence",
            server.port("postgres")
        ),
    );
    assert_eq!((exit, code.as_str()), (1, "starttls-refused"), "{message}");
    assert!(
        message.contains("refused SSLRequest; it answered: N"),
        "{message}"
    );
}

#[test]
fn a_tls_port_probed_as_starttls_says_to_use_the_implicit_scheme() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::dovecot(Some(&lab.good)) else {
        return;
    };
    // Dovecot's imaps port waits for a ClientHello: the IMAP greeting never comes.
    let url = format!("imap://127.0.0.1:{}", server.port("imaps"));
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .args(["probe", &url, "--timeout", "1", "--json"])
        .arg("--truststore")
        .arg(lab.truststore())
        .args(["--storepass", "changeit"])
        .output()
        .unwrap();
    let doc = formats::json("probe.schema.json", &out.stdout);
    let finding = &doc["endpoints"][0]["findings"][0];
    assert_eq!(finding["code"], "timeout", "{doc:#}");
    assert!(
        finding["remediation"]
            .as_str()
            .unwrap()
            .contains("imaps://HOST:993"),
        "{doc:#}"
    );
}

/// The STARTTLS URL a `not-tls` finding's fix suggests (the first `scheme://` word in it).
fn suggested_url(fix: &str, scheme: &str) -> String {
    let start = fix.find(&format!("{scheme}://")).unwrap();
    fix[start..]
        .split([' ', ',', ';'])
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_mail_port_probed_as_tls_is_named_for_its_protocol_and_the_suggested_starttls_url_works() {
    if !support::have_tool("keytool") {
        return;
    }
    let lab = outbound::lab();
    let exim = outbound::exim(Some(&lab.good));
    let dovecot = outbound::dovecot(Some(&lab.good));
    let mut ports = Vec::new();
    if let Some(exim) = &exim {
        ports.push(("SMTP", "smtp", exim.port("smtp")));
    }
    if let Some(dovecot) = &dovecot {
        ports.push(("IMAP", "imap", dovecot.port("imap")));
        ports.push(("POP3", "pop3", dovecot.port("pop3")));
    }
    for (name, scheme, port) in ports {
        // The port given without a scheme: a TLS ClientHello meets the server's greeting.
        let (exit, endpoint) = probe(&lab, &format!("127.0.0.1:{port}"), &[]);
        assert_eq!(exit, 1, "{endpoint:#}");
        let first = &endpoint["findings"][0];
        assert_eq!(first["code"], "not-tls", "{endpoint:#}");
        let message = first["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("with {name} instead of TLS (")),
            "{message}"
        );
        // The fix's STARTTLS URL, run as written, captures the chain the JVM would judge.
        let url = suggested_url(first["remediation"].as_str().unwrap(), scheme);
        assert_eq!(url, format!("{scheme}://127.0.0.1:{port}"));
        let (exit, endpoint) = probe(&lab, &url, &["--sni", "localhost"]);
        assert_eq!(exit, 0, "{url}: {endpoint:#}");
        assert_eq!(endpoint["tls"]["starttls"], scheme, "{endpoint:#}");
    }
}
