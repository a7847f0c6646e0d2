use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::Tags;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Tags in `defaults`, environments and workloads obey AWS's tag rules: keys of 1–128
    /// characters, values of at most 256, only letters, digits, spaces and `_ . : / = + - @`,
    /// no `aws:` prefix; and none sets a tag kms-gen sets itself (`Environment`, `DataClass`,
    /// `Owner`, `Workload`, `Compliance`).
    ///
    /// ## Why it matters
    ///
    /// KMS refuses the whole key when one tag is invalid. The tags kms-gen sets are what
    /// cost reports and access reviews read; letting a spec overwrite them would make them lie.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// defaults:
    ///   tags: { "aws:team": platform }
    /// ```
    ///
    /// The `aws:` prefix is reserved for AWS; write `team: platform`.
    pub static RULE = {
        code: "E019",
        name: "tag-limits",
        severity: Error,
        summary: "a tag AWS would reject, or one kms-gen sets itself",
        check: crate::check::Check::Spec(check),
    }
}

/// Tags kms-gen computes for every key.
pub const COMPUTED: [&str; 5] = [
    "Environment",
    "DataClass",
    "Owner",
    "Workload",
    "Compliance",
];

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut sets: Vec<(String, &Tags)> = vec![(ptr(&["defaults", "tags"]), &spec.defaults.tags)];
    sets.extend(
        spec.environments
            .iter()
            .map(|(n, e)| (ptr(&["environments", n, "tags"]), &e.tags)),
    );
    sets.extend(
        spec.workloads
            .iter()
            .map(|(n, w)| (ptr(&["workloads", n, "tags"]), &w.tags)),
    );
    for (base, tags) in sets {
        for (k, v) in tags {
            let pointer = crate::source::pointer_push(&base, k);
            let key_at = cx.key_at(&pointer);
            let problem = if k.is_empty() || k.chars().count() > 128 {
                Some((
                    format!(
                        "tag key `{k}` has {} characters; AWS allows 1–128",
                        k.chars().count()
                    ),
                    key_at,
                ))
            } else if k.to_ascii_lowercase().starts_with("aws:") {
                Some((
                    format!("tag key `{k}` uses the `aws:` prefix, reserved for AWS"),
                    key_at,
                ))
            } else if COMPUTED.contains(&k.as_str()) {
                Some((format!("tag `{k}` is set by kms-gen on every key"), key_at))
            } else if let Some(c) = k.chars().find(|c| !allowed(*c)) {
                Some((format!("tag key `{k}` contains `{c}`"), key_at))
            } else if v.chars().count() > 256 {
                Some((
                    format!(
                        "tag `{k}` has a value of {} characters; AWS allows 256",
                        v.chars().count()
                    ),
                    cx.at(&pointer),
                ))
            } else {
                v.chars()
                    .find(|c| !allowed(*c) && !"{}".contains(*c))
                    .map(|c| (format!("tag `{k}` has `{c}` in its value"), cx.at(&pointer)))
            };
            if let Some((message, at)) = problem {
                out.push(
                    RULE.diag(message)
                        .hint("tags use letters, digits, spaces and _ . : / = + - @; keys up to 128, values up to 256; kms-gen sets Environment, DataClass, Owner, Workload and Compliance itself")
                        .at(at),
                );
            }
        }
    }
}
