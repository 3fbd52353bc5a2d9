//! The app's JVM settings from its start script: Tomcat's `bin/setenv.sh` (and the plain `set VAR=…`
//! form of `setenv.bat`), where Confluence and Jira put `-Djavax.net.ssl.trustStore…`,
//! `-Dsynchrony.service.url`, `-Dhttps.proxyHost` and the like, plus the JRE the install bundles
//! (`jre/` beside `bin/` and `conf/`) and any `JRE_HOME`/`JAVA_HOME` the script (or Atlassian's
//! `bin/setjre.sh`) sets.
//!
//! The script is not run: its assignments are read as a shell would expand them, in order, for the
//! variables that reach the JVM's command line (`JAVA_OPTS`, then `CATALINA_OPTS`, as `catalina.sh`
//! passes them), with every variable they reference (`JVM_SUPPORT_RECOMMENDED_ARGS`, …) expanded where
//! it is referenced, so a property added before `${CATALINA_OPTS}` and one appended after it come out in
//! the JVM's order and the last `-D` of a name wins, as it does in the JVM. Commented-out lines count for
//! nothing. `$CATALINA_HOME`/`$CATALINA_BASE` are the install; another variable in a value is kept as
//! written and marked unresolved. Pure over a [`Loader`]; bounded (the file by the loader's limit, each
//! variable's expansion by [`MAX_WORDS`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::loader::{Loader, Source};

/// Most words one variable may expand to (a script that doubles a variable on every line would
/// otherwise grow without bound).
pub const MAX_WORDS: usize = 4096;

/// The variables `catalina.sh` puts on the JVM's command line, in its order.
const COMMAND_LINE: &[&str] = &["JAVA_OPTS", "CATALINA_OPTS"];

/// A `-Dname=value` on the JVM's command line, with the line that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The property name (`javax.net.ssl.trustStore`).
    pub name: String,
    /// The value, `$CATALINA_HOME`/`$CATALINA_BASE` replaced by the install.
    pub value: String,
    /// Whether the value still holds a variable the script does not set (kept as written).
    pub unresolved: bool,
    /// Where it was written.
    pub source: Source,
}

/// What trustpath reads of the app's JVM settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JvmSettings {
    /// The script read (`INSTALL/bin/setenv.sh`), when there was one.
    pub script: Option<PathBuf>,
    /// The properties on the JVM's command line, in its order (the last of a name wins).
    pub properties: Vec<Property>,
    /// `JRE_HOME` (else `JAVA_HOME`) as the script sets it, when it does.
    pub java_home: Option<(String, Source)>,
    /// The JRE the install bundles (`INSTALL/jre`), when it holds a JRE.
    pub bundled_jre: Option<PathBuf>,
    /// What could not be read or followed, said once each (`setenv.sh:12: …`).
    pub notes: Vec<String>,
}

impl JvmSettings {
    /// The value the JVM sees for `name` (the last `-D` of that name).
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.properties.iter().rev().find(|p| p.name == name)
    }

    /// The properties whose name starts with `prefix` (`synchrony.`), each name once, its effective value.
    pub fn with_prefix(&self, prefix: &str) -> Vec<&Property> {
        let mut out: Vec<&Property> = Vec::new();
        for p in self
            .properties
            .iter()
            .filter(|p| p.name.starts_with(prefix))
        {
            if !out.iter().any(|q| q.name == p.name) {
                out.extend(self.get(&p.name));
            }
        }
        out
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.java_home.is_none() && self.bundled_jre.is_none()
    }
}

/// Reads the JVM settings of the Tomcat installed at `install` (the parent of `conf/server.xml`'s
/// directory): `bin/setenv.sh`, else `bin/setenv.bat`, and the bundled `jre/`. A missing script is no
/// error (Tomcat runs without one); an unreadable one is a note.
pub fn load(loader: &dyn Loader, install: &Path) -> JvmSettings {
    let mut settings = JvmSettings::default();
    for (name, form) in [("setenv.sh", Form::Shell), ("setenv.bat", Form::Batch)] {
        let path = install.join("bin").join(name);
        match loader.read(&path) {
            Ok(text) => {
                parse_into(&mut settings, &text, &path, install, form);
                settings.script = Some(path);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                settings
                    .notes
                    .push(format!("cannot read {}: {e}", path.display()));
                break;
            }
        }
    }
    // Atlassian's installs set JRE_HOME in bin/setjre.sh, which their catalina.sh reads first.
    if settings.java_home.is_none() {
        let path = install.join("bin").join("setjre.sh");
        if let Ok(text) = loader.read(&path) {
            let mut jre = JvmSettings::default();
            parse_into(&mut jre, &text, &path, install, Form::Shell);
            settings.java_home = jre.java_home;
        }
    }
    let jre = install.join("jre");
    // A JRE holds a `release` file, or `bin/` and `lib/` (older ones have no `release`).
    let holds_jre = loader.read_bytes(&jre.join("release"), 64 * 1024).is_ok()
        || (loader.is_dir(&jre.join("bin")) && loader.is_dir(&jre.join("lib")));
    if holds_jre {
        settings.bundled_jre = Some(jre);
    }
    settings
}

