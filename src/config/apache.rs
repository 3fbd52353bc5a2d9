//! Apache httpd configuration: line-oriented directives (backslash continuations, `#` comments, `"…"`
//! and `'…'` arguments), `<Section …>` … `</Section>` nesting checked, `Include`/`IncludeOptional`
//! followed with globs (relative to `ServerRoot`, else the main file's directory), and the parts trustpath
//! reads: each `<VirtualHost>`'s addresses, names, `SSLEngine`, `SSLCertificateFile`/`KeyFile`/`ChainFile`,
//! `ProxyPass`/`ProxyPassReverse` (also inside `<Location>`), `RewriteRule … [P]` with their
//! `RewriteCond`s, the redirects it answers itself (`Redirect*`, `RedirectMatch`, `RewriteRule … [R]`),
//! the timeouts (`Timeout`, `ProxyTimeout`, `timeout=`), and the `Listen` addresses.
//!
//! `<IfModule>`, `<IfDefine>`, `<IfVersion>` and the like are read as if their condition held: a check
//! should see what the admin wrote.

use std::path::{Path, PathBuf};

use super::directive::{self, Include, Language, Tree};
use super::loader::{self, Loader, Located, Source};
use super::{ConfigError, Expected, Redirect};

pub use super::directive::Directive;

/// What trustpath reads from an Apache configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApacheConfig {
    /// The main file.
    pub file: PathBuf,
    /// Every file read, the main one first.
    pub files: Vec<PathBuf>,
    /// `ServerRoot` (the main file's directory when not set): relative paths are taken from it.
    pub server_root: PathBuf,
    /// The `Listen` directives: the address (when one is given) and port httpd binds.
    pub listens: Vec<Located<ListenAddr>>,
    /// The `<VirtualHost>`s.
    pub vhosts: Vec<VirtualHost>,
}

/// What a `Listen` binds: the address (`None`: every address) and the port.
pub type ListenAddr = (Option<String>, u16);

impl ApacheConfig {
    /// The one address httpd binds `port` to, when every `Listen` of that port names the same address
    /// (`Listen 127.0.0.1:8443`); `None` when it listens on all addresses or on several.
    pub fn bound_address(&self, port: u16) -> Option<&str> {
        let mut addresses = self
            .listens
            .iter()
            .filter(|l| l.value.1 == port)
            .map(|l| l.value.0.as_deref());
        let first = addresses.next()??;
        addresses.all(|a| a == Some(first)).then_some(first)
    }
}

/// One `<VirtualHost>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualHost {
    /// Where the section starts.
    pub source: Source,
    /// Its addresses (`*:443` → host `*`, port 443); the port is `None` for `<VirtualHost *>`.
    pub addresses: Vec<(String, Option<u16>)>,
    /// `ServerName` (host only, lower-cased).
    pub server_name: Option<Located<String>>,
    /// `ServerAlias` names, lower-cased.
    pub aliases: Vec<String>,
    /// `SSLEngine on`.
    pub ssl_engine: bool,
    /// `SSLCertificateFile`.
    pub certificate_file: Option<Located<String>>,
    /// `SSLCertificateKeyFile`.
    pub key_file: Option<Located<String>>,
    /// `SSLCertificateChainFile`.
    pub chain_file: Option<Located<String>>,
    /// `ProxyPass` and `ProxyPassReverse` directives.
    pub proxy_passes: Vec<ProxyPass>,
    /// `RewriteRule`s with their conditions.
    pub rewrites: Vec<RewriteRule>,
    /// The redirects it answers with itself (`Redirect`, `RedirectPermanent`, `RedirectTemp`,
    /// `RedirectMatch`, `RewriteRule … [R]`).
    pub redirects: Vec<Redirect>,
    /// `ProxyTimeout` (own or global), seconds.
    pub proxy_timeout: Option<Located<u64>>,
    /// `Timeout` (own or global), seconds.
    pub timeout: Option<Located<u64>>,
    /// `ProxyAddHeaders` (own or global) as written (`On` by default: mod_proxy adds
    /// `X-Forwarded-For`, `X-Forwarded-Host` and `X-Forwarded-Server`).
    pub proxy_add_headers: Option<Located<String>>,
}

