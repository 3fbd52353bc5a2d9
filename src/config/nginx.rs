//! nginx configuration: a tokenizer for nginx's grammar (words, `'…'`/`"…"` strings with backslash
//! escapes, `#` comments, `;`-terminated directives, `{ … }` blocks, `${var}` inside words), `include`
//! followed with globs relative to the configuration's directory (the prefix nginx resolves them against),
//! and the parts trustpath reads: `upstream` blocks and `server` blocks with their `listen`s, names,
//! certificate files, `location`s (proxy target, WebSocket headers, read timeout) and the redirects they
//! answer themselves (`return 301 URL;`, `rewrite … redirect;`).
//!
//! The tokenizer is a pure function of text (`Language::parse`); [`load`] reads files through a
//! [`Loader`]. Inheritance follows nginx: `proxy_http_version`, `proxy_read_timeout` and the
//! `ssl_certificate*` directives are inherited from outer levels unless redefined; `proxy_set_header`
//! is inherited only by a level that defines none of its own.

use std::path::{Path, PathBuf};

use super::directive::{self, Include, Language, Tree};
use super::loader::{self, Loader, Located, Source};
use super::{ConfigError, Expected, Redirect};

pub use super::directive::Directive;

/// What trustpath reads from an nginx configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NginxConfig {
    /// The main file.
    pub file: PathBuf,
    /// Every file read (the main file first, then includes in order).
    pub files: Vec<PathBuf>,
    /// `upstream` blocks.
    pub upstreams: Vec<Upstream>,
    /// `server` blocks (of the `http` context).
    pub servers: Vec<Server>,
}

/// An `upstream NAME { server HOST:PORT; … }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The name used in `proxy_pass http://NAME`.
    pub name: String,
    /// The `server` addresses (`127.0.0.1:8090`), in order.
    pub servers: Vec<String>,
    /// Where the block starts.
    pub source: Source,
}

/// One `server { … }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// Where the block starts.
    pub source: Source,
    /// Its `listen`s (port 80 when it has none).
    pub listens: Vec<Listen>,
    /// `server_name`s, lower-cased, in order (including `_`, wildcards and regexes as written).
    pub names: Vec<String>,
    /// `ssl_certificate` (own or inherited from `http`), as written.
    pub ssl_certificate: Option<Located<String>>,
    /// `ssl_certificate_key` (own or inherited).
    pub ssl_certificate_key: Option<Located<String>>,
    /// `location`s, nested ones flattened, each with its effective proxy settings.
    pub locations: Vec<Location>,
    /// The redirects it answers with itself: `return 301 URL;` (or `return URL;`) and
    /// `rewrite … URL redirect|permanent;`, at the server level (path `/`) or in a location.
    pub redirects: Vec<Redirect>,
}

impl Server {
    /// Names that can be a public host name: not `_`, empty, a wildcard or a regex.
    pub fn host_names(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| is_host_name(n))
            .cloned()
            .collect()
    }

    /// Whether any listen is TLS.
    pub fn tls(&self) -> bool {
        self.listens.iter().any(|l| l.ssl)
    }

    /// A short description for messages: `server wiki.example.test:443`.
    pub fn subject(&self) -> String {
        let name = self
            .host_names()
            .first()
            .cloned()
            .unwrap_or_else(|| "_".to_owned());
        let listen = self.listens.iter().find(|l| l.ssl).or(self.listens.first());
        match listen {
            Some(l) => format!("server {name}:{}", l.port),
            None => format!("server {name}"),
        }
    }
}

/// Whether a `server_name` value is a plain host name.
pub fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name != "_"
        && !name.starts_with('~')
        && !name.contains('*')
        && !name.starts_with('.')
        && !name.starts_with('$')
}

/// One `listen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// The address (`127.0.0.1`, `::`, a host name), when one is given.
    pub address: Option<String>,
    /// The port.
    pub port: u16,
    /// Whether the port speaks TLS (`ssl` parameter, or the server's legacy `ssl on`).
    pub ssl: bool,
    /// Where it was written (the server block's line when implied).
    pub source: Source,
}

