//! IPv6 end to end on `::1`: `trustpath serve --listen [::1]:0` serves a lab scenario there, and
//! `trustpath check` judges a deployment whose endpoints are `https://[::1]:PORT/` URLs (the name
//! check against the leaf's IP SAN `::1`) and whose outbound connections are `ldaps://[::1]:PORT` and
//! `ldap://[::1]:PORT` (StartTLS) on a real slapd listening on `::1`. The JVM, connecting to `::1`,
//! agrees with every verdict.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use assert_cmd::prelude::*;
use serde_json::Value;

use crate::support::{self, formats, outbound};

/// A `trustpath serve` child process, killed when dropped.
struct Serving {
    child: Child,
    /// The first line it printed (`listening on [::1]:PORT`).
    line: String,
    port: u16,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `trustpath serve --scenario SCENARIO --listen [::1]:0`, writing a PKCS#12 truststore (`changeit`)
/// trusting the scenario's root.
fn serve_v6(scenario: &str, trust: &std::path::Path) -> Serving {
    let mut child = Command::cargo_bin("trustpath")
        .unwrap()
        .args([
            "serve",
            "--scenario",
            scenario,
            "--listen",
            "[::1]:0",
            "--for",
            "60",
        ])
        .arg("--write-trust")
        .arg(trust)
        .args(["--trust-format", "pkcs12", "--storepass", "changeit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{scenario}: no listening line, got {line:?}"));
    Serving { child, line, port }
}

/// Whether this machine has an IPv6 loopback (a skip otherwise).
fn have_ipv6_loopback() -> bool {
    support::require(
        "an IPv6 loopback address (::1)",
        std::net::TcpListener::bind("[::1]:0").is_ok(),
    )
}

/// `trustpath check --json` of `text` written to a deployment file in `dir`.
fn check(dir: &std::path::Path, text: &str) -> (i32, Value) {
    let file = dir.join("deployment.toml");
    std::fs::write(&file, text).unwrap();
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .args(["check", "--json", "--timeout", "5"])
        .arg(&file)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        formats::json("check.schema.json", &out.stdout),
    )
}

fn codes(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn serve_listens_on_ipv6_loopback_and_check_judges_its_bracketed_url_as_the_jvm_does() {
    if !have_ipv6_loopback() || !support::have_tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (scenario, code) in [
        ("good", None),
        ("missing-intermediate", Some("missing-intermediate")),
        ("untrusted-root", Some("untrusted-root")),
    ] {
        let trust = dir.path().join(format!("{scenario}.p12"));
        let served = serve_v6(scenario, &trust);
        assert!(
            served.line.starts_with("listening on [::1]:"),
            "{}",
            served.line
        );
        let url = format!("https://[::1]:{}/", served.port);
        let text = format!(
            "name = \"v6\"\n[jvm]\ntruststore = \"{}\"\nstorepass = \"changeit\"\n\
             [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"{url}\"\n",
            trust.display()
        );
        let (exit, doc) = check(dir.path(), &text);
        let app = &doc["endpoints"][0];
        assert_eq!(app["host"], "::1", "{app:#}");
        assert_eq!(app["probe"]["address"], format!("[::1]:{}", served.port));
        let java = outbound::java_verdict_at("tls", ("::1", "::1"), served.port, &trust, None);
        assert_eq!(
            app["verdict"] == "trusted",
            java.trusted(),
            "{scenario}: {app:#} vs the JVM {java:?}"
        );
        match code {
            None => assert_eq!((exit, codes(app).len()), (0, 0), "{app:#}"),
            Some(code) => {
                assert_eq!(exit, 1);
                assert!(codes(app).contains(&code), "{scenario}: {app:#}");
                // A suggested probe names the address as a target parses it, quoted for the shell.
                let text = app.to_string();
                assert!(
                    !text.contains("trustpath probe ")
                        || text.contains(&format!("trustpath probe '[::1]:{}'", served.port)),
                    "{app:#}"
                );
            }
        }
    }
}

#[test]
fn check_judges_outbound_ldap_on_ipv6_loopback_as_the_jvm_does() {
    if !have_ipv6_loopback() || !support::have_tool("keytool") || !support::have_tool("java") {
        return;
    }
    let lab = outbound::lab();
    let app = crate::support::serve::start_plain("app");
    for (served, trusted) in [
        (&lab.ipv6_good, true),
        (&lab.ipv6_untrusted_with_root, false),
    ] {
        let Some(slapd) = outbound::slapd_on(Some(served), "::1".parse().unwrap()) else {
            return;
        };
        let (ldap, ldaps) = (slapd.port("ldap"), slapd.port("ldaps"));
        let text = format!(
            "name = \"v6\"\n[jvm]\ntruststore = \"{}\"\nstorepass = \"changeit\"\n\
             [[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"http://127.0.0.1:{}/\"\n\
             [[endpoint]]\nname = \"directory\"\nrole = \"ldap\"\nurl = \"ldap://[::1]:{ldap}\"\n\
             [[endpoint]]\nname = \"directory-ldaps\"\nrole = \"ldap\"\nurl = \"ldaps://[::1]:{ldaps}\"\n",
            lab.truststore().display(),
            app.addr.port()
        );
        let dir = tempfile::tempdir().unwrap();
        let (exit, doc) = check(dir.path(), &text);
        assert_eq!(exit, if trusted { 0 } else { 1 }, "{doc:#}");
        for (name, proto, port) in [
            ("directory", "ldap", ldap),
            ("directory-ldaps", "ldaps", ldaps),
        ] {
            let o = doc["outbound"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == name)
                .unwrap();
            assert_eq!(o["host"], "::1");
            assert_eq!(o["probe"]["address"], format!("[::1]:{port}"), "{o:#}");
            let java =
                outbound::java_verdict_at(proto, ("::1", "::1"), port, &lab.truststore(), None);
            assert_eq!(
                o["verdict"] == "trusted",
                java.trusted(),
                "{o:#} vs {java:?}"
            );
            assert_eq!(java.trusted(), trusted, "{java:?}");
            if !trusted {
                assert!(codes(o).contains(&"untrusted-root"), "{o:#}");
            }
        }
    }
}
