//! The README's worked examples held against real runs: the console block that follows a given
//! `$ trustpath …` line is read from README.md, and each of its finding and fix lines must be a line of
//! the real output, `…` in the README standing for text left out there. The caller maps the run's own
//! names and ports onto the README's first (`normalize`).

use std::path::Path;

/// The finding (`error`/`warning`/`info` CODE: …) and `fix:` lines of the console block in which a line
/// starts with `command`, trimmed. Panics when there is no such block, or it shows no finding.
pub fn lines(command: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let all: Vec<&str> = text.lines().collect();
    let start = all
        .iter()
        .position(|l| l.starts_with(command))
        .unwrap_or_else(|| panic!("README.md has no line starting with {command:?}"));
    let out: Vec<String> = all[start + 1..]
        .iter()
        .take_while(|l| !l.starts_with("```"))
        .map(|l| l.trim())
        .filter(|l| {
            ["error ", "warning ", "info ", "fix: "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(str::to_owned)
        .collect();
    assert!(
        !out.is_empty(),
        "the README example of {command:?} shows no finding"
    );
    out
}

/// Asserts that every line of the README example after `command` is a line of `output` (trimmed),
/// with `…` matching any text.
pub fn assert_shown(command: &str, output: &str) {
    let got: Vec<&str> = output.lines().map(str::trim).collect();
    for want in lines(command) {
        assert!(
            got.iter().any(|g| matches(&want, g)),
            "the README example of {command:?} shows\n  {want}\nwhich the run does not print:\n{output}"
        );
    }
}

/// Whether `line` is `pattern` with each `…` standing for any text (the README shortens long fixes so).
pub fn matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let mut rest = match line.strip_prefix(parts[0]) {
        Some(r) => r,
        None => return false,
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn an_ellipsis_stands_for_any_text_and_nothing_else_does() {
    assert!(matches("fix: a (…) b …", "fix: a (x y) b z"));
    assert!(matches("fix: a", "fix: a"));
    assert!(!matches("fix: a …", "fix: b z"));
    assert!(!matches("fix: a … c", "fix: a b"));
}
