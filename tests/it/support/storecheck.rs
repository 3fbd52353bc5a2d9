//! The JVM as the judge of many stores at once: one `java StoreDigest.java` reads a list of store files
//! (any type: `KeyStore.getInstance(File, char[])` probes JKS, JCEKS and PKCS#12 as keytool does) and
//! prints, for each, its entry count, its type and a digest of its (lower-cased alias, certificate SHA-256)
//! pairs, or the JVM's error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const STORE_DIGEST_JAVA: &str = r#"
import java.io.*;
import java.security.*;
import java.security.cert.Certificate;
import java.util.*;

public class StoreDigest {
    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x));
        return s.toString();
    }

    public static void main(String[] a) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String path;
        while ((path = in.readLine()) != null) {
            try {
                KeyStore ks = KeyStore.getInstance(new File(path), "changeit".toCharArray());
                List<String> items = new ArrayList<>();
                for (String alias : Collections.list(ks.aliases())) {
                    Certificate c = ks.getCertificate(alias);
                    String fp = c == null ? "-"
                            : hex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
                    items.add(alias.toLowerCase(Locale.ROOT) + "=" + fp);
                }
                Collections.sort(items);
                byte[] all = String.join("\n", items).getBytes("UTF-8");
                System.out.println("OK " + items.size() + " " + ks.getType() + ":"
                        + hex(MessageDigest.getInstance("SHA-256").digest(all)));
            } catch (Exception e) {
                System.out.println("ERR " + e.toString().replace('\n', ' '));
            }
        }
    }
}
"#;

/// What the JVM found in one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// It loaded, with this many entries and this `TYPE:digest`.
    Loaded(usize, String),
    /// It did not load: the JVM's exception.
    Failed(String),
}

/// Loads every store of `paths` (password `changeit`) in one JVM from `home`; `dir` holds the source.
pub fn judge(home: &Path, dir: &Path, paths: &[PathBuf]) -> Vec<Judged> {
    let src = dir.join("StoreDigest.java");
    if !src.exists() {
        std::fs::write(&src, STORE_DIGEST_JAVA).unwrap();
    }
    let mut cmd = super::javastore::jdk_tool(home, "java");
    cmd.arg(&src)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run java");
    let mut input = String::new();
    for p in paths {
        input.push_str(p.to_str().expect("a UTF-8 path"));
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("java output");
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "StoreDigest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Judged> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| match l.strip_prefix("OK ") {
            Some(rest) => {
                let (n, d) = rest.split_once(' ').unwrap();
                Judged::Loaded(n.parse().unwrap(), d.to_owned())
            }
            None => Judged::Failed(l.trim_start_matches("ERR ").to_owned()),
        })
        .collect();
    assert_eq!(lines.len(), paths.len(), "one verdict per store");
    lines
}
