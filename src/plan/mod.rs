//! plan: a checked spec → every key, with its identity, names, settings,
//! tags, policy, grants and replica. Pure and deterministic.

pub mod identity;
pub mod policy;
pub mod services;
mod settings;

use indexmap::IndexMap;
use serde::Serialize;

use crate::load::spec::{
    GrantOperation, IamDelegation, KeySpec, KeyUsage, Service, Spec, Strategy, Tier, Workload,
};
use crate::placeholders::{Scope, expand};
use crate::source::ptr;
pub use identity::Identity;
pub use policy::PolicyDocument;

/// The whole layout: per environment, its keys.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub environments: Vec<EnvPlan>,
}

/// One environment's account, region and keys.
#[derive(Debug, Clone, Serialize)]
pub struct EnvPlan {
    pub name: String,
    pub account: String,
    pub region: String,
    pub dr_region: Option<String>,
    pub partition: &'static str,
    pub tier: Tier,
    pub strategy: Strategy,
    pub iam_delegation: IamDelegation,
    pub allow_cross_account: bool,
    pub deployer: Option<String>,
    /// Keys sorted by identity name.
    pub keys: Vec<Key>,
}

/// One customer-managed key.
#[derive(Debug, Clone, Serialize)]
pub struct Key {
    pub id: String,
    #[serde(skip)]
    pub identity: Identity,
    /// The identity the key had before a workload rename (`renamed_from`).
    #[serde(skip)]
    pub previous: Option<Identity>,
    pub alias: String,
    /// Aliases kept beside `alias` while a rename is in progress.
    pub previous_aliases: Vec<String>,
    pub terraform_name: String,
    pub logical_id: String,
    pub description: String,
    pub workloads: Vec<String>,
    pub data_classes: Vec<String>,
    /// The compliance regimes of its regulated classes; empty when not regulated.
    pub compliance: Vec<String>,
    pub services: Vec<Service>,
    pub key_spec: KeySpec,
    pub key_usage: KeyUsage,
    /// Rotation period in days when rotation is on; `None` when off or not supported.
    pub rotation_days: Option<u32>,
    /// Whether rotation was asked for but the key spec cannot rotate.
    #[serde(skip)]
    pub rotation_supported: bool,
    pub deletion_window_days: u32,
    pub multi_region: bool,
    pub prevent_destroy: bool,
    pub admins: Vec<String>,
    pub users: Vec<String>,
    pub tags: IndexMap<String, String>,
    pub grants: Vec<PlannedGrant>,
    /// Sum of the workloads' declared peak request rates.
    pub peak_requests_per_second: u64,
    /// The policy as Terraform applies it (grants are separate resources).
    pub policy: PolicyDocument,
    /// The policy as CloudFormation applies it: each grant becomes a statement,
    /// since CloudFormation has no grant resource. Set only when there are grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_with_grants: Option<PolicyDocument>,
    pub replica: Option<Replica>,
    /// Where in the spec the key comes from: one entry per workload.
    #[serde(skip)]
    pub origins: Vec<Origin>,
    /// How each workload reaches the key; used to build policies per region.
    #[serde(skip)]
    pub uses: Vec<Use>,
}

/// A multi-Region replica in the environment's DR region.
#[derive(Debug, Clone, Serialize)]
pub struct Replica {
    pub region: String,
    /// The key's tags with `{region}` evaluated for the replica's region.
    pub tags: IndexMap<String, String>,
    pub terraform_name: String,
    pub logical_id: String,
    pub policy: PolicyDocument,
}

/// A grant on a key.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedGrant {
    pub name: String,
    pub workload: String,
    pub terraform_name: String,
    /// The Terraform name the grant had before its workload was renamed.
    #[serde(skip)]
    pub previous_terraform_name: Option<String>,
    pub grantee: String,
    pub operations: Vec<GrantOperation>,
    pub encryption_context: IndexMap<String, String>,
}

/// Where a key comes from in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub workload: String,
    pub data_class: String,
    /// `/workloads/<name>`.
    pub pointer: String,
}

/// How one workload uses one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub workload: String,
    /// Principal ARNs as written (placeholders unexpanded).
    pub principals: Vec<String>,
    pub external_accounts: Vec<String>,
    pub services: Vec<Service>,
}

/// Plans every key of a checked spec.
pub fn plan(spec: &Spec) -> Plan {
    let environments = spec
        .environments
        .iter()
        .map(|(env_name, _)| plan_environment(spec, env_name))
        .collect();
    Plan { environments }
}

