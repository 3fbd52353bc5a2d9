//! `trustpath trust`: probe one endpoint (any protocol `probe` speaks), judge it with the one truststore
//! named, pick the certificate to import (`trust::plan`), show it, ask (or `--yes`), import it through
//! the store's locked edit (backup, atomic replace), then probe and judge again and report before and
//! after.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};

use super::args::{self, TrustArgs};
use crate::clock::Clock;
use crate::error::{Result, exit};
use crate::judge::EndpointReport;
use crate::jvm::JvmTrust;
use crate::jvm::locate::{self, LocateEnv};
use crate::probe::{self, ProbeOptions, Prober, Protocol, Target};
use crate::report;
use crate::storefile::{SaveOptions, StoreEdit};
use crate::trust::{self, Plan};
use crate::truststore::StoreFormat;
use crate::truststore::edit;

/// Arguments of `trustpath trust`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when the endpoint is trusted at the end (already, or after the \
import), 1 when it is not (nothing importable, a problem that is not trust, a dry run, or the answer \
was no), 2 when the job could not be done.

Examples:
  $ trustpath trust ldaps://dc1.example.test --cacerts \\
      --java-home /opt/atlassian/confluence/jre
      Import the directory's CA into Confluence's own cacerts (asks first), then probe again.

  $ trustpath trust smtp://mail.example.test:587 \\
      --truststore /opt/app/truststore.p12 --yes
      The mail server's CA, for scripts: no question asked.

  $ trustpath trust --starttls postgres db.example.test --cacerts --dry-run
      Show what would be imported, and change nothing."
)]
pub struct TrustCmdArgs {
    /// The endpoint: any target `probe` takes (`https://`, `ldaps://`, `smtp://`, `host:port`, …).
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Upgrade a host[:port] target with PROTO's STARTTLS first (smtp, imap, pop3, ldap, postgres).
    #[arg(long, value_name = "PROTO", value_parser = args::starttls)]
    pub starttls: Option<Protocol>,
    /// Connect, proxy, client certificate, fetching missing issuers (to find the root to import).
    #[command(flatten)]
    pub endpoint: args::EndpointArgs,
    /// The truststore to judge with and import into: exactly one --truststore FILE, or --cacerts.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// The alias of the imported entry (default: from the certificate's subject).
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,
    /// Import without asking (for scripts).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show what would be imported; change nothing.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Allow importing the server's own certificate when it is self-signed (it pins that one
    /// certificate: the import breaks when the server renews it).
    #[arg(long)]
    pub leaf: bool,
    /// Do not write a timestamped backup of the store before replacing it.
    #[arg(long)]
    pub no_backup: bool,
}

/// Runs `trustpath trust`.
pub fn run(a: TrustCmdArgs, clock: Clock) -> Result<u8> {
    let target = Target::parse_with(&a.target, a.starttls)?;
    let store_path = store_path(&a.trust)?;
    let spec = a.trust.spec();
    let password = spec.password()?;
    let options = a.endpoint.options()?;

    let trust_before = spec.load(30)?;
    let before = judged(&target, &options, &trust_before, &a.endpoint.aia, clock)?;
    let plan = trust::plan(&before, a.leaf);
    let mut out = report::human_stdout();
    out.trust_plan(&before, &plan, &store_path)?;
    let Some((cert, _)) = plan.imports() else {
        return Ok(match plan {
            Plan::AlreadyTrusted => exit::OK,
            _ => exit::PROBLEMS,
        });
    };
    if a.dry_run {
        out.trust_dry_run(&store_path)?;
        return Ok(exit::PROBLEMS);
    }
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "standard input is not a terminal: pass --yes to import without asking, or --dry-run to see the plan"
            );
        }
        out.trust_question(&store_path)?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .context("cannot read the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            out.trust_declined(&store_path)?;
            return Ok(exit::PROBLEMS);
        }
    }

    crate::truststore::jvm_load::refuse_unparseable(std::slice::from_ref(cert))?;
    let mut store = StoreEdit::open(&store_path, &password, StoreFormat::Pkcs12)?;
    if !store.exists() {
        bail!(
            "{} does not exist: name the truststore the app's JVM uses",
            store_path.display()
        );
    }
    let now = clock.unix();
    let (actions, warnings) = edit::plan_import(
        &store.store,
        std::slice::from_ref(cert),
        a.alias.as_deref(),
        now,
    )?;
    edit::apply_import(&mut store.store, &actions, now);
    let saved = store.commit(&SaveOptions {
        backup: !a.no_backup,
        timestamp: clock.timestamp(),
        new_format: StoreFormat::Pkcs12,
    })?;

    let trust_after = spec.load(30)?;
    let after = judged(&target, &options, &trust_after, &a.endpoint.aia, clock)?;
    out.trust_done(&store_path, &actions, &warnings, &saved, &before, &after)?;
    Ok(if after.trusted() {
        exit::OK
    } else {
        exit::PROBLEMS
    })
}

/// The one store `trust` judges with and imports into.
fn store_path(trust: &TrustArgs) -> Result<PathBuf> {
    match (trust.truststores.as_slice(), trust.cacerts) {
        ([one], false) => Ok(one.clone()),
        ([], true) => {
            locate::default_cacerts_path(&LocateEnv::from_process(trust.java_home.clone()))
        }
        ([], false) => bail!(
            "name the truststore to import into: --truststore FILE (the app's javax.net.ssl.trustStore) or --cacerts (its JVM's cacerts)"
        ),
        _ => bail!("trust imports into one truststore: give one --truststore FILE or --cacerts"),
    }
}

/// Probes `target` once and judges it with `trust`.
fn judged(
    target: &Target,
    options: &ProbeOptions,
    trust: &JvmTrust,
    aia: &args::AiaArgs,
    clock: Clock,
) -> Result<EndpointReport> {
    let prober = Prober::new(ProbeOptions {
        jdk_tls_disabled: trust.tls_disabled.clone(),
        ..options.clone()
    })
    .context("cannot set up TLS")?;
    let mut captures = probe::probe_blocking(prober, vec![target.clone()], 1, Arc::new(|_| {}))
        .context("cannot start the async runtime")?;
    aia.complete(&mut captures, trust, options.timeout)?;
    let run = crate::judge::captures(captures, trust, &[], clock.unix());
    run.endpoints
        .into_iter()
        .next()
        .context("the probe returned no result")
}
