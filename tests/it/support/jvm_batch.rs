//! The JVM as a batch judge (`tests/it/support/JvmJudge.java`): one JVM process judges many chains the way a
//! JSSE TLS client does (the default trust manager's TLS-server validator at a set instant, HTTPS endpoint
//! identification), one result per case. The Java file's header says which JDK path it reproduces.
//!
//! [`judge`] compiles the judge with the JDK's own `javac` (once per JDK and test process), writes a
//! manifest, runs one JVM over it (bounded by a timeout) and reads the verdicts back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::prelude::{BASE64_STANDARD, Engine as _};

/// The `--add-exports`/`--add-opens` the judge needs (internal validator API, reflection into the
/// trust manager, `CertAndKeyGen` for its calibration handshake).
const MODULE_FLAGS: &[&str] = &[
    "--add-exports",
    "java.base/sun.security.validator=ALL-UNNAMED",
    "--add-exports",
    "java.base/sun.security.tools.keytool=ALL-UNNAMED",
    "--add-exports",
    "java.base/sun.security.x509=ALL-UNNAMED",
];

/// How the JVM loads a case's truststore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKind {
    /// `KeyStore.getInstance("JKS")`.
    Jks,
    /// `KeyStore.getInstance("PKCS12")`.
    Pkcs12,
    /// A PEM bundle, loaded into an in-memory KeyStore.
    Pem,
}

impl StoreKind {
    fn manifest_name(self) -> &'static str {
        match self {
            StoreKind::Jks => "JKS",
            StoreKind::Pkcs12 => "PKCS12",
            StoreKind::Pem => "PEM",
        }
    }
}

/// One chain for the judge.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique within the batch; no tab or newline.
    pub id: String,
    /// The truststore file and how to load it.
    pub store_kind: StoreKind,
    /// Its path.
    pub store: PathBuf,
    /// Its password (`None`: loaded without one).
    pub password: Option<String>,
    /// The host the client connects to (`None`: no endpoint identification).
    pub host: Option<String>,
    /// The validation instant, in seconds since the epoch.
    pub at: i64,
    /// Served certificates (DER), leaf first.
    pub served: Vec<Vec<u8>>,
    /// The TLS version the client negotiated (`TLSv1.3` or `TLSv1.2`); `None`: the default handshake's
    /// (TLS 1.3).
    pub protocol: Option<String>,
}

/// What the JVM decided for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `checkServerTrusted` returned.
    Trusted,
    /// It threw (or the store or a served certificate did not load).
    Untrusted {
        /// The exception's class.
        class: String,
        /// Its message.
        message: String,
        /// The innermost cause, `class: message`.
        cause: String,
    },
}

impl Batch {
    /// The calibration's value for `key` (`protocol`, `algorithms`, `tls12-algorithms`, …).
    pub fn calibrated(&self, key: &str) -> Option<&str> {
        self.calibration
            .split(' ')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    }
}

impl Verdict {
    /// True when trusted.
    pub fn trusted(&self) -> bool {
        matches!(self, Verdict::Trusted)
    }

    /// One line: `trusted`, or the exception and its innermost cause.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Trusted => "trusted".to_owned(),
            Verdict::Untrusted {
                class,
                message,
                cause,
            } => {
                let short = class.rsplit('.').next().unwrap_or(class);
                if cause.ends_with(message.as_str()) {
                    format!("{short}: {message}")
                } else {
                    format!("{short}: {message} (cause {cause})")
                }
            }
        }
    }
}

/// The outcome of one batch.
#[derive(Debug)]
pub struct Batch {
    /// The judge's `#calibration` line: protocol, authType and signature algorithms of a real handshake.
    pub calibration: String,
    /// Verdict per case id.
    pub verdicts: HashMap<String, Verdict>,
}

