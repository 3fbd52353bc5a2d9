//! Every `trustpath serve --scenario` is diagnosed by `trustpath probe` with its expected finding code,
//! through the binaries, on loopback: the fault server and the diagnosis agree on what each fault is.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use junit_parser::TestStatus;
use serde_json::Value;

use crate::support::formats;

/// (scenario, finding code expected, whether the JVM still trusts the endpoint)
const EXPECTED: &[(&str, Option<&str>, bool)] = &[
    ("good", None, true),
    ("missing-intermediate", Some("missing-intermediate"), false),
    ("wrong-order", Some("wrong-order"), true),
    ("served-root", Some("served-root"), true),
    ("expired", Some("expired"), false),
    ("not-yet-valid", Some("not-yet-valid"), false),
    ("wrong-host", Some("hostname-mismatch"), false),
    ("self-signed", Some("self-signed"), false),
    ("untrusted-root", Some("untrusted-root"), false),
    ("sha1", Some("weak-signature"), true),
    ("rsa-1024", Some("weak-key"), true),
    ("client-eku", Some("bad-eku"), false),
    ("plaintext-http", Some("plaintext-http"), false),
];

struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(scenario: &str, trust: &std::path::Path) -> Served {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
        .args([
            "serve",
            "--scenario",
            scenario,
            "--listen",
            "127.0.0.1:0",
            "--for",
            "60",
        ])
        .arg("--write-trust")
        .arg(trust)
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
    Served { child, port }
}

#[test]
fn every_serve_scenario_is_diagnosed_by_probe_with_its_finding_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (scenario, code, trusted) in EXPECTED {
        let trust = dir.path().join(format!("{scenario}-trust.pem"));
        let served = serve(scenario, &trust);
        let out = Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
            .args(["probe", "--json", "--timeout", "5"])
            .arg(format!("https://localhost:{}", served.port))
            .arg("--truststore")
            .arg(&trust)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{scenario}: {e}: {}", String::from_utf8_lossy(&out.stderr))
        });
        formats::check_json("probe.schema.json", &v);
        failures.extend(other_formats_agree(
            scenario,
            served.port,
            &trust,
            *code,
            *trusted,
            out.status.code(),
        ));
        let endpoint = &v["endpoints"][0];
        let codes: Vec<&str> = endpoint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        let got_trusted = endpoint["trusted"].as_bool().unwrap_or(false);
        let code_ok = match code {
            Some(c) => codes.contains(c),
            None => !endpoint["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["severity"] == "error"),
        };
        let exit_ok = out.status.code() == Some(if *trusted && code.is_none() { 0 } else { 1 })
            || (*trusted && out.status.code() == Some(0));
        if !code_ok || got_trusted != *trusted || !exit_ok {
            failures.push(format!(
                "{scenario}: want {code:?} trusted={trusted}, got {codes:?} trusted={got_trusted} exit={:?}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same probe as JUnit and as OpenMetrics: the same exit code, the JUnit report valid with a case
/// that fails exactly when the endpoint does (naming the expected code), the exposition accepted by
/// promtool with the JVM's verdict. Returns what disagrees.
fn other_formats_agree(
    scenario: &str,
    port: u16,
    trust: &std::path::Path,
    code: Option<&str>,
    trusted: bool,
    exit: Option<i32>,
) -> Vec<String> {
    let target = format!("https://localhost:{port}");
    let run = |format: &str| {
        Command::new(assert_cmd::cargo::cargo_bin("trustpath"))
            .args(["probe", "--format", format, "--timeout", "5", &target])
            .arg("--truststore")
            .arg(trust)
            .output()
            .unwrap()
    };
    let mut failures = Vec::new();
    let junit = run("junit");
    let text = String::from_utf8(junit.stdout).unwrap();
    let report = formats::junit(&text);
    let case = &report.suites[0].cases[0];
    let failed = match &case.status {
        TestStatus::Failure(f) => Some(format!("{}\n{}", f.message, f.text)),
        _ => None,
    };
    if junit.status.code() != exit || failed.is_some() != (exit == Some(1)) {
        failures.push(format!(
            "{scenario}: --format junit exit {:?} (json {exit:?}), failure {failed:?}",
            junit.status.code()
        ));
    }
    if let (Some(text), Some(code)) = (&failed, code)
        && !text.contains(code)
    {
        failures.push(format!(
            "{scenario}: the JUnit failure does not name {code}: {text}"
        ));
    }
    let metrics = run("openmetrics");
    let text = String::from_utf8(metrics.stdout).unwrap();
    formats::openmetrics(&text);
    let java = format!(
        "trustpath_endpoint_trusted{{endpoint=\"{target}\",profile=\"java\"}} {}",
        u8::from(trusted)
    );
    if metrics.status.code() != exit || !text.lines().any(|l| l == java) {
        failures.push(format!(
            "{scenario}: --format openmetrics exit {:?} (json {exit:?}), want {java} in\n{text}",
            metrics.status.code()
        ));
    }
    failures
}
