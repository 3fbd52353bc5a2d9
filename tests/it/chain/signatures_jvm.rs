//! Signatures the JVM verifies, verified as the JVM does: openssl signs a leaf with a root key for each
//! algorithm the JDK knows (RSA of 512 to 3072 bits with MD5, SHA-1, SHA-2 and SHA-3; RSASSA-PSS with
//! several hash, MGF1 and salt choices; ECDSA on P-256, P-384, P-521 and secp256k1 with every hash;
//! Ed25519; DSA with every (L, N) and hash), and a tampered copy of some; `X509Certificate.verify` in
//! every installed JDK is the judge (`tests/it/support/JdkSig.java`), and trustpath's java verdict must say
//! the same: trusted when the JVM verifies, `bad-signature` only when the JVM finds the signature does not
//! match, and a refusal that is not `bad-signature` when the JVM cannot verify it at all. The PKITS DSA
//! chains (parameter inheritance included) are judged by the JVM's PKIX validator.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use trustpath::cert::Certificate;
use trustpath::chain::{Anchor, ChainInput, Diagnosis, Policy, TlsVersion, TrustAnchors, diagnose};
use trustpath::finding::{Code, Severity};

fn judge_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("trustpath-jdk-sig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/JdkSig.java");
        support::run_ok(
            Command::new("javac")
                .args(["--release", "17", "-d"])
                .arg(&dir)
                .arg(&src),
        );
        dir
    })
}

fn openssl(dir: &Path, args: &[&str]) {
    support::run_ok(Command::new("openssl").current_dir(dir).args(args));
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What a verifier made of one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Valid,
    Invalid,
    CannotVerify,
}

/// trustpath's java verdict on `leaf` under `root`, with nothing disabled (only the signature decides).
fn ours(leaf: &Certificate, root: &Certificate, at: i64) -> (Outcome, Diagnosis) {
    let anchor = Anchor {
        cert: root.clone(),
        store: "test".into(),
        alias: "root".into(),
        jdk_bundled: false,
    };
    // The JVM judges with `X509Certificate.verify`, outside any TLS session: judged as a connection whose
    // client sends no signature_algorithms_cert (TLS 1.1 and older), so that only the signature decides.
    let input = ChainInput {
        served: vec![leaf.clone()],
        host: None,
        extra: Vec::new(),
        tls_version: Some(TlsVersion::Legacy),
        fetched: Vec::new(),
    };
    let policy = Policy {
        java_disabled_algorithms: Some(String::new()),
        ..Policy::default()
    };
    let d = diagnose(
        &input,
        &TrustAnchors::new(vec![anchor], Vec::new()),
        &policy,
        at,
    );
    let outcome = if d.trusted {
        Outcome::Valid
    } else if d
        .findings
        .iter()
        .any(|f| f.code == Code::BadSignature && f.severity == Severity::Error)
    {
        Outcome::Invalid
    } else {
        Outcome::CannotVerify
    };
    (outcome, d)
}

struct Case {
    name: String,
    leaf: PathBuf,
    root: PathBuf,
}

/// Makes a root key with `genpkey` arguments, a self-signed root and a leaf signed by it with `sign`
/// (`-sha256`, `-sigopt …`).
fn make(dir: &Path, name: &str, root_key: &Path, sign: &[&str]) -> Case {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    let k = root_key.to_str().unwrap();
    let ext = d.join("ca.ext");
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    let mut root_args = vec![
        "req",
        "-x509",
        "-new",
        "-key",
        k,
        "-subj",
        "/CN=Sig Root",
        "-days",
        "30",
        "-set_serial",
        "1",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "root.pem",
    ];
    root_args.extend_from_slice(sign);
    openssl(&d, &root_args);
    openssl(
        &d,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "leaf.key",
        ],
    );
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=sig.test",
            "-out",
            "leaf.csr",
        ],
    );
    let mut leaf_args = vec![
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        k,
        "-set_serial",
        "2",
        "-days",
        "30",
        "-out",
        "leaf.pem",
    ];
    leaf_args.extend_from_slice(sign);
    openssl(&d, &leaf_args);
    Case {
        name: name.to_owned(),
        leaf: d.join("leaf.pem"),
        root: d.join("root.pem"),
    }
}

fn cert(path: &Path) -> Certificate {
    let text = std::fs::read_to_string(path).unwrap();
    let der = pem::parse(text).unwrap().contents().to_vec();
    Certificate::from_der(der).unwrap()
}

