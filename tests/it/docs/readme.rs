//! The README documents every finding code trustpath emits: the codes are every variant of
//! `finding::Code` (`Code::all`), looked up in the README's tables as `` `code` ``.

use trustpath::finding::Code;

#[test]
fn every_finding_code_is_documented_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let codes: Vec<&str> = Code::all().map(Code::name).collect();
    assert!(codes.len() > 40, "{codes:?}");
    let missing: Vec<&&str> = codes
        .iter()
        .filter(|c| !readme.contains(&format!("`{c}`")))
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");
}

#[test]
fn the_readme_deployment_file_example_is_a_valid_deployment() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### The deployment file")
        .nth(1)
        .expect("README has a deployment file section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the section has a toml example");
    let d = trustpath::deploy::model::parse(example, "README.md", std::path::Path::new("/"))
        .unwrap_or_else(|e| panic!("the README example does not parse: {e}"));
    assert_eq!(d.app().name, "app");
    assert!(d.endpoints.len() >= 4);
    assert!(d.endpoints.iter().any(|e| e.websocket.is_some()));
}

/// The README's fenced block in `lang` that starts with `first_line`.
fn readme_block(lang: &str, first_line: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = format!("```{lang}\n{first_line}\n");
    let at = readme
        .find(&start)
        .unwrap_or_else(|| panic!("the README has no {lang} block starting {first_line:?}"));
    let body = &readme[at + lang.len() + 4..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_readme_cron_script_replaces_the_metrics_file_in_one_step_and_keeps_it_on_a_failed_job() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    if !crate::support::have_tool("sh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let textfiles = dir.path().join("node-exporter");
    std::fs::create_dir(&textfiles).unwrap();
    let targets = dir.path().join("endpoints.txt");
    // A port nothing listens on: a connect-failed finding, exit 1, metrics all the same.
    std::fs::write(&targets, "127.0.0.1:1\n").unwrap();
    let script = readme_block("sh", "#!/bin/sh");
    for path in [
        "/var/lib/prometheus/node-exporter",
        "/etc/trustpath/endpoints.txt",
        "/opt/atlassian/confluence/jre/lib/security/cacerts",
    ] {
        assert!(script.contains(path), "the script no longer names {path}");
    }
    let truststore = crate::support::golden::fixture("root.pem");
    let adapted = |truststore: &std::path::Path| {
        script
            .replace(
                "/var/lib/prometheus/node-exporter",
                textfiles.to_str().unwrap(),
            )
            .replace("/etc/trustpath/endpoints.txt", targets.to_str().unwrap())
            .replace(
                "/opt/atlassian/confluence/jre/lib/security/cacerts",
                truststore.to_str().unwrap(),
            )
    };
    let bin = assert_cmd::cargo::cargo_bin("trustpath");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |text: String| {
        let file = dir.path().join("trustpath-metrics");
        std::fs::write(&file, text).unwrap();
        Command::new("sh")
            .arg(&file)
            .env("PATH", &path)
            .output()
            .unwrap()
    };
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(&textfiles)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "trustpath.prom")
            .collect()
    };

    let out = run(adapted(&truststore));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let prom = textfiles.join("trustpath.prom");
    let text = std::fs::read_to_string(&prom).unwrap();
    crate::support::formats::openmetrics(&text);
    assert!(text.contains("trustpath_finding{endpoint=\"127.0.0.1:1\",code=\"connect-failed\""));
    let mode = std::fs::metadata(&prom).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
    assert_eq!(leftovers(), Vec::<String>::new());

    // A job that cannot be done (an unreadable truststore) exits 2 and leaves the last file as it was.
    let out = run(adapted(&dir.path().join("no-such-truststore.jks")));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(std::fs::read_to_string(&prom).unwrap(), text);
    assert_eq!(leftovers(), Vec::<String>::new());
}

