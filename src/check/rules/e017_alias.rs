use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every alias kms-gen builds (`alias/` + `naming.prefix` + `naming.alias`) is one KMS
    /// accepts: only letters, digits, `/`, `_` and `-`, at most 256 characters, and not
    /// under the reserved `alias/aws/`.
    ///
    /// ## Why it matters
    ///
    /// Aliases are how applications find their key; KMS refuses an invalid one at apply
    /// time, after the rest of the change may already have been applied.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// naming:
    ///   prefix: aws
    /// ```
    ///
    /// `alias/aws/…` is reserved for AWS managed keys; use another prefix, e.g. `acme`.
    pub static RULE = {
        code: "E017",
        name: "alias",
        severity: Error,
        summary: "an alias KMS would reject",
        check: crate::check::Check::Plan(check),
    }
}

/// What is wrong with an alias, if anything.
pub fn problem(alias: &str) -> Option<String> {
    let body = alias.strip_prefix("alias/").unwrap_or(alias);
    if alias.len() > 256 {
        return Some(format!(
            "is {} characters long, over KMS's 256",
            alias.len()
        ));
    }
    if alias == "alias/aws" || alias.starts_with("alias/aws/") {
        return Some("is under `alias/aws/`, reserved for AWS managed keys".to_string());
    }
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/_-".contains(*c)))
    {
        return Some(format!(
            "contains `{c}`; aliases allow letters, digits, `/`, `_` and `-`"
        ));
    }
    if body.is_empty() || body.ends_with('/') {
        return Some("has an empty name".to_string());
    }
    None
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    // Point at `naming` only where the file has it; a defaulted pointer would fall back
    // to the top of the file.
    let naming = ["/naming/prefix", "/naming/alias"]
        .into_iter()
        .find(|p| cx.is_written(p));
    for env in &cx.plan.environments {
        for key in &env.keys {
            for alias in std::iter::once(&key.alias).chain(&key.previous_aliases) {
                if let Some(problem) = problem(alias) {
                    let origin = key.origins.first().and_then(|o| cx.key_at(&o.pointer));
                    let (at, hint) = match naming {
                        Some(pointer) => (
                            cx.at(pointer).or(origin),
                            "change `naming` (or the names it is built from) so every alias is valid",
                        ),
                        None => (
                            origin,
                            "shorten or rename the workload, data class or environment the alias is built from, or set `naming.alias`",
                        ),
                    };
                    out.push(
                        RULE.diag(format!("alias `{alias}` of key `{}` {problem}", key.id))
                            .hint(hint)
                            .at(at),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn judges_aliases_as_kms_does() {
        assert_eq!(problem("alias/acme/payments-prod"), None);
        assert!(problem("alias/aws/s3").is_some());
        assert!(problem("alias/pay ments").is_some());
        assert!(problem(&format!("alias/{}", "a".repeat(251))).is_some());
        assert_eq!(problem(&format!("alias/{}", "a".repeat(250))), None);
    }
}
