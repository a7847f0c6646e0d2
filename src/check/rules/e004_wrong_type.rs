//! E004 wrong-type: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Each value has the type the spec format expects: string, whole number, boolean, list or map.
///
/// ## Why it matters
///
/// An unquoted account id is read as a number (and loses leading zeros); `yes` and `no` are
/// strings in YAML 1.2, which kms-gen reads, so a boolean must be written `true` or `false`.
///
/// ## Example
///
/// ```yaml
/// environments:
///   prod:
///     account: 012345678901
/// ```
///
/// Quote it: `account: "012345678901"`.
    pub static RULE = {
        code: "E004",
        name: "wrong-type",
        severity: Error,
        summary: "a value of the wrong type",
        check: crate::check::Check::Load,
    }
}
