//! Holding a plan against the lock: what would be destroyed or replaced,
//! whether the user said so, and the lock that results.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Lock, LockedEnv, LockedKey, LockedReplica};
use crate::load::spec::{Spec, Tier};
use crate::plan::{EnvPlan, Key, Plan, runs_in};
use crate::render::terraform::addresses;
use crate::render::{ForgottenEnv, ForgottenKey};

/// What the user allowed on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decisions<'a> {
    /// `--allow-destroy KEY`: really destroy (or replace) these keys.
    pub allow_destroy: &'a [String],
    /// `--forget KEY`: stop managing these keys, keep them in AWS.
    pub forget: &'a [String],
}

/// What would happen to a locked key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// The spec no longer produces it.
    Destroyed,
    /// An immutable setting changes: a new key would take its place.
    Replaced,
    /// Its multi-Region replica goes; the primary stays.
    ReplicaDestroyed,
}

/// A locked key this render would destroy or replace.
#[derive(Debug, Clone)]
pub struct AtRisk {
    pub env: String,
    /// Its name in the lock.
    pub name: String,
    /// Its name in the plan when the spec still produces it (a rename changes it).
    pub now: Option<String>,
    pub risk: Risk,
    pub reasons: Vec<String>,
    /// Spec changes that would keep the key.
    pub fixes: Vec<String>,
    /// Where the data it protects goes instead: `clickstream (internal) -> clickstream-dev`.
    pub moves: Vec<String>,
    pub entry: LockedKey,
    pub prod: bool,
}

impl AtRisk {
    fn is_named(&self, name: &str) -> bool {
        self.name == name || self.now.as_deref() == Some(name)
    }
}

/// Why a render may not go on.
#[derive(Debug)]
pub enum Refusal {
    /// `--allow-destroy` / `--forget` naming no key at risk, or misused (exit 2).
    Flags(Vec<String>),
    /// Keys that would be destroyed or replaced without the user's say-so (exit 1).
    Destructive(Vec<AtRisk>),
    /// CloudFormation logical ids the lock keeps that new keys would also take (exit 1).
    Conflicts(Vec<String>),
}

/// The outcome of a render the lock allows.
#[derive(Debug)]
pub struct Reconciled {
    /// The lock to write.
    pub lock: Lock,
    /// The lock to write before the output: [`Reconciled::lock`] plus every
    /// key and replica this render destroys (forgotten keys are in both). It
    /// covers the keys of the old output and of the new one, so whichever of
    /// the two is on disk when a write fails, the lock guards every key it
    /// deploys. Equal to `lock` when the render drops nothing.
    pub interim: Lock,
    /// Forgotten keys, for `removed.tf`.
    pub forgotten: Vec<ForgottenEnv>,
    /// Things the user should know, never blocking.
    pub warnings: Vec<String>,
    /// What `--allow-destroy` and `--forget` did.
    pub notes: Vec<String>,
    pins: Vec<Pin>,
}

/// CloudFormation logical ids a key keeps from the lock.
#[derive(Debug)]
struct Pin {
    env: String,
    key: String,
    logical_id: String,
    replica: Option<String>,
}

impl Reconciled {
    /// Gives each key the CloudFormation logical ids the lock keeps for it, so
    /// a key renamed once keeps its stack resource after `renamed_from` goes.
    pub fn pin(&self, plan: &mut Plan) {
        for pin in &self.pins {
            let key = plan
                .environments
                .iter_mut()
                .filter(|e| e.name == pin.env)
                .flat_map(|e| e.keys.iter_mut())
                .find(|k| k.id == pin.key);
            if let Some(key) = key {
                key.logical_id = pin.logical_id.clone();
                if let (Some(r), Some(id)) = (&mut key.replica, &pin.replica) {
                    r.logical_id = id.clone();
                }
            }
        }
    }
}

