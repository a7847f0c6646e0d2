//! The guidance rules end to end: the examples, the strategy decisions the
//! design calls out (KG001, KG002), `lint:` re-levelling, and `explain`.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;

use common::{kms_gen, root};

/// `validate -f <file>` from `dir`: exit code and stderr.
fn validate(dir: &Path, file: &str) -> (i32, String) {
    let out = kms_gen(dir)
        .args(["validate", "-f", file])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The fixture `name` with `extra` appended, as `kms.yaml` in a fresh folder.
fn variant(name: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(root().join(name)).unwrap();
    fs::write(dir.path().join("kms.yaml"), format!("{text}{extra}")).unwrap();
    dir
}

fn snapshot(name: &str, code: i32, stderr: &str) {
    insta::with_settings!({ snapshot_path => "snapshots/lint", omit_expression => true }, {
        insta::assert_snapshot!(name, format!("{stderr}exit code: {code}"));
    });
}

#[test]
fn acme_is_a_clean_showcase() {
    let (code, stderr) = validate(&root(), "examples/acme.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
    // PCI and PHI are split off the dev environment's shared key, and kms-gen says so.
    for class in ["`pci`", "`phi`"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("info[KG002]") && l.contains(class)),
            "no KG002 for {class}:\n{stderr}"
        );
    }
    snapshot("acme", code, &stderr);
}

#[test]
fn minimal_validates_without_findings() {
    let (code, stderr) = validate(&root(), "examples/minimal.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings, 0 notes"), "{stderr}");
}

#[test]
fn pci_and_internal_under_per_environment_validate_with_a_kg002_note() {
    let file = "tests/fixtures/lint/pci-and-internal-per-environment.yaml";
    let (code, stderr) = validate(&root(), file);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("info[KG002]: PCI-DSS class `pci` got its own key `shared-pci-dev`"),
        "{stderr}"
    );
    snapshot("pci-and-internal-per-environment", code, &stderr);
}

#[test]
fn a_per_environment_key_for_several_prod_workloads_is_refused() {
    let file = "tests/fixtures/invalid/kg001-per-environment-in-prod.yaml";
    let (code, stderr) = validate(&root(), file);
    assert_eq!(code, 1, "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{file}:10:15: error[KG001]: per-environment key `shared-prod`"
        )),
        "{first}"
    );
    // The hint names the strategies to use instead.
    assert!(
        stderr.contains("per-workload") && stderr.contains("per-data-class"),
        "{stderr}"
    );
}

#[test]
fn a_guidance_warning_passes_and_can_be_denied_or_allowed() {
    let base = "tests/fixtures/lint/guidance-warnings.yaml";
    let (code, stderr) = validate(&root(), base);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[KG007]"), "{stderr}");

    let denied = variant(base, "lint:\n  deny: [KG007]\n");
    let (code, stderr) = validate(denied.path(), "kms.yaml");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("kms.yaml:18:17: error[KG007]"),
        "{stderr}"
    );

    let allowed = variant(base, "lint:\n  allow: [kg007]\n");
    let (code, stderr) = validate(allowed.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("KG007"), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings, 0 notes"), "{stderr}");
}

#[test]
fn default_errors_can_be_lowered_to_warnings() {
    // KG001 is an error by default.
    let kg001 = variant(
        "tests/fixtures/invalid/kg001-per-environment-in-prod.yaml",
        "lint:\n  warn: [KG001]\n",
    );
    let (code, stderr) = validate(kg001.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[KG001]"), "{stderr}");

    // KG003 is a warning that becomes an error in prod; `warn` keeps it a warning.
    let kg003 = variant(
        "tests/fixtures/invalid/kg003-separation-of-duties.yaml",
        "lint:\n  warn: [KG003]\n",
    );
    let (code, stderr) = validate(kg003.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[KG003]"), "{stderr}");
}

#[test]
fn a_code_in_two_lint_lists_is_refused() {
    let both = variant(
        "tests/fixtures/lint/guidance-warnings.yaml",
        "lint:\n  allow: [KG007]\n  deny: [KG007]\n",
    );
    let (code, stderr) = validate(both.path(), "kms.yaml");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "kms.yaml:21:10: error[E033]: KG007 is listed in both lint.allow and lint.deny"
        ),
        "{stderr}"
    );
}

