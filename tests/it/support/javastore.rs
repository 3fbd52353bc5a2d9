//! Shared by the JKS and JCEKS keytool tests: running a JDK's keytool and a small Java key checker,
//! parsing `keytool -list -rfc`, and listing a [`TrustStore`] the same way for comparison.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use trustpath::cert::Certificate;
use trustpath::truststore::{EntryBody, TrustStore};

/// One alias as a listing shows it: kind in keytool's words and the SHA-256 of each certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The alias.
    pub alias: String,
    /// `PrivateKeyEntry`, `trustedCertEntry` or `SecretKeyEntry`.
    pub kind: String,
    /// Certificates (the chain for a key, the certificate for a trusted entry), SHA-256 hex.
    pub certs: Vec<String>,
}

/// JVM options that halve the CPU a short keytool or java run costs (C1 only, one compiler thread,
/// serial GC): the suite runs many of them on a shared 2-core machine.
const LEAN_JVM: [&str; 3] = [
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:+UseSerialGC",
];

/// A keytool (or java) command from `home` with English, UTF-8 output whatever the machine's locale.
pub fn jdk_tool(home: &Path, tool: &str) -> Command {
    let mut cmd = Command::new(home.join("bin").join(tool));
    cmd.env("LC_ALL", "C.UTF-8");
    let props = [
        "-Duser.language=en",
        "-Duser.country=US",
        "-Dstdout.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
    ];
    for opt in LEAN_JVM.iter().chain(&props) {
        if tool == "keytool" {
            cmd.arg(format!("-J{opt}"));
        } else {
            cmd.arg(opt);
        }
    }
    cmd
}

/// Runs keytool with `args`, panicking with its output on failure; returns stdout.
pub fn keytool(home: &Path, args: &[&str]) -> String {
    let mut cmd = jdk_tool(home, "keytool");
    cmd.args(args);
    crate::support::run_ok(&mut cmd)
}

/// Parses `keytool -list -rfc` output into entries sorted by alias.
pub fn parse_list_rfc(out: &str) -> Vec<Listed> {
    let mut entries = Vec::new();
    for block in out.split("Alias name: ").skip(1) {
        let alias = block.lines().next().unwrap_or_default().to_owned();
        let kind = block
            .lines()
            .find_map(|l| l.strip_prefix("Entry type: "))
            .unwrap_or_else(|| panic!("no entry type for {alias} in:\n{block}"))
            .to_owned();
        let certs = trustpath::pem::parse_all(block.as_bytes())
            .unwrap()
            .into_iter()
            .map(|b| hex::encode(Sha256::digest(&b.contents)))
            .collect();
        entries.push(Listed { alias, kind, certs });
    }
    entries.sort_by(|a, b| a.alias.cmp(&b.alias));
    entries
}

/// Lists a store read by trustpath as keytool would, sorted by alias.
pub fn list_ours(store: &TrustStore) -> Vec<Listed> {
    let mut entries: Vec<Listed> = store
        .entries
        .iter()
        .map(|e| {
            let (kind, certs): (&str, Vec<&Certificate>) = match &e.body {
                EntryBody::TrustedCert(c) => ("trustedCertEntry", vec![c]),
                EntryBody::PrivateKey(k) => ("PrivateKeyEntry", k.chain.iter().collect()),
                EntryBody::SecretKey(_) => ("SecretKeyEntry", vec![]),
            };
            Listed {
                alias: e.alias.clone(),
                kind: kind.to_owned(),
                certs: certs.iter().map(|c| c.sha256_hex()).collect(),
            }
        })
        .collect();
    entries.sort_by(|a, b| a.alias.cmp(&b.alias));
    entries
}

/// Java source that loads a keystore and, per alias (sorted), prints
/// `alias<TAB>kind<TAB>detail`: for a private key whether it signs what its leaf certificate verifies
/// (`key-ok`), for a secret key its algorithm and length, and `invisible` for an alias the JDK lists but
/// cannot find by name (not lower-case in the file). Then, for each extra argument, looks the alias up
/// by that exact spelling (the JVM's path) and prints `lookup<TAB>name<TAB>kind-or-missing`.
const KEY_CHECK_JAVA: &str = r#"
import java.io.FileInputStream;
import java.security.*;
import java.security.cert.Certificate;
import java.util.*;

