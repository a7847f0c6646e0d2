use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::Tier;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Keys of prod-tier environments have a deletion window of 30 days, the most KMS
    /// allows. Reported where the shorter window is set: the workload's
    /// `deletion_window_days`, or `defaults.deletion_window_days`.
    ///
    /// ## Why it matters
    ///
    /// A KMS key cannot be recreated: once deleted, everything encrypted under it is lost.
    /// The deletion window is the only way back from a mistaken or malicious
    /// `ScheduleKeyDeletion`, and in production it should leave time to notice (a monthly
    /// review, an alarm on `ScheduleKeyDeletion` in CloudTrail) and cancel it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// defaults:
    ///   deletion_window_days: 7
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-workload }
    /// ```
    ///
    /// Use `deletion_window_days: 30` (the default), or set the short window only on the
    /// workloads that run outside production.
    pub static RULE = {
        code: "KG009",
        name: "short-deletion-window",
        severity: Warning,
        summary: "a deletion window below 30 days in a prod-tier environment",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut findings: IndexMap<String, (u32, Vec<String>)> = IndexMap::new();
    for env in cx.plan.environments.iter().filter(|e| e.tier == Tier::Prod) {
        for key in env.keys.iter().filter(|k| k.deletion_window_days < 30) {
            // The longest window wins on a shared key, so every workload on it is short.
            for w in &key.workloads {
                let own = spec.workloads.get(w).and_then(|w| w.deletion_window_days);
                let pointer = if own.is_some() {
                    ptr(&["workloads", w, "deletion_window_days"])
                } else {
                    ptr(&["defaults", "deletion_window_days"])
                };
                let f = findings
                    .entry(pointer)
                    .or_insert_with(|| (key.deletion_window_days, Vec::new()));
                push_unique(&mut f.1, key.id.clone());
            }
        }
    }
    for (pointer, (days, keys)) in findings {
        out.push(
            RULE.diag(format!(
                "production key{} {} can be deleted {days} days after it is scheduled",
                if keys.len() == 1 { "" } else { "s" },
                names(&keys, 3)
            ))
            .hint("use `deletion_window_days: 30` in production: the window is the only way back from a scheduled deletion")
            .at(cx.at(&pointer)),
        );
    }
}
