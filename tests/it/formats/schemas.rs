//! The JSON Schemas under `schemas/`: generated from `report::json`'s output types (a test fails when the
//! committed files differ; `UPDATE_GOLDEN=1` rewrites them), valid draft 2020-12 schemas, matched by every
//! golden document, and strict: a field they do not name, a missing field or another major version fails.

use serde_json::{Value, json};
use trustpath::report::json::schema::{self, SCHEMA_VERSION};

use crate::support::{formats, golden};

#[test]
fn the_committed_schemas_are_generated_from_the_output_types() {
    let published = schema::published();
    for p in &published {
        let text = serde_json::to_string_pretty(p.schema.as_value()).unwrap() + "\n";
        golden::check_file(&formats::schema_dir().join(p.file), &text);
    }
    let mut committed: Vec<String> = std::fs::read_dir(formats::schema_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".schema.json"))
        .collect();
    committed.sort();
    let mut expected: Vec<String> = published.iter().map(|p| p.file.to_owned()).collect();
    expected.sort();
    assert_eq!(
        committed, expected,
        "schemas/ holds a schema no document has"
    );
}

#[test]
fn every_committed_schema_is_a_valid_draft_2020_12_schema() {
    for p in schema::published() {
        let committed = formats::schema(p.file);
        assert_eq!(
            committed["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        if let Err(e) = jsonschema::meta::validate(&committed) {
            panic!("{} is not a valid schema: {e}", p.file);
        }
        assert_eq!(
            committed["properties"]["schema_version"]["const"],
            SCHEMA_VERSION
        );
    }
}

fn golden_json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(golden::dir().join(name)).unwrap()).unwrap()
}

#[test]
fn every_golden_json_document_matches_its_schema() {
    for (name, file) in [
        ("report-three-endpoints.json", "probe.schema.json"),
        ("verify-leaf-only.json", "probe.schema.json"),
        ("check-deployment.json", "check.schema.json"),
    ] {
        let doc = golden_json(name);
        assert_eq!(doc["schema_version"], SCHEMA_VERSION, "{name}");
        formats::check_json(file, &doc);
    }
}

/// Adds `"extra": 1` to the object at `pointer` in a copy of `doc`.
fn with_extra_field(doc: &Value, pointer: &str) -> Value {
    let mut doc = doc.clone();
    doc.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer}"))
        .insert("extra".into(), json!(1));
    doc
}

#[test]
fn a_field_the_schema_does_not_name_fails_at_every_level() {
    let run = golden_json("report-three-endpoints.json");
    for pointer in [
        "",
        "/truststores/0",
        "/endpoints/0",
        "/endpoints/0/tls",
        "/endpoints/0/chain/0",
        "/endpoints/0/verdicts/java",
        "/endpoints/0/verdicts/java/path/2",
        "/endpoints/1/findings/0",
        "/endpoints/1/fix",
        "/endpoints/1/fix/fullchain/0",
    ] {
        let errors = formats::schema_errors("probe.schema.json", &with_extra_field(&run, pointer));
        assert!(
            errors.iter().any(|e| e.contains("extra")),
            "an extra field at {pointer:?} passed: {errors:?}"
        );
    }
    let check = golden_json("check-deployment.json");
    for pointer in [
        "",
        "/endpoints/0",
        "/endpoints/0/probe",
        "/endpoints/1/http/0",
        "/endpoints/1/http/0/hops/0",
        "/endpoints/2/websocket",
        "/endpoints/2/websocket/accept",
        "/public_names/0",
        "/chains/0",
        "/configs/0",
        "/configs/0/finding",
    ] {
        let errors =
            formats::schema_errors("check.schema.json", &with_extra_field(&check, pointer));
        assert!(
            errors.iter().any(|e| e.contains("extra")),
            "an extra field at {pointer:?} passed: {errors:?}"
        );
    }
}

#[test]
fn a_missing_field_an_unknown_code_or_another_version_fails() {
    let run = golden_json("report-three-endpoints.json");
    let mut missing = run.clone();
    missing["endpoints"][0]
        .as_object_mut()
        .unwrap()
        .remove("trusted");
    assert!(!formats::schema_errors("probe.schema.json", &missing).is_empty());
    let mut null_instead_of_omitted = run.clone();
    null_instead_of_omitted["endpoints"][0]["host"] = Value::Null;
    assert!(formats::schema_errors("probe.schema.json", &null_instead_of_omitted).is_empty());
    let mut unknown_code = run.clone();
    unknown_code["endpoints"][1]["findings"][0]["code"] = json!("no-such-code");
    assert!(!formats::schema_errors("probe.schema.json", &unknown_code).is_empty());
    let mut next_major = run.clone();
    next_major["schema_version"] = json!("2.0");
    assert!(!formats::schema_errors("probe.schema.json", &next_major).is_empty());
    let mut unversioned = run;
    unversioned
        .as_object_mut()
        .unwrap()
        .remove("schema_version");
    assert!(!formats::schema_errors("probe.schema.json", &unversioned).is_empty());
}

/// The schemas' fingerprint: the SHA-256 of every published schema (file name and JSON) with the
/// `description` and `title` annotations taken out, so that rewording the docs is not a change.
fn fingerprint() -> String {
    use sha2::Digest;
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("description");
                map.remove("title");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut hash = sha2::Sha256::new();
    for p in schema::published() {
        let mut value = p.schema.as_value().clone();
        strip(&mut value);
        hash.update(p.file.as_bytes());
        hash.update(value.to_string().as_bytes());
    }
    hex::encode(hash.finalize())
}

#[test]
fn a_schema_change_raises_schema_version() {
    // `schemas/VERSIONS` records each version's fingerprint. A change of the documents' shape under the
    // same version fails here, even with UPDATE_GOLDEN=1: raise SCHEMA_VERSION (the minor for an
    // additive change, the major otherwise, see the README), and UPDATE_GOLDEN=1 records the new one.
    let path = formats::schema_dir().join("VERSIONS");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let now = fingerprint();
    let recorded = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(&format!("{SCHEMA_VERSION} ")));
    match recorded {
        Some(fp) => assert_eq!(
            fp, now,
            "the JSON documents changed shape but schema_version is still {SCHEMA_VERSION}: raise it \
             (report::json::schema::SCHEMA_VERSION; minor for an additive change, major otherwise), \
             then run with UPDATE_GOLDEN=1"
        ),
        None if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") => {
            let header = "# schema_version, then the SHA-256 of schemas/*.schema.json without their \
                          descriptions (tests/it/formats/schemas.rs)\n";
            let mut text = if text.is_empty() {
                header.to_owned()
            } else {
                text
            };
            text.push_str(&format!("{SCHEMA_VERSION} {now}\n"));
            std::fs::write(&path, text).unwrap();
        }
        None => panic!(
            "schemas/VERSIONS has no fingerprint for {SCHEMA_VERSION} (run with UPDATE_GOLDEN=1)"
        ),
    }
}
