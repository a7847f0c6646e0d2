use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload's explicit settings stay within the bounds of each of its data classes:
    /// rotation period at most the class's `rotation.period_days`, rotation not disabled
    /// where the class sets `rotation.enabled: true`, deletion window at least the class's
    /// `deletion_window_days`.
    ///
    /// ## Why it matters
    ///
    /// Data-class bounds are the compliance floor (PCI-DSS asks for yearly rotation, say).
    /// An inherited default outside a bound is clamped silently; an explicit workload value
    /// outside it is a contradiction only the author can resolve.
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
    /// Rotate at least yearly: `period_days: 365` or less.
    pub static RULE = {
        code: "E022",
        name: "class-bound",
        severity: Error,
        summary: "an explicit workload setting outside its data class's bounds",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
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
