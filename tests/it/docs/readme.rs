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

#[test]
fn the_readme_check_json_example_documents_every_part_of_the_document() {
    use crate::support::json_doc::{Shape, check_shape, compare, paths};
    let shape = check_shape();
    let fields = paths(&shape);
    for needed in [
        ".endpoints[].http[].hops[].location",
        ".endpoints[].http[].hops[].set_cookies[].same_site",
        ".endpoints[].http[].hops[].error",
        ".endpoints[].websocket.accept",
        ".endpoints[].websocket.body_excerpt",
        ".endpoints[].websocket.error",
        ".endpoints[].probe.verdicts.java.path[].alias",
        ".chains[].not_after_rfc3339",
        ".configs[].finding.remediation",
    ] {
        assert!(fields.contains(needed), "{needed} not in {fields:#?}");
    }
    // The top-level fields are all in the one example document: none is optional.
    let Shape::Object(top) = &shape else {
        panic!("not an object")
    };
    assert!(top.values().all(|(_, required)| *required));

    // A document missing a field, or with one the README does not name, is told apart.
    let mut seen = std::collections::BTreeSet::new();
    let hop = serde_json::json!({"url": "https://w.test/", "status": 200, "set_cookies": [],
        "login_form": false, "body_excerpt": "", "error": null, "extra": 1});
    let live = serde_json::json!({"endpoints": [{"http": [{"path": "/", "hops": [hop]}]}]});
    let problems = compare(&live, &shape, &mut seen);
    assert!(
        problems
            .contains(&".endpoints[].http[].hops[].location: documented but missing".to_owned()),
        "{problems:#?}"
    );
    assert!(
        problems.contains(&".endpoints[].http[].hops[].extra: not documented".to_owned()),
        "{problems:#?}"
    );
    assert!(seen.contains(".endpoints[].http[].hops[].error"));
}