/// Holds `plan` against the lock `old`; `decisions` are the user's flags.
pub fn reconcile(
    spec: &Spec,
    plan: &Plan,
    old: &Lock,
    decisions: &Decisions,
) -> Result<Reconciled, Refusal> {
    // Old workload name → new, from `renamed_from`.
    let renamed: HashMap<&str, &str> = spec
        .workloads
        .iter()
        .filter_map(|(name, w)| w.renamed_from.as_deref().map(|old| (old, name.as_str())))
        .collect();
    let empty = LockedEnv {
        account: String::new(),
        region: String::new(),
        dr_region: None,
        keys: BTreeMap::new(),
        forgotten: BTreeMap::new(),
    };

    let mut at_risk = Vec::new();
    let mut warnings = Vec::new();
    let mut pins = Vec::new();
    let mut conflicts = Vec::new();
    for env in &plan.environments {
        let locked = old.environments.get(&env.name).unwrap_or(&empty);
        let matched = match_keys(env, locked);
        let mut logical_ids: BTreeMap<String, &str> = BTreeMap::new();
        for key in &env.keys {
            let (logical_id, replica) = match matched.get(key.id.as_str()) {
                Some(name) => {
                    let entry = &locked.keys[*name];
                    if let Some(risk) = changes(env, locked, key, name, entry) {
                        at_risk.push(risk);
                    }
                    warnings.extend(rehomed(env, key, entry, &renamed));
                    // A rename keeps the old alias beside the new one; any other
                    // change of the alias (the naming prefix or pattern) drops it.
                    if entry.alias != key.alias && !key.previous_aliases.contains(&entry.alias) {
                        warnings.push(alias_changed(&env.name, key, entry));
                    }
                    let logical_id = entry.cloudformation.clone();
                    let replica = key.replica.as_ref().map(|_| match &entry.replica {
                        Some(r) => r.cloudformation.clone(),
                        None => format!("{logical_id}Replica"),
                    });
                    pins.push(Pin {
                        env: env.name.clone(),
                        key: key.id.clone(),
                        logical_id: logical_id.clone(),
                        replica: replica.clone(),
                    });
                    (logical_id, replica)
                }
                None => (
                    key.logical_id.clone(),
                    key.replica.as_ref().map(|r| r.logical_id.clone()),
                ),
            };
            for id in std::iter::once(logical_id).chain(replica) {
                if let Some(other) = logical_ids.insert(id.clone(), &key.id) {
                    conflicts.push(format!(
                        "keys `{other}` and `{}` of environment `{}` would both have the CloudFormation logical id `{id}`: the lock keeps it for a key renamed earlier; rename the new workload",
                        key.id, env.name
                    ));
                }
            }
        }
        let used: BTreeSet<&str> = matched.values().copied().collect();
        for (name, entry) in &locked.keys {
            if used.contains(name.as_str()) {
                continue;
            }
            let (reasons, fixes, moves) =
                why_destroyed(spec, &env.name, Some(env), entry, &renamed);
            at_risk.push(AtRisk {
                env: env.name.clone(),
                name: name.clone(),
                now: None,
                risk: Risk::Destroyed,
                reasons,
                fixes,
                moves,
                entry: entry.clone(),
                prod: env.tier == Tier::Prod,
            });
        }
    }
    for (env_name, locked) in &old.environments {
        if plan.environments.iter().any(|e| &e.name == env_name) {
            continue;
        }
        for (name, entry) in &locked.keys {
            let (reasons, fixes, moves) = why_destroyed(spec, env_name, None, entry, &renamed);
            at_risk.push(AtRisk {
                env: env_name.clone(),
                name: name.clone(),
                now: None,
                risk: Risk::Destroyed,
                reasons,
                fixes,
                moves,
                entry: entry.clone(),
                prod: false,
            });
        }
    }

    let flag_errors = check_flags(plan, old, &at_risk, decisions);
    if !flag_errors.is_empty() {
        return Err(Refusal::Flags(flag_errors));
    }
    let is_allowed = |r: &AtRisk| decisions.allow_destroy.iter().any(|n| r.is_named(n));
    let is_forgotten = |r: &AtRisk| decisions.forget.iter().any(|n| r.is_named(n));
    let refused: Vec<AtRisk> = at_risk
        .iter()
        .filter(|r| !is_allowed(r) && !is_forgotten(r))
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(Refusal::Destructive(refused));
    }
    if !conflicts.is_empty() {
        return Err(Refusal::Conflicts(conflicts));
    }

    // The new lock: the plan's keys, and what stays forgotten.
    let mut lock = Lock::default();
    for env in &plan.environments {
        let mut forgotten = old
            .environments
            .get(&env.name)
            .map(|l| l.forgotten.clone())
            .unwrap_or_default();
        let mut keys = BTreeMap::new();
        for key in &env.keys {
            let pin = pins.iter().find(|p| p.env == env.name && p.key == key.id);
            let names =
                std::iter::once(key.id.clone()).chain(key.previous.as_ref().map(|p| p.name()));
            for name in names {
                if let Some(entry) = forgotten.remove(&name) {
                    warnings.push(revived(&env.name, &name, &key.id, &entry));
                }
            }
            keys.insert(key.id.clone(), entry_of(key, pin));
        }
        lock.environments.insert(
            env.name.clone(),
            LockedEnv {
                account: env.account.clone(),
                region: env.region.clone(),
                dr_region: env.dr_region.clone(),
                keys,
                forgotten,
            },
        );
    }
    for (env_name, locked) in &old.environments {
        if !lock.environments.contains_key(env_name) {
            lock.environments.insert(
                env_name.clone(),
                LockedEnv {
                    keys: BTreeMap::new(),
                    ..locked.clone()
                },
            );
        }
    }
    let mut notes = Vec::new();
    for r in &at_risk {
        notes.push(note(r, is_forgotten(r)));
        if r.risk == Risk::Destroyed && is_forgotten(r) {
            lock.environments
                .get_mut(&r.env)
                .expect("every environment of the old lock is in the new one")
                .forgotten
                .insert(r.name.clone(), r.entry.clone());
        }
    }
    // Until the new output is on disk, the keys it drops are still deployed by
    // the old one: the interim lock keeps them.
    let mut interim = lock.clone();
    for r in at_risk.iter().filter(|r| !is_forgotten(r)) {
        let env = interim
            .environments
            .get_mut(&r.env)
            .expect("every environment of the old lock is in the new one");
        match r.risk {
            Risk::Destroyed => {
                env.keys.insert(r.name.clone(), r.entry.clone());
            }
            Risk::ReplicaDestroyed => {
                if let Some(key) = env.keys.get_mut(r.now.as_deref().unwrap_or(&r.name)) {
                    key.replica = r.entry.replica.clone();
                }
            }
            // The name stays locked either way; the lock takes the new settings.
            Risk::Replaced => {}
        }
    }
    for l in [&mut lock, &mut interim] {
        l.environments
            .retain(|_, e| !e.keys.is_empty() || !e.forgotten.is_empty());
    }

    let forgotten = lock
        .environments
        .iter()
        .filter(|(_, e)| !e.forgotten.is_empty())
        .map(|(name, e)| ForgottenEnv {
            name: name.clone(),
            account: e.account.clone(),
            region: e.region.clone(),
            dr_region: e
                .forgotten
                .values()
                .find_map(|k| k.replica.as_ref().map(|r| r.region.clone())),
            keys: e
                .forgotten
                .iter()
                .map(|(name, k)| ForgottenKey {
                    name: name.clone(),
                    protects: k.protects_text(),
                    addresses: k.terraform_addresses(),
                })
                .collect(),
        })
        .collect();
    Ok(Reconciled {
        lock,
        interim,
        forgotten,
        warnings,
        notes,
        pins,
    })
}

