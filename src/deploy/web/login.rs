//! Recognising a login page (a `<form>` with a password field, or a typical login URL path) and naming
//! the path prefix an authentication proxy should let through.

/// Path segments (without extension, lower-cased) that login, single-sign-on and identity-provider
/// pages use: Confluence/Jira (`login.jsp`, `login.action`), Crowd SSO, SAML IdPs (`/idp/`, `/saml2/`),
/// ADFS (`/adfs/ls`), Keycloak and other OpenID Connect providers (`/openid-connect/auth`), CAS.
const LOGIN_SEGMENTS: &[&str] = &[
    "login",
    "logon",
    "signin",
    "sign-in",
    "sso",
    "auth",
    "authenticate",
    "authorize",
    "oauth",
    "oauth2",
    "openid-connect",
    "idp",
    "saml",
    "saml2",
    "adfs",
    "cas",
];

/// Whether `body` holds an HTML form with a password input.
pub fn has_login_form(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    if !text.contains("<form") {
        return false;
    }
    let mut at = 0;
    while let Some(start) = text[at..].find("<input").map(|i| at + i) {
        let end = text[start..].find('>').map_or(text.len(), |i| start + i);
        let tag = &text[start + "<input".len()..end];
        if attribute(tag, "type").as_deref() == Some("password") {
            return true;
        }
        at = end;
    }
    false
}

/// The value of attribute `name` in a tag's attribute text (`name="v"`, `name='v'` or `name=v`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=/".contains(&bytes[i]) {
            i += 1;
        }
        let key = &tag[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let from = i + 1;
                let to = tag[from..]
                    .bytes()
                    .position(|b| b == quote)
                    .map_or(tag.len(), |p| from + p);
                value = tag[from..to].to_owned();
                i = (to + 1).min(bytes.len());
            } else {
                let from = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = tag[from..i].to_owned();
            }
        }
        if key == name {
            return Some(value.trim().to_owned());
        }
        if i == start {
            i += 1;
        }
    }
    None
}

/// The first segment of `path` (query ignored) that marks a login page, as written, e.g. `login.jsp`
/// or `idp`.
pub fn login_path_segment(path: &str) -> Option<&str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').find(|segment| {
        let lower = segment.to_ascii_lowercase();
        let stem = lower.split('.').next().unwrap_or_default();
        LOGIN_SEGMENTS.contains(&stem) || stem.starts_with("login") || stem.starts_with("signin")
    })
}

/// The path prefix to let through an authentication proxy for a request of `path`: its first segment,
/// `/synchrony/*` for `/synchrony/heartbeat`, `/status` for `/status`, `/*` for `/`.
pub fn allow_prefix(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let rest = path.trim_start_matches('/');
    match rest.split_once('/') {
        Some((first, _)) if !first.is_empty() => format!("/{first}/*"),
        _ if rest.is_empty() => "/*".to_owned(),
        _ => format!("/{rest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_with_a_password_input_is_a_login_form() {
        let page = br#"<html><FORM method="post" action="/login"><input name=u>
            <INPUT Type = "Password" name="p"><input type=submit></form>"#;
        assert!(has_login_form(page));
        assert!(has_login_form(
            b"<form><input class='x' type='password'/></form>"
        ));
        assert!(has_login_form(b"<form><input type=password></form>"));
    }

    #[test]
    fn a_form_without_a_password_input_or_a_password_outside_a_form_is_not() {
        assert!(!has_login_form(
            b"<form action=/search><input type=text name=q></form>"
        ));
        assert!(!has_login_form(b"<input type=password>"));
        assert!(!has_login_form(
            b"<form><input name=password placeholder='type=password'></form>"
        ));
        assert!(!has_login_form(b"<p>type the password</p><form></form>"));
    }

    #[test]
    fn typical_login_paths_are_recognised_by_segment() {
        assert_eq!(login_path_segment("/login?next=/x"), Some("login"));
        assert_eq!(login_path_segment("/Login.jsp"), Some("Login.jsp"));
        assert_eq!(login_path_segment("/adfs/ls/?wa=wsignin1.0"), Some("adfs"));
        assert_eq!(
            login_path_segment("/realms/corp/protocol/openid-connect/auth"),
            Some("openid-connect")
        );
        assert_eq!(
            login_path_segment("/idp/profile/SAML2/Redirect/SSO"),
            Some("idp")
        );
        assert_eq!(login_path_segment("/signin-oidc"), Some("signin-oidc"));
        assert_eq!(login_path_segment("/synchrony/heartbeat"), None);
        assert_eq!(login_path_segment("/blog/authors"), None);
        assert_eq!(login_path_segment("/x?redirect=/login"), None);
    }

    #[test]
    fn the_prefix_to_allow_is_the_first_path_segment() {
        assert_eq!(allow_prefix("/synchrony/heartbeat"), "/synchrony/*");
        assert_eq!(
            allow_prefix("/synchrony/v1/bayeux-sync1?x=1"),
            "/synchrony/*"
        );
        assert_eq!(allow_prefix("/synchrony/"), "/synchrony/*");
        assert_eq!(allow_prefix("/status"), "/status");
        assert_eq!(allow_prefix("/"), "/*");
        assert_eq!(allow_prefix("/?q"), "/*");
    }
}
