//! `trustpath gen`: lab PKIs on disk. `crate::pki` generates everything in memory; `crate::storefile`
//! reads an existing CA directory when asked and writes the new files (never over an existing file unless
//! `--force`, private keys and keystores mode 0600).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use time::OffsetDateTime;

use super::args::StorePassArgs;
use crate::clock::Clock;
use crate::error::{Result, exit};
use crate::pki::key::LabKey;
use crate::pki::keystores::DEFAULT_KEY_ALIAS;
use crate::pki::lab::{self, LabFile, LabSpec, files};
use crate::pki::profile::{INTERMEDIATE_DAYS, LEAF_DAYS, ROOT_DAYS};
use crate::pki::{Authority, CaSpec, KeyType, LeafUsage, SubjectName};
use crate::storefile::lab::{load_authority, load_ca};
use crate::storefile::write::write_files;

/// Arguments of `trustpath gen`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
$ trustpath gen lab --out lab \\\n      confluence.example.test '*.example.test' 127.0.0.1 ::1\n  \
$ trustpath gen leaf --ca lab --out jira jira.example.test\n  \
$ trustpath gen ca --out corp-lab-ca --key-type rsa-3072")]
pub struct GenArgs {
    /// What to generate.
    #[command(subcommand)]
    pub command: GenCommand,
}

/// `trustpath gen` subcommands.
#[derive(Debug, Subcommand)]
pub enum GenCommand {
    /// A whole lab PKI: root CA, intermediate, a server certificate for every NAME, PEM files, Tomcat
    /// keystores, Java truststores and a README saying which file goes where.
    #[command(
        after_help = "Writes root-ca.pem/.key, intermediate-ca.pem/.key, server.pem/.key, fullchain.pem \
(server then intermediate: for nginx and Apache), server.p12 and server.jks (alias tomcat, for Tomcat's \
keystoreFile), truststore.jks and truststore.p12 (the root, for -Djavax.net.ssl.trustStore) and README.txt. \
Keystores and truststores use the password changeit unless --storepass says otherwise: it is what Tomcat and \
the JRE expect, fine in a lab; choose another anywhere else.\n\n\
Examples:\n  \
$ trustpath gen lab --out lab confluence.example.test '*.example.test' \\\n      127.0.0.1\n  \
$ trustpath gen lab --out lab2 --ca lab jira.example.test  # same root\n  \
$ trustpath gen lab --out lab-rsa --key-type rsa-2048 --no-intermediate \\\n      localhost"
    )]
    Lab(LabArgs),
    /// A root CA alone (root-ca.pem, root-ca.key).
    #[command(after_help = "Examples:\n  \
$ trustpath gen ca --out lab-ca\n  \
$ trustpath gen ca --out example-ca --key-type rsa-4096 --days 7300 \\\n      --common-name 'Example Lab Root'")]
    Ca(CaArgs),
    /// An intermediate CA under an existing root (intermediate-ca.pem, intermediate-ca.key).
    #[command(after_help = "Examples:\n  \
$ trustpath gen intermediate --ca lab-ca\n  \
$ trustpath gen intermediate --ca lab-ca --out issuing-ca --key-type ec-p384\n  \
$ trustpath gen leaf --ca issuing-ca --out app app.example.test")]
    Intermediate(IntermediateArgs),
    /// A server (or client) certificate under an existing lab CA: its intermediate if the CA directory
    /// has one, else the root.
    #[command(after_help = "Examples:\n  \
$ trustpath gen leaf --ca lab --out jira jira.example.test 10.0.0.5\n  \
$ trustpath gen leaf --ca lab --out alice --client alice.example.test\n  \
$ trustpath gen leaf --ca lab --out legacy --key-type rsa-2048 --days 825 \\\n      old-app.example.test")]
    Leaf(LeafArgs),
}

/// Options shared by every generator.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Key type of the new keys.
    #[arg(long, value_enum, default_value_t = KeyType::EcP256)]
    pub key_type: KeyType,
    /// Lifetime in days of the certificate this command is about (lab and leaf: the server certificate,
    /// default 397, inside the 398-day browser limit; ca: 3650; intermediate: 1825).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: Option<u32>,
    /// Overwrite existing files. Without it, nothing is written if any target file exists.
    #[arg(long)]
    pub force: bool,
}

