use indexmap::IndexMap;

use super::common::{names, push_unique};
use super::e019_tag_limits::MAX_VALUE;
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::plan::{EnvPlan, Key};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// The tags of every key and replica, as merged — kms-gen's own tags (Environment,
    /// DataClass, Owner, Workload, ManagedBy, Compliance), `defaults.tags`, the
    /// environment's and the workload's, placeholders expanded — stay within KMS's limits:
    /// at most 50 tags, and every value at most 256 characters.
    ///
    /// ## Why it matters
    ///
    /// KMS refuses to create or tag a key beyond these limits, at apply time. A value can
    /// pass every check as written and still grow too long once merged: a pooled key's
    /// Owner joins the owners of all its workloads with `+` when the environment names no
    /// `owner`, its DataClass joins its classes, and placeholders expand.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// defaults:
    ///   tags: { t01: a, t02: a, t03: a }   # … and 45 more, plus kms-gen's six
    /// ```
    ///
    /// Drop tags that cost reports do not read, or move detail into the description. For
    /// a long Owner on a shared key, set the environment's `owner`.
    pub static RULE = {
        code: "E020",
        name: "merged-tags",
        severity: Error,
        summary: "a key whose merged tags are more than 50, or have a value over 256 characters",
        check: crate::check::Check::Plan(check),
    }
}

pub const MAX_TAGS: usize = 50;

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    count(cx, out);
    values(cx, out);
}

fn count(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        for key in &env.keys {
            if key.tags.len() > MAX_TAGS {
                // The largest tag set written for this key is the one to trim.
                let env_tags = crate::source::ptr(&["environments", &env.name, "tags"]);
                let mut sets: Vec<(String, usize)> = vec![
                    ("/defaults/tags".to_string(), cx.spec.defaults.tags.len()),
                    (
                        env_tags,
                        cx.spec
                            .environments
                            .get(&env.name)
                            .map_or(0, |e| e.tags.len()),
                    ),
                ];
                for w in &key.workloads {
                    let n = cx.spec.workloads.get(w).map_or(0, |w| w.tags.len());
                    sets.push((crate::source::ptr(&["workloads", w, "tags"]), n));
                }
                let at = sets
                    .iter()
                    .filter(|(p, n)| *n > 0 && cx.is_written(p))
                    .max_by_key(|(_, n)| *n)
                    .and_then(|(p, _)| cx.key_at(p))
                    .or_else(|| key.origins.first().and_then(|o| cx.key_at(&o.pointer)));
                out.push(
                    RULE.diag(format!(
                        "key `{}` would carry {} tags; KMS allows {MAX_TAGS}",
                        key.id,
                        key.tags.len()
                    ))
                    .hint(format!(
                        "remove at least {} tag{} here, or from defaults, the environment or the workload; kms-gen sets Environment, DataClass, Owner, Workload and ManagedBy itself",
                        key.tags.len() - MAX_TAGS,
                        if key.tags.len() - MAX_TAGS == 1 { "" } else { "s" }
                    ))
                    .at(at),
                );
            }
        }
    }
}

/// A value over the limit, collected over the keys where it occurs.
struct LongValue {
    /// Point at the key that introduces the pointer (a name) rather than its value.
    at_key: bool,
    tag: String,
    chars: usize,
    keys: Vec<String>,
    hint: String,
}

fn values(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    // Keyed by where the fix goes and the tag, so one written value is reported once.
    let mut found: IndexMap<(String, String), LongValue> = IndexMap::new();
    for env in &cx.plan.environments {
        for key in &env.keys {
            let replica = key.replica.iter().map(|r| &r.tags);
            for tags in std::iter::once(&key.tags).chain(replica) {
                for (tag, value) in tags {
                    let chars = value.chars().count();
                    if chars <= MAX_VALUE {
                        continue;
                    }
                    let (pointer, hint, at_key) = source_of(cx, env, key, tag);
                    let f = found
                        .entry((pointer, tag.clone()))
                        .or_insert_with(|| LongValue {
                            at_key,
                            tag: tag.clone(),
                            chars,
                            keys: Vec::new(),
                            hint,
                        });
                    f.chars = f.chars.max(chars);
                    push_unique(&mut f.keys, key.id.clone());
                }
            }
        }
    }
    for ((pointer, _), f) in found {
        let (noun, keys) = if f.keys.len() == 1 {
            ("key", names(&f.keys, 3))
        } else {
            ("keys", names(&f.keys, 3))
        };
        out.push(
            RULE.diag(format!(
                "tag `{}` of {noun} {keys} would have a value of {} characters; KMS allows {MAX_VALUE}",
                f.tag, f.chars
            ))
            .hint(f.hint)
            .at(if f.at_key {
                cx.key_at(&pointer)
            } else {
                cx.at(&pointer)
            }),
        );
    }
}

/// Where the over-long value of `tag` on `key` comes from, what to shorten, and
/// whether to point at the name (key) there rather than the value.
fn source_of(cx: &PlanContext, env: &EnvPlan, key: &Key, tag: &str) -> (String, String, bool) {
    let spec = cx.spec;
    let env_pointer = ptr(&["environments", &env.name]);
    let workload_pointer = || {
        key.origins
            .first()
            .map_or_else(|| env_pointer.clone(), |o| o.pointer.clone())
    };
    match tag {
        "Owner" if key.identity.workload.is_none() => (
            env_pointer.clone(),
            format!(
                "the shared key's Owner joins the owners of its {} workloads with `+`; set `owner` on environment `{}` (the team that owns its shared keys)",
                key.workloads.len(),
                env.name
            ),
            true,
        ),
        "Owner" => (
            ptr(&["workloads", key.identity.workload_part(), "owner"]),
            "shorten the workload's `owner`".to_string(),
            false,
        ),
        "DataClass" | "Compliance" => (
            ptr(&["environments", &env.name, "strategy"]),
            format!(
                "the key holds {} data classes, joined with `+`; use shorter class names, or a strategy that splits keys per data class",
                key.data_classes.len()
            ),
            false,
        ),
        "Workload" => (
            workload_pointer(),
            "shorten the workload's name".to_string(),
            true,
        ),
        "Environment" => (
            env_pointer.clone(),
            "shorten the environment's name".to_string(),
            true,
        ),
        _ => {
            // The last tag set that defines it wins: the workload's, the environment's, defaults.
            let own = key
                .identity
                .workload
                .as_ref()
                .filter(|w| {
                    spec.workloads
                        .get(*w)
                        .is_some_and(|w| w.tags.contains_key(tag))
                })
                .map(|w| ptr(&["workloads", w, "tags", tag]));
            let from_env = spec
                .environments
                .get(&env.name)
                .filter(|e| e.tags.contains_key(tag))
                .map(|_| ptr(&["environments", &env.name, "tags", tag]));
            let pointer = own
                .or(from_env)
                .unwrap_or_else(|| ptr(&["defaults", "tags", tag]));
            (
                pointer,
                "shorten the value; placeholders in it are expanded first".to_string(),
                false,
            )
        }
    }
}
