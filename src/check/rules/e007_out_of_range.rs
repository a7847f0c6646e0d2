//! E007 out-of-range: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Numbers are within AWS's limits: rotation period 90–2560 days, deletion window 7–30 days.
///
/// ## Why it matters
///
/// AWS rejects values outside these ranges at apply time, after a review has approved them;
/// kms-gen rejects them before anything is rendered.
///
/// ## Example
///
/// ```yaml
/// defaults:
///   rotation: { period_days: 30 }
/// ```
///
/// Use a period between 90 and 2560 days, e.g. `period_days: 90`.
    pub static RULE = {
        code: "E007",
        name: "out-of-range",
        severity: Error,
        summary: "a number outside the range AWS accepts",
        check: crate::check::Check::Load,
    }
}