/// One `location`, with the settings in effect there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Where the block starts.
    pub source: Source,
    /// The modifier (`=`, `~`, `~*`, `^~`), when one is given.
    pub modifier: Option<String>,
    /// The path or regex.
    pub path: String,
    /// `proxy_pass` target as written.
    pub proxy_pass: Option<Located<String>>,
    /// Effective `proxy_http_version`.
    pub http_version: Option<Located<String>>,
    /// Effective `proxy_set_header`s (name as written, value).
    pub headers: Vec<Located<(String, String)>>,
    /// Effective `proxy_read_timeout`, in seconds.
    pub read_timeout: Option<Located<u64>>,
}

impl Location {
    /// The value of an effective `proxy_set_header`, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&Located<(String, String)>> {
        self.headers
            .iter()
            .rev()
            .find(|h| h.value.0.eq_ignore_ascii_case(name))
    }
}

/// Reads an nginx configuration and its includes.
///
/// A file that holds no `server` block (itself or through its includes) is refused: as the wrong kind
/// of file when it looks like another ([`super::kind`]), else as nothing to check.
pub fn load(loader: &dyn Loader, path: &Path) -> Result<NginxConfig, ConfigError> {
    directive::load(loader, path)
}

impl Language for NginxConfig {
    const EXPECTED: &'static Expected = &super::expected::NGINX;

    fn parse(text: &str, source: &Source, nesting: usize) -> Result<Vec<Directive>, ConfigError> {
        let tokens = tokenize(text, source)?;
        // nginx reports end-of-file errors at its line counter after the last byte.
        let eof = source.at(1 + text.matches('\n').count());
        let mut pos = 0;
        let out = block(&tokens, &mut pos, source, &eof, false, nesting)?;
        Ok(out)
    }

    /// An `include` names one file or a glob, relative to the configuration's directory `root`.
    fn include(
        d: &Directive,
        root: &Path,
        _base: &mut PathBuf,
        loader: &dyn Loader,
    ) -> Result<Option<Include>, ConfigError> {
        if d.name != "include" || d.block.is_some() {
            return Ok(None);
        }
        let [pattern] = d.args.as_slice() else {
            return Err(ConfigError::syntax(
                &d.source,
                "include takes exactly one file or pattern",
            ));
        };
        let full = root.join(pattern);
        let paths = if loader::is_glob(pattern) {
            loader::glob(loader, &full)
        } else {
            vec![full]
        };
        Ok(Some(Include {
            paths,
            optional: false,
        }))
    }

    fn interpret(file: &Path, tree: Tree, _base: PathBuf) -> Result<Self, ConfigError> {
        Ok(NginxConfig {
            file: file.to_path_buf(),
            files: tree.files,
            ..interpret(&tree.directives)?
        })
    }

    fn nothing_to_check(&self) -> Option<usize> {
        self.servers.is_empty().then_some(self.files.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String, usize),
    Semicolon(usize),
    Open(usize),
    Close(usize),
}

fn tokenize(text: &str, source: &Source) -> Result<Vec<Token>, ConfigError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ';' => {
                tokens.push(Token::Semicolon(line));
                i += 1;
            }
            '{' => {
                tokens.push(Token::Open(line));
                i += 1;
            }
            '}' => {
                tokens.push(Token::Close(line));
                i += 1;
            }
            '"' | '\'' => {
                let start = line;
                let quote = c;
                let mut word = String::new();
                i += 1;
                loop {
                    let Some(&ch) = chars.get(i) else {
                        return Err(ConfigError::syntax(
                            &source.at(line),
                            format!(
                                "unexpected end of file in the {quote}-quoted string opened at line {start}"
                            ),
                        ));
                    };
                    if ch == '\n' {
                        line += 1;
                    }
                    if take_escape(&chars, &mut i, &mut word, &mut line) {
                        continue;
                    }
                    i += 1;
                    if ch == quote {
                        break;
                    }
                    word.push(ch);
                }
                if let Some(&next) = chars.get(i)
                    && !(next.is_whitespace() || matches!(next, ';' | '{' | ')'))
                {
                    return Err(ConfigError::syntax(
                        &source.at(line),
                        format!("unexpected \"{next}\" after a quoted string"),
                    ));
                }
                tokens.push(Token::Word(word, start));
            }
            _ => {
                let start = line;
                let mut word = String::new();
                let mut variable = false;
                while let Some(&ch) = chars.get(i) {
                    if ch == '{' && variable {
                        word.push(ch);
                        i += 1;
                        variable = false;
                        continue;
                    }
                    variable = false;
                    if ch.is_whitespace() || ch == ';' || ch == '{' {
                        break;
                    }
                    if take_escape(&chars, &mut i, &mut word, &mut line) {
                        continue;
                    }
                    if ch == '$' {
                        variable = true;
                    }
                    word.push(ch);
                    i += 1;
                }
                tokens.push(Token::Word(word, start));
            }
        }
    }
    Ok(tokens)
}

