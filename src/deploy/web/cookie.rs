//! `Set-Cookie` headers as the judgement needs them, read by the `cookie` crate: the cookie's name and its
//! attributes, never its value (a session token must not end up in a report).

/// One `Set-Cookie` header, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// The cookie name, as sent (names are case-sensitive).
    pub name: String,
    /// Whether `Secure` was set.
    pub secure: bool,
    /// Whether `HttpOnly` was set.
    pub http_only: bool,
    /// The `SameSite` value, when one was given.
    pub same_site: Option<String>,
    /// The `Domain`, when one was given.
    pub domain: Option<String>,
    /// The `Path`, when one was given.
    pub path: Option<String>,
    /// Whether the header deletes the cookie (an empty value or `Max-Age` ≤ 0): nothing to protect.
    pub cleared: bool,
}

impl SetCookie {
    /// One line for reports: the name and its attributes, e.g. `JSESSIONID (Secure, HttpOnly,
    /// SameSite=Lax, Path=/)` or `JSESSIONID (no Secure, no HttpOnly)`.
    pub fn summary(&self) -> String {
        if self.cleared {
            return format!("{} (cleared)", self.name);
        }
        let mut parts = vec![
            if self.secure { "Secure" } else { "no Secure" }.to_owned(),
            if self.http_only {
                "HttpOnly"
            } else {
                "no HttpOnly"
            }
            .to_owned(),
        ];
        for (key, value) in [
            ("SameSite", &self.same_site),
            ("Domain", &self.domain),
            ("Path", &self.path),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key}={v}"));
            }
        }
        format!("{} ({})", self.name, parts.join(", "))
    }
}

/// Parses a `Set-Cookie` value with the `cookie` crate (RFC 6265 §5.2: a header without `=` in its
/// first part, or with an empty name, is ignored, so `None`). Attribute names are matched
/// case-insensitively; a `Domain`'s leading dot is dropped, as RFC 6265 §5.2.3 says.
pub fn parse_set_cookie(header: &str) -> Option<SetCookie> {
    let cookie = cookie::Cookie::parse(header).ok()?;
    Some(SetCookie {
        name: cookie.name().to_owned(),
        secure: cookie.secure().unwrap_or(false),
        http_only: cookie.http_only().unwrap_or(false),
        same_site: cookie.same_site().map(|s| s.to_string()),
        domain: cookie.domain().map(str::to_owned),
        path: cookie.path().map(str::to_owned),
        cleared: cookie.value_trimmed().is_empty()
            || cookie
                .max_age()
                .is_some_and(|age| age <= time::Duration::ZERO),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_case_insensitively_and_the_value_is_not_kept() {
        let c = parse_set_cookie(
            "JSESSIONID=ABC123; path=/confluence; SECURE; httpOnly; SameSite=Lax; Domain=.example.test",
        )
        .unwrap();
        assert_eq!(c.name, "JSESSIONID");
        assert!(c.secure && c.http_only && !c.cleared);
        assert_eq!(c.same_site.as_deref(), Some("Lax"));
        assert_eq!(c.domain.as_deref(), Some("example.test"));
        assert_eq!(c.path.as_deref(), Some("/confluence"));
        assert_eq!(
            c.summary(),
            "JSESSIONID (Secure, HttpOnly, SameSite=Lax, Domain=example.test, Path=/confluence)"
        );
        assert!(!format!("{c:?}").contains("ABC123"));
    }

    #[test]
    fn a_cookie_without_flags_is_neither_secure_nor_http_only() {
        let c = parse_set_cookie("crowd.token_key=xyz; Path=/").unwrap();
        assert_eq!(c.name, "crowd.token_key");
        assert!(!c.secure && !c.http_only);
        assert_eq!(
            c.summary(),
            "crowd.token_key (no Secure, no HttpOnly, Path=/)"
        );
    }

    #[test]
    fn flags_inside_the_value_or_another_attribute_do_not_count() {
        let c = parse_set_cookie("JSESSIONID=Secure; Path=/HttpOnly").unwrap();
        assert!(!c.secure && !c.http_only);
    }

    #[test]
    fn deletions_are_marked_cleared() {
        assert!(parse_set_cookie("JSESSIONID=; Path=/").unwrap().cleared);
        assert!(parse_set_cookie("JSESSIONID=\"\"").unwrap().cleared);
        assert!(
            parse_set_cookie("JSESSIONID=x; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                .unwrap()
                .cleared
        );
        assert!(
            !parse_set_cookie("JSESSIONID=x; Max-Age=3600")
                .unwrap()
                .cleared
        );
    }

    #[test]
    fn a_header_without_a_name_value_pair_is_ignored() {
        assert_eq!(parse_set_cookie("Secure; HttpOnly"), None);
        assert_eq!(parse_set_cookie("=value"), None);
    }
}
