//! The deployment report of `trustpath check` for people: one table for the whole deployment (endpoint,
//! role, scheme, verdict, leaf, expiry, findings), then per endpoint its TLS and chain details, HTTP
//! exchanges, WebSocket upgrade and findings with fixes; then the app's outbound connections (a table,
//! then each one's details); then public-name coverage, the chains side by
//! side, and the offline configuration findings.

use std::io::{self, Write};

use anstyle::Style;

use super::{self as human, BAD, BOLD, DIM, GOOD, Human, WARN};
use crate::deploy::run::{DeployedEndpoint, DeploymentRun, OutboundConnection};
use crate::deploy::web::{HttpOutcome, WebsocketOutcome};
use crate::report::date;

impl<W: Write> Human<W> {
    /// A deployment check: one table for the whole deployment, then per endpoint its details, HTTP
    /// exchanges, WebSocket upgrade and findings; public names, chains side by side, the configuration
    /// findings and a summary line.
    pub fn deployment(&mut self, run: &DeploymentRun) -> io::Result<()> {
        deployment(&mut self.out, run, self.only_problems, self.width)
    }
}

fn deployment(
    out: &mut impl Write,
    run: &DeploymentRun,
    only_problems: bool,
    width: Option<u16>,
) -> io::Result<()> {
    let title = match &run.file {
        // A file without `name` is called "deployment": not "deployment deployment (FILE)".
        Some(f) if run.name == "deployment" => format!("deployment ({f})"),
        Some(f) => format!("deployment {} ({f})", run.name),
        None if run.endpoints.is_empty() => "offline check of the configuration".to_owned(),
        None => format!("deployment {}", run.name),
    };
    writeln!(out, "{BOLD}{title}{BOLD:#}")?;
    {
        let mut h = Human::new(&mut *out);
        h.truststores(&run.truststores, run.jvm.as_ref())?;
    }
    let browser_roots: Vec<String> = run
        .truststores
        .iter()
        .filter(|s| s.origin == crate::jvm::StoreOrigin::BrowserRoots)
        .map(|s| s.label.clone())
        .collect();
    if !run.endpoints.is_empty() {
        writeln!(out)?;
        table(out, run, width)?;
    }
    // `--only-problems`: the table above lists every endpoint; details only for those with a warning
    // or an error.
    for e in run.endpoints.iter().filter(|e| {
        !only_problems
            || !e.ok()
            || e.findings.iter().any(|f| {
                matches!(
                    f.severity,
                    crate::finding::Severity::Error | crate::finding::Severity::Warning
                )
            })
    }) {
        writeln!(out)?;
        endpoint(out, e, run.now, &browser_roots)?;
    }
    if !run.outbound.is_empty() {
        outbound(out, run, only_problems, width)?;
    }
    if !run.names.is_empty() {
        writeln!(out)?;
        writeln!(out, "{BOLD}public names{BOLD:#}")?;
        for n in &run.names {
            match n.covered {
                Some(covered) => {
                    let (mark, style, what) = if covered {
                        ("✓", GOOD, "covered")
                    } else {
                        ("✗", BAD, "not covered")
                    };
                    writeln!(
                        out,
                        "  {style}{mark}{style:#} {:<28} {what} by what {} serves {DIM}({}){DIM:#}",
                        n.name, n.endpoint, n.offered
                    )?;
                }
                None => writeln!(
                    out,
                    "  {WARN}?{WARN:#} {:<28} not checked: {} from {}",
                    n.name, n.offered, n.endpoint
                )?,
            }
        }
    }
    if run.chains.len() > 1 {
        writeln!(out)?;
        writeln!(out, "{BOLD}chains side by side{BOLD:#}")?;
        let mut t = human::table(
            ["endpoint", "leaf", "issuer", "served", "expires", ""],
            width,
            &[0, 1, 2, 5],
        );
        for c in &run.chains {
            let mut note = Vec::new();
            if let Some(same) = &c.same_leaf_as {
                note.push(format!("same leaf as {same}"));
            }
            if c.expires_first {
                note.push("expires first".to_owned());
            }
            t.add_row([
                c.endpoint.clone(),
                c.leaf.clone(),
                c.issuer.clone(),
                c.served.to_string(),
                date(c.chain_not_after),
                note.join(", "),
            ]);
        }
        human::write_table(out, &mut t)?;
    }
    if !run.config_files.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{BOLD}configuration{BOLD:#} {DIM}({}){DIM:#}",
            run.config_files.join(", ")
        )?;
        if run.configs.is_empty() {
            writeln!(out, "  {GOOD}✓{GOOD:#} no problem found")?;
        }
        for c in &run.configs {
            writeln!(out, "  {} {DIM}{}{DIM:#}", c.source, c.subject)?;
            human::write_finding(out, &c.finding)?;
        }
    }
    writeln!(out)?;
    let (errors, warnings, infos) = run.counts();
    let failing = run.endpoints.iter().filter(|e| !e.ok()).count();
    let style = if errors > 0 { BAD } else { GOOD };
    let mut endpoints = if run.endpoints.is_empty() {
        String::new()
    } else {
        format!(
            "{} endpoint{}, {failing} with errors; ",
            run.endpoints.len(),
            human::plural(run.endpoints.len())
        )
    };
    if !run.outbound.is_empty() {
        let failing = run.outbound.iter().filter(|o| !o.ok()).count();
        endpoints.push_str(&format!(
            "{} outbound connection{}, {failing} with errors; ",
            run.outbound.len(),
            human::plural(run.outbound.len())
        ));
    }
    writeln!(
        out,
        "{style}{}{style:#} {endpoints}{errors} error{}, {warnings} warning{}, {infos} info",
        if errors > 0 { "✗" } else { "✓" },
        human::plural(errors),
        human::plural(warnings),
    )?;
    out.flush()
}

