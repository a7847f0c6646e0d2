use super::arn::{ArnError, parse};
use super::common::{principals, with_stand_ins};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every principal (`key_admins`, `deployer`, `key_users`, grant `grantee`) is the ARN
    /// of an IAM role, an IAM user or an account root: `arn:aws:iam::<12 digits>:role/<name>`,
    /// `…:user/<name>` or `…:root`. Placeholders are expanded first.
    ///
    /// ## Why it matters
    ///
    /// KMS rejects a key policy that names a malformed principal, and an STS session ARN
    /// (`assumed-role/…`) stops matching when the session ends. Name the role instead.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     key_users: ["arn:aws:sts::{account}:assumed-role/payments/i-0abc"]
    /// ```
    ///
    /// Write the role: `arn:aws:iam::{account}:role/payments`.
    pub static RULE = {
        code: "E014",
        name: "principal-arn",
        severity: Error,
        summary: "a principal that is not the ARN of a role, user or account root",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for p in principals(cx.spec) {
        // A misspelt placeholder is E027's to report; its stand-in would not parse.
        if crate::placeholders::unknown(p.text, &crate::placeholders::NAMES).is_some() {
            continue;
        }
        let hint = match parse(&with_stand_ins(p.text)) {
            Err(ArnError::Shape) | Err(ArnError::Resource) => {
                "write a role, user or root ARN: arn:aws:iam::{account}:role/NAME"
            }
            Err(ArnError::Account) => "the account part is 12 digits, or `{account}`",
            Err(ArnError::Session) => {
                "an STS session expires; name its role: arn:aws:iam::ACCOUNT:role/NAME"
            }
            _ => continue,
        };
        out.push(
            RULE.diag(format!("`{}` is not a principal ARN KMS accepts", p.text))
                .hint(hint)
                .at(cx.at(&p.pointer)),
        );
    }
}