impl VirtualHost {
    /// The first port of its addresses (443 for an SSL host without one, else 80).
    pub fn port(&self) -> u16 {
        self.addresses
            .iter()
            .find_map(|(_, p)| *p)
            .unwrap_or(if self.ssl_engine { 443 } else { 80 })
    }

    /// ServerName then ServerAlias names that are plain host names.
    pub fn names(&self) -> Vec<String> {
        self.server_name
            .iter()
            .map(|n| n.value.clone())
            .chain(self.aliases.iter().cloned())
            .filter(|n| !n.contains('*') && !n.is_empty())
            .collect()
    }

    /// `VirtualHost wiki.example.test:443`.
    pub fn subject(&self) -> String {
        let name = self
            .names()
            .first()
            .cloned()
            .unwrap_or_else(|| "*".to_owned());
        format!("VirtualHost {name}:{}", self.port())
    }

    /// The `[P]` RewriteRules to `ws://`/`wss://` targets.
    pub fn websocket_rewrites(&self) -> impl Iterator<Item = &RewriteRule> {
        self.rewrites
            .iter()
            .filter(|r| r.proxied() && r.websocket_target())
    }
}

/// A `ProxyPass` or `ProxyPassReverse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyPass {
    /// Where it was written.
    pub source: Source,
    /// `ProxyPassReverse` rather than `ProxyPass`.
    pub reverse: bool,
    /// The local path (the `<Location>`'s when written inside one).
    pub path: String,
    /// The backend URL (`!` for an exclusion).
    pub url: String,
    /// `key=value` parameters (`timeout=600`, `upgrade=websocket`).
    pub params: Vec<(String, String)>,
}

impl ProxyPass {
    /// A parameter's value, by case-insensitive key.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// A `RewriteRule` and the `RewriteCond`s before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewriteRule {
    /// Where the rule was written.
    pub source: Source,
    /// The `<Location>` path it sits in.
    pub location: Option<String>,
    /// The pattern.
    pub pattern: String,
    /// The substitution.
    pub target: String,
    /// The flags, without brackets (`P`, `L`, `NC`).
    pub flags: Vec<String>,
    /// Its conditions.
    pub conds: Vec<RewriteCond>,
}

impl RewriteRule {
    /// Whether the rule proxies (`[P]`).
    pub fn proxied(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.eq_ignore_ascii_case("P") || f.eq_ignore_ascii_case("proxy"))
    }

    /// Whether the target is a `ws://` or `wss://` URL.
    pub fn websocket_target(&self) -> bool {
        let t = self.target.to_ascii_lowercase();
        t.starts_with("ws://") || t.starts_with("wss://")
    }

    /// The status of a redirecting rule (`[R]`, `[R=301]`, `[redirect=permanent]`): 302 by default.
    pub fn redirect_status(&self) -> Option<u16> {
        self.flags.iter().find_map(|f| {
            let (name, value) = f.split_once('=').unwrap_or((f.as_str(), ""));
            if !(name.eq_ignore_ascii_case("R") || name.eq_ignore_ascii_case("redirect")) {
                return None;
            }
            Some(match value.to_ascii_lowercase().as_str() {
                "" | "temp" => 302,
                "permanent" => 301,
                "seeother" => 303,
                code => code.parse().ok().filter(|c| (300..400).contains(c))?,
            })
        })
    }

    /// Whether a condition tests the `Upgrade` request header.
    pub fn checks_upgrade(&self) -> bool {
        self.conds
            .iter()
            .any(|c| c.test.to_ascii_lowercase().contains("%{http:upgrade}"))
    }
}