/// Plan key id → the lock entry it continues: the same name, else (for a
/// renamed workload) the name its previous identity had.
fn match_keys<'a>(env: &'a EnvPlan, locked: &'a LockedEnv) -> BTreeMap<&'a str, &'a str> {
    let mut matched: BTreeMap<&str, &str> = BTreeMap::new();
    for key in &env.keys {
        if let Some((name, _)) = locked.keys.get_key_value(&key.id) {
            matched.insert(&key.id, name);
        }
    }
    for key in &env.keys {
        if matched.contains_key(key.id.as_str()) {
            continue;
        }
        let Some(previous) = key.previous.as_ref().map(|p| p.name()) else {
            continue;
        };
        if let Some((name, _)) = locked.keys.get_key_value(&previous)
            && !matched.values().any(|n| *n == name.as_str())
        {
            matched.insert(&key.id, name);
        }
    }
    matched
}

/// The lock entry of a planned key, with the logical ids the lock keeps.
fn entry_of(key: &Key, pin: Option<&Pin>) -> LockedKey {
    let a = addresses(key);
    let mut protects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in &key.origins {
        let classes = protects.entry(o.workload.clone()).or_default();
        if !classes.contains(&o.data_class) {
            classes.push(o.data_class.clone());
        }
    }
    for classes in protects.values_mut() {
        classes.sort();
    }
    let logical_id = pin.map_or_else(|| key.logical_id.clone(), |p| p.logical_id.clone());
    LockedKey {
        alias: key.alias.clone(),
        key_spec: key.key_spec,
        key_usage: key.key_usage,
        multi_region: key.multi_region,
        protects,
        terraform: a.key,
        terraform_aliases: a.aliases,
        terraform_grants: a.grants,
        cloudformation: logical_id,
        replica: key.replica.as_ref().map(|r| LockedReplica {
            region: r.region.clone(),
            terraform: a.replica.clone().unwrap_or_default(),
            terraform_aliases: a.replica_aliases.clone(),
            cloudformation: pin
                .and_then(|p| p.replica.clone())
                .unwrap_or_else(|| r.logical_id.clone()),
        }),
    }
}

