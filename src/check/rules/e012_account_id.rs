use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Account ids (an environment's `account`, a workload's `external_accounts`) are
    /// exactly 12 digits.
    ///
    /// ## Why it matters
    ///
    /// The account id goes into every principal ARN, `kms:CallerAccount` condition and the
    /// provider's `allowed_account_ids`; a wrong one either fails at apply time or, worse,
    /// names somebody else's account.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "33333333333", region: eu-west-1, tier: prod, strategy: per-workload }
    /// ```
    ///
    /// The id has 11 digits; write all 12, quoted: `account: "333333333333"`.
    pub static RULE = {
        code: "E012",
        name: "account-id",
        severity: Error,
        summary: "an account id that is not 12 digits",
        check: crate::check::Check::Spec(check),
    }
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (env, e) in &cx.spec.environments {
        if !is_account_id(&e.account) {
            out.push(bad(
                &e.account,
                cx.at(&ptr(&["environments", env, "account"])),
            ));
        }
    }
    for (name, w) in &cx.spec.workloads {
        for (i, a) in w.external_accounts.iter().enumerate() {
            if !is_account_id(a) {
                out.push(bad(
                    a,
                    cx.at(&ptr(&[
                        "workloads",
                        name,
                        "external_accounts",
                        &i.to_string(),
                    ])),
                ));
            }
        }
    }
}

fn bad(value: &str, at: Option<crate::source::Span>) -> Diagnostic {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    RULE.diag(format!(
        "`{value}` is not an AWS account id ({digits} digits)"
    ))
    .hint("an account id is exactly 12 digits, quoted: \"123456789012\"")
    .at(at)
}
