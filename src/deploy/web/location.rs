//! Where a redirect goes: a `Location` resolved against the URL that answered (RFC 3986 §5.2, for the
//! forms servers send: absolute, scheme-relative, absolute-path, query-only and relative), with dot
//! segments removed and the fragment dropped.

use crate::deploy::model::{EndpointUrl, Scheme};

/// `url` with its path (and query) replaced by `path`, its text rebuilt as `scheme://host[:port]path`
/// (one spelling per URL, so visited URLs compare equal).
pub fn at_path(url: &EndpointUrl, path: &str) -> EndpointUrl {
    EndpointUrl {
        text: format!("{}{}", url.origin_with(url.scheme), path),
        path: path.to_owned(),
        ..url.clone()
    }
}

/// The HTTP scheme a WebSocket scheme is requested with.
fn web_scheme(scheme: Scheme) -> Scheme {
    match scheme {
        Scheme::Ws => Scheme::Http,
        Scheme::Wss => Scheme::Https,
        s => s,
    }
}

/// Resolves `location` against `base`. Only `http` and `https` targets are followed.
pub fn resolve(base: &EndpointUrl, location: &str) -> Result<EndpointUrl, String> {
    let location = location.trim();
    let location = location.split('#').next().unwrap_or_default();
    if location.is_empty() {
        return Err("the Location header is empty".into());
    }
    let scheme = web_scheme(base.scheme);
    let origin = base.origin_with(scheme);
    let absolute = if has_scheme(location) {
        location.to_owned()
    } else if location.starts_with("//") {
        format!("{}:{location}", scheme.name())
    } else if location.starts_with('/') {
        format!("{origin}{}", remove_dots(location))
    } else if location.starts_with('?') {
        let path = base.path.split('?').next().unwrap_or("/");
        format!("{origin}{path}{location}")
    } else {
        let path = base.path.split('?').next().unwrap_or("/");
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{origin}{}", remove_dots(&format!("{dir}{location}")))
    };
    let url = EndpointUrl::parse(&absolute)
        .map_err(|e| format!("the Location '{location}' cannot be followed: {e}"))?;
    if url.scheme.websocket() {
        return Err(format!(
            "the Location '{location}' is not an http:// or https:// URL"
        ));
    }
    let path = match url.path.split_once('?') {
        Some((p, q)) => format!("{}?{q}", remove_dots(p)),
        None => remove_dots(&url.path),
    };
    Ok(at_path(&url, &path))
}

/// Whether `text` starts with `scheme:` (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`).
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Removes `.` and `..` segments from the path part of `path` (RFC 3986 §5.2.4); a query is kept as is.
fn remove_dots(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut result = format!("/{}", out.join("/"));
    if let Some(q) = query {
        result.push('?');
        result.push_str(q);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> EndpointUrl {
        EndpointUrl::parse("https://wiki.example.test/synchrony/v1/heartbeat?x=1").unwrap()
    }

    fn resolved(location: &str) -> String {
        resolve(&base(), location).unwrap().text
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
        let r = resolve(&base(), "http://wiki.example.test:8090/x").unwrap();
        assert_eq!((r.scheme, r.port), (Scheme::Http, 8090));
        assert_eq!(r.text, "http://wiki.example.test:8090/x");
    }

    #[test]
    fn a_websocket_base_resolves_to_its_http_scheme() {
        let ws = EndpointUrl::parse("wss://rtc.example.test/synchrony/").unwrap();
        assert_eq!(
            resolve(&ws, "/login").unwrap().text,
            "https://rtc.example.test/login"
        );
    }

    #[test]
    fn unusable_locations_are_errors() {
        assert!(resolve(&base(), "").is_err());
        assert!(resolve(&base(), "ftp://files.example.test/").is_err());
        assert!(resolve(&base(), "wss://wiki.example.test/").is_err());
        assert!(resolve(&base(), "https://user@wiki.example.test/").is_err());
    }

    #[test]
    fn too_many_parent_segments_stop_at_the_root() {
        assert_eq!(remove_dots("/../../a"), "/a");
        assert_eq!(remove_dots("/a/.."), "/");
        assert_eq!(remove_dots("/a/b/?q=../x"), "/a/b/?q=../x");
    }
}