/// Most finding codes named in a row of the deployment table (the details list them all).
const MAX_CODES: usize = 3;

/// "the app's outbound connections": a table of every one (its URL is in its details), then the details of each (only those with
/// a warning or an error under `--only-problems`).
fn outbound(
    out: &mut impl Write,
    run: &DeploymentRun,
    only_problems: bool,
    width: Option<u16>,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}the app's outbound connections{BOLD:#} {DIM}(judged with the app JVM's truststore){DIM:#}"
    )?;
    let mut t = human::table(
        [
            "",
            "connection",
            "role",
            "verdict",
            "leaf",
            "expires",
            "findings",
        ],
        width,
        &[1, 4, 5, 6],
    );
    keep_dates_whole(&mut t, 5, width);
    // Findings wrap between codes, never inside one.
    let longest = run
        .outbound
        .iter()
        .flat_map(|o| o.findings())
        .map(|f| f.code.name().len() + 1)
        .max()
        .unwrap_or(1);
    at_least(
        &mut t,
        6,
        u16::try_from(longest + 2).unwrap_or(u16::MAX),
        width,
    );
    for o in &run.outbound {
        let (leaf, expires) = leaf_columns(&o.probe.chain, run.now);
        t.add_row([
            if o.ok() { "✓" } else { "✗" }.to_owned(),
            o.name.clone(),
            o.role.name().to_owned(),
            o.verdict(),
            leaf,
            expires,
            codes_column(o.findings()),
        ]);
    }
    human::write_table(out, &mut t)?;
    for o in run.outbound.iter().filter(|o| {
        !only_problems
            || !o.ok()
            || o.findings()
                .iter()
                .any(|f| f.severity != crate::finding::Severity::Info)
    }) {
        writeln!(out)?;
        outbound_connection(out, o, run.now)?;
    }
    Ok(())
}

fn outbound_connection(out: &mut impl Write, o: &OutboundConnection, now: i64) -> io::Result<()> {
    let (mark, style) = if o.ok() { ("✓", GOOD) } else { ("✗", BAD) };
    write!(
        out,
        "{style}{mark}{style:#} {BOLD}{}{BOLD:#} ({}) {}",
        o.name,
        o.role.name(),
        o.url
    )?;
    if let Some(addr) = o.probe.address {
        write!(out, " {DIM}{addr}{DIM:#}")?;
    }
    writeln!(out)?;
    if let Some(via) = &o.via {
        writeln!(
            out,
            "  proxy    {via} ([jvm] proxy, CONNECT as the JVM's https.proxyHost)"
        )?;
    }
    Human::new(&mut *out).details(&o.probe, now)?;
    if !o.findings().is_empty() {
        writeln!(out, "  findings")?;
        for f in o.findings() {
            human::write_finding(out, f)?;
        }
    }
    Ok(())
}

