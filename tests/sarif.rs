//! `validate --format sarif` against the official SARIF 2.1.0 JSON Schema, plus
//! what GitHub code scanning needs beyond the schema.
//!
//! `tests/fixtures/sarif-schema-2.1.0.json` is the OASIS schema
//! (`$id` https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json,
//! draft-07), copied unchanged from the crates.io crate `serde-sarif` 0.8.0
//! (`src/schema.json`, MIT), fetched with `cargo fetch`; sha256
//! af47e7b67f24efe74076621fd3a5fbe7398add9e84fe820c971219a385895cea. Vendored
//! because tests run offline; all its `$ref`s are local.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let text =
            fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap();
        // The schema's `language` pattern has a stray `]`: a literal in ECMA-262
        // (Annex B), an error for the jsonschema crate. Escaping it keeps its meaning.
        let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
        assert_eq!(
            text.matches(stray).count(),
            2,
            "the vendored schema changed"
        );
        let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        jsonschema::validator_for(&schema).unwrap()
    })
}

fn schema_errors(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn run(dir: &Path, file: &str, format: &str) -> (i32, Value) {
    let out = Command::cargo_bin("kms-gen")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["validate", "-f", file, "--format", format])
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: {format} is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

/// Every spec the tests know: bad ones (one per kind of error) and the examples.
fn specs() -> Vec<String> {
    let mut specs: Vec<String> = fs::read_dir(root().join("tests/fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            format!(
                "tests/fixtures/invalid/{}",
                p.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    specs.sort();
    specs.extend([
        "examples/acme.yaml".to_string(),
        "examples/minimal.yaml".to_string(),
        "tests/fixtures/lint/pci-and-internal-per-environment.yaml".to_string(),
    ]);
    specs
}

/// What GitHub code scanning relies on beyond the schema.
fn check_for_github(file: &str, doc: &Value) {
    assert_eq!(doc["version"], "2.1.0", "{file}");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{file}");
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "kms-gen");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        kms_gen::check::ALL.len(),
        "{file}: every rule is listed"
    );
    let mut ids = std::collections::HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(ids.insert(id), "{file}: rule {id} twice");
        for field in [
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
            "/help/markdown",
        ] {
            let text = rule
                .pointer(field)
                .and_then(Value::as_str)
                .unwrap_or_default();
            assert!(!text.trim().is_empty(), "{file}: rule {id} has no {field}");
        }
        assert_ne!(
            rule["name"], rule["id"],
            "{file}: GitHub wants a name distinct from the id"
        );
    }
    for result in runs[0]["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("{file}: {id} has no ruleIndex"));
        assert_eq!(rules[index as usize]["id"], id, "{file}: ruleIndex of {id}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(
            uri, file,
            "{file}: the artifact is the spec, relative to the repository"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1,
            "{file}: {id} start line"
        );
        if let Some(end) = region["endLine"].as_u64() {
            assert!(
                end >= region["startLine"].as_u64().unwrap(),
                "{file}: {id} region"
            );
        }
    }
}

#[test]
fn every_spec_gives_sarif_the_official_schema_accepts() {
    for file in specs() {
        let (code, doc) = run(&root(), &file, "sarif");
        let errors = schema_errors(&doc);
        assert!(
            errors.is_empty(),
            "{file}: not SARIF 2.1.0:\n{}",
            errors.join("\n")
        );
        check_for_github(&file, &doc);

        // Same findings, same exit code as the JSON format.
        let (json_code, json_doc) = run(&root(), &file, "json");
        assert_eq!(code, json_code, "{file}: exit code");
        let results = doc["runs"][0]["results"].as_array().unwrap();
        let diagnostics = json_doc["diagnostics"].as_array().unwrap();
        assert_eq!(results.len(), diagnostics.len(), "{file}");
        for (r, d) in results.iter().zip(diagnostics) {
            assert_eq!(r["ruleId"], d["code"], "{file}");
            if let Some(line) = d["line"].as_u64() {
                assert_eq!(
                    r["locations"][0]["physicalLocation"]["region"]["startLine"],
                    line
                );
                assert_eq!(
                    r["locations"][0]["physicalLocation"]["region"]["startColumn"],
                    d["column"]
                );
            }
        }
    }
}

#[test]
fn related_places_become_related_locations() {
    let file = "tests/fixtures/invalid/e002-duplicate-key.yaml";
    let (_, doc) = run(&root(), file, "sarif");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "E002");
    let related = &result["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "first defined here");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 14);
}

#[test]
fn an_absolute_spec_path_is_a_file_uri() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("my keys.yaml");
    fs::copy(
        root().join("tests/fixtures/invalid/e012-account-id.yaml"),
        &spec,
    )
    .unwrap();
    let (code, doc) = run(dir.path(), spec.to_str().unwrap(), "sarif");
    assert_eq!(code, 1);
    assert!(schema_errors(&doc).is_empty());
    let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/my%20keys.yaml"),
        "{uri}"
    );
}

#[test]
fn the_schema_is_really_checked() {
    // A log the schema must refuse: no version, and a result level SARIF does not know.
    let bad = json!({
        "runs": [{ "tool": { "driver": { "name": "kms-gen" } },
                   "results": [{ "message": { "text": "m" }, "level": "fatal" }] }]
    });
    let errors = schema_errors(&bad);
    assert!(errors.len() >= 2, "{errors:?}");
}
