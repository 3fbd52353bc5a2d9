//! A probe or verify run for people: per endpoint a ✓/✗ verdict line, the TLS parameters, the served
//! chain as an indented list, the path to the anchor (store and alias), the browser's verdict, and the
//! findings by severity with their fixes; then a summary table when there are several endpoints.

use std::io::{self, Write};

use super::{BAD, BOLD, DIM, GOOD, Human, WARN, plural, table, write_finding, write_table};
use crate::cert::Certificate;
use crate::chain::{PathSource, Verdict};
use crate::finding::{Finding, Severity};
use crate::judge::{EndpointReport, Run};
use crate::probe::Handshake;
use crate::report::date;

impl<W: Write> Human<W> {
    /// Writes the whole run.
    pub fn print_run(&mut self, run: &Run) -> io::Result<()> {
        self.truststores(&run.truststores, run.jvm.as_ref())?;
        let shown = |e: &&EndpointReport| !self.only_problems || has_problem(e);
        let shown: Vec<&EndpointReport> = run.endpoints.iter().filter(shown).collect();
        for (i, e) in shown.iter().enumerate() {
            if i > 0 || !run.truststores.is_empty() {
                writeln!(self.out)?;
            }
            self.endpoint(e, run.now)?;
        }
        if run.endpoints.len() > 1 || self.only_problems {
            writeln!(self.out)?;
            self.summary(run)?;
        }
        self.out.flush()
    }

    fn endpoint(&mut self, e: &EndpointReport, now: i64) -> io::Result<()> {
        let name = endpoint_name(e);
        let (mark, style) = if e.ok() { ("✓", GOOD) } else { ("✗", BAD) };
        write!(self.out, "{style}{mark}{style:#} {BOLD}{name}{BOLD:#}")?;
        if let Some(addr) = e.address {
            write!(self.out, " ({addr})")?;
        }
        writeln!(self.out, "  {}", headline(e))?;
        self.details(e, now)?;
        if !e.findings.is_empty() {
            writeln!(self.out, "  findings")?;
            for f in &e.findings {
                self.finding(f)?;
            }
        }
        self.fix_lines(e)
    }

    /// The TLS parameters, the served chain, the java path and the browser verdict of one endpoint.
    pub(super) fn details(&mut self, e: &EndpointReport, now: i64) -> io::Result<()> {
        if let Some(tls) = &e.tls {
            let mut parts = Vec::new();
            if let Some(v) = &tls.version {
                parts.push(v.clone());
            }
            if let Some(s) = &tls.cipher_suite {
                parts.push(s.clone());
            }
            if let Some(k) = &tls.key_exchange {
                parts.push(k.clone());
            }
            if let Some(a) = &tls.alpn {
                parts.push(format!("ALPN {a}"));
            }
            if tls.ocsp_stapled {
                parts.push("OCSP stapled".to_owned());
            }
            match tls.handshake {
                Handshake::Complete => {}
                Handshake::Incomplete => parts.push("handshake not completed".to_owned()),
                Handshake::LegacyHello => parts.push("read from a legacy ClientHello".to_owned()),
            }
            if tls.retried_without_pq {
                parts.push("after a retry without the post-quantum key share".to_owned());
            }
            if let Some(p) = tls.starttls {
                parts.push(format!("after {} STARTTLS", p.name()));
            }
            writeln!(self.out, "  tls      {}", parts.join(", "))?;
        }

        if !e.chain.is_empty() {
            let what = if e.tls.is_some() { "served" } else { "chain" };
            writeln!(
                self.out,
                "  {what:<8} {} certificate{}",
                e.chain.len(),
                plural(e.chain.len())
            )?;
            for (i, c) in e.chain.iter().enumerate() {
                self.cert(i, c, now)?;
            }
        }

        if let Some(d) = &e.diagnosis {
            self.path("java", &d.java)?;
            self.browser(&d.browser)?;
        }
        Ok(())
    }