/// nginx's unescaping: `\"`, `\'`, `\\`, `\t`, `\r`, `\n`; any other escape is kept as written.
/// Takes the backslash escape at `chars[*i]`, if there is one, into `word` (an escaped newline is a new
/// line): whether it did.
fn take_escape(chars: &[char], i: &mut usize, word: &mut String, line: &mut usize) -> bool {
    if chars[*i] != '\\' || *i + 1 >= chars.len() {
        return false;
    }
    push_escaped(word, chars[*i + 1]);
    if chars[*i + 1] == '\n' {
        *line += 1;
    }
    *i += 2;
    true
}

fn push_escaped(word: &mut String, next: char) {
    match next {
        '"' | '\'' | '\\' => word.push(next),
        't' => word.push('\t'),
        'r' => word.push('\r'),
        'n' => word.push('\n'),
        other => {
            word.push('\\');
            word.push(other);
        }
    }
}

/// The directives up to the end of the block (`nested`) or of the file, at `nesting` blocks deep.
fn block(
    tokens: &[Token],
    pos: &mut usize,
    source: &Source,
    eof: &Source,
    nested: bool,
    nesting: usize,
) -> Result<Vec<Directive>, ConfigError> {
    let mut out = Vec::new();
    let mut words: Vec<(String, usize)> = Vec::new();
    while let Some(tok) = tokens.get(*pos) {
        *pos += 1;
        match tok {
            Token::Word(w, l) => words.push((w.clone(), *l)),
            Token::Semicolon(l) => {
                let Some(((name, line), args)) = words.split_first() else {
                    return Err(ConfigError::syntax(&source.at(*l), "unexpected \";\""));
                };
                out.push(Directive {
                    name: name.clone(),
                    args: args.iter().map(|(w, _)| w.clone()).collect(),
                    source: source.at(*line),
                    block: None,
                });
                words.clear();
            }
            Token::Open(l) => {
                let Some(((name, line), args)) = words.split_first() else {
                    return Err(ConfigError::syntax(&source.at(*l), "unexpected \"{\""));
                };
                let (name, line) = (name.clone(), *line);
                if nesting + 1 > directive::MAX_NESTING {
                    return Err(ConfigError::syntax(
                        &source.at(line),
                        format!(
                            "\"{name}\" opens a block nested deeper than {} levels (includes counted)",
                            directive::MAX_NESTING
                        ),
                    ));
                }
                let args = args.iter().map(|(w, _)| w.clone()).collect();
                words.clear();
                let inner = block(tokens, pos, source, eof, true, nesting + 1)?;
                out.push(Directive {
                    name,
                    args,
                    source: source.at(line),
                    block: Some(inner),
                });
            }
            Token::Close(l) => {
                if !words.is_empty() {
                    return Err(ConfigError::syntax(
                        &source.at(*l),
                        format!(
                            "unexpected \"}}\": \"{}\" is not terminated by \";\"",
                            words[0].0
                        ),
                    ));
                }
                if !nested {
                    return Err(ConfigError::syntax(&source.at(*l), "unexpected \"}\""));
                }
                return Ok(out);
            }
        }
    }
    if let Some((w, _)) = words.first() {
        return Err(ConfigError::syntax(
            eof,
            format!("unexpected end of file: \"{w}\" is not terminated by \";\""),
        ));
    }
    if nested {
        return Err(ConfigError::syntax(
            eof,
            "unexpected end of file, expecting \"}\"",
        ));
    }
    Ok(out)
}

