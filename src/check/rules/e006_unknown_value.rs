//! E006 unknown-value: reported while loading the file (see `load`).

declare_rule! {
/// ## What it checks
///
/// Enumerated fields hold one of their allowed values: tier, strategy, iam_delegation,
/// key_spec, key_usage, grant operations, and service names.
///
/// ## Why it matters
///
/// A service kms-gen does not know gets no policy statement, so it could not use the key.
/// The hint lists the known values and the nearest match (EBS is `ebs`, not `ec2`).
///
/// ## Example
///
/// ```yaml
/// workloads:
///   orders:
///     owner: team-orders
///     data_classes: [internal]
///     services: [ec2]
/// ```
///
/// Write `services: [ebs]`.
    pub static RULE = {
        code: "E006",
        name: "unknown-value",
        severity: Error,
        summary: "a value outside the allowed set",
        check: crate::check::Check::Load,
    }
}
