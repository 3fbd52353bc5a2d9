//! Every other file an option names: certificate and chain files, `--extra-certs`, `--key`, `--targets`,
//! `--storepass-file`, deployment files, `serve --cert/--key` — as `/dev/zero`, as 100 MB, damaged, and
//! (deployment files) nested deeper than the TOML reader recurses.

use super::{HUNDRED_MB, bit_flips, damaged, refused, sparse, truncations};
use crate::support::certs;

#[test]
fn every_file_option_refuses_dev_zero_and_a_hundred_megabytes_naming_the_file_and_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = certs::root("Files Root");
    let cert = d.join("root.pem");
    std::fs::write(&cert, root.pem()).unwrap();
    let store = d.join("trust.pem");
    std::fs::write(&store, root.pem()).unwrap();
    let big = d.join("big");
    sparse(&big, b"", HUNDRED_MB);
    let big_s = big.to_str().unwrap();
    let cert_s = cert.to_str().unwrap();
    let store_s = store.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["store", "import", store_s, "FILE"], "certificate file"),
        (vec!["verify", "FILE"], "certificate file"),
        (
            vec!["verify", cert_s, "--extra-certs", "FILE"],
            "certificate file",
        ),
        (
            vec!["verify", cert_s, "--key", "FILE"],
            "key or certificate file",
        ),
        (
            vec![
                "verify",
                cert_s,
                "--truststore",
                store_s,
                "--storepass-file",
                "FILE",
            ],
            "password file",
        ),
        (vec!["probe", "--targets", "FILE"], "--targets file"),
        (vec!["check", "FILE"], "deployment file"),
        (
            vec![
                "serve",
                "--cert",
                "FILE",
                "--key",
                cert_s,
                "--listen",
                "127.0.0.1:0",
            ],
            "key or certificate file",
        ),
        (
            vec![
                "serve",
                "--cert",
                cert_s,
                "--key",
                "FILE",
                "--listen",
                "127.0.0.1:0",
            ],
            "key or certificate file",
        ),
    ];
    for (args, what) in &cases {
        let zero: Vec<&str> = args
            .iter()
            .map(|a| if *a == "FILE" { "/dev/zero" } else { a })
            .collect();
        refused(&zero, &["/dev/zero: is a character device, not a file"]);
        let large: Vec<&str> = args
            .iter()
            .map(|a| if *a == "FILE" { big_s } else { a })
            .collect();
        let w = refused(
            &large,
            &[
                big_s,
                "100000000 bytes is larger than the",
                &format!("limit for a {what}"),
            ],
        );
        assert!(
            w.max_rss_kib < 64 * 1024,
            "read before refusing: {}",
            w.summary()
        );
    }
    assert_eq!(std::fs::read_to_string(&store).unwrap(), root.pem());
}

#[test]
fn damaged_certificate_files_end_in_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = certs::root("Damaged Root");
    let leaf = certs::leaf(&["damaged.test"], &root);
    let pem = format!("{}{}", leaf.pem(), root.pem()).into_bytes();
    let store = d.join("trust.p12");
    let mut i = 0;
    for (kind, bytes) in [("pem", pem), ("der", leaf.der())] {
        for variant in truncations(&bytes, 6)
            .into_iter()
            .chain(bit_flips(&bytes, 6))
        {
            let path = d.join(format!("{kind}-{i}"));
            i += 1;
            std::fs::write(&path, &variant).unwrap();
            let p = path.to_str().unwrap();
            damaged(&["verify", p, "--at", "2030-01-01T00:00:00Z"]);
            damaged(&["store", "import", store.to_str().unwrap(), p, "--no-backup"]);
        }
    }
}

#[test]
fn damaged_and_deeply_nested_deployment_files_end_in_a_short_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Endpoints on a closed loopback port: a variant that still parses is checked in an instant.
    let text = "name = \"hostile\"\npublic_names = [\"app.test\"]\n\n[[endpoint]]\nname = \"app\"\nrole = \
                \"app\"\nurl = \"https://app.test:1/\"\nconnect = \"127.0.0.1\"\n  [[endpoint.http]]\n  \
                path = \"/status\"\n  expect_status = 200\n";
    for (i, variant) in truncations(text.as_bytes(), 6)
        .into_iter()
        .chain(bit_flips(text.as_bytes(), 6))
        .enumerate()
    {
        let path = d.join(format!("deploy-{i}.toml"));
        std::fs::write(&path, &variant).unwrap();
        damaged(&["check", path.to_str().unwrap(), "--timeout", "2"]);
    }
    for (name, deep) in [
        (
            "arrays",
            format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "tables",
            format!("a = {}1{}\n", "{b = ".repeat(50_000), "}".repeat(50_000)),
        ),
    ] {
        let path = d.join(format!("deep-{name}.toml"));
        std::fs::write(&path, deep).unwrap();
        refused(
            &["check", path.to_str().unwrap()],
            &[
                &format!("deep-{name}.toml"),
                "max recursion depth met",
                "is not shown",
            ],
        );
    }
}

#[test]
fn a_targets_file_of_garbage_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("targets.txt");
    let mut text = String::from("# endpoints\n");
    text.push_str(&"x".repeat(1_000_000));
    text.push_str(":99999\n");
    std::fs::write(&path, text).unwrap();
    refused(
        &["probe", "--targets", path.to_str().unwrap()],
        &["--targets"],
    );
}