/// A copy of `case` whose leaf signature has one bit flipped in its last byte.
fn tampered(dir: &Path, case: &Case) -> Case {
    let mut der = cert(&case.leaf).der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let path = dir.join(format!("{}-tampered.pem", case.name));
    std::fs::write(&path, Certificate::from_der(der).unwrap().to_pem()).unwrap();
    Case {
        name: format!("{}-tampered", case.name),
        leaf: path,
        root: case.root.clone(),
    }
}

fn genkey(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(format!("{name}.key"));
    let mut all = vec!["genpkey"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-out", path.to_str().unwrap()]);
    openssl(dir, &all);
    path
}

fn dsa_key(dir: &Path, name: &str, l: u32, n: u32) -> PathBuf {
    let params = dir.join(format!("{name}.params"));
    openssl(
        dir,
        &[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DSA",
            "-pkeyopt",
            &format!("dsa_paramgen_bits:{l}"),
            "-pkeyopt",
            &format!("dsa_paramgen_q_bits:{n}"),
            "-out",
            params.to_str().unwrap(),
        ],
    );
    genkey(dir, name, &["-paramfile", params.to_str().unwrap()])
}

fn jvm(home: &Path, cases: &[Case]) -> Vec<(Outcome, String)> {
    let mut cmd = Command::new(home.join("bin/java"));
    cmd.arg("-cp").arg(judge_dir()).arg("JdkSig").arg("verify");
    for c in cases {
        cmd.arg(&c.leaf).arg(&c.root);
    }
    let out = support::run_ok(&mut cmd);
    out.lines()
        .map(|l| {
            let outcome = if l == "VALID" {
                Outcome::Valid
            } else if l.starts_with("INVALID") {
                Outcome::Invalid
            } else {
                Outcome::CannotVerify
            };
            (outcome, l.to_owned())
        })
        .collect()
}

#[test]
fn trustpath_verifies_every_signature_the_jvm_verifies_and_no_other() {
    if !support::have_tool("java") || !support::have_tool("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cases = Vec::new();

    for bits in [512u32, 768, 1024, 2048, 3072] {
        let key = genkey(
            d,
            &format!("rsa{bits}"),
            &[
                "-algorithm",
                "RSA",
                "-pkeyopt",
                &format!("rsa_keygen_bits:{bits}"),
            ],
        );
        for md in [
            "md5",
            "sha1",
            "sha224",
            "sha256",
            "sha384",
            "sha512",
            "sha512-224",
            "sha512-256",
            "sha3-256",
            "sha3-512",
        ] {
            // A 512-bit modulus cannot hold a SHA-384 or SHA-512 DigestInfo with PKCS#1 padding.
            if bits == 512 && ["sha384", "sha512", "sha3-512"].contains(&md) {
                continue;
            }
            cases.push(make(
                d,
                &format!("rsa{bits}-{md}"),
                &key,
                &[&format!("-{md}")],
            ));
        }
        if bits >= 1024 {
            for (md, salt, mgf) in [
                ("sha256", "32", "sha256"),
                ("sha256", "20", "sha1"),
                ("sha384", "48", "sha384"),
                ("sha512", "0", "sha512"),
                ("sha1", "20", "sha1"),
                ("sha224", "10", "sha256"),
            ] {
                cases.push(make(
                    d,
                    &format!("rsa{bits}-pss-{md}-salt{salt}-mgf-{mgf}"),
                    &key,
                    &[
                        &format!("-{md}"),
                        "-sigopt",
                        "rsa_padding_mode:pss",
                        "-sigopt",
                        &format!("rsa_pss_saltlen:{salt}"),
                        "-sigopt",
                        &format!("rsa_mgf1_md:{mgf}"),
                    ],
                ));
            }
        }
    }
    for curve in ["P-256", "P-384", "P-521", "secp256k1"] {
        let key = genkey(
            d,
            &format!("ec-{curve}"),
            &[
                "-algorithm",
                "EC",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
                "-pkeyopt",
                "ec_param_enc:named_curve",
            ],
        );
        for md in [
            "sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-384",
        ] {
            cases.push(make(
                d,
                &format!("ec-{curve}-{md}"),
                &key,
                &[&format!("-{md}")],
            ));
        }
    }
    let ed = genkey(d, "ed25519", &["-algorithm", "ED25519"]);
    cases.push(make(d, "ed25519", &ed, &[]));
    for (l, n, mds) in [
        (1024u32, 160u32, &["sha1", "sha224", "sha256"][..]),
        (2048, 224, &["sha1", "sha224", "sha256"][..]),
        (2048, 256, &["sha224", "sha256", "sha384"][..]),
    ] {
        let key = dsa_key(d, &format!("dsa{l}-{n}"), l, n);
        for md in mds {
            cases.push(make(
                d,
                &format!("dsa{l}-{n}-{md}"),
                &key,
                &[&format!("-{md}")],
            ));
        }
    }
    let to_tamper: Vec<Case> = cases
        .iter()
        .filter(|c| {
            [
                "rsa768-sha384",
                "rsa2048-sha224",
                "rsa1024-pss-sha256-salt20-mgf-sha1",
                "ec-P-384-sha1",
                "ec-P-521-sha224",
                "ed25519",
                "dsa1024-160-sha1",
                "dsa2048-256-sha256",
                "rsa512-md5",
            ]
            .contains(&c.name.as_str())
        })
        .map(|c| tampered(d, c))
        .collect();
    cases.extend(to_tamper);

    let at = now();
    let mut disagreements = Vec::new();
    let mut verified = 0;
    for (major, home) in support::jdks() {
        let theirs = jvm(&home, &cases);
        assert_eq!(theirs.len(), cases.len());
        for (c, (them, why)) in cases.iter().zip(&theirs) {
            let (us, diagnosis) = ours(&cert(&c.leaf), &cert(&c.root), at);
            if us != *them {
                disagreements.push(format!(
                    "JDK {major} {}: the JVM says {why}, trustpath {us:?} ({:?})",
                    c.name, diagnosis.java.reason
                ));
            }
            if *them == Outcome::Valid {
                verified += 1;
            }
        }
    }
    println!(
        "{} cases per JDK; {verified} signatures verified by the JVM in all",
        cases.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn pkits_dsa_chains_including_parameter_inheritance_are_judged_as_the_jvm_judges_them() {
    if !support::have_tool("java") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(certs) = [
        root.join("../shared/conformance/pkits/certs"),
        root.join("../../shared/conformance/pkits/certs"),
    ]
    .into_iter()
    .find(|d| d.is_dir()) else {
        eprintln!("SKIPPED: no PKITS certificates in ../shared/conformance");
        return;
    };
    // 2020-01-01, inside every PKITS validity period.
    let at: i64 = 1_577_836_800;
    let chains: &[(&str, &[&str])] = &[
        (
            "4.1.4 valid DSA signatures",
            &["ValidDSASignaturesTest4EE.crt", "DSACACert.crt"],
        ),
        (
            "4.1.5 valid DSA parameter inheritance",
            &[
                "ValidDSAParameterInheritanceTest5EE.crt",
                "DSAParametersInheritedCACert.crt",
                "DSACACert.crt",
            ],
        ),
        (
            "4.1.6 invalid DSA signature",
            &["InvalidDSASignatureTest6EE.crt", "DSACACert.crt"],
        ),
    ];
    let anchor_path = certs.join("TrustAnchorRootCertificate.crt");
    let anchor = Certificate::from_der(std::fs::read(&anchor_path).unwrap()).unwrap();
    for (major, home) in support::jdks() {
        for (name, files) in chains {
            let mut cmd = Command::new(home.join("bin/java"));
            cmd.arg("-cp")
                .arg(judge_dir())
                .args(["JdkSig", "pkix", &(at * 1000).to_string()])
                .arg(&anchor_path);
            for f in *files {
                cmd.arg(certs.join(f));
            }
            let jvm = support::run_ok(&mut cmd);
            let served: Vec<Certificate> = files
                .iter()
                .map(|f| Certificate::from_der(std::fs::read(certs.join(f)).unwrap()).unwrap())
                .collect();
            // The JVM's PKIX validator, outside any TLS session (see `ours`).
            let input = ChainInput {
                served,
                host: None,
                extra: Vec::new(),
                tls_version: Some(TlsVersion::Legacy),
                fetched: Vec::new(),
            };
            let a = Anchor {
                cert: anchor.clone(),
                store: "pkits".into(),
                alias: "anchor".into(),
                jdk_bundled: false,
            };
            let policy = Policy {
                java_version: Some(support::java_version(&home)),
                ..Policy::default()
            };
            let d = diagnose(&input, &TrustAnchors::new(vec![a], Vec::new()), &policy, at);
            assert_eq!(
                d.trusted,
                jvm.trim() == "VALID",
                "JDK {major} {name}: the JVM says {jvm}, trustpath {:?}",
                d.java.reason
            );
            if !d.trusted {
                assert!(
                    d.findings.iter().any(|f| f.code == Code::BadSignature),
                    "{name}: {:?}",
                    d.findings
                );
            }
        }
    }
}
