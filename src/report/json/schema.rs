//! The contract of the JSON documents: their version ([`SCHEMA_VERSION`], printed as `schema_version` in
//! every document by [`super::field`]) and their JSON Schemas (draft 2020-12), derived from the output
//! types of [`super::run`], [`super::deploy`] and [`super::store`] with `schemars` and committed under
//! `schemas/` (a test fails when the committed files and the types differ). Every object is closed (`additionalProperties: false`), so a field added to a document without
//! a schema change fails validation; every field that is never left out is `required`.
//!
//! Versioning: `MAJOR.MINOR`. An additive change (a new field, a new enum value such as a new finding
//! code) raises the minor version; renaming, removing or retyping a field raises the major version.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};

use super::deploy::DeploymentJson;
pub use super::field::SCHEMA_VERSION;
use super::run::RunJson;
use super::store::{DiffJson, ListingJson, LocatedJson};

/// One published schema: the file under `schemas/` and its content.
#[derive(Debug)]
pub struct Published {
    /// The file name, e.g. `probe.schema.json`.
    pub file: &'static str,
    /// The commands whose `--format json` output it describes.
    pub commands: &'static str,
    /// The schema.
    pub schema: Schema,
}

/// Every JSON document's schema, in the order the README lists them.
pub fn published() -> Vec<Published> {
    vec![
        publish::<RunJson>("probe.schema.json", "trustpath probe, trustpath verify"),
        publish::<DeploymentJson>("check.schema.json", "trustpath check"),
        publish::<ListingJson>("store-list.schema.json", "trustpath store list"),
        publish::<DiffJson>("store-diff.schema.json", "trustpath store diff"),
        publish::<LocatedJson>("store-locate.schema.json", "trustpath store locate"),
    ]
}

fn publish<T: JsonSchema>(file: &'static str, commands: &'static str) -> Published {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(RecursiveTransform(close_objects))
        .with_transform(RecursiveTransform(drop_rust_formats))
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert(
        "title".into(),
        format!("{commands} --format json, schema version {SCHEMA_VERSION}").into(),
    );
    Published {
        file,
        commands,
        schema,
    }
}

/// Closes every object that lists its properties: a property the schema does not name is refused.
fn close_objects(schema: &mut Schema) {
    if schema.get("properties").is_some() && schema.get("additionalProperties").is_none() {
        schema.insert("additionalProperties".into(), false.into());
    }
}

/// Drops the `format` schemars gives Rust's integer types (`uint`, `uint16`, `int64`): no JSON Schema
/// vocabulary defines them, and strict validators refuse unknown formats. `minimum`/`maximum` stay.
fn drop_rust_formats(schema: &mut Schema) {
    let rust = schema
        .get("format")
        .and_then(|f| f.as_str())
        .is_some_and(|f| f.starts_with("int") || f.starts_with("uint"));
    if rust {
        schema.remove("format");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_of_every_schema_is_closed() {
        fn walk(value: &serde_json::Value, at: &str) {
            match value {
                serde_json::Value::Object(map) => {
                    if map.contains_key("properties") {
                        assert_eq!(
                            map.get("additionalProperties"),
                            Some(&serde_json::Value::Bool(false)),
                            "{at} is open"
                        );
                    }
                    for (k, v) in map {
                        walk(v, &format!("{at}/{k}"));
                    }
                }
                serde_json::Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        walk(v, &format!("{at}/{i}"));
                    }
                }
                _ => {}
            }
        }
        for p in published() {
            walk(p.schema.as_value(), p.file);
            assert!(
                !p.schema
                    .as_value()
                    .to_string()
                    .contains("\"format\":\"uint"),
                "{}",
                p.file
            );
            assert_eq!(
                p.schema.get("$schema"),
                Some(&"https://json-schema.org/draft/2020-12/schema".into())
            );
            let required = p.schema.get("required").and_then(|r| r.as_array());
            assert_eq!(
                required.and_then(|r| r.first()),
                Some(&"schema_version".into()),
                "{}: schema_version is not the first required field",
                p.file
            );
        }
    }
}