    fn fix_lines(&mut self, e: &EndpointReport) -> io::Result<()> {
        if let Some(fix) = e.diagnosis.as_ref().and_then(|d| d.fix.as_ref()) {
            for c in &fix.import {
                writeln!(
                    self.out,
                    "  import   {} (sha256 {})",
                    c.info().subject,
                    c.sha256_colons()
                )?;
            }
        }
        for path in &e.written {
            writeln!(self.out, "  wrote    {}", path.display())?;
        }
        Ok(())
    }

    fn cert(&mut self, index: usize, c: &Certificate, now: i64) -> io::Result<()> {
        let info = match c.try_info() {
            Ok(info) => info,
            Err(e) => {
                return writeln!(
                    self.out,
                    "    [{index}] {BAD}unreadable certificate{BAD:#}: {e}"
                );
            }
        };
        writeln!(self.out, "    [{index}] {BOLD}{}{BOLD:#}", info.subject)?;
        writeln!(self.out, "        issuer  {}", info.issuer)?;
        let left = (info.not_after - now).div_euclid(86_400);
        let (note, style) = if now > info.not_after {
            (
                format!("expired {} day{} ago", -left, plural((-left) as usize)),
                BAD,
            )
        } else if now < info.not_before {
            ("not valid yet".to_owned(), BAD)
        } else {
            (format!("{left} day{} left", plural(left as usize)), DIM)
        };
        writeln!(
            self.out,
            "        valid   {} → {} {style}({note}){style:#}",
            date(info.not_before),
            date(info.not_after)
        )?;
        writeln!(
            self.out,
            "        key     {}, signed with {}",
            info.key_description(),
            info.signature_algorithm
        )?;
        if !info.dns_names.is_empty() || !info.ip_addresses.is_empty() {
            let names: Vec<&str> = info
                .dns_names
                .iter()
                .chain(&info.ip_addresses)
                .map(String::as_str)
                .collect();
            writeln!(self.out, "        names   {}", names.join(", "))?;
        }
        Ok(())
    }

    fn path(&mut self, label: &str, v: &Verdict) -> io::Result<()> {
        if v.path.is_empty() {
            return Ok(());
        }
        let steps: Vec<String> = v
            .path
            .iter()
            .map(|s| {
                let cn = short_name(&s.cert);
                match &s.source {
                    PathSource::Served { index } => format!("[{index}] {cn}"),
                    PathSource::Anchor { store, alias } => {
                        format!("{cn} (anchor '{alias}' in {store})")
                    }
                    PathSource::Extra => {
                        format!("{cn} (known from --extra-certs or another endpoint of the run)")
                    }
                    PathSource::Fetched { url } => format!("{cn} (fetched from {url})"),
                }
            })
            .collect();
        // A refused path that reaches an anchor is refused for another reason (an expired certificate,
        // a weak signature): say so rather than "no anchor" under an anchor.
        let anchored = v
            .path
            .last()
            .is_some_and(|s| matches!(s.source, PathSource::Anchor { .. }));
        let tail = match (v.trusted, anchored) {
            (true, _) => "",
            (false, true) => " … refused (see the findings)",
            (false, false) => " … no anchor",
        };
        writeln!(self.out, "  path     {}{tail}", steps.join(" → "))?;
        let _ = label;
        Ok(())
    }

