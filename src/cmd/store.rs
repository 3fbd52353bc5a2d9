//! `trustpath store`: list, import, export, remove, diff, convert and locate Java truststores.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use super::args::{DataFormatArgs, ListFormatArgs, StorePassArgs};
use crate::clock::Clock;
use crate::error::{Result, exit};
use crate::jvm::locate::{self, LocateEnv};
use crate::report;
use crate::storefile::{self, ConvertOptions, SaveOptions, StoreEdit};
use crate::truststore::edit::{self, ConvertTo};
use crate::truststore::{StoreFormat, TrustStore};

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
$ trustpath store list /opt/atlassian/confluence/jre/lib/security/cacerts \\\n      --storepass changeit\n  \
$ trustpath store list truststore.p12 --json | jq '.entries[].alias'\n  \
$ trustpath store list --cacerts --format openmetrics")]
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
$ trustpath store diff /etc/ssl/certs/java/cacerts \\\n      /opt/atlassian/jira/jre/lib/security/cacerts --json"
    )]
    Diff(DiffArgs),
    /// Convert a store to JKS, PKCS#12 or a PEM bundle.
    #[command(
        after_help = "DST is written atomically under the lock that store edits take, mode 0600 when \
the store holds keys or SRC is private, never wider than a DST it replaces. SRC and DST may be one file \
(with --force): the store is converted in place and a backup is kept.\n\n\
Examples:\n  \
$ trustpath store convert truststore.jks truststore.p12 --to pkcs12\n  \
$ trustpath store convert --cacerts cacerts.pem --to pem\n  \
$ trustpath store convert bundle.pem cacerts-new --to pkcs12 \\\n      --password-less"
    )]
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

/// `store list` (its STORE help names every kind of store it reads).
#[derive(Debug, Args)]
#[command(mut_arg("store", |a| a.help(
    "The store: JKS, JCEKS, PKCS#12, PEM bundle, DER file, or a directory of certificates"
)))]
pub struct ListArgs {
    #[command(flatten)]
    pub at: EntryStore,
    /// Output format.
    #[command(flatten)]
    pub output: ListFormatArgs,
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
    /// Format of a store created by this import. Default: the one the STORE's extension names (.jks,
    /// .jceks, .p12/.pfx, .pem), else pkcs12 (as keytool); the format chosen is printed with the reason.
    #[arg(long, value_enum)]
    pub store_type: Option<WriteFormat>,
}

/// The store an entry command reads or edits: a STORE path or `--cacerts`, with its password.
#[derive(Debug, Args)]
pub struct EntryStore {
    /// The store.
    #[arg(required_unless_present = "cacerts")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub choice: StoreChoice,
    #[command(flatten)]
    pub pass: StorePassArgs,
}

/// `store export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub at: EntryStore,
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
    #[command(flatten)]
    pub at: EntryStore,
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
    /// Output format: JSON is {"schema_version", "added": [...], "removed": [...], "changed": [...],
    /// "renamed": [...]}.
    #[command(flatten)]
    pub output: DataFormatArgs,
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
    /// Replace DST if it exists (followed if it is a symbolic link to a regular file).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub backup: BackupArgs,
}

/// `store locate`.
#[derive(Debug, Args)]
pub struct LocateArgs {
    /// Also consider this Java home (it becomes the default).
    #[arg(long, value_name = "DIR")]
    pub java_home: Option<PathBuf>,
    #[command(flatten)]
    pub pass: StorePassArgs,
    /// Output format: JSON is {"schema_version", "candidates": [{"path", "real_path", "origin",
    /// "java_home", "default", "also", "format", "entries", "error"}]}.
    #[command(flatten)]
    pub output: DataFormatArgs,
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

/// Debian's shared Java truststore, which `ca-certificates-java` regenerates.
const DEBIAN_CACERTS: &str = "/etc/ssl/certs/java/cacerts";

/// The warning for an edit of Debian's shared Java truststore (`path` or what it links to): the change
/// can be lost on the next update of `ca-certificates-java`; the durable ways.
fn debian_warning(path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).ok()?;
    (real == std::fs::canonicalize(DEBIAN_CACERTS).ok()?).then(|| {
        format!(
            "{} is Debian's shared Java truststore ({DEBIAN_CACERTS}), which ca-certificates-java rebuilds \
             from the system CA list when update-ca-certificates runs (on ca-certificates updates): this change \
             can be lost. Durable ways: put the CA in /usr/local/share/ca-certificates/NAME.crt (PEM) and run \
             update-ca-certificates, which adds it here too; or give the app a truststore of its own \
             (trustpath store convert --cacerts app-truststore.p12 --to pkcs12, import into it, and start the \
             JVM with -Djavax.net.ssl.trustStore=app-truststore.p12)",
            path.display()
        )
    })
}