/// The AWS partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Whether workload `w` runs in environment `env`.
pub fn runs_in(w: &Workload, env: &str) -> bool {
    w.environments
        .as_ref()
        .is_none_or(|envs| envs.iter().any(|e| e == env))
}

/// The identities of workload `name`'s keys for one data class in one environment:
/// the base key (if any service or direct use remains) and one per dedicated service.
pub fn identities(
    spec: &Spec,
    env_name: &str,
    name: &str,
    w: &Workload,
    class: &str,
) -> Vec<(Identity, Vec<Service>)> {
    let env = &spec.environments[env_name];
    let regulated = spec
        .data_classes
        .get(class)
        .is_some_and(|c| c.compliance.is_some());
    let symmetric = w.key_spec.unwrap_or(KeySpec::SymmetricDefault) == KeySpec::SymmetricDefault;
    // Keys other than symmetric ones cannot serve other workloads: plan them per workload.
    let strategy = match (env.strategy, symmetric) {
        (Strategy::PerEnvironment, false) => Strategy::PerWorkload,
        (Strategy::PerDataClass, false) => Strategy::PerWorkloadDataClass,
        (s, _) => s,
    };
    let own = Some(name.to_string());
    let (workload, with_class) = match strategy {
        Strategy::PerEnvironment => (None, regulated),
        Strategy::PerDataClass => (None, true),
        Strategy::PerWorkload => (own.clone(), regulated),
        Strategy::PerWorkloadDataClass => (own.clone(), true),
    };
    let class_part = |with: bool| with.then(|| class.to_string());
    let base = Identity {
        workload,
        data_class: class_part(with_class),
        service: None,
        env: env_name.to_string(),
    };

    let shared_services: Vec<Service> = w
        .services
        .iter()
        .copied()
        .filter(|s| !w.dedicated_service_keys.contains(s))
        .collect();
    let mut out = Vec::new();
    if shared_services.len() + w.dedicated_service_keys.len() == 0 || !shared_services.is_empty() {
        out.push((base, shared_services));
    }
    for &service in &w.dedicated_service_keys {
        let identity = Identity {
            workload: own.clone(),
            data_class: class_part(with_class),
            service: Some(service),
            env: env_name.to_string(),
        };
        out.push((identity, vec![service]));
    }
    out
}

fn plan_environment(spec: &Spec, env_name: &str) -> EnvPlan {
    let env = &spec.environments[env_name];
    let pattern = spec
        .naming
        .alias
        .as_deref()
        .unwrap_or(identity::DEFAULT_ALIAS_PATTERN);
    let prefix = spec.naming.prefix.as_deref().unwrap_or("");

    // Group (workload, class) pairs by the identity of the key that serves them.
    let mut builders: IndexMap<Identity, settings::KeyBuilder> = IndexMap::new();
    for (name, w) in &spec.workloads {
        if !runs_in(w, env_name) {
            continue;
        }
        for class in &w.data_classes {
            for (identity, services) in identities(spec, env_name, name, w, class) {
                builders.entry(identity).or_default().add(
                    name,
                    w,
                    class,
                    services,
                    &ptr(&["workloads", name]),
                );
            }
        }
    }

    let mut keys: Vec<Key> = builders
        .into_iter()
        .map(|(identity, b)| {
            let previous = previous_identity(spec, &identity);
            let previous_aliases = previous
                .as_ref()
                .map(|p| p.alias(pattern, prefix))
                .filter(|a| *a != identity.alias(pattern, prefix))
                .into_iter()
                .collect();
            b.build(
                spec,
                env_name,
                identity,
                previous,
                previous_aliases,
                pattern,
                prefix,
            )
        })
        .collect();
    keys.sort_by(|a, b| a.id.cmp(&b.id));

    EnvPlan {
        name: env_name.to_string(),
        account: env.account.clone(),
        region: env.region.clone(),
        dr_region: env.dr_region.clone(),
        partition: partition(&env.region),
        tier: env.tier,
        strategy: env.strategy,
        iam_delegation: env.iam_delegation,
        allow_cross_account: env.allow_cross_account,
        deployer: env.deployer.as_ref().map(|d| {
            expand(
                d,
                &Scope {
                    account: &env.account,
                    env: env_name,
                    region: &env.region,
                    workload: "shared",
                },
            )
        }),
        keys,
    }
}

/// The identity a workload-owned key had before its workload was renamed.
fn previous_identity(spec: &Spec, identity: &Identity) -> Option<Identity> {
    let name = identity.workload.as_ref()?;
    let old = spec.workloads.get(name)?.renamed_from.as_ref()?;
    Some(Identity {
        workload: Some(old.clone()),
        ..identity.clone()
    })
}

#[cfg(test)]
mod tests;
