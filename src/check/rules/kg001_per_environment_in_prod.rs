use super::common::names;
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{Strategy, Tier};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A production-tier environment with `strategy: per-environment` whose shared key
    /// (or a regulated class's shared key) serves more than one workload.
    ///
    /// ## Why it matters
    ///
    /// One key for all of production couples every workload on it: disabling or deleting
    /// it stops all of them, its policy grows with every team's principals, they share one
    /// rotation schedule, and CloudTrail mixes their use. The guidance allows a single
    /// environment key for small sandboxes, not for production with several workloads.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod:
    ///     account: "333333333333"
    ///     region: eu-west-1
    ///     tier: prod
    ///     strategy: per-environment
    /// workloads:
    ///   orders: { owner: team-orders, data_classes: [internal] }
    ///   billing: { owner: team-billing, data_classes: [internal] }
    /// ```
    ///
    /// Use `strategy: per-workload` (a key per workload) or `strategy: per-data-class`
    /// (a key per data class) in production.
    pub static RULE = {
        code: "KG001",
        name: "per-environment-in-prod",
        severity: Error,
        summary: "a per-environment key in a prod-tier environment serves several workloads",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        if env.tier != Tier::Prod || env.strategy != Strategy::PerEnvironment {
            continue;
        }
        // Pooled keys only: non-symmetric keys are planned per workload anyway.
        let mut crowded: Vec<_> = env
            .keys
            .iter()
            .filter(|k| k.identity.workload.is_none() && k.workloads.len() > 1)
            .collect();
        if crowded.is_empty() {
            continue;
        }
        crowded.sort_by(|a, b| {
            b.workloads
                .len()
                .cmp(&a.workloads.len())
                .then(a.id.cmp(&b.id))
        });
        let first = crowded[0];
        let mut message = format!(
            "per-environment key `{}` in {} serves {} workloads: {}",
            first.id,
            env.name,
            first.workloads.len(),
            names(&first.workloads, 4)
        );
        for other in &crowded[1..] {
            message.push_str(&format!(
                "; `{}` serves {}",
                other.id,
                other.workloads.len()
            ));
        }
        out.push(
            RULE.diag(message)
                .hint("use `strategy: per-workload` or `strategy: per-data-class` in prod")
                .at(cx.at(&ptr(&["environments", &env.name, "strategy"]))),
        );
    }
}
