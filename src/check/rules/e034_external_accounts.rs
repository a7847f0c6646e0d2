use indexmap::IndexMap;

use super::arn::{Kind, parse};
use super::common::{Holder, PrincipalRole, environments_of, names, principals, push_unique};
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::placeholders::{Scope, expand};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `external_accounts` is the one way to let other accounts use a workload's keys:
    ///
    /// - no workload lists, in `external_accounts`, the account of an environment it runs
    ///   in;
    /// - in an environment with `allow_cross_account: true`, every key user and grantee
    ///   belongs to the environment's account or to one of the workload's
    ///   `external_accounts` (placeholders expanded).
    ///
    /// (Where `allow_cross_account` is false, principals of other accounts are KG006's.)
    ///
    /// ## Why it matters
    ///
    /// An external account becomes a statement for that account's root with Encrypt and
    /// Decrypt. Listing the environment's own account gives its root use of the key, and so
    /// every role its IAM policies allow — silently undoing `iam_delegation: admin` or
    /// `none`. And a principal from an account that is not declared is cross-account use
    /// nobody reviewed: `allow_cross_account` lets the environment share keys, while
    /// `external_accounts` says with whom.
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
    ///     allow_cross_account: true
    /// workloads:
    ///   partner-reports:
    ///     owner: team-partners
    ///     data_classes: [internal]
    ///     key_users: ["arn:aws:iam::555555555555:role/auditor"]
    ///     external_accounts: ["333333333333"]
    /// ```
    ///
    /// Drop `333333333333` (prod's own principals are `key_users`; what its root gets is
    /// `iam_delegation`), and add `"555555555555"` to `external_accounts` if the auditor's
    /// account is meant to use the keys.
    pub static RULE = {
        code: "E034",
        name: "external-accounts",
        severity: Error,
        summary: "an environment's own account in external_accounts, or a principal of an undeclared account",
        check: crate::check::Check::Spec(check),
    }
}

/// A finding, collected over the environments where it holds.
struct Finding {
    /// The message, to be completed by the environments' names.
    message: String,
    hint: String,
    envs: Vec<String>,
    /// Whether the message ends with the environments (else they go in parentheses).
    own_account: bool,
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut findings: IndexMap<String, Finding> = IndexMap::new();

    for (name, w) in &spec.workloads {
        for env_name in environments_of(spec, Holder::Workload(name)) {
            let env = &spec.environments[env_name];
            for (i, a) in w.external_accounts.iter().enumerate() {
                if *a == env.account {
                    let pointer = ptr(&["workloads", name, "external_accounts", &i.to_string()]);
                    let f = findings.entry(pointer).or_insert_with(|| Finding {
                        message: format!(
                            "workload `{name}` lists account {a} in external_accounts, but it is the account of"
                        ),
                        hint: format!(
                            "remove it: it would give account {a}'s root use of the keys whatever `iam_delegation` says; name the account's roles in `key_users`"
                        ),
                        envs: Vec::new(),
                        own_account: true,
                    });
                    push_unique(&mut f.envs, env_name.to_string());
                }
            }
        }
    }

    for p in principals(spec) {
        let Holder::Workload(name) = p.holder else {
            continue;
        };
        if !matches!(p.role, PrincipalRole::User | PrincipalRole::Grantee) {
            continue;
        }
        let w = &spec.workloads[name];
        for env_name in environments_of(spec, p.holder) {
            let env = &spec.environments[env_name];
            if !env.allow_cross_account {
                continue;
            }
            let scope = Scope {
                account: &env.account,
                env: env_name,
                region: &env.region,
                workload: name,
            };
            let expanded = expand(p.text, &scope);
            // Roots are E035's; malformed principals E014's.
            let Ok(arn) = parse(&expanded) else { continue };
            if arn.kind == Kind::Root
                || arn.account == env.account
                || w.external_accounts.iter().any(|a| a == arn.account)
            {
                continue;
            }
            let account = arn.account.to_string();
            let f = findings.entry(p.pointer.clone()).or_insert_with(|| Finding {
                message: format!(
                    "{} `{}` of workload `{name}` is in account {account}, which the workload does not list in external_accounts",
                    p.role.noun(),
                    p.text
                ),
                hint: format!(
                    "if account {account} is meant to use the keys, add \"{account}\" to the workload's `external_accounts`; otherwise name a principal of the environment's account"
                ),
                envs: Vec::new(),
                own_account: false,
            });
            push_unique(&mut f.envs, env_name.to_string());
        }
    }

    for (pointer, f) in findings {
        let place = if f.envs.len() == 1 {
            format!("environment {}", names(&f.envs, 3))
        } else {
            format!("environments {}", names(&f.envs, 3))
        };
        let message = if f.own_account {
            format!("{} {place} itself", f.message)
        } else {
            format!("{} (in {place})", f.message)
        };
        out.push(RULE.diag(message).hint(f.hint).at(cx.at(&pointer)));
    }
}