/// A `RewriteCond`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewriteCond {
    /// Where it was written.
    pub source: Source,
    /// The test string (`%{HTTP:Upgrade}`).
    pub test: String,
    /// The condition pattern.
    pub pattern: String,
}

/// Reads an Apache configuration and its includes. A file that holds no `<VirtualHost>` (itself or
/// through its includes) is refused: as the wrong kind of file when it looks like another
/// ([`super::kind`]), else as nothing to check.
pub fn load(loader: &dyn Loader, path: &Path) -> Result<ApacheConfig, ConfigError> {
    directive::load(loader, path)
}

impl Language for ApacheConfig {
    const EXPECTED: &'static Expected = &super::expected::APACHE;

    /// Sections may nest at most [`directive::MAX_NESTING`] deep in all.
    fn parse(text: &str, source: &Source, nesting: usize) -> Result<Vec<Directive>, ConfigError> {
        // Logical lines: backslash-newline joins lines; each keeps the number of its first line.
        let mut lines: Vec<(usize, String)> = Vec::new();
        let mut pending: Option<(usize, String)> = None;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let (start, mut line) = match pending.take() {
                Some((start, mut acc)) => {
                    acc.push(' ');
                    acc.push_str(raw.trim_start());
                    (start, acc)
                }
                None => (n, raw.to_owned()),
            };
            if line.ends_with('\\') {
                line.pop();
                pending = Some((start, line));
                continue;
            }
            lines.push((start, line));
        }
        if let Some(p) = pending {
            lines.push(p);
        }