    fn browser(&mut self, v: &Verdict) -> io::Result<()> {
        let roots = if self.browser_roots.is_empty() {
            "Mozilla's roots".to_owned()
        } else {
            format!(
                "Mozilla's roots and --browser-roots {}",
                self.browser_roots.join(", ")
            )
        };
        if v.trusted {
            writeln!(self.out, "  browser  {GOOD}trusted{GOOD:#} ({roots})")
        } else {
            // The browser view judges with Mozilla's roots (and --browser-roots), never the truststore:
            // a reason worded for the truststore would contradict the java path printed above it.
            // One sentence: "whose issuer 'X' was not served and is not among Mozilla's roots: …".
            let hint = if self.browser_roots.is_empty() {
                "; --browser-roots FILE adds a lab's roots"
            } else {
                ""
            };
            let among = format!(
                "is not among {roots}: the browser view judges with these alone, not with the truststore{hint}"
            );
            let reason = v
                .reason
                .as_deref()
                .unwrap_or("no path to a Mozilla root")
                .replace(
                    "is not in the truststore (and was not served)",
                    &format!("was not served and {among}"),
                )
                .replace("is not in the truststore", &among)
                .replace("which is not a trust anchor", &format!("which {among}"));
            writeln!(self.out, "  browser  {WARN}not trusted{WARN:#}: {reason}")
        }
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        write_finding(&mut self.out, f)
    }

    fn summary(&mut self, run: &Run) -> io::Result<()> {
        let mut table = table(
            [
                "",
                "endpoint",
                "java",
                "browser",
                "expires",
                "first problem",
            ],
            self.width,
            &[1],
        );
        for e in run
            .endpoints
            .iter()
            .filter(|e| !self.only_problems || has_problem(e))
        {
            let browser = e
                .diagnosis
                .as_ref()
                .map_or("-", |d| if d.browser.trusted { "trusted" } else { "no" });
            let expires = e
                .chain
                .first()
                .and_then(|c| c.try_info().ok())
                .map_or_else(|| "-".to_owned(), |i| date(i.not_after));
            let problem = e
                .findings
                .first()
                .map_or_else(|| "-".to_owned(), |f| f.code.name().to_owned());
            table.add_row([
                if e.ok() { "✓" } else { "✗" }.to_owned(),
                endpoint_name(e),
                if e.trusted() { "trusted" } else { "no" }.to_owned(),
                browser.to_owned(),
                expires,
                problem,
            ]);
        }
        if !table.is_empty() {
            write_table(&mut self.out, &mut table)?;
        }
        let failing = run.endpoints.iter().filter(|e| !e.ok()).count();
        let hidden = if self.only_problems {
            let fine = run.endpoints.iter().filter(|e| !has_problem(e)).count();
            format!(" ({fine} without a warning or an error not shown: --only-problems)")
        } else {
            String::new()
        };
        writeln!(
            self.out,
            "{} endpoint{}, {failing} with problems{hidden}",
            run.endpoints.len(),
            plural(run.endpoints.len())
        )
    }
}

/// Whether `--only-problems` shows the endpoint: not passing, or a finding of severity warning or above.
fn has_problem(e: &EndpointReport) -> bool {
    !e.ok()
        || e.findings
            .iter()
            .any(|f| matches!(f.severity, Severity::Error | Severity::Warning))
}

fn endpoint_name(e: &EndpointReport) -> String {
    match (&e.host, e.port) {
        (Some(h), Some(p)) if h.contains(':') => format!("[{h}]:{p}"),
        (Some(h), Some(p)) => format!("{h}:{p}"),
        _ => e.target.clone(),
    }
}

/// The verdict line's text.
fn headline(e: &EndpointReport) -> String {
    match &e.diagnosis {
        Some(d) if d.trusted => {
            let errors = e
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            match e.findings.iter().find(|f| f.severity == Severity::Error) {
                None => "trusted by Java".to_owned(),
                Some(first) => format!(
                    "chain trusted by Java, but {errors} error{}: {}",
                    plural(errors),
                    first.code
                ),
            }
        }
        Some(d) => match &d.java.reason {
            Some(r) => format!("not trusted by Java: {r}"),
            None => "not trusted by Java".to_owned(),
        },
        None => match e.findings.first() {
            Some(f) => format!("no chain: {}", f.code),
            None => "no chain".to_owned(),
        },
    }
}

fn short_name(c: &Certificate) -> String {
    let info = c.info();
    info.common_name
        .clone()
        .unwrap_or_else(|| info.subject.clone())
}
