//! Helpers shared by the integration tests: run the pipeline in process.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kms_gen::check::{self, PlanContext, SpecContext};
use kms_gen::plan::Plan;
use kms_gen::render::{FileSet, Target, Templates};

/// The built binary, run in `dir` with colour off, as a user's terminal-less CI would.
pub fn kms_gen(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kms-gen").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads, checks and plans a spec under the repository; panics with the
/// diagnostics if it has errors (fixtures used here must be valid).
pub fn plan(rel: &str) -> Plan {
    let path = root().join(rel);
    let loaded = kms_gen::load::load_file(&path).unwrap_or_else(|e| panic!("{rel}: {e:?}"));
    let cx = SpecContext {
        spec: &loaded.spec,
        source: &loaded.source,
    };
    let errors: Vec<_> = check::check_spec(&cx)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{rel}: {errors:#?}");
    let plan = kms_gen::plan::plan(&loaded.spec);
    let pcx = PlanContext {
        spec: &loaded.spec,
        source: &loaded.source,
        plan: &plan,
    };
    let errors: Vec<_> = check::relevel(&loaded.spec, check::check_plan(&pcx))
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{rel}: {errors:#?}");
    plan
}

/// Renders a spec for both targets with the built-in templates.
pub fn render(rel: &str) -> FileSet {
    let plan = plan(rel);
    let name = Path::new(rel)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let templates = Templates::load(None).expect("built-in templates compile");
    kms_gen::render::render(
        &plan,
        &name,
        &[Target::Terraform, Target::Cloudformation],
        &templates,
    )
    .unwrap_or_else(|e| panic!("{rel}: {e}"))
    .files
}
