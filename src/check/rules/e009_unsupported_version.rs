//! E009 unsupported-version: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// `version` is `1`, the only spec format version there is.
///
/// ## Why it matters
///
/// A newer format may mean things this kms-gen would misread; refusing is safer than guessing.
///
/// ## Example
///
/// ```yaml
/// version: 2
/// ```
///
/// Write `version: 1`, or use the kms-gen release that reads version 2.
    pub static RULE = {
        code: "E009",
        name: "unsupported-version",
        severity: Error,
        summary: "the spec's version is not one kms-gen reads",
        check: crate::check::Check::Load,
    }
}
