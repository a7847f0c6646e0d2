//! E001 yaml-syntax: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// The file parses as YAML: indentation, quoting, flow brackets, and a single document.
///
/// ## Why it matters
///
/// Nothing else can be checked until the file parses; the parser's position is where to look.
/// A second `---` document is refused too, since kms-gen reads one spec per file.
///
/// ## Example
///
/// ```yaml
/// workloads:
///   payments:
///     data_classes: [pci
/// ```
///
/// Close the bracket: `data_classes: [pci]`.
    pub static RULE = {
        code: "E001",
        name: "yaml-syntax",
        severity: Error,
        summary: "the file is not valid YAML",
        check: crate::check::Check::Load,
    }
}