/// What would replace a locked key that the plan still produces, or its replica.
fn changes(
    env: &EnvPlan,
    locked: &LockedEnv,
    key: &Key,
    name: &str,
    entry: &LockedKey,
) -> Option<AtRisk> {
    let mut reasons = Vec::new();
    let mut fixes = Vec::new();
    let on_workloads = key
        .workloads
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut setting = |what: &str, old: String, new: String, why: &str, put_back: String| {
        if old != new {
            reasons.push(format!("{what} changes from {old} to {new}: {why}"));
            fixes.push(put_back);
        }
    };
    setting(
        "the account of environment",
        locked.account.clone(),
        env.account.clone(),
        "a key cannot leave its account",
        format!(
            "put `account: \"{}\"` back on environment `{}`",
            locked.account, env.name
        ),
    );
    setting(
        "the region of environment",
        locked.region.clone(),
        env.region.clone(),
        "a key cannot leave its region",
        format!(
            "put `region: {}` back on environment `{}`",
            locked.region, env.name
        ),
    );
    setting(
        "key_spec",
        entry.key_spec.to_string(),
        key.key_spec.to_string(),
        "AWS cannot change the key spec of an existing key",
        format!(
            "put `key_spec: {}` back on workload {on_workloads}",
            entry.key_spec
        ),
    );
    setting(
        "key_usage",
        entry.key_usage.to_string(),
        key.key_usage.to_string(),
        "AWS cannot change the key usage of an existing key",
        format!(
            "put `key_usage: {}` back on workload {on_workloads}",
            entry.key_usage
        ),
    );
    setting(
        "multi_region",
        entry.multi_region.to_string(),
        key.multi_region.to_string(),
        "AWS cannot turn a single-Region key into a multi-Region one, or back",
        format!(
            "put `multi_region: {}` back on workload {on_workloads}",
            entry.multi_region
        ),
    );
    let replaced = !reasons.is_empty();
    if entry.key_spec != key.key_spec
        || entry.key_usage != key.key_usage
        || entry.multi_region != key.multi_region
    {
        fixes.push(
            "keep this key and add one with the new settings beside it (a new workload), move the data over, then remove the old workload"
                .to_string(),
        );
    }
    if let Some(r) = &entry.replica {
        let gone = match &key.replica {
            None if !key.multi_region => Some("the key is no longer multi-Region".to_string()),
            None => Some(format!(
                "environment `{}` no longer has a dr_region",
                env.name
            )),
            Some(now) if now.region != r.region => Some(format!(
                "the dr_region of environment `{}` changes to {}",
                env.name, now.region
            )),
            Some(_) => None,
        };
        if let Some(why) = gone {
            if replaced {
                reasons.push(format!("its replica in {} goes with it", r.region));
            } else {
                reasons.push(format!(
                    "its replica in {} would be destroyed: {why}",
                    r.region
                ));
                fixes.push(format!(
                    "put `dr_region: {}` back on environment `{}`",
                    r.region, env.name
                ));
            }
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(AtRisk {
        env: env.name.clone(),
        name: name.to_string(),
        now: Some(key.id.clone()),
        risk: if replaced {
            Risk::Replaced
        } else {
            Risk::ReplicaDestroyed
        },
        reasons,
        fixes,
        moves: Vec::new(),
        entry: entry.clone(),
        prod: env.tier == Tier::Prod,
    })
}

/// Why a locked key is no longer produced, how to get it back, and where its
/// data goes instead.
fn why_destroyed(
    spec: &Spec,
    env_name: &str,
    env: Option<&EnvPlan>,
    entry: &LockedKey,
    renamed: &HashMap<&str, &str>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let Some(env) = env else {
        return (
            vec![format!("environment `{env_name}` is no longer in the spec")],
            vec![format!("put environment `{env_name}` back")],
            Vec::new(),
        );
    };
    let mut reasons: Vec<String> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    let push = |list: &mut Vec<String>, s: String| {
        if !list.contains(&s) {
            list.push(s);
        }
    };
    // Per workload and the keys its data goes to: the classes that go there.
    struct Move {
        workload: String,
        targets: Vec<String>,
        classes: Vec<String>,
    }
    let mut moves: Vec<Move> = Vec::new();
    for (w, classes) in &entry.protects {
        let current = renamed.get(w.as_str()).copied().unwrap_or(w);
        let Some(workload) = spec.workloads.get(current) else {
            push(
                &mut reasons,
                format!("workload `{w}` is no longer in the spec"),
            );
            let candidates = spec
                .workloads
                .iter()
                .filter(|(_, w)| w.renamed_from.is_none())
                .map(|(n, _)| n.as_str());
            let hint = crate::suggest::nearest(w, candidates)
                .map(|n| format!(" (`{n}`?)"))
                .unwrap_or_default();
            push(
                &mut fixes,
                format!(
                    "put workload `{w}` back, or, if it was renamed, add `renamed_from: {w}` to its new entry{hint}"
                ),
            );
            continue;
        };
        if !runs_in(workload, env_name) {
            push(
                &mut reasons,
                format!("workload `{current}` no longer runs in environment `{env_name}`"),
            );
            push(
                &mut fixes,
                format!("add `{env_name}` back to the environments of workload `{current}`"),
            );
            continue;
        }
        for class in classes {
            if !workload.data_classes.contains(class) {
                push(
                    &mut reasons,
                    format!("workload `{current}` no longer holds data class `{class}`"),
                );
                push(
                    &mut fixes,
                    format!("add `{class}` back to the data_classes of workload `{current}`"),
                );
                continue;
            }
            let targets: Vec<String> = env
                .keys
                .iter()
                .filter(|k| {
                    k.origins
                        .iter()
                        .any(|o| o.workload == current && o.data_class == *class)
                })
                .map(|k| k.id.clone())
                .collect();
            if targets.is_empty() {
                continue;
            }
            match moves
                .iter_mut()
                .find(|m| m.workload == current && m.targets == targets)
            {
                Some(m) => m.classes.push(class.clone()),
                None => moves.push(Move {
                    workload: current.to_string(),
                    targets,
                    classes: vec![class.clone()],
                }),
            }
        }
    }
    if !moves.is_empty() {
        reasons.push(
            "the spec now puts its data on other keys (the environment's strategy, dedicated_service_keys, key_spec or the naming changed)"
                .to_string(),
        );
        fixes.push(
            "restore the strategy, dedicated_service_keys, key_spec or naming that put this data on this key"
                .to_string(),
        );
    }
    if reasons.is_empty() {
        reasons.push("the spec no longer produces it".to_string());
    }
    let moves = moves
        .into_iter()
        .map(|m| {
            format!(
                "{} ({}) -> {}",
                m.workload,
                m.classes.join(", "),
                m.targets.join(", ")
            )
        })
        .collect();
    (reasons, fixes, moves)
}

/// Workload data that leaves a key the plan keeps, for another key: data
/// already encrypted stays readable only through the old key.
fn rehomed(
    env: &EnvPlan,
    key: &Key,
    entry: &LockedKey,
    renamed: &HashMap<&str, &str>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (w, classes) in &entry.protects {
        let current = renamed.get(w.as_str()).copied().unwrap_or(w);
        for class in classes {
            let here = |k: &Key| {
                k.origins
                    .iter()
                    .any(|o| o.workload == current && o.data_class == *class)
            };
            if here(key) {
                continue;
            }
            let elsewhere: Vec<&str> = env
                .keys
                .iter()
                .filter(|k| here(k))
                .map(|k| k.id.as_str())
                .collect();
            if !elsewhere.is_empty() {
                out.push(format!(
                    "the {class} data of workload `{current}` moves from key `{}` to `{}`: what is already encrypted under `{}` stays readable only through it, and its policy no longer lets `{current}` use it; re-encrypt that data first",
                    key.id,
                    elsewhere.join("`, `"),
                    key.id
                ));
            }
        }
    }
    out
}

/// A kept key whose alias changes: AWS renames nothing in place, so the old
/// alias is deleted when the change is applied, and whatever still uses it fails.
fn alias_changed(env: &str, key: &Key, entry: &LockedKey) -> String {
    let replica = match &key.replica {
        Some(r) => format!(" (and of its replica in {})", r.region),
        None => String::new(),
    };
    format!(
        "the alias of key `{}` (environment {env}){replica} changes from {} to {}: the key is kept, but once this is applied {} no longer exists, so applications using it must switch to {} first; to keep the old alias, put back the `naming` (prefix or alias pattern) that gave it",
        key.id, entry.alias, key.alias, entry.alias, key.alias
    )
}

fn revived(env: &str, name: &str, now: &str, entry: &LockedKey) -> String {
    format!(
        "key `{name}` of environment `{env}` was forgotten earlier (--forget) and the spec produces `{now}` again: its `removed` blocks are dropped. If the forget was applied, Terraform will create a new key, and its alias {} is still held by the old one: import the old key (`terraform import`) instead",
        entry.alias
    )
}

fn note(r: &AtRisk, forgotten: bool) -> String {
    let key = format!("`{}` (environment {})", r.name, r.env);
    match (r.risk, forgotten) {
        (Risk::Destroyed, true) => format!(
            "forgetting key {key}: it stays in AWS; Terraform drops it from its state through terraform/{}/removed.tf, and CloudFormation's DeletionPolicy: Retain keeps the key (not its alias) when it leaves the stack",
            r.env
        ),
        (Risk::Destroyed, false) => format!(
            "destroying key {key} (--allow-destroy): Terraform schedules its deletion when applied; CloudFormation's DeletionPolicy: Retain keeps it, so delete it there by hand. It protects {}",
            r.entry.protects_text()
        ),
        (Risk::Replaced, _) => format!(
            "replacing key {key} (--allow-destroy): {}",
            r.reasons.join("; ")
        ),
        (Risk::ReplicaDestroyed, _) => format!(
            "destroying the replica of key {key} (--allow-destroy): {}",
            r.reasons.join("; ")
        ),
    }
}

/// Flags that name no key at risk, or `--forget` on a key still produced.
fn check_flags(plan: &Plan, old: &Lock, at_risk: &[AtRisk], decisions: &Decisions) -> Vec<String> {
    let mut errors = Vec::new();
    let risky: Vec<&str> = at_risk
        .iter()
        .flat_map(|r| std::iter::once(r.name.as_str()).chain(r.now.as_deref()))
        .collect();
    let known: BTreeSet<&str> = plan
        .environments
        .iter()
        .flat_map(|e| e.keys.iter().map(|k| k.id.as_str()))
        .chain(
            old.environments
                .values()
                .flat_map(|e| e.keys.keys().chain(e.forgotten.keys()).map(String::as_str)),
        )
        .collect();
    for (flag, names) in [
        ("--allow-destroy", decisions.allow_destroy),
        ("--forget", decisions.forget),
    ] {
        for name in names {
            let hit = at_risk.iter().find(|r| r.is_named(name));
            match hit {
                None => {
                    let why = if known.contains(name.as_str()) {
                        format!("this render neither destroys nor replaces key `{name}`")
                    } else {
                        let hint = crate::suggest::nearest(name, risky.iter().copied())
                            .or_else(|| crate::suggest::nearest(name, known.iter().copied()))
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        format!("no key is named `{name}`{hint}")
                    };
                    let list = if risky.is_empty() {
                        "no key would be destroyed or replaced".to_string()
                    } else {
                        format!(
                            "keys that would be destroyed or replaced: {}",
                            at_risk
                                .iter()
                                .map(|r| r.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    errors.push(format!("{flag} {name}: {why} ({list})"));
                }
                Some(r) if flag == "--forget" && r.risk != Risk::Destroyed => {
                    errors.push(format!(
                        "--forget {name}: the spec still produces this key, so Terraform cannot stop managing it; --forget is for keys the spec no longer produces. Use --allow-destroy {name} to replace it, or change the spec back"
                    ));
                }
                Some(r)
                    if flag == "--forget"
                        && decisions.allow_destroy.iter().any(|n| r.is_named(n)) =>
                {
                    errors.push(format!(
                        "key `{name}` is named by both --allow-destroy and --forget; choose one"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    errors
}

impl Refusal {
    /// The message users read: per key, what would happen, why, what it
    /// protects, and the ways forward. `lock` names the lock file.
    pub fn message(&self, lock: &str) -> String {
        match self {
            Refusal::Flags(errors) | Refusal::Conflicts(errors) => errors.join("\n"),
            Refusal::Destructive(keys) => destructive_message(keys, lock),
        }
    }
}

fn destructive_message(keys: &[AtRisk], lock: &str) -> String {
    let count = |risk: Risk| keys.iter().filter(|k| k.risk == risk).count();
    let one = keys.len() == 1;
    let verbs = [
        (Risk::Destroyed, "destroyed"),
        (Risk::Replaced, "replaced"),
        (
            Risk::ReplicaDestroyed,
            if one {
                "stripped of its replica"
            } else {
                "stripped of their replica"
            },
        ),
    ];
    let kinds: Vec<String> = verbs
        .iter()
        .filter(|(risk, _)| count(*risk) > 0)
        .map(|(risk, verb)| format!("{} {verb}", count(*risk)))
        .collect();
    let what = match verbs.iter().find(|(risk, _)| count(*risk) == keys.len()) {
        Some((_, verb)) => verb.to_string(),
        None => format!("destroyed or replaced ({})", kinds.join(", ")),
    };
    let why = if count(Risk::ReplicaDestroyed) == keys.len() {
        "A replica holds its key's material in another region: without it, that region has no copy of the key."
    } else {
        "A KMS key cannot be recreated: once it is deleted, everything encrypted under it is unreadable."
    };
    let mut out = format!(
        "refusing to render: {} {} in {lock} would be {what}.\n{why}\n",
        keys.len(),
        if one { "key" } else { "keys" },
    );
    for k in keys {
        out.push('\n');
        let name = &k.name;
        let renamed = match &k.now {
            Some(now) if now != name => format!(", now `{now}`"),
            _ => String::new(),
        };
        let headline = match k.risk {
            Risk::Destroyed => "would be DESTROYED".to_string(),
            Risk::Replaced => {
                "would be REPLACED: destroyed, and a new key created in its place".to_string()
            }
            Risk::ReplicaDestroyed => format!(
                "would lose its REPLICA in {}",
                k.entry
                    .replica
                    .as_ref()
                    .map_or("its DR region", |r| r.region.as_str())
            ),
        };
        out.push_str(&format!(
            "key `{name}` (environment {}{renamed}) {headline}\n",
            k.env
        ));
        let mut field =
            |label: &str, text: &str| out.push_str(&wrap(&format!("{label:<10}{text}"), 2, 12));
        for (i, reason) in k.reasons.iter().enumerate() {
            field(if i == 0 { "why:" } else { "" }, reason);
        }
        field("protects:", &k.entry.protects_text());
        for (i, m) in k.moves.iter().enumerate() {
            field(if i == 0 { "moves:" } else { "" }, m);
        }
        if !k.moves.is_empty() {
            field(
                "note:",
                "data already encrypted under this key stays readable only through it: --forget keeps it while you re-encrypt into the new keys",
            );
        }
        if k.risk == Risk::ReplicaDestroyed {
            field(
                "note:",
                "the primary still decrypts what the replica encrypted (same key material), but the region loses its copy",
            );
        }
        field("emitted:", &emitted(&k.entry));
        out.push_str("  ways forward:\n");
        let mut option = |flag: &str, text: &str| {
            out.push_str(&format!("    {flag} {name}\n"));
            out.push_str(&wrap(text, 8, 8));
        };
        match k.risk {
            Risk::Destroyed => {
                option(
                    "--allow-destroy",
                    "delete it for real, and drop it from the lock. Terraform schedules its deletion; CloudFormation's DeletionPolicy: Retain keeps it when it leaves the stack, so delete it there by hand.",
                );
                option(
                    "--forget",
                    &format!(
                        "stop managing it but keep it in AWS: Terraform gets `removed` blocks with `lifecycle {{ destroy = false }}` (Terraform >= 1.7) for {} and the resources that go with it, in terraform/{}/removed.tf; CloudFormation's DeletionPolicy: Retain keeps the key (not its alias) when it leaves the stack.",
                        k.entry.terraform, k.env
                    ),
                );
            }
            Risk::Replaced => option(
                "--allow-destroy",
                &format!(
                    "replace it for real; the lock takes the new settings. Terraform destroys the old key{}; CloudFormation's UpdateReplacePolicy: Retain keeps the old key.",
                    if k.prod {
                        " (in prod, its prevent_destroy stops the apply until you lift it)"
                    } else {
                        ""
                    }
                ),
            ),
            Risk::ReplicaDestroyed => option(
                "--allow-destroy",
                "destroy the replica, and drop it from the lock. CloudFormation's DeletionPolicy: Retain keeps it when it leaves the DR stack.",
            ),
        }
        for fix in &k.fixes {
            out.push_str(&wrap(&format!("or change the spec: {fix}"), 4, 8));
        }
    }
    out
}

/// Wraps `text` at 100 columns on spaces: the first line indented by
/// `first`, the others by `rest`. Every line ends with a newline.
fn wrap(text: &str, first: usize, rest: usize) -> String {
    const WIDTH: usize = 100;
    let mut out = String::new();
    let mut line = " ".repeat(first);
    let mut empty = true;
    // Keep leading spaces of `text` (an empty label pads the first line).
    let body = text.trim_start();
    line.push_str(&text[..text.len() - body.len()]);
    // A `code span` is never split.
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for piece in body.split(' ') {
        match words.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(piece);
            }
            _ => words.push(piece.to_string()),
        }
        if piece.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    for word in &words {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// `Terraform aws_kms_key.x with 2 aliases, 1 grant and a replica in R; CloudFormation X`.
fn emitted(entry: &LockedKey) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut with = vec![count(entry.terraform_aliases.len(), "alias", "aliases")];
    if !entry.terraform_grants.is_empty() {
        with.push(count(entry.terraform_grants.len(), "grant", "grants"));
    }
    if let Some(r) = &entry.replica {
        with.push(format!("a replica in {}", r.region));
    }
    let last = with.pop().unwrap_or_default();
    let with = if with.is_empty() {
        last
    } else {
        format!("{} and {last}", with.join(", "))
    };
    let replica = entry
        .replica
        .as_ref()
        .map(|r| format!(" (replica {})", r.cloudformation))
        .unwrap_or_default();
    format!(
        "Terraform {} with {with}; CloudFormation {}{replica}",
        entry.terraform, entry.cloudformation
    )
}

#[cfg(test)]
pub(super) fn wrap_for_tests(text: &str) -> String {
    wrap(text, 4, 8)
}
