//! Output of `trustpath demo`, step by step: what the lab deployment is, the first probe's report, the
//! fixes applied, the second report and the before/after table. The two probe reports go through the
//! normal human printer.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;

use anstyle::Style;

use super::{BAD, BOLD, GOOD, Human};
use crate::demo::Step;
use crate::judge::{EndpointReport, Run};

impl<W: Write> Human<W> {
    /// One step of the demo, as it happens.
    pub fn demo_step(&mut self, step: &Step<'_>) -> io::Result<()> {
        self::step(&mut self.out, step)?;
        self.out.flush()
    }

    /// Where the kept lab directory is (`--keep`).
    pub fn demo_kept(&mut self, dir: &Path) -> io::Result<()> {
        writeln!(self.out, "\nlab directory kept: {}", dir.display())?;
        self.out.flush()
    }
}

/// Prints one step of the demo.
fn step(w: &mut dyn Write, step: &Step<'_>) -> io::Result<()> {
    match step {
        Step::Intro { dir, endpoints } => intro(w, dir, endpoints),
        Step::Before(run) => {
            heading(w, "Before")?;
            Human::new(&mut *w).print_run(run)
        }
        Step::Fixed(applied) => fixes(w, applied),
        Step::After {
            roles,
            before,
            after,
        } => {
            heading(w, "After")?;
            Human::new(&mut *w).print_run(after)?;
            before_after(w, roles, before, after)
        }
    }
}

/// What the demo deployment is made of: (role, public name, address, speaks TLS).
fn intro(
    w: &mut dyn Write,
    dir: &Path,
    endpoints: &[(&str, &str, SocketAddr, bool)],
) -> io::Result<()> {
    writeln!(
        w,
        "{BOLD}trustpath demo{BOLD:#}: a throwaway lab deployment on loopback, judged as its JVM would judge it"
    )?;
    writeln!(w, "  lab PKI and truststore in {}", dir.display())?;
    for (role, host, addr, tls) in endpoints {
        writeln!(
            w,
            "  {role:<7} {host:<16} {addr}  {}",
            if *tls { "TLS" } else { "plain HTTP" }
        )?;
    }
    writeln!(
        w,
        "  the app's JVM trusts the lab root CA only (truststore.p12); the issuing CA's certificate came"
    )?;
    writeln!(
        w,
        "  with the server certificates (as with --extra-certs), so trustpath can build fullchains"
    )?;
    writeln!(w)
}

/// A section heading.
fn heading(w: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(w, "\n{BOLD}━━ {title} ━━{BOLD:#}\n")
}

/// The fixes applied: (role, the finding fixed, what was done).
fn fixes(w: &mut dyn Write, applied: &[(&str, String, String)]) -> io::Result<()> {
    writeln!(w, "\n{BOLD}━━ Applying the fixes ━━{BOLD:#}\n")?;
    for (role, code, action) in applied {
        writeln!(w, "  {role:<7} {code:<22} → {action}")?;
    }
    writeln!(w)
}

/// One line per endpoint: its verdict and first finding before, and after.
fn before_after(w: &mut dyn Write, roles: &[&str], before: &Run, after: &Run) -> io::Result<()> {
    writeln!(w, "\n{BOLD}━━ Before → after ━━{BOLD:#}\n")?;
    for (i, role) in roles.iter().enumerate() {
        let b = before.endpoints.get(i);
        let a = after.endpoints.get(i);
        let verdict = |r: Option<&EndpointReport>| match r {
            Some(r) if r.ok() => ("✓ trusted".to_owned(), GOOD),
            Some(r) => (
                format!(
                    "✗ {}",
                    r.findings
                        .first()
                        .map(|f| f.code.name())
                        .unwrap_or("not trusted")
                ),
                BAD,
            ),
            None => ("-".to_owned(), Style::new()),
        };
        let ((bt, bs), (at, as_)) = (verdict(b), verdict(a));
        writeln!(w, "  {role:<7} {bs}{bt:<24}{bs:#} → {as_}{at}{as_:#}")?;
    }
    let fixed = after.endpoints.iter().filter(|e| e.ok()).count();
    writeln!(
        w,
        "\n  {fixed} of {} endpoints trusted by the JVM after the fixes",
        after.endpoints.len()
    )
}
