use std::collections::HashMap;

use indexmap::IndexMap;

use super::common::{glob_match, names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::spec::Tier;
use crate::placeholders::expand;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// No principal is both an administrator of a key (environment or workload
    /// `key_admins`, or the environment's `deployer`) and a user of it (`key_users`, or a
    /// grant's `grantee`), after placeholders are expanded. A `key_users` pattern that
    /// matches an administrator counts too. A warning; an error in prod-tier environments.
    ///
    /// ## Why it matters
    ///
    /// Separation of duties: administrators manage a key (enable, disable, schedule its
    /// deletion, change aliases) but never decrypt with it, and users decrypt but cannot
    /// change it. One principal with both can disable the controls over the data it reads,
    /// and a compromise of that role is a compromise of both.
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
    ///     key_admins: ["arn:aws:iam::{account}:role/KeyAdmins"]
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [internal]
    ///     key_users: ["arn:aws:iam::{account}:role/KeyAdmins"]
    /// ```
    ///
    /// Give the workload a role of its own: `key_users: ["arn:aws:iam::{account}:role/payments-{env}"]`.
    pub static RULE = {
        code: "KG003",
        name: "separation-of-duties",
        severity: Warning,
        summary: "one principal both administers and uses a key",
        check: crate::check::Check::Plan(check),
    }
}

/// A principal in the spec, expanded for one key.
struct Named {
    expanded: String,
    pointer: String,
    role: &'static str,
}

/// One user entry colliding with one admin entry, over all keys it affects.
struct Finding {
    user_text: String,
    admin_expanded: String,
    admin_role: &'static str,
    admin_pointer: String,
    via_pattern: bool,
    keys: Vec<String>,
    prod: bool,
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut findings: IndexMap<(String, String), Finding> = IndexMap::new();
    for env in &cx.plan.environments {
        let Some(env_spec) = spec.environments.get(&env.name) else {
            continue;
        };
        // Expanded once per environment: a workload's principals are the same on
        // each of its keys, the environment's admins the same for each owner part.
        let mut users_of: HashMap<&str, Vec<(Named, &str)>> = HashMap::new();
        let mut env_admins_for: HashMap<&str, Vec<Named>> = HashMap::new();
        for key in &env.keys {
            let owner = key.identity.workload_part();
            let key_scope = cx.scope(env, owner);
            let env_admins = env_admins_for.entry(owner).or_insert_with(|| {
                let mut admins: Vec<Named> = env_spec
                    .key_admins
                    .iter()
                    .enumerate()
                    .map(|(i, a)| Named {
                        expanded: expand(a, &key_scope),
                        pointer: ptr(&["environments", &env.name, "key_admins", &i.to_string()]),
                        role: "a key admin",
                    })
                    .collect();
                if let Some(d) = &env_spec.deployer {
                    admins.push(Named {
                        expanded: expand(d, &key_scope),
                        pointer: ptr(&["environments", &env.name, "deployer"]),
                        role: "the deployer",
                    });
                }
                admins
            });
            let mut admins: Vec<&Named> = env_admins.iter().collect();
            let mut own_admins: Vec<Named> = Vec::new();
            for w in &key.workloads {
                let Some(ws) = spec.workloads.get(w) else {
                    continue;
                };
                for (i, a) in ws.key_admins.iter().enumerate() {
                    own_admins.push(Named {
                        expanded: expand(a, &key_scope),
                        pointer: ptr(&["workloads", w, "key_admins", &i.to_string()]),
                        role: "a key admin",
                    });
                }
            }
            admins.extend(own_admins.iter());

            for w in &key.workloads {
                let users = users_of.entry(w.as_str()).or_insert_with(|| {
                    let Some(ws) = spec.workloads.get(w) else {
                        return Vec::new();
                    };
                    let scope = cx.scope(env, w);
                    let mut users: Vec<(Named, &str)> = Vec::new();
                    for (i, p) in ws.key_users.iter().enumerate() {
                        let named = Named {
                            expanded: expand(p, &scope),
                            pointer: ptr(&["workloads", w, "key_users", &i.to_string()]),
                            role: "key user",
                        };
                        users.push((named, p.as_str()));
                    }
                    for (i, g) in ws.grants.iter().enumerate() {
                        let named = Named {
                            expanded: expand(&g.grantee, &scope),
                            pointer: ptr(&["workloads", w, "grants", &i.to_string(), "grantee"]),
                            role: "grantee",
                        };
                        users.push((named, g.grantee.as_str()));
                    }
                    users
                });
                for (user, text) in users.iter() {
                    for admin in &admins {
                        let exact = user.expanded == admin.expanded;
                        let pattern = user.expanded.contains(['*', '?']);
                        if !(exact || pattern && glob_match(&user.expanded, &admin.expanded)) {
                            continue;
                        }
                        let f = findings
                            .entry((user.pointer.clone(), admin.pointer.clone()))
                            .or_insert_with(|| Finding {
                                user_text: format!("{} `{text}`", user.role),
                                admin_expanded: admin.expanded.clone(),
                                admin_role: admin.role,
                                admin_pointer: admin.pointer.clone(),
                                via_pattern: !exact,
                                keys: Vec::new(),
                                prod: false,
                            });
                        push_unique(&mut f.keys, key.id.clone());
                        f.prod |= env.tier == Tier::Prod;
                    }
                }
            }
        }
    }

    for ((user_pointer, _), f) in findings {
        let of = names(&f.keys, 3);
        let message = if f.via_pattern {
            format!(
                "pattern {} matches `{}`, {} of {of}",
                f.user_text.trim_start_matches("key user "),
                f.admin_expanded,
                f.admin_role
            )
        } else {
            format!("{} is also {} of {of}", f.user_text, f.admin_role)
        };
        let mut d = RULE
            .diag(message)
            .hint("administrators must not use the key: give the workload a role of its own here")
            .at(cx.at(&user_pointer))
            .related(
                cx.at(&f.admin_pointer),
                format!(
                    "{} here",
                    f.admin_role
                        .trim_start_matches("a ")
                        .trim_start_matches("the ")
                ),
            );
        if f.prod {
            d.severity = Severity::Error;
        }
        out.push(d);
    }
}
