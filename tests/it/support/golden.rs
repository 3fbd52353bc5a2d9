//! Golden files and their fixtures, shared by the report, verify and probe tests.
//!
//! `check(name, actual)` compares output with `tests/golden/NAME` and panics with a unified diff (the
//! `similar` crate); `UPDATE_GOLDEN=1 cargo test` rewrites the golden files instead. The certificates they show are the
//! committed PEM files in `tests/golden/fixtures/`, made by `certs::golden_fixtures`
//! (`UPDATE_FIXTURES=1 cargo test --test it fixtures_hold_the_documented_pki`, then regenerate the
//! goldens).

use std::path::{Path, PathBuf};

/// The validation instant of every golden: 2026-11-23T00:00:00Z.
pub const AT: &str = "2026-11-23T00:00:00Z";
/// [`AT`] in seconds since the epoch.
pub const AT_UNIX: i64 = 1_795_392_000;

/// The directory of golden files.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A fixture's path.
pub fn fixture(name: &str) -> PathBuf {
    dir().join("fixtures").join(name)
}

/// A fixture certificate.
pub fn cert(name: &str) -> trustpath::cert::Certificate {
    let text = std::fs::read(fixture(name)).unwrap();
    let block = trustpath::pem::parse_all(&text).unwrap().remove(0);
    trustpath::cert::Certificate::from_der(block.contents).unwrap()
}

/// Compares `actual` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN=1`.
pub fn check(name: &str, actual: &str) {
    check_file(&dir().join(name), actual);
}

/// Compares `actual` with the file at `path` (a golden file, or a committed file generated from the code
/// such as `schemas/*.json`), or rewrites it under `UPDATE_GOLDEN=1`.
pub fn check_file(path: &Path, actual: &str) {
    let path = path.to_path_buf();
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .context_radius(3)
        .header("golden", "actual")
        .to_string();
    panic!(
        "{} differs from the output; rerun with UPDATE_GOLDEN=1 if the change is intended:\n{diff}",
        path.display()
    );
}

/// A deployment run as the human report prints it, without styles (what the `check-*.txt` goldens hold).
pub fn deployment_human(run: &trustpath::deploy::run::DeploymentRun) -> String {
    let mut out = anstream::StripStream::new(Vec::new());
    trustpath::report::Printer::human(&mut out)
        .deployment(run)
        .unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

/// A deployment run as `check --json` prints it: the text and the parsed document.
pub fn deployment_json(run: &trustpath::deploy::run::DeploymentRun) -> (String, serde_json::Value) {
    let mut out = Vec::new();
    trustpath::report::Printer::json(&mut out)
        .deployment(run)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let doc = serde_json::from_str(&text).unwrap();
    (text, doc)
}
