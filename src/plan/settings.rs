//! Resolving a key's settings from the workloads and classes it serves:
//! workload over environment over defaults, data-class bounds always hold,
//! and when several share a key the strictest value wins.

use indexmap::IndexMap;

use super::identity::Identity;
use super::policy::{self, PolicyInput};
use super::{Key, Origin, PlannedGrant, Replica, Use};
use crate::load::spec::{KeySpec, Service, Spec, Tier, Workload};
use crate::placeholders::{Scope, expand};

/// The rotation a workload gets for one class: `Some(days)` when on.
/// Inherited values are clamped to the class bound; explicit values outside
/// it are rejected earlier, by check.
pub fn rotation_for(spec: &Spec, w: &Workload, class: &str) -> Option<u32> {
    let defaults = spec.defaults.rotation.unwrap_or_default();
    let own = w.rotation.unwrap_or_default();
    let bound = spec
        .data_classes
        .get(class)
        .and_then(|c| c.rotation)
        .unwrap_or_default();
    let enabled = own.enabled.or(defaults.enabled).unwrap_or(true) || bound.enabled == Some(true);
    let mut period = own.period_days.or(defaults.period_days).unwrap_or(365);
    if let Some(max) = bound.period_days {
        period = period.min(max);
    }
    enabled.then_some(period)
}

/// The deletion window a workload gets for one class (class bound is a minimum).
pub fn deletion_window_for(spec: &Spec, w: &Workload, class: &str) -> u32 {
    let window = w
        .deletion_window_days
        .or(spec.defaults.deletion_window_days)
        .unwrap_or(30);
    let min = spec
        .data_classes
        .get(class)
        .and_then(|c| c.deletion_window_days)
        .unwrap_or(7);
    window.max(min)
}

/// Accumulates the workloads and classes that one key serves.
#[derive(Debug, Default)]
pub struct KeyBuilder {
    origins: Vec<Origin>,
    services: Vec<Service>,
    uses: Vec<Use>,
}

