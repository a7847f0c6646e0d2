//! Every attribute and block the Terraform templates emit exists in the AWS
//! provider's schema for the KMS resources, and every literal value is within
//! the provider's validation. No offline tool catches a misspelt attribute
//! (`multi_regoin` passes them all), so this test is the guard.
//!
//! The schema was read from the provider's source (v6.58.0); a copy is kept in
//! tests/fixtures so `cargo test` runs anywhere, and compared with
//! `../shared/terraform-aws-kms-schema.json` where that exists.

mod common;

use std::collections::BTreeSet;

use hcl::{Block, Body, Expression};
use serde_json::Value;

fn schema() -> Value {
    let text = include_str!("fixtures/terraform-aws-kms-schema.json");
    serde_json::from_str(text).expect("the provider schema is JSON")
}

#[test]
fn the_vendored_schema_matches_the_shared_one() {
    let path = common::root().join("../shared/terraform-aws-kms-schema.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let shared: Value = serde_json::from_str(&text).expect("shared schema is JSON");
        assert_eq!(
            shared,
            schema(),
            "update tests/fixtures/terraform-aws-kms-schema.json from {}",
            path.display()
        );
    }
}

/// Terraform's own meta-arguments, valid in every resource.
const META_ATTRIBUTES: [&str; 4] = ["provider", "depends_on", "count", "for_each"];
const META_BLOCKS: [&str; 1] = ["lifecycle"];

/// What Terraform core accepts in the blocks that are not provider resources.
fn core_block(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match kind {
        "terraform" => Some((&["required_version"], &["required_providers"])),
        "output" => Some((&["value", "description", "sensitive"], &[])),
        "moved" => Some((&["from", "to"], &[])),
        "removed" => Some((&["from"], &["lifecycle"])),
        _ => None,
    }
}

#[derive(Default)]
struct Seen {
    attributes: BTreeSet<String>,
    problems: Vec<String>,
}

#[test]
fn emitted_terraform_uses_only_provider_arguments_with_valid_values() {
    let schema = schema();
    let mut seen = Seen::default();
    for spec in [
        "examples/acme.yaml",
        "examples/minimal.yaml",
        "tests/fixtures/valid/kitchen-sink.yaml",
        "tests/fixtures/valid/escaping.yaml",
    ] {
        for (path, text) in common::render(spec).files {
            if path.extension().is_none_or(|e| e != "tf") {
                continue;
            }
            let body: Body =
                hcl::from_str(&text).unwrap_or_else(|e| panic!("{spec} {}: {e}", path.display()));
            let place = format!("{spec}: {}", path.display());
            for block in body.blocks() {
                check_block(&schema, block, &place, &mut seen);
            }
        }
    }
    assert!(seen.problems.is_empty(), "{}", seen.problems.join("\n"));
    // The templates reach every argument they are meant to: a template branch
    // that stopped rendering would otherwise go unnoticed here.
    for expected in [
        "aws_kms_key.rotation_period_in_days",
        "aws_kms_key.multi_region",
        "aws_kms_replica_key.primary_key_arn",
        "aws_kms_grant.constraints.encryption_context_equals",
        "aws_kms_alias.target_key_id",
        "provider.allowed_account_ids",
    ] {
        assert!(
            seen.attributes.contains(expected),
            "no rendered file sets {expected}"
        );
    }
}

fn check_block(schema: &Value, block: &Block, place: &str, seen: &mut Seen) {
    let kind = block.identifier();
    match kind {
        "resource" => {
            let rtype = block.labels()[0].as_str();
            let Some(args) = schema["resources"][rtype]["arguments"].as_object() else {
                seen.problems.push(format!(
                    "{place}: resource type {rtype} is not a KMS resource in the provider schema"
                ));
                return;
            };
            check_body(rtype, args, block.body(), place, seen, true);
        }
        "provider" => {
            let args = schema["provider"]["arguments"]
                .as_object()
                .expect("provider arguments");
            for attr in block.body().attributes() {
                let key = attr.key();
                seen.attributes.insert(format!("provider.{key}"));
                if !args.contains_key(key)
                    && schema["provider"]["other_top_level_arguments"]
                        .get(key)
                        .is_none()
                {
                    seen.problems.push(format!(
                        "{place}: provider argument `{key}` is not in the provider schema"
                    ));
                }
            }
        }
        other => match core_block(other) {
            Some((attrs, blocks)) => {
                for a in block.body().attributes() {
                    if !attrs.contains(&a.key()) {
                        seen.problems
                            .push(format!("{place}: `{}` in a {other} block", a.key()));
                    }
                }
                for b in block.body().blocks() {
                    if !blocks.contains(&b.identifier()) {
                        seen.problems.push(format!(
                            "{place}: block `{}` in a {other} block",
                            b.identifier()
                        ));
                    }
                }
            }
            None => seen
                .problems
                .push(format!("{place}: unexpected top-level block `{other}`")),
        },
    }
}

