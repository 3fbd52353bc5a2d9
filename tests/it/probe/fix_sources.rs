//! Where a fix's intermediate comes from: an intermediate served by another endpoint of the same run
//! completes the fullchain of an endpoint that forgot it, and when nothing this run saw has the issuer,
//! the fix says which one is missing and how to supply it (`--extra-certs`, the AIA URL) instead of
//! leaving an empty `--write-fixes` directory without a word.

use assert_cmd::Command;
use time::OffsetDateTime;
use trustpath::pki::SubjectName;
use trustpath::pki::lab::{self, LabSpec};

use crate::support::serve::{start, tls_config};

#[test]
fn an_intermediate_served_by_another_endpoint_completes_the_fix_and_a_missing_one_is_named_with_its_sources()
 {
    let names = SubjectName::parse_all(&["localhost", "127.0.0.1"]).unwrap();
    let lab = lab::generate(&LabSpec::new(names), OffsetDateTime::now_utc()).unwrap();
    let inter = lab.intermediate.clone().unwrap();
    let full = start(tls_config(
        &[lab.leaf.cert.der().to_vec(), inter.der().to_vec()],
        &lab.leaf.key_pkcs8,
        "app",
    ));
    let leaf_only = start(tls_config(
        &[lab.leaf.cert.der().to_vec()],
        &lab.leaf.key_pkcs8,
        "proxy",
    ));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("root.pem"), lab.root.to_pem()).unwrap();
    let probe = |targets: &[String], fixes: &str| {
        let out = Command::cargo_bin("trustpath")
            .unwrap()
            .env_remove("JAVA_HOME")
            .current_dir(d)
            .arg("probe")
            .args(targets)
            .args(["--truststore", "root.pem", "--json", "--write-fixes", fixes])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let proxy = format!("127.0.0.1:{}", leaf_only.addr.port());
    let app = format!("127.0.0.1:{}", full.addr.port());

    // Alone, the leaf-only endpoint's intermediate is unknown: no fullchain, and the fix says why.
    let alone = probe(std::slice::from_ref(&proxy), "alone");
    let e = &alone["endpoints"][0];
    assert_eq!(e["fix"]["fullchain_complete"], false, "{e:#}");
    assert_eq!(e["written"].as_array().unwrap().len(), 0);
    let missing = e["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "missing-intermediate")
        .unwrap();
    let rem = missing["remediation"].as_str().unwrap();
    assert!(
        rem.contains("no fullchain can be written yet")
            && rem.contains(&inter.info().subject)
            && rem.contains("--extra-certs FILE"),
        "{rem}"
    );

    // Beside the endpoint that serves the intermediate, the same run writes the fullchain.
    let both = probe(&[proxy.clone(), app], "both");
    let e = &both["endpoints"][0];
    assert_eq!(e["fix"]["fullchain_complete"], true, "{e:#}");
    let written: Vec<&str> = e["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let fullchain = written
        .iter()
        .find(|w| w.ends_with("-fullchain.pem"))
        .unwrap_or_else(|| panic!("{written:?}"));
    let text = std::fs::read_to_string(d.join(fullchain)).unwrap();
    assert_eq!(
        text,
        format!("{}{}", lab.leaf.cert.to_pem(), inter.to_pem())
    );
    full.stop();
    leaf_only.stop();
}
