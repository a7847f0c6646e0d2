//! Walks shared by several rules.

use crate::load::Spec;
use crate::source::ptr;

/// Where a principal is written, and what role it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalRole {
    Admin,
    Deployer,
    User,
    Grantee,
}

/// One principal as written in the spec.
pub struct WrittenPrincipal<'a> {
    pub text: &'a str,
    pub pointer: String,
    pub role: PrincipalRole,
}

/// Every principal the spec names, in file order.
pub fn principals(spec: &Spec) -> Vec<WrittenPrincipal<'_>> {
    let mut out = Vec::new();
    for (env, e) in &spec.environments {
        for (i, p) in e.key_admins.iter().enumerate() {
            out.push(WrittenPrincipal {
                text: p,
                pointer: ptr(&["environments", env, "key_admins", &i.to_string()]),
                role: PrincipalRole::Admin,
            });
        }
        if let Some(d) = &e.deployer {
            out.push(WrittenPrincipal {
                text: d,
                pointer: ptr(&["environments", env, "deployer"]),
                role: PrincipalRole::Deployer,
            });
        }
    }
    for (name, w) in &spec.workloads {
        let lists = [
            ("key_users", &w.key_users, PrincipalRole::User),
            ("key_admins", &w.key_admins, PrincipalRole::Admin),
        ];
        for (field, list, role) in lists {
            for (i, p) in list.iter().enumerate() {
                out.push(WrittenPrincipal {
                    text: p,
                    pointer: ptr(&["workloads", name, field, &i.to_string()]),
                    role,
                });
            }
        }
        for (i, g) in w.grants.iter().enumerate() {
            out.push(WrittenPrincipal {
                text: &g.grantee,
                pointer: ptr(&["workloads", name, "grants", &i.to_string(), "grantee"]),
                role: PrincipalRole::Grantee,
            });
        }
    }
    out
}

/// Placeholders replaced by well-formed stand-ins, for checking a principal's shape.
pub fn with_stand_ins(text: &str) -> String {
    crate::placeholders::expand(
        text,
        &crate::placeholders::Scope {
            account: "000000000000",
            env: "env",
            region: "us-east-1",
            workload: "workload",
        },
    )
}

/// Names: `^[a-z][a-z0-9-]*$`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
