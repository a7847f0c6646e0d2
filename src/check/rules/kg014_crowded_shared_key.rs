use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{Strategy, Tier};
use crate::source::ptr;

/// More owners than this on one pooled key is reported.
const MAX_OWNERS: usize = 4;

declare_rule! {
    /// ## What it checks
    ///
    /// A key pooled by `per-environment` or `per-data-class` serves workloads of more than
    /// four owners (teams). Production keys under `per-environment` are KG001's.
    ///
    /// ## Why it matters
    ///
    /// A shared key is fine for a few similar workloads. Across many teams its policy grows
    /// with every team's principals and gets hard to audit, one team's incident (disable
    /// the key, rotate it, schedule its deletion) hits all of them, no team can set its own
    /// rotation or deletion window, and CloudTrail mixes their use. Teams that need their
    /// own key administrators need their own keys.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   test: { account: "222222222222", region: eu-west-1, tier: nonprod, strategy: per-data-class }
    /// workloads:
    ///   orders:   { owner: team-orders,   data_classes: [internal] }
    ///   billing:  { owner: team-billing,  data_classes: [internal] }
    ///   search:   { owner: team-search,   data_classes: [internal] }
    ///   mail:     { owner: team-mail,     data_classes: [internal] }
    ///   identity: { owner: team-identity, data_classes: [internal] }
    /// ```
    ///
    /// Use `strategy: per-workload` (or `per-workload-data-class`) in `test`.
    pub static RULE = {
        code: "KG014",
        name: "crowded-shared-key",
        severity: Warning,
        summary: "one pooled key serves the workloads of many teams",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        if env.tier == Tier::Prod && env.strategy == Strategy::PerEnvironment {
            continue;
        }
        for key in env.keys.iter().filter(|k| k.identity.workload.is_none()) {
            let mut owners: Vec<&str> = Vec::new();
            for w in &key.workloads {
                if let Some(ws) = cx.spec.workloads.get(w) {
                    push_unique(&mut owners, ws.owner.as_str());
                }
            }
            if owners.len() <= MAX_OWNERS {
                continue;
            }
            owners.sort();
            out.push(
                RULE.diag(format!(
                    "shared key `{}` serves {} workloads of {} teams: {}",
                    key.id,
                    key.workloads.len(),
                    owners.len(),
                    names(&owners, 4)
                ))
                .hint("a key shared by many teams couples their blast radius, policy and rotation: use `strategy: per-workload` or `per-workload-data-class` here")
                .at(cx.at(&ptr(&["environments", &env.name, "strategy"]))),
            );
        }
    }
}
