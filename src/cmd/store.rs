//! `trustpath store`: list, import, export, remove, diff, convert and locate Java truststores.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use crate::cert::Certificate;
use crate::error::{Result, exit};
use crate::locate::{self, LocateEnv};
use crate::password::StorePassArgs;
use crate::report::store as out;
use crate::storefile::{self, SaveOptions, StoreEdit};
use crate::truststore::{
    self, Entry, EntryBody, Pkcs12Protection, StoreFormat, TrustStore, pem_bundle,
};

/// Arguments of `trustpath store`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
$ trustpath store locate\n  \
$ trustpath store list --cacerts\n  \
$ trustpath store import --cacerts corp-root-ca.pem")]
pub struct StoreArgs {
    /// The store subcommand.
    #[command(subcommand)]
    pub command: StoreCommand,
}

/// `trustpath store` subcommands.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// List a store's entries: alias, kind, subject, issuer, validity, SHA-256.
    #[command(after_help = "Examples:\n  \
$ trustpath store list --cacerts\n  \
$ trustpath store list /opt/atlassian/confluence/jre/lib/security/cacerts --storepass changeit\n  \
$ trustpath store list truststore.p12 --json | jq '.entries[].alias'")]
    List(ListArgs),
    /// Import CA certificates (PEM/DER files or bundles) as trusted entries; idempotent.
    #[command(
        after_help = "Usage forms: `store import STORE CERT…` or `store import --cacerts CERT…`.\n\n\
Examples:\n  \
$ trustpath store import --cacerts corp-root-ca.pem\n  \
$ trustpath store import truststore.jks --alias lab-root root-ca.pem\n  \
$ trustpath store import --cacerts --dry-run chain-from-proxy.pem"
    )]
    Import(ImportArgs),
    /// Print one entry's certificate (PEM by default).
    #[command(after_help = "Examples:\n  \
$ trustpath store export --cacerts --alias debian:isrg_root_x1.pem\n  \
$ trustpath store export server.jks --alias tomcat --der > tomcat.der")]
    Export(ExportArgs),
    /// Remove an entry.
    #[command(after_help = "Examples:\n  \
$ trustpath store remove --cacerts --alias old-lab-root\n  \
$ trustpath store remove truststore.p12 --alias lab-root --no-backup")]
    Remove(RemoveArgs),
    /// Compare two stores by certificate fingerprint: added, removed, changed.
    #[command(
        after_help = "Exit status: 0 when the stores hold the same certificates under the same aliases, 1 when \
they differ.\n\nExamples:\n  \
$ trustpath store diff cacerts.20261123T221005Z.bak cacerts\n  \
$ trustpath store diff /etc/ssl/certs/java/cacerts /opt/atlassian/jira/jre/lib/security/cacerts --json"
    )]
    Diff(DiffArgs),
    /// Convert a store to JKS, PKCS#12 or a PEM bundle.
    #[command(after_help = "Examples:\n  \
$ trustpath store convert truststore.jks truststore.p12 --to pkcs12\n  \
$ trustpath store convert --cacerts cacerts.pem --to pem\n  \
$ trustpath store convert bundle.pem cacerts-new --to pkcs12 --password-less")]
    Convert(ConvertArgs),
    /// List the cacerts files on this machine, the default JVM's first.
    #[command(after_help = "Examples:\n  \
$ trustpath store locate\n  \
$ trustpath store locate --java-home /opt/atlassian/confluence/jre --json")]
    Locate(LocateArgs),
}

/// Picks the store: a path, or `--cacerts`.
#[derive(Debug, Clone, Args)]
pub struct StoreChoice {
    /// Use the truststore of the default JVM (see `trustpath store locate`) instead of a STORE path.
    #[arg(long)]
    pub cacerts: bool,
    /// With --cacerts: the Java home whose cacerts to use.
    #[arg(long, value_name = "DIR")]
    pub java_home: Option<PathBuf>,
}