/// Settings inherited from outer levels.
#[derive(Debug, Clone, Default)]
struct Inherited {
    http_version: Option<Located<String>>,
    headers: Vec<Located<(String, String)>>,
    read_timeout: Option<Located<u64>>,
    ssl_certificate: Option<Located<String>>,
    ssl_certificate_key: Option<Located<String>>,
}

impl Inherited {
    /// The settings of `directives` over these.
    fn apply(&self, directives: &[Directive]) -> Result<Inherited, ConfigError> {
        let mut next = self.clone();
        let mut own_headers = Vec::new();
        for d in directives {
            let first = || located(d, d.args.first().cloned().unwrap_or_default());
            match d.name.as_str() {
                "proxy_http_version" => next.http_version = Some(first()),
                "proxy_read_timeout" => {
                    let text = d.args.first().map_or("", String::as_str);
                    let secs = parse_duration(text).ok_or_else(|| {
                        ConfigError::syntax(
                            &d.source,
                            format!("proxy_read_timeout \"{text}\" is not a time (60s, 5m, 1h)"),
                        )
                    })?;
                    next.read_timeout = Some(located(d, secs));
                }
                "ssl_certificate" => next.ssl_certificate = Some(first()),
                "ssl_certificate_key" => next.ssl_certificate_key = Some(first()),
                "proxy_set_header" => {
                    let name = d.args.first().cloned().unwrap_or_default();
                    let value = d.args.get(1).cloned().unwrap_or_default();
                    own_headers.push(located(d, (name, value)));
                }
                _ => {}
            }
        }
        if !own_headers.is_empty() {
            next.headers = own_headers;
        }
        Ok(next)
    }
}

fn located<T>(d: &Directive, value: T) -> Located<T> {
    Located {
        value,
        source: d.source.clone(),
    }
}

/// nginx time: `30`, `30s`, `5m`, `1h`, `1m30s`, `500ms`, `1d`; rounded down to seconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let mut total_ms: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "ms" => 1,
            "s" | "" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            _ => return None,
        };
        total_ms = total_ms.checked_add(n.checked_mul(ms)?)?;
    }
    Some(total_ms / 1000)
}

fn interpret(directives: &[Directive]) -> Result<NginxConfig, ConfigError> {
    let mut config = NginxConfig::default();
    let top = Inherited::default().apply(directives)?;
    for d in directives {
        if d.name == "http"
            && let Some(block) = &d.block
        {
            let http = top.apply(block)?;
            for inner in block {
                match (inner.name.as_str(), &inner.block) {
                    ("server", Some(b)) => config.servers.push(server(inner, b, &http)?),
                    ("upstream", Some(b)) => config.upstreams.push(upstream(inner, b)),
                    _ => {}
                }
            }
        }
    }
    // A file that is only a fragment (conf.d/site.conf given directly) has its servers at the top.
    for d in directives {
        match (d.name.as_str(), &d.block) {
            ("server", Some(b)) => config.servers.push(server(d, b, &top)?),
            ("upstream", Some(b)) => config.upstreams.push(upstream(d, b)),
            _ => {}
        }
    }
    Ok(config)
}

fn upstream(d: &Directive, block: &[Directive]) -> Upstream {
    Upstream {
        name: d.args.first().cloned().unwrap_or_default(),
        servers: block
            .iter()
            .filter(|s| s.name == "server")
            .filter_map(|s| s.args.first().cloned())
            .collect(),
        source: d.source.clone(),
    }
}

