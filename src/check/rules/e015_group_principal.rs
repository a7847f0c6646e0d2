use super::arn::{ArnError, parse};
use super::common::{principals, with_stand_ins};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// No principal is an IAM group (`arn:aws:iam::…:group/…`).
    ///
    /// ## Why it matters
    ///
    /// IAM groups cannot be principals in a key policy: KMS rejects the policy. Grant the
    /// group's members access through a role they assume, and name that role.
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
    ///     key_admins: ["arn:aws:iam::{account}:group/security"]
    /// ```
    ///
    /// Name a role: `arn:aws:iam::{account}:role/KeyAdmins`.
    pub static RULE = {
        code: "E015",
        name: "group-principal",
        severity: Error,
        summary: "an IAM group named as a principal",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for p in principals(cx.spec) {
        if parse(&with_stand_ins(p.text)) == Err(ArnError::Group) {
            out.push(
                RULE.diag(format!(
                    "IAM group `{}` cannot be a key policy principal",
                    p.text
                ))
                .hint("name a role the group's members assume instead")
                .at(cx.at(&p.pointer)),
            );
        }
    }
}
