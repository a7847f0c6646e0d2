use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::Tier;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload with keys in a prod-tier environment names some way to use them:
    /// `key_users`, `services`, `grants` or `external_accounts`.
    ///
    /// ## Why it matters
    ///
    /// With none of these, the key policy lets nobody encrypt or decrypt: the keys cost
    /// money every month and protect nothing, or the workload's roles get access some
    /// other way (IAM policies through `iam_delegation: full`), outside the spec and its
    /// review. Usually the `key_users` line was forgotten.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   reports:
    ///     owner: team-data
    ///     data_classes: [internal]
    /// ```
    ///
    /// Add `key_users: ["arn:aws:iam::{account}:role/reports-{env}"]`, or the services that
    /// use the key (`services: [s3]`).
    pub static RULE = {
        code: "KG013",
        name: "unused-key",
        severity: Warning,
        summary: "a workload's production keys that nothing may use",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let used = !w.key_users.is_empty()
            || !w.services.is_empty()
            || !w.grants.is_empty()
            || !w.external_accounts.is_empty();
        if used {
            continue;
        }
        let mut keys: Vec<&str> = Vec::new();
        for env in cx.plan.environments.iter().filter(|e| e.tier == Tier::Prod) {
            for key in env.keys.iter().filter(|k| k.workloads.contains(name)) {
                push_unique(&mut keys, key.id.as_str());
            }
        }
        if keys.is_empty() {
            continue;
        }
        out.push(
            RULE.diag(format!(
                "workload `{name}` names no key_users, services, grants or external_accounts, so the key policy gives it no way to use {}",
                names(&keys, 3)
            ))
            .hint("add the roles that use the key to `key_users`, or the AWS services that use it to `services`")
            .at(cx.key_at(&ptr(&["workloads", name]))),
        );
    }
}
