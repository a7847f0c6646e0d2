use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// No key carries more than 50 tags once kms-gen's own tags, `defaults.tags`, the
    /// environment's and the workload's are merged.
    ///
    /// ## Why it matters
    ///
    /// KMS allows 50 tags per key and refuses to create or tag a key beyond that.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// defaults:
    ///   tags: { t01: a, t02: a, t03: a }   # … and 45 more, plus kms-gen's six
    /// ```
    ///
    /// Drop tags that cost reports do not read, or move detail into the description.
    pub static RULE = {
        code: "E020",
        name: "tag-count",
        severity: Error,
        summary: "a key with more than 50 tags",
        check: crate::check::Check::Plan(check),
    }
}

pub const MAX_TAGS: usize = 50;

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
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
