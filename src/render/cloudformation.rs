//! CloudFormation: one stack template per environment, `cloudformation/<env>.yaml`,
//! and one for its replicas in the DR region, `<env>-dr.yaml`.
//!
//! CloudFormation has no grant resource: each grant becomes a key-policy
//! statement for its grantee, and render warns about each one.

use std::path::PathBuf;

use serde::Serialize;

use super::{RenderError, Rendered, Templates, header};
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::policy::PolicyDocument;
use crate::plan::{EnvPlan, Key, Plan};

/// CloudFormation's stack limits.
pub const MAX_RESOURCES: usize = 500;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_INLINE_BYTES: usize = 51_200;

#[derive(Serialize)]
struct KeyContext<'a> {
    #[serde(flatten)]
    key: &'a Key,
    /// The key's policy with its grants as statements.
    cloudformation_policy: &'a PolicyDocument,
    /// Tags as CloudFormation's list of `{Key, Value}`.
    tag_list: Vec<Tag<'a>>,
    /// The replica's tags, likewise (empty without a replica).
    replica_tag_list: Vec<Tag<'a>>,
    /// The alias, then those kept during a rename.
    alias_resources: Vec<AliasResource<'a>>,
    /// The replica's aliases, likewise (empty without a replica).
    replica_alias_resources: Vec<AliasResource<'a>>,
}

/// An `AWS::KMS::Alias` resource. Its logical id follows the identity that
/// gave the alias (not the key's logical id, which a rename keeps), so a
/// rename adds the new alias as a new resource and leaves the old one as it
/// is: replacing an alias resource in place would create the old name twice.
#[derive(Serialize)]
struct AliasResource<'a> {
    logical_id: String,
    name: &'a str,
    /// Kept beside the new alias while `renamed_from` is in the spec.
    kept: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Tag<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Context<'a> {
    header: String,
    env: &'a EnvPlan,
    keys: Vec<KeyContext<'a>>,
    /// The primary outputs the DR template takes as parameters, as a JSON list.
    parameter_names: String,
}

pub fn render(
    plan: &Plan,
    spec_name: &str,
    templates: &Templates,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    let mut errors = Vec::new();
    for env in &plan.environments {
        let keys: Vec<KeyContext> = env.keys.iter().map(key_context).collect();
        for key in &env.keys {
            for g in &key.grants {
                out.warnings.push(format!(
                    "CloudFormation has no grant resource: grant `{}` of workload `{}` on key `{}` becomes a key-policy statement for {} in cloudformation/{}.yaml",
                    g.name, g.workload, key.id, g.grantee, env.name
                ));
            }
        }
        let primary = Context {
            header: header(spec_name),
            env,
            keys,
            parameter_names: String::new(),
        };
        let text = templates.file("cloudformation/stack.yaml", &primary, spec_name)?;
        let aliases: usize = env.keys.iter().map(|k| 1 + k.previous_aliases.len()).sum();
        check_limits(
            &env.name,
            &format!("{}.yaml", env.name),
            &text,
            env.keys.len() + aliases,
            0,
            env.keys.len(),
            &mut errors,
            &mut out.diagnostics,
        );
        out.files.files.insert(
            PathBuf::from("cloudformation").join(format!("{}.yaml", env.name)),
            text,
        );

        let replicated: Vec<KeyContext> = env
            .keys
            .iter()
            .filter(|k| k.replica.is_some())
            .map(key_context)
            .collect();
        if replicated.is_empty() {
            continue;
        }
        let names: Vec<String> = replicated
            .iter()
            .map(|k| format!("{}Arn", k.key.logical_id))
            .collect();
        let count = replicated.len();
        let resources = count
            + replicated
                .iter()
                .map(|k| k.replica_alias_resources.len())
                .sum::<usize>();
        let dr = Context {
            header: header(spec_name),
            env,
            keys: replicated,
            // A JMESPath list of raw strings: no double quotes, so the shell line quotes simply.
            parameter_names: format!(
                "[{}]",
                names
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        let text = templates.file("cloudformation/dr.yaml", &dr, spec_name)?;
        let file = format!("{}-dr.yaml", env.name);
        check_limits(
            &env.name,
            &file,
            &text,
            resources,
            count,
            count,
            &mut errors,
            &mut out.diagnostics,
        );
        out.files
            .files
            .insert(PathBuf::from("cloudformation").join(file), text);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RenderError::Limits(errors))
    }
}

fn key_context(key: &Key) -> KeyContext<'_> {
    KeyContext {
        key,
        cloudformation_policy: key.policy_with_grants.as_ref().unwrap_or(&key.policy),
        tag_list: tag_list(&key.tags),
        replica_tag_list: key
            .replica
            .as_ref()
            .map(|r| tag_list(&r.tags))
            .unwrap_or_default(),
        alias_resources: alias_resources(key, "Alias"),
        replica_alias_resources: if key.replica.is_some() {
            alias_resources(key, "ReplicaAlias")
        } else {
            Vec::new()
        },
    }
}

fn alias_resources<'a>(key: &'a Key, suffix: &str) -> Vec<AliasResource<'a>> {
    let current = AliasResource {
        logical_id: format!("{}{suffix}", key.identity.logical_id()),
        name: &key.alias,
        kept: false,
    };
    // The plan keeps one alias per previous identity.
    let kept = key
        .previous
        .iter()
        .zip(&key.previous_aliases)
        .map(|(previous, name)| AliasResource {
            logical_id: format!("{}{suffix}", previous.logical_id()),
            name,
            kept: true,
        });
    std::iter::once(current).chain(kept).collect()
}

fn tag_list(tags: &indexmap::IndexMap<String, String>) -> Vec<Tag<'_>> {
    tags.iter().map(|(k, v)| Tag { key: k, value: v }).collect()
}

#[allow(clippy::too_many_arguments)]
fn check_limits(
    env: &str,
    file: &str,
    text: &str,
    resources: usize,
    parameters: usize,
    outputs: usize,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    // E026 is documented with the other rules in `check`; render only reports it.
    const CODE: &str = "E026";
    let hint = "split the environment (one per account or business unit), or render Terraform";
    let over = [
        ("resources", resources, MAX_RESOURCES),
        ("parameters", parameters, MAX_PARAMETERS),
        ("outputs", outputs, MAX_OUTPUTS),
        ("bytes", text.len(), MAX_BODY_BYTES),
    ];
    for (what, n, max) in over {
        if n > max {
            errors.push(Diagnostic::error(CODE, format!("cloudformation/{file} of environment `{env}` has {n} {what}; CloudFormation allows {max}")).hint(hint));
        }
    }
    if text.len() > MAX_INLINE_BYTES && text.len() <= MAX_BODY_BYTES {
        warnings.push(
            Diagnostic::new(CODE, Severity::Warning, format!(
                "cloudformation/{file} is {} bytes, over the {MAX_INLINE_BYTES} CloudFormation takes inline",
                text.len()
            ))
            .hint("deploy it from S3 (`aws cloudformation deploy --s3-bucket …`)"),
        );
    }
}
