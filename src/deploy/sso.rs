//! Single sign-on across the deployment's hosts: Crowd's `crowd.token_key` (and any `sso_cookies` of the
//! deployment file) is one cookie shared by every app that signs users in through it, so its `Domain`
//! must cover each host that sets it, and every app must scope it alike — a host-only cookie, or one
//! scoped to another app's name, is never sent to the others and users must log in again there. Judged
//! from the `Set-Cookie` headers the check received (names and attributes only, never values). Pure.

use super::model::Deployment;
use super::run::DeployedEndpoint;
use crate::finding::{Code, Finding, Severity};

/// Where one host set one SSO cookie, and its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scoped {
    host: String,
    url: String,
    /// `Domain` without its leading dot, lower-cased; `None` for a host-only cookie.
    domain: Option<String>,
}

/// The `sso-cookie-domain` findings of a run, each for the endpoint whose answer set the cookie so.
/// Returns `(endpoint index, finding)`.
pub fn findings(d: &Deployment, endpoints: &[DeployedEndpoint]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for name in &d.sso_cookies {
        // Every (endpoint, host, scope) that set the cookie, the first of each host and scope.
        let mut seen: Vec<(usize, Scoped)> = Vec::new();
        for (index, e) in endpoints.iter().enumerate() {
            for hop in e.http.iter().flat_map(|o| &o.hops) {
                for c in hop
                    .set_cookies
                    .iter()
                    .filter(|c| &c.name == name && !c.cleared)
                {
                    let scoped = Scoped {
                        host: hop.url.host.to_ascii_lowercase(),
                        url: hop.url.text.clone(),
                        domain: c
                            .domain
                            .as_deref()
                            .map(|d| d.trim_start_matches('.').to_ascii_lowercase())
                            .filter(|d| !d.is_empty()),
                    };
                    if !seen
                        .iter()
                        .any(|(_, s)| s.host == scoped.host && s.domain == scoped.domain)
                    {
                        seen.push((index, scoped));
                    }
                }
            }
        }
        let mut hosts: Vec<&str> = seen.iter().map(|(_, s)| s.host.as_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        if hosts.len() < 2 {
            continue;
        }
        let parent = common_parent(&hosts);
        let scopes: Vec<&Option<String>> = {
            let mut s: Vec<&Option<String>> = seen.iter().map(|(_, s)| &s.domain).collect();
            s.dedup();
            s
        };
        let fix = match &parent {
            Some(p) => format!(
                "scope {name} to one domain every app shares: set the SSO cookie domain in Crowd's administration (under General or Session configuration, by version) to `.{p}`, and keep every app on a name under it"
            ),
            None => format!(
                "put every app that shares {name} under one parent domain (e.g. wiki.example.com and jira.example.com under example.com) and set Crowd's SSO cookie domain to it: a cookie cannot cover hosts without a common parent"
            ),
        };
        for (index, s) in &seen {
            let missed: Vec<&str> = hosts.iter().copied().filter(|h| !covers(s, h)).collect();
            let scope = match &s.domain {
                Some(d) => format!("Domain={d}"),
                None => "no Domain (host-only)".to_owned(),
            };
            if !missed.is_empty() {
                out.push((
                    *index,
                    Finding::new(
                        Code::SsoCookieDomain,
                        Severity::Error,
                        format!(
                            "{name} set by {} with {scope} is never sent to {}, which also uses it: users signed in here must sign in again there",
                            s.url,
                            missed.join(", ")
                        ),
                        fix.clone(),
                    ),
                ));
            } else if scopes.len() > 1 {
                let others: Vec<String> = seen
                    .iter()
                    .filter(|(_, o)| o.domain != s.domain)
                    .map(|(_, o)| {
                        format!(
                            "{} ({})",
                            o.host,
                            o.domain
                                .as_deref()
                                .map_or("host-only".to_owned(), |d| format!("Domain={d}"))
                        )
                    })
                    .collect();
                out.push((
                    *index,
                    Finding::new(
                        Code::SsoCookieDomain,
                        Severity::Warning,
                        format!(
                            "{name} set by {} with {scope}, but scoped differently by {}: browsers keep two cookies of that name and send either",
                            s.url,
                            others.join(", ")
                        ),
                        fix.clone(),
                    ),
                ));
            }
        }
    }
    out
}

/// Whether a cookie so scoped is sent to `host` (RFC 6265 domain-match; host-only: the same host).
fn covers(s: &Scoped, host: &str) -> bool {
    match &s.domain {
        None => s.host == host,
        Some(d) => host == d || host.ends_with(&format!(".{d}")),
    }
}

/// The longest domain (of at least two labels) every host is under, when there is one.
fn common_parent(hosts: &[&str]) -> Option<String> {
    let split: Vec<Vec<&str>> = hosts.iter().map(|h| h.rsplit('.').collect()).collect();
    let first = split.first()?;
    let mut common = 0;
    while common < first.len() && split.iter().all(|l| l.get(common) == first.get(common)) {
        common += 1;
    }
    // Never the whole name of one host (it would be that host, not a parent of every one).
    let common = split.iter().map(Vec::len).fold(common, |c, n| c.min(n - 1));
    (common >= 2).then(|| {
        let mut labels: Vec<&str> = first[..common].to_vec();
        labels.reverse();
        labels.join(".")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model::{self, EndpointUrl, Role};
    use crate::deploy::web::{Hop, HttpOutcome, SetCookie};
    use crate::judge::EndpointReport;

    fn deployed(name: &str, url: &str, cookies: &[(&str, Option<&str>)]) -> DeployedEndpoint {
        let url = EndpointUrl::parse(url).unwrap();
        let hop = Hop {
            url: url.clone(),
            status: Some(200),
            location: None,
            set_cookies: cookies
                .iter()
                .map(|(n, d)| SetCookie {
                    name: (*n).to_owned(),
                    secure: true,
                    http_only: true,
                    same_site: None,
                    domain: d.map(str::to_owned),
                    path: Some("/".into()),
                    cleared: false,
                })
                .collect(),
            login_form: false,
            body_excerpt: String::new(),
            error: None,
            body: Vec::new(),
            body_truncated: false,
        };
        DeployedEndpoint {
            name: name.to_owned(),
            role: Role::App,
            url: url.clone(),
            probe: EndpointReport::default(),
            http: vec![HttpOutcome {
                path: "/".into(),
                hops: vec![hop],
            }],
            http_findings: vec![Vec::new()],
            websocket: None,
            websocket_findings: Vec::new(),
            findings: Vec::new(),
        }
    }

    fn deployment() -> Deployment {
        model::parse(
            "[[endpoint]]\nname = \"wiki\"\nrole = \"app\"\nurl = \"https://wiki.example.com/\"\n",
            "t",
            std::path::Path::new("/"),
        )
        .unwrap()
    }

    fn run(endpoints: &[DeployedEndpoint]) -> Vec<(usize, Severity, String, String)> {
        findings(&deployment(), endpoints)
            .into_iter()
            .map(|(i, f)| (i, f.severity, f.message, f.remediation))
            .collect()
    }

    #[test]
    fn a_shared_parent_domain_set_alike_by_every_app_is_fine() {
        let found = run(&[
            deployed(
                "wiki",
                "https://wiki.example.com/",
                &[("crowd.token_key", Some(".example.com"))],
            ),
            deployed(
                "jira",
                "https://jira.example.com/",
                &[("crowd.token_key", Some("example.com"))],
            ),
        ]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn a_host_only_sso_cookie_is_never_sent_to_the_other_app_and_the_fix_names_the_parent() {
        let found = run(&[
            deployed(
                "wiki",
                "https://wiki.example.com/",
                &[("crowd.token_key", None)],
            ),
            deployed(
                "jira",
                "https://jira.example.com/",
                &[("crowd.token_key", Some(".example.com"))],
            ),
        ]);
        // Jira's cookie reaches both, but two scopes of one name are a warning there.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!((found[1].0, found[1].1), (1, Severity::Warning));
        let (index, severity, message, fix) = &found[0];
        assert_eq!((*index, *severity), (0, Severity::Error));
        assert_eq!(
            message,
            "crowd.token_key set by https://wiki.example.com/ with no Domain (host-only) is never sent to jira.example.com, which also uses it: users signed in here must sign in again there"
        );
        assert!(
            fix.contains("SSO cookie domain in Crowd's administration")
                && fix.contains("to `.example.com`"),
            "{fix}"
        );
    }

    #[test]
    fn a_domain_of_one_app_misses_the_other_and_two_scopes_that_both_cover_are_a_warning() {
        let found = run(&[
            deployed(
                "wiki",
                "https://wiki.corp.example.com/",
                &[("crowd.token_key", Some("corp.example.com"))],
            ),
            deployed(
                "jira",
                "https://jira.example.com/",
                &[("crowd.token_key", Some("example.com"))],
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].2.contains("never sent to jira.example.com"),
            "{found:#?}"
        );
        let both = run(&[
            deployed(
                "wiki",
                "https://wiki.corp.example.com/",
                &[("crowd.token_key", Some("corp.example.com"))],
            ),
            deployed(
                "jira",
                "https://jira.corp.example.com/",
                &[("crowd.token_key", Some("example.com"))],
            ),
        ]);
        assert_eq!(both.len(), 2, "{both:#?}");
        assert!(both.iter().all(|f| f.1 == Severity::Warning), "{both:#?}");
        assert!(
            both[0]
                .2
                .contains("scoped differently by jira.corp.example.com (Domain=example.com)"),
            "{both:#?}"
        );
    }

    #[test]
    fn hosts_without_a_common_parent_get_a_fix_that_says_so_and_one_host_gets_nothing() {
        let found = run(&[
            deployed(
                "wiki",
                "https://wiki.example.com/",
                &[("crowd.token_key", None)],
            ),
            deployed(
                "jira",
                "https://jira.example.org/",
                &[("crowd.token_key", None)],
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0]
                .3
                .contains("cannot cover hosts without a common parent"),
            "{found:#?}"
        );
        assert!(
            run(&[deployed(
                "wiki",
                "https://wiki.example.com/",
                &[("crowd.token_key", None)]
            )])
            .is_empty()
        );
        assert_eq!(
            common_parent(&["a.b.example.com", "c.example.com"]).as_deref(),
            Some("example.com")
        );
        assert_eq!(common_parent(&["example.com", "wiki.example.com"]), None);
    }
}
