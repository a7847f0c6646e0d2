use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::Tier;
use crate::plan::services::{Access, access};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload with keys in a prod-tier environment names someone or something that can
    /// use them: `key_users`, `grants`, `external_accounts`, or a service that calls KMS as
    /// its own service principal (`logs`, `cloudwatch`, `events`, `cloudtrail`).
    ///
    /// Other services (`s3`, `rds`, `secretsmanager` …) do not count on their own: they
    /// use the key on behalf of a key user, and only limit the users' statement with
    /// `kms:ViaService`. Without key users, nobody can ask them to.
    ///
    /// ## Why it matters
    ///
    /// With none of these, the key policy lets nobody encrypt or decrypt: the keys cost
    /// money every month and protect nothing, or the workload's roles get access some
    /// other way (IAM policies through `iam_delegation: full`), outside the spec and its
    /// review. Usually the `key_users` line was forgotten.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   reports:
    ///     owner: team-data
    ///     data_classes: [internal]
    ///     services: [s3]
    /// ```
    ///
    /// Add the roles that use the key through S3:
    /// `key_users: ["arn:aws:iam::{account}:role/reports-{env}"]`.
    pub static RULE = {
        code: "KG013",
        name: "unused-key",
        severity: Warning,
        summary: "a workload's production keys that nothing may use",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let as_principal = w
            .services
            .iter()
            .any(|s| matches!(access(*s), Access::Principal(_)));
        let used = !w.key_users.is_empty()
            || as_principal
            || !w.grants.is_empty()
            || !w.external_accounts.is_empty();
        if used {
            continue;
        }
        let mut keys: Vec<&str> = Vec::new();
        for env in cx.plan.environments.iter().filter(|e| e.tier == Tier::Prod) {
            for key in env.keys.iter().filter(|k| k.workloads.contains(name)) {
                push_unique(&mut keys, key.id.as_str());
            }
        }
        if keys.is_empty() {
            continue;
        }
        let (message, hint) = if w.services.is_empty() {
            (
                format!(
                    "workload `{name}` names no key_users, services, grants or external_accounts, so the key policy gives it no way to use {}",
                    names(&keys, 3)
                ),
                "add the roles that use the key to `key_users`, or the AWS services that use it as their own principal (`logs`, `cloudwatch`, `events`, `cloudtrail`) to `services`".to_string(),
            )
        } else {
            let services: Vec<&str> = w.services.iter().map(|s| s.as_str()).collect();
            (
                format!(
                    "workload `{name}` names services ({}) but no key_users, grants or external_accounts: those services use a key on behalf of a key user, so nobody can use {}",
                    services.join(", "),
                    names(&keys, 3)
                ),
                "add the roles that use the key through these services to `key_users`".to_string(),
            )
        };
        out.push(
            RULE.diag(message)
                .hint(hint)
                .at(cx.key_at(&ptr(&["workloads", name]))),
        );
    }
}
