use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{Strategy, Tier};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `multi_region: true` on a workload, where it would make multi-Region:
    ///
    /// - a pooled key of a prod-tier environment with `strategy: per-environment` — one
    ///   global key for all of production; or
    /// - a key holding a data class with `multi_region: false`, including a class of
    ///   another workload that shares the key.
    ///
    /// ## Why it matters
    ///
    /// Replicas share key material with the primary: whoever can use a replica in the DR
    /// region can decrypt everything encrypted under the primary. Multi-Region keys belong
    /// to the workloads or data classes whose DR needs them, not to a key all of
    /// production shares, and never to a class whose data must stay in one region.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// data_classes:
    ///   residency: { multi_region: false }
    /// workloads:
    ///   registry:
    ///     owner: team-gov
    ///     data_classes: [residency]
    ///     multi_region: true
    /// ```
    ///
    /// Remove `multi_region: true`, or move the data that needs DR into a class that allows
    /// replicas. In production, use per-workload or per-data-class keys for DR.
    pub static RULE = {
        code: "KG005",
        name: "multi-region-scope",
        severity: Error,
        summary: "multi_region on a key all of prod shares, or on a class that forbids replicas",
        check: crate::check::Check::Plan(check),
    }
}

#[derive(Default)]
struct Finding {
    keys: Vec<String>,
    classes: Vec<String>,
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    // Keyed by (workload, reason): the workload's `multi_region` line is the cause.
    let mut global: IndexMap<String, Finding> = IndexMap::new();
    let mut forbidden: IndexMap<String, Finding> = IndexMap::new();
    for env in &cx.plan.environments {
        for key in env.keys.iter().filter(|k| k.multi_region) {
            let askers = key.workloads.iter().filter(|w| {
                spec.workloads
                    .get(*w)
                    .is_some_and(|w| w.multi_region == Some(true))
            });
            let pooled_prod = env.tier == Tier::Prod
                && env.strategy == Strategy::PerEnvironment
                && key.identity.workload.is_none();
            let no_replicas: Vec<&String> = key
                .data_classes
                .iter()
                .filter(|c| {
                    spec.data_classes
                        .get(*c)
                        .is_some_and(|c| c.multi_region == Some(false))
                })
                .collect();
            for w in askers {
                if pooled_prod {
                    push_unique(
                        &mut global.entry(w.clone()).or_default().keys,
                        key.id.clone(),
                    );
                }
                if !no_replicas.is_empty() {
                    let f = forbidden.entry(w.clone()).or_default();
                    push_unique(&mut f.keys, key.id.clone());
                    for c in &no_replicas {
                        push_unique(&mut f.classes, (*c).clone());
                    }
                }
            }
        }
    }
    for (w, f) in global {
        out.push(
            RULE.diag(format!(
                "workload `{w}` makes the per-environment key {} multi-Region: one global key for all of prod",
                names(&f.keys, 3)
            ))
            .hint("use per-workload or per-data-class keys in prod so only this workload's data is replicated, or remove `multi_region`")
            .at(cx.at(&ptr(&["workloads", &w, "multi_region"]))),
        );
    }
    for (w, f) in forbidden {
        let classes = names(&f.classes, 3);
        let (noun, verb) = if f.classes.len() == 1 {
            ("class", "forbids")
        } else {
            ("classes", "forbid")
        };
        out.push(
            RULE.diag(format!(
                "workload `{w}` makes {} multi-Region, but {noun} {classes} on it {verb} replicas",
                names(&f.keys, 3)
            ))
            .hint(format!(
                "remove `multi_region: true`, or keep {classes} data on keys of workloads without it (a per-data-class or per-workload-data-class strategy)"
            ))
            .at(cx.at(&ptr(&["workloads", &w, "multi_region"]))),
        );
    }
}
