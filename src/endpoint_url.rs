//! The one URL type of trustpath: an `http`, `https`, `ws` or `wss` URL with its host, port and path,
//! parsed by the `url` crate (WHATWG rules: the host lower-cased, a default port left out, dot segments
//! removed). Deployment files, the HTTP client, redirects and reports all use it; a `Location` header is
//! resolved against the URL that answered ([`EndpointUrl::join`]).

use std::fmt;

use strum::{EnumString, IntoStaticStr};

/// A URL scheme an endpoint may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Scheme {
    /// `http://`
    Http,
    /// `https://`
    Https,
    /// `ws://`
    Ws,
    /// `wss://`
    Wss,
}

impl Scheme {
    /// Parses a scheme name, case-insensitively.
    pub fn parse(text: &str) -> Option<Scheme> {
        text.parse().ok()
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether the scheme runs over TLS.
    pub fn secure(self) -> bool {
        matches!(self, Scheme::Https | Scheme::Wss)
    }

    /// Whether the scheme names a WebSocket.
    pub fn websocket(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }

    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        if self.secure() { 443 } else { 80 }
    }

    /// The HTTP scheme a WebSocket scheme is requested with (`ws` → `http`, `wss` → `https`).
    pub fn web(self) -> Scheme {
        match self {
            Scheme::Ws => Scheme::Http,
            Scheme::Wss => Scheme::Https,
            s => s,
        }
    }
}

/// An endpoint URL, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl {
    /// The URL as written (for a URL built by trustpath: `scheme://host[:port]path`).
    pub text: String,
    /// Its scheme.
    pub scheme: Scheme,
    /// The host (a DNS name, or an IP literal without brackets), lower-cased.
    pub host: String,
    /// The port, explicit or the scheme's default.
    pub port: u16,
    /// Whether the URL names a port other than its scheme's default.
    pub explicit_port: bool,
    /// The path and query, `/` when empty.
    pub path: String,
}

impl EndpointUrl {
    /// Parses `scheme://host[:port][/path]`. User info and fragments are refused.
    pub fn parse(text: &str) -> Result<EndpointUrl, String> {
        let Some((_, rest)) = text.split_once("://") else {
            return Err(format!("'{text}' has no scheme (write https://{text})"));
        };
        if let Some(port) = written_port(rest)
            && !valid_port(port)
        {
            return Err(format!(
                "'{text}': port '{port}' is not a number from 1 to 65535"
            ));
        }
        let url = match url::Url::parse(text) {
            Ok(url) => url,
            Err(url::ParseError::EmptyHost) => return Err(format!("'{text}' has no host")),
            Err(e) => return Err(format!("'{text}' is not a URL: {e}")),
        };
        let mut parsed = EndpointUrl::from_url(&url).map_err(|e| format!("'{text}'{e}"))?;
        if url.fragment().is_some() {
            return Err(format!(
                "'{text}' is not a URL trustpath requests: a #fragment is never sent to a server"
            ));
        }
        parsed.text = text.to_owned();
        Ok(parsed)
    }

