//! The README's JSON examples as a field list, and live JSON output compared with it: every field of a
//! live object must be documented, every documented field present (`null` when absent), except a
//! finding's `cert`, which the README says is left out when no certificate is concerned.
//!
//! The field list is read from the README's example documents: an object's fields are its keys; the
//! elements of an array are merged (a field in some elements only is optional there, as a path step's
//! `index` or `store`); an object `{"…": "…"}` stands for the endpoint object of `probe --json`, whose
//! example is in the probe section.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The documented shape of a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A string, number or boolean, or `null` in every example.
    Leaf,
    /// An object: each field's shape and whether every example has it.
    Object(BTreeMap<String, (Shape, bool)>),
    /// An array, with the merged shape of its elements (`Leaf` when the examples are empty).
    Array(Box<Shape>),
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The first ```json block after `heading`.
fn example(readme: &str, heading: &str) -> Value {
    let section = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("README has no {heading}"));
    let block = section
        .split("```json\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap_or_else(|| panic!("{heading} has no json example"));
    serde_json::from_str(block)
        .unwrap_or_else(|e| panic!("{heading}: the example is not JSON: {e}"))
}

/// The documented shape of `check --json`.
pub fn check_shape() -> Shape {
    let readme = readme();
    let probe = example(&readme, "### JSON (`probe --json`, `verify --json`)");
    let endpoint = shape(&probe["endpoints"][0], None);
    shape(
        &example(&readme, "### JSON (`check --json`)"),
        Some(&endpoint),
    )
}

fn shape(v: &Value, probe: Option<&Shape>) -> Shape {
    match v {
        Value::Object(map) if map.len() == 1 && map.contains_key("…") => probe
            .cloned()
            .expect("a {\"…\": …} placeholder stands for the probe endpoint object"),
        Value::Object(map) => Shape::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), (shape(v, probe), true)))
                .collect(),
        ),
        Value::Array(items) => Shape::Array(Box::new(
            items
                .iter()
                .map(|i| shape(i, probe))
                .reduce(merge)
                .unwrap_or(Shape::Leaf),
        )),
        _ => Shape::Leaf,
    }
}

/// Two examples of one place: objects keep every field (optional unless in both), a leaf (`null`) gives
/// way to the other.
fn merge(a: Shape, b: Shape) -> Shape {
    match (a, b) {
        (Shape::Object(a), Shape::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            Shape::Object(
                keys.into_iter()
                    .filter_map(|k| {
                        let entry = match (a.get(k), b.get(k)) {
                            (Some((sa, ra)), Some((sb, rb))) => {
                                (merge(sa.clone(), sb.clone()), *ra && *rb)
                            }
                            (Some((s, _)), None) | (None, Some((s, _))) => (s.clone(), false),
                            (None, None) => return None,
                        };
                        Some((k.clone(), entry))
                    })
                    .collect(),
            )
        }
        (Shape::Array(a), Shape::Array(b)) => Shape::Array(Box::new(merge(*a, *b))),
        (Shape::Leaf, other) | (other, Shape::Leaf) => other,
        (a, _) => a,
    }
}

/// Compares `live` with `shape`: returns the problems (`endpoints[].http[].hops[].location: missing`),
/// and records in `seen` the path of every documented field met.
pub fn compare(live: &Value, shape: &Shape, seen: &mut BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    walk(live, shape, "", seen, &mut problems);
    problems
}

fn walk(
    live: &Value,
    shape: &Shape,
    path: &str,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    match (live, shape) {
        (Value::Null, _) | (_, Shape::Leaf) => {}
        (Value::Object(map), Shape::Object(fields)) => {
            let finding = map.contains_key("code") && map.contains_key("severity");
            for (k, v) in map {
                let at = format!("{path}.{k}");
                match fields.get(k) {
                    Some((s, _)) => {
                        seen.insert(at.clone());
                        walk(v, s, &at, seen, out);
                    }
                    None if finding && k == "cert" => {}
                    None => out.push(format!("{at}: not documented")),
                }
            }
            for (k, (_, required)) in fields {
                if *required && !map.contains_key(k) && !(finding && k == "cert") {
                    out.push(format!("{path}.{k}: documented but missing"));
                }
            }
        }
        (Value::Array(items), Shape::Array(element)) => {
            for item in items {
                walk(item, element, &format!("{path}[]"), seen, out);
            }
        }
        (v, s) => out.push(format!("{path}: is {v} where the README shows {s:?}")),
    }
}

/// Every documented field path (as [`compare`] records them).
pub fn paths(shape: &Shape) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(shape, "", &mut out);
    out
}

fn collect(shape: &Shape, path: &str, out: &mut BTreeSet<String>) {
    match shape {
        Shape::Leaf => {}
        Shape::Object(fields) => {
            for (k, (s, _)) in fields {
                let at = format!("{path}.{k}");
                out.insert(at.clone());
                collect(s, &at, out);
            }
        }
        Shape::Array(element) => collect(element, &format!("{path}[]"), out),
    }
}
