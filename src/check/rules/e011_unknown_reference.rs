use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;
use crate::suggest::nearest;

declare_rule! {
    /// ## What it checks
    ///
    /// Every name a workload refers to exists: its `data_classes` are declared under
    /// `data_classes`, its `environments` under `environments`, and each service in
    /// `dedicated_service_keys` is also in its `services`.
    ///
    /// ## Why it matters
    ///
    /// A misspelt class or environment would otherwise place the workload's data on a key
    /// with the wrong bounds, or not at all. The hint names the nearest match.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// data_classes: { pci: { compliance: PCI-DSS } }
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pcii]
    /// ```
    ///
    /// Write `data_classes: [pci]`.
    pub static RULE = {
        code: "E011",
        name: "unknown-reference",
        severity: Error,
        summary: "a reference to an environment, data class or service that is not declared",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    for (name, w) in &spec.workloads {
        for (i, class) in w.data_classes.iter().enumerate() {
            if !spec.data_classes.contains_key(class) {
                let known = spec.data_classes.keys().map(String::as_str);
                out.push(unknown(
                    "data class",
                    class,
                    name,
                    known,
                    cx.at(&ptr(&["workloads", name, "data_classes", &i.to_string()])),
                ));
            }
        }
        for (i, env) in w.environments.iter().flatten().enumerate() {
            if !spec.environments.contains_key(env) {
                let known = spec.environments.keys().map(String::as_str);
                out.push(unknown(
                    "environment",
                    env,
                    name,
                    known,
                    cx.at(&ptr(&["workloads", name, "environments", &i.to_string()])),
                ));
            }
        }
        for (i, service) in w.dedicated_service_keys.iter().enumerate() {
            if !w.services.contains(service) {
                out.push(
                    RULE.diag(format!("workload `{name}` dedicates a key to `{service}`, which is not in its services"))
                        .hint(format!("add `{service}` to `services`, or remove it here"))
                        .at(cx.at(&ptr(&["workloads", name, "dedicated_service_keys", &i.to_string()]))),
                );
            }
        }
    }
}

fn unknown<'a>(
    what: &str,
    value: &str,
    workload: &str,
    known: impl Iterator<Item = &'a str> + Clone,
    at: Option<crate::source::Span>,
) -> Diagnostic {
    let list = known.clone().collect::<Vec<_>>().join(", ");
    let hint = match nearest(value, known) {
        Some(m) => format!("did you mean `{m}`? declared: {list}"),
        None if list.is_empty() => "declare it first, then refer to it".to_string(),
        None => format!("declared: {list}"),
    };
    RULE.diag(format!(
        "workload `{workload}` refers to unknown {what} `{value}`"
    ))
    .hint(hint)
    .at(at)
}
