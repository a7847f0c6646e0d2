//! The JSON Schema of the spec: generated from the spec types, checked into
//! `schemas/kms-gen.schema.json` for editors, and used to validate every spec.
//!
//! Schema errors become located diagnostics with a hint: the nearest known
//! field for a misspelt one, the nearest allowed value for a wrong one.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::spec::Spec;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, pointer_push};
use crate::suggest::nearest;

/// The spec's JSON Schema (draft-07, the draft editors support best).
pub fn generate() -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<Spec>().to_value();
    simplify(&mut schema);
    schema
}

/// Shapes the generated schema for precise errors:
/// - optional fields are optional by being absent, not by being `null` (an
///   empty `rotation:` is a mistake worth reporting), and without the
///   `anyOf [T, null]` wrapper the validator reports errors inside `T`;
/// - a `oneOf` of documented string constants becomes an `enum` with
///   `enumDescriptions`, so a wrong value is one clear error, not one per branch.
fn simplify(node: &mut Value) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            items.iter_mut().for_each(simplify);
        }
        return;
    };
    if let Some(Value::Array(branches)) = map.get("oneOf") {
        let consts: Option<Vec<(Value, Value)>> = branches
            .iter()
            .map(|b| {
                Some((
                    b.get("const")?.clone(),
                    b.get("description").cloned().unwrap_or_default(),
                ))
            })
            .collect();
        if let Some(consts) = consts {
            map.remove("oneOf");
            map.insert("type".into(), "string".into());
            let (values, docs): (Vec<Value>, Vec<Value>) = consts.into_iter().unzip();
            map.insert("enum".into(), values.into());
            map.insert("enumDescriptions".into(), docs.into());
        }
    }
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(branches)) = map.get("anyOf") {
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| b.get("type").is_none_or(|t| t != "null"))
            .cloned()
            .collect();
        if rest.len() == 1 && rest.len() < branches.len() {
            map.remove("anyOf");
            if let Value::Object(inner) = &rest[0] {
                for (k, v) in inner {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
    }
    map.values_mut().for_each(simplify);
}

/// The schema as the text checked into `schemas/kms-gen.schema.json`.
pub fn to_pretty_string() -> String {
    let mut text =
        serde_json::to_string_pretty(&generate()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(generate)
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(schema()).expect("the generated schema is a valid JSON Schema")
    })
}

/// Validates a document against the schema; every violation, located.
pub fn validate(document: &Value, source: &SourceFile) -> Vec<Diagnostic> {
    let errors: Vec<_> = validator().iter_errors(document).collect();
    // A required field missing where an unknown one is written is usually that
    // field misspelt or renamed: report it once, as the unknown field.
    let mut missing: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut unknown: std::collections::HashMap<String, Vec<String>> = Default::default();
    for e in &errors {
        let pointer = e.instance_path().as_str().to_string();
        match e.kind() {
            ValidationErrorKind::Required { property } => missing
                .entry(pointer)
                .or_default()
                .push(property.as_str().unwrap_or_default().to_string()),
            ValidationErrorKind::AdditionalProperties { unexpected } => unknown
                .entry(pointer)
                .or_default()
                .extend(unexpected.iter().cloned()),
            _ => {}
        }
    }
    // The missing field an unknown one stands for: its nearest match, or the only
    // missing field when exactly one is written wrong.
    let stands_for = |pointer: &str, field: &str| -> bool {
        let (Some(wrong), Some(lacking)) = (unknown.get(pointer), missing.get(pointer)) else {
            return false;
        };
        (wrong.len() == 1 && lacking.len() == 1)
            || wrong
                .iter()
                .any(|w| nearest(w, lacking.iter().map(String::as_str)) == Some(field))
    };
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .filter_map(|error| {
            let pointer = error.instance_path().as_str().to_string();
            if let ValidationErrorKind::Required { property } = error.kind()
                && stands_for(&pointer, property.as_str().unwrap_or_default())
            {
                return None;
            }
            let lacking: Vec<String> = missing
                .get(&pointer)
                .into_iter()
                .flatten()
                .filter(|p| stands_for(&pointer, p))
                .cloned()
                .collect();
            Some(describe(
                &pointer,
                error.kind(),
                error.instance(),
                source,
                &lacking,
            ))
        })
        .collect();
    whole_number_floats(document, "", source, &mut diags);
    crate::diagnostic::sort(&mut diags);
    diags.dedup();
    diags
}

