//! Output for CI: JUnit XML (`--format junit`), the test report Jenkins, GitLab and GitHub Actions read.
//! One `<testsuites>` holding one `<testsuite>` per run; a `<testcase>` per endpoint or chain file (and,
//! for `check`, per HTTP check, WebSocket upgrade and configured place with findings). A case fails when
//! it has a finding of severity `error` (or, for a probed endpoint, the JVM does not trust it): the
//! `<failure>` carries the first error's code (`type`) and message, and its text lists every error with
//! its fix. Warnings, infos and what was seen go to the case's `<system-out>`.
//!
//! The document keeps to the JUnit schema of Jenkins' xUnit plugin (only the attributes it declares on
//! `<testsuites>`, `<testsuite>` and `<testcase>`), which GitLab's and GitHub's readers also accept.
//! Written with quick-xml; characters XML 1.0 cannot carry (control characters in a server's answer)
//! become U+FFFD.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::deploy::run::{DeployedEndpoint, DeploymentRun, OutboundConnection};
use crate::finding::{Finding, Severity};
use crate::judge::{EndpointReport, Run};
use crate::report::rfc3339;

/// Writes JUnit XML reports.
#[derive(Debug)]
pub struct Junit<W: Write> {
    out: W,
}

impl<W: Write> Junit<W> {
    /// A JUnit printer on `out`.
    pub fn new(out: W) -> Junit<W> {
        Junit { out }
    }

    /// A probe or verify run: a case per endpoint or chain file.
    pub fn run(&mut self, run: &Run) -> io::Result<()> {
        let probed = run.endpoints.iter().any(|e| e.port.is_some());
        let command = if probed { "probe" } else { "verify" };
        let suite = Suite {
            name: format!("trustpath {command}"),
            timestamp: rfc3339(run.now),
            properties: run
                .truststores
                .iter()
                .map(|s| ("truststore", s.label.clone()))
                .collect(),
            cases: run
                .endpoints
                .iter()
                .map(|e| endpoint_case(e, command))
                .collect(),
        };
        self.write(&suite)
    }

    /// A deployment check: a case per endpoint (connection, chain, cross-endpoint findings), per HTTP
    /// check, per WebSocket upgrade, per outbound connection of the app, and per configured place (file and line, subject) with findings.
    pub fn deployment(&mut self, run: &DeploymentRun) -> io::Result<()> {
        let mut cases = Vec::new();
        for e in &run.endpoints {
            cases.extend(deployed_cases(e));
        }
        for o in &run.outbound {
            cases.push(outbound_case(o));
        }
        let mut places: Vec<(&str, &str, Vec<&Finding>)> = Vec::new();
        for c in &run.configs {
            match places
                .iter_mut()
                .find(|(s, t, _)| *s == c.source && *t == c.subject)
            {
                Some((_, _, findings)) => findings.push(&c.finding),
                None => places.push((&c.source, &c.subject, vec![&c.finding])),
            }
        }
        for (source, subject, findings) in places {
            cases.push(Case::judged(
                format!("{source} {subject}"),
                "trustpath.check.config",
                None,
                findings,
                None,
                String::new(),
            ));
        }
        if run.configs.is_empty() && !run.config_files.is_empty() {
            cases.push(Case::judged(
                "configuration files".to_owned(),
                "trustpath.check.config",
                None,
                Vec::new(),
                None,
                format!(
                    "checked offline, no finding:\n{}\n",
                    run.config_files.join("\n")
                ),
            ));
        }
        let suite = Suite {
            name: format!("trustpath check {}", run.name),
            timestamp: rfc3339(run.now),
            properties: run
                .file
                .iter()
                .map(|f| ("deployment-file", f.clone()))
                .chain(
                    run.truststores
                        .iter()
                        .map(|s| ("truststore", s.label.clone())),
                )
                .collect(),
            cases,
        };
        self.write(&suite)
    }

