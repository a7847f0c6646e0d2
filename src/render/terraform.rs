//! Terraform: one root module per environment under `terraform/<env>/`.

use std::path::PathBuf;

use serde::Serialize;

use super::{RenderError, Rendered, Templates, header, tidy};
use crate::plan::{EnvPlan, Key, Plan};

#[derive(Serialize)]
struct Context<'a> {
    header: String,
    env: &'a EnvPlan,
    keys: Vec<&'a Key>,
}

/// The file a key's resources go in: its workload's, or `shared.tf` for pooled keys.
pub fn file_of(key: &Key) -> String {
    format!(
        "{}.tf",
        key.identity.workload.as_deref().unwrap_or("shared")
    )
}

pub fn render(
    plan: &Plan,
    spec_name: &str,
    templates: &Templates,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    for env in &plan.environments {
        let dir = PathBuf::from("terraform").join(&env.name);
        let all: Vec<&Key> = env.keys.iter().collect();
        let base = Context {
            header: header(spec_name),
            env,
            keys: all.clone(),
        };
        for (template, file) in [
            ("terraform/versions.tf", "versions.tf"),
            ("terraform/providers.tf", "providers.tf"),
            ("terraform/outputs.tf", "outputs.tf"),
        ] {
            if file == "outputs.tf" && all.is_empty() {
                continue;
            }
            out.files
                .files
                .insert(dir.join(file), tidy(&templates.render(template, &base)?));
        }
        let mut by_file: std::collections::BTreeMap<String, Vec<&Key>> = Default::default();
        for key in &env.keys {
            by_file.entry(file_of(key)).or_default().push(key);
        }
        for (file, keys) in by_file {
            let context = Context {
                header: header(spec_name),
                env,
                keys,
            };
            out.files.files.insert(
                dir.join(file),
                tidy(&templates.render("terraform/keys.tf", &context)?),
            );
        }
    }
    Ok(())
}
