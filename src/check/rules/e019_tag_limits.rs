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
    /// `Owner`, `Workload`, `Compliance`). Environment and workload `owner`s become the
    /// Owner tag, so they obey the same rules for values, without placeholders (owners are
    /// not expanded). Tags as merged on each key are E020's.
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

pub fn allowed(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

/// An `owner` becomes the Owner tag's value as written.
fn check_owners(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let owners = spec
        .environments
        .iter()
        .filter_map(|(n, e)| {
            e.owner
                .as_ref()
                .map(|o| (ptr(&["environments", n, "owner"]), o))
        })
        .chain(
            spec.workloads
                .iter()
                .map(|(n, w)| (ptr(&["workloads", n, "owner"]), &w.owner)),
        );
    for (pointer, owner) in owners {
        let (message, hint) = if owner.chars().count() > MAX_VALUE {
            (
                format!(
                    "owner `{owner}` has {} characters; it becomes the Owner tag, whose value AWS limits to {MAX_VALUE}",
                    owner.chars().count()
                ),
                "shorten it to the team's name".to_string(),
            )
        } else if let Some(c) = owner.chars().find(|c| !allowed(*c)) {
            if "{}".contains(c) {
                (
                    format!(
                        "owner `{owner}` contains `{c}`; placeholders are not expanded in owners"
                    ),
                    "write the team's name, e.g. `team-payments`".to_string(),
                )
            } else {
                (
                    format!("owner `{owner}` contains `{c}`, which the Owner tag cannot hold"),
                    CHARS.to_string(),
                )
            }
        } else {
            continue;
        };
        out.push(RULE.diag(message).hint(hint).at(cx.at(&pointer)));
    }
}

/// What tag keys and values may contain.
const CHARS: &str = "tags use letters, digits, spaces and _ . : / = + - @";

/// AWS's limit on a tag value, in characters.
pub const MAX_VALUE: usize = 256;

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    check_owners(cx, out);
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
            let (message, at, hint): (String, _, String) = if k.is_empty()
                || k.chars().count() > 128
            {
                (
                    format!(
                        "tag key `{k}` has {} characters; AWS allows 1–128",
                        k.chars().count()
                    ),
                    key_at,
                    "shorten the tag key to at most 128 characters".into(),
                )
            } else if k.to_ascii_lowercase().starts_with("aws:") {
                (
                    format!("tag key `{k}` uses the `aws:` prefix, reserved for AWS"),
                    key_at,
                    format!("rename it without the prefix, e.g. `{}`", &k[4..]),
                )
            } else if COMPUTED.contains(&k.as_str()) {
                (
                    format!("tag `{k}` is set by kms-gen on every key"),
                    key_at,
                    "remove it: kms-gen sets Environment, DataClass, Owner, Workload and Compliance from the spec".into(),
                )
            } else if let Some(c) = k.chars().find(|c| !allowed(*c)) {
                (
                    format!("tag key `{k}` contains `{c}`"),
                    key_at,
                    CHARS.into(),
                )
            } else if v.chars().count() > MAX_VALUE {
                (
                    format!(
                        "tag `{k}` has a value of {} characters; AWS allows {MAX_VALUE}",
                        v.chars().count()
                    ),
                    cx.at(&pointer),
                    "shorten the value to at most 256 characters".into(),
                )
            } else if let Some(c) = v.chars().find(|c| !allowed(*c) && !"{}".contains(*c)) {
                (
                    format!("tag `{k}` has `{c}` in its value"),
                    cx.at(&pointer),
                    CHARS.into(),
                )
            } else {
                continue;
            };
            out.push(RULE.diag(message).hint(hint).at(at));
        }
    }
}