/// The directory holding `JvmJudge.class` compiled by `java_home`'s `javac`: compiled once and kept under
/// the tests' target tmpdir, keyed by the JDK (its home and `release` file) and the judge's source, so
/// that test processes reuse it.
pub fn compiled(java_home: &Path) -> PathBuf {
    use sha2::Digest as _;
    static DIRS: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    let dirs = DIRS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut dirs = dirs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(d) = dirs.get(java_home) {
        return d.clone();
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/JvmJudge.java");
    let mut key = sha2::Sha256::new();
    key.update(java_home.as_os_str().as_encoded_bytes());
    key.update(std::fs::read(java_home.join("release")).unwrap_or_default());
    key.update(std::fs::read(&src).expect("JvmJudge.java"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("jvm-judge")
        .join(hex::encode(&key.finalize()[..12]));
    if !dir.join("JvmJudge.class").is_file() {
        // Compiled beside it, then renamed into place: a concurrent test process sees all or nothing.
        let tmp = dir.with_extension(format!("tmp{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).expect("judge class dir");
        super::run_ok(
            Command::new(java_home.join("bin/javac"))
                .args(["-nowarn", "-XDignore.symbol.file"])
                .args(MODULE_FLAGS)
                .arg("-d")
                .arg(&tmp)
                .arg(&src),
        );
        if std::fs::rename(&tmp, &dir).is_err() {
            // Another process put it there first.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    dirs.insert(java_home.to_path_buf(), dir.clone());
    dir
}

/// Judges `cases` with the JVM of `java_home` in one process; `work` holds the manifest and the output.
pub fn judge(java_home: &Path, cases: &[Case], work: &Path) -> Batch {
    let classes = compiled(java_home);
    std::fs::create_dir_all(work).expect("judge work dir");
    let tag = java_home
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let manifest = work.join(format!("manifest-{tag}.tsv"));
    let output = work.join(format!("verdicts-{tag}.tsv"));
    let mut text = String::new();
    for c in cases {
        assert!(
            !c.id.contains(['\t', '\n']),
            "case id {:?} has a tab or newline",
            c.id
        );
        let served: Vec<String> = c.served.iter().map(|d| BASE64_STANDARD.encode(d)).collect();
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            c.id,
            c.store_kind.manifest_name(),
            c.store.display(),
            c.password.as_deref().unwrap_or("-"),
            c.host.as_deref().unwrap_or("-"),
            c.at * 1000,
            served.join(","),
            c.protocol.as_deref().unwrap_or_default()
        ));
    }
    std::fs::write(&manifest, text).expect("write manifest");
    let _ = std::fs::remove_file(&output);

    let mut child = Command::new(java_home.join("bin/java"))
        .arg("-XX:+UseSerialGC")
        // C1 only: the judge's work is many short validations, and C2's compile time costs more than its
        // code saves (measured: 5,000 cases in 25 s of CPU instead of 40 s).
        .arg("-XX:TieredStopAtLevel=1")
        .args(MODULE_FLAGS)
        .args(["--add-opens", "java.base/sun.security.ssl=ALL-UNNAMED"])
        .arg("-cp")
        .arg(&classes)
        .arg("JvmJudge")
        .arg(&manifest)
        .arg(&output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the JVM judge");
    // Bounded: start-up plus a generous allowance per case.
    let limit = Duration::from_secs(120) + Duration::from_millis(100) * cases.len() as u32;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the JVM judge") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the JVM judge ({}) ran past {limit:?}", java_home.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        status.success(),
        "the JVM judge ({}) failed ({status}):\n{stderr}",
        java_home.display()
    );
    let text = std::fs::read_to_string(&output).expect("judge output");
    let mut calibration = String::new();
    let mut verdicts = HashMap::new();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("#calibration ") {
            calibration = c.to_owned();
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let verdict = match f.get(1) {
            Some(&"TRUSTED") => Verdict::Trusted,
            Some(&"UNTRUSTED") => Verdict::Untrusted {
                class: f.get(2).copied().unwrap_or_default().to_owned(),
                message: f.get(3).copied().unwrap_or_default().to_owned(),
                cause: f.get(4).copied().unwrap_or_default().to_owned(),
            },
            other => panic!("judge output line {line:?}: unexpected verdict {other:?}"),
        };
        verdicts.insert(f[0].to_owned(), verdict);
    }
    for c in cases {
        assert!(
            verdicts.contains_key(&c.id),
            "the JVM judge gave no verdict for {}",
            c.id
        );
    }
    Batch {
        calibration,
        verdicts,
    }
}