/// Whole numbers written as floats (`30.0`, `1e1`) where the schema wants an
/// integer. JSON Schema counts `30.0` as an integer, but the spec types do
/// not: report each one here, with the other schema errors, rather than let
/// typing fail on the first of them after the schema passed.
fn whole_number_floats(
    value: &Value,
    pointer: &str,
    source: &SourceFile,
    out: &mut Vec<Diagnostic>,
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                whole_number_floats(v, &pointer_push(pointer, k), source, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                whole_number_floats(v, &pointer_push(pointer, &i.to_string()), source, out);
            }
        }
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) else {
                return; // not whole: the schema reports it as a wrong type
            };
            if !subschema_at(pointer).is_some_and(wants_integer) {
                return;
            }
            // Exact below 2^53; beyond that no whole number fits the spec anyway.
            let hint = if f.abs() < 9_007_199_254_740_992.0 {
                format!("write `{}`", f as i64)
            } else {
                "write a whole number, without a decimal point or exponent".to_string()
            };
            out.push(
                Diagnostic::error(
                    "E004",
                    format!(
                        "{} must be a whole number, found `{}`",
                        dotted(pointer),
                        scalar_text(source, pointer, value)
                    ),
                )
                .hint(hint)
                .at(source.value_span(pointer)),
            );
        }
        _ => {}
    }
}

fn wants_integer(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// A scalar as the user wrote it (`012345678901`, `0o12`, `1e1`, `True`), so
/// that hints quote their text and not the number YAML read from it; the
/// value itself when the text is not that scalar (an alias, say).
fn scalar_text(source: &SourceFile, pointer: &str, value: &Value) -> String {
    let written = source
        .map
        .get(pointer)
        .and_then(|n| source.text.get(n.value.start..n.value.end))
        .map(str::trim);
    match written {
        Some(text) if !text.contains('\n') && super::yaml::resolve_plain(text) == *value => {
            text.to_string()
        }
        _ => short(value),
    }
}

/// `/workloads/payments/rotation` → `workloads.payments.rotation`.
pub fn dotted(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the top level".to_string();
    }
    pointer
        .trim_start_matches('/')
        .replace('/', ".")
        .replace("~1", "/")
        .replace("~0", "~")
}

fn describe(
    pointer: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    source: &SourceFile,
    missing: &[String],
) -> Diagnostic {
    let at = source.value_span(pointer);
    let path = dotted(pointer);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let field = unexpected.first().cloned().unwrap_or_default();
            let child = pointer_push(pointer, &field);
            let known = subschema_at(pointer)
                .map(property_names)
                .unwrap_or_default();
            let hint = match (nearest(&field, known.iter().map(String::as_str)), missing) {
                (Some(m), _) => format!("did you mean `{m}`? known fields: {}", known.join(", ")),
                (None, [only]) => format!(
                    "did you mean `{only}`, which is required here? known fields: {}",
                    known.join(", ")
                ),
                (None, []) => format!("known fields here: {}", known.join(", ")),
                (None, several) => format!(
                    "required here: {}; known fields: {}",
                    several.join(", "),
                    known.join(", ")
                ),
            };
            Diagnostic::error("E003", format!("unknown field `{field}` in {path}"))
                .hint(hint)
                .at(source.key_span(&child))
        }
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            Diagnostic::error(
                "E005",
                format!("missing required field `{field}` in {path}"),
            )
            .hint(format!("add `{field}:` here"))
            .at(source.key_span(pointer))
        }
        // A file with nothing but comments (or nothing at all).
        ValidationErrorKind::Type { .. } if pointer.is_empty() && instance.is_null() => {
            Diagnostic::error("E004", "the spec is empty")
                .hint("start from `kms-gen init`, or write `version: 1` with `data_classes`, `environments` and `workloads`")
                .at(at.or(Some(crate::source::Span {
                    line: 1,
                    col: 1,
                    start: 0,
                    end: 0,
                })))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = json_type(instance);
            let written = scalar_text(source, pointer, instance);
            let hint = type_hint(&expected, instance, &written);
            Diagnostic::error(
                "E004",
                format!(
                    "{path} must be {}, found {found} `{written}`",
                    article(&expected),
                ),
            )
            .hint(hint)
            .at(at)
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let value = instance
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| short(instance));
            let what = enum_noun(pointer);
            let whats = match what.strip_suffix('y') {
                Some(stem) => format!("{stem}ies"),
                None => format!("{what}s"),
            };
            let suggestion = known_alias(&value)
                .filter(|a| allowed.contains(a))
                .or_else(|| nearest(&value, allowed.iter().copied()));
            let hint = match suggestion {
                Some(m) => format!("did you mean `{m}`? known {whats}: {}", allowed.join(", ")),
                None => format!("known {whats}: {}", allowed.join(", ")),
            };
            // Name the list, not the item's index in it.
            let path = match pointer.rsplit_once('/') {
                Some((list, index)) if index.bytes().all(|b| b.is_ascii_digit()) => dotted(list),
                _ => path,
            };
            Diagnostic::error("E006", format!("unknown {what} `{value}` in {path}"))
                .hint(hint)
                .at(at)
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. }
            if pointer == "/version" =>
        {
            Diagnostic::error(
                "E009",
                format!("unsupported spec version {}", short(instance)),
            )
            .hint("this kms-gen reads spec version 1: write `version: 1`")
            .at(at)
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
            let (min, max) = subschema_at(pointer).map(range).unwrap_or((None, None));
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "the allowed range".to_string(),
            };
            Diagnostic::error(
                "E007",
                format!("{path} is {}, outside {range}", short(instance)),
            )
            .hint(format!("use a value in {range}"))
            .at(at)
        }
        ValidationErrorKind::MinItems { limit } => Diagnostic::error(
            "E008",
            format!(
                "{path} needs at least {limit} entr{}",
                if *limit == 1 { "y" } else { "ies" }
            ),
        )
        .hint("list at least one, e.g. `[internal]`")
        .at(at),
        other => Diagnostic::error(
            "E004",
            format!("{path}: {}", other_message(other, instance)),
        )
        .at(at),
    }
}