    fn write(&mut self, suite: &Suite) -> io::Result<()> {
        let mut xml = Writer::new_with_indent(&mut self.out, b' ', 2);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let tests = suite.cases.len().to_string();
        let failures = suite
            .cases
            .iter()
            .filter(|c| c.failure.is_some())
            .count()
            .to_string();
        let time = suite
            .cases
            .iter()
            .filter_map(|c| c.time)
            .sum::<Duration>()
            .as_secs_f64();
        let time = format!("{time:.3}");
        let name = attr(&suite.name);
        xml.create_element("testsuites")
            .with_attributes([
                ("name", name.as_str()),
                ("tests", tests.as_str()),
                ("failures", failures.as_str()),
                ("errors", "0"),
                ("time", time.as_str()),
            ])
            .write_inner_content(|xml| {
                xml.create_element("testsuite")
                    .with_attributes([
                        ("name", name.as_str()),
                        ("tests", tests.as_str()),
                        ("failures", failures.as_str()),
                        ("errors", "0"),
                        ("skipped", "0"),
                        ("time", time.as_str()),
                        ("timestamp", suite.timestamp.as_str()),
                    ])
                    .write_inner_content(|xml| {
                        if !suite.properties.is_empty() {
                            xml.create_element("properties")
                                .write_inner_content(|xml| {
                                    for (key, value) in &suite.properties {
                                        xml.create_element("property")
                                            .with_attributes([
                                                ("name", *key),
                                                ("value", attr(value).as_str()),
                                            ])
                                            .write_empty()?;
                                    }
                                    Ok(())
                                })?;
                        }
                        for case in &suite.cases {
                            write_case(xml, case)?;
                        }
                        Ok(())
                    })?;
                Ok(())
            })?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// One `<testsuite>`.
struct Suite {
    name: String,
    timestamp: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

/// One `<testcase>`.
struct Case {
    name: String,
    classname: &'static str,
    time: Option<Duration>,
    /// `(type, message, text)` when the case fails.
    failure: Option<(String, String, String)>,
    system_out: String,
}

impl Case {
    /// A case that fails on its error findings (or, without one, on `untrusted`: why the JVM does not
    /// trust the chain); the other findings and `seen` go to its output.
    fn judged(
        name: String,
        classname: &'static str,
        time: Option<Duration>,
        findings: Vec<&Finding>,
        untrusted: Option<String>,
        seen: String,
    ) -> Case {
        let (errors, others): (Vec<&Finding>, Vec<&Finding>) = findings
            .into_iter()
            .partition(|f| f.severity == Severity::Error);
        let failure = match (errors.first(), untrusted) {
            (Some(first), _) => Some((
                first.code.name().to_owned(),
                format!("{}: {}", first.code, first.message),
                errors.iter().map(|f| describe(f)).collect(),
            )),
            (None, Some(reason)) => Some((
                "not-trusted".to_owned(),
                format!("the JVM does not trust the chain: {reason}"),
                String::new(),
            )),
            (None, None) => None,
        };
        let mut system_out = seen;
        for f in others {
            system_out.push_str(&describe(f));
        }
        Case {
            name,
            classname,
            time,
            failure,
            system_out,
        }
    }
}

/// `error missing-intermediate [0]: message` and the fix on the next line.
fn describe(f: &Finding) -> String {
    let at = f.cert.map(|i| format!(" [{i}]")).unwrap_or_default();
    format!(
        "{} {}{at}: {}\n  fix: {}\n",
        f.severity.name(),
        f.code,
        f.message,
        f.remediation
    )
}

/// The case of a probed endpoint or a chain file.
fn endpoint_case(e: &EndpointReport, command: &str) -> Case {
    let classname = if command == "probe" {
        "trustpath.probe"
    } else {
        "trustpath.verify"
    };
    let untrusted = (!e.trusted()).then(|| {
        e.diagnosis
            .as_ref()
            .and_then(|d| d.java.reason.clone())
            .unwrap_or_else(|| "no chain was captured".to_owned())
    });
    Case::judged(
        e.target.clone(),
        classname,
        e.elapsed,
        e.findings.iter().collect(),
        untrusted,
        seen(e),
    )
}

/// What was seen on an endpoint: the verdicts, the address and TLS, the chain's subjects.
fn seen(e: &EndpointReport) -> String {
    let mut out = String::new();
    if let Some(d) = &e.diagnosis {
        let verdict = |trusted: bool, reason: &Option<String>| match (trusted, reason) {
            (true, _) => "trusted".to_owned(),
            (false, Some(r)) => format!("not trusted: {r}"),
            (false, None) => "not trusted".to_owned(),
        };
        let _ = writeln!(out, "java: {}", verdict(d.java.trusted, &d.java.reason));
        let _ = writeln!(
            out,
            "browser: {}",
            verdict(d.browser.trusted, &d.browser.reason)
        );
    }
    if let Some(address) = e.address {
        let _ = writeln!(out, "address: {address}");
    }
    if let Some(tls) = &e.tls {
        let _ = writeln!(
            out,
            "tls: {} {}",
            tls.version.as_deref().unwrap_or("?"),
            tls.cipher_suite.as_deref().unwrap_or("?")
        );
    }
    for (i, c) in e.chain.iter().enumerate() {
        match c.try_info() {
            Ok(info) => {
                let _ = writeln!(
                    out,
                    "[{i}] {} (until {})",
                    info.subject,
                    rfc3339(info.not_after)
                );
            }
            Err(err) => {
                let _ = writeln!(out, "[{i}] unreadable: {err}");
            }
        }
    }
    out
}

/// The cases of one deployment endpoint.
fn deployed_cases(e: &DeployedEndpoint) -> Vec<Case> {
    let mut cases = Vec::new();
    let secure = e.url.scheme.secure();
    let untrusted = (secure && e.probe.diagnosis.is_some() && !e.probe.trusted()).then(|| {
        e.probe
            .diagnosis
            .as_ref()
            .and_then(|d| d.java.reason.clone())
            .unwrap_or_default()
    });
    let mut what = format!("role: {}\nverdict: {}\n", e.role.name(), e.verdict());
    what.push_str(&seen(&e.probe));
    cases.push(Case::judged(
        format!("{} {}", e.name, e.url),
        "trustpath.check.endpoint",
        e.probe.elapsed,
        e.endpoint_findings(),
        untrusted,
        what,
    ));
    for (i, outcome) in e.http.iter().enumerate() {
        let mut hops = String::new();
        for hop in &outcome.hops {
            let _ = write!(hops, "{}", hop.url);
            match (hop.status, &hop.error) {
                (_, Some(err)) => {
                    let _ = writeln!(hops, " failed: {err}");
                }
                (Some(status), None) => {
                    let _ = writeln!(hops, " → {status}");
                }
                (None, None) => hops.push('\n'),
            }
        }
        cases.push(Case::judged(
            format!("{} GET {}", e.name, outcome.path),
            "trustpath.check.http",
            None,
            e.http_findings
                .get(i)
                .map(|f| f.iter().collect())
                .unwrap_or_default(),
            None,
            hops,
        ));
    }
    if let Some(w) = &e.websocket {
        cases.push(Case::judged(
            format!("{} WebSocket {}", e.name, w.url),
            "trustpath.check.websocket",
            None,
            e.websocket_findings.iter().collect(),
            None,
            format!("{}\n", w.summary()),
        ));
    }
    cases
}

/// The case of one of the app's outbound connections (class `trustpath.check.outbound`).
fn outbound_case(o: &OutboundConnection) -> Case {
    let untrusted = (o.tls && o.probe.diagnosis.is_some() && !o.probe.trusted()).then(|| {
        o.probe
            .diagnosis
            .as_ref()
            .and_then(|d| d.java.reason.clone())
            .unwrap_or_default()
    });
    let mut what = format!(
        "role: {}
verdict: {}
",
        o.role.name(),
        o.verdict()
    );
    if let Some(via) = &o.via {
        let _ = writeln!(what, "proxy: {via}");
    }
    what.push_str(&seen(&o.probe));
    Case::judged(
        format!("{} {}", o.name, o.url),
        "trustpath.check.outbound",
        o.probe.elapsed,
        o.findings().iter().collect(),
        untrusted,
        what,
    )
}

fn write_case<W: Write>(xml: &mut Writer<W>, case: &Case) -> io::Result<()> {
    let name = attr(&case.name);
    let time = case.time.map(|t| format!("{:.3}", t.as_secs_f64()));
    let mut element = xml
        .create_element("testcase")
        .with_attributes([("name", name.as_str()), ("classname", case.classname)]);
    if let Some(time) = &time {
        element = element.with_attribute(("time", time.as_str()));
    }
    if case.failure.is_none() && case.system_out.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|xml| {
        if let Some((kind, message, text)) = &case.failure {
            let message = attr(message);
            let kind = attr(kind);
            xml.create_element("failure")
                .with_attributes([("message", message.as_str()), ("type", kind.as_str())])
                .write_text_content(text_content(text))?;
        }
        if !case.system_out.is_empty() {
            xml.create_element("system-out")
                .write_text_content(text_content(&case.system_out))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Element text: cleaned, with only `<`, `>`, `&` (and `\r`) escaped, so that quotes stay readable.
fn text_content(text: &str) -> BytesText<'static> {
    BytesText::from_escaped(quick_xml::escape::partial_escape(clean(text)).into_owned())
}

/// An attribute value: cleaned, with line breaks and tabs as spaces (what XML's attribute-value
/// normalisation would make of them anyway).
fn attr(text: &str) -> String {
    clean(text).replace(['\n', '\r', '\t'], " ")
}

/// `text` with the characters XML 1.0 cannot carry replaced by U+FFFD.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(clean("a\u{1b}[31mb\tc\n"), "a\u{FFFD}[31mb\tc\n");
    }
}
