use std::collections::HashMap;

use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::plan::identity::DEFAULT_ALIAS_PATTERN;
use crate::plan::{Identity, Key};
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
    /// Rename one of them, e.g. `app-two`. When two identities' names coincide exactly
    /// (workload `a-b` with class `c`, workload `a` with class `b-c`), the message names
    /// their parts; when `naming.alias` leaves out a part that tells keys apart, the hint
    /// says so.
    pub static RULE = {
        code: "E018",
        name: "name-collision",
        severity: Error,
        summary: "two keys whose alias, Terraform name or logical id coincide",
        check: crate::check::Check::Plan(check),
    }
}

/// `workload `a-b` with class `c``: the parts of an identity, for telling apart two
/// keys whose names coincide.
fn parts(identity: &Identity) -> String {
    let mut out = match &identity.workload {
        Some(w) => format!("workload `{w}`"),
        None => "the shared key".to_string(),
    };
    if let Some(c) = &identity.data_class {
        out.push_str(&format!(" with class `{c}`"));
    }
    if let Some(s) = identity.service {
        let with = if identity.data_class.is_some() {
            " and"
        } else {
            " with"
        };
        out.push_str(&format!("{with} service `{s}`"));
    }
    out
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let prefix = cx.spec.naming.prefix.as_deref().unwrap_or("");
    // The alias pattern is to blame when the default pattern would tell two keys apart.
    let naming = cx
        .spec
        .naming
        .alias
        .as_deref()
        .filter(|_| cx.is_written("/naming/alias"));
    let mut aliases: HashMap<(String, String, String), &Key> = HashMap::new();
    for env in &cx.plan.environments {
        let mut tf: HashMap<&str, &Key> = HashMap::new();
        let mut ids: HashMap<&str, &Key> = HashMap::new();
        let mut names: HashMap<&str, &Key> = HashMap::new();
        let origin = |k: &Key| k.origins.last().and_then(|o| cx.key_at(&o.pointer));
        for key in &env.keys {
            let at = origin(key);
            let related = |other: &Key| {
                let other_at = origin(other).filter(|o| Some(*o) != at);
                (other_at, format!("`{}` comes from here", other.id))
            };
            // Identities whose parts, joined by dashes, give the same name: every name
            // derived from them coincides, so say so once, by their parts.
            if let Some(other) = names.insert(&key.id, key) {
                let (other_at, label) = related(other);
                out.push(
                    RULE.diag(format!(
                        "{} and {} both make the key `{}`: its alias, Terraform name and logical id coincide",
                        parts(&other.identity),
                        parts(&key.identity),
                        key.id
                    ))
                    .hint("names are joined with dashes; rename one of the workloads or data classes so the joined names differ")
                    .at(at)
                    .related(other_at, label),
                );
                continue;
            }
            let clash = |what: &str, name: &str, other: &Key, hint: String| {
                let (other_at, label) = related(other);
                RULE.diag(format!(
                    "keys `{}` and `{}` both get the {what} `{name}`",
                    other.id, key.id
                ))
                .hint(hint)
                .at(at)
                .related(other_at, label)
            };
            let rename =
                || "rename one of the workloads or data classes so their names differ".to_string();
            if let Some(other) = tf.insert(&key.terraform_name, key) {
                out.push(clash(
                    "Terraform name",
                    &key.terraform_name,
                    other,
                    rename(),
                ));
            }
            if let Some(other) = ids.insert(&key.logical_id, key) {
                out.push(clash(
                    "CloudFormation logical id",
                    &key.logical_id,
                    other,
                    rename(),
                ));
            }
            for alias in std::iter::once(&key.alias).chain(&key.previous_aliases) {
                let slot = (env.account.clone(), env.region.clone(), alias.clone());
                if let Some(other) = aliases.insert(slot, key)
                    && other.id != key.id
                {
                    let default = |k: &Key| k.identity.alias(DEFAULT_ALIAS_PATTERN, prefix);
                    let what = format!("alias (in account {} {})", env.account, env.region);
                    match naming {
                        Some(pattern) if default(key) != default(other) => out.push(
                            RULE.diag(format!(
                                "keys `{}` and `{}` both get the {what} `{alias}`",
                                other.id, key.id
                            ))
                            .hint(format!(
                                "`naming.alias` (`{pattern}`) leaves out what tells these keys apart; include every part that varies, as the default `{DEFAULT_ALIAS_PATTERN}` does"
                            ))
                            .at(cx.at("/naming/alias"))
                            .related(at, format!("`{}` comes from here", key.id)),
                        ),
                        _ => out.push(clash(&what, alias, other, rename())),
                    }
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
