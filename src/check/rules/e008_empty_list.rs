//! E008 empty-list: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Lists that need an entry have one: a workload's `data_classes` and `environments`,
/// a grant's `operations`.
///
/// ## Why it matters
///
/// A workload without a data class cannot be placed on any key; an empty environment list
/// would silently drop the workload everywhere.
///
/// ## Example
///
/// ```yaml
/// workloads:
///   payments:
///     owner: team-payments
///     data_classes: []
/// ```
///
/// List at least one class: `data_classes: [pci]`.
    pub static RULE = {
        code: "E008",
        name: "empty-list",
        severity: Error,
        summary: "a list that must not be empty is empty",
        check: crate::check::Check::Load,
    }
}
