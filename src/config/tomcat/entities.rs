//! A bound on what a `server.xml`'s DTD can make the XML parser build, checked before it parses: the
//! internal entities (`<!ENTITY name "value">`) are expanded where they are referenced, so 20,000
//! references to a 100 KiB entity would make a 2 GiB document out of a 2 MiB file. The check is
//! conservative (a declaration or reference inside a comment counts too; a name declared twice counts with
//! its larger value): it adds up what every reference expands to, nested references included, and refuses
//! the document when that exceeds [`super::MAX_EXPANDED`] bytes or [`super::MAX_EXPANSIONS`] references.
//! Nothing here recurses deeper than [`MAX_DEPTH`].

use std::collections::HashMap;

use super::{MAX_EXPANDED, MAX_EXPANSIONS};

/// Deepest chain of entities referring to entities followed (the XML parser itself stops at 10).
const MAX_DEPTH: usize = 32;

/// Most entity declarations read.
const MAX_DECLARATIONS: usize = 10_000;

/// What one entity expands to.
#[derive(Debug, Clone, Copy, Default)]
struct Expansion {
    /// Bytes, once every reference inside it is expanded.
    bytes: u64,
    /// References expanded, itself included.
    references: u64,
}

/// Refuses a document whose internal entities would expand past the limits, saying which entity and how.
pub fn check(text: &str) -> Result<(), String> {
    if !text.contains("<!ENTITY") {
        return Ok(());
    }
    let declared = declarations(text)?;
    let mut memo: HashMap<&str, Expansion> = HashMap::new();
    let mut total = Expansion {
        bytes: text.len() as u64,
        references: 0,
    };
    let mut worst: Option<(&str, u64)> = None;
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for name in references(text) {
        if declared.contains_key(name) {
            *counts.entry(name).or_default() += 1;
        }
    }
    for (name, n) in counts {
        let e = expand(name, &declared, &mut memo, &mut Vec::new())?;
        let growth = e.bytes.saturating_mul(n);
        total.bytes = total.bytes.saturating_add(growth);
        total.references = total
            .references
            .saturating_add(e.references.saturating_mul(n));
        if worst.is_none_or(|(_, w)| growth > w) {
            worst = Some((name, growth));
        }
    }
    let (name, _) = worst.unwrap_or(("?", 0));
    if total.bytes > MAX_EXPANDED {
        return Err(format!(
            "its internal entities would expand it to more than {MAX_EXPANDED} bytes (most of it from \
             '&{name};'); trustpath refuses such an entity bomb"
        ));
    }
    if total.references > MAX_EXPANSIONS {
        return Err(format!(
            "its internal entities would need more than {MAX_EXPANSIONS} expansions (most of them from \
             '&{name};'), the JDK's XML parser's own limit; trustpath refuses such an entity bomb"
        ));
    }
    Ok(())
}

/// The value of every `<!ENTITY name "value">` (general or parameter); a name declared more than once
/// keeps its longest value. External entities (`SYSTEM`, `PUBLIC`) are not read, so they expand to
/// nothing.
fn declarations(text: &str) -> Result<HashMap<&str, &str>, String> {
    let mut out: HashMap<&str, &str> = HashMap::new();
    let mut rest = text;
    let mut n = 0usize;
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + "<!ENTITY".len()..];
        n += 1;
        if n > MAX_DECLARATIONS {
            return Err(format!("it declares more than {MAX_DECLARATIONS} entities"));
        }
        let mut s = rest.trim_start();
        if let Some(after) = s.strip_prefix('%') {
            s = after.trim_start();
        }
        let name_len = s
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '>')
            .unwrap_or(s.len());
        let name = &s[..name_len];
        let s = s[name_len..].trim_start();
        let Some(quote) = s.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &s[1..];
        let Some(end) = body.find(quote) else {
            continue;
        };
        let value = &body[..end];
        if name.is_empty() {
            continue;
        }
        let slot = out.entry(name).or_insert(value);
        if value.len() > slot.len() {
            *slot = value;
        }
    }
    Ok(out)
}

/// The names of the `&name;` references in `text` (character references `&#…;` excluded).
fn references(text: &str) -> impl Iterator<Item = &str> {
    text.split('&').skip(1).filter_map(|after| {
        let end = after.find(';')?;
        let name = &after[..end];
        let plausible = !name.is_empty()
            && !name.starts_with('#')
            && name.len() <= 256
            && !name.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
        plausible.then_some(name)
    })
}

/// What entity `name` expands to; `stack` holds the entities being expanded (a loop is refused).
fn expand<'a>(
    name: &'a str,
    declared: &HashMap<&'a str, &'a str>,
    memo: &mut HashMap<&'a str, Expansion>,
    stack: &mut Vec<&'a str>,
) -> Result<Expansion, String> {
    if let Some(e) = memo.get(name) {
        return Ok(*e);
    }
    if stack.contains(&name) {
        return Err(format!("entity '{name}' refers to itself"));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(format!(
            "its entities refer to entities more than {MAX_DEPTH} levels deep"
        ));
    }
    let Some(value) = declared.get(name) else {
        return Ok(Expansion::default());
    };
    stack.push(name);
    let mut e = Expansion {
        bytes: value.len() as u64,
        references: 1,
    };
    for inner in references(value) {
        if declared.contains_key(inner) {
            let x = expand(inner, declared, memo, stack)?;
            e.bytes = e.bytes.saturating_add(x.bytes);
            e.references = e.references.saturating_add(x.references);
        }
    }
    stack.pop();
    memo.insert(name, e);
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(dtd: &str, body: &str) -> String {
        format!("<?xml version=\"1.0\"?>\n<!DOCTYPE Server [\n{dtd}\n]>\n<Server>{body}</Server>\n")
    }

    #[test]
    fn modest_entities_pass() {
        let text = doc(
            "<!ENTITY port \"8443\">\n<!ENTITY ext SYSTEM \"connectors.xml\">",
            "<Connector port=\"&port;\"/>&amp;&#65;",
        );
        assert_eq!(check(&text), Ok(()));
        assert_eq!(check("<Server/>"), Ok(()));
    }

    #[test]
    fn an_entity_referenced_twenty_thousand_times_is_refused() {
        let big = "x".repeat(100_000);
        let body = "&big;".repeat(20_000);
        let e = check(&doc(&format!("<!ENTITY big \"{big}\">"), &body)).unwrap_err();
        assert!(
            e.contains("more than 16777216 bytes") && e.contains("'&big;'"),
            "{e}"
        );
    }

    #[test]
    fn billion_laughs_and_loops_are_refused() {
        let mut dtd = String::from("<!ENTITY lol0 \"lol\">\n");
        for i in 1..10 {
            dtd.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">\n",
                format!("&lol{};", i - 1).repeat(10)
            ));
        }
        let e = check(&doc(&dtd, "&lol9;")).unwrap_err();
        assert!(e.contains("entity bomb"), "{e}");
        let e = check(&doc("<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">", "&a;")).unwrap_err();
        assert!(e.contains("refers to itself"), "{e}");
    }

    #[test]
    fn a_long_chain_of_entities_is_refused_without_deep_recursion() {
        let mut dtd = String::from("<!ENTITY e0 \"x\">\n");
        for i in 1..5000 {
            dtd.push_str(&format!("<!ENTITY e{i} \"&e{};\">\n", i - 1));
        }
        let e = check(&doc(&dtd, "&e4999;")).unwrap_err();
        assert!(e.contains("levels deep"), "{e}");
    }
}