/// The leaf and expiry columns of a chain.
fn leaf_columns(chain: &[crate::cert::Certificate], now: i64) -> (String, String) {
    let leaf = chain.first().and_then(|c| c.try_info().ok());
    (
        leaf.map_or_else(
            || "-".to_owned(),
            |i| i.common_name.clone().unwrap_or_else(|| i.subject.clone()),
        ),
        leaf.map_or_else(
            || "-".to_owned(),
            |i| {
                format!(
                    "{} ({}d)",
                    date(i.not_after),
                    (i.not_after - now).div_euclid(86_400)
                )
            },
        ),
    )
}

/// The finding codes of a table row (at most [`MAX_CODES`]).
fn codes_column(findings: &[crate::finding::Finding]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for f in findings {
        if !codes.contains(&f.code.name()) {
            codes.push(f.code.name());
        }
    }
    match codes.len() {
        0 => "-".to_owned(),
        1..=MAX_CODES => codes.join(", "),
        n => format!("{}, +{} more", codes[..MAX_CODES].join(", "), n - MAX_CODES),
    }
}

/// Lets the expiry column wrap after its date, never inside it: "2046-01-01 (6979d)" (the width counts
/// the padding).
fn keep_dates_whole(t: &mut comfy_table::Table, column: usize, width: Option<u16>) {
    at_least(t, column, 11, width);
}

/// Keeps `column` at least `chars` wide (padding included) when the table is fitted to a width.
fn at_least(t: &mut comfy_table::Table, column: usize, chars: u16, width: Option<u16>) {
    if width.is_some()
        && let Some(c) = t.column_mut(column)
    {
        c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(chars),
        ));
    }
}

fn table(out: &mut impl Write, run: &DeploymentRun, width: Option<u16>) -> io::Result<()> {
    let mut t = human::table(
        [
            "", "endpoint", "role", "scheme", "verdict", "leaf", "expires", "findings",
        ],
        width,
        &[1, 5, 6],
    );
    keep_dates_whole(&mut t, 6, width);
    for e in &run.endpoints {
        let (leaf, expires) = leaf_columns(&e.probe.chain, run.now);
        t.add_row([
            if e.ok() { "✓" } else { "✗" }.to_owned(),
            e.name.clone(),
            e.role.name().to_owned(),
            e.url.scheme.name().to_owned(),
            e.verdict(),
            leaf,
            expires,
            codes_column(&e.findings),
        ]);
    }
    human::write_table(out, &mut t)
}

fn endpoint(
    out: &mut impl Write,
    e: &DeployedEndpoint,
    now: i64,
    browser_roots: &[String],
) -> io::Result<()> {
    let (mark, style) = if e.ok() { ("✓", GOOD) } else { ("✗", BAD) };
    write!(
        out,
        "{style}{mark}{style:#} {BOLD}{}{BOLD:#} ({}) {}",
        e.name,
        e.role.name(),
        e.url.text
    )?;
    if let Some(addr) = e.probe.address {
        write!(out, " {DIM}{addr}{DIM:#}")?;
    }
    writeln!(out)?;
    let mut h = Human::new(&mut *out);
    h.browser_roots = browser_roots.to_vec();
    h.details(&e.probe, now)?;
    for h in &e.http {
        write_http(out, h)?;
    }
    if let Some(w) = &e.websocket {
        write_websocket(out, w)?;
    }
    if !e.findings.is_empty() {
        writeln!(out, "  findings")?;
        for f in &e.findings {
            human::write_finding(out, f)?;
        }
    }
    Ok(())
}

fn write_http(out: &mut impl Write, h: &HttpOutcome) -> io::Result<()> {
    write!(out, "  http     GET {}", h.path)?;
    for (i, hop) in h.hops.iter().enumerate() {
        if i > 0 {
            write!(out, "\n           → {}", hop.url)?;
        }
        match (hop.status, &hop.error) {
            (_, Some(err)) => write!(out, " {BAD}failed{BAD:#}: {err}")?,
            (Some(s), None) => {
                let style = if s >= 400 { BAD } else { Style::new() };
                write!(out, " → {style}{s}{style:#}")?;
                if hop.login_form {
                    write!(out, " {WARN}(login form){WARN:#}")?;
                }
            }
            (None, None) => {}
        }
        for c in &hop.set_cookies {
            write!(out, "\n           set-cookie {}", c.summary())?;
        }
    }
    writeln!(out)
}

fn write_websocket(out: &mut impl Write, w: &WebsocketOutcome) -> io::Result<()> {
    writeln!(out, "  ws       {}", w.summary())
}
