//! `trustpath verify`: the probe's diagnosis, offline, for chain files (PEM fullchain, DER, or a
//! PKCS#12/JKS keystore's private-key entry), with an optional check that a private key matches the leaf.

use crate::judge::{ImportLines, SUGGESTED_FIXES_DIR};
use std::path::PathBuf;

use super::args::JudgeArgs;
use crate::clock::Clock;
use crate::error::Result;
use crate::report;
use crate::{keypair, storefile};

/// Arguments of `trustpath verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath verify fullchain.pem --host wiki.example.test --key privkey.pem
      Judge a certbot-style fullchain for wiki.example.test with the default JVM's cacerts, and check
      that privkey.pem belongs to its leaf.

  $ trustpath verify keystore.p12 --chain-pass s3cret \\
        --truststore app-truststore.jks --storepass-env TS_PASS
      Judge the chain of a PKCS#12 keystore's key entry with the app's truststore.

  $ trustpath verify server.pem --at 2027-01-01T00:00:00Z \\
        --extra-certs ca-bundle.pem --write-fixes fixes/   # exit 1
      Judge as of a future date a certificate saved without its intermediate (not trusted: exit 1),
      and write the corrected fullchain using the CA's bundle.

  $ trustpath verify /etc/nginx/certs/*.pem --host wiki.example.test \\
        --format junit > verify-junit.xml
      One JUnit test case per chain file, for a CI job that checks certificates before a deployment.")]
pub struct VerifyArgs {
    /// Chain files: a PEM fullchain (leaf first), a DER certificate, or a PKCS#12/JKS keystore (the chain
    /// of its first private-key entry).
    #[arg(value_name = "CHAIN_FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The host name to check the leaf against. Without it, no name check is made.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Validate at this instant instead of now: a date (2027-01-01, its start in UTC) or an RFC 3339
    /// time (2027-01-01T09:30:00Z).
    #[arg(long, value_name = "DATE|RFC3339")]
    pub at: Option<String>,
    /// A private key (PEM: PKCS#8, SEC1 EC or PKCS#1 RSA) that must belong to the leaf.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// The password of a PKCS#12/JKS chain file. Defaults to the truststore password.
    #[arg(long, value_name = "PASS")]
    pub chain_pass: Option<String>,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// Runs `trustpath verify`.
pub fn run(args: VerifyArgs, clock: Clock) -> Result<u8> {
    let clock = match &args.at {
        Some(at) => Clock::Fixed(parse_at(at)?),
        None => clock,
    };
    let spec = args.judge.trust.spec();
    let trust = spec.load(args.judge.fix.warn_days)?;
    let extra = args.judge.fix.extra_certs()?;
    let chain_pass = match &args.chain_pass {
        Some(p) => p.clone(),
        None => spec.password()?,
    };
    let key = match &args.key {
        Some(path) => Some(keypair::read_key(path, "--key ")?),
        None => None,
    };
    let files = args
        .files
        .iter()
        .map(|file| {
            Ok((
                file.display().to_string(),
                storefile::read_chain_file(file, &chain_pass)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut run = crate::judge::chain_files(
        files,
        args.host.as_deref(),
        key.as_ref(),
        &trust,
        &extra,
        clock.unix(),
    );
    let lines = ImportLines::new(&trust, format!("--write-fixes {SUGGESTED_FIXES_DIR}"));
    for (report, file) in run.endpoints.iter_mut().zip(&args.files) {
        let name = file
            .file_name()
            .map_or_else(|| "chain".into(), |n| n.to_string_lossy().into_owned());
        if let Some(dir) = &args.judge.fix.write_fixes {
            let swept = report.write_fixes(dir, &name, args.judge.fix.overwrite_fixes)?;
            report::swept(&swept);
        }
        report.name_import_files(&lines, &name);
    }
    report::stdout(args.judge.output.format()).print_run(&run)?;
    Ok(run.exit_code())
}

fn parse_at(text: &str) -> Result<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    // A plain date means its start, in UTC.
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(text, &day) {
        return Ok(d.midnight().assume_utc());
    }
    anyhow::bail!(
        "--at '{text}': not a date (YYYY-MM-DD, taken as 00:00 UTC) or an RFC 3339 time \
         (2027-01-01T00:00:00Z, 2027-01-01T09:30:00+02:00)"
    )
}
