use super::arn::{Kind, parse};
use super::common::{Holder, PrincipalRole, environments_of, principals, with_stand_ins};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// No key user, grantee, key admin or deployer is an account root
    /// (`arn:aws:iam::<account>:root`, with `{account}` or a literal account).
    ///
    /// ## Why it matters
    ///
    /// A root principal in a key policy is the whole account: every role and user its
    /// IAM policies allow. A root among `key_users` is the same as `iam_delegation: full`
    /// for use — it silently undoes `iam_delegation: admin` or `none` — and another
    /// account's root among them is cross-account use that `external_accounts` does not
    /// show. The spec has one place for each: `iam_delegation` says what the
    /// environment's own root gets, `external_accounts` (with `allow_cross_account: true`)
    /// which other accounts may use the keys. Everywhere else, name roles or users.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   orders:
    ///     owner: team-orders
    ///     data_classes: [internal]
    ///     key_users: ["arn:aws:iam::{account}:root", "arn:aws:iam::444444444444:root"]
    /// ```
    ///
    /// Name the roles that use the key (`arn:aws:iam::{account}:role/orders-{env}`), set
    /// `iam_delegation: full` on the environment if its IAM policies are meant to grant use,
    /// and write `external_accounts: ["444444444444"]` for the other account.
    pub static RULE = {
        code: "E035",
        name: "root-principal",
        severity: Error,
        summary: "an account root named as a key user, grantee, key admin or deployer",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    for p in principals(spec) {
        let expanded = with_stand_ins(p.text);
        if !parse(&expanded).is_ok_and(|arn| arn.kind == Kind::Root) {
            continue;
        }
        // `{account}` is always the environment's own; a literal account is when it is
        // the account of an environment the principal is used in.
        let account = p.text.split(':').nth(4).unwrap_or_default();
        let own = account == "{account}"
            || environments_of(spec, p.holder)
                .iter()
                .any(|e| spec.environments[*e].account == account);
        let whose = if own {
            "the root of the environment's own account".to_string()
        } else {
            format!("the root of account {account}")
        };
        let hint = match (p.role, own) {
            (PrincipalRole::User | PrincipalRole::Grantee, true) => {
                "name the roles that use the key; to let the account's IAM policies grant use, set `iam_delegation: full` on the environment".to_string()
            }
            (PrincipalRole::User | PrincipalRole::Grantee, false) => match p.holder {
                Holder::Workload(_) => format!(
                    "to let account {account} use the keys, add \"{account}\" to the workload's `external_accounts` (the environment needs `allow_cross_account: true`), or name its roles"
                ),
                Holder::Environment(_) => format!("name the roles of account {account}"),
            },
            (PrincipalRole::Admin, true) => {
                "name the roles that administer the keys; what the account root gets is `iam_delegation` on the environment (`admin` gives it administration)".to_string()
            }
            (PrincipalRole::Deployer, true) => {
                "name the role that applies the output; what the account root gets is `iam_delegation` on the environment".to_string()
            }
            (PrincipalRole::Admin | PrincipalRole::Deployer, false) => {
                format!("name the role of account {account} that does this")
            }
        };
        out.push(
            RULE.diag(format!(
                "{} `{}` is {whose}: a root stands for every principal of its account",
                p.role.noun(),
                p.text
            ))
            .hint(hint)
            .at(cx.at(&p.pointer)),
        );
    }
}
