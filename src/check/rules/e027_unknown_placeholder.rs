use super::common::principals;
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::placeholders::{NAMES, unknown};
use crate::plan::identity::ALIAS_PLACEHOLDERS;
use crate::source::{pointer_push, ptr};

declare_rule! {
    /// ## What it checks
    ///
    /// Placeholders are ones kms-gen knows: `{account}`, `{env}`, `{region}`, `{workload}`
    /// in principals and tag values; `{workload}`, `{data_class}`, `{service}`, `{env}` in
    /// `naming.alias`.
    ///
    /// ## Why it matters
    ///
    /// An unknown placeholder would be left in the output as literal text: a principal
    /// ARN with `{acount}` in it, which KMS rejects, or an alias nobody can find.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     key_users: ["arn:aws:iam::{acount}:role/payments"]
    /// ```
    ///
    /// Write `{account}`.
    pub static RULE = {
        code: "E027",
        name: "unknown-placeholder",
        severity: Error,
        summary: "a placeholder kms-gen does not know",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let mut report = |text: &str, pointer: &str, known: &[&str]| {
        if let Some(name) = unknown(text, known) {
            let hint = match crate::suggest::nearest(name, known.iter().copied()) {
                Some(m) => format!("did you mean `{{{m}}}`? known: {}", braces(known)),
                None => format!("known placeholders here: {}", braces(known)),
            };
            out.push(
                RULE.diag(format!("unknown placeholder `{{{name}}}` in `{text}`"))
                    .hint(hint)
                    .at(cx.at(pointer)),
            );
        }
    };
    for p in principals(cx.spec) {
        report(p.text, &p.pointer, &NAMES);
    }
    let spec = cx.spec;
    let mut tag_sets = vec![(ptr(&["defaults", "tags"]), &spec.defaults.tags)];
    tag_sets.extend(
        spec.environments
            .iter()
            .map(|(n, e)| (ptr(&["environments", n, "tags"]), &e.tags)),
    );
    tag_sets.extend(
        spec.workloads
            .iter()
            .map(|(n, w)| (ptr(&["workloads", n, "tags"]), &w.tags)),
    );
    for (base, tags) in tag_sets {
        for (k, v) in tags {
            report(v, &pointer_push(&base, k), &NAMES);
        }
    }
    if let Some(pattern) = &spec.naming.alias {
        report(pattern, "/naming/alias", &ALIAS_PLACEHOLDERS);
    }
}

fn braces(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}
