use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload's `description` is at most 8192 characters.
    ///
    /// ## Why it matters
    ///
    /// It becomes the key's description, which KMS limits to 8192 characters.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     description: "…ten thousand characters…"
    /// ```
    ///
    /// Keep the description short and link to the runbook instead.
    pub static RULE = {
        code: "E023",
        name: "description-length",
        severity: Error,
        summary: "a key description over 8192 characters",
        check: crate::check::Check::Spec(check),
    }
}

pub const MAX: usize = 8192;

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let Some(d) = &w.description else { continue };
        let n = d.chars().count();
        if n > MAX {
            out.push(
                RULE.diag(format!(
                    "workload `{name}` has a description of {n} characters; KMS allows {MAX}"
                ))
                .hint(format!("shorten it by at least {} characters", n - MAX))
                .at(cx.key_at(&ptr(&["workloads", name, "description"]))),
            );
        }
    }
}
