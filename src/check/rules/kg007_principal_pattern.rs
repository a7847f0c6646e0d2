use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `key_users` entries with `*` (or `?`) in the role path or name, such as IAM Identity
    /// Center (SSO) roles whose names end in a random suffix.
    ///
    /// ## Why it matters
    ///
    /// A pattern is rendered as the account root with an `ArnLike aws:PrincipalArn`
    /// condition: every role that matches it, including roles created later by anyone who
    /// may create roles with such names, can use the key. That is broader than a list of
    /// roles and harder to audit. Keep patterns narrow, and allow this rule once reviewed.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   analytics:
    ///     owner: team-data
    ///     data_classes: [internal]
    ///     key_users: ["arn:aws:iam::{account}:role/analytics-*"]
    /// ```
    ///
    /// Name the roles (`role/analytics-etl-{env}`), or for SSO keep the permission set's
    /// exact prefix (`role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_DataAnalyst_*`)
    /// and add `lint: { allow: [KG007] }`.
    pub static RULE = {
        code: "KG007",
        name: "principal-pattern",
        severity: Warning,
        summary: "a key user given as a pattern with `*`",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let mut findings: IndexMap<String, (String, Vec<String>)> = IndexMap::new();
    for env in &cx.plan.environments {
        for key in &env.keys {
            for u in &key.uses {
                for (i, p) in u.principals.iter().enumerate() {
                    if !p.contains(['*', '?']) {
                        continue;
                    }
                    let pointer = ptr(&["workloads", &u.workload, "key_users", &i.to_string()]);
                    let f = findings
                        .entry(pointer)
                        .or_insert_with(|| (p.clone(), Vec::new()));
                    push_unique(&mut f.1, key.id.clone());
                }
            }
        }
    }
    for (pointer, (pattern, keys)) in findings {
        out.push(
            RULE.diag(format!(
                "pattern `{pattern}`: every role matching it can use {}",
                names(&keys, 3)
            ))
            .hint("name the exact roles where you can; if the pattern is intended (SSO roles), keep it narrow and add KG007 to `lint.allow`")
            .at(cx.at(&pointer)),
        );
    }
}
