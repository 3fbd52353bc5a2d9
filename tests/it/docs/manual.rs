//! `trustpath completions` and `trustpath man`: bash sources the completion script and completes
//! subcommands, options and `--format` values with it; `man -l` renders every page without a warning.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use clap::CommandFactory;
use trustpath::cli::Cli;

use crate::support::{have_tool, run_ok};

fn trustpath() -> Command {
    Command::cargo_bin("trustpath").unwrap()
}

/// What bash completes for `line` (the words typed, the last one being completed), with the script
/// `trustpath completions bash` printed, sourced as a user would.
fn bash_complete(script: &Path, line: &[&str]) -> Vec<String> {
    let words = line
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let program = format!(
        r#"source '{script}'
function_name=$(complete -p trustpath | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$function_name" ] || {{ echo "no completion function registered for trustpath" >&2; exit 3; }}
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
"$function_name" trustpath "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display()
    );
    let out = run_ok(Command::new("bash").args(["--norc", "--noprofile", "-c", &program]));
    out.lines().map(|l| l.trim().to_owned()).collect()
}

#[test]
fn bash_sources_the_completion_script_and_completes_subcommands_options_and_formats() {
    if !have_tool("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("trustpath.bash");
    let out = trustpath().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    std::fs::write(&script, &out.stdout).unwrap();

    assert_eq!(bash_complete(&script, &["trustpath", "pro"]), ["probe"]);
    let mut store = bash_complete(&script, &["trustpath", "store", "l"]);
    store.sort();
    assert_eq!(store, ["list", "locate"]);
    assert_eq!(
        bash_complete(&script, &["trustpath", "check", "--form"]),
        ["--format"]
    );
    assert_eq!(
        bash_complete(&script, &["trustpath", "probe", "--format", ""]),
        ["human", "json", "junit", "openmetrics"]
    );
    assert_eq!(
        bash_complete(&script, &["trustpath", "completions", "f"]),
        ["fish"]
    );
}

#[test]
fn every_shell_gets_a_completion_script_naming_the_subcommands() {
    for (shell, marker) in [
        ("bash", "complete -F _trustpath"),
        ("zsh", "#compdef trustpath"),
        ("fish", "complete -c trustpath"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[trustpath]"),
    ] {
        let out = trustpath().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        assert!(
            script.contains("probe") && script.contains("format"),
            "{shell}"
        );
    }
    let out = trustpath().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `man -l FILE` as text, with groff's warnings on; panics on a warning.
fn render(file: &Path) -> String {
    let out = Command::new("man")
        .args(["--warnings", "-P", "cat", "-l"])
        .arg(file)
        .env("MANWIDTH", "100")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "man -l {} ({}): {stderr}",
        file.display(),
        out.status
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn man_renders_the_page_of_trustpath_and_of_a_subcommand() {
    if !have_tool("man") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("trustpath.1");
    let out = trustpath().arg("man").output().unwrap();
    assert!(out.status.success());
    std::fs::write(&page, &out.stdout).unwrap();
    let text = render(&page);
    for expected in [
        "NAME",
        "trustpath - TLS trust",
        "SUBCOMMANDS",
        "trustpath-probe(1)",
        "EXAMPLES",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }

    let page = dir.path().join("trustpath-store-list.1");
    let out = trustpath().args(["man", "store", "list"]).output().unwrap();
    assert!(out.status.success());
    std::fs::write(&page, &out.stdout).unwrap();
    let text = render(&page);
    for expected in [
        "trustpath-store-list",
        "--format",
        "openmetrics",
        "$ trustpath store list --cacerts",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }

    let out = trustpath()
        .args(["man", "store", "lisst"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no subcommand 'lisst'") && err.contains("list"),
        "{err}"
    );
}

#[test]
fn man_dir_writes_one_page_per_command_that_man_renders_without_warnings() {
    if !have_tool("man") {
        return;
    }
    fn expected(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        let name = if prefix.is_empty() {
            cmd.get_name().to_owned()
        } else {
            format!("{prefix}-{}", cmd.get_name())
        };
        out.push(format!("{name}.1"));
        for sub in cmd.get_subcommands() {
            expected(sub, &name, out);
        }
    }
    let mut want = Vec::new();
    expected(&Cli::command(), "", &mut want);
    want.sort();

    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share/man/man1");
    let out = trustpath()
        .arg("man")
        .arg("--dir")
        .arg(&man1)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got: Vec<String> = std::fs::read_dir(&man1)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    got.sort();
    assert_eq!(got, want);
    assert!(got.len() > 20, "{got:?}");
    for file in &got {
        let text = render(&man1.join(file));
        assert!(
            text.contains("NAME") && text.contains("SYNOPSIS"),
            "{file}:\n{text}"
        );
    }
    // `man` finds them by name through MANPATH.
    let text = run_ok(
        Command::new("man")
            .args(["-P", "cat", "trustpath-check"])
            .env("MANPATH", dir.path().join("share/man"))
            .env("MANWIDTH", "100"),
    );
    assert!(text.contains("trustpath-check"), "{text}");
}
