use std::collections::HashMap;

use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// No two keys share an alias in one account and region, and no two keys of an
    /// environment share a Terraform resource name or CloudFormation logical id; no
    /// environment is named like another's DR template (`prod` and `prod-dr`).
    ///
    /// ## Why it matters
    ///
    /// Different names can give the same derived name: `app-2` and `app2` both become the
    /// logical id `App2`; workload `orders-pci` and workload `orders` with class `pci` both
    /// give `alias/orders-pci-prod`. One key would silently take the other's place.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   app-2: { owner: team-a, data_classes: [internal] }
    ///   app2: { owner: team-b, data_classes: [internal] }
    /// ```
    ///
    /// Rename one of them, e.g. `app-two`.
    pub static RULE = {
        code: "E018",
        name: "name-collision",
        severity: Error,
        summary: "two keys whose alias, Terraform name or logical id coincide",
        check: crate::check::Check::Plan(check),
    }
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let mut aliases: HashMap<(String, String, String), String> = HashMap::new();
    for env in &cx.plan.environments {
        let mut tf: HashMap<&str, &str> = HashMap::new();
        let mut ids: HashMap<&str, &str> = HashMap::new();
        let origin_of = |id: &str| {
            env.keys
                .iter()
                .find(|k| k.id == id)
                .and_then(|k| k.origins.last())
                .and_then(|o| cx.key_at(&o.pointer))
        };
        for key in &env.keys {
            let at = key.origins.last().and_then(|o| cx.key_at(&o.pointer));
            let mut clash = |what: &str, name: &str, other: &str| {
                let other_at = origin_of(other).filter(|o| Some(*o) != at);
                out.push(
                    RULE.diag(format!(
                        "keys `{other}` and `{}` both get the {what} `{name}`",
                        key.id
                    ))
                    .hint("rename one of the workloads or data classes so their names differ")
                    .at(at)
                    .related(other_at, format!("`{other}` comes from here")),
                );
            };
            if let Some(other) = tf.insert(&key.terraform_name, &key.id) {
                clash("Terraform name", &key.terraform_name, other);
            }
            if let Some(other) = ids.insert(&key.logical_id, &key.id) {
                clash("CloudFormation logical id", &key.logical_id, other);
            }
            for alias in std::iter::once(&key.alias).chain(&key.previous_aliases) {
                let slot = (env.account.clone(), env.region.clone(), alias.clone());
                if let Some(other) = aliases.insert(slot, key.id.clone())
                    && other != key.id
                {
                    clash(
                        &format!("alias (in account {} {})", env.account, env.region),
                        alias,
                        &other,
                    );
                }
            }
        }
    }
    for env in cx.spec.environments.keys() {
        let dr = format!("{env}-dr");
        if cx.spec.environments.contains_key(&dr) {
            out.push(
                RULE.diag(format!(
                    "environment `{dr}` collides with the DR template of `{env}` ({dr}.yaml)"
                ))
                .hint("rename the environment")
                .at(cx.key_at(&ptr(&["environments", &dr]))),
            );
        }
    }
}