public class KeyCheck {
    public static void main(String[] a) throws Exception {
        KeyStore ks = KeyStore.getInstance(a[1]);
        char[] pw = a[2].toCharArray();
        try (FileInputStream in = new FileInputStream(a[0])) { ks.load(in, pw); }
        List<String> aliases = Collections.list(ks.aliases());
        Collections.sort(aliases);
        for (String alias : aliases) {
            if (ks.isCertificateEntry(alias)) {
                System.out.println(alias + "\ttrustedCertEntry\t-");
            } else if (ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                PrivateKey key = (PrivateKey) ks.getKey(alias, pw);
                Certificate leaf = ks.getCertificateChain(alias)[0];
                String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
                        : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm();
                Signature s = Signature.getInstance(alg);
                s.initSign(key);
                s.update("trustpath".getBytes());
                byte[] sig = s.sign();
                Signature v = Signature.getInstance(alg);
                v.initVerify(leaf.getPublicKey());
                v.update("trustpath".getBytes());
                System.out.println(alias + "\tPrivateKeyEntry\t" + (v.verify(sig) ? "key-ok" : "key-MISMATCH"));
            } else if (!ks.isKeyEntry(alias)) {
                // listed by aliases() yet not found by name: the JDK looks names up lower-cased
                System.out.println(alias + "\tinvisible\t-");
            } else {
                Key key = ks.getKey(alias, pw);
                System.out.println(alias + "\tSecretKeyEntry\t" + key.getAlgorithm() + "/" + key.getEncoded().length);
            }
        }
        for (int i = 3; i < a.length; i++) {
            String kind = !ks.containsAlias(a[i]) ? "missing"
                    : ks.isCertificateEntry(a[i]) ? "trustedCertEntry"
                    : ks.isKeyEntry(a[i]) ? "keyEntry" : "other";
            System.out.println("lookup\t" + a[i] + "\t" + kind);
        }
    }
}
"#;

/// Runs the key checker (`java KeyCheck.java`, source launch) from `home` on a store; returns its lines.
pub fn key_check(
    home: &Path,
    dir: &Path,
    store: &Path,
    store_type: &str,
    password: &str,
    lookups: &[&str],
) -> Vec<String> {
    let src = dir.join("KeyCheck.java");
    if !src.exists() {
        std::fs::write(&src, KEY_CHECK_JAVA).unwrap();
    }
    let mut cmd = jdk_tool(home, "java");
    cmd.arg(&src)
        .arg(store)
        .arg(store_type)
        .arg(password)
        .args(lookups);
    crate::support::run_ok(&mut cmd)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A fresh scratch directory for one JDK's files.
pub fn scratch(name: &str, major: u32) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trustpath-{name}-{major}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A self-signed rcgen certificate and its PKCS#8 key (EC P-256), valid 2025–2045.
pub fn rcgen_key_and_cert(cn: &str) -> (Certificate, Vec<u8>) {
    let mut params = rcgen::CertificateParams::new(vec![format!("{cn}.test")]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2045, 1, 1);
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let issued = super::certs::self_signed(params, super::certs::EC);
    (
        Certificate::from_der(issued.der()).unwrap(),
        issued.key.serialize_der(),
    )
}

/// Makes, with keytool, a CA key pair (`test-ca`, EC), a server key pair (`server`, RSA; with
/// `with_chain` its chain is server ← test-ca, else self-signed), and a trusted copy of the CA certificate
/// under `trusted_alias`, in `store` of `store_type`. Four keytool runs, seven with the chain.
pub fn keytool_chain_store(
    home: &Path,
    dir: &Path,
    store: &Path,
    store_type: &str,
    password: &str,
    trusted_alias: &str,
    with_chain: bool,
) {
    let s = store.to_str().unwrap();
    let base = [
        "-keystore",
        s,
        "-storetype",
        store_type,
        "-storepass",
        password,
        "-keypass",
        password,
    ];
    let kt = |extra: &[&str]| keytool(home, &[extra, &base].concat());
    let ca_pem = dir.join("ca.pem");
    let csr = dir.join("server.csr");
    let server_pem = dir.join("server.pem");
    kt(&[
        "-genkeypair",
        "-alias",
        "Test-CA",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=Keytool Test CA",
        "-ext",
        "bc:c",
        "-validity",
        "7300",
    ]);
    kt(&[
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=server.test",
        "-validity",
        "7300",
    ]);
    kt(&[
        "-exportcert",
        "-rfc",
        "-alias",
        "test-ca",
        "-file",
        ca_pem.to_str().unwrap(),
    ]);
    if with_chain {
        kt(&[
            "-certreq",
            "-alias",
            "server",
            "-file",
            csr.to_str().unwrap(),
        ]);
        kt(&[
            "-gencert",
            "-alias",
            "test-ca",
            "-infile",
            csr.to_str().unwrap(),
            "-outfile",
            server_pem.to_str().unwrap(),
            "-rfc",
            "-ext",
            "san=dns:server.test",
        ]);
        kt(&[
            "-importcert",
            "-alias",
            "server",
            "-file",
            server_pem.to_str().unwrap(),
            "-noprompt",
        ]);
    }
    kt(&[
        "-importcert",
        "-alias",
        trusted_alias,
        "-file",
        ca_pem.to_str().unwrap(),
        "-noprompt",
    ]);
}
