//! The command line as users meet it: exit codes, help, and the new-user path.

mod common;

use std::fs;

use common::kms_gen;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_is_as_snapshotted() {
    let root = common::root();
    let mut all = String::new();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["validate", "--help"],
        vec!["render", "--help"],
        vec!["plan", "--help"],
        vec!["schema", "--help"],
        vec!["explain", "--help"],
    ] {
        let out = kms_gen(&root)
            .args(&args)
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        all.push_str(&format!(
            "$ kms-gen {}\n{}\n",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    insta::assert_snapshot!("help", all);
}

#[test]
fn a_new_user_can_init_validate_and_render_every_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    kms_gen(dir).arg("init").assert().success();
    let spec = fs::read_to_string(dir.join("kms.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=./schemas/kms-gen.schema.json\n"));
    assert_eq!(
        fs::read_to_string(dir.join("schemas/kms-gen.schema.json")).unwrap(),
        kms_gen::load::schema::to_pretty_string()
    );
    kms_gen(dir).arg("validate").assert().success();
    kms_gen(dir)
        .args(["render", "--target", "all"])
        .assert()
        .success();
    // dev pools its keys (per-environment); prod gives the workload its own.
    for (env, keys) in [("dev", "shared.tf"), ("prod", "example-app.tf")] {
        for file in ["versions.tf", "providers.tf", "outputs.tf", keys] {
            assert!(
                dir.join("out/terraform").join(env).join(file).is_file(),
                "{env}/{file}"
            );
        }
        assert!(
            dir.join(format!("out/cloudformation/{env}.yaml")).is_file(),
            "{env}.yaml"
        );
    }
    // And the output is current.
    kms_gen(dir)
        .args(["render", "--target", "all", "--check"])
        .assert()
        .success();
}

#[test]
fn init_in_another_folder_says_how_to_reach_the_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = kms_gen(dir)
        .args(["init", "--dir", "keys"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let next = "next: edit keys/kms.yaml, then run `kms-gen validate -f keys/kms.yaml` and `kms-gen render -f keys/kms.yaml --out keys/out --target all`";
    assert!(stderr(&out).contains(next), "{}", stderr(&out));
    // Both commands work as shown, from where init ran.
    kms_gen(dir)
        .args(["validate", "-f", "keys/kms.yaml"])
        .assert()
        .success();
    kms_gen(dir)
        .args([
            "render",
            "-f",
            "keys/kms.yaml",
            "--out",
            "keys/out",
            "--target",
            "all",
        ])
        .assert()
        .success();
    assert!(dir.join("keys/out/terraform/prod").is_dir());
    assert!(dir.join("keys/kms-gen.lock").is_file());
}

#[test]
fn init_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("kms.yaml"), "mine\n").unwrap();
    let out = kms_gen(tmp.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("kms.yaml exists; pass --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("kms.yaml")).unwrap(),
        "mine\n"
    );
    assert!(!tmp.path().join("schemas").exists(), "nothing written");
    kms_gen(tmp.path())
        .args(["init", "--force"])
        .assert()
        .success();
    assert_ne!(
        fs::read_to_string(tmp.path().join("kms.yaml")).unwrap(),
        "mine\n"
    );
}

#[test]
fn exit_codes_follow_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // 2: usage errors and unreadable files.
    kms_gen(dir).arg("--no-such-flag").assert().code(2);
    let out = kms_gen(dir)
        .args(["validate", "-f", "missing.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read missing.yaml"),
        "{}",
        stderr(&out)
    );
    kms_gen(dir).args(["explain", "KG999"]).assert().code(2);
    // 1: an invalid spec, and nothing is written.
    fs::write(dir.join("kms.yaml"), "version: 1\ndata_classes: {}\nenvironments:\n  prod: { account: \"1\", region: eu-west-1, tier: prod, strategy: per-workload }\n").unwrap();
    let out = kms_gen(dir).arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("kms.yaml:4:20: error[E012]: `1` is not an AWS account id"),
        "{}",
        stderr(&out)
    );
    kms_gen(dir)
        .args(["render", "--target", "all"])
        .assert()
        .code(1);
    assert!(!dir.join("out").exists(), "render wrote despite errors");
    // 0: a valid spec.
    kms_gen(dir)
        .args(["validate", "-f"])
        .arg(common::root().join("examples/minimal.yaml"))
        .assert()
        .success();
}

