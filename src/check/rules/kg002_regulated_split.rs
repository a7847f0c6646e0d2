use indexmap::IndexMap;

use super::common::names;
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::Strategy;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Under `per-environment` and `per-workload`, which do not split keys by data class,
    /// a regulated class (one with `compliance` set) was planned onto a key of its own,
    /// apart from the key the strategy would have put it on with other data.
    /// This is a note: it explains why `plan` shows more keys than the strategy suggests.
    ///
    /// ## Why it matters
    ///
    /// Workloads with different regulatory requirements should not share a key: PCI or
    /// HIPAA scope would extend to everything encrypted under it, and its rotation,
    /// deletion window and audit trail would be set by the strictest regime for all. So
    /// kms-gen isolates regulated data by construction, whatever the strategy, and keeps
    /// the class in the key's identity so adding a class later never moves that data.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// data_classes:
    ///   internal: {}
    ///   pci: { compliance: PCI-DSS }
    /// environments:
    ///   dev: { account: "111111111111", region: eu-west-1, tier: sandbox, strategy: per-environment }
    /// workloads:
    ///   payments: { owner: team-payments, data_classes: [pci] }
    ///   reports: { owner: team-data, data_classes: [internal] }
    /// ```
    ///
    /// dev gets `shared-dev` for internal data and `shared-pci-dev` for PCI data. Nothing
    /// to fix; `lint: { allow: [KG002] }` hides the note.
    pub static RULE = {
        code: "KG002",
        name: "regulated-split",
        severity: Info,
        summary: "a regulated data class was given a key of its own, apart from the strategy",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        // The other strategies put the class in every key's identity already.
        if !matches!(
            env.strategy,
            Strategy::PerEnvironment | Strategy::PerWorkload
        ) {
            continue;
        }
        // A split happened where another key has the same owner and service: without
        // the regulated class in its identity, this data would have been on that key.
        let mut by_class: IndexMap<&str, (Vec<&str>, Vec<&str>)> = IndexMap::new();
        for key in &env.keys {
            let Some(class) = key.identity.data_class.as_deref() else {
                continue;
            };
            let regulated = cx
                .spec
                .data_classes
                .get(class)
                .is_some_and(|c| c.compliance.is_some());
            let siblings: Vec<&crate::plan::Key> = env
                .keys
                .iter()
                .filter(|k| {
                    k.id != key.id
                        && k.identity.workload == key.identity.workload
                        && k.identity.service == key.identity.service
                })
                .collect();
            // Name the unregulated keys it was split from; other regulated keys only if none.
            let plain: Vec<&str> = siblings
                .iter()
                .filter(|k| k.compliance.is_empty())
                .map(|k| k.id.as_str())
                .collect();
            let siblings: Vec<&str> = if plain.is_empty() {
                siblings.iter().map(|k| k.id.as_str()).collect()
            } else {
                plain
            };
            if regulated && !siblings.is_empty() {
                let entry = by_class.entry(class).or_default();
                entry.0.push(&key.id);
                for s in siblings {
                    if !entry.1.contains(&s) {
                        entry.1.push(s);
                    }
                }
            }
        }
        for (class, (keys, apart)) in by_class {
            let regime = cx
                .spec
                .data_classes
                .get(class)
                .and_then(|c| c.compliance.as_deref())
                .unwrap_or_default();
            let got = if keys.len() == 1 {
                format!("its own key {}", names(&keys, 1))
            } else {
                format!("keys of its own ({})", names(&keys, 3))
            };
            out.push(
                RULE.diag(format!(
                    "{regime} class `{class}` got {got}, apart from {}, under strategy {} in `{}`",
                    names(&apart, 3),
                    env.strategy.as_str(),
                    env.name
                ))
                .hint("regulated data never shares a key with other classes; nothing to change")
                .at(cx.at(&ptr(&["environments", &env.name, "strategy"]))),
            );
        }
    }
}
