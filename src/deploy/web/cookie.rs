//! `Set-Cookie` headers as the judgement needs them: the cookie's name and its attributes, never its
//! value (a session token must not end up in a report).

use serde::Serialize;

/// One `Set-Cookie` header, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetCookie {
    /// The cookie name, as sent (names are case-sensitive).
    pub name: String,
    /// Whether `Secure` was set.
    pub secure: bool,
    /// Whether `HttpOnly` was set.
    pub http_only: bool,
    /// The `SameSite` value, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    /// The `Domain`, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The `Path`, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// Parses a `Set-Cookie` value (RFC 6265 §5.2: a header without `=` in its first part is ignored, so
/// `None`). Attribute names are matched case-insensitively.
pub fn parse_set_cookie(header: &str) -> Option<SetCookie> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let value = value.trim().trim_matches('"');
    let mut cookie = SetCookie {
        name: name.to_owned(),
        secure: false,
        http_only: false,
        same_site: None,
        domain: None,
        path: None,
        cleared: value.is_empty(),
    };
    for attribute in parts {
        let (key, val) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (attribute.trim(), None),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = val.map(str::to_owned),
            "domain" => cookie.domain = val.map(str::to_owned),
            "path" => cookie.path = val.map(str::to_owned),
            "max-age"
                if val
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|age| age <= 0) =>
            {
                cookie.cleared = true;
            }
            _ => {}
        }
    }
    Some(cookie)
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
        assert_eq!(c.domain.as_deref(), Some(".example.test"));
        assert_eq!(c.path.as_deref(), Some("/confluence"));
        assert_eq!(
            c.summary(),
            "JSESSIONID (Secure, HttpOnly, SameSite=Lax, Domain=.example.test, Path=/confluence)"
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