fn other_message(kind: &ValidationErrorKind, instance: &Value) -> String {
    format!("{} is not valid here ({kind:?})", short(instance))
}

fn article(t: &str) -> String {
    match t {
        "object" => "a map".to_string(),
        "array" => "a list".to_string(),
        "integer" => "a whole number".to_string(),
        "boolean" => "true or false".to_string(),
        other => format!("a {other}"),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "the string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// How to fix a value of the wrong type; `written` is its text in the spec.
fn type_hint(expected: &str, instance: &Value, written: &str) -> String {
    match (expected, instance) {
        // Quote what was written: `012345678901` is the number 12345678901,
        // but the account id the user means keeps its leading zero.
        ("string", Value::Number(_) | Value::Bool(_)) => format!("quote it: \"{written}\""),
        ("boolean", Value::String(s)) => {
            format!("`{s}` is a string in YAML 1.2, which kms-gen reads; write `true` or `false`")
        }
        ("array", Value::String(s)) => format!("write a list: [{s}]"),
        ("object", Value::Null) => "give it entries, or remove the key".to_string(),
        (_, Value::Null) => "give it a value, or remove the key".to_string(),
        _ => format!("write {}", article(expected)),
    }
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Array(_) => "[…]".to_string(),
        Value::Object(_) => "{…}".to_string(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// The names people reach for that are spelt otherwise here: EBS volumes are
/// encrypted through the EC2 API, but the service is `ebs`.
fn known_alias(value: &str) -> Option<&'static str> {
    match value.to_ascii_lowercase().as_str() {
        "ec2" => Some("ebs"),
        "elasticfilesystem" => Some("efs"),
        "secrets-manager" | "secretmanager" => Some("secretsmanager"),
        "cloudwatch-logs" | "cloudwatchlogs" => Some("logs"),
        "eventbridge" => Some("events"),
        "aurora" => Some("rds"),
        "parameter-store" | "parameterstore" => Some("ssm"),
        _ => None,
    }
}

/// What an enum value at `pointer` names, for messages: service, strategy, tier …
fn enum_noun(pointer: &str) -> &'static str {
    let field = pointer
        .rsplit('/')
        .find(|s| !s.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("");
    match field {
        "services" | "dedicated_service_keys" => "service",
        "strategy" => "strategy",
        "tier" => "tier",
        "iam_delegation" => "iam_delegation value",
        "key_spec" => "key spec",
        "key_usage" => "key usage",
        "operations" => "grant operation",
        _ => "value",
    }
}

/// The subschema that describes the instance at `pointer`, following `$ref`s.
fn subschema_at(pointer: &str) -> Option<&'static Value> {
    let root = schema();
    let mut node = resolve(root, root)?;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = if let Some(p) = node.get("properties").and_then(|p| p.get(&token)) {
            p
        } else if token.chars().all(|c| c.is_ascii_digit()) && node.get("items").is_some() {
            &node["items"]
        } else {
            node.get("additionalProperties")?
        };
        node = resolve(root, next)?;
    }
    Some(node)
}

fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    loop {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            node = root.pointer(r.trim_start_matches('#'))?;
        } else if let Some(inner) = node.get("allOf").and_then(|a| a.get(0)) {
            node = inner;
        } else {
            return Some(node);
        }
    }
}

fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn range(schema: &Value) -> (Option<i64>, Option<i64>) {
    (
        schema.get("minimum").and_then(Value::as_i64),
        schema.get("maximum").and_then(Value::as_i64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_subschema_of_a_nested_map_entry() {
        let s = subschema_at("/workloads/payments/rotation").unwrap();
        assert!(property_names(s).contains(&"period_days".to_string()));
        let s = subschema_at("/workloads/payments/rotation/period_days").unwrap();
        assert_eq!(range(s), (Some(90), Some(2560)));
    }

    #[test]
    fn dotted_paths_read_like_yaml() {
        assert_eq!(
            dotted("/workloads/payments/key_users/0"),
            "workloads.payments.key_users.0"
        );
        assert_eq!(dotted(""), "the top level");
    }
}
