use super::common::names;
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::plan::runs_in;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload with `multi_region: true` runs in at least one environment that has a
    /// `dr_region`.
    ///
    /// ## Why it matters
    ///
    /// Replicas go to each environment's `dr_region`; with none, the keys are multi-Region
    /// but never replicated. That is allowed (adding a `dr_region` later then does not
    /// replace the keys), but it is usually a forgotten `dr_region`, and multi-Region keys
    /// should exist only where disaster recovery needs them.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-workload }
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [internal]
    ///     multi_region: true
    /// ```
    ///
    /// Add `dr_region: eu-central-1` to `prod`, or remove `multi_region: true`.
    pub static RULE = {
        code: "KG011",
        name: "multi-region-without-dr",
        severity: Warning,
        summary: "multi_region asked for, but no environment of the workload has a dr_region",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        if w.multi_region != Some(true) {
            continue;
        }
        let envs: Vec<&crate::plan::EnvPlan> = cx
            .plan
            .environments
            .iter()
            .filter(|e| runs_in(w, &e.name))
            .collect();
        if envs.is_empty() || envs.iter().any(|e| e.dr_region.is_some()) {
            continue;
        }
        let env_names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
        let (which, target) = if env_names.len() == 1 {
            (
                format!("its environment `{}` has no dr_region", env_names[0]),
                format!("`{}`", env_names[0]),
            )
        } else {
            (
                format!(
                    "none of its environments ({}) has a dr_region",
                    names(&env_names, 4)
                ),
                "the environments that need DR".to_string(),
            )
        };
        out.push(
            RULE.diag(format!(
                "workload `{name}` asks for multi-Region keys, but {which}: nothing is replicated"
            ))
            .hint(format!(
                "add `dr_region:` to {target}, or remove `multi_region: true`"
            ))
            .at(cx.at(&ptr(&["workloads", name, "multi_region"]))),
        );
    }
}
