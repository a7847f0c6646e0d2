use std::collections::HashMap;

use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `renamed_from` names a workload that no longer exists in the spec, differs from the
    /// workload's own name, and is claimed by one workload only.
    ///
    /// ## Why it matters
    ///
    /// `renamed_from` hands the old workload's keys to the new name. If the old name is
    /// still a workload, or two workloads claim it, one key would have two owners.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payment: { owner: team-payments, data_classes: [pci] }
    ///   payments: { owner: team-payments, data_classes: [pci], renamed_from: payment }
    /// ```
    ///
    /// Remove the old `payment` entry: the rename moves its keys to `payments`.
    pub static RULE = {
        code: "E031",
        name: "renamed-from",
        severity: Error,
        summary: "a renamed_from that names a current workload or is claimed twice",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let mut claimed: HashMap<&str, &str> = HashMap::new();
    for (name, w) in &cx.spec.workloads {
        let Some(old) = w.renamed_from.as_deref() else {
            continue;
        };
        let at = cx.at(&ptr(&["workloads", name, "renamed_from"]));
        if old == name {
            out.push(
                RULE.diag(format!("workload `{name}` is renamed from itself"))
                    .hint("remove `renamed_from`")
                    .at(at),
            );
        } else if cx.spec.workloads.contains_key(old) {
            out.push(
                RULE.diag(format!(
                    "workload `{name}` is renamed from `{old}`, which is still a workload"
                ))
                .hint(format!(
                    "remove the `{old}` entry to complete the rename, or remove `renamed_from`"
                ))
                .at(at)
                .related(cx.key_at(&ptr(&["workloads", old])), "still defined here"),
            );
        } else if let Some(first) = claimed.insert(old, name) {
            out.push(
                RULE.diag(format!(
                    "workloads `{first}` and `{name}` are both renamed from `{old}`"
                ))
                .hint("only one workload can take over the old keys")
                .at(at),
            );
        }
    }
}