/// The two script forms read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `setenv.sh`: `VAR="…"`, `export VAR="…"`, `#` comments, `${VAR}`/`$VAR`.
    Shell,
    /// `setenv.bat`: `set VAR=…` / `set "VAR=…"`, `rem`/`::` comments, `%VAR%`.
    Batch,
}

/// A word of an assignment: a `-D` property, a reference to another variable, or anything else.
#[derive(Debug, Clone)]
enum Word {
    Property(Property),
    Other,
}

/// Parses a script's text (read from `path`, of the Tomcat installed at `install`).
pub fn parse(text: &str, path: &Path, install: &Path, form: Form) -> JvmSettings {
    let mut settings = JvmSettings::default();
    parse_into(&mut settings, text, path, install, form);
    settings.script = Some(path.to_path_buf());
    settings
}

fn parse_into(settings: &mut JvmSettings, text: &str, path: &Path, install: &Path, form: Form) {
    let root = install;
    let home = install.display().to_string();
    // Each variable's words as expanded so far, and the scalar values of simple assignments.
    let mut lists: BTreeMap<String, Vec<Word>> = BTreeMap::new();
    let mut scalars: BTreeMap<String, String> = BTreeMap::new();
    let mut jre_home_set = false;
    scalars.insert("CATALINA_HOME".into(), home.clone());
    scalars.insert("CATALINA_BASE".into(), home.clone());
    for (index, line) in text.lines().enumerate() {
        let source = Source::new(path, root, index + 1);
        for (var, value) in assignments(line, form) {
            let mut words: Vec<Word> = Vec::new();
            for token in value.split_whitespace() {
                if let Some(name) = reference(token, form) {
                    if let Some(list) = lists.get(name) {
                        words.extend(list.iter().cloned());
                    }
                    continue;
                }
                let Some(rest) = token.strip_prefix("-D") else {
                    words.push(Word::Other);
                    continue;
                };
                let (name, raw) = rest.split_once('=').unwrap_or((rest, ""));
                if name.is_empty() {
                    continue;
                }
                let (value, unresolved) = expand(raw, &scalars, form);
                words.push(Word::Property(Property {
                    name: name.to_owned(),
                    value,
                    unresolved,
                    source: source.clone(),
                }));
            }
            if words.len() > MAX_WORDS {
                words.truncate(MAX_WORDS);
                settings.notes.push(format!(
                    "{source}: {var} expands to more than {MAX_WORDS} words; only the first were read"
                ));
            }
            if matches!(var.as_str(), "JRE_HOME" | "JAVA_HOME") {
                let (v, unresolved) = expand(value.trim(), &scalars, form);
                // catalina.sh runs JRE_HOME's java when it is set, else JAVA_HOME's.
                if !v.is_empty() && !unresolved && (var == "JRE_HOME" || !jre_home_set) {
                    settings.java_home = Some((v, source.clone()));
                    jre_home_set |= var == "JRE_HOME";
                }
            }
            if !value.contains(char::is_whitespace) {
                let (v, _) = expand(value.trim(), &scalars, form);
                scalars.insert(var.clone(), v);
            }
            lists.insert(var, words);
        }
    }
    for var in COMMAND_LINE {
        for w in lists.get(*var).into_iter().flatten() {
            if let Word::Property(p) = w {
                settings.properties.push(p.clone());
            }
        }
    }
}

