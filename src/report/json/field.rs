//! The pieces every JSON document shares: the `schema_version` field ([`SchemaVersion`], printed as
//! [`SCHEMA_VERSION`]) and the schemas of the fields whose values are names (finding codes, severities,
//! roles, schemes, entry kinds, verdicts). The documents ([`super::run`], [`super::deploy`],
//! [`super::store`]) build on this module; the published contract ([`super::schema`]) builds on them.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use crate::finding::{Code, Severity};

/// The version of the JSON documents' contract, `MAJOR.MINOR` (see [`super::schema`] for the rule).
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

/// A string that is one of `names`.
pub(super) fn one_of(names: impl IntoIterator<Item = &'static str>) -> Schema {
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

/// An endpoint's role (the outbound roles are [`outbound_role`]'s).
pub(super) fn role(_: &mut SchemaGenerator) -> Schema {
    one_of(
        <crate::deploy::Role as strum::IntoEnumIterator>::iter()
            .filter(|r| !r.outbound())
            .map(|r| r.name()),
    )
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

/// An outbound connection's role: `ldap`, `mail`, `db` or `outbound`.
pub(super) fn outbound_role(_: &mut SchemaGenerator) -> Schema {
    one_of(
        <crate::deploy::Role as strum::IntoEnumIterator>::iter()
            .filter(|r| r.outbound())
            .map(|r| r.name()),
    )
}

/// The verdict column of an outbound connection: `trusted`, `not trusted`, `reached`,
/// `unreachable`, `no chain`, or the code of the connection finding that stopped the judgement.
pub(super) fn outbound_verdict(_: &mut SchemaGenerator) -> Schema {
    one_of(
        [
            "trusted",
            "not trusted",
            "reached",
            "unreachable",
            "no chain",
        ]
        .into_iter()
        .chain(Code::all().map(Code::name)),
    )
}

/// A STARTTLS protocol (`smtp`, `imap`, `pop3`, `ldap`, `postgres`) or null.
pub(super) fn starttls_or_null(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<Option<&str>> = <crate::probe::Protocol as strum::IntoEnumIterator>::iter()
        .map(|p| Some(p.name()))
        .chain([None])
        .collect();
    schemars::json_schema!({ "type": ["string", "null"], "enum": names })
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