fn check_body(
    path: &str,
    args: &serde_json::Map<String, Value>,
    body: &Body,
    place: &str,
    seen: &mut Seen,
    top: bool,
) {
    for attr in body.attributes() {
        let key = attr.key();
        if top && META_ATTRIBUTES.contains(&key) {
            continue;
        }
        let full = format!("{path}.{key}");
        seen.attributes.insert(full.clone());
        match args.get(key) {
            None => seen.problems.push(format!(
                "{place}: `{full}` is not an argument in the provider schema"
            )),
            Some(arg) if arg["type"] == "block" => seen.problems.push(format!(
                "{place}: `{full}` is a block, written as an attribute"
            )),
            Some(arg) => check_value(&full, arg, attr.expr(), place, seen),
        }
    }
    for block in body.blocks() {
        let name = block.identifier();
        if top && META_BLOCKS.contains(&name) {
            continue;
        }
        let full = format!("{path}.{name}");
        match args.get(name) {
            Some(arg) if arg["type"] == "block" => {
                let inner = arg["block"].as_object().expect("nested block schema");
                check_body(&full, inner, block.body(), place, seen, false);
            }
            _ => seen.problems.push(format!(
                "{place}: block `{full}` is not a block in the provider schema"
            )),
        }
    }
}

fn check_value(full: &str, arg: &Value, expr: &Expression, place: &str, seen: &mut Seen) {
    let rule = &arg["validation_rule"];
    let problem = match (arg["type"].as_str(), expr) {
        (Some("number"), Expression::Number(n)) => {
            let n = n.as_i64().unwrap_or(i64::MIN);
            match rule["int_range"].as_array() {
                Some(r) if n < r[0].as_i64().unwrap() || n > r[1].as_i64().unwrap() => {
                    Some(format!("{n} outside {r:?}"))
                }
                _ => None,
            }
        }
        (Some("number"), Expression::Variable(_) | Expression::Traversal(_)) => None,
        (Some("number"), other) => Some(format!("a number expected, got {other:?}")),
        (Some("bool"), Expression::Bool(_)) => None,
        (Some("bool"), other) => Some(format!("a bool expected, got {other:?}")),
        (Some("string"), Expression::String(s)) => string_problem(rule, s),
        (Some("string"), Expression::TemplateExpr(_)) => None,
        (Some("string"), Expression::Traversal(_) | Expression::FuncCall(_)) => None,
        (Some("string"), other) => Some(format!("a string expected, got {other:?}")),
        (Some("map"), Expression::Object(o)) => o
            .values()
            .find(|v| !matches!(v, Expression::String(_) | Expression::TemplateExpr(_)))
            .map(|v| format!("a map of strings expected, got {v:?}")),
        (Some("set") | Some("list"), Expression::Array(items)) => {
            items.iter().find_map(|item| match item {
                Expression::String(s) => rule["element_enum"]
                    .as_array()
                    .filter(|e| !e.iter().any(|v| v == s.as_str()))
                    .map(|_| format!("`{s}` is not one of the allowed values")),
                other => Some(format!("a string element expected, got {other:?}")),
            })
        }
        (t, other) => Some(format!("{t:?} expected, got {other:?}")),
    };
    if let Some(p) = problem {
        seen.problems.push(format!("{place}: `{full}`: {p}"));
    }
}

fn string_problem(rule: &Value, s: &str) -> Option<String> {
    if let Some(values) = rule["enum"].as_array()
        && !values.iter().any(|v| v == s)
    {
        return Some(format!("`{s}` is not one of {values:?}"));
    }
    if let Some(r) = rule["string_length"].as_array() {
        let n = s.chars().count() as i64;
        if n < r[0].as_i64().unwrap() || n > r[1].as_i64().unwrap() {
            return Some(format!("length {n} outside {r:?}"));
        }
    }
    if let Some(max) = rule["max_length"].as_i64()
        && s.chars().count() as i64 > max
    {
        return Some(format!("longer than {max}"));
    }
    if let Some(pattern) = rule["regex"].as_str()
        && !regex::Regex::new(pattern)
            .expect("schema regex compiles")
            .is_match(s)
    {
        return Some(format!("`{s}` does not match {pattern}"));
    }
    if let Some(prefix) = rule["must_not_start_with"].as_str()
        && s.starts_with(prefix)
    {
        return Some(format!("`{s}` starts with the reserved {prefix}"));
    }
    None
}

#[test]
fn the_checker_catches_a_misspelt_argument_and_an_out_of_range_value() {
    let schema = schema();
    let body: Body = hcl::from_str(
        "resource \"aws_kms_key\" \"x\" {\n  multi_regoin = true\n  deletion_window_in_days = 3\n}\n\
         resource \"aws_kms_grant\" \"g\" {\n  operations = [\"Decrypts\"]\n  constraints {\n    context = {}\n  }\n}\n",
    )
    .unwrap();
    let mut seen = Seen::default();
    for block in body.blocks() {
        check_block(&schema, block, "sample", &mut seen);
    }
    let all = seen.problems.join("\n");
    assert!(all.contains("aws_kms_key.multi_regoin"), "{all}");
    assert!(
        all.contains("aws_kms_key.deletion_window_in_days`: 3 outside"),
        "{all}"
    );
    assert!(
        all.contains("`Decrypts` is not one of the allowed values"),
        "{all}"
    );
    assert!(all.contains("aws_kms_grant.constraints.context"), "{all}");
}