    /// An endpoint URL from a parsed URL; the error is the reason, to follow the URL's text.
    fn from_url(url: &url::Url) -> Result<EndpointUrl, String> {
        let scheme = Scheme::parse(url.scheme()).ok_or_else(|| {
            format!(
                ": the scheme must be http, https, ws or wss, not '{}'",
                url.scheme()
            )
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(": user names or passwords in URLs are not supported".to_owned());
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(" has no host".to_owned()),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        if url.port() == Some(0) {
            return Err(": port 0 is not a port a server listens on".to_owned());
        }
        let mut out = EndpointUrl {
            text: String::new(),
            scheme,
            port: url.port().unwrap_or(scheme.default_port()),
            explicit_port: url.port().is_some(),
            host,
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path
            },
        };
        out.text = format!("{}{}", out.origin_with(scheme), out.path);
        Ok(out)
    }

    /// This URL with its path (and query) replaced by `path`, its text rebuilt as
    /// `scheme://host[:port]path` (one spelling per URL, so visited URLs compare equal).
    pub fn at_path(&self, path: &str) -> EndpointUrl {
        EndpointUrl {
            text: format!("{}{path}", self.origin_with(self.scheme)),
            path: path.to_owned(),
            ..self.clone()
        }
    }

    /// Where a redirect goes: `location` resolved against this URL (requested over HTTP even for a
    /// WebSocket URL), its fragment dropped. Only `http` and `https` targets are followed.
    pub fn join(&self, location: &str) -> Result<EndpointUrl, String> {
        let location = location.trim();
        if location.split('#').next().unwrap_or_default().is_empty() {
            return Err("the Location header is empty".into());
        }
        let base = url::Url::parse(&format!(
            "{}{}",
            self.origin_with(self.scheme.web()),
            self.path
        ))
        .map_err(|e| format!("the base URL {} cannot be used: {e}", self.text))?;
        let mut target = base.join(location).map_err(|e| {
            format!("the Location '{location}' cannot be followed: '{location}' is not a URL: {e}")
        })?;
        target.set_fragment(None);
        let url = EndpointUrl::from_url(&target)
            .map_err(|e| format!("the Location '{location}' cannot be followed: '{target}'{e}"))?;
        if url.scheme.websocket() {
            return Err(format!(
                "the Location '{location}' is not an http:// or https:// URL"
            ));
        }
        Ok(url)
    }

    /// `host:port`, with brackets around an IPv6 literal.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The `Host` header value: the port only when it is not the scheme's default.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.scheme.default_port() {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The origin (`https://host[:port]`) with `scheme` in place of the URL's own.
    pub fn origin_with(&self, scheme: Scheme) -> String {
        format!("{}://{}", scheme.name(), self.host_header())
    }
}

/// The port as written after the authority's host (`None` when the URL names none): the text after
/// the last `:` of `host:port`, `[v6]:port`, ignoring any `user@` part.
fn written_port(after_scheme: &str) -> Option<&str> {
    let end = after_scheme
        .find(['/', '?', '#', '\\'])
        .unwrap_or(after_scheme.len());
    let authority = &after_scheme[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once("]:").map(|(_, port)| port),
        None => host_port.rsplit_once(':').map(|(_, port)| port),
    }
}

/// Whether `text` is a port a server listens on: digits only, 1 to 65535.
fn valid_port(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p))
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> EndpointUrl {
        EndpointUrl::parse("https://wiki.example.test/synchrony/v1/heartbeat?x=1").unwrap()
    }

    fn resolved(location: &str) -> String {
        base().join(location).unwrap().text
    }

    #[test]
    fn locations_of_every_form_resolve_against_the_answering_url() {
        assert_eq!(
            resolved("https://sso.example.test/login?return=%2Fsynchrony"),
            "https://sso.example.test/login?return=%2Fsynchrony"
        );
        assert_eq!(
            resolved("//sso.example.test:8443/idp/"),
            "https://sso.example.test:8443/idp/"
        );
        assert_eq!(
            resolved("/login.action"),
            "https://wiki.example.test/login.action"
        );
        assert_eq!(
            resolved("?y=2"),
            "https://wiki.example.test/synchrony/v1/heartbeat?y=2"
        );
        assert_eq!(
            resolved("status"),
            "https://wiki.example.test/synchrony/v1/status"
        );
        assert_eq!(resolved("../../login"), "https://wiki.example.test/login");
        assert_eq!(resolved("./"), "https://wiki.example.test/synchrony/v1/");
        assert_eq!(
            resolved("/a/./b/../c#frag"),
            "https://wiki.example.test/a/c"
        );
    }

    #[test]
    fn the_default_port_is_left_out_and_an_explicit_one_kept() {
        assert_eq!(
            resolved("http://wiki.example.test:80/"),
            "http://wiki.example.test/"
        );
        let r = base().join("http://wiki.example.test:8090/x").unwrap();
        assert_eq!((r.scheme, r.port), (Scheme::Http, 8090));
        assert_eq!(r.text, "http://wiki.example.test:8090/x");
    }

    #[test]
    fn a_websocket_base_resolves_to_its_http_scheme() {
        let ws = EndpointUrl::parse("wss://rtc.example.test/synchrony/").unwrap();
        assert_eq!(
            ws.join("/login").unwrap().text,
            "https://rtc.example.test/login"
        );
    }

    #[test]
    fn unusable_locations_are_errors() {
        assert!(base().join("").is_err());
        assert!(base().join("ftp://files.example.test/").is_err());
        assert!(base().join("wss://wiki.example.test/").is_err());
        assert!(base().join("https://user@wiki.example.test/").is_err());
    }

    #[test]
    fn too_many_parent_segments_stop_at_the_root() {
        assert_eq!(resolved("/../../a"), "https://wiki.example.test/a");
        assert_eq!(resolved("/a/.."), "https://wiki.example.test/");
        assert_eq!(
            resolved("/a/b/?q=../x"),
            "https://wiki.example.test/a/b/?q=../x"
        );
    }

    #[test]
    fn a_port_that_is_not_1_to_65535_is_refused_with_the_port_named() {
        for (url, port) in [
            ("https://h.test:84430/", "84430"),
            ("https://h.test:8443x/", "8443x"),
            ("https://h.test:-1/", "-1"),
            ("https://h.test:0/", "0"),
            ("https://h.test:/", ""),
            ("wss://[::1]:99999/ws", "99999"),
            ("https://u@h.test:70000", "70000"),
        ] {
            let e = EndpointUrl::parse(url).unwrap_err();
            assert!(
                e.contains(&format!("port '{port}' is not a number from 1 to 65535")),
                "{url}: {e}"
            );
        }
        assert_eq!(
            EndpointUrl::parse("https://h.test:65535/").unwrap().port,
            65535
        );
        assert_eq!(EndpointUrl::parse("http://[::1]:1/").unwrap().port, 1);
        assert!(base().join("https://h.test:0/x").is_err());
    }

    #[test]
    fn urls_keep_their_text_and_name_their_parts() {
        let u = EndpointUrl::parse("https://Wiki.Example.test:8443").unwrap();
        assert_eq!(u.text, "https://Wiki.Example.test:8443");
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("wiki.example.test", 8443, "/")
        );
        assert_eq!(u.host_header(), "wiki.example.test:8443");
        let v6 = EndpointUrl::parse("http://[::1]:8090/x").unwrap();
        assert_eq!(
            (v6.host.as_str(), v6.authority()),
            ("::1", "[::1]:8090".to_owned())
        );
        assert!(
            EndpointUrl::parse("h.test")
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(
            EndpointUrl::parse("ftp://h")
                .unwrap_err()
                .contains("scheme must be")
        );
        assert!(
            EndpointUrl::parse("https://u:p@h")
                .unwrap_err()
                .contains("user names")
        );
    }
}
