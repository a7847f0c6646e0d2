use super::common::is_valid_name;
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Names of environments, data classes and workloads (and `renamed_from`) match
    /// `^[a-z][a-z0-9-]*$`, and no workload takes a name kms-gen gives its own keys or
    /// files: `shared`, `versions`, `providers`, `outputs`, `moved`, `removed`.
    ///
    /// ## Why it matters
    ///
    /// Names become aliases, tags, Terraform resource names and CloudFormation logical ids;
    /// one safe alphabet keeps them valid everywhere. `shared` is the identity of keys pooled
    /// between workloads, and each workload's Terraform lands in `<workload>.tf` beside
    /// `versions.tf`, `providers.tf`, `outputs.tf`, `moved.tf` and `removed.tf`.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   Payments_API:
    ///     owner: team-payments
    ///     data_classes: [pci]
    /// ```
    ///
    /// Rename it `payments-api`.
    pub static RULE = {
        code: "E010",
        name: "invalid-name",
        severity: Error,
        summary: "a name outside ^[a-z][a-z0-9-]*$",
        check: crate::check::Check::Spec(check),
    }
}

/// Workload names kms-gen uses itself: the shared-key identity and generated file names.
const RESERVED: [&str; 6] = [
    "shared",
    "versions",
    "providers",
    "outputs",
    "moved",
    "removed",
];

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let sections = [
        ("environments", spec.environments.keys().collect::<Vec<_>>()),
        ("data_classes", spec.data_classes.keys().collect()),
        ("workloads", spec.workloads.keys().collect()),
    ];
    for (section, names) in sections {
        for name in names {
            let pointer = ptr(&[section, name]);
            if !is_valid_name(name) {
                out.push(invalid(name, &format!("`{section}`"), cx.key_at(&pointer)));
            } else if section == "workloads" && RESERVED.contains(&name.as_str()) {
                out.push(
                    RULE.diag(format!("workload name `{name}` is reserved"))
                        .hint("kms-gen uses it for shared keys or its own files; pick another name")
                        .at(cx.key_at(&pointer)),
                );
            }
        }
    }
    for (name, w) in &spec.workloads {
        if let Some(old) = &w.renamed_from
            && !is_valid_name(old)
        {
            let pointer = ptr(&["workloads", name, "renamed_from"]);
            out.push(invalid(old, "`renamed_from`", cx.at(&pointer)));
        }
    }
}

fn invalid(name: &str, place: &str, at: Option<crate::source::Span>) -> Diagnostic {
    let suggestion: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let hint = if super::common::is_valid_name(&suggestion) {
        format!(
            "names use lowercase letters, digits and dashes, starting with a letter: `{suggestion}`"
        )
    } else {
        "names use lowercase letters, digits and dashes, starting with a letter".to_string()
    };
    RULE.diag(format!("invalid name `{name}` in {place}"))
        .hint(hint)
        .at(at)
}