/// Backup control for edits.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Do not write the timestamped backup (STORE.YYYYMMDDTHHMMSSZ.bak) beside the store.
    #[arg(long)]
    pub no_backup: bool,
}

/// `store list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The store: JKS, JCEKS, PKCS#12, PEM bundle, DER file, or a directory of certificates.
    #[arg(required_unless_present = "cacerts")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Print JSON: {"store", "format", "entries": [{"alias", "kind", "subject", "issuer", "not_before",
    /// "not_after", "sha256", …}]}.
    #[arg(long)]
    pub json: bool,
}

/// `store import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// STORE then CERT files; with --cacerts, CERT files only. A STORE that does not exist is created
    /// (--store-type, default pkcs12 as keytool).
    #[arg(required = true, value_name = "STORE|CERT")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Alias for the imported certificate (with several, ALIAS, ALIAS-2, …). Default: derived from each
    /// certificate's subject.
    #[arg(long)]
    pub alias: Option<String>,
    /// Show what would be imported; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub backup: BackupArgs,
    /// Format of a store created by this import.
    #[arg(long, value_enum, default_value = "pkcs12")]
    pub store_type: WriteFormat,
}

/// `store export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The store.
    #[arg(required_unless_present = "cacerts")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// The entry to export (a private-key entry exports its leaf certificate).
    #[arg(long, required = true)]
    pub alias: String,
    /// Write DER instead of PEM.
    #[arg(long)]
    pub der: bool,
}

/// `store remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The store.
    #[arg(required_unless_present = "cacerts")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// The entry to remove.
    #[arg(long, required = true)]
    pub alias: String,
    #[command(flatten)]
    pub backup: BackupArgs,
}

/// `store diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old store.
    pub a: PathBuf,
    /// The new store.
    pub b: PathBuf,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Password of B when it differs from A's.
    #[arg(long, value_name = "PASS")]
    pub b_storepass: Option<String>,
    /// Print JSON: {"added": [...], "removed": [...], "changed": [...], "renamed": [...]}.
    #[arg(long)]
    pub json: bool,
}

/// `store convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// SRC then DST; with --cacerts, DST only.
    #[arg(required = true, num_args = 1..=2, value_name = "SRC|DST")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Output format.
    #[arg(long, value_enum)]
    pub to: WriteFormat,
    /// Password for DST (default: the source's).
    #[arg(long, value_name = "PASS")]
    pub dest_storepass: Option<String>,
    /// PKCS#12 only: write the password-less form (no MAC, certificates in clear) that JDK 18+ ships as
    /// cacerts and that a JVM loads without javax.net.ssl.trustStorePassword.
    #[arg(long)]
    pub password_less: bool,
    /// Replace DST if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `store locate`.
