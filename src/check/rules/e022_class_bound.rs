use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::plan::{Identity, identities, runs_in};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload's explicit settings stay within the bounds of each of its data classes:
    /// rotation period at most the class's `rotation.period_days`, rotation not disabled
    /// where the class sets `rotation.enabled: true`, deletion window at least the class's
    /// `deletion_window_days`; and `multi_region: true` never makes multi-Region a key
    /// that holds a class with `multi_region: false` — the workload's own class, or
    /// another workload's class on a key they share.
    ///
    /// ## Why it matters
    ///
    /// Data-class bounds are the compliance floor (PCI-DSS asks for yearly rotation, say;
    /// residency rules keep data in one region). An inherited default outside a bound is
    /// clamped silently; an explicit workload value outside it is a contradiction only the
    /// author can resolve. A bound is written in the spec, so it is a hard error: no
    /// `lint:` setting lifts it. Replicas share key material with the primary, so a
    /// multi-Region key holding a class that forbids replicas would take that class's
    /// protection to the DR region.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// data_classes:
    ///   pci: { compliance: PCI-DSS, rotation: { period_days: 365 } }
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     rotation: { period_days: 730 }
    /// ```
    ///
    /// Rotate at least yearly: `period_days: 365` or less. Likewise `multi_region: true` on a
    /// workload holding a class with `multi_region: false` is refused: remove it, or move
    /// the data that needs DR into a class that allows replicas.
    pub static RULE = {
        code: "E022",
        name: "class-bound",
        severity: Error,
        summary: "an explicit workload setting outside its data class's bounds, including multi_region",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    settings(cx, out);
    multi_region(cx, out);
}

fn settings(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        for class in &w.data_classes {
            let Some(bound) = cx.spec.data_classes.get(class) else {
                continue;
            };
            let rotation = w.rotation.unwrap_or_default();
            let class_rotation = bound.rotation.unwrap_or_default();
            if let (Some(days), Some(max)) = (rotation.period_days, class_rotation.period_days)
                && days > max
            {
                out.push(
                        RULE.diag(format!("workload `{name}` rotates every {days} days; class `{class}` allows at most {max}"))
                            .hint(format!("set `period_days: {max}` or less"))
                            .at(cx.at(&ptr(&["workloads", name, "rotation", "period_days"]))),
                    );
            }
            if rotation.enabled == Some(false) && class_rotation.enabled == Some(true) {
                out.push(
                    RULE.diag(format!(
                        "workload `{name}` disables rotation; class `{class}` requires it"
                    ))
                    .hint("remove `enabled: false`")
                    .at(cx.at(&ptr(&[
                        "workloads",
                        name,
                        "rotation",
                        "enabled",
                    ]))),
                );
            }
            if let (Some(days), Some(min)) = (w.deletion_window_days, bound.deletion_window_days)
                && days < min
            {
                out.push(
                        RULE.diag(format!("workload `{name}` has a {days}-day deletion window; class `{class}` needs at least {min}"))
                            .hint(format!("set `deletion_window_days: {min}` or more"))
                            .at(cx.at(&ptr(&["workloads", name, "deletion_window_days"]))),
                    );
            }
        }
    }
}

/// What one workload's `multi_region: true` runs into.
#[derive(Default)]
struct Replicated {
    keys: Vec<String>,
    classes: Vec<String>,
    /// Whether some forbidding class belongs to another workload on a shared key.
    others: bool,
}

/// `multi_region: true` on a key holding a class with `multi_region: false`, whoever's
/// class it is: the keys are grouped exactly as planning groups them.
fn multi_region(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let forbids = |class: &str| {
        spec.data_classes
            .get(class)
            .is_some_and(|c| c.multi_region == Some(false))
    };
    let mut found: IndexMap<&str, Replicated> = IndexMap::new();
    for env in spec.environments.keys() {
        let mut keys: IndexMap<Identity, Vec<(&str, &str)>> = IndexMap::new();
        for (name, w) in &spec.workloads {
            if !runs_in(w, env) {
                continue;
            }
            for class in w
                .data_classes
                .iter()
                .filter(|c| spec.data_classes.contains_key(*c))
            {
                for (identity, _) in identities(spec, env, name, w, class) {
                    keys.entry(identity).or_default().push((name, class));
                }
            }
        }
        for (identity, members) in &keys {
            let askers = members
                .iter()
                .map(|(w, _)| *w)
                .filter(|w| spec.workloads[*w].multi_region == Some(true));
            for asker in askers {
                let forbidding: Vec<&(&str, &str)> =
                    members.iter().filter(|(_, c)| forbids(c)).collect();
                if forbidding.is_empty() {
                    continue;
                }
                let r = found.entry(asker).or_default();
                push_unique(&mut r.keys, identity.name());
                for (w, c) in forbidding {
                    push_unique(&mut r.classes, c.to_string());
                    r.others |= *w != asker;
                }
            }
        }
    }
    for (w, r) in found {
        let classes = names(&r.classes, 3);
        let (noun, verb) = if r.classes.len() == 1 {
            ("class", "forbids")
        } else {
            ("classes", "forbid")
        };
        let hint = if r.others {
            format!(
                "remove `multi_region: true`, or keep {classes} data on keys of workloads without it (a per-data-class or per-workload-data-class strategy)"
            )
        } else {
            "remove `multi_region: true`, or move the data that needs DR into a class that allows replicas".to_string()
        };
        out.push(
            RULE.diag(format!(
                "workload `{w}` makes {} multi-Region, but {noun} {classes} on it {verb} replicas (`multi_region: false`)",
                names(&r.keys, 3)
            ))
            .hint(hint)
            .at(cx.at(&ptr(&["workloads", w, "multi_region"]))),
        );
    }
}