        // A stack of open sections: (name, args, source, children).
        let mut stack: Vec<(String, Vec<String>, Source, Vec<Directive>)> =
            vec![(String::new(), Vec::new(), source.at(1), Vec::new())];
        for (n, line) in lines {
            let at = source.at(n);
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("</") {
                let name = rest.trim_end_matches('>').trim();
                let Some((open, args, open_at, children)) = stack.pop() else {
                    return Err(ConfigError::syntax(&at, "unbalanced section"));
                };
                if stack.is_empty() {
                    return Err(ConfigError::syntax(
                        &at,
                        format!("</{name}> without a matching <{name}>"),
                    ));
                }
                if !open.eq_ignore_ascii_case(name) {
                    return Err(ConfigError::syntax(
                        &at,
                        format!("</{name}> closes <{open}> opened at {open_at}"),
                    ));
                }
                let parent = stack.last_mut().map(|s| &mut s.3);
                if let Some(parent) = parent {
                    parent.push(Directive {
                        name: open,
                        args,
                        source: open_at,
                        block: Some(children),
                    });
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('<') {
                let Some(inner) = rest.strip_suffix('>') else {
                    return Err(ConfigError::syntax(
                        &at,
                        format!("section \"<{rest}\" is not closed by \">\""),
                    ));
                };
                let mut words = split_args(inner, &at)?;
                if words.is_empty() {
                    return Err(ConfigError::syntax(&at, "empty section name"));
                }
                let name = words.remove(0);
                // The stack holds the file's top level and each open section.
                if nesting + stack.len() > directive::MAX_NESTING {
                    return Err(ConfigError::syntax(
                        &at,
                        format!(
                            "<{name}> is nested deeper than {} sections (includes counted)",
                            directive::MAX_NESTING
                        ),
                    ));
                }
                stack.push((name, words, at, Vec::new()));
                continue;
            }
            let mut words = split_args(trimmed, &at)?;
            let name = words.remove(0);
            if let Some(top) = stack.last_mut() {
                top.3.push(Directive {
                    name,
                    args: words,
                    source: at,
                    block: None,
                });
            }
        }
        if stack.len() > 1 {
            let (name, _, at, _) = &stack[stack.len() - 1];
            return Err(ConfigError::syntax(
                at,
                format!("<{name}> is not closed before the end of the file"),
            ));
        }
        Ok(stack.pop().map(|s| s.3).unwrap_or_default())
    }

    /// An `Include`/`IncludeOptional` names a file, a directory's files or a glob, relative to the
    /// `ServerRoot` in force (`base`, which a `ServerRoot` directive moves, relative to `root`).
    fn include(
        d: &Directive,
        root: &Path,
        base: &mut PathBuf,
        loader: &dyn Loader,
    ) -> Result<Option<Include>, ConfigError> {
        if d.is("ServerRoot")
            && let Some(dir) = d.args.first()
        {
            *base = root.join(dir);
        }
        if d.block.is_some() || !(d.is("Include") || d.is("IncludeOptional")) {
            return Ok(None);
        }
        let optional = d.is("IncludeOptional");
        let [pattern] = d.args.as_slice() else {
            return Err(ConfigError::syntax(
                &d.source,
                format!("{} takes exactly one file, directory or pattern", d.name),
            ));
        };
        let full = base.join(pattern);
        let paths = if loader::is_glob(pattern) {
            let found = loader::glob(loader, &full);
            if found.is_empty() && !optional {
                return Err(ConfigError::syntax(
                    &d.source,
                    format!("Include \"{pattern}\" matches no file (IncludeOptional allows that)"),
                ));
            }
            found
        } else if loader.is_dir(&full) {
            let mut files = loader.list(&full).map_err(|error| ConfigError::Read {
                at: Some(d.source.to_string()),
                path: full.clone(),
                error,
            })?;
            files.retain(|p| !loader.is_dir(p));
            files.sort();
            files
        } else {
            vec![full]
        };
        Ok(Some(Include { paths, optional }))
    }

    fn interpret(file: &Path, tree: Tree, base: PathBuf) -> Result<Self, ConfigError> {
        Ok(ApacheConfig {
            file: file.to_path_buf(),
            listens: listens(&tree.directives)?,
            server_root: base,
            files: tree.files,
            ..interpret(&tree.directives)?
        })
    }

    fn nothing_to_check(&self) -> Option<usize> {
        self.vhosts.is_empty().then_some(self.files.len())
    }
}

/// Splits a directive line as httpd's `ap_getword_conf` does: white space separates, `"…"` and `'…'`
/// group (a backslash escapes the quote inside them).
fn split_args(line: &str, at: &Source) -> Result<Vec<String>, ConfigError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut word = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == '\\' && chars.peek() == Some(&first) {
                    word.push(first);
                    chars.next();
                } else if c == first {
                    closed = true;
                    break;
                } else {
                    word.push(c);
                }
            }
            if !closed {
                return Err(ConfigError::syntax(
                    at,
                    format!("unterminated {first}-quoted argument"),
                ));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        out.push(word);
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
struct Globals {
    proxy_timeout: Option<Located<u64>>,
    timeout: Option<Located<u64>>,
    proxy_add_headers: Option<Located<String>>,
}

fn interpret(directives: &[Directive]) -> Result<ApacheConfig, ConfigError> {
    let mut globals = Globals::default();
    let mut config = ApacheConfig::default();
    walk_globals(directives, &mut globals)?;
    walk_vhosts(directives, &globals, &mut config)?;
    Ok(config)
}

fn seconds(d: &Directive) -> Result<Located<u64>, ConfigError> {
    let text = d.args.first().map_or("", String::as_str);
    let value = text.parse::<u64>().map_err(|_| {
        ConfigError::syntax(
            &d.source,
            format!("{} \"{text}\" is not a number of seconds", d.name),
        )
    })?;
    Ok(Located {
        value,
        source: d.source.clone(),
    })
}

/// Every `Listen` outside `<VirtualHost>`s, at any depth (`ports.conf` puts them in `<IfModule>`):
/// `Listen [ADDRESS:]PORT [PROTOCOL]`; a port that is not 1 to 65535 is refused at its line.
fn listens(directives: &[Directive]) -> Result<Vec<Located<ListenAddr>>, ConfigError> {
    let mut out = Vec::new();
    for d in directives {
        match &d.block {
            Some(inner) if !d.is("VirtualHost") => out.extend(listens(inner)?),
            Some(_) => {}
            // A port held in a variable (`Listen ${PORT}`) is not known here: that Listen is left out.
            None if d.is("Listen") && !d.args.first().is_some_and(|a| a.contains('$')) => {
                let spec = d.args.first().map_or("", String::as_str);
                let bad = || {
                    ConfigError::syntax(
                        &d.source,
                        format!(
                            "Listen \"{spec}\" is not [ADDRESS:]PORT with a port from 1 to 65535"
                        ),
                    )
                };
                let (address, port) = match spec.rsplit_once(':') {
                    Some((a, p)) => (
                        Some(a.trim_start_matches('[').trim_end_matches(']').to_owned()),
                        p,
                    ),
                    None => (None, spec),
                };
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(bad)?;
                let address = address.filter(|a| !matches!(a.as_str(), "*" | "0.0.0.0" | "::"));
                out.push(Located {
                    value: (address, port),
                    source: d.source.clone(),
                });
            }
            None => {}
        }
    }
    Ok(out)
}

fn walk_globals(directives: &[Directive], g: &mut Globals) -> Result<(), ConfigError> {
    for d in directives {
        match &d.block {
            Some(inner) if !d.is("VirtualHost") => walk_globals(inner, g)?,
            Some(_) => {}
            None if d.is("Timeout") => g.timeout = Some(seconds(d)?),
            None if d.is("ProxyTimeout") => g.proxy_timeout = Some(seconds(d)?),
            None if d.is("ProxyAddHeaders") => g.proxy_add_headers = located(d),
            None => {}
        }
    }
    Ok(())
}

fn walk_vhosts(
    directives: &[Directive],
    g: &Globals,
    config: &mut ApacheConfig,
) -> Result<(), ConfigError> {
    for d in directives {
        let Some(inner) = &d.block else { continue };
        if d.is("VirtualHost") {
            config.vhosts.push(vhost(d, inner, g)?);
        } else {
            walk_vhosts(inner, g, config)?;
        }
    }
    Ok(())
}

fn vhost(d: &Directive, block: &[Directive], g: &Globals) -> Result<VirtualHost, ConfigError> {
    let mut addresses = Vec::new();
    for a in &d.args {
        let (host, port) = match a.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') => match p.parse::<u16>() {
                Ok(p) => (h.to_owned(), Some(p)),
                Err(_) if p == "*" => (h.to_owned(), None),
                Err(_) => {
                    return Err(ConfigError::syntax(
                        &d.source,
                        format!("<VirtualHost {a}>: \"{p}\" is not a port"),
                    ));
                }
            },
            _ => (a.clone(), None),
        };
        addresses.push((host, port));
    }
    let mut v = VirtualHost {
        source: d.source.clone(),
        addresses,
        server_name: None,
        aliases: Vec::new(),
        ssl_engine: false,
        certificate_file: None,
        key_file: None,
        chain_file: None,
        proxy_passes: Vec::new(),
        rewrites: Vec::new(),
        redirects: Vec::new(),
        proxy_timeout: g.proxy_timeout.clone(),
        timeout: g.timeout.clone(),
        proxy_add_headers: g.proxy_add_headers.clone(),
    };
    vhost_body(block, None, &mut v, &mut Vec::new())?;
    Ok(v)
}

