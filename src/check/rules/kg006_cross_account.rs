use indexmap::IndexMap;

use super::arn::parse;
use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::placeholders::{Scope, expand};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// In an environment without `allow_cross_account: true`, no workload names
    /// `external_accounts`, and no principal (key user, grantee, key admin or deployer)
    /// belongs to an account other than the environment's, after placeholders are
    /// expanded.
    ///
    /// ## Why it matters
    ///
    /// A principal of another account can use the key from outside this account's
    /// controls: its IAM policies, SCPs and CloudTrail are the other account's. Sharing
    /// keys across accounts should be a deliberate, reviewed decision per environment.
    ///
    /// That decision is written in the spec as `allow_cross_account`, so KG006 can be made
    /// stricter (`deny`) but not lowered: `lint.allow` or `lint.warn` for KG006 is refused
    /// (E033), because otherwise the output would grant the cross-account access the
    /// environment's own setting refuses. With `allow_cross_account: true`, the accounts
    /// are the workload's `external_accounts` (E034).
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-workload }
    /// workloads:
    ///   partner-reports:
    ///     owner: team-partners
    ///     data_classes: [confidential]
    ///     external_accounts: ["444444444444"]
    /// ```
    ///
    /// If the partner account must decrypt, set `allow_cross_account: true` on `prod`;
    /// otherwise remove the external account.
    pub static RULE = {
        code: "KG006",
        name: "cross-account",
        severity: Error,
        summary: "cross-account use of a key where allow_cross_account is false",
        check: crate::check::Check::Plan(check),
    }
}

struct Finding {
    what: String,
    account: String,
    envs: Vec<String>,
    home: Vec<String>,
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut findings: IndexMap<String, Finding> = IndexMap::new();
    let mut note = |pointer: String, what: String, account: &str, env: &crate::plan::EnvPlan| {
        let f = findings.entry(pointer).or_insert_with(|| Finding {
            what,
            account: account.to_string(),
            envs: Vec::new(),
            home: Vec::new(),
        });
        push_unique(&mut f.envs, env.name.clone());
        push_unique(&mut f.home, env.account.clone());
    };
    let foreign = |text: &str, scope: &Scope, home: &str| -> Option<String> {
        let expanded = expand(text, scope);
        let arn = parse(&expanded).ok()?;
        (arn.account != home).then(|| arn.account.to_string())
    };

    for env in &cx.plan.environments {
        if env.allow_cross_account || env.keys.is_empty() {
            continue;
        }
        let Some(env_spec) = spec.environments.get(&env.name) else {
            continue;
        };
        let env_scope = cx.scope(env, "shared");
        for (i, a) in env_spec.key_admins.iter().enumerate() {
            if let Some(acct) = foreign(a, &env_scope, &env.account) {
                let pointer = ptr(&["environments", &env.name, "key_admins", &i.to_string()]);
                note(pointer, format!("key admin `{a}`"), &acct, env);
            }
        }
        if let Some(d) = &env_spec.deployer
            && let Some(acct) = foreign(d, &env_scope, &env.account)
        {
            let pointer = ptr(&["environments", &env.name, "deployer"]);
            note(pointer, format!("deployer `{d}`"), &acct, env);
        }

        let mut workloads: Vec<&String> = Vec::new();
        for key in &env.keys {
            for w in &key.workloads {
                push_unique(&mut workloads, w);
            }
        }
        for w in workloads {
            let Some(ws) = spec.workloads.get(w) else {
                continue;
            };
            let scope = cx.scope(env, w);
            for (i, a) in ws.external_accounts.iter().enumerate() {
                if *a != env.account {
                    let pointer = ptr(&["workloads", w, "external_accounts", &i.to_string()]);
                    note(pointer, format!("external account `{a}`"), a, env);
                }
            }
            let lists = [("key_users", &ws.key_users), ("key_admins", &ws.key_admins)];
            for (field, list) in lists {
                for (i, p) in list.iter().enumerate() {
                    if let Some(acct) = foreign(p, &scope, &env.account) {
                        let pointer = ptr(&["workloads", w, field, &i.to_string()]);
                        let role = if field == "key_users" {
                            "key user"
                        } else {
                            "key admin"
                        };
                        note(pointer, format!("{role} `{p}`"), &acct, env);
                    }
                }
            }
            for (i, g) in ws.grants.iter().enumerate() {
                if let Some(acct) = foreign(&g.grantee, &scope, &env.account) {
                    let pointer = ptr(&["workloads", w, "grants", &i.to_string(), "grantee"]);
                    note(pointer, format!("grantee `{}`", g.grantee), &acct, env);
                }
            }
        }
    }

    for (pointer, f) in findings {
        let envs = names(&f.envs, 3);
        let (place, setting) = if f.envs.len() == 1 {
            (
                format!("environment {envs} (account {})", f.home.join(", ")),
                format!("set `allow_cross_account: true` on {envs}"),
            )
        } else {
            (
                format!("environments {envs}"),
                format!("set `allow_cross_account: true` on {envs}"),
            )
        };
        let message = if f.what.starts_with("external account") {
            format!(
                "{} may use keys of {place}, which does not allow cross-account use",
                f.what
            )
        } else {
            format!(
                "{} is in account {}, outside {place}, which does not allow cross-account access",
                f.what, f.account
            )
        };
        out.push(
            RULE.diag(message)
            .hint(format!(
                "if this account must use the keys, {setting}; otherwise name a principal of the environment's own account"
            ))
            .at(cx.at(&pointer)),
        );
    }
}
