//! E003 unknown-field: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Every field is one the spec format defines, at every level.
///
/// ## Why it matters
///
/// A misspelt field (`multi_regoin`) is otherwise ignored, and the setting it meant silently
/// falls back to its default. The hint names the nearest known field.
///
/// ## Example
///
/// ```yaml
/// workloads:
///   payments:
///     owner: team-payments
///     data_classes: [pci]
///     multi_regoin: true
/// ```
///
/// Spell it `multi_region`.
    pub static RULE = {
        code: "E003",
        name: "unknown-field",
        severity: Error,
        summary: "a field the spec format does not have",
        check: crate::check::Check::Load,
    }
}
