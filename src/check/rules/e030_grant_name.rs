use std::collections::HashMap;

use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Grant names use only letters, digits and `_ : / -`, are at most 256 characters, and
    /// are unique within a workload.
    ///
    /// ## Why it matters
    ///
    /// KMS refuses other characters; the name also becomes a Terraform resource name and a
    /// policy statement id, so two grants of one name would overwrite each other.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     grants:
    ///       - { name: batch decrypt, grantee: "arn:aws:iam::{account}:role/batch", operations: [Decrypt] }
    /// ```
    ///
    /// Write `name: batch-decrypt`.
    pub static RULE = {
        code: "E030",
        name: "grant-name",
        severity: Error,
        summary: "an invalid or repeated grant name",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, g) in w.grants.iter().enumerate() {
            let pointer = ptr(&["workloads", name, "grants", &i.to_string(), "name"]);
            let bad = g
                .name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "_:/-".contains(*c)));
            if g.name.is_empty() || g.name.len() > 256 || bad.is_some() {
                out.push(
                    RULE.diag(format!("grant name `{}` is not one KMS accepts", g.name))
                        .hint("use 1–256 letters, digits, `_`, `:`, `/` or `-`")
                        .at(cx.at(&pointer)),
                );
            }
            if let Some(first) = seen.insert(&g.name, i) {
                let first_at = cx.at(&ptr(&[
                    "workloads",
                    name,
                    "grants",
                    &first.to_string(),
                    "name",
                ]));
                out.push(
                    RULE.diag(format!(
                        "workload `{name}` has two grants named `{}`",
                        g.name
                    ))
                    .hint("give each grant its own name")
                    .at(cx.at(&pointer))
                    .related(first_at, "first used here"),
                );
            }
        }
    }
}