/// Keystore options of commands that write keystores.
#[derive(Debug, Clone, Args)]
pub struct KeystoreArgs {
    /// Alias of the private-key entry in the .p12 and .jks keystores (Tomcat's certificateKeyAlias).
    #[arg(long, default_value = DEFAULT_KEY_ALIAS)]
    pub alias: String,
    /// Store password of the keystores and truststores.
    #[command(flatten)]
    pub storepass: StorePassArgs,
    /// Key password. trustpath protects the key with the store password (the JDK's PKCS#12 keystore
    /// requires that, and Tomcat assumes it), so this must equal the store password when given.
    #[arg(long, value_name = "PASS")]
    pub keypass: Option<String>,
}

impl KeystoreArgs {
    fn password(&self) -> Result<String> {
        let storepass = self.storepass.resolve()?;
        if self.keypass.as_ref().is_some_and(|k| *k != storepass) {
            bail!(
                "--keypass differs from the store password: trustpath protects keys with the store \
                 password (the JDK's PKCS#12 keystore requires that, and Tomcat assumes it); give the same \
                 value or drop --keypass"
            );
        }
        if storepass.is_empty() {
            bail!("the store password is empty; give one with --storepass");
        }
        Ok(storepass)
    }
}

/// `trustpath gen lab`.
#[derive(Debug, Args)]
pub struct LabArgs {
    /// Directory to write the lab to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Names the server certificate covers: DNS names, wildcards (*.example.test), IPv4/IPv6 addresses.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// Issue under the CA in this lab directory (root-ca.pem, plus intermediate-ca.pem/.key or
    /// root-ca.key), so clients that trust it need nothing new.
    #[arg(long, value_name = "DIR")]
    pub ca: Option<PathBuf>,
    /// Issue the server certificate directly from the root, without an intermediate.
    #[arg(long)]
    pub no_intermediate: bool,
    /// Common options.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Keystore options.
    #[command(flatten)]
    pub keystore: KeystoreArgs,
}

