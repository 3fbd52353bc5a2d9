//! The judges of the machine-readable formats: the committed JSON Schemas (`schemas/`, validated with
//! the `jsonschema` crate), the JUnit schema of `tests/fixtures/junit/junit.xsd` (with `xmllint`) and
//! an independent JUnit reader (`junit-parser`), and Prometheus' own `promtool check metrics`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

/// The directory of the committed schemas.
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// The committed schema `file` (e.g. `probe.schema.json`).
pub fn schema(file: &str) -> Value {
    let path = schema_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every error of `doc` against the committed schema `file`, as `at /path: message` lines.
pub fn schema_errors(file: &str, doc: &Value) -> Vec<String> {
    static VALIDATORS: OnceLock<Mutex<HashMap<String, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let validator = {
        let mut cache = VALIDATORS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *cache.entry(file.to_owned()).or_insert_with(|| {
            let validator = jsonschema::draft202012::new(&schema(file))
                .unwrap_or_else(|e| panic!("{file} does not compile: {e}"));
            Box::leak(Box::new(validator))
        })
    };
    validator
        .iter_errors(doc)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// Panics unless `doc` is valid against the committed schema `file`.
pub fn check_json(file: &str, doc: &Value) {
    let errors = schema_errors(file, doc);
    assert!(
        errors.is_empty(),
        "the document does not match schemas/{file}:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(doc).unwrap_or_default()
    );
}

/// Parses `bytes` as JSON and checks it against the committed schema `file`.
pub fn json(file: &str, bytes: &[u8]) -> Value {
    let doc: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(bytes)
        )
    });
    check_json(file, &doc);
    doc
}

/// Checks a JUnit report: valid against `tests/fixtures/junit/junit.xsd` (xmllint; skipped with a
/// notice when absent, a failure under `TRUSTPATH_REQUIRE_TOOLS=1`), and read by `junit-parser`, whose
/// reading is returned.
pub fn junit(xml: &str) -> junit_parser::TestSuites {
    if super::have_tool("xmllint") {
        let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/junit.xsd");
        let out = pipe(
            Command::new("xmllint")
                .args(["--noout", "--nonet", "--schema"])
                .arg(&xsd)
                .arg("-"),
            xml,
        );
        assert!(
            out.status.success(),
            "xmllint refuses the JUnit report:\n{}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    junit_parser::from_reader(xml.as_bytes())
        .unwrap_or_else(|e| panic!("junit-parser cannot read the report ({e}):\n{xml}"))
}

/// Checks an OpenMetrics exposition: it ends with `# EOF`, and `promtool check metrics` (skipped with a
/// notice when absent, a failure under `TRUSTPATH_REQUIRE_TOOLS=1`) accepts it without a lint problem.
pub fn openmetrics(text: &str) {
    assert!(text.ends_with("# EOF\n"), "no # EOF at the end:\n{text}");
    if !have_promtool() {
        return;
    }
    let out = pipe(Command::new("promtool").args(["check", "metrics"]), text);
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics refuses the exposition ({}):\n{}{}\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether promtool runs (it has no `-version` flag that `have_tool` would try).
fn have_promtool() -> bool {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("promtool is required (TRUSTPATH_REQUIRE_TOOLS=1) but was not found on PATH");
        }
        eprintln!("SKIPPED: promtool not found on PATH");
    }
    found
}

/// Runs `cmd` with `input` on its standard input.
fn pipe(cmd: &mut Command, input: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait");
    writer
        .join()
        .expect("writer thread")
        .expect("write to stdin");
    out
}