/// The variable a whole word references (`${CATALINA_OPTS}`, `$CATALINA_OPTS`, `%CATALINA_OPTS%`).
fn reference(token: &str, form: Form) -> Option<&str> {
    let name = match form {
        Form::Shell => token
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .or_else(|| token.strip_prefix('$')),
        Form::Batch => token.strip_prefix('%').and_then(|t| t.strip_suffix('%')),
    }?;
    is_name(name).then_some(name)
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// A value with the script's simple variables replaced; `true` when a variable it does not know is left.
fn expand(raw: &str, scalars: &BTreeMap<String, String>, form: Form) -> (String, bool) {
    let mut out = String::new();
    let mut unresolved = false;
    let mut rest = raw;
    loop {
        let found = match form {
            Form::Shell => rest.find('$'),
            Form::Batch => rest.find('%'),
        };
        let Some(at) = found else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match form {
            Form::Shell if after.starts_with('{') => match after.find('}') {
                Some(end) => (&after[1..end], end + 1),
                None => ("", 0),
            },
            Form::Shell => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
            Form::Batch => match after.find('%') {
                Some(end) => (&after[..end], end + 1),
                None => ("", 0),
            },
        };
        match scalars.get(name).filter(|_| is_name(name)) {
            Some(v) => out.push_str(v),
            None => {
                unresolved = true;
                out.push_str(&rest[at..at + 1 + len]);
            }
        }
        rest = &after[len..];
        if len == 0 {
            out.push_str(rest);
            break;
        }
    }
    (out, unresolved)
}

/// The assignments on one line, `(VAR, value)` with the value's quotes removed; comments and lines that
/// are not assignments give none.
fn assignments(line: &str, form: Form) -> Vec<(String, String)> {
    match form {
        Form::Shell => shell_assignments(line),
        Form::Batch => batch_assignment(line).into_iter().collect(),
    }
}

/// `VAR=…`, `export VAR=…`, several per line separated by `;`; a `#` outside quotes starts a comment.
fn shell_assignments(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Split into commands at unquoted `;`, stopping at an unquoted `#` that starts a word.
    let mut commands: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in line.chars() {
        match (quote, c) {
            (None, '#') if previous.is_whitespace() || previous == ';' => break,
            (None, ';') => commands.push(std::mem::take(&mut current)),
            (None, '"' | '\'') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(q), _) if c == q => {
                quote = None;
                current.push(c);
            }
            _ => current.push(c),
        }
        previous = c;
    }
    commands.push(current);
    for command in commands {
        let mut text = command.trim();
        if let Some(rest) = text.strip_prefix("export ") {
            text = rest.trim_start();
        }
        let Some((var, value)) = text.split_once('=') else {
            continue;
        };
        if !is_name(var) {
            continue;
        }
        out.push((var.to_owned(), unquote(value.trim())));
    }
    out
}

/// `set VAR=…` or `set "VAR=…"`; `rem` and `::` lines are comments.
fn batch_assignment(line: &str) -> Option<(String, String)> {
    let text = line.trim().trim_start_matches('@');
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("rem") && !lower[3..].starts_with(|c: char| c.is_alphanumeric())
        || text.starts_with("::")
    {
        return None;
    }
    if !lower.starts_with("set ") {
        return None;
    }
    let rest = text[4..].trim();
    let rest = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(rest);
    let (var, value) = rest.split_once('=')?;
    is_name(var.trim()).then(|| (var.trim().to_owned(), value.trim().to_owned()))
}

