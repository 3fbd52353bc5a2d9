//! The request headers `trustpath serve --echo-headers` received, written into its page and read back:
//! a check through a real proxy ([`crate::deploy`]) reads them from the app's answer to say what reached
//! the app (`X-Forwarded-For`, `X-Forwarded-Proto`). One header a line, `Name: value`, HTML-escaped,
//! inside `<pre id="trustpath-received-headers">`; credentials (Authorization, Proxy-Authorization,
//! Cookie) are shown as their length only. Pure.

/// The element that holds the list, as written.
const OPEN: &str = "<pre id=\"trustpath-received-headers\">\n";
/// Its end.
const CLOSE: &str = "</pre>";
/// Most headers read back (a request head is at most [`super::http::MAX_HEAD`] bytes anyway).
const MAX_HEADERS: usize = 200;

/// Headers whose values are credentials: listed with their length only.
const SECRET: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// The page fragment listing `headers` (names as received, in order).
pub fn render<'a>(headers: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut out = String::from("<p>request headers received:</p>\n");
    out.push_str(OPEN);
    for (name, value) in headers {
        let shown = if SECRET.contains(&name.to_ascii_lowercase().as_str()) {
            format!("({} bytes, not shown)", value.len())
        } else {
            String::from_utf8_lossy(value).into_owned()
        };
        out.push_str(&escape(name));
        out.push_str(": ");
        out.push_str(&escape(&shown));
        out.push('\n');
    }
    out.push_str(CLOSE);
    out.push('\n');
    out
}

/// The headers listed in `body`, when it is a page of `serve --echo-headers` (`None` otherwise).
pub fn parse(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = String::from_utf8_lossy(body);
    let start = text.find(OPEN)? + OPEN.len();
    let end = start + text[start..].find(CLOSE)?;
    Some(
        text[start..end]
            .lines()
            .filter_map(|line| line.split_once(": "))
            .take(MAX_HEADERS)
            .map(|(name, value)| (unescape(name), unescape(value)))
            .collect(),
    )
}

/// The value of the first header named `name` (case-insensitive) in a list [`parse`] returned.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `s` as HTML text: `&`, `<` and `>` escaped.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_headers_read_back_as_sent_with_credentials_hidden() {
        let page = format!(
            "<p>trustpath serve: x</p>\n{}",
            render([
                ("host", b"wiki.test".as_slice()),
                ("x-forwarded-for", b"192.0.2.7, 127.0.0.1".as_slice()),
                ("x-odd", b"a<b>&c".as_slice()),
                ("cookie", b"JSESSIONID=secret".as_slice()),
            ])
        );
        assert!(!page.contains("secret"), "{page}");
        let headers = parse(page.as_bytes()).unwrap();
        assert_eq!(
            header(&headers, "X-Forwarded-For"),
            Some("192.0.2.7, 127.0.0.1")
        );
        assert_eq!(header(&headers, "x-odd"), Some("a<b>&c"));
        assert_eq!(header(&headers, "Cookie"), Some("(17 bytes, not shown)"));
        assert_eq!(header(&headers, "x-forwarded-proto"), None);
    }

    #[test]
    fn a_page_without_the_list_is_not_an_echo() {
        assert_eq!(parse(b"<p>trustpath serve: x</p>"), None);
        assert_eq!(parse(OPEN.as_bytes()), None);
    }
}