fn server(d: &Directive, block: &[Directive], outer: &Inherited) -> Result<Server, ConfigError> {
    let here = outer.apply(block)?;
    let ssl_on = block
        .iter()
        .any(|s| s.name == "ssl" && s.args.first().is_some_and(|a| a == "on"));
    let mut listens = Vec::new();
    for l in block.iter().filter(|l| l.name == "listen") {
        let Some(spec) = l.args.first() else {
            return Err(ConfigError::syntax(&l.source, "listen takes an address"));
        };
        if spec.starts_with("unix:") {
            continue;
        }
        let (address, port) = split_listen(spec).ok_or_else(|| {
            ConfigError::syntax(
                &l.source,
                format!("listen \"{spec}\" is not ADDRESS:PORT, PORT or ADDRESS"),
            )
        })?;
        listens.push(Listen {
            address,
            port,
            ssl: ssl_on || l.args[1..].iter().any(|a| a == "ssl"),
            source: l.source.clone(),
        });
    }
    if listens.is_empty() {
        listens.push(Listen {
            address: None,
            port: 80,
            ssl: ssl_on,
            source: d.source.clone(),
        });
    }
    let names = block
        .iter()
        .filter(|n| n.name == "server_name")
        .flat_map(|n| n.args.iter().map(|a| a.to_ascii_lowercase()))
        .collect();
    let mut locations = Vec::new();
    collect_locations(block, &here, &mut locations)?;
    let mut redirects: Vec<Redirect> = block.iter().filter_map(|r| redirect(r, "/")).collect();
    collect_redirects(block, &mut redirects);
    Ok(Server {
        source: d.source.clone(),
        listens,
        names,
        ssl_certificate: here.ssl_certificate.clone(),
        ssl_certificate_key: here.ssl_certificate_key.clone(),
        locations,
        redirects,
    })
}

/// The redirects of every `location` in `block`, nested ones too.
fn collect_redirects(block: &[Directive], out: &mut Vec<Redirect>) {
    for d in block {
        let Some(inner) = &d.block else { continue };
        if d.name != "location" {
            continue;
        }
        let path = match d.args.as_slice() {
            [m, p] if m.starts_with('~') => super::regex_prefix(p),
            [_, p] | [p] => p.clone(),
            _ => continue,
        };
        out.extend(inner.iter().filter_map(|r| redirect(r, &path)));
        collect_redirects(inner, out);
    }
}

/// A `return CODE URL;` (or `return URL;`, a 302) with a redirect status, or a
/// `rewrite REGEX URL redirect|permanent;` (or one whose replacement is an absolute URL), applying to
/// `path`.
fn redirect(d: &Directive, path: &str) -> Option<Redirect> {
    let absolute = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.starts_with("http://") || t.starts_with("https://") || t.starts_with("$scheme")
    };
    let (status, target, path) = match (d.name.as_str(), d.args.as_slice()) {
        ("return", [code, target]) => {
            let status: u16 = code.parse().ok()?;
            matches!(status, 301 | 302 | 303 | 307 | 308).then_some(())?;
            (status, target.clone(), path.to_owned())
        }
        ("return", [target]) if absolute(target) => (302, target.clone(), path.to_owned()),
        ("rewrite", [pattern, target, rest @ ..]) => {
            let status = match rest.first().map(String::as_str) {
                Some("permanent") => 301,
                Some("redirect") => 302,
                _ if absolute(target) => 302,
                _ => return None,
            };
            let prefix = super::regex_prefix(pattern);
            let path = if prefix == "/" {
                path.to_owned()
            } else {
                prefix
            };
            (status, target.clone(), path)
        }
        _ => return None,
    };
    Some(Redirect {
        source: d.source.clone(),
        path,
        status,
        target,
    })
}

fn collect_locations(
    block: &[Directive],
    outer: &Inherited,
    out: &mut Vec<Location>,
) -> Result<(), ConfigError> {
    for d in block {
        let Some(inner) = &d.block else { continue };
        if d.name != "location" {
            continue;
        }
        let here = outer.apply(inner)?;
        let (modifier, path) = match d.args.as_slice() {
            [m, p] => (Some(m.clone()), p.clone()),
            [p] => (None, p.clone()),
            _ => {
                return Err(ConfigError::syntax(
                    &d.source,
                    "location takes a path, optionally after a modifier (=, ~, ~*, ^~)",
                ));
            }
        };
        let proxy_pass = inner
            .iter()
            .rev()
            .find(|p| p.name == "proxy_pass")
            .map(|p| located(p, p.args.first().cloned().unwrap_or_default()));
        out.push(Location {
            source: d.source.clone(),
            modifier,
            path,
            proxy_pass,
            http_version: here.http_version.clone(),
            headers: here.headers.clone(),
            read_timeout: here.read_timeout.clone(),
        });
        collect_locations(inner, &here, out)?;
    }
    Ok(())
}