#[test]
fn the_readme_alerting_rules_pass_promtool_and_fire_on_trustpaths_metrics() {
    use std::process::Command;
    if !crate::support::have_tool("promtool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.yml"),
        readme_block("yaml", "groups:"),
    )
    .unwrap();
    crate::support::run_ok(
        Command::new("promtool")
            .args(["check", "rules", "rules.yml"])
            .current_dir(dir.path()),
    );
    // Series as trustpath prints them (the golden exposition of three endpoints: one trusted, one
    // missing its intermediate, one refusing connections), and two expiries, 10 and 100 days away.
    let golden =
        std::fs::read_to_string(crate::support::golden::dir().join("report-three-endpoints.prom"))
            .unwrap();
    let mut series: Vec<String> = golden
        .lines()
        .filter(|l| l.starts_with("trustpath_endpoint_trusted{"))
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').unwrap();
            format!("      - series: '{name}'\n        values: '{value}x180'\n")
        })
        .collect();
    for (endpoint, days) in [
        ("soon.example.test:443", 10),
        ("later.example.test:443", 100),
    ] {
        series.push(format!(
            "      - series: 'trustpath_chain_earliest_expiry_seconds{{endpoint=\"{endpoint}\"}}'\n        values: '{}x180'\n",
            days * 86400
        ));
    }
    let tests = format!(
        r#"rule_files:
  - rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
{series}    alert_rule_test:
      - eval_time: 120m
        alertname: JvmDoesNotTrustEndpoint
        exp_alerts:
          - exp_labels:
              severity: critical
              endpoint: wiki.example.test:8443
              profile: java
            exp_annotations:
              summary: "The JVM does not trust wiki.example.test:8443"
              description: "trustpath_finding names the reason; `trustpath probe` on the endpoint prints the fix."
          - exp_labels:
              severity: critical
              endpoint: collab.example.test:8091
              profile: java
            exp_annotations:
              summary: "The JVM does not trust collab.example.test:8091"
              description: "trustpath_finding names the reason; `trustpath probe` on the endpoint prints the fix."
      - eval_time: 120m
        alertname: CertificateExpiresWithin14Days
        exp_alerts:
          - exp_labels:
              severity: warning
              endpoint: soon.example.test:443
            exp_annotations:
              summary: "A certificate served by soon.example.test:443 expires within 14 days"
              description: "The earliest notAfter of the chain is 9d 22h 0m 0s away: renew it, then serve the new fullchain."
"#,
        series = series.concat()
    );
    std::fs::write(dir.path().join("tests.yml"), tests).unwrap();
    crate::support::run_ok(
        Command::new("promtool")
            .args(["test", "rules", "tests.yml"])
            .current_dir(dir.path()),
    );
}

#[test]
fn the_readme_check_json_example_documents_every_part_of_the_document() {
    use crate::support::json_doc::{Shape, check_shape, compare, paths};
    let shape = check_shape();
    let fields = paths(&shape);
    for needed in [
        ".endpoints[].http[].hops[].location",
        ".endpoints[].http[].hops[].set_cookies[].same_site",
        ".endpoints[].http[].hops[].error",
        ".endpoints[].websocket.accept",
        ".endpoints[].websocket.body_excerpt",
        ".endpoints[].websocket.error",
        ".endpoints[].probe.verdicts.java.path[].alias",
        ".chains[].not_after_rfc3339",
        ".configs[].finding.remediation",
    ] {
        assert!(fields.contains(needed), "{needed} not in {fields:#?}");
    }
    // The top-level fields are all in the one example document: none is optional.
    let Shape::Object(top) = &shape else {
        panic!("not an object")
    };
    assert!(top.values().all(|(_, required)| *required));

    // A document missing a field, or with one the README does not name, is told apart.
    let mut seen = std::collections::BTreeSet::new();
    let hop = serde_json::json!({"url": "https://w.test/", "status": 200, "set_cookies": [],
        "login_form": false, "body_excerpt": "", "error": null, "extra": 1});
    let live = serde_json::json!({"endpoints": [{"http": [{"path": "/", "hops": [hop]}]}]});
    let problems = compare(&live, &shape, &mut seen);
    assert!(
        problems
            .contains(&".endpoints[].http[].hops[].location: documented but missing".to_owned()),
        "{problems:#?}"
    );
    assert!(
        problems.contains(&".endpoints[].http[].hops[].extra: not documented".to_owned()),
        "{problems:#?}"
    );
    assert!(seen.contains(".endpoints[].http[].hops[].error"));
}
