//! The client's address and scheme through the proxy, live: when the app behind the proxy is a
//! `trustpath serve --echo-headers` stand-in (or anything answering with its list of the request headers
//! received, [`crate::serve::echo`]), its answer to a request made through the proxy says what reached
//! the app. No `X-Forwarded-For` (nor `Forwarded: for=`) is `forwarded-for-missing`, as the offline check
//! of the proxy configuration says it; behind a TLS proxy, no `X-Forwarded-Proto` (nor
//! `Forwarded: proto=`) is `forwarded-proto-missing` (info: Tomcat learns the scheme from the
//! Connector's `scheme`/`secure`/`proxyPort` instead, unless a `RemoteIpValve` reads the header), and one
//! that says another scheme than users reach is a warning. Answers that list no headers are not judged,
//! nor are Synchrony's paths and the WebSocket endpoints (the proxy's WebSocket locations are judged by
//! the WebSocket checks, as offline).
//! Pure.

use super::model::{Deployment, Role};
use super::offline::forwarded::CONSEQUENCE;
use super::run::DeployedEndpoint;
use crate::finding::{Code, Finding, Severity};
use crate::serve::echo;

/// Headers only a proxy adds: any of them in what the app received means the request went through one.
const PROXY_HEADERS: &[&str] = &[
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-server",
    "x-forwarded-proto",
    "x-real-ip",
    "forwarded",
    "via",
];

/// The findings of a run about what reached the app, each for the endpoint whose request it was (one per
/// code and endpoint). Returns `(endpoint index, finding)`.
pub fn findings(d: &Deployment, endpoints: &[DeployedEndpoint]) -> Vec<(usize, Finding)> {
    let has_node = d.endpoints.iter().any(|e| e.role == Role::Node);
    let mut out = Vec::new();
    for (index, e) in endpoints.iter().enumerate() {
        // The app's own requests; WebSocket and RTC endpoints are the WebSocket checks' (as offline).
        if !matches!(e.role, Role::App | Role::Proxy) {
            continue;
        }
        let mut raised: Vec<Code> = Vec::new();
        for hop in e
            .http
            .iter()
            .filter_map(|o| o.hops.last())
            .filter(|h| !h.url.path.to_ascii_lowercase().contains("/synchrony"))
        {
            let Some(received) = echo::parse(&hop.body) else {
                continue;
            };
            let has = |name: &str| echo::header(&received, name).is_some();
            let forwarded = echo::header(&received, "forwarded").unwrap_or_default();
            let proxied = has_node || PROXY_HEADERS.iter().any(|h| has(h));
            if !proxied {
                continue;
            }
            let url = &hop.url.text;
            if !has("x-forwarded-for")
                && !forwarded.to_ascii_lowercase().contains("for=")
                && !raised.contains(&Code::ForwardedForMissing)
            {
                raised.push(Code::ForwardedForMissing);
                out.push((
                    index,
                    Finding::new(
                        Code::ForwardedForMissing,
                        Severity::Warning,
                        format!(
                            "GET {url} reached the app with no X-Forwarded-For (the headers it received are listed in its answer): the proxy does not pass the client's address: {CONSEQUENCE}"
                        ),
                        "have the proxy pass it — nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` in the location that proxies to the app (a location that sets any proxy_set_header inherits none from outer levels); Apache: remove `ProxyAddHeaders Off` (mod_proxy then adds it) — and list the proxy's address among Crowd's trusted proxy servers",
                    ),
                ));
            }
            if !hop.url.scheme.secure() || raised.contains(&Code::ForwardedProtoMissing) {
                continue;
            }
            let proto = echo::header(&received, "x-forwarded-proto")
                .map(str::to_owned)
                .or_else(|| forwarded_proto(forwarded));
            let finding = match proto {
                None => Finding::new(
                    Code::ForwardedProtoMissing,
                    Severity::Info,
                    format!(
                        "GET {url} reached the app with no X-Forwarded-Proto: the app learns that users came over https only from Tomcat's Connector (`scheme=\"https\" secure=\"true\" proxyPort=\"{}\"`), not from the proxy",
                        hop.url.port
                    ),
                    "nothing to do while the Connector says scheme=\"https\"; when a RemoteIpValve reads the scheme from the proxy (protocolHeader=\"X-Forwarded-Proto\"), have the proxy send it — nginx: `proxy_set_header X-Forwarded-Proto $scheme;`; Apache: `RequestHeader set X-Forwarded-Proto \"https\"`",
                ),
                Some(p) if !p.trim().eq_ignore_ascii_case("https") => Finding::new(
                    Code::ForwardedProtoMissing,
                    Severity::Warning,
                    format!(
                        "GET {url} reached the app with X-Forwarded-Proto: {p} although users reach it over https: an app (or a RemoteIpValve) that believes it builds http:// links and redirects"
                    ),
                    "have the proxy send the scheme users came with — nginx: `proxy_set_header X-Forwarded-Proto $scheme;` in the TLS server; Apache: `RequestHeader set X-Forwarded-Proto \"https\"` in the TLS VirtualHost",
                ),
                Some(_) => continue,
            };
            raised.push(Code::ForwardedProtoMissing);
            out.push((index, finding));
        }
    }
    out
}

