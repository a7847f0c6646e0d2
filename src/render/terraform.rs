//! Terraform: one root module per environment under `terraform/<env>/`.
//!
//! Besides the keys, two files carry a key's identity over time: `moved.tf`
//! (while a workload has `renamed_from`, Terraform moves each resource to its
//! new address instead of replacing it) and `removed.tf` (keys given up with
//! `--forget`: Terraform drops them from its state and keeps them in AWS).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{ForgottenEnv, RenderError, Rendered, Templates, header};
use crate::plan::{Key, Plan};

#[derive(Serialize)]
struct Context<'a, E: Serialize> {
    header: String,
    env: &'a E,
    keys: Vec<&'a Key>,
}

/// The file a key's resources go in: its workload's, or `shared.tf` for pooled keys.
pub fn file_of(key: &Key) -> String {
    format!(
        "{}.tf",
        key.identity.workload.as_deref().unwrap_or("shared")
    )
}

/// The Terraform addresses of one key's resources, as `keys.tf` declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addresses {
    pub key: String,
    /// The alias, then the aliases kept during a rename.
    pub aliases: Vec<String>,
    pub grants: Vec<String>,
    pub replica: Option<String>,
    /// The replica's alias, then those kept during a rename.
    pub replica_aliases: Vec<String>,
}

/// `aws_kms_alias.<name>` and, per alias kept during a rename, `<name>_previous_<n>`.
fn alias_addresses(name: &str, previous: usize) -> Vec<String> {
    std::iter::once(format!("aws_kms_alias.{name}"))
        .chain((1..=previous).map(|n| format!("aws_kms_alias.{name}_previous_{n}")))
        .collect()
}

/// The addresses of `key`'s resources; the lock records them, and `moved`
/// and `removed` blocks name them.
pub fn addresses(key: &Key) -> Addresses {
    let tf = &key.terraform_name;
    let previous = key.previous_aliases.len();
    Addresses {
        key: format!("aws_kms_key.{tf}"),
        aliases: alias_addresses(tf, previous),
        grants: key
            .grants
            .iter()
            .map(|g| format!("aws_kms_grant.{}", g.terraform_name))
            .collect(),
        replica: key
            .replica
            .as_ref()
            .map(|r| format!("aws_kms_replica_key.{}", r.terraform_name)),
        replica_aliases: key
            .replica
            .as_ref()
            .map(|r| alias_addresses(&r.terraform_name, previous))
            .unwrap_or_default(),
    }
}

#[derive(Debug, Serialize)]
struct Move {
    from: String,
    to: String,
}

/// One renamed key, or a key with grants of renamed workloads, and the
/// moves of its resources.
#[derive(Debug, Serialize)]
struct Rename {
    /// `payments-pci-prod is now card-payments-pci-prod`.
    title: String,
    moves: Vec<Move>,
}

/// The `moved` blocks of one key: from the addresses its previous identity
/// gave to the ones it has now. The old alias becomes the alias kept beside
/// the new one (`_previous_1`), so no alias is destroyed or recreated.
fn renames(key: &Key) -> Option<Rename> {
    let mut moves = Vec::new();
    let now = addresses(key);
    if let Some(previous) = &key.previous {
        let old_tf = previous.terraform_name();
        let mut push = |from: String, to: &str| {
            if from != to {
                moves.push(Move {
                    from,
                    to: to.to_string(),
                });
            }
        };
        push(format!("aws_kms_key.{old_tf}"), &now.key);
        push(
            format!("aws_kms_alias.{old_tf}"),
            now.aliases.last().expect("a key has an alias"),
        );
        // The replica's name is the key's plus a suffix.
        let old_replica = key.replica.as_ref().and_then(|r| {
            r.terraform_name
                .strip_prefix(key.terraform_name.as_str())
                .map(|suffix| format!("{old_tf}{suffix}"))
        });
        if let (Some(replica), Some(old_replica)) = (&now.replica, old_replica) {
            push(format!("aws_kms_replica_key.{old_replica}"), replica);
            push(
                format!("aws_kms_alias.{old_replica}"),
                now.replica_aliases.last().expect("a replica has an alias"),
            );
        }
    }
    // Grants hold their workload's name: a rename moves them even on a shared key.
    for g in &key.grants {
        if let Some(old) = &g.previous_terraform_name {
            moves.push(Move {
                from: format!("aws_kms_grant.{old}"),
                to: format!("aws_kms_grant.{}", g.terraform_name),
            });
        }
    }
    (!moves.is_empty()).then(|| Rename {
        title: match &key.previous {
            Some(p) => format!("{} is now {}", p.name(), key.id),
            None => format!("{}: grants of renamed workloads", key.id),
        },
        moves,
    })
}