/// The format of a store `store import` creates at `path`, and why: `--store-type`, else the extension,
/// else PKCS#12 (keytool's default).
fn new_store_format(path: &Path, chosen: Option<WriteFormat>) -> (StoreFormat, String) {
    if let Some(f) = chosen {
        return (f.format(), "--store-type".to_owned());
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let by_ext = match ext.as_str() {
        "jks" => Some(StoreFormat::Jks),
        "jceks" => Some(StoreFormat::Jceks),
        "p12" | "pfx" | "pkcs12" => Some(StoreFormat::Pkcs12),
        "pem" | "crt" => Some(StoreFormat::Pem),
        _ => None,
    };
    match by_ext {
        Some(f) => (f, format!("from its .{ext} extension")),
        None => (
            StoreFormat::Pkcs12,
            "the default without a .jks, .jceks, .p12 or .pem extension; --store-type chooses"
                .to_owned(),
        ),
    }
}

/// Runs `trustpath store`.
pub fn run(args: StoreArgs, clock: Clock) -> Result<u8> {
    match args.command {
        StoreCommand::List(a) => list(a, clock),
        StoreCommand::Import(a) => import(a, clock),
        StoreCommand::Export(a) => export(a),
        StoreCommand::Remove(a) => remove(a, clock),
        StoreCommand::Diff(a) => diff(a),
        StoreCommand::Convert(a) => convert(a, clock),
        StoreCommand::Locate(a) => locate_cmd(a),
    }
}

/// The default JVM's cacerts (`--cacerts`), searched from `java_home` and the environment; says on stderr which JVM that is and why.
fn default_cacerts(java_home: Option<PathBuf>) -> Result<PathBuf> {
    let env = LocateEnv::from_process(java_home);
    let path = locate::default_cacerts_path(&env)?;
    report::jvm_cacerts(&path, &crate::jvm::JvmUsed::find(&env)?);
    Ok(path)
}

fn chosen(store: Option<PathBuf>, choice: &StoreChoice) -> Result<PathBuf> {
    match (store, choice.cacerts) {
        (Some(_), true) => bail!("give either a STORE path or --cacerts, not both"),
        (Some(p), false) => Ok(p),
        (None, true) => default_cacerts(choice.java_home.clone()),
        (None, false) => bail!("give a STORE path or --cacerts"),
    }
}

fn save_options(backup: &BackupArgs, new_format: StoreFormat, clock: Clock) -> SaveOptions {
    SaveOptions {
        backup: !backup.no_backup,
        timestamp: clock.timestamp(),
        new_format,
    }
}

fn list(a: ListArgs, clock: Clock) -> Result<u8> {
    let path = chosen(a.at.store, &a.at.choice)?;
    let store = storefile::load(&path, &a.at.pass.resolve()?)?;
    store.parse_certificates();
    report::stdout(a.output.format()).store_list(&path, &store, clock.unix())?;
    if let Some(dir) = std::fs::canonicalize(&path)
        .ok()
        .filter(|p| p.is_file())
        .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        && let Some(left) = storefile::lock::leftover_temp_files(&dir)
        && !left.is_empty()
    {
        report::leftover(&left);
    }
    Ok(exit::OK)
}

fn import(a: ImportArgs, clock: Clock) -> Result<u8> {
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
    let certs = storefile::read_cert_files(&cert_paths)?;
    crate::truststore::jvm_load::refuse_unparseable(&certs)?;
    let password = a.pass.resolve()?;
    let (new_format, why) = new_store_format(&store_path, a.store_type);
    let mut edit = StoreEdit::open(&store_path, &password, new_format)?;
    if !edit.exists() && new_format == StoreFormat::Pem && edit.store.format != StoreFormat::Pem {
        edit.store.format = StoreFormat::Pem;
    }
    // A store that does not exist yet is created: say in which format and why, so that a mistyped path
    // is noticed.
    let new_store = (!edit.exists()).then(|| {
        format!(
            "({}, {why}; no file was there: check the path if you meant an existing store)",
            new_format.name()
        )
    });
    if let Some(w) = debian_warning(&store_path) {
        report::human_stdout().store_warning(&w)?;
    }
    let now = clock.unix();
    let (actions, warnings) = edit::plan_import(&edit.store, &certs, a.alias.as_deref(), now)?;
    let added = edit::apply_import(&mut edit.store, &actions, now);
    report::swept(edit.swept());
    let saved = if added > 0 && !a.dry_run {
        Some(edit.commit(&save_options(&a.backup, new_format, clock))?)
    } else {
        None
    };
    report::human_stdout().store_imported(
        &store_path,
        &actions,
        &warnings,
        a.dry_run,
        saved.as_ref(),
        new_store.as_deref(),
    )?;
    Ok(exit::OK)
}

/// The index of the entry `alias` in `store`, read from `path`.
fn entry_index(store: &TrustStore, alias: &str, path: &Path) -> Result<usize> {
    store
        .find_alias(alias)
        .with_context(|| format!("alias '{alias}' not found in {}", path.display()))
}

fn export(a: ExportArgs) -> Result<u8> {
    let path = chosen(a.at.store, &a.at.choice)?;
    let store = storefile::load(&path, &a.at.pass.resolve()?)?;
    let idx = entry_index(&store, &a.alias, &path)?;
    let entry = &store.entries[idx];
    let cert = entry.certificate().with_context(|| {
        format!(
            "'{}' is a secret-key entry: it holds no certificate",
            entry.alias
        )
    })?;
    report::data_stdout().certificate(cert, a.der)?;
    Ok(exit::OK)
}

fn remove(a: RemoveArgs, clock: Clock) -> Result<u8> {
    let path = chosen(a.at.store, &a.at.choice)?;
    let password = a.at.pass.resolve()?;
    let mut edit = StoreEdit::open(&path, &password, StoreFormat::Pkcs12)?;
    if !edit.exists() {
        bail!("{} does not exist", path.display());
    }
    if let Some(w) = debian_warning(&path) {
        report::human_stdout().store_warning(&w)?;
    }
    let idx = entry_index(&edit.store, &a.alias, &path)?;
    let removed = edit.store.entries.remove(idx);
    report::swept(edit.swept());
    let saved = edit.commit(&save_options(&a.backup, StoreFormat::Pkcs12, clock))?;
    report::human_stdout().store_removed(&path, &removed, &saved)?;
    Ok(exit::OK)
}

fn diff(a: DiffArgs) -> Result<u8> {
    let pa = a.pass.resolve()?;
    let pb = a.b_storepass.clone().unwrap_or_else(|| pa.clone());
    let sa = storefile::load(&a.a, &pa)?;
    let sb = storefile::load(&a.b, &pb)?;
    let d = edit::diff_stores(&sa, &sb);
    report::stdout(a.output.format()).store_diff(&a.a, &a.b, &d)?;
    Ok(if d.is_empty() {
        exit::OK
    } else {
        exit::PROBLEMS
    })
}

fn convert(a: ConvertArgs, clock: Clock) -> Result<u8> {
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
    let to = ConvertTo {
        format: a.to.format(),
        dest_password: a.dest_storepass.clone().unwrap_or_else(|| password.clone()),
        password,
        password_less: a.password_less,
    };
    let opts = ConvertOptions {
        force: a.force,
        dest_password: to.dest_password.clone(),
        save: save_options(&a.backup, to.format, clock),
    };
    let source = src.display().to_string();
    let done = storefile::convert_store(&src, &dst, &to.password, &opts, |store| {
        edit::convert(store, &source, &to)
    })?;
    report::swept(&done.swept);
    report::human_stdout().store_converted(&src, &dst, &done)?;
    Ok(exit::OK)
}

fn locate_cmd(a: LocateArgs) -> Result<u8> {
    let env = LocateEnv::from_process(a.java_home.clone());
    let found = locate::locate_all(&env, &a.pass.resolve()?)?;
    report::stdout(a.output.format()).stores_located(&found)?;
    Ok(if found.is_empty() {
        exit::PROBLEMS
    } else {
        exit::OK
    })
}