/// `trustpath gen ca`.
#[derive(Debug, Args)]
pub struct CaArgs {
    /// Directory to write root-ca.pem and root-ca.key to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The root's common name. Default: "trustpath lab root CA" and a tag from its key.
    #[arg(long, value_name = "CN")]
    pub common_name: Option<String>,
    /// Common options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `trustpath gen intermediate`.
#[derive(Debug, Args)]
pub struct IntermediateArgs {
    /// Directory holding the root (root-ca.pem and root-ca.key).
    #[arg(long, value_name = "DIR")]
    pub ca: PathBuf,
    /// Directory to write intermediate-ca.pem and .key to. Default: the --ca directory. Another
    /// directory also gets a copy of root-ca.pem (never the root's key), so it works as --ca for
    /// `gen leaf` and `gen lab`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Common options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `trustpath gen leaf`.
#[derive(Debug, Args)]
pub struct LeafArgs {
    /// Directory holding the CA: its intermediate (intermediate-ca.pem/.key) issues when present, else
    /// the root (root-ca.pem/.key).
    #[arg(long, value_name = "DIR")]
    pub ca: PathBuf,
    /// Directory to write server.* (or client.*) and fullchain.pem to. Default: the --ca directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Names the certificate covers: DNS names, wildcards, IPv4/IPv6 addresses.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// A client certificate (extendedKeyUsage clientAuth) instead of a server one; files are client.*.
    #[arg(long)]
    pub client: bool,
    /// Common options.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Keystore options.
    #[command(flatten)]
    pub keystore: KeystoreArgs,
}

/// Runs `trustpath gen`.
pub fn run(args: GenArgs, clock: Clock) -> Result<u8> {
    let now = clock.now();
    let (dir, written) = match args.command {
        GenCommand::Lab(a) => run_lab(a, now)?,
        GenCommand::Ca(a) => run_ca(a, now)?,
        GenCommand::Intermediate(a) => run_intermediate(a, now)?,
        GenCommand::Leaf(a) => run_leaf(a, now)?,
    };
    let readme = written
        .iter()
        .any(|f| f.name == files::README)
        .then(|| dir.join(files::README));
    crate::report::human_stdout().lab_written(&dir, &written, readme.as_deref())?;
    Ok(exit::OK)
}

fn run_lab(a: LabArgs, now: OffsetDateTime) -> Result<(PathBuf, Vec<LabFile>)> {
    let names = SubjectName::parse_all(&a.names)?;
    let password = a.keystore.password()?;
    let spec = LabSpec {
        names,
        key_type: a.common.key_type,
        leaf_days: a.common.days,
        alias: a.keystore.alias.clone(),
        storepass: password,
        intermediate: !a.no_intermediate,
        usage: LeafUsage::Server,
    };
    let existing = match &a.ca {
        Some(dir) => Some(load_ca(dir)?),
        None => None,
    };
    let lab = lab::generate_under(&spec, existing.as_ref(), now)?;
    crate::report::swept(&write_files(&a.out, &lab.files, a.common.force)?);
    Ok((a.out, lab.files))
}

fn run_ca(a: CaArgs, now: OffsetDateTime) -> Result<(PathBuf, Vec<LabFile>)> {
    let days = a.common.days.unwrap_or(ROOT_DAYS);
    let spec = CaSpec {
        common_name: a.common_name.as_deref(),
        not_before: now,
        days,
        path_len: 1,
    };
    let root = Authority::new_root(&spec, LabKey::generate(a.common.key_type)?)?;
    let out = lab::root_files(&root);
    crate::report::swept(&write_files(&a.out, &out, a.common.force)?);
    Ok((a.out, out))
}

fn run_intermediate(a: IntermediateArgs, now: OffsetDateTime) -> Result<(PathBuf, Vec<LabFile>)> {
    let root = load_authority(&a.ca, files::ROOT_CERT, files::ROOT_KEY)?
        .with_context(|| format!("{} has no root-ca.pem and root-ca.key", a.ca.display()))?;
    let days = a.common.days.unwrap_or(INTERMEDIATE_DAYS);
    let spec = CaSpec {
        common_name: None,
        not_before: now,
        days,
        path_len: 0,
    };
    let inter = root.new_intermediate(&spec, LabKey::generate(a.common.key_type)?)?;
    let same_dir = |out: &PathBuf| {
        out == &a.ca
            || matches!(
                (std::fs::canonicalize(out), std::fs::canonicalize(&a.ca)),
                (Ok(x), Ok(y)) if x == y
            )
    };
    let (dir, out) = match a.out {
        Some(out) if !same_dir(&out) => {
            (out, lab::intermediate_dir_files(&inter, root.certificate()))
        }
        _ => (a.ca, lab::intermediate_files(&inter)),
    };
    crate::report::swept(&write_files(&dir, &out, a.common.force)?);
    Ok((dir, out))
}

fn run_leaf(a: LeafArgs, now: OffsetDateTime) -> Result<(PathBuf, Vec<LabFile>)> {
    let names = SubjectName::parse_all(&a.names)?;
    let password = a.keystore.password()?;
    let ca = load_ca(&a.ca)?;
    let usage = if a.client {
        LeafUsage::Client
    } else {
        LeafUsage::Server
    };
    let (issuer, intermediates) = match (&ca.intermediate, &ca.root_authority) {
        (Some(inter), _) => (inter, vec![inter.certificate().clone()]),
        (None, Some(root)) => (root, Vec::new()),
        (None, None) => bail!(
            "{} has neither intermediate-ca.pem/.key nor root-ca.key to issue with",
            a.ca.display()
        ),
    };
    let days = a.common.days.unwrap_or(LEAF_DAYS);
    let leaf = issuer.issue_leaf(&names, usage, a.common.key_type, now, days)?;
    let out = lab::leaf_files(
        usage,
        &leaf,
        &intermediates,
        &a.keystore.alias,
        &password,
        now,
    )?;
    let dir = a.out.unwrap_or(a.ca);
    crate::report::swept(&write_files(&dir, &out, a.common.force)?);
    Ok((dir, out))
}