/// `443`, `127.0.0.1:8443`, `[::]:443`, `*:80`, `wiki.example.test:443`, `127.0.0.1` (port 80).
fn split_listen(spec: &str) -> Option<(Option<String>, u16)> {
    if let Ok(port) = spec.parse::<u16>() {
        return Some((None, port));
    }
    if let Some(rest) = spec.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => 80,
            None => return None,
        };
        return Some((Some(addr.to_owned()), port));
    }
    match spec.rsplit_once(':') {
        Some((addr, port)) => {
            let port = port.parse().ok()?;
            let addr = (addr != "*").then(|| addr.to_owned());
            Some((addr, port))
        }
        None => Some((Some(spec.to_owned()), 80)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::loader::MemLoader;

    fn src() -> Source {
        Source::new(
            Path::new("/etc/nginx/nginx.conf"),
            Path::new("/etc/nginx"),
            1,
        )
    }

    #[test]
    fn the_tokenizer_handles_quotes_escapes_comments_and_variables() {
        let text = "a \"b c\" 'd\\'e' f\\;g ${h}x; # comment ; {\nblk { inner \"x\\\"y\"; }\n";
        let d = NginxConfig::parse(text, &src(), 0).unwrap();
        assert_eq!(d[0].name, "a");
        assert_eq!(d[0].args, ["b c", "d'e", "f\\;g", "${h}x"]);
        let blk = &d[1];
        assert_eq!(blk.source.line, 2);
        assert_eq!(blk.block.as_ref().unwrap()[0].args, ["x\"y"]);
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let e = NginxConfig::parse("http {\n  server {\n    listen 80\n  }\n}\n", &src(), 0)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "nginx.conf:4: unexpected \"}\": \"listen\" is not terminated by \";\""
        );
        let e = NginxConfig::parse("http {\n server { }\n", &src(), 0).unwrap_err();
        assert!(e.to_string().contains("expecting \"}\""), "{e}");
        let e = NginxConfig::parse("}\n", &src(), 0).unwrap_err();
        assert_eq!(e.to_string(), "nginx.conf:1: unexpected \"}\"");
        let e = NginxConfig::parse("a \"b\"c;\n", &src(), 0).unwrap_err();
        assert!(e.to_string().contains("after a quoted string"), "{e}");
        let e = NginxConfig::parse("a 'b;\n", &src(), 0).unwrap_err();
        assert!(e.to_string().contains("end of file"), "{e}");
    }

    #[test]
    fn includes_are_followed_with_globs_relative_to_the_config_dir() {
        let mem = MemLoader::new()
            .with(
                "/etc/nginx/nginx.conf",
                "http {\n  include conf.d/*.conf;\n}\n",
            )
            .with(
                "/etc/nginx/conf.d/a.conf",
                "server {\n  listen 443 ssl;\n  server_name Wiki.Example.test;\n  include snippets/ssl.conf;\n}\n",
            )
            .with(
                "/etc/nginx/snippets/ssl.conf",
                "ssl_certificate /etc/ssl/full.pem;\nssl_certificate_key /etc/ssl/key.pem;\n",
            );
        let c = load(&mem, Path::new("/etc/nginx/nginx.conf")).unwrap();
        assert_eq!(c.files.len(), 3);
        let s = &c.servers[0];
        assert_eq!(s.names, ["wiki.example.test"]);
        assert!(s.tls());
        let cert = s.ssl_certificate.as_ref().unwrap();
        assert_eq!(cert.value, "/etc/ssl/full.pem");
        assert_eq!(cert.source.to_string(), "snippets/ssl.conf:1");
        assert_eq!(s.subject(), "server wiki.example.test:443");
    }

    #[test]
    fn include_cycles_and_missing_files_are_refused() {
        let mem = MemLoader::new()
            .with("/n/nginx.conf", "include a.conf;\n")
            .with("/n/a.conf", "\ninclude nginx.conf;\n");
        let e = load(&mem, Path::new("/n/nginx.conf")).unwrap_err();
        assert!(e.to_string().contains("a.conf:2"), "{e}");
        assert!(e.to_string().contains("cycle"), "{e}");
        let mem = MemLoader::new().with("/n/nginx.conf", "include missing.conf;\n");
        let e = load(&mem, Path::new("/n/nginx.conf")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("nginx.conf:1: cannot read /n/missing.conf"),
            "{e}"
        );
        let mem = MemLoader::new().with("/n/nginx.conf", "include none/*.conf;\n");
        assert!(directive::read_config::<NginxConfig>(&mem, Path::new("/n/nginx.conf")).is_ok());
        // With no server at all, there is nothing to check: refused, saying so.
        let e = load(&mem, Path::new("/n/nginx.conf")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/n/nginx.conf: no `server { … }` block in it: nothing to check (are the sites included?)"
        );
    }

    #[test]
    fn redirects_are_read_from_servers_and_locations() {
        let text = "http {\n server {\n  listen 127.0.0.1:8080;\n  server_name wiki.test;\n  return 301 https://$host:8443$request_uri;\n }\n server {\n  listen 8443 ssl;\n  location /synchrony/ { return 302 https://login.test/login; }\n  location / { rewrite ^/old/(.*)$ /new/$1 permanent; return 200 'ok'; }\n  location ~ ^/x/ { rewrite ^ https://other.test/; }\n }\n}\n";
        let mem = MemLoader::new().with("/n/nginx.conf", text);
        let c = load(&mem, Path::new("/n/nginx.conf")).unwrap();
        let r = &c.servers[0].redirects;
        assert_eq!(
            (r[0].path.as_str(), r[0].status, r[0].target.as_str()),
            ("/", 301, "https://$host:8443$request_uri")
        );
        let r: Vec<(&str, u16, &str)> = c.servers[1]
            .redirects
            .iter()
            .map(|r| (r.path.as_str(), r.status, r.target.as_str()))
            .collect();
        assert_eq!(
            r,
            [
                ("/synchrony/", 302, "https://login.test/login"),
                ("/old/", 301, "/new/$1"),
                ("/x/", 302, "https://other.test/"),
            ]
        );
    }

    #[test]
    fn includes_nest_only_so_deep() {
        let mut mem = MemLoader::new();
        for i in 0..40 {
            mem = mem.with(
                format!("/n/f{i}.conf"),
                format!("include f{}.conf;\n", i + 1),
            );
        }
        let mem = mem.with("/n/f40.conf", "");
        let e = load(&mem, Path::new("/n/f0.conf")).unwrap_err();
        assert!(
            e.to_string()
                .contains("includes nest deeper than 16 levels"),
            "{e}"
        );
        assert!(directive::read_config::<NginxConfig>(&mem, Path::new("/n/f30.conf")).is_ok());
    }

    #[test]
    fn proxy_set_header_is_inherited_only_by_levels_without_their_own() {
        let text = "http {\n proxy_http_version 1.1;\n proxy_read_timeout 30s;\n server {\n  listen 127.0.0.1:8080;\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection \"upgrade\";\n  location /a/ { proxy_pass http://up; }\n  location /b/ { proxy_set_header Host $host; proxy_read_timeout 1h; }\n }\n}\n";
        let mem = MemLoader::new().with("/n/nginx.conf", text);
        let c = load(&mem, Path::new("/n/nginx.conf")).unwrap();
        let s = &c.servers[0];
        assert_eq!(s.listens[0].address.as_deref(), Some("127.0.0.1"));
        assert_eq!(s.listens[0].port, 8080);
        let a = &s.locations[0];
        assert!(a.header("upgrade").is_some() && a.header("connection").is_some());
        assert_eq!(a.http_version.as_ref().unwrap().value, "1.1");
        assert_eq!(a.read_timeout.as_ref().unwrap().value, 30);
        let b = &s.locations[1];
        assert!(b.header("Upgrade").is_none());
        assert_eq!(b.read_timeout.as_ref().unwrap().value, 3600);
    }

    #[test]
    fn durations_and_listens_parse_as_nginx_reads_them() {
        assert_eq!(parse_duration("86400s"), Some(86400));
        assert_eq!(parse_duration("1m30s"), Some(90));
        assert_eq!(parse_duration("500ms"), Some(0));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(split_listen("[::]:443"), Some((Some("::".into()), 443)));
        assert_eq!(split_listen("*:80"), Some((None, 80)));
        assert_eq!(
            split_listen("wiki.example.test:443"),
            Some((Some("wiki.example.test".into()), 443))
        );
    }
}
