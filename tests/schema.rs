//! The checked-in JSON Schema is the one the spec types generate.

mod common;

#[test]
fn the_checked_in_schema_is_current() {
    let path = common::root().join("schemas/kms-gen.schema.json");
    let on_disk = std::fs::read_to_string(&path).expect("schemas/kms-gen.schema.json exists");
    let generated = kms_gen::load::schema::to_pretty_string();
    assert!(
        on_disk == generated,
        "schemas/kms-gen.schema.json is stale: regenerate it with `cargo run -- schema > schemas/kms-gen.schema.json`"
    );
}

#[test]
fn the_schema_is_a_valid_draft_07_schema_that_accepts_the_examples() {
    let schema = kms_gen::load::schema::generate();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for spec in [
        "examples/acme.yaml",
        "examples/minimal.yaml",
        "templates/init/kms.yaml",
    ] {
        let text = std::fs::read_to_string(common::root().join(spec)).unwrap();
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{spec}: {errors:?}");
    }
}