#[derive(Serialize)]
struct MovedContext<'a> {
    header: String,
    env: &'a str,
    renames: Vec<Rename>,
}

#[derive(Serialize)]
struct RemovedContext<'a> {
    header: String,
    env: &'a ForgottenEnv,
}

/// Adds a file; two files at one path (a workload named like one of
/// kms-gen's own files, such as `removed`) are an error, never an overwrite.
fn insert(out: &mut Rendered, path: PathBuf, text: String) -> Result<(), RenderError> {
    if out.files.files.contains_key(&path) {
        return Err(RenderError::Conflict(format!(
            "two files would be written at {}: a workload named `{}` takes the name of a file kms-gen writes itself; rename the workload",
            path.display(),
            path.file_stem().unwrap_or_default().to_string_lossy()
        )));
    }
    out.files.files.insert(path, text);
    Ok(())
}

pub fn render(
    plan: &Plan,
    spec_name: &str,
    templates: &Templates,
    forgotten: &[ForgottenEnv],
    out: &mut Rendered,
) -> Result<(), RenderError> {
    for env in &plan.environments {
        let dir = PathBuf::from("terraform").join(&env.name);
        let gone = forgotten.iter().find(|f| f.name == env.name);
        let all: Vec<&Key> = env.keys.iter().collect();
        // A forgotten replica stays in Terraform's state under the DR provider
        // until the `removed` block is applied, so that provider must stay.
        let mut provider_env = env.clone();
        if provider_env.dr_region.is_none() {
            provider_env.dr_region = gone.and_then(|f| f.dr_region.clone());
        }
        for (template, file, env_ctx) in [
            ("terraform/versions.tf", "versions.tf", env),
            ("terraform/providers.tf", "providers.tf", &provider_env),
            ("terraform/outputs.tf", "outputs.tf", env),
        ] {
            if file == "outputs.tf" && all.is_empty() {
                continue;
            }
            let context = Context {
                header: header(spec_name),
                env: env_ctx,
                keys: all.clone(),
            };
            insert(
                out,
                dir.join(file),
                templates.file(template, &context, spec_name)?,
            )?;
        }
        let mut by_file: BTreeMap<String, Vec<&Key>> = Default::default();
        for key in &env.keys {
            by_file.entry(file_of(key)).or_default().push(key);
        }
        for (file, keys) in by_file {
            let context = Context {
                header: header(spec_name),
                env,
                keys,
            };
            insert(
                out,
                dir.join(file),
                templates.file("terraform/keys.tf", &context, spec_name)?,
            )?;
        }
        let renames: Vec<Rename> = env.keys.iter().filter_map(renames).collect();
        if !renames.is_empty() {
            let context = MovedContext {
                header: header(spec_name),
                env: &env.name,
                renames,
            };
            insert(
                out,
                dir.join("moved.tf"),
                templates.file("terraform/moved.tf", &context, spec_name)?,
            )?;
        }
        if let Some(gone) = gone {
            render_removed(spec_name, templates, gone, out)?;
        }
    }
    // Environments that left the spec but still have forgotten keys: the
    // `removed` blocks need a root module with its providers to be applied.
    for gone in forgotten {
        if plan.environments.iter().any(|e| e.name == gone.name) {
            continue;
        }
        let dir = PathBuf::from("terraform").join(&gone.name);
        for (template, file) in [
            ("terraform/versions.tf", "versions.tf"),
            ("terraform/providers.tf", "providers.tf"),
        ] {
            let context = Context {
                header: header(spec_name),
                env: gone,
                keys: Vec::new(),
            };
            insert(
                out,
                dir.join(file),
                templates.file(template, &context, spec_name)?,
            )?;
        }
        render_removed(spec_name, templates, gone, out)?;
    }
    Ok(())
}

fn render_removed(
    spec_name: &str,
    templates: &Templates,
    env: &ForgottenEnv,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    if env.keys.is_empty() {
        return Ok(());
    }
    let context = RemovedContext {
        header: header(spec_name),
        env,
    };
    insert(
        out,
        PathBuf::from("terraform")
            .join(&env.name)
            .join("removed.tf"),
        templates.file("terraform/removed.tf", &context, spec_name)?,
    )
}