impl KeyBuilder {
    pub fn add(
        &mut self,
        name: &str,
        w: &Workload,
        class: &str,
        services: Vec<Service>,
        pointer: &str,
    ) {
        self.origins.push(Origin {
            workload: name.to_string(),
            data_class: class.to_string(),
            pointer: pointer.to_string(),
        });
        for s in &services {
            if !self.services.contains(s) {
                self.services.push(*s);
            }
        }
        match self.uses.iter_mut().find(|u| u.workload == name) {
            Some(u) => {
                for s in services {
                    if !u.services.contains(&s) {
                        u.services.push(s);
                    }
                }
            }
            None => self.uses.push(Use {
                workload: name.to_string(),
                principals: w.key_users.clone(),
                external_accounts: w.external_accounts.clone(),
                services,
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn build(
        self,
        spec: &Spec,
        env_name: &str,
        identity: Identity,
        previous: Option<Identity>,
        previous_aliases: Vec<String>,
        pattern: &str,
        prefix: &str,
    ) -> Key {
        let env = &spec.environments[env_name];
        let workload = |name: &str| &spec.workloads[name];
        let mut workloads: Vec<String> = Vec::new();
        let mut data_classes: Vec<String> = Vec::new();
        for o in &self.origins {
            if !workloads.contains(&o.workload) {
                workloads.push(o.workload.clone());
            }
            if !data_classes.contains(&o.data_class) {
                data_classes.push(o.data_class.clone());
            }
        }
        let first = workload(&workloads[0]);
        let key_spec = first.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let key_usage = first.key_usage.unwrap_or(key_spec.usages()[0]);
        let symmetric = key_spec == KeySpec::SymmetricDefault;

        // Strictest wins: rotation on if any asks, shortest period, longest window.
        let rotations = self
            .origins
            .iter()
            .filter_map(|o| rotation_for(spec, workload(&o.workload), &o.data_class));
        let rotation_days = if symmetric { rotations.min() } else { None };
        let deletion_window_days = self
            .origins
            .iter()
            .map(|o| deletion_window_for(spec, workload(&o.workload), &o.data_class))
            .max()
            .unwrap_or(30);
        let multi_region = workloads
            .iter()
            .any(|n| workload(n).multi_region == Some(true));

        let compliance: Vec<String> = data_classes
            .iter()
            .filter_map(|c| spec.data_classes.get(c).and_then(|d| d.compliance.clone()))
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });

        let scope = Scope {
            account: &env.account,
            env: env_name,
            region: &env.region,
            workload: identity.workload_part(),
        };
        let owner = match &identity.workload {
            Some(w) => workload(w).owner.clone(),
            None => env.owner.clone().unwrap_or_else(|| {
                let mut owners: Vec<&str> = workloads
                    .iter()
                    .map(|w| workload(w).owner.as_str())
                    .collect();
                owners.sort();
                owners.dedup();
                owners.join("+")
            }),
        };
        // Tags are evaluated per region, like policies: a replica's `{region}` is its own.
        let tags_in = |region: &str| {
            let scope = Scope { region, ..scope };
            let mut tags = IndexMap::new();
            tags.insert("Environment".to_string(), env_name.to_string());
            tags.insert("DataClass".to_string(), data_classes.join("+"));
            tags.insert("Owner".to_string(), owner.clone());
            tags.insert("Workload".to_string(), identity.workload_part().to_string());
            tags.insert("ManagedBy".to_string(), "kms-gen".to_string());
            if !compliance.is_empty() {
                tags.insert("Compliance".to_string(), compliance.join("+"));
            }
            let own_tags = identity.workload.as_ref().map(|w| &workload(w).tags);
            for (k, v) in spec
                .defaults
                .tags
                .iter()
                .chain(&env.tags)
                .chain(own_tags.into_iter().flatten())
            {
                tags.insert(k.clone(), expand(v, &scope));
            }
            tags
        };
        let tags = tags_in(&env.region);

        let description = match &identity.workload {
            Some(w) if workload(w).description.is_some() => {
                workload(w).description.clone().unwrap_or_default()
            }
            _ => {
                let owner = identity.workload.as_deref().unwrap_or("Shared");
                let via = identity
                    .service
                    .map(|s| format!(", used through {s}"))
                    .unwrap_or_default();
                format!(
                    "{owner} key for {} data in {env_name}{via}",
                    data_classes.join(", ")
                )
            }
        };

        let mut admins: Vec<String> = env
            .key_admins
            .iter()
            .chain(workloads.iter().flat_map(|w| &workload(w).key_admins))
            .map(|a| expand(a, &scope))
            .collect();
        admins.sort();
        admins.dedup();
        let mut users: Vec<String> = self
            .uses
            .iter()
            .flat_map(|u| {
                let scope = Scope {
                    workload: &u.workload,
                    ..scope
                };
                u.principals.iter().map(move |p| expand(p, &scope))
            })
            .collect();
        users.sort();
        users.dedup();

        let terraform_name = identity.terraform_name();
        let grant_name = |key_tf: &str, workload: &str, grant: &str| {
            heck::ToSnakeCase::to_snake_case(format!("{key_tf}-{workload}-{grant}").as_str())
        };
        let grants: Vec<PlannedGrant> = workloads
            .iter()
            .flat_map(|name| {
                let scope = Scope {
                    workload: name,
                    ..scope
                };
                let w = workload(name);
                let tf = terraform_name.clone();
                let old_tf = previous
                    .as_ref()
                    .map_or_else(|| tf.clone(), Identity::terraform_name);
                w.grants.iter().map(move |g| {
                    let terraform_name = grant_name(&tf, name, &g.name);
                    // A grant's address holds its workload's name, even on a shared
                    // key, so a rename moves it too.
                    let previous_terraform_name = w
                        .renamed_from
                        .as_deref()
                        .map(|old| grant_name(&old_tf, old, &g.name))
                        .filter(|old| *old != terraform_name);
                    PlannedGrant {
                        name: g.name.clone(),
                        workload: name.clone(),
                        terraform_name,
                        previous_terraform_name,
                        grantee: expand(&g.grantee, &scope),
                        operations: g.operations.clone(),
                        encryption_context: g.encryption_context.clone(),
                    }
                })
            })
            .collect();

        let input = PolicyInput {
            partition: super::partition(&env.region),
            account: &env.account,
            env: env_name,
            key_workload: identity.workload_part(),
            iam_delegation: env.iam_delegation,
            deployer: env.deployer.as_deref(),
            admins: &admins,
            uses: &self.uses,
            services: &self.services,
            usage: key_usage,
            key_spec,
            multi_region,
            grantees: grants.iter().map(|g| g.grantee.clone()).collect(),
        };
        let policy = policy::build(&input, &env.region);
        let policy_with_grants =
            (!grants.is_empty()).then(|| policy::with_grants(&policy, &grants));
        let replica = match (&env.dr_region, multi_region) {
            (Some(dr), true) => Some(Replica {
                region: dr.clone(),
                tags: tags_in(dr),
                terraform_name: format!("{terraform_name}_replica"),
                logical_id: format!(
                    "{}Replica",
                    previous.as_ref().unwrap_or(&identity).logical_id()
                ),
                // Grants live on the primary key only.
                policy: policy::build(
                    &PolicyInput {
                        grantees: Vec::new(),
                        ..input.clone()
                    },
                    dr,
                ),
            }),
            _ => None,
        };

        Key {
            id: identity.name(),
            alias: identity.alias(pattern, prefix),
            previous_aliases,
            terraform_name,
            logical_id: previous.as_ref().unwrap_or(&identity).logical_id(),
            description,
            workloads,
            data_classes,
            compliance,
            services: self.services,
            key_spec,
            key_usage,
            rotation_days,
            rotation_supported: symmetric,
            deletion_window_days,
            multi_region,
            prevent_destroy: env.tier == Tier::Prod,
            admins,
            users,
            tags,
            grants,
            peak_requests_per_second: self
                .origins
                .iter()
                .map(|o| o.workload.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|w| u64::from(workload(w).peak_requests_per_second.unwrap_or(0)))
                .sum(),
            policy,
            policy_with_grants,
            replica,
            origins: self.origins,
            uses: self.uses,
            identity,
            previous,
        }
    }
}
