use super::arn::{ArnError, parse};
use super::common::{PrincipalRole, principals, with_stand_ins};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// No principal is a bare `*`, has `*` in its account part, or is only a wildcard; and
    /// patterns with `*` in the role path or name appear only in `key_users`.
    ///
    /// ## Why it matters
    ///
    /// `*` as a principal opens the key to every AWS account. A pattern in `key_users`
    /// (for SSO roles, say) is rendered safely as the account root with
    /// `ArnLike aws:PrincipalArn`; administrators, deployers and grantees must be exact.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   reports:
    ///     owner: team-data
    ///     data_classes: [internal]
    ///     key_users: ["*"]
    /// ```
    ///
    /// Name the roles, or a pattern within the account:
    /// `arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Analyst_*`.
    pub static RULE = {
        code: "E016",
        name: "wildcard-principal",
        severity: Error,
        summary: "a wildcard principal",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for p in principals(cx.spec) {
        let expanded = with_stand_ins(p.text);
        let diag = match parse(&expanded) {
            Err(ArnError::Wildcard) => RULE
                .diag(format!("`{}` is a wildcard principal", p.text))
                .hint("name roles or users of one account; a pattern needs a fixed account and a role name part"),
            Ok(_) if expanded.contains('*') && p.role != PrincipalRole::User => RULE
                .diag(format!("pattern `{}` where an exact principal is needed", p.text))
                .hint("patterns with `*` are allowed in key_users only; name the exact role here"),
            _ => continue,
        };
        out.push(diag.at(cx.at(&p.pointer)));
    }
}
