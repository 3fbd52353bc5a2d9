//! The contract of the JSON documents: their version ([`SCHEMA_VERSION`], printed as `schema_version` in
//! every document) and their JSON Schemas (draft 2020-12), derived from this module's output types with
//! `schemars` and committed under `schemas/` (a test fails when the committed files and the types
//! differ). Every object is closed (`additionalProperties: false`), so a field added to a document without
//! a schema change fails validation; every field that is never left out is `required`.
//!
//! Versioning: `MAJOR.MINOR`. An additive change (a new field, a new enum value such as a new finding
//! code) raises the minor version; renaming, removing or retyping a field raises the major version.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use super::deploy::DeploymentJson;
use super::run::RunJson;
use super::store::{DiffJson, ListingJson, LocatedJson};
use crate::finding::{Code, Severity};

/// The version of the JSON documents' contract, `MAJOR.MINOR` (see the module docs for the rule).
pub const SCHEMA_VERSION: &str = "1.0";

/// The `schema_version` field: serialises as [`SCHEMA_VERSION`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(SCHEMA_VERSION)
    }
}

impl JsonSchema for SchemaVersion {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "SchemaVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "const": SCHEMA_VERSION,
            "description": "The version of this document's contract, MAJOR.MINOR: additive changes raise \
                            the minor version, any other change the major version."
        })
    }
}

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

/// A string that is one of `names`.
fn one_of(names: impl IntoIterator<Item = &'static str>) -> Schema {
    let names: Vec<&str> = names.into_iter().collect();
    json_schema!({ "type": "string", "enum": names })
}

/// A finding code (kebab-case, `finding::Code`).
pub(super) fn finding_code(_: &mut SchemaGenerator) -> Schema {
    one_of(Code::all().map(Code::name))
}

/// A severity: `error`, `warning` or `info`.
pub(super) fn severity(_: &mut SchemaGenerator) -> Schema {
    one_of([Severity::Error, Severity::Warning, Severity::Info].map(Severity::name))
}

/// `option`, `jvm-cacerts` or `mozilla`.
pub(super) fn store_origin(_: &mut SchemaGenerator) -> Schema {
    one_of(super::run::ORIGINS)
}

/// `complete`, `incomplete` or `legacy-hello`.
pub(super) fn handshake(_: &mut SchemaGenerator) -> Schema {
    one_of(super::run::HANDSHAKES)
}

/// `served`, `anchor` or `extra`.
pub(super) fn path_source(_: &mut SchemaGenerator) -> Schema {
    one_of(super::run::SOURCES)
}

/// A deployment role.
pub(super) fn role(_: &mut SchemaGenerator) -> Schema {
    one_of(<crate::deploy::Role as strum::IntoEnumIterator>::iter().map(|r| r.name()))
}

/// A URL scheme: `http`, `https`, `ws` or `wss`.
pub(super) fn scheme(_: &mut SchemaGenerator) -> Schema {
    one_of(<crate::endpoint_url::Scheme as strum::IntoEnumIterator>::iter().map(|s| s.name()))
}

/// A store entry's kind.
pub(super) fn entry_kind(_: &mut SchemaGenerator) -> Schema {
    use crate::truststore::EntryKind;
    one_of([
        EntryKind::TrustedCert.name(),
        EntryKind::PrivateKey.name(),
        EntryKind::SecretKey.name(),
    ])
}

/// The verdict column of `check`: `trusted`, `not trusted`, `plain`, `unreachable`, `no chain`, or the
/// code of the connection finding that stopped the judgement.
pub(super) fn deployed_verdict(_: &mut SchemaGenerator) -> Schema {
    one_of(
        ["trusted", "not trusted", "plain", "unreachable", "no chain"]
            .into_iter()
            .chain(Code::all().map(Code::name)),
    )
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
