use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::IamDelegation;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// An environment with `iam_delegation: none` names a `deployer`.
    ///
    /// ## Why it matters
    ///
    /// With no root statement, only principals in the policy can change it. KMS refuses a
    /// policy at its lockout safety check when the caller could not change it afterwards,
    /// and kms-gen never sets the bypass flag; the deployer is the principal that keeps
    /// the policy manageable.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod:
    ///     account: "333333333333"
    ///     region: eu-west-1
    ///     tier: prod
    ///     strategy: per-workload
    ///     iam_delegation: none
    /// ```
    ///
    /// Add `deployer: "arn:aws:iam::{account}:role/platform-deployer"`, or use `iam_delegation: admin`.
    pub static RULE = {
        code: "E025",
        name: "lockout",
        severity: Error,
        summary: "iam_delegation: none without a deployer",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (env, e) in &cx.spec.environments {
        if e.iam_delegation == IamDelegation::None && e.deployer.is_none() {
            out.push(
                RULE.diag(format!("environment `{env}` gives the account root nothing and names no deployer"))
                    .hint("add `deployer:` (the role that applies the output), or use `iam_delegation: admin`")
                    .at(cx.at(&ptr(&["environments", env, "iam_delegation"]))),
            );
        }
    }
}