fn located(d: &Directive) -> Option<Located<String>> {
    d.args.first().map(|a| Located {
        value: a.clone(),
        source: d.source.clone(),
    })
}

fn vhost_body(
    block: &[Directive],
    location: Option<&str>,
    v: &mut VirtualHost,
    conds: &mut Vec<RewriteCond>,
) -> Result<(), ConfigError> {
    for d in block {
        if let Some(inner) = &d.block {
            if d.is("Location") || d.is("LocationMatch") {
                let path = d.args.first().cloned().unwrap_or_default();
                vhost_body(inner, Some(&path), v, &mut Vec::new())?;
            } else if !d.is("Directory") && !d.is("DirectoryMatch") && !d.is("Files") {
                vhost_body(inner, location, v, conds)?;
            }
            continue;
        }
        let name = d.name.to_ascii_lowercase();
        match name.as_str() {
            "servername" => {
                v.server_name = located(d).map(|mut l| {
                    l.value = host_of(&l.value);
                    l
                });
            }
            "serveralias" => v.aliases.extend(d.args.iter().map(|a| host_of(a))),
            "sslengine" => {
                v.ssl_engine = d.args.first().is_some_and(|a| a.eq_ignore_ascii_case("on"));
            }
            "sslcertificatefile" => v.certificate_file = located(d),
            "sslcertificatekeyfile" => v.key_file = located(d),
            "sslcertificatechainfile" => v.chain_file = located(d),
            "timeout" => v.timeout = Some(seconds(d)?),
            "proxytimeout" => v.proxy_timeout = Some(seconds(d)?),
            "proxyaddheaders" => v.proxy_add_headers = located(d),
            "proxypass" | "proxypassreverse" => {
                let (path, url, rest) = match (location, d.args.as_slice()) {
                    (Some(loc), [url, rest @ ..]) if !url.starts_with('/') || rest.is_empty() => {
                        (loc.to_owned(), url.clone(), rest)
                    }
                    (_, [path, url, rest @ ..]) => (path.clone(), url.clone(), rest),
                    _ => {
                        return Err(ConfigError::syntax(
                            &d.source,
                            format!("{} takes a path and a URL", d.name),
                        ));
                    }
                };
                v.proxy_passes.push(ProxyPass {
                    source: d.source.clone(),
                    reverse: name == "proxypassreverse",
                    path,
                    url,
                    params: rest
                        .iter()
                        .filter_map(|p| p.split_once('='))
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                });
            }
            "redirect" | "redirectpermanent" | "redirecttemp" | "redirectmatch" => {
                if let Some(r) = redirect(d, &name, location) {
                    v.redirects.push(r);
                }
            }
            "rewritecond" => conds.push(RewriteCond {
                source: d.source.clone(),
                test: d.args.first().cloned().unwrap_or_default(),
                pattern: d.args.get(1).cloned().unwrap_or_default(),
            }),
            "rewriterule" => {
                let [pattern, target, rest @ ..] = d.args.as_slice() else {
                    return Err(ConfigError::syntax(
                        &d.source,
                        "RewriteRule takes a pattern and a substitution",
                    ));
                };
                let flags = rest
                    .first()
                    .map(|f| {
                        f.trim_start_matches('[')
                            .trim_end_matches(']')
                            .split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                let rule = RewriteRule {
                    source: d.source.clone(),
                    location: location.map(str::to_owned),
                    pattern: pattern.clone(),
                    target: target.clone(),
                    flags,
                    conds: std::mem::take(conds),
                };
                if let Some(status) = rule.redirect_status() {
                    v.redirects.push(Redirect {
                        source: rule.source.clone(),
                        path: super::front_path(location, pattern),
                        status,
                        target: rule.target.clone(),
                    });
                }
                v.rewrites.push(rule);
            }
            _ => {}
        }
    }
    Ok(())
}

/// A `Redirect [STATUS] PATH URL`, `RedirectPermanent PATH URL`, `RedirectTemp PATH URL` or
/// `RedirectMatch [STATUS] REGEX URL` (inside a `<Location>`, the path may be left out); `None` for a
/// `gone` or another status that sends no one anywhere.
fn redirect(d: &Directive, name: &str, location: Option<&str>) -> Option<Redirect> {
    let mut args: &[String] = &d.args;
    let status = match name {
        "redirectpermanent" => 301,
        "redirecttemp" => 302,
        _ => {
            let keyword = args.first().map(|a| a.to_ascii_lowercase());
            let status = match keyword.as_deref() {
                Some("permanent") => Some(301),
                Some("temp") => Some(302),
                Some("seeother") => Some(303),
                Some("gone") => return None,
                Some(code) => code.parse::<u16>().ok(),
                None => None,
            };
            match status {
                Some(s) if (300..400).contains(&s) => {
                    args = &args[1..];
                    s
                }
                Some(_) => return None,
                None => 302,
            }
        }
    };
    let (path, target) = match (args, location) {
        ([path, target, ..], _) => (path.clone(), target.clone()),
        ([target], Some(loc)) => (loc.to_owned(), target.clone()),
        _ => return None,
    };
    let path = if name == "redirectmatch" {
        super::regex_prefix(&path)
    } else {
        path
    };
    Some(Redirect {
        source: d.source.clone(),
        path,
        status,
        target,
    })
}

/// `https://wiki.example.test:443` → `wiki.example.test`.
fn host_of(name: &str) -> String {
    let n = name.split_once("://").map_or(name, |(_, rest)| rest);
    let n = n.split('/').next().unwrap_or(n);
    let n = match n.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') => h,
        _ => n,
    };
    n.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::loader::MemLoader;

    const SITE: &str = r#"# the wiki
Timeout 300
<IfModule mod_ssl.c>
<VirtualHost *:443>
    ServerName https://Wiki.Example.test:443
    ServerAlias wiki
    SSLEngine on
    SSLCertificateFile "/etc/ssl/wiki.crt"
    SSLCertificateKeyFile /etc/ssl/wiki.key
    SSLCertificateChainFile /etc/ssl/chain.pem
    ProxyTimeout 30
    ProxyPass /synchrony http://127.0.0.1:8091/synchrony timeout=120
    <Location /synchrony>
        RewriteEngine on
        RewriteCond %{HTTP:Upgrade} ^WebSocket$ [NC]
        RewriteRule .* ws://127.0.0.1:8091%{REQUEST_URI} [P]
    </Location>
    ProxyPass / \
        http://127.0.0.1:8090/
    ProxyPassReverse / http://127.0.0.1:8090/
</VirtualHost>
</IfModule>
"#;

    #[test]
    fn virtual_hosts_are_read_with_proxies_rewrites_and_certificates() {
        let mem = MemLoader::new()
            .with(
                "/etc/apache2/apache2.conf",
                "IncludeOptional sites-enabled/*.conf\n",
            )
            .with("/etc/apache2/sites-enabled/wiki.conf", SITE);
        let c = load(&mem, Path::new("/etc/apache2/apache2.conf")).unwrap();
        assert_eq!(c.files.len(), 2);
        let v = &c.vhosts[0];
        assert_eq!(v.subject(), "VirtualHost wiki.example.test:443");
        assert_eq!(v.names(), ["wiki.example.test", "wiki"]);
        assert!(v.ssl_engine);
        assert_eq!(
            v.certificate_file.as_ref().unwrap().value,
            "/etc/ssl/wiki.crt"
        );
        assert_eq!(
            v.chain_file.as_ref().unwrap().source.to_string(),
            "sites-enabled/wiki.conf:10"
        );
        assert_eq!(v.proxy_timeout.as_ref().unwrap().value, 30);
        assert_eq!(v.timeout.as_ref().unwrap().value, 300);
        let pp = &v.proxy_passes;
        assert_eq!(pp[0].param("timeout"), Some("120"));
        assert_eq!(
            (pp[1].path.as_str(), pp[1].url.as_str()),
            ("/", "http://127.0.0.1:8090/")
        );
        assert_eq!(pp[1].source.line, 18);
        assert!(pp[2].reverse);
        let ws: Vec<_> = v.websocket_rewrites().collect();
        assert_eq!(ws.len(), 1);
        assert!(ws[0].checks_upgrade());
        assert_eq!(ws[0].location.as_deref(), Some("/synchrony"));
    }

    #[test]
    fn listens_and_redirects_are_read_as_debian_writes_them() {
        let mem = MemLoader::new()
            .with(
                "/etc/apache2/apache2.conf",
                "Include ports.conf\nIncludeOptional sites-enabled/*.conf\n",
            )
            .with(
                "/etc/apache2/ports.conf",
                "Listen 127.0.0.1:8080\n<IfModule ssl_module>\n\tListen 127.0.0.1:8443\n</IfModule>\nListen 9000\nListen ${EXTRA_PORT}\n",
            )
            .with(
                "/etc/apache2/sites-enabled/wiki.conf",
                "<VirtualHost *:8080>\n  ServerName wiki.test\n  Redirect permanent / https://wiki.test:8443/\n</VirtualHost>\n\
                 <VirtualHost *:8443>\n  ServerName wiki.test\n  SSLEngine on\n\
                 RedirectMatch 302 ^/synchrony/(.*)$ https://login.test/login?to=/synchrony/$1\n\
                 <Location /old>\n    Redirect /new\n  </Location>\n\
                 RewriteRule ^/legacy/(.*) https://%{SERVER_NAME}/$1 [R=301,L]\n\
                 Redirect gone /dead\n</VirtualHost>\n",
            );
        let c = load(&mem, Path::new("/etc/apache2/apache2.conf")).unwrap();
        assert_eq!(c.bound_address(8080), Some("127.0.0.1"));
        assert_eq!(c.bound_address(8443), Some("127.0.0.1"));
        assert_eq!(c.bound_address(9000), None);
        assert_eq!(c.listens.len(), 3, "a port in a variable is left out");
        assert_eq!(c.listens[1].source.to_string(), "ports.conf:3");
        let r = &c.vhosts[0].redirects;
        assert_eq!(
            (r[0].path.as_str(), r[0].status, r[0].target.as_str()),
            ("/", 301, "https://wiki.test:8443/")
        );
        let r: Vec<(&str, u16)> = c.vhosts[1]
            .redirects
            .iter()
            .map(|r| (r.path.as_str(), r.status))
            .collect();
        assert_eq!(r, [("/synchrony/", 302), ("/old", 302), ("/legacy/", 301)]);
        let e = load(
            &MemLoader::new().with(
                "/a/httpd.conf",
                "Listen 84430\n<VirtualHost *:80>\n</VirtualHost>\n",
            ),
            Path::new("/a/httpd.conf"),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("httpd.conf:1: Listen \"84430\""),
            "{e}"
        );
    }

    #[test]
    fn unbalanced_sections_name_both_places() {
        let src = Source::new(Path::new("/a/httpd.conf"), Path::new("/a"), 1);
        let e = ApacheConfig::parse(
            "<VirtualHost *:80>\n<Location />\n</VirtualHost>\n",
            &src,
            0,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "httpd.conf:3: </VirtualHost> closes <Location> opened at httpd.conf:2"
        );
        let e = ApacheConfig::parse("<VirtualHost *:80>\n", &src, 0).unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let e = ApacheConfig::parse("</Location>\n", &src, 0).unwrap_err();
        assert!(e.to_string().contains("without a matching"), "{e}");
    }

    #[test]
    fn include_of_a_missing_file_fails_but_include_optional_does_not() {
        let mem = MemLoader::new().with("/a/httpd.conf", "Include conf.d/*.conf\n");
        let e = load(&mem, Path::new("/a/httpd.conf")).unwrap_err();
        assert!(e.to_string().contains("matches no file"), "{e}");
        let mem = MemLoader::new().with(
            "/a/httpd.conf",
            "IncludeOptional conf.d/*.conf\nIncludeOptional none.conf\n",
        );
        assert!(directive::read_config::<ApacheConfig>(&mem, Path::new("/a/httpd.conf")).is_ok());
    }
}
