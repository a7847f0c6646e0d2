use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::plan::policy::to_json;

declare_rule! {
    /// ## What it checks
    ///
    /// Every key policy kms-gen builds (the key's, its replica's, and the CloudFormation
    /// form with grants) stays within KMS's 32 KB.
    ///
    /// ## Why it matters
    ///
    /// KMS rejects a larger policy. A shared key collects every workload's users and
    /// service statements, so it is usually the first to hit the limit; that is also a
    /// sign the key serves too many workloads.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-environment }
    /// # … and 200 workloads, each with its own key_users
    /// ```
    ///
    /// Split the key: use `per-workload` or `per-data-class`.
    pub static RULE = {
        code: "E024",
        name: "policy-size",
        severity: Error,
        summary: "a key policy over 32 KB",
        check: crate::check::Check::Plan(check),
    }
}

pub const MAX_BYTES: usize = 32 * 1024;

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        for key in &env.keys {
            let policies = std::iter::once(("policy", &key.policy))
                .chain(
                    key.policy_with_grants
                        .iter()
                        .map(|p| ("CloudFormation policy", p)),
                )
                .chain(key.replica.iter().map(|r| ("replica policy", &r.policy)));
            for (what, policy) in policies {
                let size = to_json(policy).len();
                if size > MAX_BYTES {
                    let at = cx.key_at(&format!("/environments/{}/strategy", env.name));
                    out.push(
                        RULE.diag(format!("the {what} of key `{}` is {size} bytes; KMS allows {MAX_BYTES}", key.id))
                            .hint("split the key between fewer workloads (per-workload or per-data-class), or use principal patterns")
                            .at(at),
                    );
                }
            }
        }
    }
}
