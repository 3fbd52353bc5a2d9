//! `trustpath demo`, the README's first command: it exits 0, prints the report before and after the
//! fixes with the expected finding on each broken endpoint, and leaves nothing in the temporary directory.

use assert_cmd::Command;

#[test]
fn demo_fixes_every_endpoint_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .arg("demo")
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "━━ Before ━━",
        "━━ After ━━",
        "error   missing-intermediate",
        "error   plaintext-http",
        "error   expired",
        "proxy   ✗ missing-intermediate   → ✓ trusted",
        "rtc     ✗ plaintext-http         → ✓ trusted",
        "expired ✗ expired                → ✓ trusted",
        "4 of 4 endpoints trusted by the JVM after the fixes",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
    assert!(!stdout.contains('\u{1b}'), "colour codes with NO_COLOR set");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "demo left files behind: {left:?}");
}
