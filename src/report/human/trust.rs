//! `trustpath trust` for people: the endpoint's verdict, the certificate chosen (what it is, subject,
//! SHA-256, validity, the store), or why nothing is imported; then the import and the verdict before and
//! after.

use std::io::{self, Write};
use std::path::Path;

use super::{BAD, BOLD, DIM, GOOD, Human, WARN, write_finding};
use crate::cert::Certificate;
use crate::judge::EndpointReport;
use crate::storefile::Saved;
use crate::trust::{Pick, Plan};
use crate::truststore::edit::{ImportAction, ImportWarning};

impl<W: Write> Human<W> {
    /// The endpoint as judged and what `trust` will do about it.
    pub fn trust_plan(&mut self, e: &EndpointReport, plan: &Plan, store: &Path) -> io::Result<()> {
        self.trust_verdict(e)?;
        let w = &mut self.out;
        match plan {
            Plan::AlreadyTrusted => {
                writeln!(
                    w,
                    "nothing to import: the JVM already trusts this endpoint with {}",
                    store.display()
                )?;
            }
            Plan::NotReached(findings) | Plan::NotTrust(findings) => {
                let what = if matches!(plan, Plan::NotReached(_)) {
                    "no chain was captured, so there is nothing to import"
                } else {
                    "importing a certificate does not fix this; fix these instead"
                };
                writeln!(w, "{BAD}not imported{BAD:#}: {what}")?;
                for f in findings {
                    write_finding(w, f)?;
                }
            }
            Plan::LeafNeedsConsent(cert) => {
                writeln!(
                    w,
                    "{BAD}not imported{BAD:#}: the server's own certificate is self-signed; trusting it pins this one certificate, which breaks when the server renews it. Give the server a certificate from a CA the JVM trusts, or re-run with --leaf to import it anyway:"
                )?;
                describe(w, cert, Pick::Leaf, store)?;
            }
            Plan::NothingToImport(reason) => {
                writeln!(w, "{BAD}not imported{BAD:#}: {reason}")?;
            }
            Plan::Import { cert, pick } => {
                writeln!(w, "{BOLD}to import{BOLD:#}")?;
                describe(w, cert, *pick, store)?;
                if *pick == Pick::Intermediate {
                    writeln!(
                        w,
                        "  {WARN}note{WARN:#}     the server does not send its root and none is known: this pins an intermediate CA, which the JVM accepts as an anchor; import the root instead when you can get it from the CA (it outlives the intermediate)"
                    )?;
                }
            }
        }
        Ok(())
    }

    /// One line on a dry run.
    pub fn trust_dry_run(&mut self, store: &Path) -> io::Result<()> {
        writeln!(self.out, "dry run: {} unchanged", store.display())?;
        self.out.flush()
    }

    /// The question asked on a terminal.
    pub fn trust_question(&mut self, store: &Path) -> io::Result<()> {
        write!(self.out, "import it into {}? [y/N] ", store.display())?;
        self.out.flush()
    }

    /// The user said no.
    pub fn trust_declined(&mut self, store: &Path) -> io::Result<()> {
        writeln!(self.out, "not imported: {} unchanged", store.display())?;
        self.out.flush()
    }

    /// The import and the verdicts before and after.
    pub fn trust_done(
        &mut self,
        store: &Path,
        actions: &[ImportAction],
        warnings: &[ImportWarning],
        saved: &Saved,
        before: &EndpointReport,
        after: &EndpointReport,
    ) -> io::Result<()> {
        let w = &mut self.out;
        for a in actions {
            match a {
                ImportAction::Added { alias, .. } => {
                    writeln!(w, "imported as '{alias}' into {}", store.display())?;
                }
                ImportAction::AlreadyPresent { alias, .. } => {
                    writeln!(w, "already in {} as '{alias}'", store.display())?;
                }
            }
        }
        for warn in warnings {
            writeln!(w, "{WARN}warning{WARN:#}: {}", warn.message)?;
        }
        if let Some(backup) = &saved.backup {
            writeln!(w, "{DIM}backup   {}{DIM:#}", backup.display())?;
        }
        writeln!(w, "before   {}", verdict(before))?;
        writeln!(w, "after    {}", verdict(after))?;
        if !after.trusted() {
            for f in after
                .findings
                .iter()
                .filter(|f| f.severity == crate::finding::Severity::Error)
            {
                write_finding(w, f)?;
            }
        }
        w.flush()
    }

    fn trust_verdict(&mut self, e: &EndpointReport) -> io::Result<()> {
        let via = e
            .tls
            .as_ref()
            .and_then(|t| t.starttls)
            .map(|p| format!(" after {} STARTTLS", p.name()))
            .unwrap_or_default();
        writeln!(
            self.out,
            "{} ({}{via})  {}",
            e.target,
            address(e),
            verdict(e)
        )
    }
}

fn address(e: &EndpointReport) -> String {
    e.address
        .map_or_else(|| "no address".to_owned(), |a| a.to_string())
}

/// `✓ trusted by Java` or `✗ not trusted by Java: reason`.
fn verdict(e: &EndpointReport) -> String {
    match &e.diagnosis {
        Some(d) if d.trusted => format!("{GOOD}✓ trusted by Java{GOOD:#}"),
        Some(d) => format!(
            "{BAD}✗ not trusted by Java{BAD:#}: {}",
            d.java.reason.clone().unwrap_or_default()
        ),
        None => format!(
            "{BAD}✗ not reached{BAD:#}: {}",
            e.findings
                .first()
                .map_or_else(String::new, |f| f.message.clone())
        ),
    }
}

fn describe(
    w: &mut (impl Write + ?Sized),
    cert: &Certificate,
    pick: Pick,
    store: &Path,
) -> io::Result<()> {
    writeln!(w, "  what     the {}", pick.name())?;
    match cert.try_info() {
        Ok(info) => {
            writeln!(w, "  subject  {}", info.subject)?;
            writeln!(w, "  issuer   {}", info.issuer)?;
            writeln!(
                w,
                "  valid    {} → {}",
                crate::report::date(info.not_before),
                crate::report::date(info.not_after)
            )?;
        }
        Err(e) => writeln!(w, "  subject  unreadable: {e}")?,
    }
    writeln!(w, "  sha256   {}", cert.sha256_colons())?;
    writeln!(w, "  into     {}", store.display())
}