/// The value of a shell word with its quotes removed (`"a b"` → `a b`, `'x'` → `x`).
fn unquote(value: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in value.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::loader::MemLoader;

    fn sh(text: &str) -> JvmSettings {
        parse(
            text,
            Path::new("/opt/atlassian/confluence/bin/setenv.sh"),
            Path::new("/opt/atlassian/confluence"),
            Form::Shell,
        )
    }

    fn value<'a>(s: &'a JvmSettings, name: &str) -> Option<(&'a str, String)> {
        s.get(name)
            .map(|p| (p.value.as_str(), p.source.to_string()))
    }

    #[test]
    fn properties_prepended_and_appended_come_out_in_the_jvms_order_and_the_last_wins() {
        let s = sh(concat!(
            "CATALINA_OPTS=\"-Djavax.net.ssl.trustStore=/first.jks ${CATALINA_OPTS}\"\n",
            "CATALINA_OPTS=\"-Djavax.net.ssl.trustStore=/second.jks ${CATALINA_OPTS}\"\n",
            "CATALINA_OPTS=\"${CATALINA_OPTS} -Dsynchrony.service.url=http://127.0.0.1:8091/synchrony\"\n",
            "export CATALINA_OPTS\n",
        ));
        // Prepending puts the second line first on the command line: the first line's value wins.
        assert_eq!(
            value(&s, "javax.net.ssl.trustStore"),
            Some(("/first.jks", "bin/setenv.sh:1".to_owned()))
        );
        assert_eq!(
            value(&s, "synchrony.service.url").map(|v| v.0),
            Some("http://127.0.0.1:8091/synchrony")
        );
    }

    #[test]
    fn a_variable_counts_where_it_is_referenced_and_only_then() {
        let s = sh(concat!(
            "JVM_SUPPORT_RECOMMENDED_ARGS=\"-Dhttps.proxyHost=proxy.corp -Dhttps.proxyPort=3128\"\n",
            "JAVA_OPTS=\"-Xms1g ${JAVA_OPTS} ${JVM_SUPPORT_RECOMMENDED_ARGS}\"\n",
            "UNUSED=\"-Dnever.seen=1\"\n",
            "# CATALINA_OPTS=\"-Djavax.net.ssl.trustStore=/commented.jks\"\n",
        ));
        assert_eq!(
            value(&s, "https.proxyHost").map(|v| v.0),
            Some("proxy.corp")
        );
        assert_eq!(
            value(&s, "https.proxyPort").map(|v| v.1),
            Some("bin/setenv.sh:1".to_owned())
        );
        assert!(s.get("never.seen").is_none());
        assert!(s.get("javax.net.ssl.trustStore").is_none());
    }

    #[test]
    fn catalina_home_is_the_install_and_other_variables_stay_unresolved() {
        let s = sh(concat!(
            "TS=/etc/pki/app.jks\n",
            "CATALINA_OPTS=\"-Djavax.net.ssl.trustStore=${CATALINA_HOME}/conf/ts.jks -Da.b=$TS -Dc.d=$NOWHERE/x\"\n",
        ));
        let ts = s.get("javax.net.ssl.trustStore").unwrap();
        assert_eq!(ts.value, "/opt/atlassian/confluence/conf/ts.jks");
        assert!(!ts.unresolved);
        assert_eq!(s.get("a.b").unwrap().value, "/etc/pki/app.jks");
        let c = s.get("c.d").unwrap();
        assert_eq!((c.value.as_str(), c.unresolved), ("$NOWHERE/x", true));
    }

    #[test]
    fn jre_home_with_export_on_one_line_is_the_java_home() {
        let s = sh("JRE_HOME=\"/opt/atlassian/confluence/jre/\"; export JRE_HOME\n");
        assert_eq!(
            s.java_home
                .as_ref()
                .map(|(v, at)| (v.as_str(), at.to_string())),
            Some((
                "/opt/atlassian/confluence/jre/",
                "bin/setenv.sh:1".to_owned()
            ))
        );
    }

    #[test]
    fn a_variable_doubled_on_every_line_is_bounded() {
        let mut text = String::from("CATALINA_OPTS=\"-Da=1 -Db=2\"\n");
        for _ in 0..40 {
            text.push_str("CATALINA_OPTS=\"$CATALINA_OPTS $CATALINA_OPTS\"\n");
        }
        let s = sh(&text);
        assert!(s.properties.len() <= MAX_WORDS);
        assert!(s.notes.iter().any(|n| n.contains("more than 4096 words")));
    }

    #[test]
    fn the_batch_form_sets_and_references_with_percent_signs() {
        let s = parse(
            concat!(
                "rem set CATALINA_OPTS=-Dignored=1\r\n",
                "set \"CATALINA_OPTS=%CATALINA_OPTS% -Djavax.net.ssl.trustStore=%CATALINA_HOME%\\conf\\ts.jks\"\r\n",
                "set CATALINA_OPTS=%CATALINA_OPTS% -Dhttps.proxyHost=proxy.corp\r\n",
            ),
            Path::new("C:/confluence/bin/setenv.bat"),
            Path::new("C:/confluence"),
            Form::Batch,
        );
        assert!(s.get("ignored").is_none());
        assert_eq!(
            s.get("javax.net.ssl.trustStore").map(|p| p.value.as_str()),
            Some("C:/confluence\\conf\\ts.jks")
        );
        assert_eq!(
            s.get("https.proxyHost").map(|p| p.source.to_string()),
            Some("bin/setenv.bat:3".to_owned())
        );
    }

    #[test]
    fn the_script_and_the_bundled_jre_are_found_beside_conf() {
        let mem = MemLoader::new()
            .with(
                "/opt/c/bin/setenv.sh",
                "CATALINA_OPTS=\"-Dsynchrony.service.url=http://n:8091/synchrony\"\n",
            )
            .with("/opt/c/jre/release", "JAVA_VERSION=\"17.0.9\"\n");
        let s = load(&mem, Path::new("/opt/c"));
        assert_eq!(s.script.as_deref(), Some(Path::new("/opt/c/bin/setenv.sh")));
        assert_eq!(s.bundled_jre.as_deref(), Some(Path::new("/opt/c/jre")));
        assert_eq!(s.with_prefix("synchrony.").len(), 1);
        let setjre = MemLoader::new().with(
            "/opt/c/bin/setjre.sh",
            "JRE_HOME=\"/opt/c/jre/\"; export JRE_HOME\n",
        );
        assert_eq!(
            load(&setjre, Path::new("/opt/c"))
                .java_home
                .map(|(h, at)| (h, at.to_string())),
            Some(("/opt/c/jre/".to_owned(), "bin/setjre.sh:1".to_owned()))
        );
        let none = load(&MemLoader::new(), Path::new("/opt/c"));
        assert!(none.is_empty() && none.notes.is_empty());
    }
}
