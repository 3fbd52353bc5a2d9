//! The README documents every finding code trustpath emits: the codes are every variant of
//! `finding::Code` (`Code::all`), looked up in the README's tables as `` `code` ``.

use trustpath::finding::Code;

#[test]
fn every_finding_code_is_documented_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let codes: Vec<&str> = Code::all().map(Code::name).collect();
    assert!(codes.len() > 40, "{codes:?}");
    let missing: Vec<&&str> = codes
        .iter()
        .filter(|c| !readme.contains(&format!("`{c}`")))
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");
}

#[test]
fn the_readme_deployment_file_example_is_a_valid_deployment() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### The deployment file")
        .nth(1)
        .expect("README has a deployment file section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the section has a toml example");
    let d = trustpath::deploy::model::parse(example, "README.md", std::path::Path::new("/"))
        .unwrap_or_else(|e| panic!("the README example does not parse: {e}"));
    assert_eq!(d.app().name, "app");
    assert!(d.endpoints.len() >= 4);
    assert!(d.endpoints.iter().any(|e| e.websocket.is_some()));
}