#[test]
fn cross_account_access_is_switched_by_the_environment_not_by_lint() {
    let base = "tests/fixtures/invalid/kg006-cross-account-external.yaml";
    // `allow` and `warn` would emit the access the environment refuses: E033.
    for level in ["allow", "warn"] {
        let dir = variant(base, &format!("lint:\n  {level}: [kg006]\n"));
        let (code, stderr) = validate(dir.path(), "kms.yaml");
        assert_eq!(code, 1, "{level}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "kms.yaml:21:{}: error[E033]: lint.{level} names KG006",
                level.len() + 6
            )),
            "{level}: {stderr}"
        );
        assert!(stderr.contains("allow_cross_account: true"), "{stderr}");
    }
    // `deny` keeps it an error, which it is anyway.
    let dir = variant(base, "lint:\n  deny: [KG006]\n");
    let (code, stderr) = validate(dir.path(), "kms.yaml");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[KG006]") && !stderr.contains("E033"),
        "{stderr}"
    );
    // The switch itself: with allow_cross_account the external account is fine.
    let text = fs::read_to_string(root().join(base)).unwrap().replace(
        "    iam_delegation: admin\n",
        "    iam_delegation: admin\n    allow_cross_account: true\n",
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("kms.yaml"), text).unwrap();
    let (code, stderr) = validate(dir.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("KG006"), "{stderr}");
}

#[test]
fn a_class_that_forbids_replicas_is_a_bound_lint_cannot_lift() {
    let file = "tests/fixtures/invalid/e022-multi-region-forbidden-class.yaml";
    let (code, stderr) = validate(&root(), file);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[E022]"), "{stderr}");
    assert!(!stderr.contains("KG005"), "{stderr}");
    // Without the class bound, the workload may replicate.
    let text = fs::read_to_string(root().join(file))
        .unwrap()
        .replace(", multi_region: false", "");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("kms.yaml"), text).unwrap();
    let (code, stderr) = validate(dir.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn notes_can_be_allowed_and_json_shows_the_new_level() {
    let dir = variant(
        "tests/fixtures/lint/pci-and-internal-per-environment.yaml",
        "lint:\n  allow: [KG002]\n",
    );
    let (code, stderr) = validate(dir.path(), "kms.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("KG002"), "{stderr}");

    let dir = variant(
        "tests/fixtures/lint/pci-and-internal-per-environment.yaml",
        "lint:\n  warn: [KG002]\n",
    );
    let out = kms_gen(dir.path())
        .args(["validate", "-f", "kms.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kg002: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "KG002")
        .collect();
    assert_eq!(kg002.len(), 1, "{doc:#}");
    assert_eq!(kg002[0]["severity"], "warning");
    assert_eq!(kg002[0]["name"], "regulated-split");
    assert_eq!(doc["summary"]["warnings"], 1);
}

#[test]
fn explain_lists_every_rule_and_prints_each_one() {
    let out = kms_gen(&root()).arg("explain").output().unwrap();
    assert!(out.status.success());
    let list = String::from_utf8(out.stdout).unwrap();
    for rule in kms_gen::check::ALL {
        assert!(
            list.lines()
                .any(|l| l.starts_with(rule.code) && l.contains(rule.name)),
            "`explain` does not list {}",
            rule.code
        );
        let out = kms_gen(&root())
            .args(["explain", &rule.code.to_lowercase()])
            .output()
            .unwrap();
        assert!(out.status.success(), "explain {}", rule.code);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with(&format!("{} {}: ", rule.code, rule.name)),
            "{text}"
        );
        for part in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "```yaml",
        ] {
            assert!(text.contains(part), "explain {} lacks {part}", rule.code);
        }
    }
    let out = kms_gen(&root())
        .args(["explain", "KG001"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Default: error (re-levelable"), "{text}");
    let out = kms_gen(&root())
        .args(["explain", "KG999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
