//! Every command's `--help` ends with two or three worked examples, and the exit code for bad usage is 2.

use clap::CommandFactory;
use trustpath::cli::Cli;

fn walk(cmd: &mut clap::Command, path: &str, failures: &mut Vec<String>) {
    let name = format!("{path} {}", cmd.get_name()).trim().to_owned();
    let help = cmd.render_long_help().to_string();
    let tail = help.rsplit("Examples:").next().unwrap_or("");
    let examples = tail
        .lines()
        .filter(|l| l.trim_start().starts_with("$ "))
        .count();
    if !help.contains("Examples:") || !(2..=4).contains(&examples) {
        failures.push(format!(
            "`{name} --help` has {examples} worked examples at its end"
        ));
    }
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() != "help" {
            walk(sub, &name, failures);
        }
    }
}

#[test]
fn every_subcommand_help_ends_with_worked_examples() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut failures = Vec::new();
    walk(&mut cmd, "", &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_unknown_subcommand_exits_2() {
    let out = assert_cmd::Command::cargo_bin("trustpath")
        .unwrap()
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
