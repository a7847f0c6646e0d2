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

/// Whose a principal is: an environment's (admins, deployer) or a workload's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder<'a> {
    Environment(&'a str),
    Workload(&'a str),
}

/// One principal as written in the spec.
pub struct WrittenPrincipal<'a> {
    pub text: &'a str,
    pub pointer: String,
    pub role: PrincipalRole,
    pub holder: Holder<'a>,
}

impl PrincipalRole {
    /// `key user`, `grantee` …: how messages name the role.
    pub fn noun(self) -> &'static str {
        match self {
            PrincipalRole::Admin => "key admin",
            PrincipalRole::Deployer => "deployer",
            PrincipalRole::User => "key user",
            PrincipalRole::Grantee => "grantee",
        }
    }
}

/// The environments a principal is used in, by name: its own environment, or
/// every environment its workload runs in.
pub fn environments_of<'s>(spec: &'s Spec, holder: Holder<'_>) -> Vec<&'s str> {
    match holder {
        Holder::Environment(env) => spec
            .environments
            .get_key_value(env)
            .map(|(k, _)| k.as_str())
            .into_iter()
            .collect(),
        Holder::Workload(name) => match spec.workloads.get(name) {
            Some(w) => spec
                .environments
                .keys()
                .filter(|e| crate::plan::runs_in(w, e))
                .map(String::as_str)
                .collect(),
            None => Vec::new(),
        },
    }
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
                holder: Holder::Environment(env),
            });
        }
        if let Some(d) = &e.deployer {
            out.push(WrittenPrincipal {
                text: d,
                pointer: ptr(&["environments", env, "deployer"]),
                role: PrincipalRole::Deployer,
                holder: Holder::Environment(env),
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
                    holder: Holder::Workload(name),
                });
            }
        }
        for (i, g) in w.grants.iter().enumerate() {
            out.push(WrittenPrincipal {
                text: &g.grantee,
                pointer: ptr(&["workloads", name, "grants", &i.to_string(), "grantee"]),
                role: PrincipalRole::Grantee,
                holder: Holder::Workload(name),
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

/// `a SYMMETRIC_DEFAULT key`, `an ECC_NIST_P256 key`: every other spec starts with a vowel sound.
pub fn a_key(spec: crate::load::spec::KeySpec) -> String {
    let article = if spec == crate::load::spec::KeySpec::SymmetricDefault {
        "a"
    } else {
        "an"
    };
    format!("{article} {spec} key")
}

/// Whether `text` matches the IAM-style pattern `pattern` (`*` any run, `?` one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Iterative matcher with one backtrack point: linear in practice, never recursive.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `` `a`, `b`, `c` and 2 more ``: a short list of names for a message.
pub fn names<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(max)
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    let rest = items.len().saturating_sub(max);
    match (shown.len(), rest) {
        (0, _) => String::new(),
        (1, 0) => shown[0].clone(),
        (n, 0) => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
        (_, r) => format!("{} and {r} more", shown.join(", ")),
    }
}

/// Pushes `item` unless it is already there (keeps first-seen order).
pub fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_arn_like() {
        assert!(glob_match(
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::1:role/KeyAdmins"
        ));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a*b", "aXXc"));
        assert!(!glob_match("role/app-*", "role/other"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn lists_names_briefly() {
        assert_eq!(names(&["a"], 3), "`a`");
        assert_eq!(names(&["a", "b"], 3), "`a` and `b`");
        assert_eq!(names(&["a", "b", "c", "d"], 2), "`a`, `b` and 2 more");
    }
}
