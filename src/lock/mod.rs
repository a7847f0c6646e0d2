//! The lock: every key identity kms-gen has emitted, so that no render
//! destroys or replaces a key unless the user says so.
//!
//! A KMS key cannot be recreated: deleting one makes everything encrypted
//! under it unreadable. `kms-gen.lock`, committed beside the spec, records per
//! environment each key's name, addresses, alias, immutable settings
//! (key spec, key usage, multi-Region), what it protects and its replica.
//! [`reconcile`] holds a new plan against it: a locked key the plan no longer
//! produces, whose immutable settings change or whose replica goes is refused
//! unless `--allow-destroy` or `--forget` names it. Keys given up with
//! `--forget` stay in the lock under `forgotten`, so their Terraform `removed`
//! blocks keep being rendered.

mod reconcile;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::load::spec::{KeySpec, KeyUsage};

pub use reconcile::{AtRisk, Decisions, Reconciled, Refusal, Risk, reconcile};

/// The lock format's version.
pub const VERSION: u32 = 1;

/// The whole lock: per environment, its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    #[serde(default)]
    pub environments: BTreeMap<String, LockedEnv>,
}

impl Default for Lock {
    fn default() -> Self {
        Lock {
            version: VERSION,
            environments: BTreeMap::new(),
        }
    }
}

/// One environment: where its keys live, the keys kms-gen manages, and the
/// ones it was told to forget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedEnv {
    pub account: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr_region: Option<String>,
    /// By name, as `kms-gen plan` shows it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, LockedKey>,
    /// Keys given up with `--forget`: still in AWS, no longer managed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub forgotten: BTreeMap<String, LockedKey>,
}

/// One key as it was last rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedKey {
    pub alias: String,
    pub key_spec: KeySpec,
    pub key_usage: KeyUsage,
    pub multi_region: bool,
    /// Workload → the data classes of it that the key protects.
    #[serde(serialize_with = "flow_lists")]
    pub protects: BTreeMap<String, Vec<String>>,
    /// The key's Terraform address, `aws_kms_key.<name>`.
    pub terraform: String,
    /// Its aliases' addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terraform_aliases: Vec<String>,
    /// Its grants' addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terraform_grants: Vec<String>,
    /// The key's CloudFormation logical id; kept across renames.
    pub cloudformation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<LockedReplica>,
}

/// A key's multi-Region replica.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedReplica {
    pub region: String,
    pub terraform: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terraform_aliases: Vec<String>,
    pub cloudformation: String,
}

impl LockedKey {
    /// Every Terraform address of the key and its alias, grant and replica resources.
    pub fn terraform_addresses(&self) -> Vec<String> {
        let mut all = vec![self.terraform.clone()];
        all.extend(self.terraform_aliases.iter().cloned());
        all.extend(self.terraform_grants.iter().cloned());
        if let Some(r) = &self.replica {
            all.push(r.terraform.clone());
            all.extend(r.terraform_aliases.iter().cloned());
        }
        all
    }

    /// `payments (pci), analytics (internal, confidential)`.
    pub fn protects_text(&self) -> String {
        protects_text(&self.protects)
    }
}

/// `payments: [pci]` on one line per workload.
fn flow_lists<S: serde::Serializer>(
    map: &BTreeMap<String, Vec<String>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        m.serialize_entry(k, &serde_saphyr::FlowSeq(v))?;
    }
    m.end()
}

/// `payments (pci), analytics (internal, confidential)`.
pub fn protects_text(protects: &BTreeMap<String, Vec<String>>) -> String {
    if protects.is_empty() {
        return "no workload".to_string();
    }
    protects
        .iter()
        .map(|(w, classes)| format!("{w} ({})", classes.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the lock of the spec at `spec` lives: beside it, `kms-gen.lock` for
/// `kms.yaml` (the name `init` writes) and `<stem>.kms-gen.lock` for any
/// other spec name, so that several specs can share a folder.
pub fn path_for(spec: &Path) -> PathBuf {
    let dir = spec.parent().unwrap_or(Path::new("")).to_path_buf();
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == "kms" || stem.is_empty() {
        dir.join("kms-gen.lock")
    } else {
        dir.join(format!("{stem}.kms-gen.lock"))
    }
}

/// Why a lock could not be read.
#[derive(Debug)]
pub enum LockError {
    /// The file exists but could not be read (exit 2).
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not a lock kms-gen wrote (exit 1): `file:line:col: message`.
    Corrupt { at: String, message: String },
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            LockError::Corrupt { at, message } => write!(f, "{at}: {message}"),
        }
    }
}

/// Reads the lock at `path`: `None` when there is none yet.
pub fn read(path: &Path) -> Result<Option<(Lock, String)>, LockError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(LockError::Io {
                path: path.to_path_buf(),
                error,
            });
        }
    };
    let lock = parse(path, &text)?;
    Ok(Some((lock, text)))
}

/// Parses lock text; `path` names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Lock, LockError> {
    let name = path.display().to_string();
    let lock: Lock = serde_saphyr::from_str(text).map_err(|e| {
        let at = match e.location() {
            Some(l) => format!("{name}:{}:{}", l.line(), l.column()),
            None => name.clone(),
        };
        let message = e.without_snippet().to_string();
        // serde-saphyr appends the location and advice meant for programmers.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .replace(", set DuplicateKeyPolicy in Options if acceptable", "");
        LockError::Corrupt { at, message }
    })?;
    if lock.version != VERSION {
        return Err(LockError::Corrupt {
            at: name,
            message: format!(
                "lock version {} is not supported (this kms-gen reads version {VERSION})",
                lock.version
            ),
        });
    }
    Ok(lock)
}

/// The lock as written: a header that explains it, then YAML. Deterministic:
/// every map is sorted.
pub fn to_text(lock: &Lock, spec_name: &str) -> String {
    let options = serde_saphyr::ser_options! {
        compact_list_indent: false,
        prefer_block_scalars: false,
    };
    let body =
        serde_saphyr::to_string_with_options(lock, options).expect("the lock always serializes");
    format!(
        "\
# kms-gen lock of {spec_name}: every KMS key `kms-gen render` has emitted from it.
# Written by kms-gen; commit it beside the spec. A key cannot be recreated, so
# `render` refuses to drop a key listed here, or to change its key_spec,
# key_usage or multi_region, or its replica, unless `--allow-destroy KEY` or
# `--forget KEY` says so; `render --check` fails when this file is stale.
#
# environments.<env>: the account and regions the keys live in, and
#   keys.<name>       each key by its name in `kms-gen plan`: alias, immutable
#                     settings, what it protects (workload: [data classes]),
#                     Terraform addresses, CloudFormation logical id (kept
#                     across renames) and multi-Region replica
#   forgotten.<name>  keys given up with --forget, still in AWS; their
#                     `removed` blocks stay in terraform/<env>/removed.tf until
#                     you delete the entry here, once `terraform apply` ran
# Edit nothing else by hand.
{body}"
    )
}

/// Writes `text` at `path` atomically: a temporary file in the same folder,
/// then a rename over the old one.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kms-gen.lock".into());
    // The process id keeps concurrent renders from sharing a temporary file.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        // Name the temporary file when it is what fails: the lock is untouched.
        let at_tmp = |e: std::io::Error| {
            std::io::Error::new(e.kind(), format!("{e} (temporary file {})", tmp.display()))
        };
        let mut file = std::fs::File::create(&tmp).map_err(at_tmp)?;
        file.write_all(text.as_bytes()).map_err(at_tmp)?;
        file.sync_all().map_err(at_tmp)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests;
