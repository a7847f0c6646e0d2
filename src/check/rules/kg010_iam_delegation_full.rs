use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{IamDelegation, Tier};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Prod-tier environments with `iam_delegation: full` (also the default when the field
    /// is absent). A note.
    ///
    /// ## Why it matters
    ///
    /// `full` is AWS's default key policy statement: the account root gets `kms:*`, so any
    /// IAM policy in the account can grant use of the key, and who can decrypt is decided
    /// outside the spec and its review. `admin` gives the root administration and
    /// PutKeyPolicy only: the recovery path if the admin roles vanish stays, but use can
    /// only be granted in the key policy, that is in this spec.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod:
    ///     account: "333333333333"
    ///     region: eu-west-1
    ///     tier: prod
    ///     strategy: per-workload
    /// ```
    ///
    /// Add `iam_delegation: admin`.
    pub static RULE = {
        code: "KG010",
        name: "iam-delegation-full",
        severity: Info,
        summary: "the account root gets kms:* in a prod-tier environment",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        if env.tier != Tier::Prod
            || env.iam_delegation != IamDelegation::Full
            || env.keys.is_empty()
        {
            continue;
        }
        let field = ptr(&["environments", &env.name, "iam_delegation"]);
        // Absent means the default: point at the environment's name instead.
        let (at, how) = if cx.is_written(&field) {
            (cx.at(&field), "`iam_delegation: full`")
        } else {
            (
                cx.key_at(&ptr(&["environments", &env.name])),
                "`iam_delegation: full` (the default)",
            )
        };
        out.push(
            RULE.diag(format!(
                "production environment `{}` has {how}: IAM policies can grant use of its keys outside the spec",
                env.name
            ))
            .hint("set `iam_delegation: admin`: the account root keeps the recovery path without granting key use")
            .at(at),
        );
    }
}