/// `proto=…` of a `Forwarded` header (RFC 7239), its first element's.
fn forwarded_proto(forwarded: &str) -> Option<String> {
    forwarded
        .split(',')
        .next()?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("proto"))
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model::{self, EndpointUrl};
    use crate::deploy::web::{Hop, HttpOutcome};

    /// An endpoint whose one request got `serve --echo-headers`' page listing `headers`.
    fn answered(role: Role, url: &str, headers: &[(&str, &[u8])]) -> DeployedEndpoint {
        let url = EndpointUrl::parse(url).unwrap();
        let body = echo::render(headers.iter().copied()).into_bytes();
        DeployedEndpoint {
            name: "e".into(),
            role,
            url: url.clone(),
            probe: Default::default(),
            http: vec![HttpOutcome {
                path: url.path.clone(),
                hops: vec![Hop {
                    url,
                    status: Some(200),
                    location: None,
                    set_cookies: Vec::new(),
                    login_form: false,
                    body_excerpt: String::new(),
                    error: None,
                    body,
                    body_truncated: false,
                }],
            }],
            http_findings: Vec::new(),
            websocket: None,
            websocket_findings: Vec::new(),
            findings: Vec::new(),
        }
    }

    fn judged(node: bool, e: DeployedEndpoint) -> Vec<(Code, Severity)> {
        let mut text = String::from(
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://wiki.example.test/\"\n",
        );
        if node {
            text.push_str("[[endpoint]]\nname = \"node\"\nrole = \"node\"\nurl = \"http://127.0.0.1:8090/\"\n");
        }
        let d = model::parse(&text, "t", std::path::Path::new("/")).unwrap();
        findings(&d, &[e])
            .into_iter()
            .map(|(_, f)| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn what_reached_the_app_through_the_proxy_is_judged_header_by_header() {
        let url = "https://wiki.example.test/";
        let xff: (&str, &[u8]) = ("x-forwarded-for", b"192.0.2.7");
        assert_eq!(
            judged(true, answered(Role::App, url, &[("host", b"wiki")])),
            [
                (Code::ForwardedForMissing, Severity::Warning),
                (Code::ForwardedProtoMissing, Severity::Info)
            ]
        );
        assert!(
            judged(
                true,
                answered(Role::App, url, &[xff, ("x-forwarded-proto", b"https")])
            )
            .is_empty()
        );
        assert!(
            judged(
                true,
                answered(
                    Role::App,
                    url,
                    &[("forwarded", b"for=192.0.2.7;proto=https")]
                )
            )
            .is_empty()
        );
        assert_eq!(
            judged(
                true,
                answered(Role::App, url, &[xff, ("x-forwarded-proto", b"http")])
            ),
            [(Code::ForwardedProtoMissing, Severity::Warning)]
        );
        // Over plain HTTP the scheme is not judged.
        assert!(
            judged(
                true,
                answered(Role::App, "http://wiki.example.test/", &[xff])
            )
            .is_empty()
        );
    }

    #[test]
    fn answers_not_through_a_proxy_synchrony_paths_and_websocket_endpoints_are_not_judged() {
        let bare: &[(&str, &[u8])] = &[("host", b"wiki")];
        // No node in the deployment and no header a proxy adds: maybe no proxy at all.
        assert!(
            judged(
                false,
                answered(Role::App, "https://wiki.example.test/", bare)
            )
            .is_empty()
        );
        // A proxy header is enough to know one was there.
        assert_eq!(
            judged(
                false,
                answered(
                    Role::App,
                    "http://wiki.example.test/",
                    &[("x-forwarded-host", b"wiki")]
                )
            ),
            [(Code::ForwardedForMissing, Severity::Warning)]
        );
        assert!(
            judged(
                true,
                answered(Role::Rtc, "https://wiki.example.test/", bare)
            )
            .is_empty()
        );
        assert!(
            judged(
                true,
                answered(
                    Role::App,
                    "https://wiki.example.test/synchrony/jwt-key",
                    bare
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn the_scheme_of_a_forwarded_header_is_its_first_elements_proto() {
        assert_eq!(
            forwarded_proto("for=192.0.2.7;proto=https;host=a, for=10.0.0.1;proto=http").as_deref(),
            Some("https")
        );
        assert_eq!(forwarded_proto("for=192.0.2.7"), None);
    }
}
