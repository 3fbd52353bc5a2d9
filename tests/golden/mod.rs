//! Golden files and their fixtures, shared by the report, verify and probe tests.
//!
//! `check(name, actual)` compares output with `tests/golden/NAME` and panics with a readable diff;
//! `UPDATE_GOLDEN=1 cargo test` rewrites the golden files instead. The certificates they show are the
//! committed PEM files in `tests/golden/fixtures/`, made by [`generate_fixtures`]
//! (`UPDATE_FIXTURES=1 cargo test --test report_golden`, then regenerate the goldens).

#![allow(dead_code)]

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
    let path = dir().join(name);
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
    let diff = line_diff(&expected, actual);
    panic!(
        "{} differs from the output (- golden, + actual); rerun with UPDATE_GOLDEN=1 if the change is intended:\n{diff}",
        path.display()
    );
}

/// A line diff (longest common subsequence): unchanged lines indented, removed `- `, added `+ `.
fn line_diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    // lcs[i][j] = length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

/// Writes the fixture PKI: a root, an issuing CA, a leaf for wiki.example.test and localhost (all
/// EC P-256, valid 2026-01-01 to 2046-01-01), the leaf's key, a fullchain, an unrelated key and an
/// unrelated CA.
pub fn generate_fixtures() {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let validity = |p: &mut CertificateParams| {
        p.not_before = time::macros::datetime!(2026-01-01 00:00 UTC);
        p.not_after = time::macros::datetime!(2046-01-01 00:00 UTC);
    };
    let ca = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(DnType::OrganizationName, "trustpath tests");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        validity(&mut p);
        p
    };
    let root = rcgen::CertifiedIssuer::self_signed(
        ca("Golden Test Root CA"),
        KeyPair::generate().unwrap(),
    )
    .unwrap();
    let int = rcgen::CertifiedIssuer::signed_by(
        ca("Golden Test Issuing CA"),
        KeyPair::generate().unwrap(),
        &root,
    )
    .unwrap();
    let mut leaf =
        CertificateParams::new(vec!["wiki.example.test".to_owned(), "localhost".to_owned()])
            .unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "wiki.example.test");
    validity(&mut leaf);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&leaf_key, &int).unwrap();
    let other = KeyPair::generate().unwrap();
    let other_ca =
        rcgen::CertifiedIssuer::self_signed(ca("Unrelated Test CA"), KeyPair::generate().unwrap())
            .unwrap();
    let write = |name: &str, text: String| std::fs::write(fixture(name), text).unwrap();
    write("root.pem", root.pem());
    write("intermediate.pem", int.pem());
    write("leaf.pem", leaf.pem());
    write("leaf-key.pem", leaf_key.serialize_pem());
    write("other-key.pem", other.serialize_pem());
    write("other-ca.pem", other_ca.pem());
    write("fullchain.pem", format!("{}{}", leaf.pem(), int.pem()));
}