#[test]
fn a_spec_that_is_not_utf8_is_reported_where_the_bad_byte_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let spec = fs::read_to_string(common::root().join("examples/minimal.yaml")).unwrap();
    // `Cafe` with a Latin-1 `é` (0xE9), as an editor set to Windows-1252 saves it.
    let mut bytes = spec.replace("team-orders", "Caf?-orders").into_bytes();
    let at = bytes.iter().position(|b| *b == b'?').unwrap();
    bytes[at] = 0xE9;
    fs::write(dir.join("kms.yaml"), &bytes).unwrap();
    let line = spec[..at].matches('\n').count() + 1;
    for command in ["validate", "render", "plan"] {
        let out = kms_gen(dir).arg(command).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "kms.yaml:{line}:15: error[E001]: the spec is not UTF-8 text: byte 0xE9 here is not valid UTF-8\n"
            )),
            "{command}: {}",
            stderr(&out)
        );
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn plan_shows_every_key_and_its_policies() {
    let root = common::root();
    let out = kms_gen(&root)
        .args(["plan", "-f", "examples/minimal.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("plan_minimal_table", String::from_utf8_lossy(&out.stdout));

    let out = kms_gen(&root)
        .args(["plan", "-f", "examples/acme.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("plan --format json is JSON");
    let keys = plan["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 19);
    for key in keys {
        assert!(
            key["policy"]["Statement"]
                .as_array()
                .is_some_and(|s| !s.is_empty()),
            "{}",
            key["id"]
        );
    }
    let payments = keys
        .iter()
        .find(|k| k["id"] == "payments-pci-prod")
        .unwrap();
    assert_eq!(payments["replica"]["region"], "eu-central-1");
    assert!(
        payments["replica"]["policy"]
            .to_string()
            .contains("rds.eu-central-1.amazonaws.com")
    );
    assert!(
        payments["policy_with_grants"]
            .to_string()
            .contains("GrantPaymentsBatchDecrypt")
    );
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let root = common::root();
    let out = kms_gen(&root).arg("schema").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        fs::read_to_string(root.join("schemas/kms-gen.schema.json")).unwrap()
    );
}

#[test]
fn check_reports_stale_output_with_a_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::copy(
        common::root().join("examples/minimal.yaml"),
        dir.join("kms.yaml"),
    )
    .unwrap();
    kms_gen(dir).arg("render").assert().success();
    kms_gen(dir).args(["render", "--check"]).assert().success();
    let spec = fs::read_to_string(dir.join("kms.yaml"))
        .unwrap()
        .replace("team-orders", "team-fulfilment");
    fs::write(dir.join("kms.yaml"), spec).unwrap();
    let before = fs::read_to_string(dir.join("out/terraform/prod/orders.tf")).unwrap();
    let out = kms_gen(dir).args(["render", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("--- a/terraform/prod/orders.tf"), "{diff}");
    assert!(
        diff.contains("+    Owner       = \"team-fulfilment\""),
        "{diff}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("out/terraform/prod/orders.tf")).unwrap(),
        before,
        "--check wrote"
    );
}

#[test]
fn templates_can_be_overridden_and_template_errors_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::copy(
        common::root().join("examples/minimal.yaml"),
        dir.join("kms.yaml"),
    )
    .unwrap();
    fs::create_dir_all(dir.join("tpl/terraform")).unwrap();
    fs::write(
        dir.join("tpl/terraform/outputs.tf"),
        "{{ header }}\n# {{ keys | length }} keys\n",
    )
    .unwrap();
    kms_gen(dir)
        .args(["render", "--templates", "tpl"])
        .assert()
        .success();
    let outputs = fs::read_to_string(dir.join("out/terraform/prod/outputs.tf")).unwrap();
    assert!(outputs.ends_with("# 1 keys\n"), "{outputs}");

    fs::write(
        dir.join("tpl/terraform/outputs.tf"),
        "{{ header }}\n{% for k in keys %}\n",
    )
    .unwrap();
    let out = kms_gen(dir)
        .args(["render", "--templates", "tpl", "--out", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("template `terraform/outputs.tf`"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("other").exists());
}

#[test]
fn a_template_that_drops_the_generated_header_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::copy(
        common::root().join("examples/minimal.yaml"),
        dir.join("kms.yaml"),
    )
    .unwrap();
    fs::create_dir_all(dir.join("tpl/terraform")).unwrap();
    fs::write(
        dir.join("tpl/terraform/outputs.tf"),
        "# custom {{ env.name }}\n",
    )
    .unwrap();
    for args in [vec![], vec!["--check"]] {
        let out = kms_gen(dir)
            .args(["render", "--templates", "tpl"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("template `terraform/outputs.tf`: the rendered file does not start with the generated header `# Code generated by kms-gen from kms.yaml. DO NOT EDIT.`: keep `{{ header }}` on the template's first line"),
            "{err}"
        );
        assert!(!dir.join("out").exists(), "{args:?}: wrote output");
        assert!(
            !dir.join("kms-gen.lock").exists(),
            "{args:?}: wrote the lock"
        );
    }
    // With the header first, the same customisation renders, and renders again.
    fs::write(
        dir.join("tpl/terraform/outputs.tf"),
        "{{ header }}# custom {{ env.name }}\n",
    )
    .unwrap();
    for _ in 0..2 {
        kms_gen(dir)
            .args(["render", "--templates", "tpl"])
            .assert()
            .success();
    }
    assert!(
        fs::read_to_string(dir.join("out/terraform/prod/outputs.tf"))
            .unwrap()
            .ends_with("# custom prod\n")
    );
}

#[test]
fn a_file_in_the_templates_folder_that_is_no_template_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::copy(
        common::root().join("examples/minimal.yaml"),
        dir.join("kms.yaml"),
    )
    .unwrap();
    fs::create_dir_all(dir.join("tpl/terraform")).unwrap();
    fs::write(dir.join("tpl/terraform/nosuch.tf"), "{{ header }}\n").unwrap();
    let out = kms_gen(dir)
        .args(["render", "--templates", "tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: --templates tpl: this file is not a template kms-gen renders: `terraform/nosuch.tf`. A file there replaces the built-in template at the same relative path; the templates are terraform/versions.tf, terraform/providers.tf, terraform/keys.tf, terraform/outputs.tf, terraform/moved.tf, terraform/removed.tf, cloudformation/stack.yaml, cloudformation/dr.yaml\n"
    );
    assert!(!dir.join("out").exists());

    // A near miss names the template it likely means, in its folder or another.
    fs::remove_file(dir.join("tpl/terraform/nosuch.tf")).unwrap();
    fs::write(dir.join("tpl/terraform/output.tf"), "{{ header }}\n").unwrap();
    fs::write(dir.join("tpl/keys.tf"), "{{ header }}\n").unwrap();
    let out = kms_gen(dir)
        .args(["render", "--templates", "tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: --templates tpl: these files are not templates kms-gen renders: `keys.tf` (did you mean `terraform/keys.tf`?), `terraform/output.tf` (did you mean `terraform/outputs.tf`?). "),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command as StdCommand, Stdio};
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("kms-gen"))
        .args(["explain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(err.is_empty(), "{err}");
}
