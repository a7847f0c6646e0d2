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
                let at = key.origins.first().and_then(|o| {
                    cx.key_at(&format!("{}/tags", o.pointer))
                        .or_else(|| cx.key_at("/defaults/tags"))
                });
                out.push(
                    RULE.diag(format!(
                        "key `{}` would carry {} tags; KMS allows {MAX_TAGS}",
                        key.id,
                        key.tags.len()
                    ))
                    .hint("remove tags from defaults, the environment or the workload")
                    .at(at),
                );
            }
        }
    }
}
