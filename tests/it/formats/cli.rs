//! `--format` through the binary: `--json` is `--format json`, the two cannot be mixed, every format keeps
//! the exit code, and the JUnit and OpenMetrics outputs of `verify` and `store list` pass their judges
//! (the JUnit schema with xmllint and junit-parser; promtool).

use std::process::Command;

use assert_cmd::prelude::*;
use junit_parser::TestStatus;

use crate::support::{formats, golden};

const FIX: &str = "tests/golden/fixtures";

/// `trustpath ARGS` in the crate's directory: (exit code, stdout, stderr).
fn trustpath(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `verify CHAIN` at the golden instant against the golden root, with `format_args`.
fn verify(chain: &str, format_args: &[&str]) -> (i32, String, String) {
    let chain = format!("{FIX}/{chain}");
    let root = format!("{FIX}/root.pem");
    let mut args = vec![
        "verify",
        chain.as_str(),
        "--truststore",
        root.as_str(),
        "--host",
        "wiki.example.test",
        "--at",
        golden::AT,
    ];
    args.extend(format_args);
    trustpath(&args)
}

#[test]
fn json_is_an_alias_of_format_json_and_the_two_cannot_be_mixed() {
    let (code_alias, alias, _) = verify("leaf.pem", &["--json"]);
    let (code_format, format, _) = verify("leaf.pem", &["--format", "json"]);
    assert_eq!((code_alias, code_format), (1, 1));
    assert_eq!(alias, format);
    formats::json("probe.schema.json", alias.as_bytes());
    let (code, out, err) = verify("leaf.pem", &["--json", "--format", "junit"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("cannot be used with"), "{err}");
    let (code, _, err) = verify("leaf.pem", &["--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("openmetrics"), "{err}");
}

#[test]
fn every_format_keeps_the_exit_code() {
    for format in ["human", "json", "junit", "openmetrics"] {
        let (trusted, out, err) = verify("fullchain.pem", &["--format", format]);
        assert_eq!(trusted, 0, "--format {format}: {out}{err}");
        let (untrusted, out, err) = verify("leaf.pem", &["--format", format]);
        assert_eq!(untrusted, 1, "--format {format}: {out}{err}");
        let (unreadable, out, _) = verify("no-such-file.pem", &["--format", format]);
        assert_eq!(unreadable, 2, "--format {format}: {out}");
        assert!(
            out.is_empty(),
            "--format {format} printed on a failed job: {out}"
        );
    }
}

#[test]
fn verify_as_junit_is_one_suite_with_a_failing_case_carrying_the_finding_and_its_fix() {
    let leaf = format!("{FIX}/leaf.pem");
    let full = format!("{FIX}/fullchain.pem");
    let root = format!("{FIX}/root.pem");
    let (code, out, err) = trustpath(&[
        "verify",
        &full,
        &leaf,
        "--truststore",
        &root,
        "--host",
        "wiki.example.test",
        "--at",
        golden::AT,
        "--format",
        "junit",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let report = formats::junit(&out);
    assert_eq!(report.suites.len(), 1, "{out}");
    let suite = &report.suites[0];
    assert_eq!(suite.name, "trustpath verify");
    assert_eq!((suite.tests, suite.failures, suite.errors), (2, 1, 0));
    assert_eq!(suite.cases[0].original_name, full);
    assert!(
        matches!(suite.cases[0].status, TestStatus::Success),
        "{out}"
    );
    assert_eq!(suite.cases[1].original_name, leaf);
    assert_eq!(
        suite.cases[1].classname.as_deref(),
        Some("trustpath.verify")
    );
    let TestStatus::Failure(failure) = &suite.cases[1].status else {
        panic!("the leaf-only chain does not fail: {out}");
    };
    assert_eq!(failure.failure_type, "missing-intermediate");
    assert!(
        failure.message.starts_with("missing-intermediate: "),
        "{}",
        failure.message
    );
    assert!(failure.text.contains("fix: "), "{}", failure.text);
}

#[test]
fn verify_as_openmetrics_passes_promtool_and_gives_each_certificates_expiry() {
    let (code, out, err) = verify("fullchain.pem", &["--format", "openmetrics"]);
    assert_eq!(code, 0, "{out}{err}");
    formats::openmetrics(&out);
    let file = format!("{FIX}/fullchain.pem");
    let leaf_sha = golden::cert("leaf.pem").sha256_hex();
    assert!(out.contains(&format!(
        "trustpath_cert_not_after_seconds{{endpoint=\"{file}\",index=\"0\",subject=\"CN=wiki.example.test\",sha256=\"{leaf_sha}\"}} 2398377600\n"
    )), "{out}");
    assert!(
        out.contains(&format!(
            "trustpath_endpoint_trusted{{endpoint=\"{file}\",profile=\"java\"}} 1\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("trustpath_endpoint_ok{{endpoint=\"{file}\"}} 1\n")),
        "{out}"
    );
    // A chain file is not probed: no duration.
    assert!(!out.contains("trustpath_probe_duration_seconds"), "{out}");
}

#[test]
fn store_list_as_openmetrics_gives_each_entrys_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("trust.p12");
    let store_arg = store.to_str().unwrap();
    let root = format!("{FIX}/root.pem");
    let int = format!("{FIX}/intermediate.pem");
    let (code, out, err) = trustpath(&["store", "import", store_arg, &root, &int, "--no-backup"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = trustpath(&["store", "list", store_arg, "--format", "openmetrics"]);
    assert_eq!(code, 0, "{out}{err}");
    formats::openmetrics(&out);
    assert!(
        out.contains(&format!(
            "trustpath_store_entries{{store=\"{store_arg}\"}} 2\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "trustpath_store_jvm_loadable{{store=\"{store_arg}\"}} 1\n"
        )),
        "{out}"
    );
    let entries: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("trustpath_store_entry_not_after_seconds{"))
        .collect();
    assert_eq!(entries.len(), 2, "{out}");
    assert!(
        entries
            .iter()
            .all(|l| l.contains("kind=\"trusted-cert\"") && l.ends_with(" 2398377600")),
        "{out}"
    );
    let (code, json, _) = trustpath(&["store", "list", store_arg, "--format", "json"]);
    assert_eq!(code, 0);
    formats::json("store-list.schema.json", json.as_bytes());
    let (code, _, err) = trustpath(&["store", "list", store_arg, "--format", "junit"]);
    assert_eq!(code, 2, "store list has no junit form: {err}");
}

#[test]
fn store_diff_and_locate_take_format_json_too() {
    let root = format!("{FIX}/root.pem");
    let int = format!("{FIX}/intermediate.pem");
    let (code, alias, _) = trustpath(&["store", "diff", &root, &int, "--json"]);
    assert_eq!(code, 1);
    let (_, format, _) = trustpath(&["store", "diff", &root, &int, "--format", "json"]);
    assert_eq!(alias, format);
    formats::json("store-diff.schema.json", format.as_bytes());
    let (code, _, _) = trustpath(&["store", "diff", &root, &int, "--format", "openmetrics"]);
    assert_eq!(code, 2);
    let (_, located, _) = trustpath(&["store", "locate", "--format", "json"]);
    formats::json("store-locate.schema.json", located.as_bytes());
}
