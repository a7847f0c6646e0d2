use super::common::names;
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{IamDelegation, Tier};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Every key of a prod-tier environment has at least one key administrator, from the
    /// environment's `key_admins` or its workloads' `key_admins`.
    ///
    /// ## Why it matters
    ///
    /// Without named administrators, a production key is administered only through the
    /// account root (that is, by whoever IAM lets act for it) and the deployer: nobody is
    /// accountable for disabling it in an incident, cancelling a scheduled deletion or
    /// reviewing its aliases, and administration is not separated from the pipeline that
    /// deploys it. The guidance: enforce admin boundaries through key policies.
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
    ///     iam_delegation: admin
    /// ```
    ///
    /// Add `key_admins: ["arn:aws:iam::{account}:role/KeyAdmins"]` to the environment (or to
    /// the workloads whose teams administer their own keys).
    pub static RULE = {
        code: "KG012",
        name: "no-key-admins",
        severity: Warning,
        summary: "a prod-tier key without key administrators",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in cx.plan.environments.iter().filter(|e| e.tier == Tier::Prod) {
        let bare: Vec<&str> = env
            .keys
            .iter()
            .filter(|k| k.admins.is_empty())
            .map(|k| k.id.as_str())
            .collect();
        if bare.is_empty() {
            continue;
        }
        let who = match env.iam_delegation {
            IamDelegation::None => "the deployer",
            _ if env.deployer.is_some() => "the account root and the deployer",
            _ => "the account root",
        };
        out.push(
            RULE.diag(format!(
                "{} in production environment `{}` {} no key admins: only {who} can administer {}",
                names(&bare, 3),
                env.name,
                if bare.len() == 1 { "has" } else { "have" },
                if bare.len() == 1 { "it" } else { "them" },
            ))
            .hint("add `key_admins: [\"arn:aws:iam::{account}:role/KeyAdmins\"]` to the environment, or to the workloads")
            .at(cx.key_at(&ptr(&["environments", &env.name]))),
        );
    }
}
