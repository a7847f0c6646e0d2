//! E002 duplicate-key: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// No map in the spec has the same key twice.
///
/// ## Why it matters
///
/// Most YAML readers silently keep the last of two equal keys, so a duplicated workload
/// would vanish without a word, and with it the access it declared. kms-gen reports both places.
///
/// ## Example
///
/// ```yaml
/// workloads:
///   payments: { owner: team-a, data_classes: [pci] }
///   payments: { owner: team-b, data_classes: [internal] }
/// ```
///
/// Rename or remove one of the two entries.
    pub static RULE = {
        code: "E002",
        name: "duplicate-key",
        severity: Error,
        summary: "a key appears twice in the same map",
        check: crate::check::Check::Load,
    }
}
