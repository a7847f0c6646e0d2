use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{Strategy, Tier};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `multi_region: true` on a workload, where it would make multi-Region a pooled key
    /// of a prod-tier environment with `strategy: per-environment` — one global key for
    /// all of production.
    ///
    /// (`multi_region: true` on a key holding a class with `multi_region: false` is a
    /// class bound, reported by E022 as a hard error.)
    ///
    /// ## Why it matters
    ///
    /// Replicas share key material with the primary: whoever can use a replica in the DR
    /// region can decrypt everything encrypted under the primary. Multi-Region keys belong
    /// to the workloads or data classes whose DR needs them, not to a key all of
    /// production shares.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, dr_region: eu-central-1, tier: prod, strategy: per-environment }
    /// workloads:
    ///   orders:
    ///     owner: team-orders
    ///     data_classes: [internal]
    ///     multi_region: true
    /// ```
    ///
    /// In production, use per-workload or per-data-class keys for DR, so only the data that
    /// needs it is replicated; or remove `multi_region: true`.
    pub static RULE = {
        code: "KG005",
        name: "multi-region-scope",
        severity: Error,
        summary: "multi_region on a per-environment key all of prod shares",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    // Keyed by workload: the workload's `multi_region` line is the cause.
    let mut global: IndexMap<String, Vec<String>> = IndexMap::new();
    for env in &cx.plan.environments {
        let pooled_prod = env.tier == Tier::Prod && env.strategy == Strategy::PerEnvironment;
        if !pooled_prod {
            continue;
        }
        for key in env
            .keys
            .iter()
            .filter(|k| k.multi_region && k.identity.workload.is_none())
        {
            let askers = key.workloads.iter().filter(|w| {
                spec.workloads
                    .get(*w)
                    .is_some_and(|w| w.multi_region == Some(true))
            });
            for w in askers {
                push_unique(global.entry(w.clone()).or_default(), key.id.clone());
            }
        }
    }
    for (w, keys) in global {
        out.push(
            RULE.diag(format!(
                "workload `{w}` makes the per-environment key {} multi-Region: one global key for all of prod",
                names(&keys, 3)
            ))
            .hint("use per-workload or per-data-class keys in prod so only this workload's data is replicated, or remove `multi_region`")
            .at(cx.at(&ptr(&["workloads", &w, "multi_region"]))),
        );
    }
}