#[derive(Debug, Args)]
pub struct LocateArgs {
    /// Also consider this Java home (it becomes the default).
    #[arg(long, value_name = "DIR")]
    pub java_home: Option<PathBuf>,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Print JSON: {"candidates": [{"path", "real_path", "origin", "java_home", "default", "format",
    /// "entries", "error"}]}.
    #[arg(long)]
    pub json: bool,
}

/// Formats trustpath writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WriteFormat {
    /// Sun JKS.
    Jks,
    /// PKCS#12.
    Pkcs12,
    /// PEM bundle (certificates only).
    Pem,
}

impl WriteFormat {
    fn format(self) -> StoreFormat {
        match self {
            WriteFormat::Jks => StoreFormat::Jks,
            WriteFormat::Pkcs12 => StoreFormat::Pkcs12,
            WriteFormat::Pem => StoreFormat::Pem,
        }
    }
}

/// Runs `trustpath store`.
pub fn run(args: StoreArgs) -> Result<u8> {
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    match args.command {
        StoreCommand::List(a) => list(a, &mut w),
        StoreCommand::Import(a) => import(a, &mut w),
        StoreCommand::Export(a) => export(a, &mut w),
        StoreCommand::Remove(a) => remove(a, &mut w),
        StoreCommand::Diff(a) => diff(a, &mut w),
        StoreCommand::Convert(a) => convert(a, &mut w),
        StoreCommand::Locate(a) => locate_cmd(a, &mut w),
    }
}

/// The default JVM's cacerts, or an error saying where trustpath looked.
pub fn default_cacerts(java_home: Option<PathBuf>) -> Result<PathBuf> {
    let env = LocateEnv::from_process(java_home);
    match locate::default_cacerts(&env) {
        Some(c) => Ok(c.path),
        None => bail!(
            "no JVM truststore found (looked at --java-home, $JAVA_HOME, the java on PATH and {}); pass the \
             store's path instead of --cacerts",
            env.system_cacerts.display()
        ),
    }
}

fn chosen(store: Option<PathBuf>, choice: &StoreChoice) -> Result<PathBuf> {
    match (store, choice.cacerts) {
        (Some(_), true) => bail!("give either a STORE path or --cacerts, not both"),
        (Some(p), false) => Ok(p),
        (None, true) => default_cacerts(choice.java_home.clone()),
        (None, false) => bail!("give a STORE path or --cacerts"),
    }
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn save_options(backup: &BackupArgs, new_format: StoreFormat) -> SaveOptions {
    SaveOptions {
        backup: !backup.no_backup,
        timestamp: storefile::timestamp_now(),
        new_format,
    }
}

fn list(a: ListArgs, w: &mut dyn Write) -> Result<u8> {
    let path = chosen(a.store, &a.choice)?;
    let store = storefile::load(&path, &a.pass.resolve()?)?;
    let now = now_unix();
    if a.json {
        out::list_json(w, &path, &store, now)?;
    } else {
        out::list_human(w, &path, &store, now)?;
    }
    Ok(exit::OK)
}

/// What `store import` decided for one certificate.
#[derive(Debug, Clone)]
pub enum ImportAction {
    /// Added under this alias.
    Added {
        /// The alias written.
        alias: String,
        /// The certificate.
        cert: Certificate,
    },
    /// Already trusted under this alias; nothing added.
    AlreadyPresent {
        /// The existing alias.
        alias: String,
        /// The certificate.
        cert: Certificate,
    },
}

/// A warning about something the user asked to import.
#[derive(Debug, Clone)]
pub struct ImportWarning {
    /// The certificate concerned.
    pub cert: Certificate,
    /// What is wrong and what to do instead.
    pub message: String,
}

/// Decides the entries to add for `certs` (deduplicated, idempotent against the store) and warnings.
pub fn plan_import(
    store: &TrustStore,
    certs: &[Certificate],
    alias: Option<&str>,
    now: i64,
) -> Result<(Vec<ImportAction>, Vec<ImportWarning>)> {
    let mut taken: HashSet<String> = store
        .entries
        .iter()
        .map(|e| e.alias.to_lowercase())
        .collect();
    let mut seen = HashSet::new();
    let mut actions = Vec::new();
    let mut warnings = Vec::new();
    let fold = |s: &str| {
        if matches!(store.format, StoreFormat::Jks | StoreFormat::Jceks) {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let mut n_new = 0;
    for cert in certs {
        if !seen.insert(cert.sha256()) {
            continue;
        }
        if let Some(existing) = store.find_cert(cert) {
            actions.push(ImportAction::AlreadyPresent {
                alias: existing.alias.clone(),
                cert: cert.clone(),
            });
            continue;
        }
        let info = cert.try_info().map_err(|e| anyhow::anyhow!("{e}"))?;
        if !info.is_ca && !info.self_issued {
            warnings.push(ImportWarning {
                cert: cert.clone(),
                message: format!(
                    "'{}' is not a CA certificate: trusting a server's own certificate breaks at its next renewal; \
                     import its issuing CA instead ({})",
                    info.subject, info.issuer
                ),
            });
        }
        if info.not_after < now {
            warnings.push(ImportWarning {
                cert: cert.clone(),
                message: format!("'{}' has expired: the JVM still uses an expired anchor, but the CA has likely been replaced", info.subject),
            });
        }
        n_new += 1;
        let alias = match alias {
            Some(a) => {
                let wanted = if n_new == 1 {
                    a.to_owned()
                } else {
                    format!("{a}-{n_new}")
                };
                let wanted = fold(&wanted);
                if taken.contains(&wanted.to_lowercase()) {
                    bail!(
                        "alias '{wanted}' already exists in the store with another certificate; choose another \
                         --alias or remove the old entry first"
                    );
                }
                taken.insert(wanted.to_lowercase());
                wanted
            }
            None => pem_bundle::unique_alias(&fold(&pem_bundle::alias_for(cert)), &mut taken),
        };
        actions.push(ImportAction::Added {
            alias,
            cert: cert.clone(),
        });
    }
    Ok((actions, warnings))
}

fn import(a: ImportArgs, w: &mut dyn Write) -> Result<u8> {
    let (store_path, cert_paths) = if a.choice.cacerts {
        (
            default_cacerts(a.choice.java_home.clone())?,
            a.paths.clone(),
        )
    } else {
        let (first, rest) = a.paths.split_first().context("give STORE and CERT files")?;
        if rest.is_empty() {
            bail!(
                "give at least one CERT file after STORE {}",
                first.display()
            );
        }
        (first.clone(), rest.to_vec())
    };
    // Read every input before touching the store: a bad certificate file refuses the whole import.
    let mut certs = Vec::new();
    for p in &cert_paths {
        certs.extend(storefile::read_cert_file(p)?);
    }
    truststore::jvm_load::refuse_unparseable(&certs)?;
    let password = a.pass.resolve()?;
    let mut edit = StoreEdit::open(&store_path, &password, a.store_type.format())?;
    if !edit.exists() && a.store_type == WriteFormat::Pem && edit.store.format != StoreFormat::Pem {
        edit.store.format = StoreFormat::Pem;
    }
    let now = now_unix();
    let (actions, warnings) = plan_import(&edit.store, &certs, a.alias.as_deref(), now)?;
    for action in &actions {
        if let ImportAction::Added { alias, cert } = action {
            edit.store.entries.push(Entry::trusted(
                alias.clone(),
                cert.clone(),
                Some(now * 1000),
            ));
        }
    }
    let added = actions
        .iter()
        .filter(|x| matches!(x, ImportAction::Added { .. }))
        .count();
    let saved = if added > 0 && !a.dry_run {
        Some(edit.commit(&save_options(&a.backup, a.store_type.format()))?)
    } else {
        None
    };
    out::import_human(
        w,
        &store_path,
        &actions,
        &warnings,
        a.dry_run,
        saved.as_ref(),
    )?;
    Ok(exit::OK)
}

fn export(a: ExportArgs, w: &mut dyn Write) -> Result<u8> {
    let path = chosen(a.store, &a.choice)?;
    let store = storefile::load(&path, &a.pass.resolve()?)?;
    let idx = store
        .find_alias(&a.alias)
        .with_context(|| format!("alias '{}' not found in {}", a.alias, path.display()))?;
    let entry = &store.entries[idx];
    let cert = entry.certificate().with_context(|| {
        format!(
            "'{}' is a secret-key entry: it holds no certificate",
            entry.alias
        )
    })?;
    if a.der {
        w.write_all(cert.der())?;
    } else {
        w.write_all(cert.to_pem().as_bytes())?;
    }
    Ok(exit::OK)
}

fn remove(a: RemoveArgs, w: &mut dyn Write) -> Result<u8> {
    let path = chosen(a.store, &a.choice)?;
    let password = a.pass.resolve()?;
    let mut edit = StoreEdit::open(&path, &password, StoreFormat::Pkcs12)?;
    if !edit.exists() {
        bail!("{} does not exist", path.display());
    }
    let idx = edit
        .store
        .find_alias(&a.alias)
        .with_context(|| format!("alias '{}' not found in {}", a.alias, path.display()))?;
    let removed = edit.store.entries.remove(idx);
    let saved = edit.commit(&save_options(&a.backup, StoreFormat::Pkcs12))?;
    out::remove_human(w, &path, &removed, &saved)?;
    Ok(exit::OK)
}

/// The differences between two stores, by fingerprint.
#[derive(Debug, Clone, Default)]
pub struct StoreDiff {
    /// Certificates only in B: (alias in B, cert).
    pub added: Vec<(String, Certificate)>,
    /// Certificates only in A: (alias in A, cert).
    pub removed: Vec<(String, Certificate)>,
    /// Same alias, different certificate: (alias, cert in A, cert in B).
    pub changed: Vec<(String, Certificate, Certificate)>,
    /// Same certificate under another alias: (alias in A, alias in B, cert).
    pub renamed: Vec<(String, String, Certificate)>,
}

impl StoreDiff {
    /// Whether the stores hold the same certificates under the same aliases.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.renamed.is_empty()
    }
}

fn certs_by_alias(store: &TrustStore) -> Vec<(String, Certificate)> {
    store
        .entries
        .iter()
        .filter_map(|e| e.certificate().map(|c| (e.alias.to_lowercase(), c.clone())))
        .collect()
}

/// Compares two stores: a certificate present in both (under any alias) is unchanged or renamed; an alias
/// present in both with different certificates is changed; the rest is added or removed.
pub fn diff_stores(a: &TrustStore, b: &TrustStore) -> StoreDiff {
    let ea = certs_by_alias(a);
    let eb = certs_by_alias(b);
    let fa: HashSet<[u8; 32]> = ea.iter().map(|(_, c)| c.sha256()).collect();
    let fb: HashSet<[u8; 32]> = eb.iter().map(|(_, c)| c.sha256()).collect();
    let mut d = StoreDiff::default();
    for (alias, cert) in &ea {
        let fp = cert.sha256();
        if fb.contains(&fp) {
            let kept_alias = eb.iter().any(|(ba, bc)| ba == alias && bc.sha256() == fp);
            if let (false, Some((b_alias, _))) = (
                kept_alias,
                eb.iter().find(|(ba, bc)| bc.sha256() == fp && ba != alias),
            ) {
                d.renamed
                    .push((alias.clone(), b_alias.clone(), cert.clone()));
            }
            continue;
        }
        match eb.iter().find(|(ba, _)| ba == alias) {
            Some((_, bc)) if !fa.contains(&bc.sha256()) => {
                d.changed.push((alias.clone(), cert.clone(), bc.clone()))
            }
            _ => d.removed.push((alias.clone(), cert.clone())),
        }
    }
    for (alias, cert) in &eb {
        let fp = cert.sha256();
        if fa.contains(&fp) {
            continue;
        }
        if d.changed
            .iter()
            .any(|(ca, _, cb)| ca == alias && cb.sha256() == fp)
        {
            continue;
        }
        d.added.push((alias.clone(), cert.clone()));
    }
    d
}

fn diff(a: DiffArgs, w: &mut dyn Write) -> Result<u8> {
    let pa = a.pass.resolve()?;
    let pb = a.b_storepass.clone().unwrap_or_else(|| pa.clone());
    let sa = storefile::load(&a.a, &pa)?;
    let sb = storefile::load(&a.b, &pb)?;
    let d = diff_stores(&sa, &sb);
    if a.json {
        out::diff_json(w, &d)?;
    } else {
        out::diff_human(w, &a.a, &a.b, &d)?;
    }
    Ok(if d.is_empty() {
        exit::OK
    } else {
        exit::PROBLEMS
    })
}

fn convert(a: ConvertArgs, w: &mut dyn Write) -> Result<u8> {
    let (src, dst) = match (a.choice.cacerts, a.paths.as_slice()) {
        (true, [dst]) => (default_cacerts(a.choice.java_home.clone())?, dst.clone()),
        (false, [src, dst]) => (src.clone(), dst.clone()),
        (true, _) => bail!("with --cacerts give only DST"),
        (false, _) => bail!("give SRC and DST"),
    };
    if a.password_less && a.to != WriteFormat::Pkcs12 {
        bail!("--password-less applies to --to pkcs12 only");
    }
    let password = a.pass.resolve()?;
    let mut store = storefile::load(&src, &password)?;
    truststore::jvm_load::refuse_unparseable_store(&store)?;
    let dest_password = a.dest_storepass.clone().unwrap_or_else(|| password.clone());
    let format = a.to.format();
    if format != StoreFormat::Pkcs12 || store.format != StoreFormat::Pkcs12 {
        store.pkcs12_protection = None;
    }
    if a.password_less {
        store.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
    }
    if dest_password != password {
        // Keys kept in their JKS/JCEKS protection would stay under the old password, which a JVM given the
        // new store password cannot open: take them out with the old one so the writer protects them anew.
        for e in &mut store.entries {
            if let EntryBody::PrivateKey(k) = &mut e.body
                && let truststore::KeyMaterial::JavaProtected(blob) = &k.key
            {
                let pkcs8 =
                    truststore::keyprotect::recover(blob, &password).with_context(|| {
                        format!(
                            "cannot re-protect the key of '{}' under the new password",
                            e.alias
                        )
                    })?;
                k.key = truststore::KeyMaterial::Pkcs8(pkcs8);
            }
        }
    }
    if format == StoreFormat::Jks {
        let mut seen = HashSet::new();
        for e in &store.entries {
            if !seen.insert(e.alias.to_lowercase()) {
                bail!(
                    "aliases differing only in case ('{}') cannot both live in a JKS store, whose aliases the JDK \
                     folds to lower case",
                    e.alias
                );
            }
        }
    }
    if format == StoreFormat::Pem && store.has_keys() {
        let e = store
            .entries
            .iter()
            .find(|e| !matches!(e.body, EntryBody::TrustedCert(_)));
        bail!(
            "{} holds key entries ({}) and a PEM bundle holds certificates only; convert to jks or pkcs12 to keep them",
            src.display(),
            e.map(|e| e.alias.as_str()).unwrap_or("")
        );
    }
    store.format = format;
    let bytes = truststore::write(&store, format, &dest_password)
        .with_context(|| format!("cannot write {}", dst.display()))?;
    storefile::verify_round_trip(&store, &bytes, &dest_password)
        .with_context(|| format!("refusing to write {}", dst.display()))?;
    if dst.exists() && !a.force {
        bail!("{} exists; pass --force to replace it", dst.display());
    }
    storefile::write_atomic(&dst, &bytes, 0o644)?;
    out::convert_human(w, &src, &dst, format, store.entries.len())?;
    Ok(exit::OK)
}

/// One candidate with what reading it found.
#[derive(Debug, Clone)]
pub struct LocatedStore {
    /// The candidate.
    pub candidate: locate::Candidate,
    /// The store, if it could be read.
    pub store: std::result::Result<TrustStore, String>,
}

fn locate_cmd(a: LocateArgs, w: &mut dyn Write) -> Result<u8> {
    let env = LocateEnv::from_process(a.java_home.clone());
    let password = a.pass.resolve()?;
    let found: Vec<LocatedStore> = locate::candidates(&env)
        .into_iter()
        .map(|candidate| {
            let store = storefile::load(&candidate.path, &password).map_err(|e| format!("{e:#}"));
            LocatedStore { candidate, store }
        })
        .collect();
    if a.json {
        out::locate_json(w, &found)?;
    } else {
        out::locate_human(w, &found)?;
    }
    Ok(if found.is_empty() {
        exit::PROBLEMS
    } else {
        exit::OK
    })
}
