//! E005 missing-field: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Required fields are present: `version`, `data_classes`, `environments`; an environment's
/// `account`, `region`, `tier` and `strategy`; a workload's `owner` and `data_classes`;
/// a grant's `name`, `grantee` and `operations`.
///
/// ## Why it matters
///
/// kms-gen never guesses an account, a region or an owner: each of them ends up in key
/// policies and tags that auditors rely on.
///
/// ## Example
///
/// ```yaml
/// workloads:
///   payments:
///     data_classes: [pci]
/// ```
///
/// Add `owner: team-payments`.
    pub static RULE = {
        code: "E005",
        name: "missing-field",
        severity: Error,
        summary: "a required field is missing",
        check: crate::check::Check::Load,
    }
}
